using System.Globalization;
using Escalation.Domain.Accountability;
using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Domain.Timelines;
using NodaTime;

namespace Escalation.Domain.Evaluation;

/// <summary>What one evaluation decided: the events due, the input it could not use, and the items that need a year without calendar.</summary>
/// <param name="Events">The events due today.</param>
/// <param name="Problems">The input it could not use, each once; includes one problem per calendar gap.</param>
/// <param name="CalendarGaps">Items that need a year whose arrangement is not loaded: chased on loaded days only, partly held back.</param>
public sealed record EvaluationResult(IReadOnlyList<EscalationEvent> Events, IReadOnlyList<Problem> Problems, IReadOnlyList<CalendarGap> CalendarGaps);

/// <summary>An item's status on a date, for lists and digests.</summary>
public sealed record ItemSnapshot(ItemId Item, double Planned, double Reported, TrafficLight Light, Checkpoint? Overdue);

/// <summary>
/// Decides, for each item on a given day, which reminders, notices and summons are due and to whom.
/// A pure function of its inputs: (items, progress, rules, calendar, roster, today) → events; it reads no clock
/// and keeps no state between calls, so a retried or doubled run decides the same events with the same ids.
/// </summary>
public sealed partial class Evaluator
{
    private readonly WorkingCalendar _calendar;
    private readonly Roster _roster;
    private readonly EvaluationOptions _options;
    private readonly EscalationRule[] _pointRules;
    private readonly Ladder[] _ladders;
    private readonly bool _anyRuleRepeats;
    private readonly int _longestDelay;

    /// <summary>
    /// 未签收: those of <paramref name="notices"/> due a chase on <paramref name="today"/>, with the day each is due (the
    /// rule's delay after the delivery day, default one working day): delivered, signable, not a chase itself, not signed
    /// for by <paramref name="today"/>, and due within the catch-up window. For a task's notices and an indicator's alike.
    /// </summary>
    private IEnumerable<(DeliveredNotice Notice, LocalDate ChaseOn)> UnsignedDue(EscalationRule rule, IEnumerable<DeliveredNotice> notices, LocalDate today)
    {
        foreach (var notice in notices)
        {
            if (!Signing.IsSignable(notice.Level) || notice.Kind == EventKind.Unsigned || notice.SignedOn is { } signed && signed <= today)
            {
                continue;
            }

            var chaseOn = (rule.Trigger.Days ?? DaySpan.Working(1)).AddTo(notice.DeliveredOn, _calendar);
            if (chaseOn <= today && _calendar.WorkingDaysBetween(chaseOn, today) <= _options.CatchUpWorkingDays)
            {
                yield return (notice, chaseOn);
            }
        }
    }

    public Evaluator(WorkingCalendar calendar, IEnumerable<EscalationRule> rules, Roster roster, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _calendar = calendar ?? throw new ArgumentNullException(nameof(calendar));
        _roster = roster ?? throw new ArgumentNullException(nameof(roster));
        _options = options ?? EvaluationOptions.Default;
        // Indicator rules are judged city-wide by Indicators.IndicatorEvaluator, not item by item.
        var all = rules.Where(r => !Indicators.IndicatorTriggers.IsIndicator(r.Trigger.Kind)).ToList();
        _pointRules = all.Where(r => r.Trigger.Kind != TriggerKind.LagStreak).ToArray();
        _anyRuleRepeats = _pointRules.Any(r => r.Repeat.Kind == RepeatKind.EveryWorkingDays);

        // A delay of N calendar days is never more than N working days, so the count bounds either unit.
        _longestDelay = _pointRules.Where(r => r.Trigger.Kind != TriggerKind.DueSoon).Select(r => r.Trigger.Days?.Count ?? 0).DefaultIfEmpty(0).Max();

        // Lag-streak rules of one period and tolerance are one ladder: at a close only its highest matching rung fires.
        _ladders = all.Where(r => r.Trigger.Kind == TriggerKind.LagStreak)
            .GroupBy(r => (r.Trigger.Period, r.Trigger.LagTolerance))
            .Select(g => new Ladder(g.Key.Period, g.Key.LagTolerance, g.OrderByDescending(r => r.Trigger.MinStreak).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// Evaluates every item on <paramref name="today"/>. Throws <see cref="CalendarYearNotLoadedException"/> when today's
    /// year has no calendar (the whole run is wrong then). An item whose plan or events need another year without
    /// calendar is still chased on the loaded days, on a provisional plan, and reported as a <see cref="CalendarGap"/>
    /// (and its problem) every run until the year is loaded. Only the rules of <paramref name="scan"/> raise events: each
    /// rule belongs to one of the two daily scans, so each occurrence is raised by one of them (a lag ladder still picks
    /// its highest matching rung among all its rules, and that rung fires in its own scan).
    /// </summary>
    public EvaluationResult Evaluate(IEnumerable<ItemState> items, LocalDate today, ScanSlot scan = ScanSlot.Morning)
    {
        ArgumentNullException.ThrowIfNull(items);
        _calendar.EnsureLoaded(today);
        var run = new RunState(this, today, scan);
        foreach (var state in items)
        {
            EvaluateItem(state, run);
        }

        return new EvaluationResult(run.Events, run.Problems.ToList(), run.Gaps);
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

    private void EvaluateItem(ItemState state, RunState run)
    {
        if (state.Item.Status != ItemStatus.Active)
        {
            return;
        }

        var missing = MissingYears(state.Item);
        run.BeginItem();
        EvaluateActiveItem(state, run, missing);
        run.EndItem(state.Item, missing);
    }

    /// <summary>The years from the item's start to its deadline that have no arrangement loaded, or null when none.</summary>
    private int[]? MissingYears(SupervisedItem item)
    {
        int[]? missing = null;
        for (var year = item.Start.Year; year <= item.Deadline.Year; year++)
        {
            if (!_calendar.IsLoaded(year))
            {
                missing = missing is null ? [year] : [.. missing, year];
            }
        }

        return missing;
    }

    private void EvaluateActiveItem(ItemState state, RunState run, int[]? missing)
    {
        var item = state.Item;
        var today = run.Today;
        if (today < item.Start)
        {
            return;
        }

        // A finished item is chased no more, except for what it still owes: a milestone missed before it finished
        // (judged on the progress at the due date) and an explanation or rectification demanded by a notice.
        var reported = state.Progress.ProgressOn(today);
        var done = !Timeline.IsBelow(reported, 100);
        if (done && state.Demands.Count == 0 && state.Notices.Count == 0 && LongPast(item.Deadline, today))
        {
            return;
        }

        // A plan reaching a year without calendar is laid out provisionally (that year Monday to Friday), so that what falls
        // on loaded days can be chased; the checks below never date an event by a day of a missing year.
        TimelineResult built;
        try
        {
            built = Timeline.Build(item, missing is null ? _calendar : run.ProvisionalCalendar(item));
        }
        catch (CalendarYearNotLoadedException e)
        {
            built = new Problem("tasks", item.Id.Value, "Start", Iso(item.Start), e.Message);
        }

        if (built.Problem is { } problem)
        {
            run.Problems.Add(problem);
            return;
        }

        var context = new ItemContext(run, state, built.Timeline!, reported);
        foreach (var rule in _pointRules)
        {
            if (rule.Scan != run.Scan || !rule.AppliesOn(today) || (done && rule.Trigger.Kind is not (TriggerKind.Overdue or TriggerKind.DemandOverdue or TriggerKind.Unsigned)))
            {
                continue;
            }

            var mark = run.Events.Count;
            try
            {
                switch (rule.Trigger.Kind)
                {
                    case TriggerKind.DueSoon: context.DueSoon(rule); break;
                    case TriggerKind.Overdue: context.Overdue(rule); break;
                    case TriggerKind.ReportMissing: context.ReportMissing(rule); break;
                    case TriggerKind.DemandOverdue: context.DemandOverdue(rule); break;
                    case TriggerKind.StartMissed: context.StartMissed(rule); break;
                    case TriggerKind.ReportDueSoon: context.ReportDueSoon(rule); break;
                    case TriggerKind.Unsigned: context.Unsigned(rule); break;
                }
            }
            catch (CalendarYearNotLoadedException e)
            {
                Hold(run, mark, [rule.Id], e);
            }
        }

        for (var i = 0; !done && i < _ladders.Length; i++)
        {
            var mark = run.Events.Count;
            try
            {
                context.Lagging(_ladders[i], run.Chain(i));
            }
            catch (CalendarYearNotLoadedException e)
            {
                Hold(run, mark, _ladders[i].RungsHighestFirst.Select(r => r.Id), e);
            }
        }
    }

    /// <summary>
    /// A date a rule needed for an item (a report due date rolled over New Year, a count across a year without calendar)
    /// is in a year without calendar: that rule's events for the item are held back on this run, not the item's other
    /// events, and the item's calendar gap says so. The rule raises them once the year is loaded, within the catch-up window.
    /// </summary>
    private static void Hold(RunState run, int mark, IEnumerable<RuleId> rules, CalendarYearNotLoadedException e)
    {
        run.Events.RemoveRange(mark, run.Events.Count - mark);
        run.Hold(rules, e.Year);
    }

    /// <summary>
    /// True when every checkpoint (all are on or before the deadline) is out of the catch-up window (after the longest
    /// delay a rule names). False when that
    /// cannot be counted (a year in between without calendar): the item is then evaluated and any problem reported.
    /// </summary>
    private bool LongPast(LocalDate deadline, LocalDate today)
    {
        if (_anyRuleRepeats || deadline >= today)
        {
            return false;
        }

        for (var year = deadline.Year; year <= today.Year; year++)
        {
            if (!_calendar.IsLoaded(year))
            {
                return false;
            }
        }

        return _calendar.WorkingDaysBetween(deadline, today) > _options.CatchUpWorkingDays + _longestDelay;
    }

    /// <summary>The cause a start-missed event states when the office recorded none: it then counts as subjective.</summary>
    public const string NoCauseRecorded = "未记录原因，按主观原因处理";

    private static string Iso(LocalDate date) => IsoDate.Format(date);

    /// <summary>
    /// Which round of a condition that fell due on <paramref name="anchor"/> today belongs to: 0 for the first, n for
    /// the n-th repeat of an every-N rule, counted from the rule's first firing day (<see cref="FirstDayOf"/>). Null
    /// when the rule is not due today: its delay has not run yet, a one-off occurrence is older than the catch-up
    /// window, the repeats reached the rule's limit, or (until-higher) a higher rung has taken over.
    /// </summary>
    /// <param name="rule">An overdue, report-missing or demand-overdue rule.</param>
    /// <param name="anchor">The due date (the checkpoint's, the report's rolled, the demand's); before today.</param>
    /// <param name="today">The day evaluated.</param>
    /// <param name="checkpoint">For overdue rules: the checkpoint, whose scope a higher rung must cover.</param>
    private int? RoundOn(EscalationRule rule, LocalDate anchor, LocalDate today, Checkpoint? checkpoint = null)
    {
        var first = FirstDayOf(rule, anchor);
        if (first > today)
        {
            return null;
        }

        if (rule.Repeat.Kind == RepeatKind.EveryWorkingDays)
        {
            var interval = rule.Repeat.Interval;
            var round = Math.Max(0, interval.CountBetween(first, today, _calendar)) / interval.Count;
            if ((rule.Repeat.Max is { } max && round >= max)
                || (round > 0 && rule.Repeat.UntilHigher && HigherRungReached(rule, anchor, today, checkpoint)))
            {
                return null;
            }

            return round;
        }

        return _calendar.WorkingDaysBetween(first, today) <= _options.CatchUpWorkingDays ? 0 : null;
    }

    /// <summary>
    /// The day a rule first fires for an occurrence that fell due on <paramref name="anchor"/>: the due date itself
    /// when the rule names no delay (it fires at the first run after it), else the due date plus the delay.
    /// </summary>
    private LocalDate FirstDayOf(EscalationRule rule, LocalDate anchor) =>
        rule.Trigger.Days is { } delay ? delay.AddTo(anchor, _calendar) : anchor;

    /// <summary>
    /// True when a higher rung has reached the occurrence: an applicable rule of the same trigger kind and a higher
    /// level, covering the checkpoint, whose first firing day for it has come. Decided from the rules alone, so that
    /// every run on the same day answers the same.
    /// </summary>
    private bool HigherRungReached(EscalationRule rule, LocalDate anchor, LocalDate today, Checkpoint? checkpoint)
    {
        foreach (var other in _pointRules)
        {
            if (other.Trigger.Kind == rule.Trigger.Kind
                && other.Level > rule.Level
                && other.AppliesOn(today)
                && (checkpoint is not { } c || InScope(other.Trigger.Scope, c))
                && FirstDayOf(other, anchor) <= today)
            {
                return true;
            }
        }

        return false;
    }

    private static bool InScope(CheckpointScope scope, Checkpoint checkpoint) => scope switch
    {
        CheckpointScope.Milestones => !checkpoint.IsDeadline,
        CheckpointScope.Deadline => checkpoint.IsDeadline,
        _ => true,
    };

    private sealed record Ladder(PeriodKind Period, double Tolerance, EscalationRule[] RungsHighestFirst);

    /// <summary>One item on one day: the checks of each trigger kind, sharing what they compute.</summary>
    private readonly struct ItemContext(RunState run, ItemState state, Timeline timeline, double reported)
    {
        private Evaluator Owner => run.Owner;

        private WorkingCalendar Calendar => run.Owner._calendar;

        private LocalDate Today => run.Today;

        private SupervisedItem Item => state.Item;

        public void DueSoon(EscalationRule rule)
        {
            var ahead = rule.Trigger.Days ?? default;
            foreach (var checkpoint in timeline.Checkpoints)
            {
                if (checkpoint.Due < Today || !InScope(rule.Trigger.Scope, checkpoint) || !Timeline.IsBelow(reported, checkpoint.Target) || Exempt(checkpoint))
                {
                    continue;
                }

                if (!Calendar.IsLoaded(checkpoint.Due.Year))
                {
                    // Dated by a year without calendar (this and every later checkpoint): held back while it could be due
                    // within the rule's window, i.e. when no more working days than the window are left in this year.
                    if (ahead.CountBetween(Today, new LocalDate(Today.Year, 12, 31), Calendar) <= ahead.Count)
                    {
                        run.Hold([rule.Id], checkpoint.Due.Year);
                    }

                    break;
                }

                var left = Calendar.WorkingDaysBetween(Today, checkpoint.Due);
                if ((ahead.Unit == DayUnit.WorkingDays ? left : Period.DaysBetween(Today, checkpoint.Due)) > ahead.Count)
                {
                    break;
                }

                if (rule.Repeat.Kind == RepeatKind.OnDueDay && Today >= Calendar.WorkingDayOnOrBefore(checkpoint.Due))
                {
                    Raise(rule, EventKind.DueToday, $"due:{Iso(checkpoint.Due)}:day", CheckpointFacts(checkpoint, 0), Today);
                }
                else if (left >= 1)
                {
                    Raise(rule, EventKind.DueSoon, $"due:{Iso(checkpoint.Due)}:ahead", CheckpointFacts(checkpoint, left), Today);
                }
            }
        }

        public void Overdue(EscalationRule rule)
        {
            foreach (var checkpoint in timeline.Checkpoints)
            {
                if (checkpoint.Due >= Today)
                {
                    break;
                }

                // Missed means not reached by the due date (inclusive): a late completion was still a miss, and a later
                // downward correction does not make a met milestone missed. Repeats stop once the target is reached, and
                // so does a delayed rule (逾期满N天仍未完成): it is about what is still undone when its delay runs out.
                if (!InScope(rule.Trigger.Scope, checkpoint)
                    || Exempt(checkpoint)
                    || !Timeline.IsBelow(state.Progress.ProgressOn(checkpoint.Due), checkpoint.Target)
                    || Round(rule, checkpoint.Due, checkpoint) is not { } round
                    || ((round > 0 || rule.Trigger.Days is not null) && !Timeline.IsBelow(reported, checkpoint.Target)))
                {
                    continue;
                }

                Raise(rule, EventKind.Overdue, Key($"overdue:{Iso(checkpoint.Due)}", round), CheckpointFacts(checkpoint, null), FirstDay(rule, checkpoint.Due));
            }
        }

        public void ReportMissing(EscalationRule rule)
        {
            var latest = rule.Trigger.Days is null ? run.ReportDue(Item) : DelayedReportDue(rule);
            if (latest is not { } due || due.Nominal < Item.Start || due.Nominal > Item.Deadline)
            {
                return;
            }

            var windowStart = due.Previous is { } previous && previous >= Item.Start ? due.PreviousRolled : Item.Start.PlusDays(-1);
            if (!state.Progress.HasReportIn(windowStart, Today) && Round(rule, due.Rolled) is { } round)
            {
                Raise(rule, EventKind.ReportMissing, Key($"report:{Iso(due.Nominal)}", round), new EventFacts(Item.Title, UnitName, PlannedToday, reported, ReportDue: due.Rolled), FirstDay(rule, due.Rolled));
            }
        }

        /// <summary>
        /// For a delayed report-missing rule: the latest due date whose delay has run out, which may be several report
        /// cycles back (a delay of 10 working days on 旬 reports); the due dates in between are not yet its business. Apart
        /// from <see cref="ReportMissing"/> so that its closure is made only for delayed rules.
        /// </summary>
        private ReportDue? DelayedReportDue(EscalationRule rule)
        {
            var context = this;
            return run.ReportDue(Item, rolled => context.FirstDay(rule, rolled) <= context.Today);
        }

        /// <summary>
        /// The next report due date (rolled to a working day as report-missing rolls it) is 1 to N working days ahead (a rule
        /// of N ≥ 1: the due day itself is for a rule of 0, like R10), or today (N = 0), and no report has come in its
        /// window (the same window report-missing checks after the date).
        /// Occurrence <c>report-soon:{nominal due}</c>: one event per due date, whichever day of the window raises it.
        /// </summary>
        public void ReportDueSoon(EscalationRule rule)
        {
            // Worded for the day it is raised (还有N个工作日, 今天是报送截止日) and sent that day: only on working days. A
            // weekend scan would be sent on Monday, the due day itself, saying one working day is left.
            if (!Calendar.IsWorkingDay(Today))
            {
                return;
            }

            var ahead = rule.Trigger.Days?.Count ?? 1;
            if (run.UpcomingReportDue(Item, ahead) is not { } due || due.Nominal < Item.Start || due.Nominal > Item.Deadline)
            {
                return;
            }

            var windowStart = due.Previous is { } previous && previous >= Item.Start ? due.PreviousRolled : Item.Start.PlusDays(-1);
            if (!state.Progress.HasReportIn(windowStart, Today))
            {
                var left = Calendar.WorkingDaysBetween(Today, due.Rolled);
                if (left == 0 && ahead > 0)
                {
                    return;
                }

                Raise(rule, EventKind.ReportDueSoon, $"report-soon:{Iso(due.Nominal)}",
                    new EventFacts(Item.Title, UnitName, PlannedToday, reported, WorkingDaysLeft: left, ReportDue: due.Rolled), due.Rolled);
            }
        }

        public void DemandOverdue(EscalationRule rule)
        {
            foreach (var demand in state.Demands)
            {
                if (Today <= demand.DueBy || demand.MetOn is { } met && met <= Today)
                {
                    continue;
                }

                if (Round(rule, demand.DueBy) is { } round)
                {
                    // The item's unit keeps the occurrence it always had; another submitter (a builder) has its own,
                    // addressed through its own roster.
                    var other = demand.From is { } from && from != Item.Unit ? from : (UnitId?)null;
                    var occurrence = other is { } unit ? $"demand:{demand.Notice.Value}:{unit.Value}" : $"demand:{demand.Notice.Value}";
                    Raise(rule, EventKind.DemandOverdue, Key(occurrence, round),
                        new EventFacts(Item.Title, UnitName, PlannedToday, reported, DemandOf: demand.Notice, DemandDueBy: demand.DueBy, DemandFrom: other),
                        FirstDay(rule, demand.DueBy), other is null ? null : Recipients(rule, other));
                }
            }
        }

        /// <summary>
        /// 未按期开工: from the day after the planned start (inclusive, like checkpoints), while the item has not started
        /// or started after it; once per item, within the catch-up window; never with an objective cause recorded.
        /// </summary>
        public void StartMissed(EscalationRule rule)
        {
            if (Item.PlannedStart is not { } planned
                || Today <= planned
                || Item.ActualStart is { } actual && actual <= planned
                || state.StartCause is { Cause: CauseKind.Objective })
            {
                return;
            }

            var since = Calendar.WorkingDaysBetween(planned, Today);
            if (since > Owner._options.CatchUpWorkingDays)
            {
                return;
            }

            var cause = state.StartCause is { } recorded
                ? string.IsNullOrWhiteSpace(recorded.Reason) ? "主观原因（未填写具体理由）" : recorded.Reason.Trim()
                : NoCauseRecorded;
            Raise(rule, EventKind.StartMissed, $"start:{Iso(planned)}",
                new EventFacts(Item.Title, UnitName, PlannedToday, reported, PlannedStart: planned, Cause: cause), planned);
        }

        /// <summary>
        /// 未签收: a notice or summons delivered and not signed for by the rule's delay after the delivery day (default one
        /// working day) is chased once, from that day on, within the catch-up window; a signature on or before the
        /// evaluated day stops it. A chase (itself a reminder) is never chased, nor is anything below notice level.
        /// </summary>
        public void Unsigned(EscalationRule rule)
        {
            foreach (var (notice, chaseOn) in Owner.UnsignedDue(rule, state.Notices, Today))
            {
                Raise(rule, EventKind.Unsigned, "unsigned:" + notice.Notice.Value,
                    new EventFacts(Item.Title, UnitName, PlannedToday, reported, DemandOf: notice.Notice)
                    {
                        UnsignedNotice = new UnsignedFacts(notice.Level, notice.Reference, notice.DeliveredOn),
                    },
                    chaseOn);
            }
        }

        private bool Exempt(Checkpoint checkpoint) =>
            state.ExemptCheckpoints.Count > 0 && state.ExemptCheckpoints.Contains(checkpoint.Due);

        public void Lagging(Ladder ladder, PeriodChain chain)
        {
            var exemptions = state.ExemptPeriods;
            var countFrom = state.StreaksCountFrom(Owner._options.GoLive);
            var latest = chain[0];
            if (latest.Close < countFrom
                || chain.WorkingDaysSinceLatestJudged > Owner._options.CatchUpWorkingDays
                || (exemptions.Count > 0 && exemptions.Contains(chain.Key(0)))
                || !IsLagging(chain, 0, ladder.Tolerance))
            {
                return;
            }

            var streak = 1;
            for (var i = 1; chain[i].Close >= countFrom; i++)
            {
                if (exemptions.Count > 0 && exemptions.Contains(chain.Key(i)))
                {
                    continue;
                }

                if (!IsLagging(chain, i, ladder.Tolerance))
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

                if (rule.Trigger.MinStreak > streak || !rule.AppliesOn(Today))
                {
                    continue;
                }

                firing = rule.Trigger.MinStreak;
                if (rule.Scan != run.Scan)
                {
                    // The ladder's rung for this streak belongs to the other scan, which raises it.
                    continue;
                }

                var facts = new EventFacts(
                    Item.Title,
                    UnitName,
                    timeline.PlannedOn(latest.Close),
                    state.Progress.ProgressOn(chain.Judged(0)),
                    Streak: streak,
                    Period: chain.Label(0),
                    PeriodKey: chain.Key(0));
                Raise(rule, EventKind.Lagging, chain.Occurrence(0), facts, chain.Judged(0), LagRecipients(rule, facts));
            }
        }

        /// <summary>
        /// A reminder for a gap below <see cref="EvaluationOptions.LagGapForHeads"/> goes to the owner only; anything else
        /// to the rule's recipients (null). The gap is compared as messages print it, to one decimal.
        /// </summary>
        private Recipient[]? LagRecipients(EscalationRule rule, EventFacts facts)
        {
            var gap = Math.Round(facts.Planned - facts.Reported, 1, MidpointRounding.AwayFromZero);
            return rule.Level == EventLevel.Reminder && gap < Owner._options.LagGapForHeads
                ? [new Recipient(RecipientRole.Owner, Item.Owner, IsCopy: false)]
                : null;
        }

        /// <summary>
        /// Lagging at a close: progress reported by the close's working day (a report due on a Sunday close may come on
        /// Monday) below the plan at the close, by more than the tolerance, or a milestone due before the close missed.
        /// Never after a deadline the office exempted for an objective cause: the plan is over and the delay accepted.
        /// </summary>
        private bool IsLagging(PeriodChain chain, int index, double tolerance)
        {
            var close = chain[index].Close;
            if (close > Item.Deadline && state.ExemptCheckpoints.Count > 0 && state.ExemptCheckpoints.Contains(Item.Deadline))
            {
                return false;
            }

            var reportedThen = state.Progress.ProgressOn(chain.Judged(index));
            if (Timeline.IsBelow(reportedThen, timeline.PlannedOn(close) - tolerance))
            {
                return true;
            }

            if (state.ExemptCheckpoints.Count == 0)
            {
                return timeline.OverdueOn(close, reportedThen) is not null;
            }

            // A checkpoint exempted for an objective cause does not make the period lag.
            foreach (var checkpoint in timeline.Checkpoints)
            {
                if (checkpoint.Due >= close)
                {
                    break;
                }

                if (!Exempt(checkpoint) && Timeline.IsBelow(reportedThen, checkpoint.Target))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Which round of a condition due on <paramref name="anchor"/> today belongs to (<see cref="Evaluator.RoundOn"/>).</summary>
        private int? Round(EscalationRule rule, LocalDate anchor, Checkpoint? checkpoint = null) => Owner.RoundOn(rule, anchor, Today, checkpoint);

        /// <summary>The day a rule first fires for an occurrence due on <paramref name="anchor"/> (<see cref="Evaluator.FirstDayOf"/>).</summary>
        private LocalDate FirstDay(EscalationRule rule, LocalDate anchor) => Owner.FirstDayOf(rule, anchor);

        private static string Key(string occurrence, int round) => OccurrenceKey.WithRound(occurrence, round);

        private double PlannedToday => timeline.PlannedOn(Today);

        private EventFacts CheckpointFacts(Checkpoint checkpoint, int? left) => new(
            Item.Title,
            UnitName,
            PlannedToday,
            reported,
            Checkpoint: checkpoint.Name,
            CheckpointDue: checkpoint.Due,
            CheckpointTarget: checkpoint.Target,
            IsDeadline: checkpoint.IsDeadline,
            WorkingDaysLeft: left);

        private string UnitName => Owner._roster.Units.TryGetValue(Item.Unit, out var unit) ? unit.Name : Item.Unit.Value;

        /// <param name="rule">The rule that fires.</param>
        /// <param name="kind">What happened.</param>
        /// <param name="occurrence">The occurrence key.</param>
        /// <param name="facts">The reasons.</param>
        /// <param name="anchor">
        /// The day the occurrence happened (the due date, the close's working day, ...; for a rule with a delay, the
        /// day it first fires): a demand's time limit counts from it, so that every run that raises this event id gives
        /// the same date, whichever day it runs.
        /// </param>
        /// <param name="recipients">Who is told, when not the rule's recipients (null).</param>
        private void Raise(EscalationRule rule, EventKind kind, string occurrence, EventFacts facts, LocalDate anchor, Recipient[]? recipients = null)
        {
            Demand? demand = null;
            if (rule.Demand is { } spec)
            {
                try
                {
                    // Counted from the occurrence, so that every run raising this id gives the same date; but a notice
                    // raised late (catch-up, a planned start entered after the fact) never demands by a day already past:
                    // its time limit then counts from the day it is raised.
                    var dueBy = spec.DueBy(anchor, Calendar);
                    if (dueBy < Today)
                    {
                        dueBy = spec.DueBy(Today, Calendar);
                    }

                    demand = new Demand(spec.Kind, dueBy) { From = Submitters(rule, spec) };
                }
                catch (CalendarYearNotLoadedException e)
                {
                    // The explanation or rectification would be due in a year without calendar: the event waits for it.
                    run.Hold([rule.Id], e.Year);
                    return;
                }
            }

            var to = recipients ?? Recipients(rule);
            if (rule.Level == EventLevel.Accountability)
            {
                // Defence in depth: rows naming the unit's own roles are refused when read, but a rule built otherwise (or
                // a person the people table places in the unit) must still never receive it.
                UnitId[] subjects = Item.Builder is { } builder && builder != Item.Unit ? [Item.Unit, builder] : [Item.Unit];
                var (kept, dropped) = AccountabilityLevel.Screen(to, subjects, Item.Owner, Owner._roster);
                foreach (var recipient in dropped)
                {
                    run.Problems.Add(AccountabilityLevel.Dropped(rule, recipient, UnitName));
                }

                to = kept;
                facts = facts with { Accountability = AccountabilityLevel.Facts(rule, Owner._roster) };
            }

            run.Events.Add(new EscalationEvent(
                EventId.For(rule.Id, Item.Id, occurrence),
                rule.Id,
                rule.Level,
                kind,
                Item.Id,
                Item.Unit,
                Today,
                occurrence,
                to,
                rule.Channels,
                rule.Template,
                facts,
                demand));
        }

        /// <summary>The units that owe a demand: the item's unit, its builder, or both (the unit alone when a builder is wanted but none is set).</summary>
        private UnitId[] Submitters(EscalationRule rule, DemandSpec spec)
        {
            var from = new List<UnitId>(2);
            foreach (var submitter in spec.From)
            {
                var unit = submitter == DemandSubmitter.Builder ? Item.Builder : Item.Unit;
                if (unit is null)
                {
                    run.Problems.Add(new Problem("tasks", Item.Id.Value, "Builder", null,
                        $"规则「{rule.Id}」要求建设单位提交{ChineseNames.Of(spec.Kind)}，但该任务没有填写建设单位，此要求只向责任单位提出。请在「tasks」表的「Builder」（建设单位）中填写建设单位的单位编号。"));
                    unit = Item.Unit;
                }

                if (!from.Contains(unit.Value))
                {
                    from.Add(unit.Value);
                }
            }

            if (from.Remove(Item.Unit))
            {
                from.Insert(0, Item.Unit);
            }

            return [.. from];
        }

        /// <param name="rule">The rule.</param>
        /// <param name="unitId">The unit whose roles the rule's unit roles mean: the item's unit, or another submitter of a demand.</param>
        private Recipient[] Recipients(EscalationRule rule, UnitId? unitId = null)
        {
            Owner._roster.Units.TryGetValue(unitId ?? Item.Unit, out var unit);
            var recipients = new Recipient[rule.To.Count + rule.Copy.Count];
            var count = 0;
            foreach (var spec in rule.To)
            {
                AddRecipient(recipients, ref count, unit, rule, spec, isCopy: false);
            }

            foreach (var spec in rule.Copy)
            {
                AddRecipient(recipients, ref count, unit, rule, spec, isCopy: true);
            }

            if (count < recipients.Length)
            {
                Array.Resize(ref recipients, count);
            }

            return recipients;
        }

        private void AddRecipient(Recipient[] recipients, ref int count, UnitRoster? unit, EscalationRule rule, RecipientSpec spec, bool isCopy)
        {
            switch (spec)
            {
                case RecipientSpec.ByRole { Role: var role }:
                    AddRecipient(recipients, ref count, unit, rule, role, isCopy);
                    break;
                case RecipientSpec.NamedPerson named:
                    Add(recipients, ref count, new Recipient(RecipientRole.Named, new PersonId(named.Reference), isCopy));
                    break;
                case RecipientSpec.NamedUnitRole named:
                    // Configuration resolved the unit and reported an empty role once, for the rule: nothing to say per event.
                    if (Owner._roster.Units.TryGetValue(new UnitId(named.Unit), out var other) && other.Holder(named.Role) is { } holder)
                    {
                        Add(recipients, ref count, new Recipient(named.Role, holder, isCopy, other.Id, other.Name));
                    }

                    break;
            }
        }

        private void AddRecipient(Recipient[] recipients, ref int count, UnitRoster? unit, EscalationRule rule, RecipientRole role, bool isCopy)
        {
            var person = role switch
            {
                RecipientRole.Owner => Item.Owner,
                RecipientRole.UnitPrincipal => unit?.Principal,
                RecipientRole.DeputyInCharge => unit?.DeputyInCharge,
                RecipientRole.LeadOfficial => Item.LeadOfficial ?? unit?.LeadOfficial,
                RecipientRole.SupervisionOffice => Owner._roster.SupervisionOffice,
                RecipientRole.BuilderPrincipal => Item.Builder is { } builder && Owner._roster.Units.TryGetValue(builder, out var b) ? b.Principal : null,
                _ => null,
            };

            if (person is not { } who)
            {
                if (role == RecipientRole.SupervisionOffice)
                {
                    // The configuration reports a missing office once, for every rule naming it (Configuration.Build).
                    return;
                }

                run.Problems.Add(role switch
                {
                    RecipientRole.BuilderPrincipal when Item.Builder is not { } builder => new Problem("tasks", Item.Id.Value, "Builder", null, $"规则「{rule.Id}」要发给建设单位主要负责人，但该任务没有填写建设单位，这条消息只发给其他收件人。请在「tasks」表的「Builder」（建设单位）中填写建设单位的单位编号。"),
                    RecipientRole.BuilderPrincipal => new Problem("units", Item.Builder.Value.Value, "Principal", null, $"规则「{rule.Id}」要发给建设单位主要负责人，但建设单位{Words.Quote(Item.Builder.Value.Value)}没有填写主要负责人，这条消息只发给其他收件人。请在「units」表中为该单位填写主要负责人的人员编号。"),
                    _ => new Problem("units", unit?.Id.Value ?? Item.Unit.Value, Catalog.Configuration.UnitField(role), null, $"规则「{rule.Id}」要发给单位的{ChineseNames.Of(role)}，但{unit?.Name ?? UnitName}没有填写这一角色，这条消息只发给其他收件人。请在「units」表中为该单位填写{ChineseNames.Of(role)}的人员编号。"),
                });
                return;
            }

            // A unit role held in another unit than the item's (a builder owing a demand) says which unit, as a named unit's does.
            Add(recipients, ref count, unit is { } other && other.Id != Item.Unit && role is RecipientRole.UnitPrincipal or RecipientRole.DeputyInCharge
                ? new Recipient(role, who, isCopy, other.Id, other.Name)
                : new Recipient(role, who, isCopy));
        }

        /// <summary>Adds the recipient unless the person is already in the list: the first role they are named in wins.</summary>
        private static void Add(Recipient[] recipients, ref int count, Recipient recipient)
        {
            for (var i = 0; i < count; i++)
            {
                if (recipients[i].Person == recipient.Person)
                {
                    return;
                }
            }

            recipients[count++] = recipient;
        }
    }

    /// <summary>What one run shares across items: today, its results, and what is the same for every item today.</summary>
    private sealed class RunState(Evaluator owner, LocalDate today, ScanSlot scan)
    {
        private readonly Dictionary<PeriodKind, ReportDue?> _periodDues = [];
        private readonly Dictionary<(PeriodKind, int), ReportDue?> _upcomingPeriodDues = [];
        private readonly PeriodChain?[] _chains = new PeriodChain?[owner._ladders.Length];

        public Evaluator Owner => owner;

        public LocalDate Today => today;

        /// <summary>The scan whose rules raise events in this run.</summary>
        public ScanSlot Scan => scan;

        private List<RuleId>? _held;
        private List<int>? _heldYears;
        private WorkingCalendar? _provisional;

        public List<EscalationEvent> Events { get; } = [];

        public ProblemSet Problems { get; } = new();

        public List<CalendarGap> Gaps { get; } = [];

        /// <summary>
        /// The calendar with every missing year from the items' starts to their deadlines counted provisionally, built once
        /// per run (again, wider, when a later item reaches further).
        /// </summary>
        public WorkingCalendar ProvisionalCalendar(SupervisedItem item)
        {
            if (_provisional is not { } calendar || !calendar.Covers(item.Start.Year) || !calendar.Covers(item.Deadline.Year))
            {
                var first = Math.Min(item.Start.Year, _provisional?.ProvisionalYears[0] ?? int.MaxValue);
                var last = Math.Max(item.Deadline.Year, _provisional?.ProvisionalYears[^1] ?? int.MinValue);
                _provisional = owner._calendar.WithProvisionalYears(first, last);
            }

            return _provisional;
        }

        public void BeginItem()
        {
            _held = null;
            _heldYears = null;
        }

        /// <summary>Records that the current item's events of <paramref name="rules"/> wait for <paramref name="year"/> to be loaded.</summary>
        public void Hold(IEnumerable<RuleId> rules, int year)
        {
            _held ??= [];
            foreach (var rule in rules)
            {
                if (!_held.Contains(rule))
                {
                    _held.Add(rule);
                }
            }

            _heldYears ??= [];
            if (!_heldYears.Contains(year))
            {
                _heldYears.Add(year);
            }
        }

        /// <summary>Reports the current item's calendar gap, if its plan reaches a missing year or events were held.</summary>
        public void EndItem(SupervisedItem item, int[]? missing)
        {
            if (missing is null && _held is null)
            {
                return;
            }

            var years = (missing ?? []).Union(_heldYears ?? []).Order().ToArray();
            (string? Field, LocalDate? Date) plan = missing is null ? (null, null)
                : !owner._calendar.IsLoaded(item.Deadline.Year) || owner._calendar.IsLoaded(item.Start.Year) ? ("Deadline", item.Deadline)
                : ("Start", item.Start);
            var gap = new CalendarGap(item.Id, item.Unit, years, plan.Field, plan.Date, _held?.ToArray() ?? []);
            Gaps.Add(gap);
            Problems.Add(gap.ToProblem(owner._calendar.LoadedYears, owner._options.CatchUpWorkingDays));
        }

        public PeriodChain Chain(int ladder) =>
            _chains[ladder] ??= new PeriodChain(owner._ladders[ladder].Period, today, owner._calendar);

        /// <summary>
        /// The latest report due date whose working-day deadline has passed. Period-close cadences give the same answer
        /// for every item, so it is worked out once per run.
        /// </summary>
        public ReportDue? ReportDue(SupervisedItem item)
        {
            var cadence = item.Cadence;
            if (cadence.Kind != CadenceKind.PeriodClose)
            {
                return Compute(cadence, item.Start);
            }

            if (!_periodDues.TryGetValue(cadence.Period, out var due))
            {
                due = Compute(cadence, item.Start);
                _periodDues[cadence.Period] = due;
            }

            return due;
        }

        /// <summary>
        /// The next report due date that rolls to today or later, if it rolls within <paramref name="workingDays"/> working
        /// days of today; null otherwise. Due dates rolling to the same working day are one occurrence, named by the last
        /// of them (as <see cref="ReportDue(SupervisedItem)"/> names it once that day has passed). Period-close cadences: once per run.
        /// </summary>
        public ReportDue? UpcomingReportDue(SupervisedItem item, int workingDays)
        {
            var cadence = item.Cadence;
            if (cadence.Kind != CadenceKind.PeriodClose)
            {
                return Upcoming(cadence, item.Start, workingDays);
            }

            if (!_upcomingPeriodDues.TryGetValue((cadence.Period, workingDays), out var due))
            {
                due = Upcoming(cadence, item.Start, workingDays);
                _upcomingPeriodDues[(cadence.Period, workingDays)] = due;
            }

            return due;
        }

        private ReportDue? Upcoming(ReportCadence cadence, LocalDate start, int workingDays)
        {
            var calendar = owner._calendar;
            var horizon = calendar.AddWorkingDays(today, workingDays);
            if (cadence.LastDueOnOrBefore(horizon, start) is not { } last || calendar.WorkingDayOnOrAfter(last) < today)
            {
                return null;
            }

            // Step back over the due dates that roll to today or later: the earliest rolled day wins, named by its last
            // due date (the first met going back); the first that rolls before today opens the report window.
            var best = last;
            var bestRolled = calendar.WorkingDayOnOrAfter(last);
            var previous = cadence.LastDueOnOrBefore(last.PlusDays(-1), start);
            var previousRolled = LocalDate.MinIsoValue;
            for (var guard = 0; previous is { } p && guard < 128; guard++)
            {
                previousRolled = calendar.IsLoaded(p.Year) ? calendar.WorkingDayOnOrAfter(p) : p;
                if (previousRolled < today)
                {
                    break;
                }

                if (previousRolled < bestRolled)
                {
                    (best, bestRolled) = (p, previousRolled);
                }

                previous = cadence.LastDueOnOrBefore(p.PlusDays(-1), start);
            }

            // The earliest upcoming day may still be beyond the window (a due date on a day off rolls past the horizon).
            return bestRolled > horizon ? null : new ReportDue(best, bestRolled, previous, previousRolled);
        }

        /// <summary>
        /// The latest report due date whose rolled working day <paramref name="passed"/> says has passed (by default: it is
        /// before today). Not cached: a delayed rule's answer depends on its delay.
        /// </summary>
        public ReportDue? ReportDue(SupervisedItem item, Func<LocalDate, bool> passed) => Compute(item.Cadence, item.Start, passed);

        private ReportDue? Compute(ReportCadence cadence, LocalDate start, Func<LocalDate, bool>? passed = null)
        {
            var calendar = owner._calendar;

            // A holiday can push one due date's deadline past the next one's, so step back until one has passed (for a
            // delayed rule, until its delay has run out: up to about three months of weekly reports).
            var due = cadence.LastDueOnOrBefore(today.PlusDays(-1), start);
            for (var guard = 0; due is { } d && !(passed?.Invoke(calendar.WorkingDayOnOrAfter(d)) ?? calendar.WorkingDayOnOrAfter(d) < today) && guard < 128; guard++)
            {
                due = cadence.LastDueOnOrBefore(d.PlusDays(-1), start);
            }

            if (due is not { } nominal)
            {
                return null;
            }

            // Due dates that roll to the same working day (a weekly due on the Sundays of a long holiday) are one
            // occurrence: the report window starts at the last due date that rolls to an earlier day.
            var rolled = calendar.WorkingDayOnOrAfter(nominal);
            var previous = cadence.LastDueOnOrBefore(nominal.PlusDays(-1), start);
            var previousRolled = LocalDate.MinIsoValue;
            for (var guard = 0; previous is { } p && guard < 16; guard++)
            {
                previousRolled = calendar.IsLoaded(p.Year) ? calendar.WorkingDayOnOrAfter(p) : p;
                if (previousRolled < rolled)
                {
                    break;
                }

                previous = cadence.LastDueOnOrBefore(p.PlusDays(-1), start);
            }

            return new ReportDue(nominal, rolled, previous, previousRolled);
        }
    }

    /// <summary>A report due date (<see cref="Nominal"/>), the working day it rolls to, and the due date before it.</summary>
    private readonly record struct ReportDue(LocalDate Nominal, LocalDate Rolled, LocalDate? Previous, LocalDate PreviousRolled);

    /// <summary>
    /// The periods judged before today, latest first, with their keys: the same for every item of a run. A period is
    /// judged on its close's working day (the close itself, or the next working day when it closes on a day off, since
    /// a report due that day rolls there), and acted on from the day after.
    /// </summary>
    private sealed class PeriodChain
    {
        private readonly List<ReportingPeriod> _periods = [];
        private readonly List<string?> _keys = [];
        private readonly List<LocalDate?> _judged = [];
        private readonly WorkingCalendar _calendar;
        private readonly LocalDate _today;
        private int? _workingDaysSinceLatestJudged;
        private string? _latestLabel;
        private string? _latestOccurrence;

        public PeriodChain(PeriodKind kind, LocalDate today, WorkingCalendar calendar)
        {
            _calendar = calendar;
            _today = today;
            var latest = ReportingPeriod.ClosedBefore(kind, today);
            Append(latest);
            while (Judged(0) >= today)
            {
                latest = latest.Previous();
                _periods.Clear();
                _keys.Clear();
                _judged.Clear();
                Append(latest);
            }
        }

        public ReportingPeriod this[int index]
        {
            get
            {
                while (_periods.Count <= index)
                {
                    Append(_periods[^1].Previous());
                }

                return _periods[index];
            }
        }

        public string Key(int index) => _keys[index] ??= this[index].Key;

        /// <summary>The latest period's label and occurrence key, made once per run rather than once per event.</summary>
        public string Label(int index) => index == 0 ? _latestLabel ??= this[0].Label : this[index].Label;

        public string Occurrence(int index) => index == 0 ? _latestOccurrence ??= "lag:" + Key(0) : "lag:" + Key(index);

        /// <summary>The day the period is judged on: its close rolled forward to a working day.</summary>
        public LocalDate Judged(int index)
        {
            var close = this[index].Close;
            return _judged[index] ??= _calendar.IsLoaded(close.Year) && _calendar.IsLoaded(close.Year + (close.Month == 12 ? 1 : 0))
                ? _calendar.WorkingDayOnOrAfter(close)
                : close;
        }

        /// <summary>Working days from the latest judged day to today; past any catch-up window when its year has no calendar.</summary>
        public int WorkingDaysSinceLatestJudged => _workingDaysSinceLatestJudged ??=
            _calendar.IsLoaded(Judged(0).Year) ? _calendar.WorkingDaysBetween(Judged(0), _today) : int.MaxValue;

        private void Append(ReportingPeriod period)
        {
            _periods.Add(period);
            _keys.Add(null);
            _judged.Add(null);
        }
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
