using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Digests;

public class MonthlyNoticeTests
{
    private static readonly DigestPeriod October = DigestPeriod.Month(IndicatorPeriod.Month(2025, 10));
    private static readonly IndicatorId Funds = new("funds");
    private static readonly UnitId[] Towns = [.. "甲乙丙丁戊己庚辛壬".Select(c => new UnitId("t" + c))];
    private static readonly Dictionary<UnitId, string> Names = Towns.ToDictionary(u => u, u => u.Value[1..] + "镇");

    private static LocalDate D(int m, int d) => new(2025, m, d);

    private static MonthlyNoticeInputs Inputs(
        IReadOnlyList<LightSighting>? lights = null, IReadOnlyList<IndicatorValue>? values = null,
        IReadOnlyList<StreakEntry>? streaks = null, IReadOnlyList<SummonsEntry>? summonses = null, IReadOnlyList<DemandEntry>? demands = null) =>
        new(lights ?? [],
            [new IndicatorDefinition(Funds, Towns[0], "资金拨付进度", "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)],
            values ?? [],
            [new RankingGroup(new RankingGroupId("towns"), "各镇", Funds, Towns)],
            streaks ?? [], summonses ?? [], demands ?? [], Names);

    // Scoreboard (domain.md): nine units ranked for October: ranks 1–3 invited to share, ranks 7–9 to pledge.
    [Fact]
    public void Build_RanksTheMonth_TopThreeShareAndBottomThreePledge()
    {
        var values = Towns.Select((u, i) => new IndicatorValue(Funds, IndicatorPeriod.Month(2025, 10), u, 90 - i, D(11, 5))).ToList();

        var notice = MonthlyNotice.Build(October, D(11, 6), Inputs(values: values), []);

        var board = Assert.Single(notice.Scoreboards);
        Assert.Equal(Enumerable.Range(1, 9), board.Lines.Select(l => l.Rank));
        Assert.Equal(["甲镇", "乙镇", "丙镇"], board.Lines.Where(l => l.Share).Select(l => l.Name));
        Assert.Equal(["庚镇", "辛镇", "壬镇"], board.Lines.Where(l => l.Pledge).Select(l => l.Name));
        Assert.Equal("2025年1–10月", board.Period);
    }

    [Fact]
    public void Build_RanksOnlyValuesPublishedByTheIssueDay()
    {
        var values = Towns.Select((u, i) => new IndicatorValue(Funds, IndicatorPeriod.Month(2025, 10), u, 90 - i, i < 4 ? D(11, 5) : D(11, 20))).ToList();

        var notice = MonthlyNotice.Build(October, D(11, 14), Inputs(values: values), []);

        Assert.Equal(4, Assert.Single(notice.Scoreboards).Lines.Count);
    }

    [Fact]
    public void Build_CountsEveryUnitsLights_FromTheLatestSightingOfEachItem()
    {
        LightSighting L(UnitId u, string item, TrafficLight light, LocalDate on) => new(u, new ItemId(item), item, light, "", on);
        var notice = MonthlyNotice.Build(October, D(11, 6), Inputs(lights:
        [
            L(Towns[1], "a", TrafficLight.Green, D(10, 1)), L(Towns[1], "a", TrafficLight.Red, D(10, 31)),
            L(Towns[1], "b", TrafficLight.Yellow, D(10, 31)), L(Towns[1], "c", TrafficLight.Green, D(10, 31)),
        ]), []);

        Assert.Equal(9, notice.Units.Count);
        var first = notice.Units[0];
        Assert.Equal(("乙镇", 1, 1, 1), (first.Name, first.Red, first.Yellow, first.Green));
        Assert.Equal(["a", "b"], first.Items.Select(i => i.Title));
        Assert.All(notice.Units.Skip(1), u => Assert.Equal(0, u.Red + u.Yellow + u.Green));
    }

    [Fact]
    public void Build_ListsStreaksSummonsesAndOpenDemandsOnce_AndKeepsTheMissingData()
    {
        var streak = new StreakEntry(Towns[2], new ItemId("t"), "道路", 3, "2025年10月", EventLevel.Summons, "督办〔2025〕0031号");
        var summons = new SummonsEntry(Towns[2], new ItemId("t"), "道路", "督办〔2025〕0031号", "连续3个月滞后", D(10, 31));
        var demand = new DemandEntry(Towns[3], new ItemId("u"), "学校", "督办〔2025〕0020号", DemandKind.Explanation, D(10, 20));
        MissingData[] missing = [new(Funds, IndicatorPeriod.Month(2025, 10), [Towns[8]])];

        var notice = MonthlyNotice.Build(October, D(11, 14), Inputs(streaks: [streak, streak], summonses: [summons, summons], demands: [demand, demand]), missing);

        Assert.Single(notice.Streaks);
        Assert.Single(notice.Summonses);
        Assert.Single(notice.OpenDemands);
        Assert.Equal(missing, notice.Missing);
    }

    [Fact]
    public void OpenDemands_AreThoseNotMetByTheDay_OverdueOnlyAfterTheDueDate()
    {
        var unit = new UnitId("zjj");
        var item = Escalation.Domain.Tests.Evaluation.Fixture.Item("t1", D(1, 1), D(12, 31));
        var notice = EventIdOf("n1");
        var met = EventIdOf("n2");
        var state = ItemState.Of(item, demands:
        [
            new OpenDemand(notice, DemandKind.Rectification, D(10, 20)),
            new OpenDemand(met, DemandKind.Explanation, D(10, 10), MetOn: D(10, 9)),
        ]);

        Assert.Single(DemandEntries.Open(unit, [state], D(10, 15), overdueOnly: false));
        Assert.Empty(DemandEntries.Open(unit, [state], D(10, 20), overdueOnly: true));
        Assert.Equal(notice.Value, Assert.Single(DemandEntries.Open(unit, [state], D(10, 21), overdueOnly: true)).Notice);
    }

    [Fact]
    public void OpenDemands_ShowTheNoticesReference_WhenItHasOne_ElseItsEventId()
    {
        var unit = new UnitId("zjj");
        var item = Escalation.Domain.Tests.Evaluation.Fixture.Item("t1", D(1, 1), D(12, 31));
        var numbered = EventIdOf("n1");
        var bare = EventIdOf("n2");
        var state = ItemState.Of(item, demands:
        [
            new OpenDemand(numbered, DemandKind.Rectification, D(10, 20)) { Reference = "督办〔2026〕0123号" },
            new OpenDemand(bare, DemandKind.Explanation, D(10, 10)),
        ]);

        var entries = DemandEntries.Open(unit, [state], D(10, 21), overdueOnly: true).ToList();

        Assert.Equal(["督办〔2026〕0123号", bare.Value], entries.Select(e => e.Notice).Order(StringComparer.Ordinal).Reverse());
    }

    private static Escalation.Domain.Events.EventId EventIdOf(string occurrence) =>
        Escalation.Domain.Events.EventId.For(new RuleId("r7"), new ItemId("t1"), occurrence);
}
