using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Timelines;
using NodaTime;

namespace Escalation.Domain.Evaluation;

/// <summary>What one evaluation decided: the events due, and the input it could not use.</summary>
public sealed record EvaluationResult(IReadOnlyList<EscalationEvent> Events, IReadOnlyList<Problem> Problems);

/// <summary>An item's status on a date, for lists and digests.</summary>
public sealed record ItemSnapshot(ItemId Item, double Planned, double Reported, TrafficLight Light, Checkpoint? Overdue);

/// <summary>
/// Decides, for each item on a given day, which reminders, notices and summons are due and to whom.
/// A pure function of its inputs: (items, progress, rules, calendar, roster, today) → events; it reads no clock
/// and keeps no state between calls, so a retried or doubled run decides the same events with the same ids.
/// </summary>
public sealed class Evaluator
{
    private readonly WorkingCalendar _calendar;
    private readonly Roster _roster;
    private readonly EvaluationOptions _options;
    private readonly EscalationRule[] _pointRules;
    private readonly Ladder[] _ladders;

    public Evaluator(WorkingCalendar calendar, IEnumerable<EscalationRule> rules, Roster roster, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _calendar = calendar ?? throw new ArgumentNullException(nameof(calendar));
        _roster = roster ?? throw new ArgumentNullException(nameof(roster));
        _options = options ?? EvaluationOptions.Default;
        var all = rules.ToList();
        _pointRules = all.Where(r => r.Trigger.Kind != TriggerKind.LagStreak).ToArray();

        // Lag-streak rules of one period and tolerance are one ladder: at a close only its highest matching rung fires.
        _ladders = all.Where(r => r.Trigger.Kind == TriggerKind.LagStreak)
            .GroupBy(r => (r.Trigger.Period, r.Trigger.LagTolerance))
            .Select(g => new Ladder(g.Key.Period, g.Key.LagTolerance, g.OrderByDescending(r => r.Trigger.MinStreak).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// Evaluates every item on <paramref name="today"/>. Throws <see cref="CalendarYearNotLoadedException"/> when today's
    /// year has no calendar (the whole run is wrong then); an item whose own dates need a missing year is reported as a
    /// problem and the others go on.
    /// </summary>
    public EvaluationResult Evaluate(IEnumerable<ItemState> items, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(items);
        _calendar.EnsureLoaded(today);
        var events = new List<EscalationEvent>();
        var problems = new ProblemSet();
        foreach (var state in items)
        {
            EvaluateItem(state, today, events, problems);
        }

        return new EvaluationResult(events, problems.ToList());
    }

    /// <summary>The item's planned and reported progress and traffic light on a date, or null if its plan is unusable.</summary>
    public ItemSnapshot? Snapshot(ItemState state, LocalDate date)
    {
        ArgumentNullException.ThrowIfNull(state);
        var timeline = Timeline.Build(state.Item, _calendar).Timeline;
        if (timeline is null)
        {
            return null;
        }

        var planned = timeline.PlannedOn(date);
        var reported = state.Progress.ProgressOn(date);
        var overdue = timeline.OverdueOn(date, reported);
        return new ItemSnapshot(state.Item.Id, planned, reported, _options.LightPolicy.Classify(planned, reported, overdue is not null), overdue);
    }

    private void EvaluateItem(ItemState state, LocalDate today, List<EscalationEvent> events, ProblemSet problems)
    {
        var item = state.Item;
        if (item.Status != ItemStatus.Active || today < item.Start)
        {
            return;
        }

        var built = Timeline.Build(item, _calendar);
        if (built.Problem is { } problem)
        {
            problems.Add(problem);
            return;
        }

        var timeline = built.Timeline!;
        var reported = state.Progress.ProgressOn(today);
        if (!Timeline.IsBelow(reported, 100))
        {
            return;
        }

        var context = new ItemContext(this, state, timeline, today, reported, events, problems);
        try
        {
            foreach (var rule in _pointRules)
            {
                if (!rule.AppliesOn(today))
                {
                    continue;
                }

                switch (rule.Trigger.Kind)
                {
                    case TriggerKind.DueSoon: context.DueSoon(rule); break;
                    case TriggerKind.Overdue: context.Overdue(rule); break;
                    case TriggerKind.ReportMissing: context.ReportMissing(rule); break;
                    case TriggerKind.DemandOverdue: context.DemandOverdue(rule); break;
                }
            }

            foreach (var ladder in _ladders)
            {
                context.Lagging(ladder);
            }
        }
        catch (CalendarYearNotLoadedException e)
        {
            // A report due date or period close reached into a year without calendar: this item cannot be judged today.
            problems.Add(new Problem("tasks", item.Id.Value, "Deadline", Iso(item.Deadline), e.Message));
        }
    }

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Ladder(PeriodKind Period, double Tolerance, EscalationRule[] RungsHighestFirst);

    /// <summary>One item on one day: the checks of each trigger kind, sharing what they compute.</summary>
    private readonly struct ItemContext(
        Evaluator owner,
        ItemState state,
        Timeline timeline,
        LocalDate today,
        double reported,
        List<EscalationEvent> events,
        ProblemSet problems)
    {
        private WorkingCalendar Calendar => owner._calendar;

        private SupervisedItem Item => state.Item;

        public void DueSoon(EscalationRule rule)
        {
            foreach (var checkpoint in timeline.Checkpoints)
            {
                if (checkpoint.Due < today || !InScope(rule.Trigger.Scope, checkpoint) || !Timeline.IsBelow(reported, checkpoint.Target))
                {
                    continue;
                }

                var left = Calendar.WorkingDaysBetween(today, checkpoint.Due);
                if (left > rule.Trigger.WorkingDays)
                {
                    break;
                }

                var dueDay = Calendar.WorkingDayOnOrBefore(checkpoint.Due);
                if (rule.Repeat.Kind == RepeatKind.OnDueDay && today >= dueDay)
                {
                    Raise(rule, EventKind.DueToday, $"due:{Iso(checkpoint.Due)}:day", CheckpointFacts(checkpoint, 0));
                }
                else if (left >= 1)
                {
                    Raise(rule, EventKind.DueSoon, $"due:{Iso(checkpoint.Due)}:ahead", CheckpointFacts(checkpoint, left));
                }
            }
        }

        public void Overdue(EscalationRule rule)
        {
            foreach (var checkpoint in timeline.Checkpoints)
            {
                if (checkpoint.Due >= today)
                {
                    break;
                }

                if (!InScope(rule.Trigger.Scope, checkpoint) || !Timeline.IsBelow(reported, checkpoint.Target))
                {
                    continue;
                }

                if (Occurrence(rule, $"overdue:{Iso(checkpoint.Due)}", checkpoint.Due) is { } occurrence)
                {
                    Raise(rule, EventKind.Overdue, occurrence, CheckpointFacts(checkpoint, null));
                }
            }
        }

        public void ReportMissing(EscalationRule rule)
        {
            var cadence = Item.Cadence;

            // The latest due date whose working-day deadline has passed; a holiday can push one past the next, so step back.
            var due = cadence.LastDueOnOrBefore(today.PlusDays(-1), Item.Start);
            for (var guard = 0; due is { } d && Calendar.WorkingDayOnOrAfter(d) >= today && guard < 8; guard++)
            {
                due = cadence.LastDueOnOrBefore(d.PlusDays(-1), Item.Start);
            }

            if (due is not { } nominal || nominal < Item.Start || nominal > Item.Deadline)
            {
                return;
            }

            var rolled = Calendar.WorkingDayOnOrAfter(nominal);
            var previous = cadence.LastDueOnOrBefore(nominal.PlusDays(-1), Item.Start);
            var windowStart = previous is { } p && p >= Item.Start ? Calendar.WorkingDayOnOrAfter(p) : Item.Start.PlusDays(-1);
            if (state.Progress.HasReportIn(windowStart, today))
            {
                return;
            }

            if (Occurrence(rule, $"report:{Iso(nominal)}", rolled) is { } occurrence)
            {
                Raise(rule, EventKind.ReportMissing, occurrence, BaseFacts() with { ReportDue = rolled });
            }
        }

        public void DemandOverdue(EscalationRule rule)
        {
            foreach (var demand in state.Demands)
            {
                if (today <= demand.DueBy || demand.MetOn is { } met && met <= today)
                {
                    continue;
                }

                if (Occurrence(rule, $"demand:{demand.Notice.Value}", demand.DueBy) is { } occurrence)
                {
                    Raise(rule, EventKind.DemandOverdue, occurrence, BaseFacts() with { DemandOf = demand.Notice, DemandDueBy = demand.DueBy });
                }
            }
        }

        public void Lagging(Ladder ladder)
        {
            var period = ReportingPeriod.ClosedBefore(ladder.Period, today);
            if (period.Close < Item.Start
                || Calendar.WorkingDaysBetween(period.Close, today) > owner._options.CatchUpWorkingDays
                || state.ExemptPeriods.Contains(period.Key)
                || !IsLagging(period.Close, ladder.Tolerance))
            {
                return;
            }

            var streak = 1;
            for (var earlier = period.Previous(); earlier.Close >= Item.Start; earlier = earlier.Previous())
            {
                if (state.ExemptPeriods.Contains(earlier.Key))
                {
                    continue;
                }

                if (!IsLagging(earlier.Close, ladder.Tolerance))
                {
                    break;
                }

                streak++;
            }

            int? firing = null;
            foreach (var rule in ladder.RungsHighestFirst)
            {
                if (firing is { } threshold && rule.Trigger.MinStreak < threshold)
                {
                    break;
                }

                if (rule.Trigger.MinStreak > streak || !rule.AppliesOn(today))
                {
                    continue;
                }

                firing = rule.Trigger.MinStreak;
                var facts = BaseFacts() with
                {
                    Planned = timeline.PlannedOn(period.Close),
                    Reported = state.Progress.ProgressOn(period.Close),
                    Streak = streak,
                    Period = period.Label,
                    PeriodKey = period.Key,
                };
                Raise(rule, EventKind.Lagging, $"lag:{period.Key}", facts);
            }
        }

        private bool IsLagging(LocalDate close, double tolerance)
        {
            var reportedThen = state.Progress.ProgressOn(close);
            return Timeline.IsBelow(reportedThen, timeline.PlannedOn(close) - tolerance) || timeline.OverdueOn(close, reportedThen) is not null;
        }

        /// <summary>
        /// The occurrence key to raise today for a condition that started on <paramref name="anchor"/>, or null when a
        /// one-off occurrence is older than the catch-up window.
        /// </summary>
        private string? Occurrence(EscalationRule rule, string key, LocalDate anchor)
        {
            var since = Calendar.WorkingDaysBetween(anchor, today);
            if (rule.Repeat.Kind == RepeatKind.EveryWorkingDays)
            {
                var round = since / rule.Repeat.EveryWorkingDays;
                return round == 0 ? key : key + ":r" + round.ToString(CultureInfo.InvariantCulture);
            }

            return since <= owner._options.CatchUpWorkingDays ? key : null;
        }

        private EventFacts BaseFacts() =>
            new(Item.Title, UnitName, timeline.PlannedOn(today), reported);

        private EventFacts CheckpointFacts(Checkpoint checkpoint, int? left) => BaseFacts() with
        {
            Checkpoint = checkpoint.Name,
            CheckpointDue = checkpoint.Due,
            CheckpointTarget = checkpoint.Target,
            IsDeadline = checkpoint.IsDeadline,
            WorkingDaysLeft = left,
        };

        private string UnitName => owner._roster.Units.TryGetValue(Item.Unit, out var unit) ? unit.Name : Item.Unit.Value;

        private void Raise(EscalationRule rule, EventKind kind, string occurrence, EventFacts facts)
        {
            var demand = rule.Demand is { } spec ? new Demand(spec.Kind, Calendar.AddWorkingDays(today, spec.WorkingDays)) : null;
            events.Add(new EscalationEvent(
                EventId.For(rule.Id, Item.Id, occurrence),
                rule.Id,
                rule.Level,
                kind,
                Item.Id,
                Item.Unit,
                today,
                occurrence,
                Recipients(rule),
                rule.Channels,
                rule.Template,
                facts,
                demand));
        }

        private List<Recipient> Recipients(EscalationRule rule)
        {
            var recipients = new List<Recipient>(rule.To.Count + rule.Copy.Count);
            foreach (var role in rule.To)
            {
                AddRecipient(recipients, rule, role, isCopy: false);
            }

            foreach (var role in rule.Copy)
            {
                AddRecipient(recipients, rule, role, isCopy: true);
            }

            return recipients;
        }

        private void AddRecipient(List<Recipient> recipients, EscalationRule rule, RecipientRole role, bool isCopy)
        {
            owner._roster.Units.TryGetValue(Item.Unit, out var unit);
            var person = role switch
            {
                RecipientRole.Owner => Item.Owner,
                RecipientRole.UnitPrincipal => unit?.Principal,
                RecipientRole.DeputyInCharge => unit?.DeputyInCharge,
                RecipientRole.LeadOfficial => Item.LeadOfficial ?? unit?.LeadOfficial,
                RecipientRole.SupervisionOffice => owner._roster.SupervisionOffice,
                _ => null,
            };

            if (person is not { } who)
            {
                problems.Add(role == RecipientRole.SupervisionOffice
                    ? new Problem("settings", "SupervisionOffice", "Person", null, $"rule {rule.Id} copies the supervision office, but no person or mailbox is set for it")
                    : new Problem("units", Item.Unit.Value, role.ToString(), null, $"rule {rule.Id} addresses the unit's {role}, but {UnitName} has nobody in that role; the event goes to the others"));
                return;
            }

            foreach (var existing in recipients)
            {
                if (existing.Person == who)
                {
                    return;
                }
            }

            recipients.Add(new Recipient(role, who, isCopy));
        }

        private static bool InScope(CheckpointScope scope, Checkpoint checkpoint) => scope switch
        {
            CheckpointScope.Milestones => !checkpoint.IsDeadline,
            CheckpointScope.Deadline => checkpoint.IsDeadline,
            _ => true,
        };
    }

    /// <summary>Problems in first-seen order, each once however many items run into it.</summary>
    private sealed class ProblemSet
    {
        private readonly List<Problem> _list = [];
        private readonly HashSet<Problem> _seen = [];

        public void Add(Problem problem)
        {
            if (_seen.Add(problem))
            {
                _list.Add(problem);
            }
        }

        public List<Problem> ToList() => _list;
    }
}
