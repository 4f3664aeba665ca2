using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>One email to one recipient, already rendered.</summary>
/// <param name="DispatchId">The message's id (<c>{channel}:{person}:{day}:{level}:{sequence}</c>): the provider's idempotency key derives from it.</param>
/// <param name="To">The recipient's address.</param>
/// <param name="ToName">The recipient's display name.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="PlainText">The plain-text body.</param>
/// <param name="Html">The HTML body.</param>
public sealed record EmailToSend(string DispatchId, string To, string? ToName, string Subject, string PlainText, string Html)
{
    /// <summary>The events it carries (their ids), for the outbox and tracing.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>The sender's display name (the office's 落款); null for the sender's default.</summary>
    public string? FromName { get; init; }

    /// <summary>Files sent with it (a digest's workbook); none for the engine's messages.</summary>
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
}

/// <summary>A file attached to an email.</summary>
/// <param name="Name">The file name the recipient sees, e.g. 2026年第23周督查清单.xlsx.</param>
/// <param name="ContentType">Its MIME type.</param>
/// <param name="Content">Its bytes.</param>
public sealed record EmailAttachment(string Name, string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>The MIME type of an .xlsx workbook.</summary>
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>One SMS to one recipient, already rendered.</summary>
/// <param name="DispatchId">The message's id: the provider's repeatability id derives from it.</param>
/// <param name="To">E.164 number, e.g. +8613800138000.</param>
/// <param name="Text">The whole text, signature included.</param>
/// <param name="FirstAttemptAt">When this message was first attempted: repeated attempts must send the same value (SMS repeatability).</param>
public sealed record SmsToSend(string DispatchId, string To, string Text, Instant FirstAttemptAt)
{
    /// <summary>The events it carries (their ids), for the outbox and tracing.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
}

/// <summary>
/// One message ready for a channel: who it goes to, what it says (a <see cref="Letter"/>, rendered by the channel in its
/// own form), and its identity for the provider's idempotency.
/// </summary>
/// <param name="DispatchId">The message's id (<see cref="DispatchKey.Id"/>).</param>
/// <param name="To">The address on the channel.</param>
/// <param name="ToName">The person's name.</param>
/// <param name="Letter">What it says.</param>
/// <param name="Wording">Who signs and how.</param>
/// <param name="FirstAttemptAt">When it was first attempted: every attempt sends the same value.</param>
public sealed record Parcel(string DispatchId, string To, string? ToName, Letter Letter, WordingSettings Wording, Instant FirstAttemptAt)
{
    /// <summary>The ids of the events it carries.</summary>
    public IReadOnlyList<string> Events => [.. Letter.Items.Select(i => i.Event.Id.Value)];

    /// <summary>The mainland SMS gateway's templates (smstemplates), for a channel that sends template codes.</summary>
    public SmsTemplateMap SmsTemplates { get; init; } = SmsTemplateMap.Empty;

    /// <summary>
    /// Since when an earlier attempt may have sent it unconfirmed (<see cref="Dispatch.UnconfirmedSince"/>): a channel that
    /// can ask its provider does so before sending again.
    /// </summary>
    public Instant? UnconfirmedSince { get; init; }

    /// <summary>For a group robot: the mobiles its post @-mentions (the unit's addressed recipients), E.164.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>For a group robot: the robot (robots table) the parcel goes to; null for a person.</summary>
    public Escalation.Domain.Catalog.Robot? Robot { get; init; }
}

/// <summary>
/// The channel port: one adapter per channel renders a <see cref="Parcel"/> in its channel's form and hands it to its
/// provider. The engine, the handler and local mode know channels only through a <see cref="ChannelSet"/> of these.
/// </summary>
public interface IChannelSender
{
    /// <summary>The channel it delivers.</summary>
    Channel Channel { get; }

    /// <summary>Where the messages go, for logs and summaries (no secrets).</summary>
    string Describe { get; }

    Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default);
}

/// <summary>
/// A channel adapter that also carries a ready-made email (a digest, with its attachment): the email channel, and the
/// wrappers around it (local mode's tally), so that digests go through the same port and are counted the same way.
/// </summary>
public interface IEmailCarrier
{
    /// <summary>The email provider behind the channel.</summary>
    IEmailSender Mail { get; }
}

/// <summary>Email on the channel port: the letter rendered as subject, plain text and HTML, then the email provider.</summary>
public sealed class EmailChannel(IEmailSender sender) : IChannelSender, IEmailCarrier
{
    IEmailSender IEmailCarrier.Mail => sender;

    public Channel Channel => Channel.Email;

    public string Describe => sender.Describe;

    public IEmailSender Sender => sender;

    public Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var message = MessageWording.RenderEmail(parcel.Letter, parcel.Wording);
        return sender.Send(
            new EmailToSend(parcel.DispatchId, parcel.To, parcel.ToName, message.Subject, message.PlainText, message.Html)
            {
                Events = parcel.Events,
                FromName = parcel.Wording.SenderName,
            },
            cancellationToken);
    }
}

/// <summary>SMS on the channel port: the letter rendered as one text, then the SMS provider.</summary>
public sealed class SmsChannel(ISmsSender sender) : IChannelSender
{
    public Channel Channel => Channel.Sms;

    public string Describe => sender.Describe;

    public ISmsSender Sender => sender;

    public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var text = MessageWording.RenderSms(parcel.Letter, parcel.Wording).Text;
        var results = await sender.Send([new SmsToSend(parcel.DispatchId, parcel.To, text, parcel.FirstAttemptAt) { Events = parcel.Events }], cancellationToken).ConfigureAwait(false);
        return results[0];
    }
}

/// <summary>
/// The configured channels, one adapter each: the one place the engine, the custom handler, local mode and the tests get
/// them from. A channel's function is <c>Deliver{Channel}</c> and its subscription to the <c>events</c> topic is the
/// channel's name in lower case, filtered on the application property named after the channel.
/// </summary>
public sealed class ChannelSet
{
    private readonly Dictionary<Channel, IChannelSender> _senders;

    public ChannelSet(IEnumerable<IChannelSender> senders)
    {
        ArgumentNullException.ThrowIfNull(senders);
        _senders = [];
        foreach (var sender in senders)
        {
            if (!_senders.TryAdd(sender.Channel, sender))
            {
                throw new ArgumentException($"Two adapters for channel {sender.Channel}.", nameof(senders));
            }
        }
    }

    /// <summary>Email and SMS through these providers.</summary>
    public static ChannelSet Of(IEmailSender email, ISmsSender sms) => new([new EmailChannel(email), new SmsChannel(sms)]);

    /// <summary>The channels, in declaration order.</summary>
    public IReadOnlyList<Channel> Channels => [.. _senders.Keys.Order()];

    public IReadOnlyList<IChannelSender> Senders => [.. Channels.Select(c => _senders[c])];

    /// <summary>The adapter of <paramref name="channel"/>, or null when none is configured.</summary>
    public IChannelSender? this[Channel channel] => _senders.GetValueOrDefault(channel);

    /// <summary>The function that delivers a channel: <c>DeliverEmail</c>, <c>DeliverSms</c>.</summary>
    public static string FunctionName(Channel channel) => "Deliver" + channel;

    /// <summary>The channel's subscription to the <c>events</c> topic: <c>email</c>, <c>sms</c>.</summary>
    public static string SubscriptionName(Channel channel) => channel.ToString().ToLowerInvariant();

    /// <summary>The application property the subscription's filter reads (<c>Email</c> = <c>true</c>).</summary>
    public static string FilterProperty(Channel channel) => channel.ToString();
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
