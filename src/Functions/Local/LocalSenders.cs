using Escalation.Domain.Wording;
using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>Local mode's senders: email to the SMTP server when one is configured, else to the outbox folder; SMS to the outbox's SMS log.</summary>
internal sealed class LocalSenders : IDisposable
{
    private readonly IDisposable[] _owned;

    private LocalSenders(IEmailSender email, ISmsSender sms, params IDisposable[] owned)
        : this(new EmailChannel(email), new SmsChannel(sms), owned)
    {
    }

    private LocalSenders(IChannelSender email, IChannelSender sms, IDisposable[] owned)
    {
        Channels = Tally.Counting(new ChannelSet([email, sms]));
        Describe = string.Join("；", Channels.Senders.Select(s => $"{ChineseNames.Of(s.Channel)}：{s.Describe}"));
        _owned = owned;
    }

    /// <summary>What was sent, by channel and outcome.</summary>
    public Tally Tally { get; } = new();

    /// <summary>The channels, counted by <see cref="Tally"/>.</summary>
    public ChannelSet Channels { get; }

    public string Describe { get; }

    public static LocalSenders Create(EngineSettings settings, string outbox, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var owned = new List<IDisposable>();
        if (settings.SmsGateway.Channel(outbox, clock, owned.Add) is { } gateway)
        {
            // A mainland gateway (aliyun, tencent): its client when credentials are set, else the outbox's sms-gateway.log.
            if (settings.Smtp is { } gatewaySmtp)
            {
                var gatewayMail = new SmtpEmailSender(gatewaySmtp, clock);
                owned.Add(gatewayMail);
                return new LocalSenders(new EmailChannel(gatewayMail), gateway, [.. owned]);
            }

            return new LocalSenders(new EmailChannel(new OutboxEmailSender(outbox, clock, settings.EmailSender)), gateway, [.. owned]);
        }

        var sms = new OutboxSmsSender(outbox, clock);
        if (settings.Smtp is { } smtp)
        {
            var mail = new SmtpEmailSender(smtp, clock);
            return new LocalSenders(mail, sms, mail, sms);
        }

        return new LocalSenders(new OutboxEmailSender(outbox, clock, settings.EmailSender), sms, sms);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
