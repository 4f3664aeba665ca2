using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>What the next run would do: its date, the new events of every unit and indicator, and what it would publish again.</summary>
/// <param name="Date">The day the run would evaluate.</param>
/// <param name="Configuration">The configuration read.</param>
/// <param name="Units">Each unit's plan for the morning scan, by unit id.</param>
/// <param name="Afternoon">Each unit's plan for the afternoon scan of the same day (its rules only); empty without afternoon rules.</param>
public sealed record NextRun(LocalDate Date, Configuration Configuration, IReadOnlyList<UnitPlan> Units, IReadOnlyList<UnitPlan>? Afternoon = null)
{
    /// <summary>Each indicator's plan for the scan of <see cref="Units"/>, by indicator id; empty when that scan evaluates no indicator.</summary>
    public IReadOnlyList<IndicatorPlan> Indicators { get; init; } = [];

    /// <summary>Each indicator's plan for the afternoon scan of <see cref="Afternoon"/>; empty when it evaluates no indicator.</summary>
    public IReadOnlyList<IndicatorPlan> AfternoonIndicators { get; init; } = [];

    /// <summary>The new events of both scans: the morning's (units, then indicators), then the afternoon's.</summary>
    public IEnumerable<EscalationEvent> New =>
        Units.SelectMany(u => u.New).Concat(Indicators.SelectMany(i => i.New)).Concat(NewInTheAfternoon);

    /// <summary>The new events of the afternoon scan.</summary>
    public IEnumerable<EscalationEvent> NewInTheAfternoon =>
        (Afternoon ?? []).SelectMany(u => u.New).Concat(AfternoonIndicators.SelectMany(i => i.New));

    /// <summary>Every indicator plan of the run, both scans.</summary>
    public IEnumerable<IndicatorPlan> AllIndicators => Indicators.Concat(AfternoonIndicators);
}

/// <summary>The indicator events of the days after the next run, decided from the values already in the store.</summary>
/// <param name="From">The first day looked at (the day after the next run).</param>
/// <param name="To">The last day looked at; earlier than asked when a later day's year has no calendar.</param>
/// <param name="Asked">The last day asked for.</param>
/// <param name="Events">The events neither in the escalation log nor raised by the next run, in date order, each on the first day it would be raised.</param>
public sealed record IndicatorForecast(LocalDate From, LocalDate To, LocalDate Asked, IReadOnlyList<ForecastEvent> Events);

/// <summary>One event a task would raise on a coming day.</summary>
public sealed record ForecastEvent(LocalDate Date, EscalationEvent Event);

/// <summary>A task's coming events, as the evaluator decides them day by day from what is stored now.</summary>
/// <param name="Item">The task as evaluated (with the first-seen date the run would use).</param>
/// <param name="Configuration">The configuration read.</param>
/// <param name="From">The first day looked at (today).</param>
/// <param name="To">The last day looked at; earlier than asked when a later day's year has no calendar.</param>
/// <param name="Events">The events not in the escalation log yet, in date order, each on the first day it would be raised.</param>
/// <param name="Snapshot">Planned and reported progress today, or null when the plan cannot be built.</param>
public sealed record TaskForecast(
    ItemState Item,
    Configuration Configuration,
    LocalDate From,
    LocalDate To,
    IReadOnlyList<ForecastEvent> Events,
    ItemSnapshot? Snapshot);

/// <summary>Why a task cannot be forecast: it is not stored (with the closest ids), or its rows are not usable.</summary>
public sealed record TaskNotForecast(IReadOnlyList<string> Closest, IReadOnlyList<Problem> Problems);

/// <summary>
/// Looking ahead without writing anything: the next run (<c>run --dry-run</c>, <c>preview</c>), the indicator events of
/// the days after it (<c>preview</c>) and a task's coming days (<c>preview --task</c>). All read the store as a run does
/// and decide with the same code: the next run is <see cref="UnitEvaluation.Plan"/> for every unit and
/// <see cref="IndicatorEvaluation.Plan"/> for every indicator when the scan evaluates indicators; the coming days are the
/// real evaluators stepped a day at a time (a task with the notices it would raise added as open demands, so that their
/// follow-ups show too; an indicator over the values already stored, as later publications cannot be known). Nothing is
/// logged, published, recorded or sent: the evaluations are given a publisher that refuses to publish.
/// </summary>
public sealed class Lookahead(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private static readonly RefusingPublisher Refusing = new();

    private readonly ConfigurationCache _configurations = new(tables, clock, zone, Engine.ConfigurationTtl);

    private UnitEvaluation UnitStep => new(tables, Refusing, _configurations, clock, zone, NullLogger.Instance);

    private IndicatorEvaluation IndicatorStep => new(tables, Refusing, _configurations, clock, zone, NullLogger.Instance);

    /// <summary>The next run, evaluated on today's local date; throws <see cref="CalendarYearNotLoadedException"/> when today's year has no calendar.</summary>
    public async Task<NextRun> Next(CancellationToken cancellationToken = default) => await Next(null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The next run of <paramref name="only"/> (what <c>run --dry-run [--scan]</c> then does), or, when null, the day's two
    /// scans (<c>preview</c>): the afternoon's only when an enabled rule is for it.
    /// </summary>
    public async Task<NextRun> Next(ScanSlot? only, CancellationToken cancellationToken = default)
    {
        var (configuration, _) = await new DailyRead(tables, clock, zone).ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        configuration.Calendar.EnsureLoaded(today);
        var plans = new List<UnitPlan>();
        var afternoon = new List<UnitPlan>();
        var indicators = new List<IndicatorPlan>();
        var afternoonIndicators = new List<IndicatorPlan>();
        var slots = only is { } one ? [one] : AnyAfternoonRule(configuration) ? new[] { ScanSlot.Morning, ScanSlot.Afternoon } : [ScanSlot.Morning];
        var (unitStep, indicatorStep) = (UnitStep, IndicatorStep);
        foreach (var slot in slots)
        {
            foreach (var unit in configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
            {
                var (plan, unusable) = await unitStep.Plan(new EvaluateRequest(unit, today, slot), cancellationToken).ConfigureAwait(false);
                (slot == ScanSlot.Morning ? plans : afternoon).Add(plan ?? throw new InvalidOperationException($"Unit {unit} cannot be evaluated: {unusable}"));
            }

            // The city-wide step, as the scan asks for it (DailyScan): every indicator, when an indicator rule applies.
            if (DailyScan.EvaluatesIndicators(configuration, today, slot))
            {
                foreach (var indicator in configuration.Indicators.Definitions.Keys.OrderBy(i => i.Value, StringComparer.Ordinal))
                {
                    var (plan, unusable) = await indicatorStep.Plan(new EvaluateIndicatorRequest(indicator, today, slot), cancellationToken).ConfigureAwait(false);
                    (slot == ScanSlot.Morning ? indicators : afternoonIndicators).Add(plan ?? throw new InvalidOperationException($"Indicator {indicator} cannot be evaluated: {unusable}"));
                }
            }
        }

        // A run of the afternoon alone is reported as the run (its plans in Units), as run --scan afternoon does it.
        return only == ScanSlot.Afternoon
            ? new NextRun(today, configuration, afternoon) { Indicators = afternoonIndicators }
            : new NextRun(today, configuration, plans, afternoon) { Indicators = indicators, AfternoonIndicators = afternoonIndicators };
    }

    /// <summary>
    /// The indicator events of the <paramref name="days"/> days from <paramref name="next"/>'s date (that day included in
    /// the count, its events being the next run's), decided each day and scan the scan would evaluate indicators, from the
    /// values stored now: values published later are not known, so their events cannot be shown. An indicator never seen
    /// is taken as first seen on the next run's day, as that run records it. Stops before a year without calendar.
    /// </summary>
    public async Task<IndicatorForecast> Indicators(NextRun next, int days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var configuration = next.Configuration;
        var from = next.Date.PlusDays(1);
        var asked = next.Date.PlusDays(days - 1);
        var last = next.Date;
        while (last < asked && configuration.Calendar.IsLoaded(last.PlusDays(1).Year))
        {
            last = last.PlusDays(1);
        }

        // The days and scans that evaluate indicators (an indicator rule applies then), and what the next run already raises.
        var slots = AnyAfternoonRule(configuration) ? new[] { ScanSlot.Morning, ScanSlot.Afternoon } : [ScanSlot.Morning];
        var steps = new List<(LocalDate Day, ScanSlot Slot)>();
        for (var day = from; day <= last; day = day.PlusDays(1))
        {
            steps.AddRange(slots.Where(slot => DailyScan.EvaluatesIndicators(configuration, day, slot)).Select(slot => (day, slot)));
        }

        var raised = new HashSet<string>(next.AllIndicators.SelectMany(p => p.New.Select(e => e.Id.Value).Concat(p.Known.Keys)), StringComparer.Ordinal);
        var found = new List<ForecastEvent>();
        var read = new DailyRead(tables, clock, zone);
        var evaluator = new IndicatorEvaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        IEnumerable<IndicatorId> indicators = steps.Count == 0 ? [] : configuration.Indicators.Definitions.Keys.OrderBy(i => i.Value, StringComparer.Ordinal);
        foreach (var indicator in indicators)
        {
            var (inputs, _) = await read.Indicator(configuration, indicator, cancellationToken).ConfigureAwait(false);
            var seen = inputs.SeenBy(next.Date);
            foreach (var (day, slot) in steps)
            {
                found.AddRange(evaluator.Evaluate(seen, day, slot).Events.Where(e => raised.Add(e.Id.Value)).Select(e => new ForecastEvent(day, e)));
            }
        }

        var logged = await new EscalationLog(tables).States(found.Select(f => f.Event), cancellationToken).ConfigureAwait(false);
        return new IndicatorForecast(from, last, asked, [.. found.Where(f => !logged.ContainsKey(f.Event.Id.Value)).OrderBy(f => f.Date)]);
    }

    /// <summary>
    /// The events <paramref name="task"/> would raise from today over <paramref name="days"/> days, if nothing changed in
    /// the tables meanwhile (no new report, explanation or exemption). Throws <see cref="CalendarYearNotLoadedException"/>
    /// when today's year has no calendar.
    /// </summary>
    public async Task<(TaskForecast? Forecast, TaskNotForecast? Not)> Task(string task, int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var read = new DailyRead(tables, clock, zone);
        var (configuration, _) = await read.ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        configuration.Calendar.EnsureLoaded(today);

        var ids = await new AdminStore(tables).TaskIds(cancellationToken).ConfigureAwait(false);
        var found = ids.FirstOrDefault(t => t.Task == task.Trim());
        if (found.Task is null || !UnitId.IsValid(found.Unit))
        {
            return (null, new TaskNotForecast(Closest(task, ids.Select(t => t.Task)), []));
        }

        return await Task(read, configuration, today, new UnitId(found.Unit), found.Task, days, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="Task(string, int, CancellationToken)"/> for a task of a known unit (the web's task page): reads that
    /// unit's partition only; not forecast (no closest ids) when the unit has no usable task of that id.
    /// </summary>
    public async Task<(TaskForecast? Forecast, TaskNotForecast? Not)> Task(UnitId unit, string task, int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentNullException.ThrowIfNull(task);
        var read = new DailyRead(tables, clock, zone);
        var (configuration, _) = await read.ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        configuration.Calendar.EnsureLoaded(today);
        return await Task(read, configuration, today, unit, task.Trim(), days, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(TaskForecast? Forecast, TaskNotForecast? Not)> Task(
        DailyRead read, Configuration configuration, LocalDate today, UnitId unit, string task, int days, CancellationToken cancellationToken)
    {
        var (items, problems) = await read.Unit(configuration, unit, cancellationToken).ConfigureAwait(false);
        if (items.FirstOrDefault(i => i.Item.Id.Value == task) is not { } stored)
        {
            return (null, new TaskNotForecast([], [.. problems.Where(p => p.Key == task || p.Key.StartsWith(task + ":", StringComparison.Ordinal))]));
        }

        var known = await new EscalationLog(tables).Known(unit, cancellationToken).ConfigureAwait(false);
        var evaluator = new Evaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var state = stored.SeenBy(today);
        var raised = new HashSet<string>(known.Keys, StringComparer.Ordinal);
        var events = new List<ForecastEvent>();
        var last = today;
        var slots = AnyAfternoonRule(configuration) ? new[] { ScanSlot.Morning, ScanSlot.Afternoon } : [ScanSlot.Morning];
        for (var day = today; day < today.PlusDays(days) && configuration.Calendar.IsLoaded(day.Year); day = day.PlusDays(1))
        {
            last = day;
            foreach (var e in slots.SelectMany(slot => evaluator.Evaluate([state], day, slot).Events).Where(e => raised.Add(e.Id.Value)).ToList())
            {
                events.Add(new ForecastEvent(day, e));
                // A repeat of a notice demands what its first notice demanded (one thread, as the daily run reads the log).
                if (e.Demand is { } demand && OccurrenceKey.Split(e.Occurrence).Round == 0)
                {
                    var owed = demand.SubmittersOf(e.Unit).Select(u => new OpenDemand(e.Id, demand.Kind, demand.DueBy) { From = u == e.Unit ? null : u, Reference = e.Reference });
                    state = state with { Demands = [.. state.Demands, .. owed] };
                }
            }
        }

        return (new TaskForecast(state, configuration, today, last, events, evaluator.Snapshot(state, today)), null);
    }

    /// <summary>True when an enabled rule is for the afternoon scan: only then does it run (and is looked ahead at).</summary>
    internal static bool AnyAfternoonRule(Configuration configuration) =>
        configuration.Rules.Any(r => r.Enabled && r.Scan == ScanSlot.Afternoon);

    /// <summary>Up to three ids nearest to <paramref name="wanted"/>, closest first.</summary>
    internal static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> ids) => Suggestion.Nearest(wanted, ids);

    /// <summary>Looking ahead publishes nothing: a call here is a bug.</summary>
    private sealed class RefusingPublisher : IMessagePublisher
    {
        public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"A look-ahead tried to publish {messages.Count} message(s) to {entity}.");
    }
}
