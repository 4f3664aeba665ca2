using Escalation.Domain.Calendar;
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

/// <summary>How strong an event is; the ladder climbs reminder → notice → summons → accountability recommendation.</summary>
public enum EventLevel
{
    /// <summary>提醒: a nudge.</summary>
    Reminder = 1,

    /// <summary>通报: a formal notice, usually demanding a written explanation or rectification by a date.</summary>
    Notice = 2,

    /// <summary>约谈: the unit's leaders are called in for a talk.</summary>
    Summons = 3,

    /// <summary>
    /// 问责建议: the office recommends holding those responsible to account, or (with a <see cref="ConsequenceSpec"/>) a
    /// consequence to the unit that executes it. Never sent to the item's unit; the engine records it and executes nothing.
    /// See <see cref="Accountability.AccountabilityLevel"/>.
    /// </summary>
    Accountability = 4,
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

    /// <summary>未按期开工: the item's planned start has passed and it has not started (or started late), without an objective cause.</summary>
    StartMissed,

    /// <summary>A progress report is due within N working days (0 = today) and none has come in its window yet.</summary>
    ReportDueSoon,

    // Indicator triggers (指标): judged city-wide by Indicators.IndicatorEvaluator when data is published; the task
    // evaluator ignores them. See Indicators.IndicatorTriggers.

    /// <summary>指标落后: an indicator lagged (rank worse than its floor, or below plan) in N or more consecutive published periods.</summary>
    IndicatorLag,

    /// <summary>未完成确保目标: a published value misses the indicator's floor target (确保).</summary>
    TargetMissed,

    /// <summary>未达力争目标: a published value meets the floor but misses the stretch target (力争).</summary>
    StretchMissed,

    /// <summary>低于前期: a published value is lower than the same year's earlier period it must not fall below (不低于一季度).</summary>
    BelowEarlier,

    /// <summary>年终排名靠后: the year's last value is ranked outside the province's first third (第一方阵, top ⌈N/3⌉).</summary>
    YearEndRank,

    /// <summary>低于全省平均且排名靠后: below the provincial average and in the ranking group's bottom k, ties included.</summary>
    BottomRank,

    /// <summary>成绩单: a ranking group's monthly scoreboard, one per group and month.</summary>
    Scoreboard,

    /// <summary>分享经验: a unit in its group's top k of the month is invited to share its experience.</summary>
    ShareInvitation,

    /// <summary>表态发言: a unit in its group's bottom k of the month is called on to pledge.</summary>
    Pledge,

    // The closed loop's triggers (闭环): raised when a record is written on the web (and again by the daily run for records
    // of the catch-up window, the deterministic event id keeping each once). See Cases.LoopEvents.

    /// <summary>答复提交: a unit submitted an answer to a notice (explanations row).</summary>
    AnswerSubmitted,

    /// <summary>答复处理: the office decided on an answer or an exemption request (decisions row).</summary>
    AnswerDecided,

    /// <summary>虚假整改: the office reopened a closed rectification as false (a reopen decision).</summary>
    FalseRectification,

    /// <summary>豁免申请: a unit requested an exemption (exemptionrequests row).</summary>
    ExemptionRequested,

    /// <summary>
    /// 未签收: a notice or summons delivered and not signed for (签收) N working days after the day it was delivered
    /// (default 1); chased once per notice.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "未签收: the contract's name, not the integer type.")]
    Unsigned,
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

    /// <summary>建设单位主要负责人: the principal of the item's builder unit (建设单位).</summary>
    BuilderPrincipal,

    /// <summary>指定人员: a person the rule names (<c>person:ID</c>), whatever their role.</summary>
    Named,
}

/// <summary>
/// Who a rule's To or Copy names: a role relative to the item, a named person, or a role of a named unit. Rows are parsed
/// without the people and units tables, so a named person or unit is held as written (an id or a name);
/// <see cref="Catalog.Configuration.Build"/> resolves names, after which the reference is always the id.
/// </summary>
public abstract record RecipientSpec
{
    private RecipientSpec()
    {
    }

    /// <summary>A role relative to the item (its owner, its unit's principal, ..., the supervision office).</summary>
    public sealed record ByRole(RecipientRole Role) : RecipientSpec;

    /// <summary>A person by id or (until resolved) by name, e.g. <c>person:fgw-chen</c>, <c>人员:陈主任</c>.</summary>
    /// <param name="Reference">The person's id, or their name as written until configuration resolves it.</param>
    /// <param name="Token">The token as written in the rule, for problem reports.</param>
    public sealed record NamedPerson(string Reference, string Token) : RecipientSpec;

    /// <summary>The principal, deputy or lead official of a named unit, e.g. <c>unit:fgw/principal</c>, <c>单位:发改委/主要负责人</c>.</summary>
    /// <param name="Unit">The unit's id, or its name as written until configuration resolves it.</param>
    /// <param name="Role"><see cref="RecipientRole.UnitPrincipal"/>, <see cref="RecipientRole.DeputyInCharge"/> or <see cref="RecipientRole.LeadOfficial"/>.</param>
    /// <param name="Token">The token as written in the rule, for problem reports.</param>
    public sealed record NamedUnitRole(string Unit, RecipientRole Role, string Token) : RecipientSpec;

    /// <summary>A role relative to the item, as the role words of To and Copy have always meant.</summary>
    public static RecipientSpec FromRecipientRole(RecipientRole role) => new ByRole(role);

    public static implicit operator RecipientSpec(RecipientRole role) => FromRecipientRole(role);
}

/// <summary>What a notice demands of the unit.</summary>
public enum DemandKind
{
    /// <summary>A written explanation (书面说明).</summary>
    Explanation,

    /// <summary>Rectification by a date (限期整改).</summary>
    Rectification,

    /// <summary>A special explanation (专题说明), e.g. of a missed start.</summary>
    SpecialExplanation,
}

/// <summary>Who owes what a notice demands.</summary>
public enum DemandSubmitter
{
    /// <summary>The item's responsible unit (责任单位, 主管部门).</summary>
    Unit,

    /// <summary>The item's builder unit (建设单位).</summary>
    Builder,
}

/// <summary>How often one condition may raise an event.</summary>
public enum RepeatKind
{
    /// <summary>Once per occurrence (milestone, period, report due date, demand).</summary>
    Once,

    /// <summary>Once ahead and once more on the due day (due-soon rules only).</summary>
    OnDueDay,

    /// <summary>
    /// Again every interval (N working days, or N calendar days when written so) while the condition holds (overdue,
    /// report-missing and demand-overdue rules), up to <see cref="Repeat.Max"/> events.
    /// </summary>
    EveryWorkingDays,
}

/// <summary>The condition of a rule and its parameters.</summary>
/// <param name="Kind">What makes it fire.</param>
/// <param name="Days">
/// The rule's <c>Days</c>. For <see cref="TriggerKind.DueSoon"/>: how far ahead (working or calendar days). For
/// <see cref="TriggerKind.ReportDueSoon"/>: working days before the report is due (0 = on the due day; null = 1). For
/// <see cref="TriggerKind.Overdue"/>, <see cref="TriggerKind.ReportMissing"/> and <see cref="TriggerKind.DemandOverdue"/>:
/// a delay, the rule first fires once the checkpoint, report or demand is that many days past its due date; null fires
/// at the first run after the due date. For the indicator kinds (<see cref="Indicators.IndicatorTriggers.IsIndicator"/>):
/// a delay after the data's publication date; null fires from the publication date on. Null for other kinds.
/// </param>
/// <param name="Scope">For due-soon and overdue: which checkpoints.</param>
/// <param name="MinStreak">For <see cref="TriggerKind.LagStreak"/> and <see cref="TriggerKind.IndicatorLag"/>: the streak length from which it fires.</param>
/// <param name="Period">For lag streaks: the period whose closes are assessed.</param>
/// <param name="LagTolerance">For lag streaks: how many points below plan still count as on plan.</param>
public sealed record RuleTrigger(
    TriggerKind Kind,
    DaySpan? Days = null,
    CheckpointScope Scope = CheckpointScope.All,
    int MinStreak = 1,
    PeriodKind Period = PeriodKind.Month,
    double LagTolerance = 0);

/// <summary>How often a rule repeats for one condition.</summary>
/// <param name="Kind">Once, on the due day too, or every <paramref name="Interval"/>.</param>
/// <param name="Interval">For <see cref="RepeatKind.EveryWorkingDays"/>: the days between two events.</param>
public readonly record struct Repeat(RepeatKind Kind, DaySpan Interval = default)
{
    /// <summary>Every <paramref name="everyWorkingDays"/> working days.</summary>
    public Repeat(RepeatKind kind, int everyWorkingDays)
        : this(kind, DaySpan.Working(everyWorkingDays))
    {
    }

    public static Repeat Once => new(RepeatKind.Once);

    /// <summary>
    /// For a repeating rule: at most this many events for one occurrence, the first included; null for no limit. An
    /// overdue rule written <c>every N</c> without a limit gets <see cref="DefaultOverdueMax"/> when its row is read.
    /// </summary>
    public int? Max { get; init; }

    /// <summary>
    /// For a repeating rule: the repeats stop once a higher rung fires for the same occurrence, i.e. an enabled rule of
    /// the same trigger kind and a higher level, whose scope covers the checkpoint and whose first firing day for the
    /// occurrence has come. The first event is never held back.
    /// </summary>
    public bool UntilHigher { get; init; }

    /// <summary>How many events an overdue rule repeating <c>every N</c> raises for one checkpoint when its row names no limit.</summary>
    public const int DefaultOverdueMax = 3;

    /// <summary>The largest limit a rule may name.</summary>
    public const int MaxLimit = 100;
}

/// <summary>What a notice demands, and in how many days from the day it is issued.</summary>
/// <param name="Kind">Explanation, rectification or special explanation.</param>
/// <param name="Days">The time limit: working days (the due date is a working day) or calendar days (限期15天).</param>
/// <param name="Roll">For a calendar-day limit: a due date on a day off rolls to the next working day (遇休息日顺延).</param>
public sealed record DemandSpec(DemandKind Kind, DaySpan Days, bool Roll = false)
{
    /// <summary>A time limit of <paramref name="workingDays"/> working days, as before calendar days existed.</summary>
    public DemandSpec(DemandKind kind, int workingDays)
        : this(kind, DaySpan.Working(workingDays))
    {
    }

    /// <summary>Who owes it, in order; the item's unit alone unless the rule's <c>DemandFrom</c> says otherwise.</summary>
    public IReadOnlyList<DemandSubmitter> From { get; init; } = [DemandSubmitter.Unit];

    /// <summary>The last day the demand is on time when the notice is issued for an occurrence of <paramref name="anchor"/>.</summary>
    public LocalDate DueBy(LocalDate anchor, WorkingCalendar calendar)
    {
        var due = Days.AddTo(anchor, calendar);
        return Roll && Days.Unit == DayUnit.CalendarDays ? calendar.WorkingDayOnOrAfter(due) : due;
    }

    public bool Equals(DemandSpec? other) =>
        other is not null && Kind == other.Kind && Days == other.Days && Roll == other.Roll && From.SequenceEqual(other.From);

    public override int GetHashCode() => HashCode.Combine(Kind, Days, Roll, From.Count);
}

/// <summary>
/// A consequence an accountability rule recommends (后果通知), e.g. 核减前期费, and the unit that executes it (市发改委). The
/// engine never executes it: it tells that unit's holder of <see cref="Role"/> that the office recommends it.
/// </summary>
/// <param name="Action">What is recommended, as the rule's <c>Consequence</c> says it: 核减前期费, 停工整顿, 摘牌.</param>
/// <param name="Unit">The executing unit's id, or its name as written until <see cref="Catalog.Configuration.Build"/> resolves it.</param>
/// <param name="Role">Whom of that unit the notice goes to: its principal (default), deputy or lead official.</param>
/// <param name="Token">The <c>ConsequenceUnit</c> as written, for problem reports.</param>
public sealed record ConsequenceSpec(string Action, string Unit, RecipientRole Role, string Token);

/// <summary>
/// One rung of the escalation ladder, as admins configure it. Lag-streak rules of the same period and tolerance
/// form one ladder: at each close only the matching rule with the highest streak threshold fires.
/// </summary>
public sealed record EscalationRule(
    RuleId Id,
    string Name,
    EventLevel Level,
    RuleTrigger Trigger,
    IReadOnlyList<RecipientSpec> To,
    IReadOnlyList<RecipientSpec> Copy,
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

    /// <summary>
    /// For an <see cref="EventLevel.Accountability"/> rule: the consequence it recommends (后果通知) and who executes it; null
    /// for a plain accountability recommendation (问责建议) and for every other level. Once the configuration is built, the
    /// executing unit's role is the first of <see cref="To"/>.
    /// </summary>
    public ConsequenceSpec? Consequence { get; init; }
}
