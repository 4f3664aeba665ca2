using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>
/// Local mode's senders: email to the SMTP server when one is configured, else to the outbox folder; SMS to the outbox's
/// SMS log (or a mainland gateway); the group robots (WeCom, DingTalk) to their webhooks when one is set (settings or
/// <c>.local/secrets.json</c>), else to the outbox's <c>wecom.log</c> / <c>dingtalk.log</c>.
/// </summary>
internal sealed class LocalSenders : IDisposable
{
    private readonly IDisposable[] _owned;

    private LocalSenders(IChannelSender email, IChannelSender sms, IReadOnlyList<IChannelSender> robots, IDisposable[] owned)
    {
        Channels = Tally.Counting(new ChannelSet([email, sms, .. robots]));
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
        var http = new HttpClient();
        owned.Add(http);
        var secrets = LocalSecrets.Read(EngineSettings.DefaultSecretsFile);
        string? Robot(string key) => settings.Robots(key) ?? secrets.GetValueOrDefault(key);
        RobotChannel[] robots = [new(Channel.WeCom, Robot, http, clock, outbox), new(Channel.DingTalk, Robot, http, clock, outbox)];
        owned.AddRange(robots);

        if (settings.SmsGateway.Channel(outbox, clock, owned.Add) is { } gateway)
        {
            // A mainland gateway (aliyun, tencent): its client when credentials are set, else the outbox's sms-gateway.log.
            if (settings.Smtp is { } gatewaySmtp)
            {
                var gatewayMail = new SmtpEmailSender(gatewaySmtp, clock);
                owned.Add(gatewayMail);
                return new LocalSenders(new EmailChannel(gatewayMail), gateway, robots, [.. owned]);
            }

            return new LocalSenders(new EmailChannel(new OutboxEmailSender(outbox, clock, settings.EmailSender)), gateway, robots, [.. owned]);
        }

        var sms = new OutboxSmsSender(outbox, clock);
        owned.Add(sms);
        if (settings.Smtp is { } smtp)
        {
            var mail = new SmtpEmailSender(smtp, clock);
            owned.Add(mail);
            return new LocalSenders(new EmailChannel(mail), new SmsChannel(sms), robots, [.. owned]);
        }

        return new LocalSenders(new EmailChannel(new OutboxEmailSender(outbox, clock, settings.EmailSender)), new SmsChannel(sms), robots, [.. owned]);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
