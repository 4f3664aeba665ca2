using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Sending;

namespace Escalation.Functions.Local;

/// <summary>Counts what the channels were asked to send and what their providers said, for a run's summary.</summary>
internal sealed class Tally
{
    private readonly Dictionary<(Channel, string), int> _counts = [];
    private readonly Lock _gate = new();

    /// <summary>The same channels, each counted here.</summary>
    public ChannelSet Counting(ChannelSet channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return new ChannelSet(channels.Senders.Select(s => s is IEmailCarrier carrier ? new CountedEmail(s, carrier.Mail, this) : (IChannelSender)new Counted(s, this)));
    }

    /// <summary>Results of this run by channel and outcome (<c>Sent</c>, <c>Transient</c>, <c>Rejected</c>).</summary>
    public int Count(Channel channel, string outcome)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault((channel, outcome));
        }
    }

    /// <summary>Messages the providers accepted, on every channel.</summary>
    public int Sent
    {
        get
        {
            lock (_gate)
            {
                return _counts.Where(c => c.Key.Item2 == nameof(SendResult.Sent)).Sum(c => c.Value);
            }
        }
    }

    private void Add(Channel channel, SendResult result)
    {
        lock (_gate)
        {
            var key = (channel, result.GetType().Name);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>The email channel counted, and its ready-made emails (digests) too.</summary>
    private sealed class CountedEmail(IChannelSender inner, IEmailSender mail, Tally tally) : IChannelSender, IEmailCarrier, IEmailSender
    {
        public Channel Channel => inner.Channel;

        public string Describe => inner.Describe;

        public IEmailSender Mail => this;

        public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
        {
            var result = await inner.Send(parcel, cancellationToken).ConfigureAwait(false);
            tally.Add(inner.Channel, result);
            return result;
        }

        public async Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
        {
            var result = await mail.Send(email, cancellationToken).ConfigureAwait(false);
            tally.Add(inner.Channel, result);
            return result;
        }
    }

    private sealed class Counted(IChannelSender inner, Tally tally) : IChannelSender
    {
        public Channel Channel => inner.Channel;

        public string Describe => inner.Describe;

        public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
        {
            var result = await inner.Send(parcel, cancellationToken).ConfigureAwait(false);
            tally.Add(inner.Channel, result);
            return result;
        }
    }
}
