using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// The example scenarios of the specification (docs/domain.md), one test each, on the shipped calendar and the
/// default rule ladder.
/// </summary>
/// <remarks>
/// The lag scenarios use an annual 2024 item planned linearly in working days. Planned progress at each month's close
/// (251 working days in 2024):
///   03-31 24.3   04-30 33.1   05-31 41.4   06-30 49.0   07-31 58.2
/// A month is judged on its close's working day (03-31 and 06-30 are Sundays: judged on Monday 04-01 and 07-01, so a
/// report due at the close may come then) and acted on from the day after.
/// </remarks>
public class DomainScenarioTests
{
    private readonly Evaluator _engine = Evaluator();

    [Fact]
    public void TwoLaggingMonths_IssueOneNoticeToThePrincipal_WithExplanationDueInFiveWorkingDays()
    {
        // March on plan (30 ≥ 24.3), April (30 < 33.1) and May (35 < 41.4) lagging.
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35)]);

        // The run after May's close: Saturday 2024-06-01.
        var events = Run(_engine, D(2024, 6, 1), item);

        var notice = Assert.Single(events);
        Assert.Equal(new RuleId("R5"), notice.Rule);
        Assert.Equal(EventLevel.Notice, notice.Level);
        Assert.Equal(EventKind.Lagging, notice.Kind);
        Assert.Equal(2, notice.Facts.Streak);
        Assert.Equal("2024-05", notice.Facts.PeriodKey);
        Assert.Equal(new Recipient(RecipientRole.UnitPrincipal, Principal, IsCopy: false), notice.Recipients[0]);
        Assert.Contains(new Recipient(RecipientRole.SupervisionOffice, Office, IsCopy: true), notice.Recipients);
        // 5 working days after Saturday 06-01: 06-03 .. 06-07.
        Assert.Equal(new Demand(DemandKind.Explanation, D(2024, 6, 7)) { From = [Commerce] }, notice.Demand);
        Assert.DoesNotContain(events, e => e.Level == EventLevel.Summons);
    }

    [Fact]
    public void ThreeLaggingMonths_IssueOneSummons_AndNoSecondNotice()
    {
        var item = ItemState.Of(Annual2024(),
            [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35), Report(D(2024, 6, 28), 40)]);

        // June closes on Sunday 06-30 and is judged on Monday 07-01: the run after that is Tuesday 07-02.
        var onMonday = Run(_engine, D(2024, 7, 1), item);
        var events = Run(_engine, D(2024, 7, 2), item);

        Assert.Empty(onMonday);
        var summons = Assert.Single(events);
        Assert.Equal(new RuleId("R6"), summons.Rule);
        Assert.Equal(EventLevel.Summons, summons.Level);
        Assert.Equal(3, summons.Facts.Streak);
        Assert.Equal(
            [
                new Recipient(RecipientRole.UnitPrincipal, Principal, false),
                new Recipient(RecipientRole.DeputyInCharge, Deputy, false),
                new Recipient(RecipientRole.LeadOfficial, LeadOfficial, true),
                new Recipient(RecipientRole.SupervisionOffice, Office, true),
            ],
            summons.Recipients);
        Assert.DoesNotContain(events, e => e.Level == EventLevel.Notice);
    }

    [Fact]
    public void StreakReset_AprilLagsMayOnPlanJuneLags_GivesStreakOneReminderOnly()
    {
        var item = ItemState.Of(Annual2024(),
            [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 45), Report(D(2024, 6, 28), 45)]);

        var events = Run(_engine, D(2024, 7, 2), item);

        var reminder = Assert.Single(events);
        Assert.Equal(new RuleId("R4"), reminder.Rule);
        Assert.Equal(EventLevel.Reminder, reminder.Level);
        Assert.Equal(1, reminder.Facts.Streak);
    }

    [Theory]
    [InlineData("A", 45, TrafficLight.Green)]
    [InlineData("B", 35, TrafficLight.Yellow)] // 6.7 points behind: within 10
    [InlineData("C", 30, TrafficLight.Red)]    // 11.7 points behind
    public void TimeHalfGone_FiveOfTwelveMonths_GivesLightsByGapToPlan(string unit, double reported, TrafficLight expected)
    {
        // Annual target 100 in twelve monthly steps: by the end of May, 5/12 = 41.7 % is planned.
        var monthly = Enumerable.Range(1, 12)
            .Select(m => new Milestone($"{m}月", D(2024, m, 1).With(NodaTime.DateAdjusters.EndOfMonth), 100.0 * m / 12))
            .ToList();
        var item = ItemState.Of(
            Item($"annual-{unit}", D(2024, 1, 1), D(2024, 12, 31), Plan.WithMilestones(monthly)),
            [Report(D(2024, 5, 31), reported)]);

        var snapshot = _engine.Snapshot(item, D(2024, 5, 31))!;

        Assert.Equal(41.7, snapshot.Planned, precision: 1);
        Assert.Equal(expected, snapshot.Light);
    }

    [Theory]
    [InlineData(45, TrafficLight.Green)]
    [InlineData(35, TrafficLight.Yellow)] // 6.4 points behind
    [InlineData(30, TrafficLight.Red)]    // 11.4 points behind
    public void TimeHalfGone_WithoutMilestones_PlansLinearlyInWorkingDays(double reported, TrafficLight expected)
    {
        // No milestones: planned progress is the share of the year's working days elapsed, 104 of 251 by 05-31.
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 5, 31), reported)]);

        var snapshot = _engine.Snapshot(item, D(2024, 5, 31))!;

        Assert.Equal(100.0 * 104 / 251, snapshot.Planned, precision: 9);
        Assert.Equal(expected, snapshot.Light);
    }

    [Fact]
    public void ReportDueOnWeekend_RollsToMonday_AndIsChasedOnTuesdayNotSaturday()
    {
        // 2021 April:  Sa 10 (旬 due) → Mo 12 (rolled due) → Tu 13 (chased in the morning run).
        var item = ItemState.Of(
            Item("2021-ZD-007", D(2021, 1, 4), D(2021, 12, 31), cadence: ReportCadence.Default),
            [Report(D(2021, 3, 31), 20)]);

        var onSaturday = Run(_engine, D(2021, 4, 10), item);
        var onMonday = Run(_engine, D(2021, 4, 12), item);
        var onTuesday = Run(_engine, D(2021, 4, 13), item);

        Assert.DoesNotContain(onSaturday, e => e.Kind == EventKind.ReportMissing);
        Assert.DoesNotContain(onMonday, e => e.Kind == EventKind.ReportMissing);
        var chase = Assert.Single(onTuesday, e => e.Kind == EventKind.ReportMissing);
        Assert.Equal(new RuleId("R2"), chase.Rule);
        Assert.Equal(D(2021, 4, 12), chase.Facts.ReportDue);
        Assert.Equal("report:2021-04-10", chase.Occurrence);
        Assert.Equal([new Recipient(RecipientRole.Owner, Owner, false)], chase.Recipients);
    }

    [Fact]
    public void ReportDueOnWeekend_IsNotChased_WhenReportArrivesOnMonday()
    {
        var item = ItemState.Of(
            Item("2021-ZD-007", D(2021, 1, 4), D(2021, 12, 31), cadence: ReportCadence.Default),
            [Report(D(2021, 3, 31), 20), Report(D(2021, 4, 12), 26)]);

        var onTuesday = Run(_engine, D(2021, 4, 13), item);

        Assert.DoesNotContain(onTuesday, e => e.Kind == EventKind.ReportMissing);
    }

    [Fact]
    public void WorkingDaysAcrossHoliday_TenAfterMarch31In2021_IsApril15()
    {
        Assert.Equal(D(2021, 4, 15), Escalation.Domain.Calendar.ShippedCalendar.Default.AddWorkingDays(D(2021, 3, 31), 10));
    }

    [Fact]
    public void AbsoluteDeadline_At80PercentThreeWorkingDaysBefore_GivesReminder()
    {
        var item = ItemState.Of(Item("2022-MS-003", D(2022, 1, 4), D(2022, 7, 15), kind: ItemKind.Livelihood), OnPlanUntilJuly());

        var events = Run(_engine, D(2022, 7, 12), item);

        var reminder = Assert.Single(events);
        Assert.Equal(new RuleId("R1"), reminder.Rule);
        Assert.Equal(EventKind.DueSoon, reminder.Kind);
        Assert.Equal(3, reminder.Facts.WorkingDaysLeft);
        Assert.True(reminder.Facts.IsDeadline);
        Assert.Equal(80, reminder.Facts.Reported);
    }

    [Fact]
    public void AbsoluteDeadline_NotDoneOnTheSixteenth_GivesNoticeOnTheOfficesList()
    {
        var item = ItemState.Of(Item("2022-MS-003", D(2022, 1, 4), D(2022, 7, 15), kind: ItemKind.Livelihood), OnPlanUntilJuly());

        var onDeadline = Run(_engine, D(2022, 7, 15), item);
        var dayAfter = Run(_engine, D(2022, 7, 16), item);

        Assert.DoesNotContain(onDeadline, e => e.Kind == EventKind.Overdue);
        var notice = Assert.Single(dayAfter);
        Assert.Equal(EventKind.Overdue, notice.Kind);
        Assert.Equal(new RuleId("R3"), notice.Rule);
        Assert.Equal(EventLevel.Notice, notice.Level);
        Assert.Contains(new Recipient(RecipientRole.SupervisionOffice, Office, IsCopy: true), notice.Recipients);
        Assert.Contains(new Recipient(RecipientRole.UnitPrincipal, Principal, IsCopy: false), notice.Recipients);
        // R3 (限期整改15天): 15 calendar days after the deadline 07-15 is Saturday 07-30, rolled to Monday 08-01.
        Assert.Equal(new Demand(DemandKind.Rectification, D(2022, 8, 1)) { From = [Commerce] }, notice.Demand);
    }

    [Fact]
    public void AbsoluteDeadline_DoneOnTheFifteenth_IsOnTime_AndDoneOnTheSixteenthIsNot()
    {
        var overdueOnly = Evaluator(DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.Overdue));
        var onTime = ItemState.Of(Item("2022-MS-003", D(2022, 1, 4), D(2022, 7, 15)), [.. OnPlanUntilJuly(), Report(D(2022, 7, 15), 100)]);
        var late = ItemState.Of(Item("2022-MS-004", D(2022, 1, 4), D(2022, 7, 15)), [.. OnPlanUntilJuly(), Report(D(2022, 7, 16), 100)]);

        var events = Run(overdueOnly, D(2022, 7, 18), onTime, late);

        // Finishing a day late is still a missed deadline, even when the next run only sees the item done.
        var notice = Assert.Single(events);
        Assert.Equal(new ItemId("2022-MS-004"), notice.Item);
    }

    /// <summary>Reports on plan at every month's close of 2022 up to June (linear plan from 01-04 to 07-15), 80 % on 07-11.</summary>
    private static ProgressReport[] OnPlanUntilJuly() =>
        [.. Enumerable.Range(1, 6).Select(m => Report(D(2022, m, 1).With(NodaTime.DateAdjusters.EndOfMonth).PlusDays(-3), 16.0 * m)), Report(D(2022, 7, 11), 80)];
}
