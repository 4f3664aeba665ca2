using Escalation.Domain.Digests;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Functions.Digests;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Pipeline;
using NodaTime;

namespace Escalation.Functions.Tests.Digests;

/// <summary>
/// The digests show a notice, summons or demand by its reference (文号) as its log row carries it, as every message does;
/// the event id stands in only for a row without one. Data: the samples, with a June notice (lag streak, explanation due
/// 06-09) and a June summons about fgw-2026-01 logged as the daily run logs them (the log assigns the reference).
/// </summary>
public class DigestReferenceTests
{
    private static readonly LocalDate July14 = new(2026, 7, 14);

    [Fact]
    public async Task MonthlyNotice_ShowsStreaksSummonsesAndOpenDemands_ByTheirReferences()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 7, 14, 9, 10));
        var (notice, summons) = await LogJune(sandbox);
        var read = new DigestRead(sandbox.Tables, sandbox.Clock, Sandbox.Zone);
        var configuration = await read.Configuration();

        var monthly = await read.Monthly(configuration, DigestPeriod.Month(IndicatorPeriod.Month(2026, 6)), July14);

        Assert.Matches(@"^督办〔2026〕\d{4}号$", notice);
        Assert.NotEqual(notice, summons);
        Assert.Contains(monthly.Streaks, s => s.Notice == notice);
        Assert.Equal(summons, Assert.Single(monthly.Summonses, s => s.Item.Value == "fgw-2026-01").Notice);
        Assert.Contains(monthly.OpenDemands, d => d.Notice == notice && d.Kind == DemandKind.Explanation);
        Assert.DoesNotContain(monthly.OpenDemands, d => d.Notice.Length == 32 && d.Item.Value == "fgw-2026-01");
    }

    [Fact]
    public async Task WeeklyList_ShowsAnOverdueDemand_ByItsNoticesReference_InTheListAndItsRendering()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 7, 14, 9, 10));
        var (notice, _) = await LogJune(sandbox);
        var read = new DigestRead(sandbox.Tables, sandbox.Clock, Sandbox.Zone);
        var configuration = await read.Configuration();

        var weekly = await read.Weekly(configuration, DigestPeriod.Week(IndicatorPeriod.Week(2026, 29)), July14);
        var html = DigestHtml.Render(weekly, DigestLetterhead.Default);

        Assert.Contains(weekly.Demands, d => d.Notice == notice && d.Item.Value == "fgw-2026-01");
        Assert.Contains(notice, html, StringComparison.Ordinal);
    }

    /// <summary>Logs a June lag notice (with a demand) and a June summons; returns the references the log gave them.</summary>
    private static async Task<(string Notice, string Summons)> LogJune(Sandbox sandbox)
    {
        var log = new EscalationLog(sandbox.Tables);
        var notice = ExportData.Notice("lag:2026-06", "fgw", new LocalDate(2026, 6, 2), "市发展改革委", "优化营商环境攻坚行动");
        var summons = ExportData.Notice("lag:2026-06:summons", "fgw", new LocalDate(2026, 6, 20), "市发展改革委", "优化营商环境攻坚行动") with
        {
            Level = EventLevel.Summons,
            Demand = null,
        };
        summons = summons with { Facts = summons.Facts with { Streak = null } };
        Assert.True(await log.Record(notice, ExportData.Now));
        Assert.True(await log.Record(summons, ExportData.Now));
        var references = new ReferenceNumbers(sandbox.Tables);
        return ((await references.Of(notice.Id))!, (await references.Of(summons.Id))!);
    }
}
