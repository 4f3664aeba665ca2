using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary>
/// The sample city's indicators (samples/indicators.csv, indicatorvalues.csv, rankinggroups.csv and the rules I1–I11) over
/// the demo window, 2026-04-01 to 07-31: imported as an admin would, each indicator's inputs built as the indicator step
/// builds them (<see cref="IndicatorItems.Build"/> through <see cref="DailyRead.Indicator"/>), and
/// <see cref="IndicatorEvaluator"/> run every day. Each event is kept once (the log's exactly-once insert), on the first day
/// it is raised. The demo must show the whole indicator ladder:
/// <code>
///   固定资产投资增速 (市发改委, rank floor 4, not lower than Q1)   1–3月 6th → I1 04-20; 1–4月 5th → I2 05-20; 1–5月 7th → I3 06-18,
///                                                              and 1–5月 5.8% below 一季度 6.1% → I6 06-18
///   外贸进出口总额 (市商务局, 180亿元 a year, time-proportional)    1–4月 57.1 of 60 → I1 05-21; 1–5月 70.4 of 75 → I2 06-22
///                                                              (published a working day after the statistics; 06-19 is 端午)
///   社会消费品零售总额增速 (市商务局, 确保5.5 力争6.5)              1–4月 5.2 → I4 05-20; 1–5月 5.9 → I5 06-18
///   一般公共预算收入增速 (市财政局, rank floor 5)                 1–6月 6th → I1 07-21
///   资金拨付进度 (weekly, 10 towns)  below the average and in the bottom three: 青石镇 W16 (deputy), W17 (principal: moved up),
///                                    not W18; again W20 (deputy); 北塘镇 W23; 石门镇 W26 → I8
///   重点项目投资完成率 (monthly, 10 towns)  scoreboards for 1–3月 … 1–6月 (I9), top three share (I10), bottom three pledge (I11)
/// </code>
/// </summary>
public sealed class SampleIndicatorsTests : IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly LocalDate First = new(2026, 4, 1);
    private static readonly LocalDate Last = new(2026, 7, 31);

    private readonly TempFolder _files = new();

    private static LocalDate D(int month, int day) => new(2026, month, day);

    private async Task<(Configuration Configuration, IndicatorInputs Inputs, List<Problem> Problems)> SampleInputs()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 3, 31, 0, 30));
        var tables = SqliteTables.Open(_files["store"], clock);
        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        Assert.Empty(report.Rejected);

        var read = new DailyRead(tables, clock, Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        var definitions = new List<IndicatorDefinition>();
        var values = new List<IndicatorValue>();
        var groups = new List<RankingGroup>();
        var exemptions = new List<IndicatorExemption>();
        var problems = new List<Problem>();
        foreach (var id in configuration.Indicators.Definitions.Keys.OrderBy(i => i.Value, StringComparer.Ordinal))
        {
            var (inputs, rowProblems) = await read.Indicator(configuration, id);
            definitions.AddRange(inputs.Definitions);
            values.AddRange(inputs.Values);
            groups.AddRange(inputs.Groups);
            exemptions.AddRange(inputs.Exemptions);
            problems.AddRange(rowProblems);
        }

        return (configuration, new IndicatorInputs(definitions, values, groups, exemptions), problems);
    }

    /// <summary>Every indicator event of the demo window, each once, as first raised; and every problem the evaluator found.</summary>
    private async Task<(Configuration Configuration, List<EscalationEvent> Events, List<Problem> Problems)> DemoWindow()
    {
        var (configuration, inputs, problems) = await SampleInputs();
        var evaluator = new IndicatorEvaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var events = new Dictionary<EventId, EscalationEvent>();
        for (var day = First; day <= Last; day = day.PlusDays(1))
        {
            foreach (var scan in new[] { ScanSlot.Morning, ScanSlot.Afternoon })
            {
                var result = evaluator.Evaluate(inputs, day, scan);
                problems.AddRange(result.Problems);
                foreach (var e in result.Events)
                {
                    events.TryAdd(e.Id, e);
                }
            }
        }

        return (configuration, [.. events.Values.OrderBy(e => e.Date).ThenBy(e => e.Id.Value, StringComparer.Ordinal)], problems);
    }

    private static (string Rule, string Indicator, string Unit, string Period, LocalDate Date) Key(EscalationEvent e) =>
        (e.Rule.Value, e.Item.Value[IndicatorItem.Prefix.Length..], e.Unit.Value, e.Facts.PeriodKey!, e.Date);

    [Fact]
    public async Task SampleIndicators_AreAllUsable_WithTheirValuesAndGroups()
    {
        var (configuration, inputs, problems) = await SampleInputs();

        Assert.Empty(problems);
        Assert.Equal(9, configuration.Indicators.Definitions.Count);
        Assert.Equal(707, inputs.Values.Count);
        Assert.Equal(["towns-xm", "towns-zjbf"], inputs.Groups.Select(g => g.Id.Value).Order(StringComparer.Ordinal));
        Assert.All(inputs.Groups, g => Assert.Equal(10, g.Units.Count));
        Assert.Equal(11, configuration.Rules.Count(r => r.Trigger.Kind.IsIndicator()));
    }

    [Fact]
    public async Task SampleValues_ArePublishedOnWorkingDays_AfterTheirPeriod()
    {
        var (configuration, inputs, _) = await SampleInputs();

        Assert.All(inputs.Values.Where(v => v.Published.Year == 2026), v => Assert.True(configuration.Calendar.IsWorkingDay(v.Published), $"{v.RowKey} published {v.Published}"));
        Assert.All(inputs.Values, v => Assert.True(v.Published > v.Period.End, $"{v.RowKey} published {v.Published}, before its period ends"));
    }

    [Fact]
    public async Task DemoWindow_RaisesTheIndicatorLadder_OnThePublicationDays()
    {
        var (_, events, problems) = await DemoWindow();

        Assert.Empty(problems);
        var ladder = events.Where(e => e.Rule.Value is "I1" or "I2" or "I3" or "I4" or "I5" or "I6" or "I7").Select(Key).ToList();
        Assert.Equal(
        [
            ("I1", "gdtz-zs", "fgw", "2026-03", D(4, 20)),
            ("I2", "gdtz-zs", "fgw", "2026-04", D(5, 20)),
            ("I4", "shxf-zs", "swuj", "2026-04", D(5, 20)),
            ("I1", "wmjck", "swuj", "2026-04", D(5, 21)),
            ("I3", "gdtz-zs", "fgw", "2026-05", D(6, 18)),
            ("I5", "shxf-zs", "swuj", "2026-05", D(6, 18)),
            ("I6", "gdtz-zs", "fgw", "2026-05", D(6, 18)),
            ("I2", "wmjck", "swuj", "2026-05", D(6, 22)),
            ("I1", "ybgg-zs", "czj", "2026-06", D(7, 21)),
        ], ladder.OrderBy(k => k.Date).ThenBy(k => k.Rule, StringComparer.Ordinal).ThenBy(k => k.Indicator, StringComparer.Ordinal));
    }

    [Fact]
    public async Task DemoWindow_NoticeDemandsAnExplanation_FiveWorkingDaysAfterPublication()
    {
        var (_, events, _) = await DemoWindow();

        var notice = Assert.Single(events, e => e.Rule.Value == "I2" && e.Facts.PeriodKey == "2026-04");
        Assert.Equal(new Demand(DemandKind.Explanation, D(5, 27)) { From = [new UnitId("fgw")] }, notice.Demand);
        Assert.Equal(2, notice.Facts.Streak);
        Assert.Equal((5, 12), (notice.Facts.Indicator!.ProvincialRank, notice.Facts.Indicator.PeerCount));
    }

    [Fact]
    public async Task DemoWindow_SummonsTownsBelowTheAverageInTheBottomThree_OneLevelHigherInTheNextConsecutiveWeek()
    {
        var (_, events, _) = await DemoWindow();

        var summonses = events.Where(e => e.Kind == EventKind.BottomRank).ToList();
        Assert.Equal(
        [
            ("town-qs", "2026-W16", D(4, 21), "town-qs-guo", false),
            ("town-qs", "2026-W17", D(4, 28), "town-qs-ren", true),
            ("town-qs", "2026-W20", D(5, 19), "town-qs-guo", false),
            ("town-bt", "2026-W23", D(6, 9), "town-bt-lu", false),
            ("town-sm", "2026-W26", D(6, 30), "town-sm-shao", false),
        ], summonses.Select(e => (e.Unit.Value, e.Facts.PeriodKey!, e.Date, e.Recipients.Single(r => !r.IsCopy).Person.Value, e.Facts.Indicator!.Escalated)));
        Assert.All(summonses, e => Assert.Equal(EventLevel.Summons, e.Level));
        Assert.All(summonses, e => Assert.True(e.Facts.Indicator!.Standing!.Value.InBottom(3) && e.Facts.Indicator.Value < e.Facts.Indicator.ProvincialAverage));
    }

    [Fact]
    public async Task DemoWindow_PublishesAMonthlyScoreboard_WithTheTopThreeSharingAndTheBottomThreePledging()
    {
        var (_, events, _) = await DemoWindow();

        var scoreboards = events.Where(e => e.Kind == EventKind.Scoreboard).ToList();
        Assert.Equal(["2026-03", "2026-04", "2026-05", "2026-06"], scoreboards.Select(e => e.Facts.PeriodKey));
        Assert.Equal([D(4, 10), D(5, 11), D(6, 10), D(7, 10)], scoreboards.Select(e => e.Date));
        Assert.All(scoreboards, e => Assert.Equal(10, e.Recipients.Count(r => !r.IsCopy)));
        Assert.All(scoreboards, e => Assert.Equal(new UnitId("fgw"), e.Unit));
        Assert.Equal(12, events.Count(e => e.Kind == EventKind.ShareInvitation));
        Assert.Equal(12, events.Count(e => e.Kind == EventKind.Pledge));
        var june = events.Where(e => e.Facts.PeriodKey == "2026-06" && e.Kind is EventKind.ShareInvitation or EventKind.Pledge)
            .ToLookup(e => e.Kind, e => e.Unit.Value);
        Assert.Equal(["town-bs", "town-dh", "town-jq"], june[EventKind.ShareInvitation].Order(StringComparer.Ordinal));
        Assert.Equal(["town-bt", "town-qs", "town-sm"], june[EventKind.Pledge].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DemoWindow_HasExactlyTheseIndicatorEvents()
    {
        var (_, events, _) = await DemoWindow();

        // 9 of the ladder (I1–I6), 5 bottom-rank summonses, 4 scoreboards, 12 share invitations, 12 pledges.
        Assert.Equal(42, events.Count);
        Assert.Equal(
            new Dictionary<EventLevel, int> { [EventLevel.Reminder] = 16, [EventLevel.Notice] = 20, [EventLevel.Summons] = 6 },
            events.GroupBy(e => e.Level).ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public async Task DemoWindow_EventsReadWell_InTheSampleCitysWording()
    {
        var (configuration, events, _) = await DemoWindow();
        string Mail(EscalationEvent e) =>
            MessageWording.RenderEmail(new Letter("某某", e.Level, e.Date, [new LetterItem(e, configuration.Templates.GetValueOrDefault(e.Template), IsCopy: false)]), configuration.Wording).PlainText;

        var summons = Mail(events.Single(e => e.Rule.Value == "I3"));
        var bottom = Mail(events.Single(e => e.Kind == EventKind.BottomRank && e.Facts.PeriodKey == "2026-W17"));
        var scoreboard = Mail(events.First(e => e.Kind == EventKind.Scoreboard));

        Assert.Contains("市发展改革委负责的“固定资产投资增速”为5.8%，居全省第7位（共12个），全省平均5.9%，已连续3期落后。", summons, StringComparison.Ordinal);
        Assert.Contains("该指标全省排名目标为“保四争三奔第一”。", summons, StringComparison.Ordinal);
        Assert.Contains("2026年第17周，青石镇“资金拨付进度”为29%，低于全省平均（29.3%），在各镇（街道）中排第10位（共10个），处于后三位。", bottom, StringComparison.Ordinal);
        Assert.Contains("青石镇已连续2期低于全省平均且排名后三位，按规定提级约谈主要负责同志。", bottom, StringComparison.Ordinal);
        Assert.Contains("现将2026年1–3月各镇（街道）“重点项目投资完成率”排名情况（成绩单）通报如下。", scoreboard, StringComparison.Ordinal);
        Assert.All(configuration.Indicators.Groups[0].Units, u => Assert.Contains(configuration.Wording.NameOf(u), scoreboard, StringComparison.Ordinal));
    }

    public void Dispose() => _files.Dispose();
}
