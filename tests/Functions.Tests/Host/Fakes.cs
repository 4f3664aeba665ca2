using Escalation.Domain.Delivery;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// Records what the engine publishes, entity by entity. <see cref="FailNext"/> makes the next publication throw (a Service
/// Bus outage), once, before anything is recorded.
/// </summary>
internal sealed class RecordingPublisher : IMessagePublisher
{
    private readonly Lock _gate = new();
    private readonly List<(string Entity, OutgoingMessage Message)> _published = [];
    private Exception? _failNext;

    public IReadOnlyList<(string Entity, OutgoingMessage Message)> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    public int Calls { get; private set; }

    public IReadOnlyList<OutgoingMessage> To(string entity) => [.. Published.Where(p => p.Entity == entity).Select(p => p.Message)];

    /// <summary>
    /// What the entity keeps: its messages with their repeats dropped, as duplicate detection (on for every entity in
    /// <c>servicebus.bicep</c>) drops a message whose id it has seen in its window. Two racing calls may both publish an
    /// event that is logged but not yet marked published; the topic keeps one.
    /// </summary>
    public IReadOnlyList<OutgoingMessage> Kept(string entity) => [.. To(entity).DistinctBy(m => m.MessageId)];

    /// <summary>The next call to <see cref="Publish"/> throws <paramref name="failure"/> and publishes nothing.</summary>
    public void FailNext(Exception failure)
    {
        lock (_gate)
        {
            _failNext = failure;
        }
    }

    public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_gate)
        {
            Calls++;
            if (_failNext is { } failure)
            {
                _failNext = null;
                throw failure;
            }

            _published.AddRange(messages.Select(m => (entity, m)));
        }

        return Task.CompletedTask;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _published.Clear();
        }
    }
}

/// <summary>Counts the emails handed to the real outbox sender, so that a second send shows even though the file is replaced.</summary>
internal sealed class CountingEmailSender(IEmailSender inner) : IEmailSender
{
    private int _sent;

    public int Sent => _sent;

    public string Describe => inner.Describe;

    public Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _sent);
        return inner.Send(email, cancellationToken);
    }
}

/// <summary>Counts the SMS handed to the real outbox sender, which would itself drop a dispatch id it has logged before.</summary>
internal sealed class CountingSmsSender(ISmsSender inner) : ISmsSender
{
    private int _sent;

    public int Sent => _sent;

    public string Describe => inner.Describe;

    public Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Interlocked.Add(ref _sent, messages.Count);
        return inner.Send(messages, cancellationToken);
    }
}
