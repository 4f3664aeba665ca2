using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>What evaluating an indicator decided, before anything is written.</summary>
/// <param name="Request">The request: the indicator, the day and the scan.</param>
/// <param name="Configuration">The configuration it was decided with.</param>
/// <param name="Assessment">The indicator as read (first-seen date as stored) and evaluated; null when it is no longer a usable indicator.</param>
/// <param name="Known">Its events already in the escalation log, by id.</param>
/// <param name="New">The events not in the log yet: what a run would log (and send, unless log-only).</param>
public sealed record IndicatorPlan(
    EvaluateIndicatorRequest Request,
    Configuration Configuration,
    IndicatorAssessment? Assessment,
    IReadOnlyDictionary<string, LoggedState> Known,
    IReadOnlyList<EscalationEvent> New)
{
    /// <summary>True when the engine has no first-seen date for the indicator yet: a run records the request's date.</summary>
    public bool Unseen => Assessment is { } a && !a.Inputs.FirstSeen.ContainsKey(Request.Indicator);

    /// <summary>Problems of its rows and of its evaluation (a run records them under the indicator's scope).</summary>
    public int Problems => Assessment?.Problems.Count ?? 0;
}

/// <summary>
/// The city-wide step, one indicator per request on the <c>evaluate</c> queue: read the indicator's definition, ranking
/// groups (configuration), every unit's values and its exemptions (two partition reads), decide with the pure
/// <see cref="Domain.Indicators.IndicatorEvaluator"/>, then log and publish exactly as a unit's evaluation does
/// (<see cref="EventOutbox"/>): each event once, by its deterministic id, whatever the redeliveries and concurrent
/// handlers. Its problems go to the indicator's scope (<c>ind:{indicator}</c>). Of the events logged earlier it publishes
/// again only those it decided today that were never published (a crash between logging and publishing, then the
/// message's redelivery); any other undelivered one is republished by its unit's own evaluation, as each indicator event
/// lies in its unit's log partition. An indicator evaluated for the first time is first seen that day (its history counts
/// from then, unless GoLive is set), and that date is recorded under its owner in the first-seen table.
/// </summary>
public sealed partial class IndicatorEvaluation(IEntityTables tables, IMessagePublisher publisher, ConfigurationCache configurations, IClock clock, DateTimeZone zone, ILogger logger)
{
    private readonly EscalationLog _log = new(tables);
    private readonly EventOutbox _outbox = new(new EscalationLog(tables), publisher, logger);

    /// <summary>
    /// What evaluating the indicator would do, decided from what the store holds and written nowhere: for a dry run and a
    /// preview, and the first half of <see cref="Run"/>. Null with a reason when the request cannot be evaluated, ever.
    /// </summary>
    public async Task<(IndicatorPlan? Plan, string? Unusable)> Plan(EvaluateIndicatorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var configuration = await configurations.Get(cancellationToken).ConfigureAwait(false);
        if (!configuration.Indicators.Definitions.ContainsKey(request.Indicator))
        {
            // Removed from the indicators table (or broken) since the scan: the configuration's scope says why.
            return (new IndicatorPlan(request, configuration, null, new Dictionary<string, LoggedState>(), []), null);
        }

        if (!configuration.Calendar.IsLoaded(request.Date.Year))
        {
            return (null, $"no working calendar for {request.Date.Year} (loaded: {string.Join(", ", configuration.Calendar.LoadedYears)}).");
        }

        var assessed = await new DailyRead(tables, clock, zone).AssessIndicator(configuration, request.Indicator, request.Date, request.Scan, cancellationToken).ConfigureAwait(false);
        var known = await _log.States(assessed.Result.Events, cancellationToken).ConfigureAwait(false);
        var fresh = assessed.Result.Events.Where(e => !known.ContainsKey(e.Id.Value)).ToList();
        return (new IndicatorPlan(request, configuration, assessed, known, fresh), null);
    }

    /// <summary>Null with a reason when the request cannot be evaluated, ever (the caller dead-letters it).</summary>
    public async Task<(EvaluationOutcome? Outcome, string? Unusable)> Run(EvaluateIndicatorRequest request, CancellationToken cancellationToken = default)
    {
        var (plan, unusable) = await Plan(request, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return (null, unusable);
        }

        if (plan.Assessment is not { } assessed)
        {
            LogUnknownIndicator(logger, request.Indicator.Value);
            return (new EvaluationOutcome([], 0, 0, []), null);
        }

        var read = new DailyRead(tables, clock, zone);
        var known = plan.Known;
        var stranded = assessed.Result.Events
            .Where(e => known.TryGetValue(e.Id.Value, out var state) && state.Status == LogStatus.Logged)
            .Select(e => (known[e.Id.Value].Unit ?? e.Unit, e.Id, known[e.Id.Value]))
            .ToList();
        var (logged, republished) = await _outbox.Commit(assessed.Result.Events, known, stranded, clock.GetCurrentInstant(), plan.Configuration.Wording.ReferencePrefix, cancellationToken).ConfigureAwait(false);

        // After logging, as a unit's evaluation records its tasks: a crash before this line evaluates again as first seen today.
        await read.RecordFirstSeen(plan.Configuration, assessed.Inputs, request.Date, cancellationToken).ConfigureAwait(false);
        var problems = assessed.Problems;
        await read.RecordIndicator(request.Indicator, problems, cancellationToken).ConfigureAwait(false);
        LogEvaluated(logger, request.Indicator.Value, request.Date, assessed.Inputs.Values.Count, logged.Count, republished, problems.Count);
        return (new EvaluationOutcome(logged, republished, problems.Count, []), null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluated indicator {Indicator} on {Date}: {Values} values, {Logged} new events, {Republished} republished, {Problems} problems")]
    private static partial void LogEvaluated(ILogger logger, string indicator, LocalDate date, int values, int logged, int republished, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicator {Indicator} is no longer a usable indicator; nothing evaluated")]
    private static partial void LogUnknownIndicator(ILogger logger, string indicator);
}
