using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>Local mode's senders: email to the SMTP server when one is configured, else to the outbox folder; SMS to the outbox's SMS log.</summary>
internal sealed class LocalSenders : IDisposable
{
    private readonly IDisposable[] _owned;

    private LocalSenders(IEmailSender email, ISmsSender sms, params IDisposable[] owned)
    {
        Tally = new Tally(email, sms);
        Describe = $"邮件：{email.Describe}；短信：{sms.Describe}";
        _owned = owned;
    }

    public Tally Tally { get; }

    public string Describe { get; }

    public static LocalSenders Create(EngineSettings settings, string outbox, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
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
