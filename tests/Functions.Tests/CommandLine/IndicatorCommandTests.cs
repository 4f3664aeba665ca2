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
/// the data is fixed, then resolved. <c>run</c> evaluates each indicator after the units and says so; <c>preview</c> says
/// it does not preview them. Data: EndToEnd/Scenarios/indicator-bottom-rank, seven towns ranked weekly.
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

    [Fact]
    public void Preview_SaysIndicatorsAreNotPreviewed_WhenAnIndicatorRuleIsEnabled()
    {
        var store = Import();

        var (code, output, _) = Cli("preview", "--store", store);

        Assert.Equal(Commands.Cli.Ok, code);
        Assert.Contains("新记录并发送 0 条督办事件", output, StringComparison.Ordinal);
        Assert.Contains("指标的督办不在试运行和预览之列：运行时另外逐个评估 1 个指标", output, StringComparison.Ordinal);
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
