using System.Text.RegularExpressions;
using Azure;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.EndToEnd;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>
/// The commands over indicators. <c>check</c> validates each indicator as its daily step reads and judges it (values, exemptions, ranking groups), lists
/// what it finds, and reconciles the indicator's own scope (<c>ind:{indicator}</c>) in the problems table: open until
/// the data is fixed, then resolved. <c>run</c> evaluates each indicator after the units and says so; <c>preview</c> and
/// <c>run --dry-run</c> list the indicator events the run would log, and <c>preview</c> those the stored values raise on the
/// coming days. Data: EndToEnd/Scenarios/indicator-bottom-rank, seven towns ranked weekly, imported on Monday 2025-03-17.
/// </summary>
public sealed class IndicatorCommandTests : IDisposable
{
    private static readonly Instant Monday17 = Instant.FromUtc(2025, 3, 17, 2, 0);

    private readonly TempFolder _files = new();
    private readonly FakeClock _clock = new(Monday17, Duration.FromMilliseconds(1));

    [Fact]
    public async Task Check_ListsAnIndicatorsProblemsUnderItsScope_AndResolvesThemOnceTheDataIsFixed()
    {
        var store = Import();
        var values = await SqliteTables.Open(store, _clock).Table("indicatorvalues");
        var row = (await values.Find("zjbf-jd", "town-jia:2025-W11"))!;
        Assert.True(await values.Delete("zjbf-jd", "town-jia:2025-W11", ETag.All));

        var (code, output, _) = Cli("check", "--store", store);
        var open = await new ProblemLog(SqliteTables.Open(store, _clock)).Of("ind:zjbf-jd");
        await values.UpsertAll([row]);
        var (fixedCode, fixedOutput, _) = Cli("check", "--store", store);
        var after = await new ProblemLog(SqliteTables.Open(store, _clock)).Of("ind:zjbf-jd");

        Assert.Equal(Commands.Cli.DataError, code);
        Assert.Contains("可用任务 0 项、指标 1 个，仍有 1 个问题", output, StringComparison.Ordinal);
        Assert.Contains("表「indicatorvalues」", output, StringComparison.Ordinal);
        Assert.Contains("缺少这些单位的数据", output, StringComparison.Ordinal);
        Assert.Equal(("indicatorvalues", "zjbf-jd/2025-W11", "town-jia"), (Assert.Single(open).Problem.Table, open[0].Problem.Key, open[0].Problem.Value));
        Assert.Equal(Commands.Cli.Ok, fixedCode);
        Assert.Contains("可用任务 0 项、指标 1 个，没有问题；自上次检查以来已解决 1 个问题。", fixedOutput, StringComparison.Ordinal);
        Assert.False(Assert.Single(after).Open);
    }

    [Fact]
    public void Run_EvaluatesTheIndicatorAfterTheUnits_AndPrintsItsEvents()
    {
        var store = Import();

        var (code, output, errors) = Cli("run", "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal(Commands.Cli.Ok, code);
        Assert.Contains("评估了 8 个单位和 1 个指标，新事件 2 个", errors, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"indicatorId\":\"zjbf-jd\"", StringComparison.Ordinal)));
    }

    //  2025 March   Mo Tu We Th Fr Sa Su
    //               10                       W10 published: 己 last of seven, below the provincial average 65
    //               17                       W11 published, 己 again; today (imported today: both summon its deputy)
    //               24                       W12 published: 己 75, not in the bottom three
    //               31                       W13 published: 己 64 again (already stored: the preview lists it)
    [Fact]
    public async Task Preview_ListsTheIndicatorEventsOfTheNextRun_AndThoseTheStoredValuesRaiseOnTheComingDays()
    {
        var store = Import();

        var (code, output, errors) = Cli("preview", "--store", store);
        var (_, shorter, _) = Cli("preview", "--days", "14", "--store", store);
        var (_, dryRun, _) = Cli("run", "--dry-run", "--store", store);
        var logged = await new EscalationLog(SqliteTables.Open(store, _clock)).Known(new Domain.Items.UnitId("town-ji"));
        var (_, run, _) = Cli("run", "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        Assert.StartsWith("试运行：2025年3月17日的运行将新记录并发送 2 条督办事件（提醒 0 条，通报 0 条，约谈 2 条），涉及 1 个单位。", output, StringComparison.Ordinal);
        Assert.Contains("其中 2 条来自指标：运行时逐个评估 1 个指标", output, StringComparison.Ordinal);
        Assert.Contains("    指标：zjbf-jd 资金拨付进度（己镇）", output, StringComparison.Ordinal);
        Assert.Contains("期间 2025年第11周；数值 64.5%；全省平均 65%；分组排名 各镇（街道）第7位（共7个）", output, StringComparison.Ordinal);
        Assert.Contains(
            "今后的指标督办：按已录入的指标数据，2025年3月18日至2025年4月15日还将发出 1 条（提醒 0 条，通报 0 条，约谈 1 条）。此后才发布的指标数据现在无法预知，由它们引起的督办不在此列。",
            output, StringComparison.Ordinal);
        Assert.Matches(@"\n2025-03-31 【约谈】低于平均且排名靠后 · 规则 B1「低于全省平均且排名后三位约谈」 · 事件 ev-[0-9a-f]{32}\n    指标：zjbf-jd 资金拨付进度（己镇）\n    原因：指标 资金拨付进度；期间 2025年第13周", output);
        Assert.Contains("2025年3月18日至2025年3月30日不会再发出指标督办。此后才发布的指标数据现在无法预知", shorter, StringComparison.Ordinal);
        Assert.DoesNotContain("今后的指标督办", dryRun, StringComparison.Ordinal);
        Assert.Empty(logged);

        // What the preview lists for today is what the run then logs.
        var listed = Regex.Matches(output, @"^\[\d\] .* · 事件 (ev-[0-9a-f]{32})$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var ran = Regex.Matches(run, "\"eventId\":\"(ev-[0-9a-f]{32})\"").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(ran, listed);
    }

    [Fact]
    public async Task Preview_SaysAnIndicatorWithoutAFirstSeenDateIsFirstSeenToday_AndRecordsNothing()
    {
        var store = Import();
        var firstSeen = await SqliteTables.Open(store, _clock).Table(FirstSeenDates.TableName);
        Assert.True(await firstSeen.Delete("czj", "ind:zjbf-jd", ETag.All));

        var (code, output, _) = Cli("preview", "--store", store);

        Assert.Equal(Commands.Cli.Ok, code);
        Assert.Contains("1 个指标尚未记录首次纳入监测日期，运行时将记为2025年3月17日。未设置上线日期（GoLive）：这些指标的连续落后、连续排名靠后只计该日起发布的数据。", output, StringComparison.Ordinal);
        Assert.Null(await firstSeen.Find("czj", "ind:zjbf-jd"));
    }

    public void Dispose() => _files.Dispose();

    private string Import()
    {
        var store = _files["store"];
        var (code, _, errors) = Cli("import", SimulatedRun.Scenario("indicator-bottom-rank"), "--store", store);
        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        return store;
    }

    private (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Commands.Cli.Run(args, stdout, stderr, _ => null, _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
