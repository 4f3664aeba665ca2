using Escalation.Domain.Rules;
using Escalation.Functions.Sending;

namespace Escalation.Functions.Local;

/// <summary>Counts what the senders were asked to send and what they said, for a run's summary.</summary>
internal sealed class Tally(IEmailSender emailSender, ISmsSender smsSender) : IEmailSender, ISmsSender
{
    private readonly Dictionary<(Channel, string), int> _counts = [];
    private readonly Lock _gate = new();

    string IEmailSender.Describe => emailSender.Describe;

    string ISmsSender.Describe => smsSender.Describe;

    /// <summary>Results of this run by channel and outcome (<c>Sent</c>, <c>Transient</c>, <c>Rejected</c>).</summary>
    public int Count(Channel channel, string outcome)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault((channel, outcome));
        }
    }

    public int Sent => Count(Channel.Email, nameof(SendResult.Sent)) + Count(Channel.Sms, nameof(SendResult.Sent));

    public async Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        var result = await emailSender.Send(email, cancellationToken).ConfigureAwait(false);
        Add(Channel.Email, result);
        return result;
    }

    public async Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default)
    {
        var results = await smsSender.Send(messages, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            Add(Channel.Sms, result);
        }

        return results;
    }

    private void Add(Channel channel, SendResult result)
    {
        lock (_gate)
        {
            var key = (channel, result.GetType().Name);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }
}
