using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Pipeline;

/// <summary>What evaluating a unit did.</summary>
/// <param name="Logged">Events raised for the first time (logged by this invocation).</param>
/// <param name="Republished">Events logged earlier and not yet delivered, published again (the log is the outbox).</param>
/// <param name="Problems">Problems found in the unit's rows and plans (recorded in the problems table).</param>
/// <param name="CalendarGaps">The unit's items that need a year without calendar: chased on loaded days only, partly held back.</param>
public sealed record EvaluationOutcome(IReadOnlyList<EscalationEvent> Logged, int Republished, int Problems, IReadOnlyList<CalendarGap> CalendarGaps);

/// <summary>What evaluating a unit decided, before anything is written.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Date">The day evaluated.</param>
/// <param name="Configuration">The configuration it was decided with.</param>
/// <param name="Items">The unit's usable items as stored, each with its first-seen date or null when never seen (the evaluation saw it today).</param>
/// <param name="RowProblems">Problems of the unit's rows.</param>
/// <param name="Result">The evaluator's events (new and already logged) and problems.</param>
/// <param name="Known">The unit's events already in the escalation log, by id.</param>
/// <param name="New">The events not in the log yet: what a run would log and send.</param>
public sealed record UnitPlan(
    UnitId Unit,
    LocalDate Date,
    Configuration Configuration,
    IReadOnlyList<ItemState> Items,
    IReadOnlyList<Problem> RowProblems,
    EvaluationResult Result,
    IReadOnlyDictionary<string, LoggedState> Known,
    IReadOnlyList<EscalationEvent> New)
{
    /// <summary>True when the unit is no longer in the units table (removed since the scan): nothing to evaluate.</summary>
    public bool UnitRemoved => !Configuration.Roster.Units.ContainsKey(Unit);

    /// <summary>Events logged earlier whose delivery is not finished: a run publishes them again.</summary>
    public IEnumerable<string> Undelivered => Known.Where(k => k.Value.Status is LogStatus.Logged or LogStatus.Published).Select(k => k.Key);
}

/// <summary>
/// EvaluateUnit: read the unit's rows, decide with the pure evaluator, log each new event exactly once (insert-if-absent
/// keyed by the event id), publish new and undelivered events to the events topic, then mark them published. A crash
/// anywhere leaves the log ahead of the topic, never behind: the next run publishes again, and the ledger keeps
/// re-publishing harmless.
/// </summary>
public sealed partial class UnitEvaluation(IEntityTables tables, IMessagePublisher publisher, ConfigurationCache configurations, IClock clock, DateTimeZone zone, ILogger logger)
{
    private readonly EscalationLog _log = new(tables);
    private readonly EventOutbox _outbox = new(new EscalationLog(tables), publisher, logger);

    /// <summary>
    /// What evaluating the unit would do, decided from what the store holds and written nowhere: for a dry run, and the
    /// first half of <see cref="Run"/>. Null with a reason when the request cannot be evaluated, ever.
    /// </summary>
    public async Task<(UnitPlan? Plan, string? Unusable)> Plan(EvaluateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var configuration = await configurations.Get(cancellationToken).ConfigureAwait(false);
        if (!configuration.Roster.Units.ContainsKey(request.Unit))
        {
            // Removed from the units table since the scan: nothing to chase.
            return (new UnitPlan(request.Unit, request.Date, configuration, [], [], new EvaluationResult([], [], []), new Dictionary<string, LoggedState>(), []), null);
        }

        if (!configuration.Calendar.IsLoaded(request.Date.Year))
        {
            return (null, $"no working calendar for {request.Date.Year} (loaded: {string.Join(", ", configuration.Calendar.LoadedYears)}).");
        }

        var assessed = await new DailyRead(tables, clock, zone).Assess(configuration, request.Unit, request.Date, request.Scan, cancellationToken).ConfigureAwait(false);
        var result = assessed.Result;
        var known = await _log.Known(request.Unit, cancellationToken).ConfigureAwait(false);
        var fresh = result.Events.Where(e => !known.ContainsKey(e.Id.Value)).ToList();
        return (new UnitPlan(request.Unit, request.Date, configuration, assessed.Items, assessed.RowProblems, result, known, fresh), null);
    }

    /// <summary>Null with a reason when the request cannot be evaluated, ever (the caller dead-letters it).</summary>
    public async Task<(EvaluationOutcome? Outcome, string? Unusable)> Run(EvaluateRequest request, CancellationToken cancellationToken = default)
    {
        var (plan, unusable) = await Plan(request, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return (null, unusable);
        }

        if (plan.UnitRemoved)
        {
            LogUnknownUnit(logger, request.Unit.Value);
            return (new EvaluationOutcome([], 0, 0, []), null);
        }

        var read = new DailyRead(tables, clock, zone);
        var undelivered = plan.Known
            .Where(k => k.Value.Status is LogStatus.Logged or LogStatus.Published && EventId.TryParse(k.Key, out _))
            .Select(k => (request.Unit, EventId.Parse(k.Key), k.Value))
            .ToList();
        var (logged, republished) = await _outbox.Commit(plan.Result.Events, plan.Known, undelivered, clock.GetCurrentInstant(), plan.Configuration.Wording.ReferencePrefix, cancellationToken).ConfigureAwait(false);
        var result = plan.Result;
        await read.RecordFirstSeen(request.Unit, plan.Items, request.Date, cancellationToken).ConfigureAwait(false);
        List<Problem> problems = [.. plan.RowProblems, .. result.Problems];
        await read.Record(request.Unit, problems, cancellationToken).ConfigureAwait(false);
        LogEvaluated(logger, request.Unit.Value, request.Date, plan.Items.Count, logged.Count, republished, problems.Count);
        if (result.CalendarGaps.Count > 0)
        {
            LogCalendarGaps(logger, request.Unit.Value, result.CalendarGaps.Count, string.Join(",", result.CalendarGaps.SelectMany(g => g.Years).Distinct().Order()));
        }

        return (new EvaluationOutcome(logged, republished, problems.Count, result.CalendarGaps), null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluated unit {Unit} on {Date}: {Items} tasks, {Logged} new events, {Republished} republished, {Problems} problems")]
    private static partial void LogEvaluated(ILogger logger, string unit, LocalDate date, int items, int logged, int republished, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {Unit}: {Items} tasks need years without a working calendar ({Years}); they are chased on loaded days only, events dated in those years are held (see the problems table)")]
    private static partial void LogCalendarGaps(ILogger logger, string unit, int items, string years);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {Unit} is no longer in the units table; nothing evaluated")]
    private static partial void LogUnknownUnit(ILogger logger, string unit);
}
