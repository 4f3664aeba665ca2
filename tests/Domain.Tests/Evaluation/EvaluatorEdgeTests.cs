using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>Edge cases found in review: days off at period ends, holidays, unloaded years, late and corrected reports.</summary>
public class EvaluatorEdgeTests
{
    private readonly Evaluator _engine = Evaluator();

    private static IEnumerable<EscalationRule> Only(params string[] ids) => DefaultRules.All.Where(r => ids.Contains(r.Id.Value));

    [Fact]
    public void Lagging_CountsAReportMadeOnTheWorkingDayAfterASundayClose()
    {
        // June 2024 closes on Sunday 06-30; the 旬 report due then rolls to Monday 07-01. 50 ≥ 49.0 planned: on plan.
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 5, 31), 45), Report(D(2024, 6, 20), 47), Report(D(2024, 7, 1), 50)]);

        Assert.Empty(Run(_engine, D(2024, 7, 1), item));
        Assert.Empty(Run(_engine, D(2024, 7, 2), item));
    }

    [Fact]
    public void Evaluate_GivesTheSameDemandDate_WhicheverDayOfTheWindowRaisesTheEvent_UntilThatDateHasPassed()
    {
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35)]);

        var raised = new[] { D(2024, 6, 1), D(2024, 6, 3), D(2024, 6, 7), D(2024, 6, 14) }.Select(day => Assert.Single(Run(_engine, day, item))).ToList();

        Assert.Single(raised.Select(e => e.Id).Distinct());
        Assert.All(raised[..3], e => Assert.Equal(new Demand(DemandKind.Explanation, D(2024, 6, 7)) { From = [Commerce] }, e.Demand));
        Assert.All(raised, e => Assert.Equal(raised[0].Facts, e.Facts with { Planned = raised[0].Facts.Planned, Reported = raised[0].Facts.Reported }));

        // Raised on 06-14 (catch-up after an outage), a date counted from the close would already be past: the notice
        // counts its 5 working days from the day it is raised instead (06-17..06-21; 06-10 was 端午).
        Assert.Equal(new Demand(DemandKind.Explanation, D(2024, 6, 21)) { From = [Commerce] }, raised[3].Demand);
    }

    [Fact]
    public void Evaluate_HoldsTheNotice_AndKeepsTheItemsOtherEvents_WhenADemandDateFallsInAnUnloadedYear()
    {
        // Milestone 12-18 missed; its rectification date (10 working days on) is in January 2027, which has no calendar.
        var plan = Plan.WithMilestones([new Milestone("完成招标", D(2026, 12, 18), 50)]);
        var item = ItemState.Of(Item("Y26", D(2026, 11, 2), D(2026, 12, 24), plan), [Report(D(2026, 11, 30), 40)]);

        var result = Evaluator(Only("R1", "R3")).Evaluate([item], D(2026, 12, 21));

        var reminder = Assert.Single(result.Events);
        Assert.Equal("due:2026-12-24:ahead", reminder.Occurrence);
        var gap = Assert.Single(result.CalendarGaps);
        Assert.Equal([2027], gap.Years);
        Assert.False(gap.ProvisionalPlan);
        Assert.Equal([new RuleId("R3")], gap.Held);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("tasks", "Y26", CalendarGap.HeldField, "2027"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("规则 R3", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportMissing_TreatsDueDatesRollingToTheSameDayAsOne()
    {
        // Weekly reports due on Sundays. 2024 春节: Sunday 02-11 is off and rolls to Sunday 02-18, a make-up working day,
        // where 02-18's own due date already is. One report on 02-18 answers both.
        var weekly = new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Week);
        var item = ItemState.Of(Item("W-1", D(2024, 1, 2), D(2024, 12, 31), cadence: weekly),
            [Report(D(2024, 2, 5), 10), Report(D(2024, 2, 18), 12)]);

        var events = Run(Evaluator(Only("R2")), D(2024, 2, 19), item);

        Assert.Empty(events);
    }

    [Fact]
    public void ReportMissing_ChasesEveryNDaysCadence_FromTheItemsStart()
    {
        // Every 14 days from Monday 2024-03-04: due 03-18 and 04-01. Reported 03-15; nothing since.
        var cadence = new ReportCadence(CadenceKind.EveryDays, Days: 14);
        var item = ItemState.Of(Item("E-1", D(2024, 3, 4), D(2024, 12, 31), cadence: cadence), [Report(D(2024, 3, 15), 5)]);

        Assert.Empty(Run(Evaluator(Only("R2")), D(2024, 3, 19), item));
        var chase = Assert.Single(Run(Evaluator(Only("R2")), D(2024, 4, 2), item));
        Assert.Equal("report:2024-04-01", chase.Occurrence);
    }

    [Fact]
    public void Overdue_JudgesTheMilestoneOnProgressAtItsDueDate()
    {
        var plan = Plan.WithMilestones([new Milestone("方案", D(2024, 3, 15), 50)]);
        var corrected = ItemState.Of(Item("O-1", D(2024, 3, 4), D(2024, 6, 28), plan), [Report(D(2024, 3, 15), 50), Report(D(2024, 3, 20), 45)]);
        var late = ItemState.Of(Item("O-2", D(2024, 3, 4), D(2024, 6, 28), plan), [Report(D(2024, 3, 14), 40), Report(D(2024, 3, 18), 50)]);

        var events = Run(Evaluator(Only("R3")), D(2024, 3, 20), corrected, late);

        // Met on time and corrected later: no notice. Reached three days late: a notice, though today's progress is fine.
        var notice = Assert.Single(events);
        Assert.Equal(new ItemId("O-2"), notice.Item);
        Assert.Equal(new Demand(DemandKind.Rectification, D(2024, 4, 1)) { From = [Commerce] }, notice.Demand); // 15 days after 03-15 is Saturday 03-30, rolled to Monday
    }

    [Fact]
    public void Evaluate_ChasesOverdueDemand_OfAnItemAlreadyDone()
    {
        var notice = EventId.For(new RuleId("R5"), new ItemId("2024-ZD-001"), "lag:2024-05");
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 6, 10), 100)], demands: [new OpenDemand(notice, DemandKind.Explanation, D(2024, 6, 7))]);

        var summons = Assert.Single(Run(_engine, D(2024, 6, 12), item));

        Assert.Equal(new RuleId("R7"), summons.Rule);
    }

    [Fact]
    public void Evaluate_LaysTemplateBackwards_WhenStartIsInTheFirstLoadedYear()
    {
        var template = new PlanTemplate("t", "三天", [new Stage("a", 3, 100)]);
        var item = ItemState.Of(Item("T-1", D(2019, 1, 2), D(2019, 1, 4), Plan.FromTemplate(template)));

        var result = _engine.Evaluate([item], D(2019, 1, 2));

        Assert.Empty(result.Problems);
        Assert.Equal(EventKind.DueSoon, Assert.Single(result.Events).Kind);
    }

    [Fact]
    public void Evaluate_RaisesForTemplatePlannedItem_AtItsLaidOutMilestone()
    {
        // 主体施工 of the construction template (see TimelineTests) ends 2024-10-18 at 70 %.
        var template = new PlanTemplate("construction", "房建项目",
            [new Stage("前期手续", 10, 10), new Stage("主体施工", 20, 70), new Stage("竣工验收", 5, 100)]);
        var item = ItemState.Of(Item("P-1", D(2024, 9, 2), D(2024, 10, 25), Plan.FromTemplate(template)), [Report(D(2024, 10, 14), 60)]);

        var reminder = Assert.Single(Run(Evaluator(Only("R1")), D(2024, 10, 15), item));

        Assert.Equal("主体施工", reminder.Facts.Checkpoint);
        Assert.Equal(3, reminder.Facts.WorkingDaysLeft);
    }

    [Theory]
    [InlineData(CheckpointScope.Milestones, "due:2024-03-15:ahead")]
    [InlineData(CheckpointScope.Deadline, "due:2024-03-18:ahead")]
    public void DueSoon_WatchesOnlyTheCheckpointsInScope(CheckpointScope scope, string expected)
    {
        // Milestone Friday 03-15, deadline Monday 03-18; on Wednesday 03-13 both are within 3 working days.
        var rule = Only("R1").Single() with { Trigger = new RuleTrigger(TriggerKind.DueSoon, DaySpan.Working(3), scope) };
        var plan = Plan.WithMilestones([new Milestone("方案", D(2024, 3, 15), 50)]);
        var item = ItemState.Of(Item("S-1", D(2024, 3, 4), D(2024, 3, 18), plan), [Report(D(2024, 3, 12), 40)]);

        var events = Run(Evaluator([rule]), D(2024, 3, 13), item);

        Assert.Equal(expected, Assert.Single(events).Occurrence);
    }

    [Fact]
    public void Lagging_OnAXunLadder_UsesXunKeysForExemptions()
    {
        // 旬 ladder: 2024-05 second 旬 (05-11..05-20) exempt; first and third lagging → streak 2 at 05-31.
        var xun = DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.LagStreak)
            .Select(r => r with { Trigger = r.Trigger with { Period = PeriodKind.Xun } });
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 4, 30), 34), Report(D(2024, 5, 6), 34)], exemptPeriods: ["2024-05-X2"]);

        var notice = Assert.Single(Run(Evaluator(xun), D(2024, 6, 1), item));

        Assert.Equal("lag:2024-05-X3", notice.Occurrence);
        Assert.Equal(2, notice.Facts.Streak);
        Assert.Equal("2024年5月下旬", notice.Facts.Period);
    }

    [Fact]
    public void Lagging_CountsStreaksOnlyFromGoLive_WhenGoLiveIsLaterThanTheFirstSeenDate()
    {
        // Lagging since January and seen since February; with go-live on 2024-05-01 only May and June count: a notice,
        // not a summons. Go-live wins over the first-seen date, later as well as earlier.
        var item = ItemState.Of(Annual2024(), [Report(D(2024, 6, 28), 10)], firstSeen: D(2024, 2, 1));
        var engine = Evaluator(options: new EvaluationOptions(GoLive: D(2024, 5, 1)));

        var notice = Assert.Single(Run(engine, D(2024, 7, 2), item));

        Assert.Equal(new RuleId("R5"), notice.Rule);
        Assert.Equal(2, notice.Facts.Streak);
    }

    [Fact]
    public void Lagging_CountsAStreakAcrossNewYear()
    {
        var item = ItemState.Of(Item("NY", D(2024, 7, 1), D(2025, 6, 30)), [Report(D(2024, 10, 31), 40)]);

        // January 2025 closes inside the 春节 break (01-28..02-04): judged on Wednesday 02-05, acted on from 02-06.
        var onJudgementDay = Run(Evaluator(Only("R4", "R5", "R6")), D(2025, 2, 5), item);
        var events = Run(Evaluator(Only("R4", "R5", "R6")), D(2025, 2, 6), item);

        Assert.Empty(onJudgementDay);
        var summons = Assert.Single(events);
        Assert.Equal("lag:2025-01", summons.Occurrence);
        Assert.Equal(3, summons.Facts.Streak); // November, December, January
    }
}

public class EvaluatorGapYearTests
{
    [Fact]
    public void Evaluate_DoesNotThrow_ForAFinishedItem_WhenAYearBetweenItsDeadlineAndTodayIsNotLoaded()
    {
        var (calendar, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland.Where(a => a.Year != 2025), [], ShippedCalendar.Default.Zone);
        var engine = new Evaluator(calendar, DefaultRules.All, Fixture.Roster);
        var done = ItemState.Of(Item("OLD", D(2024, 1, 2), D(2024, 6, 28)), [Report(D(2024, 6, 20), 100)]);

        var result = engine.Evaluate([done], D(2026, 3, 2));

        Assert.Empty(result.Events);
    }
}
