using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// report-due-soon: a reminder before a progress report is due, and a same-day chase in the afternoon scan.
/// <code>
///   May 2025            the 旬 report of 05-10 is due on a Saturday and rolls to Monday 05-12
///   Mo Tu We Th Fr Sa Su
///             8  9 10 11
///   12 13
/// </code>
/// </summary>
public class ReportDueSoonTests
{
    private static readonly EscalationRule DayBefore = Rule("S1", days: "1");
    private static readonly EscalationRule DueDay = Rule("S2", days: "0", scan: "afternoon");

    private static EscalationRule Rule(string id, string? days, string? scan = null) =>
        new RuleRow
        {
            Id = id, Level = "reminder", Trigger = "report-due-soon", Days = days, Scan = scan,
            To = "owner", Channels = "email,sms", Template = "report-due-soon",
        }.Parse().Rule ?? throw new InvalidOperationException("test rule invalid");

    private static ItemState Xun(params ProgressReport[] reports) =>
        ItemState.Of(Item("X-1", D(2025, 3, 3), D(2025, 12, 31), cadence: ReportCadence.Default), reports);

    private static IReadOnlyList<EscalationEvent> Scan(NodaTime.LocalDate date, ScanSlot slot, ItemState item, params EscalationRule[] rules) =>
        Evaluator(rules).Evaluate([item], date, slot).Events;

    private static NodaTime.LocalDate On(int m, int d) => D(2025, m, d);

    [Fact]
    public void ReportDueSoon_RemindsOnTheWorkingDayBeforeTheRolledDueDate()
    {
        var item = Xun(Report(D(2025, 4, 30), 20));

        Assert.Empty(Scan(On(5, 8), ScanSlot.Morning, item, DayBefore));
        var reminder = Assert.Single(Scan(On(5, 9), ScanSlot.Morning, item, DayBefore));

        Assert.Equal(EventKind.ReportDueSoon, reminder.Kind);
        Assert.Equal("report-soon:2025-05-10", reminder.Occurrence);
        Assert.Equal(1, reminder.Facts.WorkingDaysLeft);
        Assert.Equal(D(2025, 5, 12), reminder.Facts.ReportDue);
        Assert.Equal([Owner], reminder.Recipients.Select(r => r.Person));
    }

    [Fact]
    public void ReportDueSoon_IsNotRaisedOnADayOff_WhereItWouldGoOutOnTheDueDaySayingOneDayIsLeft()
    {
        var item = Xun(Report(D(2025, 4, 30), 20));

        // Saturday 05-10 and Sunday 05-11: one working day is left to Monday 05-12, but a reminder raised then would be
        // sent on Monday, the due day itself.
        Assert.Empty(Scan(On(5, 10), ScanSlot.Morning, item, DayBefore));
        Assert.Empty(Scan(On(5, 11), ScanSlot.Morning, item, DayBefore));
        Assert.Single(Scan(On(5, 12), ScanSlot.Afternoon, item, DueDay));
    }

    [Fact]
    public void ReportDueSoon_RaisesOneEventPerDueDate_WhicheverDayOfItsWindowRaisesIt_ButNotOnTheDueDay()
    {
        var threeAhead = Rule("S3", days: "3");
        var item = Xun(Report(D(2025, 4, 30), 20));

        var wednesday = Assert.Single(Scan(On(5, 7), ScanSlot.Morning, item, threeAhead));
        var friday = Assert.Single(Scan(On(5, 9), ScanSlot.Morning, item, threeAhead));

        Assert.Equal(wednesday.Id, friday.Id);
        Assert.Empty(Scan(On(5, 12), ScanSlot.Morning, item, threeAhead)); // the due day is for a rule of Days 0
        Assert.Empty(Scan(On(5, 13), ScanSlot.Morning, item, threeAhead)); // past: report-missing's business now
    }

    [Fact]
    public void ReportDueSoon_StaysQuiet_WhenAReportCameInTheCurrentWindow()
    {
        // The previous due date (04-30) is the window's start: a report on 05-06 answers the 05-10 one.
        var answered = Xun(Report(D(2025, 4, 30), 20), Report(D(2025, 5, 6), 25));
        var onlyTheLastOne = Xun(Report(D(2025, 4, 30), 20));

        Assert.Empty(Scan(On(5, 9), ScanSlot.Morning, answered, DayBefore));
        Assert.Empty(Scan(On(5, 12), ScanSlot.Afternoon, answered, DueDay));
        Assert.Single(Scan(On(5, 9), ScanSlot.Morning, onlyTheLastOne, DayBefore));
    }

    [Fact]
    public void ReportDueSoon_ChasesOnTheDueDayOnlyInTheAfternoonScan()
    {
        var item = Xun(Report(D(2025, 4, 30), 20));

        Assert.Empty(Scan(On(5, 9), ScanSlot.Afternoon, item, DueDay));
        Assert.Empty(Scan(On(5, 10), ScanSlot.Afternoon, item, DueDay)); // the nominal Saturday is not the due day: Monday is
        Assert.Empty(Scan(On(5, 11), ScanSlot.Afternoon, item, DueDay));
        Assert.Empty(Scan(On(5, 12), ScanSlot.Morning, item, DueDay));
        var first = Assert.Single(Scan(On(5, 12), ScanSlot.Afternoon, item, DueDay));
        var again = Assert.Single(Scan(On(5, 12), ScanSlot.Afternoon, item, DueDay));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(0, first.Facts.WorkingDaysLeft);
        Assert.Equal("report-soon:2025-05-10", first.Occurrence);
    }

    [Fact]
    public void Evaluate_MorningScanIgnoresAfternoonRules_AndViceVersa()
    {
        var item = Xun(Report(D(2025, 4, 30), 20));
        var rules = new[] { Rule("S4", days: "0"), DueDay };

        var morning = Scan(On(5, 12), ScanSlot.Morning, item, rules);
        var afternoon = Scan(On(5, 12), ScanSlot.Afternoon, item, rules);

        Assert.Equal([new RuleId("S4")], morning.Select(e => e.Rule));
        Assert.Equal([new RuleId("S2")], afternoon.Select(e => e.Rule));
        Assert.NotEqual(morning[0].Id, afternoon[0].Id);
    }

    [Fact]
    public void ReportDueSoon_DoesNotCollideWithReportMissing()
    {
        var missing = DefaultRules.All.Single(r => r.Trigger.Kind == TriggerKind.ReportMissing);
        var item = Xun(Report(D(2025, 4, 30), 20));

        var soon = Assert.Single(Scan(On(5, 9), ScanSlot.Morning, item, DayBefore, missing));
        var late = Assert.Single(Scan(On(5, 13), ScanSlot.Morning, item, DayBefore, missing));

        Assert.Equal(EventKind.ReportMissing, late.Kind);
        Assert.Equal("report:2025-05-10", late.Occurrence);
        Assert.NotEqual(soon.Occurrence, late.Occurrence);
    }

    [Fact]
    public void ReportDueSoon_OnlyWithinTheItemsStartAndDeadline_AndOnlyForCadencesThatChase()
    {
        var startsAfter = ItemState.Of(Item("X-2", D(2025, 5, 11), D(2025, 12, 31), cadence: ReportCadence.Default));
        var endedBefore = ItemState.Of(Item("X-3", D(2025, 3, 3), D(2025, 5, 9), cadence: ReportCadence.Default));
        var noCadence = ItemState.Of(Item("X-4", D(2025, 3, 3), D(2025, 12, 31), cadence: ReportCadence.None));

        Assert.Empty(Evaluator([DayBefore]).Evaluate([startsAfter, endedBefore, noCadence], D(2025, 5, 9)).Events);
    }

    [Fact]
    public void ReportDueSoon_CountsWorkingDaysAcrossTheWeekend()
    {
        // Days 3 before Monday 05-12: Wednesday 05-07 is the first day (07 → 08, 09, 12).
        var threeAhead = Rule("S3", days: "3");
        var item = Xun(Report(D(2025, 4, 30), 20));

        Assert.Empty(Scan(On(5, 6), ScanSlot.Morning, item, threeAhead));
        Assert.Equal(3, Assert.Single(Scan(On(5, 7), ScanSlot.Morning, item, threeAhead)).Facts.WorkingDaysLeft);
    }

    [Fact]
    public void Lagging_LadderRungFiresOnlyInItsOwnScan_AndALowerRungDoesNotStandIn()
    {
        // R4 (streak 1) in the morning, R5 (streak 2) moved to the afternoon: two lagging months raise R5 in the
        // afternoon only, and the morning scan does not fall back to R4.
        var rules = DefaultRules.All.Where(r => r.Id.Value is "R4" or "R5")
            .Select(r => r.Id.Value == "R5" ? r with { Scan = ScanSlot.Afternoon } : r).ToList();
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35)]);

        var morning = Evaluator(rules).Evaluate([item], D(2024, 6, 3), ScanSlot.Morning).Events;
        var afternoon = Evaluator(rules).Evaluate([item], D(2024, 6, 3), ScanSlot.Afternoon).Events;

        Assert.Empty(morning);
        Assert.Equal([new RuleId("R5")], afternoon.Select(e => e.Rule));
    }
}
