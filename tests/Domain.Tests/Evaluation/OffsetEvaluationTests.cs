using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>Rules whose days are calendar days, whose first event waits for a delay, and whose repeats are capped.</summary>
public class OffsetEvaluationTests
{
    private static readonly RuleRow Notice = new()
    {
        Id = "R3", Level = "notice", Trigger = "overdue", To = "owner", Channels = "email", Template = "overdue",
    };

    private static readonly RuleRow Summons = Notice with { Id = "R8", Level = "summons" };

    private static EscalationRule Rule(RuleRow row)
    {
        var (rule, problems) = row.Parse();
        Assert.Empty(problems);
        return rule!;
    }

    private static Evaluator Engine(params RuleRow[] rows) => Evaluator(rows.Select(Rule));

    // July 2026        Mo Tu We Th Fr Sa Su
    //                         1  2 (3)[4  5]     (3) the deadline, missed at 80%
    //                   6  7  8  9 10 [11 12]
    //                  13 14 15 16 17 [18 19]
    //                  20 21 22 23 24 [25 26]
    //                  27 28 29 30 31
    private static readonly ItemState LateItem = ItemState.Of(Item("D-1", D(2026, 6, 1), D(2026, 7, 3)), [Report(D(2026, 7, 2), 80)]);

    private static List<string> Occurrences(Evaluator engine, ItemState item, params LocalDate[] days) =>
        [.. days.SelectMany(day => Run(engine, day, item)).Select(e => $"{e.Date:MM-dd} {e.Rule} {e.Occurrence}")];

    [Fact]
    public void Evaluate_LeavesACalendarDayDemandOnSaturday_WhenItDoesNotRoll()
    {
        var engine = Engine(Notice with { Demand = "整改", DemandDays = "15天" });

        var notice = Assert.Single(Run(engine, D(2026, 7, 6), LateItem));

        Assert.Equal((DemandKind.Rectification, D(2026, 7, 18)), (notice.Demand!.Kind, notice.Demand.DueBy)); // 07-03 + 15 days, a Saturday
    }

    [Fact]
    public void Evaluate_RollsACalendarDayDemandToMonday_WhenItRolls()
    {
        var engine = Engine(Notice with { Demand = "整改", DemandDays = "15天", DemandRoll = "顺延" });

        var notice = Assert.Single(Run(engine, D(2026, 7, 6), LateItem));

        Assert.Equal((DemandKind.Rectification, D(2026, 7, 20)), (notice.Demand!.Kind, notice.Demand.DueBy));
    }

    // September/October 2026   Mo Tu We Th Fr Sa Su
    //                          14 15(16)17 18 [19] 20*     (16) the deadline; * 09-20 a make-up working day
    //                          21 22 23 24 [25 26 27]      mid-autumn
    //                          28 29 30 [1  2  3  4]       National Day 10-01..10-07
    //                          [5  6  7] 8  9  10* [11]    * 10-10 a make-up working day
    [Fact]
    public void Evaluate_RollsADemandDueOnNationalDay_PastTheWholeHoliday()
    {
        var item = ItemState.Of(Item("D-2", D(2026, 6, 1), D(2026, 9, 16)), [Report(D(2026, 9, 15), 80)]);
        var stays = Engine(Notice with { Demand = "说明", DemandDays = "15天" });
        var rolls = Engine(Notice with { Demand = "说明", DemandDays = "15天", DemandRoll = "roll" });

        var kept = Assert.Single(Run(stays, D(2026, 9, 17), item)).Demand;
        var rolled = Assert.Single(Run(rolls, D(2026, 9, 17), item)).Demand;

        Assert.Equal(D(2026, 10, 1), kept!.DueBy);
        Assert.Equal(D(2026, 10, 8), rolled!.DueBy);
    }

    [Fact]
    public void Evaluate_CountsAWorkingDayDemand_AsBefore()
    {
        var engine = Engine(Notice with { Demand = "整改", DemandDays = "10" });

        var notice = Assert.Single(Run(engine, D(2026, 7, 6), LateItem));

        Assert.Equal(D(2026, 7, 17), notice.Demand!.DueBy);
    }

    // July 2026: the deadline 07-31 (Fri); 15 calendar days before it is 07-16, 15 working days before it 07-10.
    [Fact]
    public void Evaluate_RemindsCalendarDaysAhead_NotWorkingDays()
    {
        var item = ItemState.Of(Item("S-1", D(2026, 6, 1), D(2026, 7, 31)), [Report(D(2026, 7, 1), 10)]);
        var calendar = Engine(Notice with { Id = "R1", Level = "reminder", Trigger = "due-soon", Days = "15天", Template = "due-soon" });
        var working = Engine(Notice with { Id = "R1", Level = "reminder", Trigger = "due-soon", Days = "15", Template = "due-soon" });

        Assert.Empty(Run(calendar, D(2026, 7, 15), item));
        var reminder = Assert.Single(Run(calendar, D(2026, 7, 16), item));
        Assert.Equal(("due:2026-07-31:ahead", 11), (reminder.Occurrence, reminder.Facts.WorkingDaysLeft));
        Assert.Empty(Run(working, D(2026, 7, 9), item));
        Assert.Single(Run(working, D(2026, 7, 10), item));
    }

    // July 2026: 20 working days after the deadline 07-03 is 07-31.
    [Fact]
    public void Evaluate_FiresADelayedOverdueRule_TwentyWorkingDaysAfterTheDueDate_AndNotBefore()
    {
        var engine = Engine(Notice, Summons with { Days = "20" });

        var events = Occurrences(engine, LateItem, D(2026, 7, 6), D(2026, 7, 30), D(2026, 7, 31), D(2026, 8, 3));

        Assert.Equal(
            ["07-06 R3 overdue:2026-07-03", "07-31 R8 overdue:2026-07-03", "08-03 R8 overdue:2026-07-03"],
            events);
    }

    [Fact]
    public void Evaluate_FiresADelayedRule_InCalendarDays()
    {
        var engine = Engine(Summons with { Days = "30天" });

        // 07-03 + 30 days = 08-02, a Sunday.
        Assert.Empty(Run(engine, D(2026, 8, 1), LateItem));
        Assert.Equal("overdue:2026-07-03", Assert.Single(Run(engine, D(2026, 8, 2), LateItem)).Occurrence);
    }

    [Fact]
    public void Evaluate_CountsTheDelayedRulesDemand_FromItsFirstDay()
    {
        var engine = Engine(Summons with { Days = "20", Demand = "整改", DemandDays = "5" });

        var summons = Assert.Single(Run(engine, D(2026, 7, 31), LateItem));

        Assert.Equal(D(2026, 8, 7), summons.Demand!.DueBy); // 5 working days after 07-31
    }

    [Fact]
    public void Evaluate_DropsADelayedOneOff_OlderThanTheCatchUpWindowAfterItsFirstDay()
    {
        var engine = Engine(Summons with { Days = "5" });

        // First day 07-10; the catch-up window (10 working days) runs to 07-24.
        Assert.Single(Run(engine, D(2026, 7, 24), LateItem));
        Assert.Empty(Run(engine, D(2026, 7, 27), LateItem));
    }

    [Fact]
    public void Evaluate_DoesNotSummonAnItemFinishedBeforeTheDelayRanOut_ButStillSummonsOneThatIsNot()
    {
        // 逾期满20个工作日仍未完成 → 约谈: about what is still undone when the delay runs out (07-31), not about a late finish.
        var finished = ItemState.Of(Item("D-3", D(2026, 6, 1), D(2026, 7, 3)), [Report(D(2026, 7, 2), 80), Report(D(2026, 7, 8), 100)]);
        var unfinished = ItemState.Of(Item("D-4", D(2026, 6, 1), D(2026, 7, 3)), [Report(D(2026, 7, 2), 80), Report(D(2026, 7, 8), 95)]);
        var engine = Engine(Summons with { Days = "20" });

        Assert.Empty(Run(engine, D(2026, 7, 31), finished));
        Assert.Equal("overdue:2026-07-03", Assert.Single(Run(engine, D(2026, 7, 31), unfinished)).Occurrence);
    }

    [Fact]
    public void Evaluate_ReportsAMissingReport_AfterTheDelay()
    {
        var item = ItemState.Of(Item("W-1", D(2026, 6, 1), D(2026, 12, 31), cadence: new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Month)));
        var engine = Engine(Notice with { Trigger = "report-missing", Days = "3", Template = "report-missing" });

        // The June report is due 06-30 (Tuesday); three working days after it is 07-03.
        Assert.Empty(Run(engine, D(2026, 7, 1), item));
        Assert.Empty(Run(engine, D(2026, 7, 2), item));
        Assert.Equal("report:2026-06-30", Assert.Single(Run(engine, D(2026, 7, 3), item)).Occurrence);
    }

    [Fact]
    public void Evaluate_StopsRepeating_AfterTheRowsLimit()
    {
        var engine = Engine(Notice with { Repeat = "every 5 max 2" });

        var events = Occurrences(engine, LateItem, D(2026, 7, 6), D(2026, 7, 10), D(2026, 7, 17), D(2026, 7, 24));

        Assert.Equal(["07-06 R3 overdue:2026-07-03", "07-10 R3 overdue:2026-07-03:r1"], events);
    }

    [Fact]
    public void Evaluate_RepeatsAnOverdueRuleThreeTimes_WhenTheRowNamesNoLimit()
    {
        var capped = Engine(Notice with { Repeat = "every 5" });
        var unlimited = Engine(Notice with { Repeat = "every 5 max none" });
        var days = new[] { D(2026, 7, 6), D(2026, 7, 10), D(2026, 7, 17), D(2026, 7, 24), D(2026, 7, 31) };

        Assert.Equal(
            ["07-06 R3 overdue:2026-07-03", "07-10 R3 overdue:2026-07-03:r1", "07-17 R3 overdue:2026-07-03:r2"],
            Occurrences(capped, LateItem, days));
        Assert.Equal(5, Occurrences(unlimited, LateItem, days).Count);
    }

    [Fact]
    public void Evaluate_RepeatsInCalendarDays_WhenTheIntervalSaysSo()
    {
        var engine = Engine(Notice with { Repeat = "every 7d max none" });

        // Rounds from the due date 07-03: 07-10 is 7 days on, 07-17 is 14 days on.
        Assert.Equal(
            ["07-09 R3 overdue:2026-07-03", "07-10 R3 overdue:2026-07-03:r1", "07-17 R3 overdue:2026-07-03:r2"],
            Occurrences(engine, LateItem, D(2026, 7, 9), D(2026, 7, 10), D(2026, 7, 17)));
    }

    // The summons rung waits 12 working days: its first day is 07-21.
    [Fact]
    public void Evaluate_StopsANoticesRepeats_WhenTheSummonsRungsDelayIsReached()
    {
        var engine = Engine(Notice with { Repeat = "every 5 max none until-higher" }, Summons with { Days = "12" });

        var events = Occurrences(engine, LateItem, D(2026, 7, 6), D(2026, 7, 10), D(2026, 7, 17), D(2026, 7, 20), D(2026, 7, 21), D(2026, 7, 24));

        Assert.Equal(
            ["07-06 R3 overdue:2026-07-03", "07-10 R3 overdue:2026-07-03:r1", "07-17 R3 overdue:2026-07-03:r2",
             "07-20 R3 overdue:2026-07-03:r2", "07-21 R8 overdue:2026-07-03", "07-24 R8 overdue:2026-07-03"],
            events);
    }

    [Fact]
    public void Evaluate_KeepsRepeating_WhenTheHigherRungDoesNotCoverTheCheckpoint_OrIsNotHigher()
    {
        var milestonesOnly = Engine(Notice with { Repeat = "every 5 max none until-higher" }, Summons with { Days = "12", Scope = "milestones" });
        var sameLevel = Engine(Notice with { Repeat = "every 5 max none until-higher" }, Notice with { Id = "R9", Days = "12" });

        Assert.Contains("07-24 R3 overdue:2026-07-03:r3", Occurrences(milestonesOnly, LateItem, D(2026, 7, 24)));
        Assert.Contains("07-24 R3 overdue:2026-07-03:r3", Occurrences(sameLevel, LateItem, D(2026, 7, 24)));
    }

    [Fact]
    public void Evaluate_KeepsRepeating_WithoutUntilHigher()
    {
        var engine = Engine(Notice with { Repeat = "every 5 max none" }, Summons with { Days = "12" });

        Assert.Equal(
            ["07-24 R3 overdue:2026-07-03:r3", "07-24 R8 overdue:2026-07-03"],
            Occurrences(engine, LateItem, D(2026, 7, 24)));
    }
}
