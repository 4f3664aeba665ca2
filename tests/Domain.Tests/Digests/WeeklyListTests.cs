using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Digests;

public class WeeklyListTests
{
    private static readonly UnitId Zjj = new("zjj");
    private static readonly UnitId Swj = new("swj");
    private static readonly DigestPeriod W41 = DigestPeriod.Week(IndicatorPeriod.Week(2025, 41));
    private static readonly Dictionary<UnitId, string> Names = new() { [Zjj] = "住建局", [Swj] = "商务局" };

    private static LocalDate D(int m, int d) => new(2025, m, d);

    private static LightSighting Light(UnitId unit, string item, TrafficLight light, LocalDate on, string status = "计划 60.0%，实际 40.0%") =>
        new(unit, new ItemId(item), item, light, status, on);

    private static WeeklyList Build(IReadOnlyList<LightSighting>? lights = null, IReadOnlyList<DemandEntry>? demands = null, IReadOnlyList<FailedMessage>? failures = null) =>
        WeeklyList.Build(W41, D(10, 9), new WeeklyListInputs(lights ?? [], demands ?? [], failures ?? [], Names));

    // Weekly list over a holiday (domain.md): 2025-W41's list goes out on Thursday 2025-10-09; an item red all week
    // (seen red on 10-06 … 10-09) appears once, with its latest status.
    [Fact]
    public void Build_ListsAnItemRedAllWeekOnce()
    {
        var week = Enumerable.Range(6, 4).Select(d => Light(Zjj, "t1", TrafficLight.Red, D(10, d), $"第{d}日")).ToList();

        var list = Build(week);

        var entry = Assert.Single(list.Lights);
        Assert.Equal(("t1", "第9日"), (entry.Item.Value, entry.Status));
    }

    [Fact]
    public void Build_KeepsTheWorstLightOfTheWeek_AndDropsGreen()
    {
        var list = Build(
        [
            Light(Zjj, "t1", TrafficLight.Red, D(10, 6)), Light(Zjj, "t1", TrafficLight.Yellow, D(10, 9)),
            Light(Zjj, "t2", TrafficLight.Green, D(10, 9)),
            Light(Swj, "t3", TrafficLight.Yellow, D(10, 9)),
        ]);

        Assert.Equal([("t1", TrafficLight.Red), ("t3", TrafficLight.Yellow)], list.Lights.Select(l => (l.Item.Value, l.Light)));
    }

    [Fact]
    public void Build_ListsEachDemandEntryAndFailedMessageOnce()
    {
        var demand = new DemandEntry(Zjj, new ItemId("t1"), "t1", "督办〔2025〕0007号", DemandKind.Rectification, D(9, 26));
        var failure = new FailedMessage("Email:p1:20251009:Notice:1", Zjj, "王某", Channel.Email, "邮箱不存在", D(10, 9));

        var list = Build(demands: [demand, demand], failures: [failure, failure with { On = D(10, 8) }]);

        Assert.Single(list.Demands);
        Assert.Equal(D(10, 9), Assert.Single(list.Failures).On);
    }

    [Fact]
    public void Part_HoldsOnlyTheUnitsOwnEntries()
    {
        var list = Build(
            [Light(Zjj, "t1", TrafficLight.Red, D(10, 9)), Light(Swj, "t3", TrafficLight.Yellow, D(10, 9))],
            [new DemandEntry(Swj, new ItemId("t3"), "t3", "ev-1", DemandKind.Explanation, D(9, 30))],
            [new FailedMessage("m1", Zjj, "王某", Channel.Sms, "号码无效", D(10, 9))]);

        var part = list.Part(Swj);

        Assert.Equal(new[] { Swj, Zjj }, list.Units);
        Assert.Equal([Swj], part.PartOf);
        Assert.Equal(["t3"], part.Lights.Select(l => l.Item.Value));
        Assert.Single(part.Demands);
        Assert.Empty(part.Failures);
        Assert.Equal("商务局", part.NameOf(Swj));
    }

    [Fact]
    public void Part_OfTwoUnits_HoldsBothUnitsEntries_InTheListsOrder()
    {
        var list = Build(
            [Light(Zjj, "t1", TrafficLight.Red, D(10, 9)), Light(Swj, "t3", TrafficLight.Yellow, D(10, 9)), Light(Swj, "t4", TrafficLight.Red, D(10, 9))],
            [new DemandEntry(Swj, new ItemId("t3"), "t3", "ev-1", DemandKind.Explanation, D(9, 30))],
            [new FailedMessage("m1", Zjj, "王某", Channel.Sms, "号码无效", D(10, 9)), new FailedMessage("m2", null, "李某", Channel.Sms, "号码无效", D(10, 9))]);

        var part = list.Part([Zjj, Swj]);

        Assert.Equal([Swj, Zjj], part.PartOf);
        Assert.Equal(list.Lights, part.Lights);
        Assert.Single(part.Demands);
        Assert.Equal(["m1"], part.Failures.Select(f => f.Message));
    }

    [Fact]
    public void Build_RefusesAMonth()
    {
        Assert.Throws<ArgumentException>(() => WeeklyList.Build(DigestPeriod.Month(IndicatorPeriod.Month(2025, 10)), D(11, 3), new WeeklyListInputs([], [], [], Names)));
    }
}
