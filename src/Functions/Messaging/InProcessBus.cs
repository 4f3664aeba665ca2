using System.Globalization;
using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>A message parked because it could never succeed, or because it failed on every delivery.</summary>
public sealed record DeadLetteredMessage(string Entity, string MessageId, string Reason, BinaryData Body);

/// <summary>
/// Local mode's Service Bus: queues and topics with subscriptions in memory, with the semantics the engine relies on:
/// at-least-once delivery (a handler that throws gets the message again at once, like an abandoned lock), scheduled
/// messages, duplicate detection by message id within a window, correlation filters on one application property, and
/// dead letters (on request, or after <c>maxDeliveryCount</c> failed deliveries). Messages are handed over one at a time,
/// in visible-time then publication order, by <see cref="Drain(Instant, Action{Instant}?, CancellationToken)"/>; nothing runs in the background.
/// </summary>
public sealed class InProcessBus(IClock clock, int maxDeliveryCount = 10, Duration? duplicateDetectionWindow = null) : IMessagePublisher
{
    private readonly Duration _duplicateWindow = duplicateDetectionWindow ?? Duration.FromMinutes(10);
    private readonly Dictionary<string, List<Receiver>> _receivers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Entity, string MessageId), Instant> _seen = [];
    private readonly List<Queued> _queued = [];
    private readonly List<DeadLetteredMessage> _deadLetters = [];
    private readonly Lock _gate = new();
    private long _sequence;

    public delegate Task<Settlement> Handler(ReceivedMessage message, CancellationToken cancellationToken);

    public IReadOnlyList<DeadLetteredMessage> DeadLetters
    {
        get
        {
            lock (_gate)
            {
                return [.. _deadLetters];
            }
        }
    }

    /// <summary>Messages not yet handed over: (receiver, visible at).</summary>
    public IReadOnlyList<(string Receiver, Instant VisibleAt)> Waiting
    {
        get
        {
            lock (_gate)
            {
                return [.. _queued.Select(q => (q.Receiver.Name, q.VisibleAt))];
            }
        }
    }

    /// <summary>Declares a queue and the handler of its messages.</summary>
    public void Queue(string name, Handler handler) => Add(name, new Receiver(name, null, handler));

    /// <summary>Declares a subscription to a topic taking the messages whose <paramref name="property"/> is <c>true</c>.</summary>
    public void Subscription(string topic, string name, string property, Handler handler) =>
        Add(topic, new Receiver($"{topic}/{name}", property, handler));

    public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = clock.GetCurrentInstant();
        lock (_gate)
        {
            if (!_receivers.TryGetValue(entity, out var receivers))
            {
                throw new InvalidOperationException($"The local bus has no queue or topic named '{entity}'.");
            }

            foreach (var message in messages)
            {
                if (_seen.TryGetValue((entity, message.MessageId), out var at) && now - at < _duplicateWindow)
                {
                    continue;
                }

                _seen[(entity, message.MessageId)] = now;
                foreach (var receiver in receivers.Where(r => r.Accepts(message)))
                {
                    var visible = message.ScheduledEnqueueTime is { } scheduled && scheduled > now ? scheduled : now;
                    _queued.Add(new Queued(receiver, message, visible, ++_sequence));
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands over every message visible at or before <paramref name="until"/>, including those published meanwhile, one
    /// at a time. Before each, <paramref name="advanceTo"/> (if given) moves a simulated clock to the message's visible
    /// time. Returns how many deliveries were made.
    /// </summary>
    public Task<int> Drain(Instant until, Action<Instant>? advanceTo = null, CancellationToken cancellationToken = default) =>
        Drain(until, advanceTo, null, cancellationToken);

    /// <summary>
    /// As <see cref="Drain(Instant, Action{Instant}?, CancellationToken)"/>, leaving queued the messages <paramref name="hold"/>
    /// picks by message and visible time (they are handed over by a later drain, in their order).
    /// </summary>
    public async Task<int> Drain(Instant until, Action<Instant>? advanceTo, Func<OutgoingMessage, Instant, bool>? hold, CancellationToken cancellationToken = default)
    {
        var handed = 0;
        while (Next(until, hold) is { } next)
        {
            cancellationToken.ThrowIfCancellationRequested();
            advanceTo?.Invoke(next.VisibleAt);
            next.DeliveryCount++;
            var received = new ReceivedMessage(next.Message.MessageId, next.Message.Body, next.DeliveryCount, next.Message.Properties);
            handed++;
            Settlement settlement;
            try
            {
                settlement = await next.Receiver.Handler(received, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing handler abandons the message, as the broker would; the exception is the dead letter's reason.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                if (next.DeliveryCount >= maxDeliveryCount)
                {
                    settlement = new Settlement.DeadLetter(string.Create(CultureInfo.InvariantCulture, $"MaxDeliveryCountExceeded ({maxDeliveryCount}): {e.GetType().Name}: {e.Message}"));
                }
                else
                {
                    continue; // abandoned: still queued, visible at once
                }
            }

            lock (_gate)
            {
                _queued.Remove(next);
                if (settlement is Settlement.DeadLetter dead)
                {
                    _deadLetters.Add(new DeadLetteredMessage(next.Receiver.Name, next.Message.MessageId, dead.Reason, next.Message.Body));
                }
            }
        }

        return handed;
    }

    private Queued? Next(Instant until, Func<OutgoingMessage, Instant, bool>? hold)
    {
        lock (_gate)
        {
            Queued? best = null;
            foreach (var q in _queued)
            {
                if (q.VisibleAt <= until && (hold is null || !hold(q.Message, q.VisibleAt)) && (best is null || q.VisibleAt < best.VisibleAt || (q.VisibleAt == best.VisibleAt && q.Sequence < best.Sequence)))
                {
                    best = q;
                }
            }

            return best;
        }
    }

    private void Add(string entity, Receiver receiver)
    {
        lock (_gate)
        {
            if (!_receivers.TryGetValue(entity, out var list))
            {
                _receivers[entity] = list = [];
            }

            list.Add(receiver);
        }
    }

    private sealed record Receiver(string Name, string? Property, Handler Handler)
    {
        public bool Accepts(OutgoingMessage message) =>
            Property is null || (message.Properties.TryGetValue(Property, out var value) && value == "true");
    }

    private sealed class Queued(Receiver receiver, OutgoingMessage message, Instant visibleAt, long sequence)
    {
        public Receiver Receiver { get; } = receiver;

        public OutgoingMessage Message { get; } = message;

        public Instant VisibleAt { get; } = visibleAt;

        public long Sequence { get; } = sequence;

        public int DeliveryCount { get; set; }
    }
}
