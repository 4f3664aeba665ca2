using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>The evaluator beyond the specification's scenarios: once-only ids, exemptions, demands, catch-up, bad input.</summary>
public class EvaluatorTests
{
    private readonly Evaluator _engine = Evaluator();

    private static ItemState LaggingAprilMay(IEnumerable<string>? exempt = null) =>
        ItemState.Of(Annual2024(), [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35), Report(D(2024, 6, 28), 40)], exempt);

    [Fact]
    public void Evaluate_GivesTheSameEventIds_OnEveryRunOfTheWindow()
    {
        var item = LaggingAprilMay();

        var saturday = Run(_engine, D(2024, 6, 1), item);
        var monday = Run(_engine, D(2024, 6, 3), item);

        Assert.Equal(saturday.Select(e => e.Id), monday.Select(e => e.Id));
        Assert.Equal(EventId.For(new RuleId("R5"), new ItemId("2024-ZD-001"), "lag:2024-05"), saturday[0].Id);
    }

    [Fact]
    public void EventId_DiffersByRuleItemAndOccurrence()
    {
        var ids = new[]
        {
            EventId.For(new RuleId("R1"), new ItemId("A"), "due:2024-05-31:ahead"),
            EventId.For(new RuleId("R1"), new ItemId("A"), "due:2024-05-31:day"),
            EventId.For(new RuleId("R1"), new ItemId("B"), "due:2024-05-31:ahead"),
            EventId.For(new RuleId("R2"), new ItemId("A"), "due:2024-05-31:ahead"),
        };

        Assert.Equal(4, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(id, EventId.Parse(id.Value)));
    }

    [Fact]
    public void Evaluate_RaisesNothing_AfterTheCatchUpWindow()
    {
        // May's close is 10 working days behind on 2024-06-17 (06-10 is 端午; still raised) and 11 on 06-18 (not raised).
        Assert.NotEmpty(Run(_engine, D(2024, 6, 17), LaggingAprilMay()));
        Assert.Empty(Run(_engine, D(2024, 6, 18), LaggingAprilMay()));
    }

    [Fact]
    public void Evaluate_SkipsExemptPeriod_WithoutBreakingTheStreak()
    {
        // May exempt: April and June lag → streak 2 at June's close (notice), not 3 (summons), not reset (reminder).
        var events = Run(_engine, D(2024, 7, 2), LaggingAprilMay(exempt: ["2024-05"]));

        var notice = Assert.Single(events);
        Assert.Equal(new RuleId("R5"), notice.Rule);
        Assert.Equal(2, notice.Facts.Streak);
    }

    [Fact]
    public void Evaluate_RaisesNothing_ForAnExemptClosedPeriod()
    {
        Assert.Empty(Run(_engine, D(2024, 6, 3), LaggingAprilMay(exempt: ["2024-05"])));
    }

    [Fact]
    public void Evaluate_RaisesSummonsAgain_ForAFourthLaggingMonth()
    {
        var item = ItemState.Of(Annual2024(),
            [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35), Report(D(2024, 6, 28), 40), Report(D(2024, 7, 31), 45)]);

        var summons = Assert.Single(Run(_engine, D(2024, 8, 1), item));

        Assert.Equal(new RuleId("R6"), summons.Rule);
        Assert.Equal(4, summons.Facts.Streak);
        Assert.Equal("lag:2024-07", summons.Occurrence);
    }

    [Fact]
    public void Evaluate_RaisesSummons_WhenDemandedExplanationIsOverdue()
    {
        var notice = EventId.For(new RuleId("R5"), new ItemId("2024-ZD-001"), "lag:2024-05");
        var onPlan = new[] { Report(D(2024, 6, 28), 50) };
        var outstanding = ItemState.Of(Annual2024(), onPlan, demands: [new OpenDemand(notice, DemandKind.Explanation, D(2024, 6, 7))]);
        var met = ItemState.Of(Annual2024(), onPlan, demands: [new OpenDemand(notice, DemandKind.Explanation, D(2024, 6, 7), MetOn: D(2024, 6, 6))]);

        var engine = Evaluator(DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.DemandOverdue));

        var onDueDay = Run(engine, D(2024, 6, 7), outstanding);
        var dayAfter = Run(engine, D(2024, 6, 8), outstanding);

        Assert.Empty(onDueDay);
        var summons = Assert.Single(dayAfter);
        Assert.Equal(new RuleId("R7"), summons.Rule);
        Assert.Equal(EventKind.DemandOverdue, summons.Kind);
        Assert.Equal(notice, summons.Facts.DemandOf);
        Assert.Equal([RecipientRole.UnitPrincipal, RecipientRole.DeputyInCharge], summons.Recipients.Select(r => r.Role));
        Assert.Empty(Run(engine, D(2024, 6, 8), met));
    }

    [Fact]
    public void Evaluate_RemindsOnTheDueDayToo_WhenRuleRepeatsOnDueDay()
    {
        // Milestone due Friday 2024-03-15; 3 working days ahead is Tuesday 03-12.
        var plan = Plan.WithMilestones([new Milestone("方案报批", D(2024, 3, 15), 50)]);
        var item = ItemState.Of(Item("M-1", D(2024, 3, 4), D(2024, 3, 29), plan), [Report(D(2024, 3, 11), 40)]);

        var monday = Run(_engine, D(2024, 3, 11), item);
        var tuesday = Run(_engine, D(2024, 3, 12), item);
        var friday = Run(_engine, D(2024, 3, 15), item);

        Assert.Empty(monday);
        Assert.Equal(("due:2024-03-15:ahead", EventKind.DueSoon), tuesday.Select(e => (e.Occurrence, e.Kind)).Single());
        Assert.Equal(("due:2024-03-15:day", EventKind.DueToday), friday.Select(e => (e.Occurrence, e.Kind)).Single());
    }

    [Fact]
    public void Evaluate_RemindsOnLastWorkingDay_WhenMilestoneFallsOnASunday()
    {
        var plan = Plan.WithMilestones([new Milestone("方案报批", D(2024, 3, 17), 50)]);
        var item = ItemState.Of(Item("M-2", D(2024, 3, 4), D(2024, 3, 29), plan), [Report(D(2024, 3, 11), 45)]);

        var friday = Run(_engine, D(2024, 3, 15), item);

        Assert.Equal(EventKind.DueToday, Assert.Single(friday).Kind);
    }

    [Fact]
    public void Evaluate_RepeatsOverdueNotice_EveryNWorkingDays_WhenConfigured()
    {
        var rule = DefaultRules.All.Single(r => r.Id.Value == "R3") with { Repeat = new Repeat(RepeatKind.EveryWorkingDays, 5) };
        var engine = Evaluator([rule]);
        var item = ItemState.Of(Item("D-1", D(2024, 3, 4), D(2024, 3, 15)), [Report(D(2024, 3, 14), 80)]);

        var occurrences = new[] { D(2024, 3, 18), D(2024, 3, 21), D(2024, 3, 22), D(2024, 3, 29) }
            .Select(day => Assert.Single(Run(engine, day, item)).Occurrence)
            .ToList();

        Assert.Equal(["overdue:2024-03-15", "overdue:2024-03-15", "overdue:2024-03-15:r1", "overdue:2024-03-15:r2"], occurrences);
    }

    [Fact]
    public void Evaluate_IgnoresDisabledAndNotYetEffectiveRules()
    {
        var disabled = DefaultRules.All.Select(r => r.Id.Value == "R5" ? r with { Enabled = false } : r);
        var later = DefaultRules.All.Select(r => r.Id.Value == "R5" ? r with { EffectiveFrom = D(2024, 7, 2) } : r);

        // With R5 off, the ladder's highest matching rung at streak 2 is R4.
        Assert.Equal("R4", Assert.Single(Run(Evaluator(disabled), D(2024, 6, 1), LaggingAprilMay())).Rule.Value);
        Assert.Equal("R4", Assert.Single(Run(Evaluator(later), D(2024, 6, 1), LaggingAprilMay())).Rule.Value);
    }

    [Fact]
    public void Evaluate_DoesNotChase_CompletedSuspendedOrFinishedItems()
    {
        var completed = ItemState.Of(Annual2024("C") with { Status = ItemStatus.Completed });
        var suspended = ItemState.Of(Annual2024("S") with { Status = ItemStatus.Suspended });
        var finished = ItemState.Of(Annual2024("F"), [Report(D(2024, 5, 20), 100)]);

        Assert.Empty(Run(_engine, D(2024, 6, 1), completed, suspended, finished));
    }

    [Fact]
    public void Evaluate_ReportsBadItem_AndEvaluatesTheOthers()
    {
        var broken = ItemState.Of(Item("BAD", D(2024, 6, 1), D(2024, 3, 1)));
        var reaching2027 = ItemState.Of(Item("Y27", D(2024, 1, 1), D(2027, 6, 30)));

        var result = _engine.Evaluate([broken, reaching2027, LaggingAprilMay()], D(2024, 6, 1));

        // The item reaching 2027 is still chased, on a provisional plan, and reported until 2027 is loaded.
        Assert.Equal(["Y27", "2024-ZD-001"], result.Events.Select(e => e.Item.Value));
        Assert.Equal(["BAD", "Y27"], result.Problems.Select(p => p.Key));
        Assert.Contains("2027", result.Problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Throws_WhenTodayIsInAYearWithoutCalendar()
    {
        Assert.Throws<CalendarYearNotLoadedException>(() => _engine.Evaluate([], D(2027, 1, 4)));
    }

    [Fact]
    public void Evaluate_ReportsMissingRole_AndSendsToTheOthers()
    {
        var noDeputy = Escalation.Domain.Evaluation.Roster.Of([new UnitRoster(Commerce, "商务局", Principal)], supervisionOffice: null);
        var item = ItemState.Of(Annual2024(),
            [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35), Report(D(2024, 6, 28), 40)]);

        var result = Evaluator(roster: noDeputy).Evaluate([item], D(2024, 7, 2));

        var summons = Assert.Single(result.Events);
        Assert.Equal([RecipientRole.UnitPrincipal], summons.Recipients.Select(r => r.Role));
        Assert.Equal(
            [("units", "swj", "DeputyInCharge"), ("units", "swj", "LeadOfficial")],
            result.Problems.Select(p => (p.Table, p.Key, p.Field)));
    }

    [Fact]
    public void Evaluate_SendsToItemsOwnLeadOfficial_OverTheUnits()
    {
        var sponsor = new PersonId("city-zhao");
        var item = ItemState.Of(Annual2024() with { LeadOfficial = sponsor },
            [Report(D(2024, 3, 29), 30), Report(D(2024, 4, 30), 30), Report(D(2024, 5, 31), 35), Report(D(2024, 6, 28), 40)]);

        var summons = Assert.Single(Run(_engine, D(2024, 7, 2), item));

        Assert.Contains(new Recipient(RecipientRole.LeadOfficial, sponsor, IsCopy: true), summons.Recipients);
    }

    [Fact]
    public void Evaluate_RaisesNotice_ForEachMissedMilestone_ButNotForOldOnes()
    {
        // Two milestones missed: 03-08 (15 working days before 03-29) and 03-22 (5 before); with a catch-up window of 5
        // working days only the recent one is raised.
        var plan = Plan.WithMilestones([new Milestone("调研", D(2024, 3, 8), 20), new Milestone("方案", D(2024, 3, 22), 40)]);
        var item = ItemState.Of(Item("M-3", D(2024, 3, 4), D(2024, 6, 28), plan), [Report(D(2024, 3, 29), 10)]);

        var events = Run(Evaluator(options: new EvaluationOptions(CatchUpWorkingDays: 5)), D(2024, 3, 29), item)
            .Where(e => e.Kind == EventKind.Overdue)
            .ToList();

        var notice = Assert.Single(events);
        Assert.Equal("方案", notice.Facts.Checkpoint);
        Assert.Equal(40, notice.Facts.CheckpointTarget);
    }
}
