using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Pipeline;

/// <summary>What committing a partition of work's decided events did.</summary>
/// <param name="Logged">Events raised for the first time (logged by this call).</param>
/// <param name="Republished">Events logged earlier and not yet delivered, published again.</param>
public sealed record CommitOutcome(IReadOnlyList<EscalationEvent> Logged, int Republished);

/// <summary>
/// The step after deciding, shared by every partition of work the evaluate queue carries (a unit's tasks, an indicator):
/// logs each decided event exactly once (insert-if-absent keyed by the event id), re-indexes the known ones whose month
/// copy is missing, publishes the new events and the given undelivered ones to the events topic, then marks the new ones
/// published; a log-only event (<see cref="EscalationEvent.LogOnly"/>) is logged and never published. A crash anywhere leaves the log ahead of the topic, never behind: the log is the outbox, the next run
/// publishes again, and the ledger keeps re-publishing harmless.
/// </summary>
internal sealed partial class EventOutbox(EscalationLog log, IMessagePublisher publisher, ILogger logger)
{
    /// <param name="decided">The events the evaluator decided today, new and already logged.</param>
    /// <param name="known">The state of those already in the log, by event id (events not in it are absent).</param>
    /// <param name="undelivered">Events logged earlier whose delivery is not finished, to publish again (with their state).</param>
    /// <param name="now">The time written on the rows.</param>
    /// <param name="referencePrefix">The word before the year of the references assigned to new events (the ReferencePrefix setting).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public async Task<CommitOutcome> Commit(
        IReadOnlyList<EscalationEvent> decided,
        IReadOnlyDictionary<string, LoggedState> known,
        IReadOnlyList<(UnitId Unit, EventId Id, LoggedState State)> undelivered,
        Instant now,
        string referencePrefix,
        CancellationToken cancellationToken = default)
    {
        var logged = new List<EscalationEvent>();
        var toPublish = new List<(EscalationEvent Event, bool WasLogged)>();
        foreach (var decision in decided)
        {
            if (known.TryGetValue(decision.Id.Value, out var state))
            {
                if (!state.Indexed)
                {
                    await log.EnsureIndexed(state.Unit ?? decision.Unit, decision.Id, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            // Comes back as logged: an indicator event under the unit of its claim, which an earlier day may have fixed.
            if (await log.Log(decision, now, referencePrefix, cancellationToken).ConfigureAwait(false) is { } e)
            {
                logged.Add(e);
                LogLogged(logger, e.Id.Value, e.Unit.Value, e.Item.Value, e.Rule.Value, e.Level);
                if (!e.LogOnly)
                {
                    // A log-only event (no channels) is logged LogOnly, final: nothing to deliver, never published.
                    toPublish.Add((e, true));
                }
            }
        }

        var republished = 0;
        foreach (var (unit, id, state) in undelivered)
        {
            if (state.Status is LogStatus.Logged or LogStatus.Published
                && await log.Find(unit, id, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (!state.Indexed)
                {
                    await log.EnsureIndexed(unit, id, cancellationToken).ConfigureAwait(false);
                }

                toPublish.Add((entry.Event, state.Status == LogStatus.Logged));
                republished++;
            }
        }

        if (toPublish.Count > 0)
        {
            await publisher.Publish(ServiceBusEntities.EventsTopic, [.. toPublish.Select(p => EventNotice.First(p.Event))], cancellationToken).ConfigureAwait(false);
            foreach (var (e, wasLogged) in toPublish.Where(p => p.WasLogged))
            {
                await log.SetStatus(e.Unit, e.Id, s => s == LogStatus.Logged ? LogStatus.Published : s, null, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return new CommitOutcome(logged, republished);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged event {EventId} for unit {Unit}, task {Task}, rule {Rule}, level {Level}")]
    private static partial void LogLogged(ILogger logger, string eventId, string unit, string task, string rule, Domain.Rules.EventLevel level);
}
