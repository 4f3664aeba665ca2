using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// Edge cases of issue 13's rule language found in review: each test states what the issue and the admin docs promise
/// (they failed before the fixes and are kept as regression tests).
/// </summary>
public class RuleLanguageEdgeTests
{
    private static EscalationRule Rule(RuleRow row)
    {
        var (rule, problems) = row.Parse();
        Assert.Empty(problems);
        return rule!;
    }

    private static readonly RuleRow Overdue = new()
    {
        Id = "R3", Level = "notice", Trigger = "overdue", To = "owner", Channels = "email", Template = "overdue",
    };

    // July 2026: the deadline Friday 07-03 is missed at 80 %; the task reaches 100 % on Friday 07-10, 5 working days late.
    // A summons 「逾期 20 个工作日仍未完成的，约谈」 (Days = 20, due 07-31) must not go to a task that finished on 07-10:
    // docs/tables.zh-CN.md, Days: 「节点、报送或要求到期后再过这么多天仍未办结才触发」.
    [Fact]
    public void DelayedOverdueRule_DoesNotFire_WhenTheTargetWasReachedBeforeTheDelayRanOut()
    {
        var engine = Evaluator([Rule(Overdue with { Id = "R8", Level = "summons", Days = "20" })]);
        var finishedLate = ItemState.Of(
            Item("D-1", D(2026, 6, 1), D(2026, 7, 3)),
            [Report(D(2026, 7, 2), 80), Report(D(2026, 7, 10), 100)]);

        Assert.Empty(Run(engine, D(2026, 7, 31), finishedLate));
    }

    // The same with a milestone (target 50 on 2026-06-15, reached on 06-22) of a task still running: a delayed notice
    // 10 working days after the milestone (06-30, Dragon Boat Festival 06-19 off) must not go out; the milestone is met by then.
    [Fact]
    public void DelayedOverdueRule_DoesNotFire_ForAMilestoneMetLateButBeforeTheDelay()
    {
        var engine = Evaluator([Rule(Overdue with { Days = "10", Scope = "milestones" })]);
        var plan = Plan.WithMilestones([new Milestone("方案批复", D(2026, 6, 15), 50)]);
        var item = ItemState.Of(
            Item("M-1", D(2026, 6, 1), D(2026, 9, 30), plan),
            [Report(D(2026, 6, 12), 30), Report(D(2026, 6, 22), 55)]);

        var stillBelow = ItemState.Of(item.Item, [Report(D(2026, 6, 12), 30)]);
        var days = Enumerable.Range(0, 30).Select(i => D(2026, 6, 16).PlusDays(i)).ToList();

        Assert.NotEmpty(days.SelectMany(d => Run(engine, d, stillBelow))); // control: fires (06-30, after the 06-19 holiday) while below
        Assert.Empty(days.SelectMany(d => Run(engine, d, item)));
    }

    // A report-missing rule with a delay longer than the report cycle: 旬 reports (the default cadence) fall due every 7–8
    // working days. 「逾期10个工作日仍未报送」 (Days = 10, valid: 1–60) must fire for a task that never reports, although by
    // the time the delay has run out the next due date has passed: the rule chases the latest due date whose delay ran out.
    [Fact]
    public void DelayedReportMissingRule_FiresAtSomePoint_WhenTheDelayIsLongerThanTheReportCycle()
    {
        var silent = ItemState.Of(Item("X-1", D(2025, 3, 3), D(2025, 12, 31), cadence: ReportCadence.Default));
        var fiveDays = Evaluator([Rule(Overdue with { Id = "R2", Level = "reminder", Trigger = "report-missing", Days = "5", Template = "report-missing" })]);
        var tenDays = Evaluator([Rule(Overdue with { Id = "R2", Level = "notice", Trigger = "report-missing", Days = "10", Template = "report-missing" })]);

        var days = Enumerable.Range(0, 91).Select(i => D(2025, 4, 1).PlusDays(i)).ToList();

        Assert.NotEmpty(days.SelectMany(d => Run(fiveDays, d, silent))); // control: a delay shorter than the cycle fires
        Assert.NotEmpty(days.SelectMany(d => Run(tenDays, d, silent)));
    }

    // An objective exemption of the deadline: 「该节点或完成时限不提醒、不通报（含重复），也不因未达该节点而算作当期落后」
    // (docs/tables.zh-CN.md, exemptions). After the exempted deadline (2025-06-30), the task at 80 % is still below its
    // plan (100 % from the deadline on) at every month's close, so the lag ladder climbs regardless: a reminder in
    // August, a notice demanding an explanation in September, a summons in October, for a missed deadline the office
    // approved an objective cause for.
    [Fact]
    public void ExemptedDeadline_DoesNotClimbTheLagLadderAfterTheDeadline()
    {
        var lagRules = DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.LagStreak).ToList();
        var engine = Evaluator(lagRules);
        var item = ItemState.Of(
            Item("L-1", D(2025, 1, 1), D(2025, 6, 30)),
            [Report(D(2025, 6, 20), 80)],
            firstSeen: D(2025, 6, 25)) with
        {
            ExemptCheckpoints = new HashSet<LocalDate> { D(2025, 6, 30) },
        };

        var after = new[] { D(2025, 8, 1), D(2025, 9, 1), D(2025, 10, 9) }
            .SelectMany(d => Run(engine, d, item))
            .Select(e => $"{e.Date:MM-dd} {e.Rule} {e.Occurrence}")
            .ToList();

        Assert.Empty(after);
    }

    // R8 (start-missed) demands a special explanation within 5 working days, counted from the planned start, while the
    // event itself may be raised up to CatchUpWorkingDays (10) later: a project whose planned start (Monday 2025-06-30)
    // the engine first judges on Wednesday 07-09 (an outage, or PlannedStart entered late) gets a notice whose due date
    // (07-07) has already passed, and R7's summons for the overdue explanation the next morning.
    [Fact]
    public void StartMissedNotice_RaisedInTheCatchUpWindow_DoesNotDemandByADayAlreadyPast()
    {
        var roster = Escalation.Domain.Evaluation.Roster.Of([new UnitRoster(Commerce, "商务局", Principal, Deputy, LeadOfficial)], Office);
        var project = ItemState.Of(Item("P1", D(2025, 6, 2), D(2025, 12, 31), kind: ItemKind.KeyProject) with { PlannedStart = D(2025, 6, 30) });

        var notice = Assert.Single(Evaluator(roster: roster).Evaluate([project], D(2025, 7, 9)).Events, e => e.Kind == EventKind.StartMissed);

        Assert.True(notice.Demand!.DueBy >= notice.Date, $"demand due {notice.Demand.DueBy} before the notice of {notice.Date}");
    }

    // A problem must name the table, key, field and value. The units table's columns are Principal, DeputyInCharge and
    // LeadOfficial (Configuration reports a named unit's empty role under them), but the evaluator reports an empty role
    // of the item's unit (or of a builder owing a demand) under the enum name "UnitPrincipal", which is no column.
    [Fact]
    public void EmptyPrincipal_IsReportedUnderTheUnitsColumnName()
    {
        var roster = Escalation.Domain.Evaluation.Roster.Of([new UnitRoster(Commerce, "商务局", null, Deputy, LeadOfficial)], Office);
        var engine = Evaluator([Rule(Overdue with { To = "owner,principal" })], roster);
        var late = ItemState.Of(Item("D-1", D(2026, 6, 1), D(2026, 7, 3)), [Report(D(2026, 7, 2), 80)]);

        var problem = Assert.Single(engine.Evaluate([late], D(2026, 7, 6)).Problems);

        Assert.Equal(("units", "swj"), (problem.Table, problem.Key));
        Assert.Equal("Principal", problem.Field);
    }
}

/// <summary>Edge cases of reading rule rows found in review.</summary>
public class RuleLanguageRowEdgeTests
{
    // Days means something for due-soon, report-due-soon and (as a delay) overdue, report-missing and demand-overdue.
    // A start-missed rule written with Days = 5 (an admin expecting 「计划开工5天后仍未开工」) is adopted without a word and
    // fires the day after the planned start: the value should be refused or at least reported as ignored.
    [Fact]
    public void StartMissedRule_WithDays_IsReported()
    {
        var row = new RuleRow
        {
            Id = "R8", Level = "notice", Trigger = "start-missed", Days = "5", To = "principal", Channels = "email", Template = "start-missed",
        };

        var (_, problems) = row.Parse();

        Assert.Contains(problems, p => p.Field == nameof(RuleRow.Days));
    }
}
