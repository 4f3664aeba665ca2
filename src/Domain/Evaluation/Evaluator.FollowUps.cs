using System.Globalization;
using Escalation.Domain.Accountability;
using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Evaluation;

/// <summary>The follow-up of notices about items that are not the unit's tasks (an indicator's notices).</summary>
public sealed partial class Evaluator
{
    /// <summary>
    /// Judges what the unit still owes on its indicator notices (<see cref="FollowUpState"/>) on <paramref name="today"/>, with
    /// the same demand-overdue and unsigned rules, occurrences and event ids (<c>EventId.For(rule, ind:{indicator}, occurrence)</c>)
    /// as a task's notices: an explanation overdue is chased (<c>demand:{notice}</c>, its repeats <c>:r{n}</c>), a notice or
    /// summons not signed for by the rule's delay after delivery is chased once (<c>unsigned:{notice}</c>). No other trigger
    /// judges a follow-up. A unit role means the unit's; the owner, which an indicator's follow-up has not, is the unit's
    /// principal, as in the closed loop's messages. Throws <see cref="CalendarYearNotLoadedException"/> when today's year has
    /// no calendar; a rule needing another year without calendar is held back for the item (and reported).
    /// </summary>
    public EvaluationResult EvaluateFollowUps(IEnumerable<FollowUpState> followUps, LocalDate today, ScanSlot scan = ScanSlot.Morning)
    {
        ArgumentNullException.ThrowIfNull(followUps);
        _calendar.EnsureLoaded(today);
        var events = new List<EscalationEvent>();
        var problems = new List<Problem>();
        foreach (var followUp in followUps)
        {
            if (followUp.Demands.Count == 0 && followUp.Notices.Count == 0)
            {
                continue;
            }

            var context = new FollowUpContext(this, followUp, today, events, problems);
            foreach (var rule in _pointRules)
            {
                if (rule.Scan != scan || !rule.AppliesOn(today) || rule.Trigger.Kind is not (TriggerKind.DemandOverdue or TriggerKind.Unsigned))
                {
                    continue;
                }

                var mark = events.Count;
                try
                {
                    if (rule.Trigger.Kind == TriggerKind.DemandOverdue)
                    {
                        context.DemandOverdue(rule);
                    }
                    else
                    {
                        context.Unsigned(rule);
                    }
                }
                catch (CalendarYearNotLoadedException e)
                {
                    events.RemoveRange(mark, events.Count - mark);
                    AddOnce(problems, Held(rule, followUp, e.Year));
                }
            }
        }

        return new EvaluationResult(events, problems, []);
    }

    private static Problem Held(EscalationRule rule, FollowUpState followUp, int year) =>
        new("calendar", year.ToString(CultureInfo.InvariantCulture), "", null,
            $"规则{Words.Quote(rule.Id.Value)}对{Words.Quote(followUp.Title)}的通报跟踪需要按{year}年的工作日计算，但该年的节假日安排尚未载入，这些事件暂缓发出。请在「calendar」表中补充{year}年的安排；补充后在补发期限内会自动补发。");

    private static void AddOnce(List<Problem> problems, Problem problem)
    {
        if (!problems.Contains(problem))
        {
            problems.Add(problem);
        }
    }

    /// <summary>One follow-up on one day: the demand-overdue and unsigned checks, as <see cref="ItemContext"/> makes them for a task.</summary>
    private readonly struct FollowUpContext(Evaluator owner, FollowUpState followUp, LocalDate today, List<EscalationEvent> events, List<Problem> problems)
    {
        private WorkingCalendar Calendar => owner._calendar;

        public void DemandOverdue(EscalationRule rule)
        {
            foreach (var demand in followUp.Demands)
            {
                if (today <= demand.DueBy || demand.MetOn is { } met && met <= today)
                {
                    continue;
                }

                if (owner.RoundOn(rule, demand.DueBy, today) is { } round)
                {
                    // The same occurrences as a task's: the unit addressed keeps the plain one, another submitter its own.
                    var other = demand.From is { } from && from != followUp.Unit ? from : (UnitId?)null;
                    var occurrence = other is { } unit ? $"demand:{demand.Notice.Value}:{unit.Value}" : $"demand:{demand.Notice.Value}";
                    Raise(rule, EventKind.DemandOverdue, OccurrenceKey.WithRound(occurrence, round),
                        new EventFacts(followUp.Title, UnitName(followUp.Unit), 0, 0, DemandOf: demand.Notice, DemandDueBy: demand.DueBy, DemandFrom: other),
                        owner.FirstDayOf(rule, demand.DueBy), other ?? followUp.Unit);
                }
            }
        }

        public void Unsigned(EscalationRule rule)
        {
            foreach (var (notice, chaseOn) in owner.UnsignedDue(rule, followUp.Notices, today))
            {
                Raise(rule, EventKind.Unsigned, "unsigned:" + notice.Notice.Value,
                    new EventFacts(followUp.Title, UnitName(followUp.Unit), 0, 0, DemandOf: notice.Notice)
                    {
                        UnsignedNotice = new UnsignedFacts(notice.Level, notice.Reference, notice.DeliveredOn),
                    },
                    chaseOn,
                    followUp.Unit);
            }
        }

        private string UnitName(UnitId unit) => owner._roster.Units.TryGetValue(unit, out var roster) ? roster.Name : unit.Value;

        /// <param name="rule">The rule that fires.</param>
        /// <param name="kind">What happened.</param>
        /// <param name="occurrence">The occurrence key.</param>
        /// <param name="facts">The reasons.</param>
        /// <param name="anchor">The day the occurrence happened: a demand of the rule counts from it (never from a day past).</param>
        /// <param name="party">The unit whose roles the rule's unit roles mean.</param>
        private void Raise(EscalationRule rule, EventKind kind, string occurrence, EventFacts facts, LocalDate anchor, UnitId party)
        {
            Demand? demand = null;
            if (rule.Demand is { } spec)
            {
                var dueBy = spec.DueBy(anchor, Calendar);
                demand = new Demand(spec.Kind, dueBy < today ? spec.DueBy(today, Calendar) : dueBy) { From = [followUp.Unit] };
            }

            var to = Recipients(rule, party);
            if (rule.Level == EventLevel.Accountability)
            {
                // Never to the unit the notices are about (nor another unit owing their demand), whatever the rule names.
                UnitId[] subjects = party == followUp.Unit ? [followUp.Unit] : [followUp.Unit, party];
                var (kept, dropped) = AccountabilityLevel.Screen(to, subjects, null, owner._roster);
                foreach (var recipient in dropped)
                {
                    AddOnce(problems, AccountabilityLevel.Dropped(rule, recipient, UnitName(followUp.Unit)));
                }

                to = kept;
                facts = facts with { Accountability = AccountabilityLevel.Facts(rule, owner._roster) };
            }

            events.Add(new EscalationEvent(
                EventId.For(rule.Id, followUp.Item, occurrence),
                rule.Id,
                rule.Level,
                kind,
                followUp.Item,
                followUp.Unit,
                today,
                occurrence,
                to,
                rule.Channels,
                rule.Template,
                facts,
                demand));
        }

        /// <summary>
        /// The rule's recipients: its unit roles are <paramref name="party"/>'s (the owner: its principal; the lead official:
        /// the unit's), the office's mailbox, named people and named units' roles. An empty role is reported and skipped.
        /// </summary>
        private Recipient[] Recipients(EscalationRule rule, UnitId party)
        {
            var roster = owner._roster;
            roster.Units.TryGetValue(party, out var unit);
            var other = party != followUp.Unit;
            var list = new List<Recipient>(rule.To.Count + rule.Copy.Count);
            void Add(Recipient recipient)
            {
                if (list.TrueForAll(r => r.Person != recipient.Person))
                {
                    list.Add(recipient);
                }
            }

            foreach (var (specs, copy) in new[] { (rule.To, false), (rule.Copy, true) })
            {
                foreach (var spec in specs)
                {
                    switch (spec)
                    {
                        case RecipientSpec.ByRole { Role: RecipientRole.SupervisionOffice }:
                            // The configuration reports a missing office once, for every rule naming it.
                            if (roster.SupervisionOffice is { } office)
                            {
                                Add(new Recipient(RecipientRole.SupervisionOffice, office, copy));
                            }

                            break;
                        case RecipientSpec.ByRole { Role: RecipientRole.BuilderPrincipal }:
                            AddOnce(problems, new Problem("rules", rule.Id.Value, "To", null,
                                $"规则{Words.Quote(rule.Id.Value)}要发给建设单位主要负责人，但{Words.Quote(followUp.Title)}是指标，没有建设单位，这条消息只发给其他收件人。"));
                            break;
                        case RecipientSpec.ByRole { Role: var role }:
                            var asRole = role == RecipientRole.Owner ? RecipientRole.UnitPrincipal : role;
                            if (unit?.Holder(asRole) is { } person)
                            {
                                Add(other && asRole is RecipientRole.UnitPrincipal or RecipientRole.DeputyInCharge
                                    ? new Recipient(asRole, person, copy, unit.Id, unit.Name)
                                    : new Recipient(asRole, person, copy));
                            }
                            else
                            {
                                AddOnce(problems, new Problem("units", party.Value, Catalog.Configuration.UnitField(asRole), null,
                                    $"规则{Words.Quote(rule.Id.Value)}要发给单位的{ChineseNames.Of(asRole)}，但{unit?.Name ?? party.Value}没有填写这一角色，这条消息只发给其他收件人。请在「units」表中为该单位填写{ChineseNames.Of(asRole)}的人员编号。"));
                            }

                            break;
                        case RecipientSpec.NamedPerson named:
                            Add(new Recipient(RecipientRole.Named, new PersonId(named.Reference), copy));
                            break;
                        case RecipientSpec.NamedUnitRole named:
                            // Configuration resolved the unit and reported an empty role once, for the rule.
                            if (roster.Units.TryGetValue(new UnitId(named.Unit), out var namedUnit) && namedUnit.Holder(named.Role) is { } holder)
                            {
                                Add(new Recipient(named.Role, holder, copy, namedUnit.Id, namedUnit.Name));
                            }

                            break;
                    }
                }
            }

            return [.. list];
        }
    }
}
