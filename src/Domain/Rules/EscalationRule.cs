using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using NodaTime;

namespace Escalation.Domain.Rules;

/// <summary>A rule's id, e.g. <c>R3</c>.</summary>
public readonly record struct RuleId
{
    public RuleId(string value) => Value = Key.Validate(value, "rule");

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>How strong an event is; the ladder climbs reminder → notice → summons.</summary>
public enum EventLevel
{
    /// <summary>提醒: a nudge.</summary>
    Reminder = 1,

    /// <summary>通报: a formal notice, usually demanding a written explanation or rectification by a date.</summary>
    Notice = 2,

    /// <summary>约谈: the unit's leaders are called in for a talk.</summary>
    Summons = 3,
}

/// <summary>What makes a rule fire.</summary>
public enum TriggerKind
{
    /// <summary>A milestone or the deadline is due within N working days and its target is not reached.</summary>
    DueSoon,

    /// <summary>A milestone or the deadline has passed and its target is not reached.</summary>
    Overdue,

    /// <summary>A progress report is due and missing.</summary>
    ReportMissing,

    /// <summary>The item lagged at N or more consecutive period closes.</summary>
    LagStreak,

    /// <summary>An explanation or rectification demanded by a notice is overdue.</summary>
    DemandOverdue,

    /// <summary>A progress report is due within N working days (0 = today) and none has come in its window yet.</summary>
    ReportDueSoon,
}

/// <summary>Which of the two daily scans evaluates a rule; a rule belongs to exactly one.</summary>
public enum ScanSlot
{
    /// <summary>上午: the morning scan (the default, and the only one before the afternoon scan existed).</summary>
    Morning,

    /// <summary>下午: the afternoon scan, for same-day chases before the sending window closes.</summary>
    Afternoon,
}

/// <summary>Which checkpoints a due-soon or overdue rule watches.</summary>
public enum CheckpointScope
{
    /// <summary>Milestones and the deadline.</summary>
    All,

    /// <summary>Intermediate milestones only.</summary>
    Milestones,

    /// <summary>The deadline only.</summary>
    Deadline,
}

/// <summary>Who an event is addressed to, by role.</summary>
public enum RecipientRole
{
    /// <summary>具体责任人: the item's owner.</summary>
    Owner,

    /// <summary>主要负责人: the head of the responsible unit.</summary>
    UnitPrincipal,

    /// <summary>分管负责同志: the unit's leader in charge of that line of work.</summary>
    DeputyInCharge,

    /// <summary>包保领导 / 分管市领导: the city leader sponsoring the item.</summary>
    LeadOfficial,

    /// <summary>督查室: the supervision office.</summary>
    SupervisionOffice,
}

/// <summary>What a notice demands of the unit.</summary>
public enum DemandKind
{
    /// <summary>A written explanation (书面说明).</summary>
    Explanation,

    /// <summary>Rectification by a date (限期整改).</summary>
    Rectification,
}

/// <summary>How often one condition may raise an event.</summary>
public enum RepeatKind
{
    /// <summary>Once per occurrence (milestone, period, report due date, demand).</summary>
    Once,

    /// <summary>Once ahead and once more on the due day (due-soon rules only).</summary>
    OnDueDay,

    /// <summary>Again every N working days while the condition holds (overdue, report-missing and demand-overdue rules).</summary>
    EveryWorkingDays,
}

/// <summary>The condition of a rule and its parameters.</summary>
/// <param name="Kind">What makes it fire.</param>
/// <param name="WorkingDays">For <see cref="TriggerKind.DueSoon"/> and <see cref="TriggerKind.ReportDueSoon"/>: how many working days ahead (report-due-soon: 0 = on the due day).</param>
/// <param name="Scope">For due-soon and overdue: which checkpoints.</param>
/// <param name="MinStreak">For <see cref="TriggerKind.LagStreak"/>: the streak length from which it fires.</param>
/// <param name="Period">For lag streaks: the period whose closes are assessed.</param>
/// <param name="LagTolerance">For lag streaks: how many points below plan still count as on plan.</param>
public sealed record RuleTrigger(
    TriggerKind Kind,
    int WorkingDays = 0,
    CheckpointScope Scope = CheckpointScope.All,
    int MinStreak = 1,
    PeriodKind Period = PeriodKind.Month,
    double LagTolerance = 0);

/// <summary>How often a rule repeats for one condition.</summary>
public readonly record struct Repeat(RepeatKind Kind, int EveryWorkingDays = 0)
{
    public static Repeat Once => new(RepeatKind.Once);
}

/// <summary>What a notice demands, and in how many working days from the day it is issued.</summary>
public sealed record DemandSpec(DemandKind Kind, int WorkingDays);

/// <summary>
/// One rung of the escalation ladder, as admins configure it. Lag-streak rules of the same period and tolerance
/// form one ladder: at each close only the matching rule with the highest streak threshold fires.
/// </summary>
public sealed record EscalationRule(
    RuleId Id,
    string Name,
    EventLevel Level,
    RuleTrigger Trigger,
    IReadOnlyList<RecipientRole> To,
    IReadOnlyList<RecipientRole> Copy,
    IReadOnlyList<Channel> Channels,
    string Template,
    Repeat Repeat,
    LocalDate EffectiveFrom,
    bool Enabled = true,
    DemandSpec? Demand = null,
    ScanSlot Scan = ScanSlot.Morning)
{
    /// <summary>True when the rule applies on <paramref name="date"/>.</summary>
    public bool AppliesOn(LocalDate date) => Enabled && date >= EffectiveFrom;
}
