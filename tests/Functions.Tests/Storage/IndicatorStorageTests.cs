using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Export;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// Indicator events as the log stores them (every figure of <see cref="IndicatorFacts"/>, so that delivery can word the
/// message from the log row alone), the export shows them (the indicator's name as the item, the period, the value and
/// the ranks) and the simulate lines carry them; a log-only event reads 仅记录 everywhere.
/// </summary>
public sealed class IndicatorStorageTests : IDisposable
{
    private readonly SqliteBackend _backend = new();

    private static LogEntry RoundTrip(EscalationEvent e, LogStatus status = LogStatus.Logged) =>
        EscalationLog.FromEntity(EscalationLog.ToEntity(e, status, null, ExportData.Now, ExportData.Now));

    private static void AssertSameFacts(IndicatorFacts expected, IndicatorFacts? actual) => IndicatorEvents.AssertSameFacts(expected, actual);

    private static readonly string[] Names = ["lag", "bottom", "scoreboard", "year-end"];

    public static TheoryData<string> Events => [.. Names];

    private static EscalationEvent Of(string name) => name switch
    {
        "lag" => IndicatorEvents.LagNotice(),
        "bottom" => IndicatorEvents.BottomRank(),
        "scoreboard" => IndicatorEvents.Scoreboard(),
        _ => IndicatorEvents.ExemptYearEnd(),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Log_RoundTripsEveryIndicatorFigure(string name)
    {
        var e = Of(name);

        var read = RoundTrip(e).Event;

        AssertSameFacts(e.Facts.Indicator!, read.Facts.Indicator);
        Assert.Equal(e.Facts with { Indicator = null }, read.Facts with { Indicator = null });
        Assert.Equal((e.Id, e.Item, e.Unit, e.Kind, e.Level, e.Occurrence), (read.Id, read.Item, read.Unit, read.Kind, read.Level, read.Occurrence));
        Assert.Equal(e.Recipients, read.Recipients);
        Assert.Equal(e.Channels, read.Channels);
        Assert.Equal(e.Demand, read.Demand);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Log_RoundTripsEveryIndicatorFigure_ThroughTheEmbeddedStore(string name)
    {
        var e = Of(name);
        var log = new EscalationLog(_backend.Fresh());

        Assert.True(await log.Record(e, ExportData.Now));
        var read = (await log.Find(e.Unit, e.Id))!.Event;
        var month = await log.OfMonth(e.Date.ToString("yyyy-MM", null)).ToListAsync();

        AssertSameFacts(e.Facts.Indicator!, read.Facts.Indicator);
        AssertSameFacts(e.Facts.Indicator!, Assert.Single(month).Event.Facts.Indicator);
    }

    [Fact]
    public void Log_StoresTheIndicatorColumnsByName_AndNoneForATask()
    {
        var lag = EscalationLog.ToEntity(IndicatorEvents.LagNotice(), LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        var scoreboard = EscalationLog.ToEntity(IndicatorEvents.Scoreboard(), LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        var task = EscalationLog.ToEntity(ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2)), LogStatus.Logged, null, ExportData.Now, ExportData.Now);

        Assert.Equal(("gdtz-zs", "ind:gdtz-zs", "2025-04", "2025-05-20"), (lag.GetString("Indicator"), lag.GetString("Task"), lag.GetString("PeriodKey"), lag.GetString("Published")));
        Assert.Equal((6.1, 5, 12, 5.8, "4/3/1"), (lag.GetDouble("IndicatorValue"), lag.GetInt32("ProvincialRank"), lag.GetInt32("PeerCount"), lag.GetDouble("ProvincialAverage"), lag.GetString("RankTargets")));
        Assert.Equal("Green", lag.GetString("Light"));
        Assert.False(scoreboard.ContainsKey("IndicatorValue"));
        Assert.Equal("[[\"b1\",9.5,1,4],[\"b2\",8.25,2,3],[\"b3\",7,3,1],[\"b4\",7,3,1]]", scoreboard.GetString("Standings"));
        var indicatorColumns = Tables.EscalationLog.Columns.Select(c => c.Name).Where(n => lag.ContainsKey(n) || scoreboard.ContainsKey(n)).Except(task.Keys).ToList();
        Assert.Contains("Indicator", indicatorColumns);
        Assert.DoesNotContain(task.Keys, k => k is "Indicator" or "Published" or "IndicatorValue" or "Standings" or "RankingGroup");
    }

    [Fact]
    public void Schema_DeclaresEveryIndicatorColumnTheLogWrites()
    {
        var written = Names.SelectMany(n => EscalationLog.ToEntity(Of(n), LogStatus.Logged, null, ExportData.Now, ExportData.Now).Keys)
            .Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))
            .Distinct()
            .ToList();

        Assert.All(written, name => Assert.Contains(Tables.EscalationLog.Columns, c => c.Name == name));
    }

    [Fact]
    public async Task Record_LogsALogOnlyEventAsLogOnly_WhichNoRunPublishesAgain()
    {
        var log = new EscalationLog(_backend.Fresh());
        var e = IndicatorEvents.ExemptYearEnd();

        Assert.True(e.LogOnly);
        Assert.True(await log.Record(e, ExportData.Now));
        var known = await log.Known(e.Unit);
        var entry = (await log.Find(e.Unit, e.Id))!;

        Assert.Equal(LogStatus.LogOnly, known[e.Id.Value].Status);
        Assert.Equal(LogStatus.LogOnly, entry.Status);
        Assert.Empty(entry.Event.Channels);
        Assert.Empty(entry.Event.Recipients);
    }

    [Fact]
    public void Export_ShowsTheIndicatorsNameAsTheItem_ThePeriod_TheValueAndTheRanks()
    {
        var header = LogExport.Headers.ToList();

        var lag = LogExport.Row(RoundTrip(IndicatorEvents.LagNotice()), []);
        var bottom = LogExport.Row(RoundTrip(IndicatorEvents.BottomRank()), []);
        var scoreboard = LogExport.Row(RoundTrip(IndicatorEvents.Scoreboard()), []);
        var task = LogExport.Row(RoundTrip(ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2))), []);

        object? Cell(object?[] row, string column) => row[header.IndexOf(column)];
        Assert.Equal<object?>(["指标落后", "ind:gdtz-zs", "固定资产投资增速", "2025年1–4月"], [Cell(lag, "类型"), Cell(lag, "任务编号"), Cell(lag, "任务名称"), Cell(lag, "期间")]);
        Assert.Equal<object?>([6.1, 2.5, "全省第5/12位"], [Cell(lag, "指标值"), Cell(lag, "计划值"), Cell(lag, "名次")]);
        Assert.Equal<object?>([null, null, 2.0], [Cell(lag, "计划进度(%)"), Cell(lag, "实际进度(%)"), Cell(lag, "连续滞后期数")]);
        Assert.Equal<object?>([64.0, "各镇（街道）第7/7位"], [Cell(bottom, "指标值"), Cell(bottom, "名次")]);
        Assert.Equal<object?>(["成绩单", null, "市直部门4个单位"], [Cell(scoreboard, "类型"), Cell(scoreboard, "指标值"), Cell(scoreboard, "名次")]);
        Assert.Equal<object?>([null, null, null], [Cell(task, "指标值"), Cell(task, "计划值"), Cell(task, "名次")]);
        Assert.Equal<object?>([45.5, 20.0], [Cell(task, "计划进度(%)"), Cell(task, "实际进度(%)")]);
        Assert.Equal(header.IndexOf("期间") + 1, header.IndexOf("指标值"));
    }

    [Fact]
    public void Export_ReadsLogOnly_For_ALogOnlyEvent()
    {
        var row = LogExport.Row(RoundTrip(IndicatorEvents.ExemptYearEnd(), LogStatus.LogOnly), []);

        Assert.Equal("仅记录", row[LogExport.Headers.ToList().IndexOf("状态")]);
        Assert.Equal("仅记录，不发送", row[LogExport.Headers.ToList().IndexOf("送达情况")]);
    }

    [Fact]
    public void EventLine_CarriesTheIndicatorThePeriodTheValueAndTheRanks()
    {
        using var lag = JsonDocument.Parse(EventLine.Of(IndicatorEvents.LagNotice()));
        using var bottom = JsonDocument.Parse(EventLine.Of(IndicatorEvents.BottomRank()));
        using var yearEnd = JsonDocument.Parse(EventLine.Of(IndicatorEvents.ExemptYearEnd()));
        using var task = JsonDocument.Parse(EventLine.Of(ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2))));

        var l = lag.RootElement;
        Assert.Equal(("gdtz-zs", "city", "2025-04", "2025年1–4月"), (l.GetProperty("indicatorId").GetString(), l.GetProperty("unitId").GetString(), l.GetProperty("period").GetString(), l.GetProperty("periodLabel").GetString()));
        Assert.Equal((6.1, 5, 12), (l.GetProperty("value").GetDouble(), l.GetProperty("rank").GetInt32(), l.GetProperty("peerCount").GetInt32()));
        Assert.Equal("ind:gdtz-zs", l.GetProperty("taskId").GetString());
        Assert.False(l.TryGetProperty("logOnly", out _));
        var b = bottom.RootElement;
        Assert.Equal(("towns", 7, 7, 2), (b.GetProperty("group").GetString(), b.GetProperty("groupRank").GetInt32(), b.GetProperty("groupSize").GetInt32(), b.GetProperty("consecutive").GetInt32()));
        Assert.True(b.GetProperty("escalated").GetBoolean());
        Assert.False(b.TryGetProperty("rank", out _));
        Assert.True(yearEnd.RootElement.GetProperty("logOnly").GetBoolean());
        Assert.Empty(yearEnd.RootElement.GetProperty("channels").EnumerateArray());
        Assert.False(task.RootElement.TryGetProperty("indicatorId", out _));
        Assert.False(task.RootElement.TryGetProperty("period", out _));
    }

    public void Dispose() => _backend.Dispose();
}

/// <summary>Indicator events with every figure their kind has, as the indicator evaluator raises them: for the log's tests.</summary>
internal static class IndicatorEvents
{
    private static readonly LocalDate Published = new(2025, 5, 20);
    private static readonly IndicatorId Gdtz = new("gdtz-zs");
    private static readonly IndicatorId Zjbf = new("zjbf-jd");

    private static EscalationEvent Indicator(
        RuleId rule, EventLevel level, EventKind kind, IndicatorId indicator, string unit, string unitName, string occurrence, IndicatorFacts facts,
        IReadOnlyList<Channel>? channels = null, Demand? demand = null, int? streak = null) => new(
        EventId.For(rule, IndicatorItem.For(indicator), occurrence),
        rule,
        level,
        kind,
        IndicatorItem.For(indicator),
        new UnitId(unit),
        Published,
        occurrence,
        channels is { Count: 0 } ? [] : [new Recipient(RecipientRole.UnitPrincipal, new PersonId(unit + "-zhang"), false), new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), true)],
        channels ?? [Channel.Email, Channel.Sms],
        "indicator-lag-notice",
        new EventFacts(indicator == Gdtz ? "固定资产投资增速" : "资金拨付进度", unitName, facts.Planned ?? 0, facts.Value ?? 0, Streak: streak, Period: facts.PeriodLabel, PeriodKey: facts.Period.Key)
        {
            Indicator = facts,
        },
        demand);

    /// <summary>固投增速 1–4月 ranked 5th of 12 (floor 4): the second lagging period in a row, a notice with an explanation due.</summary>
    public static EscalationEvent LagNotice() => Indicator(
        new RuleId("I2"), EventLevel.Notice, EventKind.IndicatorLagging, Gdtz, "city", "某市", "ind-lag:city/2025-04",
        new IndicatorFacts(Gdtz, IndicatorPeriod.Month(2025, 4), "2025年1–4月", "%", Published)
        {
            Value = 6.1,
            Planned = 2.5,
            Light = TrafficLight.Green,
            ProvincialRank = 5,
            PeerCount = 12,
            ProvincialAverage = 5.8,
            Ranks = new RankTargets(4, 3, 1),
        },
        demand: new Demand(DemandKind.Explanation, new LocalDate(2025, 5, 27)) { From = [new UnitId("city")] },
        streak: 2);

    /// <summary>己 below the provincial average and last of seven towns, the second week running: the summons moves up.</summary>
    public static EscalationEvent BottomRank() => Indicator(
        new RuleId("I6"), EventLevel.Summons, EventKind.BottomRank, Zjbf, "town-ji", "己镇", "ind-bottom:towns/town-ji/2025-W11",
        new IndicatorFacts(Zjbf, IndicatorPeriod.Week(2025, 11), "2025年第11周", "%", new LocalDate(2025, 3, 17))
        {
            Value = 64,
            ProvincialAverage = 70,
            Group = new RankingGroupId("towns"),
            GroupName = "各镇（街道）",
            GroupSize = 7,
            TopK = 2,
            BottomK = 5,
            Standing = new Standing(new UnitId("town-ji"), 64, 7, 1),
            Consecutive = 2,
            Escalated = true,
        });

    /// <summary>October's scoreboard of nine bureaus, a tie at 3rd place.</summary>
    public static EscalationEvent Scoreboard() => Indicator(
        new RuleId("I7"), EventLevel.Reminder, EventKind.Scoreboard, Gdtz, "fgw", "市发改委", "scoreboard:bureaus/2025-10",
        new IndicatorFacts(Gdtz, IndicatorPeriod.Month(2025, 10), "2025年1–10月", "%", new LocalDate(2025, 11, 18))
        {
            Group = new RankingGroupId("bureaus"),
            GroupName = "市直部门",
            GroupSize = 4,
            TopK = 2,
            BottomK = 1,
            Ranks = new RankTargets(4, null, null),
            Standings =
            [
                new Standing(new UnitId("b1"), 9.5, 1, 4),
                new Standing(new UnitId("b2"), 8.25, 2, 3),
                new Standing(new UnitId("b3"), 7, 3, 1),
                new Standing(new UnitId("b4"), 7, 3, 1),
            ],
        });

    /// <summary>Year-end rank 9 of 12 with an approved objective cause: logged only.</summary>
    public static EscalationEvent ExemptYearEnd() => Indicator(
        new RuleId("I5"), EventLevel.Notice, EventKind.YearEndRank, Gdtz, "city", "某市", "ind-yearend:city/2025-12",
        new IndicatorFacts(Gdtz, IndicatorPeriod.Month(2025, 12), "2025年1–12月", "%", new LocalDate(2026, 1, 20))
        {
            Value = 4.2,
            ProvincialRank = 9,
            PeerCount = 12,
            FirstThird = 4,
            Exempt = true,
            Target = 6.5,
            EarlierPeriod = IndicatorPeriod.Month(2025, 3),
        },
        channels: []);

    /// <summary>All four, one of each kind of figures.</summary>
    public static IReadOnlyList<EscalationEvent> All => [LagNotice(), BottomRank(), Scoreboard(), ExemptYearEnd()];

    /// <summary>Facts are equal when every figure is, the standings compared item by item (a record compares lists by reference).</summary>
    public static void AssertSameFacts(IndicatorFacts expected, IndicatorFacts? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Standings = [] }, actual with { Standings = [] });
        Assert.Equal(expected.Standings, actual.Standings);
    }
}
