using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>
/// A message for a queue or topic. <see cref="MessageId"/> is what the broker's duplicate detection keys on: the same id
/// published twice within the detection window is stored once.
/// </summary>
/// <param name="MessageId">The event id, <c>evaluate:{date}:{unit}</c>, or <c>dispatch-{hash}@{time}</c> for a message's sending time (its first, deferred or retried attempt).</param>
/// <param name="Body">UTF-8 JSON.</param>
/// <param name="Properties">Application properties, used by subscription filters (string values).</param>
/// <param name="ScheduledEnqueueTime">When the message becomes visible; null for at once.</param>
/// <param name="CorrelationId">Optional correlation id (the event id for delivery messages).</param>
/// <param name="TimeToLive">Optional time to live.</param>
public sealed record OutgoingMessage(
    string MessageId,
    BinaryData Body,
    IReadOnlyDictionary<string, string> Properties,
    Instant? ScheduledEnqueueTime = null,
    string? CorrelationId = null,
    Duration? TimeToLive = null)
{
    public const string ContentType = "application/json";
}

/// <summary>
/// Sends messages to a queue or topic. Implementations: <see cref="ServiceBusPublisher"/> (Azure: the Service Bus SDK
/// over AMQP, size-checked batches) and <see cref="InProcessBus"/> (local mode). A failure that may pass (throttling, a
/// broker restart) throws once the implementation's own retries are spent (a <c>ServiceBusException</c> whose
/// <c>IsTransient</c> is set), so that the invocation fails and is retried; one that cannot pass (no such entity, no
/// send right, a message too large) throws too, naming what to fix. Nothing is swallowed. Messages of one call may be
/// split over several sends: a failure can leave the earlier ones sent, which is harmless, as the broker's duplicate
/// detection keys on <see cref="OutgoingMessage.MessageId"/>.
/// </summary>
public interface IMessagePublisher
{
    /// <summary>Publishes the messages to <paramref name="entity"/> (a queue or topic name), in order.</summary>
    Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default);
}
