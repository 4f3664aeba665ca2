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
    string TaskTitle)
{
    /// <summary>Readable in assertion failures: <c>2024-06-01 R5 notice lagging 2024-ZD-001 lag:2024-05 → unit-principal:swj-zhang, (cc) …</c>.</summary>
    public override string ToString() =>
        $"{Date} {RuleId} {Level} {Kind} {TaskId} {Occurrence} → {string.Join(", ", Recipients.Select(r => $"{(r.Copy ? "(cc) " : "")}{r.Role}:{r.Person}"))}"
        + (DueBy is null ? "" : $" ({Demand} by {DueBy})");
}

internal sealed record PrintedRecipient(string Role, string Person, bool Copy);

/// <summary>One line of the outbox's <c>sms.log</c>.</summary>
internal sealed record SmsLine(string At, string DispatchId, string To, int Segments, string Text);

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

    public static string Scenario(string name) => Path.Combine(Repo.Root, "tests", "Functions.Tests", "EndToEnd", "Scenarios", name);

    /// <summary>
    /// Simulates <paramref name="scenario"/> from <paramref name="from"/> to <paramref name="to"/> (ISO dates, inclusive)
    /// into <c>{temp}/{outName}</c>. Fails unless the command succeeds and imports every row: a rejected row would
    /// silently change the scenario.
    /// </summary>
    public static SimulatedRun Of(TempFolder temp, string scenario, string from, string to, string outName = "out", Func<string, string?>? setting = null)
    {
        var output = temp[outName];
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(
            ["simulate", "--data", Scenario(scenario), "--from", from, "--to", to, "--out", output],
            stdout, stderr, setting ?? (_ => null), FakeClock.FromUtc(2000, 1, 1));

        Assert.True(code == Cli.Ok, $"simulate exited {code}:\n{stderr}");
        Assert.True(stderr.ToString().Contains("拒绝 0 行。", StringComparison.Ordinal), $"Some rows of {scenario} were rejected:\n{stderr}");
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new SimulatedRun(output, lines, stderr.ToString());
    }

    /// <summary>The events of one rule, in the order they were printed.</summary>
    public IReadOnlyList<PrintedEvent> OfRule(string ruleId) => [.. Events.Where(e => e.RuleId == ruleId)];

    /// <summary>The .eml written for <paramref name="e"/> to <paramref name="person"/>; fails when there is none.</summary>
    public MimeMessage Email(PrintedEvent e, string person)
    {
        var path = EmailPath(e, person);
        Assert.True(File.Exists(path), $"No email to {person} for {e.RuleId} {e.Occurrence} ({e.EventId}) in {Outbox}.");
        return MimeMessage.Load(path);
    }

    public bool HasEmail(PrintedEvent e, string person) => File.Exists(EmailPath(e, person));

    /// <summary>The sms.log lines of <paramref name="e"/> (delivery ids <c>{event}:Sms:{person}</c>).</summary>
    public IReadOnlyList<SmsLine> SmsOf(PrintedEvent e) => [.. Sms.Where(s => s.DispatchId.StartsWith($"{e.EventId}:Sms:", StringComparison.Ordinal))];

    private string EmailPath(PrintedEvent e, string person) =>
        Path.Combine(Outbox, OutboxEmailSender.Folder, OutboxEmailSender.FileName($"{e.EventId}:Email:{person}"));
}
