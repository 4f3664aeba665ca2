using Escalation.Domain.Digests;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Digests;

/// <summary>The weekly list's 未签收的通报和约谈: notices and summonses delivered and still unsigned on the issue day.</summary>
public class WeeklyListUnsignedTests
{
    private static readonly UnitId Zjj = new("zjj");
    private static readonly UnitId Swj = new("swj");
    private static readonly DigestPeriod W41 = DigestPeriod.Week(IndicatorPeriod.Week(2025, 41));
    private static readonly Dictionary<UnitId, string> Names = new() { [Zjj] = "住建局", [Swj] = "商务局" };
    private static readonly LocalDate IssuedOn = new(2025, 10, 9);

    private static LocalDate D(int m, int d) => new(2025, m, d);

    private static (UnitId, ItemId, string, string, EventLevel, EventKind, LocalDate, LocalDate?) Notice(
        UnitId unit, string notice, LocalDate delivered, LocalDate? signed = null, EventLevel level = EventLevel.Notice, EventKind kind = EventKind.Lagging) =>
        (unit, new ItemId(unit.Value + "-1"), "老旧小区改造", notice, level, kind, delivered, signed);

    [Fact]
    public void Open_ListsWhatWasDeliveredAndNotSignedByTheIssueDay()
    {
        var entries = UnsignedEntries.Open(
        [
            Notice(Zjj, "督办〔2025〕0007号", D(9, 30)),
            Notice(Zjj, "督办〔2025〕0008号", D(9, 30), signed: D(10, 9)),
            Notice(Zjj, "督办〔2025〕0009号", D(9, 30), signed: D(10, 10)),
            Notice(Swj, "督办〔2025〕0010号", D(10, 10)),
            Notice(Swj, "督办〔2025〕0011号", D(10, 8), level: EventLevel.Summons),
            Notice(Swj, "提醒", D(10, 8), level: EventLevel.Reminder),
            Notice(Swj, "问责", D(10, 8), level: EventLevel.Accountability),
        ], IssuedOn).ToList();

        Assert.Equal(["督办〔2025〕0007号", "督办〔2025〕0009号", "督办〔2025〕0011号"], entries.Select(e => e.Notice));
    }

    [Fact]
    public void Build_ListsEachOnceByDeliveryDate_AndEachUnitsPartHoldsItsOwn()
    {
        var entries = UnsignedEntries.Open([Notice(Swj, "督办〔2025〕0011号", D(10, 8)), Notice(Zjj, "督办〔2025〕0007号", D(9, 30)), Notice(Zjj, "督办〔2025〕0007号", D(9, 30))], IssuedOn).ToList();

        var list = WeeklyList.Build(W41, IssuedOn, new WeeklyListInputs([], [], [], Names) { UnsignedNotices = entries });

        Assert.Equal(["督办〔2025〕0007号", "督办〔2025〕0011号"], list.UnsignedNotices.Select(u => u.Notice));
        Assert.False(list.IsEmpty);
        Assert.Equal([Swj, Zjj], list.Units);
        Assert.Equal(["督办〔2025〕0011号"], list.Part(Swj).UnsignedNotices.Select(u => u.Notice));
    }

    [Fact]
    public void Build_IsEmpty_WithNothingUnsigned()
    {
        Assert.True(WeeklyList.Build(W41, IssuedOn, new WeeklyListInputs([], [], [], Names)).IsEmpty);
    }
}
