using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Sending;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// An email sender that records every call and answers <see cref="SendResult.Sent"/>, unless scripted: answers queued
/// per address are given in order (then Sent again), and a call can be made to throw after it was recorded.
/// </summary>
internal sealed class RecordingEmailSender(IClock clock) : IEmailSender
{
    private readonly Dictionary<string, Queue<SendResult>> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SendResult> _always = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SentEmail> _calls = [];
    private readonly Dictionary<int, Exception> _throws = [];

    public string Describe => "recording email sender";

    /// <summary>Every call, in order, with what was answered (null when the call threw).</summary>
    public IReadOnlyList<SentEmail> Calls => _calls;

    /// <summary>The calls answered <see cref="SendResult.Sent"/>.</summary>
    public IReadOnlyList<SentEmail> Sent => [.. _calls.Where(c => c.Result is SendResult.Sent)];

    /// <summary>The next calls for <paramref name="address"/> get these answers, in order; later calls get Sent.</summary>
    public void Script(string address, params SendResult[] answers)
    {
        if (!_scripts.TryGetValue(address, out var queue))
        {
            _scripts[address] = queue = new Queue<SendResult>();
        }

        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>Every call for <paramref name="address"/> gets <paramref name="answer"/>.</summary>
    public void Always(string address, SendResult answer) => _always[address] = answer;

    /// <summary>The <paramref name="callNumber"/>-th call (1-based) is recorded, then throws <paramref name="exception"/>.</summary>
    public void ThrowOnCall(int callNumber, Exception exception) => _throws[callNumber] = exception;

    public Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (_throws.TryGetValue(_calls.Count + 1, out var exception))
        {
            _calls.Add(new SentEmail(email, clock.GetCurrentInstant(), null));
            throw exception;
        }

        var result = _scripts.TryGetValue(email.To, out var queue) && queue.TryDequeue(out var scripted)
            ? scripted
            : _always.GetValueOrDefault(email.To) ?? new SendResult.Sent($"op-{_calls.Count + 1}");
        _calls.Add(new SentEmail(email, clock.GetCurrentInstant(), result));
        return Task.FromResult(result);
    }
}

internal sealed record SentEmail(EmailToSend Email, Instant At, SendResult? Result);

/// <summary>
/// An SMS sender that records every message of every call and answers each one Sent, unless scripted per number (as
/// <see cref="RecordingEmailSender"/>): a batch may get a different answer for each of its recipients.
/// </summary>
internal sealed class RecordingSmsSender(IClock clock) : ISmsSender
{
    private readonly Dictionary<string, Queue<SendResult>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SendResult> _always = new(StringComparer.Ordinal);
    private readonly List<SentSms> _messages = [];

    public string Describe => "recording SMS sender";

    /// <summary>How many times <see cref="Send"/> was called (one per message and attempt: the SMS channel hands over one message at a time).</summary>
    public int Batches { get; private set; }

    /// <summary>Every message handed over, in order, with what was answered.</summary>
    public IReadOnlyList<SentSms> Calls => _messages;

    /// <summary>The messages answered <see cref="SendResult.Sent"/>.</summary>
    public IReadOnlyList<SentSms> Sent => [.. _messages.Where(c => c.Result is SendResult.Sent)];

    public void Script(string number, params SendResult[] answers)
    {
        if (!_scripts.TryGetValue(number, out var queue))
        {
            _scripts[number] = queue = new Queue<SendResult>();
        }

        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    public void Always(string number, SendResult answer) => _always[number] = answer;

    public Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Batches++;
        var results = new List<SendResult>(messages.Count);
        foreach (var sms in messages)
        {
            var result = _scripts.TryGetValue(sms.To, out var queue) && queue.TryDequeue(out var scripted)
                ? scripted
                : _always.GetValueOrDefault(sms.To) ?? new SendResult.Sent($"sms-{_messages.Count + 1}");
            _messages.Add(new SentSms(sms, clock.GetCurrentInstant(), result));
            results.Add(result);
        }

        return Task.FromResult<IReadOnlyList<SendResult>>(results);
    }
}

internal sealed record SentSms(SmsToSend Sms, Instant At, SendResult Result);

/// <summary>
/// A channel adapter that records every parcel handed to the adapter it wraps (the real <c>RobotChannel</c> in the
/// sandbox, which writes the outbox's wecom.log / dingtalk.log) and what it answered, as the recording senders do for
/// email and SMS: a second post of one message shows as a second call even though the outbox log keeps its line once.
/// </summary>
internal sealed class RecordingChannel(IChannelSender inner, IClock clock) : IChannelSender
{
    private readonly List<SentParcel> _calls = [];
    private readonly Lock _gate = new();

    public Channel Channel => inner.Channel;

    public string Describe => inner.Describe;

    /// <summary>Every parcel handed over, in order, with what was answered.</summary>
    public IReadOnlyList<SentParcel> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The parcels answered <see cref="SendResult.Sent"/>.</summary>
    public IReadOnlyList<SentParcel> Sent => [.. Calls.Where(c => c.Result is SendResult.Sent)];

    public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var at = clock.GetCurrentInstant();
        var result = await inner.Send(parcel, cancellationToken);
        lock (_gate)
        {
            _calls.Add(new SentParcel(parcel, at, result));
        }

        return result;
    }
}

internal sealed record SentParcel(Parcel Parcel, Instant At, SendResult Result);
