using System.Text.Json.Nodes;
using Escalation.Functions.Commands;
using Escalation.Functions.Local;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// <c>run</c> on the command line, on a clock that moves on as the code reads it (as the real one does): each message is
/// published a little after the one that set it off, and the cycle must still carry everything through to delivery.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    // Monday 2026-06-01 10:00 Asia/Shanghai: a working day, inside the sending window.
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly TempFolder _files = new();

    [Fact]
    public void Run_LogsAndSendsThenSendsNothing_WhenRunTwiceTheSameDay()
    {
        var store = _files["store"];
        var outbox = _files["outbox"];
        var clock = new FakeClock(MondayMorning, Duration.FromMilliseconds(1));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, clock));

        var (firstCode, firstEvents, firstSummary) = Run(clock, "run", "--store", store, "--outbox", outbox);
        var (secondCode, secondEvents, secondSummary) = Run(clock, "run", "--store", store, "--outbox", outbox);

        Assert.Equal(Cli.Ok, firstCode);
        Assert.NotEmpty(firstEvents);
        Assert.Contains($"新事件 {firstEvents.Count} 个，", firstSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("发出消息 0 条", firstSummary, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outbox, "email")));
        Assert.Equal(Cli.Ok, secondCode);
        Assert.Empty(secondEvents);
        Assert.Contains("新事件 0 个，发出消息 0 条", secondSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("wait for the sending window", secondSummary, StringComparison.Ordinal);
    }

    // Sunday 2026-12-06 17:00 Shanghai: outside the sending window, so without --at the run defers what it logs.
    [Fact]
    public void Run_LogsAndSendsAsOfTheGivenTime_WhenAtIsGiven()
    {
        var store = _files["store"];
        var outbox = _files["outbox"];
        var sunday = new FakeClock(Instant.FromUtc(2026, 12, 6, 9, 0), Duration.FromMilliseconds(1));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, sunday));

        var (code, events, summary) = Run(sunday, "run", "--store", store, "--outbox", outbox, "--at", "2026-06-01T10:00");

        Assert.Equal(Cli.Ok, code);
        Assert.Equal(SampleMonday.Events.Order(), events.Select(e => JsonNode.Parse(e)!["eventId"]!.GetValue<string>()).Order());
        Assert.All(events, e => Assert.Contains("\"date\":\"2026-06-01\"", e, StringComparison.Ordinal));
        Assert.Contains("2026-06-01 的运行", summary, StringComparison.Ordinal);
        // SampleMonday: 23 deliveries in 17 messages, one per person, channel and level: 11 emails and 6 SMS.
        Assert.Contains("评估了 24 个单位和 9 个指标，新事件 7 个，发出消息 17 条", summary, StringComparison.Ordinal);
        Assert.Equal(SampleMonday.Emails, Directory.GetFiles(Path.Combine(outbox, "email")).Length);
        Assert.Equal(SampleMonday.Sms, File.ReadAllLines(Path.Combine(outbox, "sms.log")).Length);
    }

    // Monday 2026-06-01: the 旬 report due Sunday 05-31 rolls to today. The afternoon scan runs R10 only.
    [Fact]
    public void Run_RunsTheAfternoonRulesOnly_WhenScanIsAfternoon()
    {
        var store = _files["store"];
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 6, 9, 0), Duration.FromMilliseconds(1));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, clock));

        var (code, events, summary) = Run(clock, "run", "--store", store, "--outbox", _files["outbox"], "--at", "2026-06-01T16:00", "--scan", "afternoon");
        var (again, repeated, _) = Run(clock, "run", "--store", store, "--outbox", _files["outbox"], "--at", "2026-06-01T16:05", "--scan", "下午");

        Assert.Equal(Cli.Ok, code);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Contains("\"ruleId\":\"R10\"", e, StringComparison.Ordinal));
        Assert.All(events, e => Assert.Contains("\"scan\":\"afternoon\"", e, StringComparison.Ordinal));
        Assert.All(events, e => Assert.Contains("\"occurrence\":\"report-soon:2026-05-31\"", e, StringComparison.Ordinal));
        Assert.Contains("2026-06-01 的下午运行", summary, StringComparison.Ordinal);
        Assert.Equal(Cli.Ok, again);
        Assert.Empty(repeated);
    }

    [Fact]
    public void Run_RefusesScan_WhenItIsNeitherMorningNorAfternoon()
    {
        var (code, _, summary) = Run(new FakeClock(MondayMorning), "run", "--store", _files["store"], "--scan", "evening");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("--scan 'evening' 无法识别：请填写 morning（上午扫描，默认）或 afternoon（下午扫描）。", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-06-01")]
    [InlineData("2026-06-01 10:00")]
    [InlineData("2026-02-30T10:00")]
    public void Run_RefusesAt_WhenItIsNotALocalDateAndTime(string at)
    {
        var (code, _, summary) = Run(new FakeClock(MondayMorning), "run", "--store", _files["store"], "--at", at);

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains($"--at '{at}' 不是本地时间：请写成 yyyy-MM-ddTHH:mm（部署时区 Asia/Shanghai）", summary, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_files["store"]));
    }

    [Fact]
    public void Run_RefusesAt_WhenTheTablesAreSharedAzureTables()
    {
        var (code, _, summary) = Run(new FakeClock(MondayMorning), "run", "--connection", "UseDevelopmentStorage=true", "--at", "2026-06-01T10:00");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("未运行：--at 只用于本地嵌入式存储（--store 目录）", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("86401")]
    [InlineData("一分钟")]
    public void Run_RefusesLockWait_WhenItIsNotWholeSecondsUpToADay(string wait)
    {
        var (code, _, summary) = Run(new FakeClock(MondayMorning), "run", "--store", _files["store"], "--lock-wait", wait);

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains($"--lock-wait '{wait}' 不是 0 到 86400 之间的整数秒", summary, StringComparison.Ordinal);
    }

    // Simulate clears its store before importing: it must take the store first, or it would delete a store in use.
    [Fact]
    public void Simulate_RefusesAndLeavesTheStoreAlone_WhenAnotherRunHoldsIt()
    {
        var store = Path.Combine(_files["sim"], "store");
        Directory.CreateDirectory(store);
        var data = Path.Combine(store, "tables.db");
        File.WriteAllText(data, "in use");
        using var held = StoreLock.TryAcquire(store, "run").Lock;

        var (code, _, summary) = Run(new FakeClock(MondayMorning), "simulate", "--data", Repo.Samples, "--from", "2026-06-01", "--to", "2026-06-02", "--out", _files["sim"], "--lock-wait", "0");

        Assert.NotNull(held);
        Assert.Equal(Cli.DataError, code);
        Assert.Contains($"未运行：本地存储 {store} 正被另一个运行使用（进程 {Environment.ProcessId}，命令 run，自 ", summary, StringComparison.Ordinal);
        Assert.Equal("in use", File.ReadAllText(data));
    }

    public void Dispose() => _files.Dispose();

    private static (int Code, IReadOnlyList<string> Events, string Summary) Run(IClock clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, clock);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }
}
