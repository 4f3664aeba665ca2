using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>One email to one recipient, already rendered.</summary>
/// <param name="DeliveryId">The ledger's delivery id (<c>{event}:{channel}:{person}</c>): the provider's idempotency key derives from it.</param>
/// <param name="To">The recipient's address.</param>
/// <param name="ToName">The recipient's display name.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="PlainText">The plain-text body.</param>
/// <param name="Html">The HTML body.</param>
public sealed record EmailToSend(string DeliveryId, string To, string? ToName, string Subject, string PlainText, string Html);

/// <summary>One SMS to one recipient, already rendered.</summary>
/// <param name="DeliveryId">The ledger's delivery id: the provider's repeatability id derives from it.</param>
/// <param name="To">E.164 number, e.g. +8613800138000.</param>
/// <param name="Text">The whole text, signature included.</param>
/// <param name="FirstAttemptAt">When this delivery was first attempted: repeated attempts must send the same value (SMS repeatability).</param>
public sealed record SmsToSend(string DeliveryId, string To, string Text, Instant FirstAttemptAt);

/// <summary>What a provider said about one message.</summary>
public abstract record SendResult
{
    private SendResult()
    {
    }

    /// <summary>Accepted by the provider (for email: the send operation succeeded or is still running when polling stopped).</summary>
    /// <param name="ProviderId">The provider's id for it (operation id, message id), for tracing.</param>
    public sealed record Sent(string? ProviderId) : SendResult;

    /// <summary>Not sent, and trying again later may work (throttled, provider unavailable, connection lost).</summary>
    /// <param name="Error">What went wrong, without the address.</param>
    /// <param name="RetryAfter">The provider's requested wait, when it gave one.</param>
    public sealed record Transient(string Error, Duration? RetryAfter = null) : SendResult;

    /// <summary>Not sent, and it never will be as it stands (address refused, request invalid).</summary>
    public sealed record Rejected(string Error) : SendResult;
}

/// <summary>Sends emails. Implementations: Communication Services (REST), SMTP (MailKit), the outbox folder (local mode).</summary>
public interface IEmailSender
{
    /// <summary>Where the mail goes, for logs and summaries (no secrets).</summary>
    string Describe { get; }

    Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default);
}

/// <summary>Sends SMS. Implementations: Communication Services (REST), the outbox's SMS log (local mode).</summary>
public interface ISmsSender
{
    /// <summary>Where the messages go, for logs and summaries (no secrets).</summary>
    string Describe { get; }

    /// <summary>Sends each message; the answer has one result per message, in the same order.</summary>
    Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default);
}
