using System.Text.Json;
using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using Escalation.Functions.Tests.Import;
using MimeKit;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>One event as <c>simulate</c> prints it (a JSON line): the fields the scenarios assert, as printed.</summary>
internal sealed record PrintedEvent(
    string EventId,
    string Date,
    string Level,
    string Kind,
    string UnitId,
    string TaskId,
    string RuleId,
    string Occurrence,
    IReadOnlyList<PrintedRecipient> Recipients,
    IReadOnlyList<string> Channels,
    string? Demand,
    string? DueBy,
    string UnitName,
    string TaskTitle,
    string Scan)
{
    /// <summary>For a closed loop's decision (答复处理, 虚假整改): accept, reject, reopen, approve or deny; null otherwise.</summary>
    public string? Decision { get; init; }

    /// <summary>Readable in assertion failures: <c>2024-06-01 R5 notice lagging 2024-ZD-001 lag:2024-05 → unit-principal:swj-zhang, (cc) …</c>.</summary>
    public override string ToString() =>
        $"{Date} {RuleId} {Level} {Kind} {TaskId} {Occurrence} → {string.Join(", ", Recipients.Select(r => $"{(r.Copy ? "(cc) " : "")}{r.Role}:{r.Person}"))}"
        + (DueBy is null ? "" : $" ({Demand} by {DueBy})");
}

internal sealed record PrintedRecipient(string Role, string Person, bool Copy)
{
    /// <summary>For a role of a unit the rule names (<c>unit:fgw/principal</c>): that unit; null otherwise.</summary>
    public string? Unit { get; init; }
}

/// <summary>One line of the outbox's <c>sms.log</c>.</summary>
internal sealed record SmsLine(string At, string DispatchId, string To, int Segments, string Text)
{
    /// <summary>The events the message carries.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>The person it went to (from the message id <c>Sms:{person}:{day}:{level}:{sequence}</c>).</summary>
    public string Person => Domain.Delivery.DispatchKey.TryParse(DispatchId)!.Person.Value;
}

/// <summary>One line of the outbox's <c>sms-gateway.log</c>: a mainland SMS gateway request.</summary>
internal sealed record GatewaySmsLine(string At, string Provider, string DispatchId, string To, string SignName, string TemplateCode, Dictionary<string, string> TemplateParam, string OutId)
{
    /// <summary>The events the message carries.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
}

/// <summary>One line of the outbox's <c>wecom.log</c> or <c>dingtalk.log</c>: a group robot's post (the request body as it would be posted).</summary>
internal sealed record RobotLine(string At, string Robot, string Group, string DispatchId, IReadOnlyList<string> Events, JsonElement Request)
{
    /// <summary>The channel, from the message id <c>{WeCom|DingTalk}:robot-{id}:{day}:{level}:{sequence}</c>.</summary>
    public Domain.Rules.Channel Channel => Domain.Delivery.DispatchKey.TryParse(DispatchId)!.Channel;
}

/// <summary>An email of the outbox: who it went to (from its message id), the events it carries, and the message.</summary>
internal sealed record OutboxEmail(string Path, string DispatchId, IReadOnlyList<string> Events, MimeMessage Message)
{
    public string Person => Domain.Delivery.DispatchKey.TryParse(DispatchId)!.Person.Value;

    public static OutboxEmail Load(string path)
    {
        var message = MimeMessage.Load(path);
        var events = message.Headers[MailMessages.EventsHeader]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        return new OutboxEmail(path, message.Headers[MailMessages.DeliveryHeader] ?? "", events, message);
    }
}

/// <summary>
/// <c>simulate --data Scenarios/NAME --from --to --out</c> run in process (settings all absent, so the defaults hold:
/// scans at 00:30 UTC, the 08:30–18:00 sending window, the outbox), into a fresh folder of a <see cref="TempFolder"/>:
/// what it printed and what it wrote.
/// </summary>
internal sealed class SimulatedRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private SimulatedRun(string output, IReadOnlyList<string> lines, string stderr)
    {
        Output = output;
        Lines = lines;
        Stderr = stderr;
        Events = [.. lines.Select(l => JsonSerializer.Deserialize<PrintedEvent>(l, Json)!)];
    }

    /// <summary>The <c>--out</c> folder.</summary>
    public string Output { get; }

    /// <summary>The JSON lines printed on stdout, in order.</summary>
    public IReadOnlyList<string> Lines { get; }

    public IReadOnlyList<PrintedEvent> Events { get; }

    /// <summary>The summary printed on stderr.</summary>
    public string Stderr { get; }

    public string Outbox => Path.Combine(Output, "outbox");

    /// <summary>Every line of <c>outbox/sms.log</c>, in order (none when no SMS went out).</summary>
    public IReadOnlyList<SmsLine> Sms
    {
        get
        {
            var log = Path.Combine(Outbox, OutboxSmsSender.FileName);
            return File.Exists(log)
                ? [.. File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<SmsLine>(l, Json)!)]
                : [];
        }
    }

    /// <summary>Every line of <c>outbox/sms-gateway.log</c>, in order (none when no SMS went through a gateway).</summary>
    public IReadOnlyList<GatewaySmsLine> GatewaySms
    {
        get
        {
            var log = Path.Combine(Outbox, Escalation.Functions.Sending.China.OutboxSmsGateway.FileName);
            return File.Exists(log)
                ? [.. File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<GatewaySmsLine>(l, Json)!)]
                : [];
        }
    }

    /// <summary>Every line of <c>outbox/wecom.log</c> then of <c>outbox/dingtalk.log</c>, in order (none when no robot posted).</summary>
    public IReadOnlyList<RobotLine> RobotPosts =>
    [
        .. new[] { Domain.Rules.Channel.WeCom, Domain.Rules.Channel.DingTalk }
            .Select(c => Path.Combine(Outbox, Escalation.Functions.Sending.China.RobotChannel.FileNameOf(c)))
            .Where(File.Exists)
            .SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<RobotLine>(l, Json)!),
    ];

    /// <summary>
    /// <c>demo --out</c> run in process (settings all absent, so the demo's own defaults hold: SMS through the aliyun
    /// gateway's outbox log) on the shipped samples; the events from its <c>events.jsonl</c>, the summary from stdout.
    /// </summary>
    public static SimulatedRun OfDemo(TempFolder temp, string outName = "demo")
    {
        var output = temp[outName];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(["demo", "--data", Repo.Samples, "--out", output], stdout, stderr, _ => null, FakeClock.FromUtc(2000, 1, 1));

        Assert.True(code == Cli.Ok, $"demo exited {code}:\n{stderr}");
        Assert.True(stdout.ToString().Contains("拒绝 0 行。", StringComparison.Ordinal), $"Some sample rows were rejected:\n{stdout}\n{stderr}");
        var lines = File.ReadAllLines(Path.Combine(output, "events.jsonl")).Where(l => l.Length > 0).ToList();
        return new SimulatedRun(output, lines, stdout.ToString());
    }

    public static string Scenario(string name) => Path.Combine(Repo.Root, "tests", "Functions.Tests", "EndToEnd", "Scenarios", name);

    /// <summary>
    /// Simulates <paramref name="scenario"/> from <paramref name="from"/> to <paramref name="to"/> (ISO dates, inclusive)
    /// into <c>{temp}/{outName}</c>. Fails unless the command succeeds and imports every row: a rejected row would
    /// silently change the scenario.
    /// </summary>
    public static SimulatedRun Of(TempFolder temp, string scenario, string from, string to, string outName = "out", Func<string, string?>? setting = null) =>
        OfData(temp, Scenario(scenario), from, to, outName, setting);

    /// <summary>As <see cref="Of"/>, for any data folder (e.g. the shipped samples the demo imports).</summary>
    public static SimulatedRun OfData(TempFolder temp, string data, string from, string to, string outName = "out", Func<string, string?>? setting = null)
    {
        var scenario = data;
        var output = temp[outName];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(
            ["simulate", "--data", data, "--from", from, "--to", to, "--out", output],
            stdout, stderr, setting ?? (_ => null), FakeClock.FromUtc(2000, 1, 1));

        Assert.True(code == Cli.Ok, $"simulate exited {code}:\n{stderr}");
        Assert.True(stderr.ToString().Contains("拒绝 0 行。", StringComparison.Ordinal), $"Some rows of {scenario} were rejected:\n{stderr}");
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new SimulatedRun(output, lines, stderr.ToString());
    }

    /// <summary>The events of one rule, in the order they were printed.</summary>
    public IReadOnlyList<PrintedEvent> OfRule(string ruleId) => [.. Events.Where(e => e.RuleId == ruleId)];

    /// <summary>Every .eml of the outbox that carries events (a weekly list's or monthly notice's copy is in <see cref="Digests"/>).</summary>
    public IReadOnlyList<OutboxEmail> Emails => [.. EmlFiles().Where(f => !IsDigest(f)).Select(OutboxEmail.Load)];

    /// <summary>The weekly lists' and monthly notices' copies of the outbox (<c>week_…</c>, <c>month_…</c>).</summary>
    public IReadOnlyList<string> Digests => [.. EmlFiles().Where(IsDigest)];

    private static bool IsDigest(string path) =>
        Path.GetFileName(path).StartsWith("week_", StringComparison.Ordinal) || Path.GetFileName(path).StartsWith("month_", StringComparison.Ordinal);

    private IEnumerable<string> EmlFiles()
    {
        var folder = Path.Combine(Outbox, OutboxEmailSender.Folder);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal) : [];
    }

    /// <summary>The one .eml that carried <paramref name="e"/> to <paramref name="person"/>; fails when there is none or more than one.</summary>
    public MimeMessage Email(PrintedEvent e, string person)
    {
        var carrying = EmailsOf(e, person);
        Assert.True(carrying.Count == 1, $"{carrying.Count} emails to {person} carry {e.RuleId} {e.Occurrence} ({e.EventId}) in {Outbox}; expected one.");
        return carrying[0].Message;
    }

    public bool HasEmail(PrintedEvent e, string person) => EmailsOf(e, person).Count > 0;

    /// <summary>The sms.log lines that carried <paramref name="e"/>.</summary>
    public IReadOnlyList<SmsLine> SmsOf(PrintedEvent e) => [.. Sms.Where(s => s.Events.Contains(e.EventId))];

    private List<OutboxEmail> EmailsOf(PrintedEvent e, string person) =>
        [.. Emails.Where(m => m.Person == person && m.Events.Contains(e.EventId))];
}
