using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Domain.Accountability;

/// <summary>
/// What an accountability-level event (问责建议 or 后果通知) states besides the facts of its kind: the rule it rests on and,
/// for a consequence notice, the consequence and the unit that executes it. The engine records the recommendation; it never
/// executes a consequence.
/// </summary>
/// <param name="RuleName">The rule's name when the event was raised (its id when it has none), so the log reads as it was.</param>
/// <param name="Consequence">The consequence recommended (核减前期费); null for an accountability recommendation.</param>
/// <param name="ExecutingUnit">For a consequence notice: the unit that executes it (市发改委).</param>
/// <param name="ExecutingUnitName">That unit's name when the event was raised.</param>
public sealed record AccountabilityFacts(string RuleName, string? Consequence = null, UnitId? ExecutingUnit = null, string? ExecutingUnitName = null)
{
    /// <summary>True for a consequence notice (后果通知), false for an accountability recommendation (问责建议).</summary>
    public bool IsConsequenceNotice => Consequence is not null;
}

/// <summary>
/// The rules of the fourth level, 问责建议: which triggers may raise it, whom it may address, and the screen that keeps the
/// item's own unit out of its recipients whatever the rule says.
/// </summary>
/// <remarks>
/// An accountability recommendation goes to the supervision office and decision makers only, never to the unit it is about:
/// the office decides whether to forward it. A consequence notice (a rule with <see cref="EscalationRule.Consequence"/>)
/// goes to the unit that would execute the consequence (市发改委 for 核减前期费), worded as a recommendation. Rows are
/// checked when read (<see cref="RuleRow.Parse"/>: roles of the item's unit are refused), and every event is screened again
/// when its recipients are resolved (<see cref="Screen"/>), so that no rule, however built, reaches the unit.
/// </remarks>
public static class AccountabilityLevel
{
    /// <summary>
    /// True for the triggers that state a failure and may therefore raise an accountability recommendation or carry a
    /// consequence: overdue, report-missing, lag-streak, demand-overdue, start-missed, and for indicators indicator-lag,
    /// target-missed, below-earlier, year-end-rank and bottom-rank, and false-rectification (虚假整改). Not reminders ahead of a date (due-soon,
    /// report-due-soon), a stretch target (reminder only) or the scoreboard and its invitations.
    /// </summary>
    public static bool MayRaise(TriggerKind kind) => kind is TriggerKind.Overdue or TriggerKind.ReportMissing
        or TriggerKind.LagStreak or TriggerKind.DemandOverdue or TriggerKind.StartMissed or TriggerKind.IndicatorLag
        or TriggerKind.TargetMissed or TriggerKind.BelowEarlier or TriggerKind.YearEndRank or TriggerKind.BottomRank
        or TriggerKind.FalseRectification;

    /// <summary>
    /// True for the recipients an accountability rule may name in To or Copy: the supervision office, the lead official
    /// (包保领导 / 分管市领导, a city leader), a named person, or a named unit's role (a decision maker, or the unit that
    /// executes a consequence). Never the item's owner, its unit's principal or deputy, or its builder.
    /// </summary>
    public static bool Allows(RecipientSpec spec) => spec switch
    {
        RecipientSpec.ByRole { Role: RecipientRole.SupervisionOffice or RecipientRole.LeadOfficial } => true,
        RecipientSpec.NamedPerson or RecipientSpec.NamedUnitRole => true,
        _ => false,
    };

    /// <summary>The facts an event of <paramref name="rule"/> records: null below the accountability level.</summary>
    /// <param name="rule">The rule that fired.</param>
    /// <param name="roster">Names the executing unit of a consequence.</param>
    public static AccountabilityFacts? Facts(EscalationRule rule, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(roster);
        if (rule.Level != EventLevel.Accountability)
        {
            return null;
        }

        if (rule.Consequence is not { } consequence)
        {
            return new AccountabilityFacts(rule.Name);
        }

        var unit = UnitId.IsValid(consequence.Unit) ? new UnitId(consequence.Unit) : (UnitId?)null;
        var name = unit is { } id && roster.Units.TryGetValue(id, out var executing) ? executing.Name : consequence.Unit;
        return new AccountabilityFacts(rule.Name, consequence.Action, unit, name);
    }

    /// <summary>
    /// The recipients of an accountability event without anyone of the units it is about: the item's owner, the principal and
    /// deputy of each subject unit, and anyone the people table places in one (<see cref="Roster.Members"/>). The subjects'
    /// lead officials (city leaders) stay unless they belong to a subject unit. Returns who is kept and who was left out.
    /// </summary>
    /// <param name="recipients">As resolved from the rule.</param>
    /// <param name="subjects">The units the event is about: the item's unit, and its builder for a task that has one.</param>
    /// <param name="owner">The item's owner (具体责任人), when it has one.</param>
    /// <param name="roster">The units' role holders and the people's units.</param>
    public static (Recipient[] Kept, Recipient[] Dropped) Screen(
        IReadOnlyList<Recipient> recipients, IReadOnlyCollection<UnitId> subjects, PersonId? owner, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(roster);
        var kept = new List<Recipient>(recipients.Count);
        var dropped = new List<Recipient>();
        foreach (var recipient in recipients)
        {
            (IsOfSubject(recipient.Person, subjects, owner, roster) ? dropped : kept).Add(recipient);
        }

        return ([.. kept], [.. dropped]);
    }

    /// <summary>True when <paramref name="person"/> is the owner, a principal or deputy of a subject unit, or belongs to one.</summary>
    public static bool IsOfSubject(PersonId person, IReadOnlyCollection<UnitId> subjects, PersonId? owner, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(roster);
        if (owner == person)
        {
            return true;
        }

        if (roster.Members.TryGetValue(person, out var unit) && subjects.Contains(unit))
        {
            return true;
        }

        foreach (var subject in subjects)
        {
            if (roster.Units.TryGetValue(subject, out var held) && (held.Principal == person || held.DeputyInCharge == person))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The problem for a recipient <see cref="Screen"/> left out: reported against the rule's To or Copy, naming the person,
    /// so that the admin takes them out of the rule (the event still goes to everyone else).
    /// </summary>
    /// <param name="rule">The accountability rule.</param>
    /// <param name="recipient">The person left out.</param>
    /// <param name="subject">The name of the unit the event is about.</param>
    public static Problem Dropped(EscalationRule rule, Recipient recipient, string subject)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var field = recipient.IsCopy ? nameof(RuleRow.Copy) : nameof(RuleRow.To);
        return new Problem(RuleRow.Table, rule.Id.Value, field, recipient.Person.Value,
            $"规则「{rule.Id}」是问责建议（第四级），不发给被督办单位的人员：人员{Words.Quote(recipient.Person.Value)}（{ChineseNames.Of(recipient)}）是{subject}的人员，"
            + $"关于{subject}的问责建议或后果通知不发给此人，照常发给其他收件人。请在「{field}」中只填督查室、包保领导或其他单位的决策人员。");
    }
}
