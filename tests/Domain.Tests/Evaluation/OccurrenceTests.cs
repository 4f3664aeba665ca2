using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// Exemptions of one occurrence (a milestone, the deadline, the start), the start-missed trigger, and demands owed by
/// the responsible unit (主管部门) and the builder (建设单位), each tracked on its own.
/// </summary>
/// <remarks>
/// 2025, shipped calendar:
///   June 2025                 July 2025
///   Mo Tu We Th Fr Sa Su      Mo Tu We Th Fr Sa Su
///   23 24 25 26 27 28 29          1  2  3  4  5  6
///   30                         7  8  9 10 11 12 13
/// Planned start Monday 06-30 (inclusive): missed from Tuesday 07-01.
/// </remarks>
public class OccurrenceTests
{
    private static readonly UnitId Builder = new("cgj");
    private static readonly PersonId BuilderHead = new("cgj-ding");
    private static readonly PersonId BuilderDeputy = new("cgj-xie");

    private static readonly Roster WithBuilder = Escalation.Domain.Evaluation.Roster.Of(
        [new UnitRoster(Commerce, "商务局", Principal, Deputy, LeadOfficial), new UnitRoster(Builder, "城管局", BuilderHead, BuilderDeputy)], Office);

    private readonly Evaluator _engine = Evaluator(roster: WithBuilder);

    private static SupervisedItem Project(string id, LocalDateOrNull actualStart = default, bool builder = true) =>
        Item(id, D(2025, 6, 2), D(2025, 12, 31), kind: ItemKind.KeyProject) with
        {
            PlannedStart = D(2025, 6, 30),
            ActualStart = actualStart.Value,
            Builder = builder ? Builder : null,
        };

    private static IEnumerable<EscalationEvent> Starts(IEnumerable<EscalationEvent> events) => events.Where(e => e.Kind == EventKind.StartMissed);

    [Fact]
    public void CauseOfAMissedStart()
    {
        // P1: no cause recorded → subjective → a special explanation from both the 主管部门 and the 建设单位.
        // P2: an objective cause approved → nothing.
        var p1 = ItemState.Of(Project("P1"));
        var p2 = ItemState.Of(Project("P2")) with { StartCause = new StartCause(CauseKind.Objective, "征地拆迁未完成") };

        var events = _engine.Evaluate([p1, p2], D(2025, 7, 1)).Events;

        var notice = Assert.Single(Starts(events));
        Assert.Equal(new ItemId("P1"), notice.Item);
        Assert.Equal(new RuleId("R8"), notice.Rule);
        Assert.Equal(EventLevel.Notice, notice.Level);
        Assert.Equal("start:2025-06-30", notice.Occurrence);
        Assert.Equal(EventId.For(new RuleId("R8"), new ItemId("P1"), "start:2025-06-30"), notice.Id);
        Assert.Equal(D(2025, 6, 30), notice.Facts.PlannedStart);
        Assert.Equal("未记录原因，按主观原因处理", notice.Facts.Cause);
        Assert.Equal(new Demand(DemandKind.SpecialExplanation, D(2025, 7, 7)) { From = [Commerce, Builder] }, notice.Demand);
        Assert.Equal(
            [
                new Recipient(RecipientRole.UnitPrincipal, Principal, IsCopy: false),
                new Recipient(RecipientRole.BuilderPrincipal, BuilderHead, IsCopy: false),
                new Recipient(RecipientRole.SupervisionOffice, Office, IsCopy: true),
            ],
            notice.Recipients);
    }

    [Theory]
    [InlineData(2025, 6, 30)] // on the planned day
    [InlineData(2025, 6, 20)] // earlier
    public void StartMissed_RaisesNothing_WhenActualStartIsOnTime(int y, int m, int d)
    {
        var item = ItemState.Of(Project("P1", new LocalDateOrNull(D(y, m, d))));

        var events = _engine.Evaluate([item], D(2025, 7, 1)).Events;

        Assert.Empty(Starts(events));
    }

    [Fact]
    public void StartMissed_RaisesOnce_WhenStartedLate()
    {
        var late = ItemState.Of(Project("P1", new LocalDateOrNull(D(2025, 7, 3))));

        var first = Starts(_engine.Evaluate([late], D(2025, 7, 1)).Events).ToList();
        var later = Starts(_engine.Evaluate([late], D(2025, 7, 8)).Events).ToList();

        var notice = Assert.Single(first);
        Assert.Equal(notice.Id, Assert.Single(later).Id);
    }

    [Fact]
    public void StartMissed_RaisesNothing_OnThePlannedDayOrWithoutAPlannedStart()
    {
        var onTheDay = _engine.Evaluate([ItemState.Of(Project("P1"))], D(2025, 6, 30)).Events;
        var unplanned = _engine.Evaluate([ItemState.Of(Project("P1") with { PlannedStart = null })], D(2025, 7, 1)).Events;

        Assert.Empty(Starts(onTheDay));
        Assert.Empty(Starts(unplanned));
    }

    [Fact]
    public void StartMissed_RaisesNothing_AfterTheCatchUpWindow()
    {
        // 10 working days after 06-30 is 07-14; 07-15 is the 11th.
        var item = ItemState.Of(Project("P1"));

        Assert.Single(Starts(_engine.Evaluate([item], D(2025, 7, 14)).Events));
        Assert.Empty(Starts(_engine.Evaluate([item], D(2025, 7, 15)).Events));
    }

    [Fact]
    public void StartMissed_StatesTheSubjectiveReason_AndStillRaises_WhenTheCauseIsSubjective()
    {
        var item = ItemState.Of(Project("P1")) with { StartCause = new StartCause(CauseKind.Subjective, "施工单位进场迟缓") };

        var notice = Assert.Single(Starts(_engine.Evaluate([item], D(2025, 7, 1)).Events));

        Assert.Equal("施工单位进场迟缓", notice.Facts.Cause);
    }

    [Fact]
    public void StartMissed_DemandsOfTheUnitOnly_AndReportsTheTask_WhenTheTaskHasNoBuilder()
    {
        var item = ItemState.Of(Project("P1", builder: false));

        var result = _engine.Evaluate([item], D(2025, 7, 1));

        var notice = Assert.Single(Starts(result.Events));
        Assert.Equal([Commerce], notice.Demand!.From);
        Assert.Equal([RecipientRole.UnitPrincipal, RecipientRole.SupervisionOffice], notice.Recipients.Select(r => r.Role));
        Assert.Contains(result.Problems, p => p.Table == "tasks" && p.Key == "P1" && p.Field == "Builder" && p.Reason.Contains("建设单位", StringComparison.Ordinal));
    }

    // ---- Milestone and deadline exemptions --------------------------------------------------------------------------

    /// <summary>A 2025 task with milestones 04-30 (30 %) and 08-29 (60 %), deadline 12-31; nothing reported.</summary>
    private static SupervisedItem Staged() =>
        Item("M1", D(2025, 1, 2), D(2025, 12, 31), Plan.WithMilestones([new Milestone("方案报批", D(2025, 4, 30), 30), new Milestone("主体完工", D(2025, 8, 29), 60)]));

    [Fact]
    public void MilestoneExemption_SilencesThatCheckpoint_AndOthersStillFire()
    {
        var exempt = ItemState.Of(Staged()) with { ExemptCheckpoints = new HashSet<LocalDate> { D(2025, 4, 30) } };
        var plain = ItemState.Of(Staged());

        // 04-28 (Monday) is 2 working days before 04-30: due soon. 05-06 is after the holiday: overdue.
        var soonExempt = _engine.Evaluate([exempt], D(2025, 4, 28)).Events;
        var soonPlain = _engine.Evaluate([plain], D(2025, 4, 28)).Events;
        var overdueExempt = _engine.Evaluate([exempt], D(2025, 5, 6)).Events;
        var overduePlain = _engine.Evaluate([plain], D(2025, 5, 6)).Events;
        var secondExempt = _engine.Evaluate([exempt], D(2025, 9, 1)).Events;

        Assert.Contains(soonPlain, e => e.Kind == EventKind.DueSoon);
        Assert.DoesNotContain(soonExempt, e => e.Kind is EventKind.DueSoon or EventKind.DueToday);
        Assert.Contains(overduePlain, e => e.Kind == EventKind.Overdue);
        Assert.DoesNotContain(overdueExempt, e => e.Kind == EventKind.Overdue);
        var second = Assert.Single(secondExempt, e => e.Kind == EventKind.Overdue);
        Assert.Equal(D(2025, 8, 29), second.Facts.CheckpointDue);
    }

    [Fact]
    public void MilestoneExemption_StopsRepeatsOfTheOverdueRule()
    {
        var rules = DefaultRules.All.Select(r => r.Id.Value == "R3" ? r with { Repeat = new Repeat(RepeatKind.EveryWorkingDays, 2) } : r).ToList();
        var engine = Evaluator(rules, WithBuilder);
        var exempt = ItemState.Of(Staged()) with { ExemptCheckpoints = new HashSet<LocalDate> { D(2025, 4, 30) } };

        var days = new[] { D(2025, 5, 6), D(2025, 5, 8), D(2025, 5, 12), D(2025, 5, 20) };

        Assert.All(days, day => Assert.DoesNotContain(engine.Evaluate([exempt], day).Events, e => e.Kind == EventKind.Overdue));
    }

    [Fact]
    public void DeadlineExemption_SilencesTheDeadline()
    {
        var item = Item("L1", D(2025, 1, 2), D(2025, 6, 30));
        var exempt = ItemState.Of(item) with { ExemptCheckpoints = new HashSet<LocalDate> { D(2025, 6, 30) } };
        var plain = ItemState.Of(item);

        Assert.Contains(_engine.Evaluate([plain], D(2025, 6, 26)).Events, e => e.Kind == EventKind.DueSoon);
        Assert.DoesNotContain(_engine.Evaluate([exempt], D(2025, 6, 26)).Events, e => e.Kind is EventKind.DueSoon or EventKind.DueToday);
        Assert.Contains(_engine.Evaluate([plain], D(2025, 7, 1)).Events, e => e.Kind == EventKind.Overdue);
        Assert.DoesNotContain(_engine.Evaluate([exempt], D(2025, 7, 1)).Events, e => e.Kind == EventKind.Overdue);
    }

    [Fact]
    public void MilestoneExemption_DoesNotMakeThePeriodLag_ForTheMissedMilestone()
    {
        // A lag rule with 10 points of tolerance: 45 % at the close of May is within it of the plan (about 50 %), so
        // only the missed milestone (05-29, target 50) makes May lag.
        var lag = new RuleRow
        {
            Id = "L", Level = "reminder", Trigger = "lag-streak", Streak = "1", Period = "month", Tolerance = "10",
            To = "owner", Channels = "email", Template = "lag-reminder",
        }.Parse().Rule!;
        var engine = Evaluator([lag], WithBuilder);
        var item = Item("M2", D(2025, 1, 2), D(2025, 12, 31), Plan.WithMilestones([new Milestone("完成设计", D(2025, 5, 29), 50)]));
        var reports = new[] { Report(D(2025, 5, 20), 45) };
        var plain = ItemState.Of(item, reports);
        var exempt = ItemState.Of(item, reports) with { ExemptCheckpoints = new HashSet<LocalDate> { D(2025, 5, 29) } };

        // May closes on Saturday 05-31; 06-02 is the Dragon Boat holiday: judged on 06-03, acted on from 06-04.
        Assert.Single(engine.Evaluate([plain], D(2025, 6, 4)).Events);
        Assert.Empty(engine.Evaluate([exempt], D(2025, 6, 4)).Events);
    }

    // ---- Demands owed by several units ------------------------------------------------------------------------------

    private static readonly EventId StartNotice = EventId.For(new RuleId("R8"), new ItemId("P1"), "start:2025-06-30");

    [Fact]
    public void DemandOverdue_ChasesOnlyTheUnitStillOwing_WithTheOccurrenceItAlwaysHad_WhenTheBuilderSubmitted()
    {
        var item = ItemState.Of(Project("P1", new LocalDateOrNull(D(2025, 6, 30))), demands:
        [
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7)),
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7), MetOn: D(2025, 7, 4)) { From = Builder },
        ]);

        var events = _engine.Evaluate([item], D(2025, 7, 8)).Events;

        var summons = Assert.Single(events, e => e.Kind == EventKind.DemandOverdue);
        Assert.Equal("demand:" + StartNotice.Value, summons.Occurrence);
        Assert.Equal(EventId.For(new RuleId("R7"), new ItemId("P1"), "demand:" + StartNotice.Value), summons.Id);
        Assert.Equal([Principal, Deputy], summons.Recipients.Select(r => r.Person));
        Assert.Null(summons.Facts.DemandFrom);
    }

    [Fact]
    public void DemandOverdue_ChasesTheBuilderThroughItsOwnRoster_WhenOnlyTheUnitSubmitted()
    {
        var item = ItemState.Of(Project("P1", new LocalDateOrNull(D(2025, 6, 30))), demands:
        [
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7), MetOn: D(2025, 7, 2)),
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7)) { From = Builder },
        ]);

        var events = _engine.Evaluate([item], D(2025, 7, 8)).Events;

        var summons = Assert.Single(events, e => e.Kind == EventKind.DemandOverdue);
        Assert.Equal($"demand:{StartNotice.Value}:cgj", summons.Occurrence);
        Assert.Equal([BuilderHead, BuilderDeputy], summons.Recipients.Select(r => r.Person));
        Assert.All(summons.Recipients, r => Assert.Equal(Builder, r.Unit)); // so that the log, export and letters name the builder
        Assert.Equal(Builder, summons.Facts.DemandFrom);
        Assert.Equal(Commerce, summons.Unit);
    }

    [Fact]
    public void DemandOverdue_ChasesEachUnit_WhenNeitherSubmitted()
    {
        var item = ItemState.Of(Project("P1", new LocalDateOrNull(D(2025, 6, 30))), demands:
        [
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7)),
            new OpenDemand(StartNotice, DemandKind.SpecialExplanation, D(2025, 7, 7)) { From = Builder },
        ]);

        var events = _engine.Evaluate([item], D(2025, 7, 8)).Events.Where(e => e.Kind == EventKind.DemandOverdue).ToList();

        Assert.Equal(["demand:" + StartNotice.Value, $"demand:{StartNotice.Value}:cgj"], events.Select(e => e.Occurrence));
    }

    /// <summary>An optional date for inline data (null: not started).</summary>
    public readonly record struct LocalDateOrNull(LocalDate? Value);
}
