using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Sending;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>Local mode with an SMTP server configured: the emails go to the real SMTP sink started by ./test.sh, not to the outbox.</summary>
public sealed class SmtpLocalModeTests
{
    [Fact]
    public async Task Simulate_DeliversEmailsThroughSmtp_WhenSmtpHostIsSet()
    {
        using var temp = new TempFolder();
        var sink = SmtpSink.Options();
        var settings = new Dictionary<string, string>
        {
            [EngineSettings.SmtpHostKey] = sink.Host,
            [EngineSettings.SmtpPortKey] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [EngineSettings.SmtpSecurityKey] = "none",
            [EngineSettings.EmailSenderKey] = "duchashi@example.gov.cn",
        };

        // From late April: the tasks are first seen before April's close, so April and May both count and May's close gives the notice.
        var run = SimulatedRun.Of(temp, "two-lagging-months", "2024-04-22", "2024-06-04", setting: key => settings.GetValueOrDefault(key));

        var notice = Assert.Single(run.OfRule("R5"));
        var principal = notice.Recipients.First(r => r.Role == "unit-principal").Person;
        var received = await SmtpSink.ReceivedCarrying(notice.EventId, principal);
        Assert.Contains("通报", received.Subject, StringComparison.Ordinal);
        Assert.Equal("duchashi@example.gov.cn", received.From.Mailboxes.Single().Address);
        Assert.False(Directory.Exists(Path.Combine(run.Outbox, OutboxEmailSender.Folder)), "emails went to the outbox although SMTP is configured");
        Assert.NotEmpty(run.SmsOf(notice));
    }
}
