using System.Net;
using System.Net.Sockets;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using MimeKit;

namespace Escalation.Functions.Tests.Sending;

/// <summary>
/// The SMTP sender against a real SMTP server: the sink of ./test.sh, which refuses reject* (550) and busy* (451) and
/// hangs up on hangup* (421). Each test has its own recipients and delivery ids, so tests run in parallel on one sink.
/// </summary>
public sealed class SmtpEmailSenderTests
{
    [Fact]
    public async Task Send_DeliversTheChineseMessage_WhenTheServerAcceptsIt()
    {
        var tag = Guid.NewGuid().ToString("N");
        var email = Mails.Notice(tag, to: $"wang-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(), Mails.Clock());

        var result = await sender.Send(email);

        var sent = Assert.IsType<SendResult.Sent>(result);
        var message = await SmtpSink.Received(email.DispatchId);
        Assert.Equal(MailMessages.MessageId(email.DispatchId, "example.gov.cn"), sent.ProviderId);
        Assert.Equal(sent.ProviderId, message.MessageId);
        Assert.Equal(email.Subject, message.Subject);
        Assert.Equal(email.PlainText, message.TextBody?.ReplaceLineEndings("\n"));
        Assert.Equal(email.Html, message.HtmlBody?.TrimEnd('\r', '\n'));
        var to = Assert.IsType<MailboxAddress>(Assert.Single(message.To));
        Assert.Equal(("王伟", email.To), (to.Name, to.Address));
        Assert.Equal("督查室", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Name);
    }

    [Fact]
    public async Task Send_ReturnsRejectedWithoutTheAddress_WhenTheServerRefusesTheRecipient()
    {
        var tag = Guid.NewGuid().ToString("N");
        var refused = Mails.Notice("r" + tag, to: $"reject-{tag}@jtj.example.gov.cn");
        var next = Mails.Notice("n" + tag, to: $"li-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(), Mails.Clock());

        var result = await sender.Send(refused);
        var afterwards = await sender.Send(next);

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains("550", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("re***@jtj.example.gov.cn", rejected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(refused.To, rejected.Error, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<SendResult.Sent>(afterwards);
        Assert.Equal(next.Subject, (await SmtpSink.Received(next.DispatchId)).Subject);
        Assert.False(SmtpSink.HasReceived(refused.DispatchId));
    }

    [Fact]
    public async Task Send_ReturnsTransient_WhenTheServerDefersTheRecipient()
    {
        var tag = Guid.NewGuid().ToString("N");
        var email = Mails.Notice(tag, to: $"busy-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(), Mails.Clock());

        var result = await sender.Send(email);

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.Contains("451", transient.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(email.To, transient.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(SmtpSink.HasReceived(email.DispatchId));
    }

    [Fact]
    public async Task Send_ReconnectsAndDelivers_WhenTheServerClosedTheKeptConnection()
    {
        var tag = Guid.NewGuid().ToString("N");
        var dropped = Mails.Notice("h" + tag, to: $"hangup-{tag}@jtj.example.gov.cn");
        var next = Mails.Notice("n" + tag, to: $"li-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(), Mails.Clock());

        var result = await sender.Send(dropped);
        var afterwards = await sender.Send(next);

        Assert.Contains("421", Assert.IsType<SendResult.Transient>(result).Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(afterwards);
        Assert.Equal(next.Subject, (await SmtpSink.Received(next.DispatchId)).Subject);
    }

    [Theory]
    [InlineData(SmtpSecurity.Auto)]
    [InlineData(SmtpSecurity.None)]
    public async Task Send_NeverSendsThePasswordAndNamesTheSetting_WhenTheServerOffersNoTls(SmtpSecurity security)
    {
        var tag = Guid.NewGuid().ToString("N");
        var user = $"duchashi-{tag}";
        var email = Mails.Notice(tag, to: $"wang-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(security: security, user: user, password: SmtpSink.Password), Mails.Clock());

        var result = await sender.Send(email);

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.Contains("未提供 TLS", transient.Error, StringComparison.Ordinal);
        Assert.Contains("Escalation__Smtp__AllowPlainTextAuth", transient.Error, StringComparison.Ordinal);
        Assert.Contains("明文", transient.Error, StringComparison.Ordinal);
        Assert.Empty(SmtpSink.AuthAttempts(user));
        Assert.False(SmtpSink.HasReceived(email.DispatchId));
    }

    [Fact]
    public async Task Send_AuthenticatesInPlainTextAndDelivers_WhenPlainTextAuthIsAllowed()
    {
        var tag = Guid.NewGuid().ToString("N");
        var user = $"duchashi-{tag}";
        var email = Mails.Notice(tag, to: $"wang-{tag}@jtj.example.gov.cn");
        var options = SmtpSink.Options(security: SmtpSecurity.Auto, user: user, password: SmtpSink.Password, allowPlainTextAuth: true);
        await using var sender = new SmtpEmailSender(options, Mails.Clock());

        var result = await sender.Send(email);

        Assert.IsType<SendResult.Sent>(result);
        Assert.Equal(email.Subject, (await SmtpSink.Received(email.DispatchId)).Subject);
        Assert.Equal("accepted", Assert.Single(SmtpSink.AuthAttempts(user)).Split(' ')[1]);
    }

    [Fact]
    public async Task Send_DeliversWithoutTls_WhenNoCredentialsAreConfigured()
    {
        var tag = Guid.NewGuid().ToString("N");
        var email = Mails.Notice(tag, to: $"wang-{tag}@jtj.example.gov.cn");
        await using var sender = new SmtpEmailSender(SmtpSink.Options(security: SmtpSecurity.Auto), Mails.Clock());

        var result = await sender.Send(email);

        Assert.IsType<SendResult.Sent>(result);
        Assert.Equal(email.Subject, (await SmtpSink.Received(email.DispatchId)).Subject);
    }

    [Fact]
    public async Task Send_ReconnectsAndDelivers_WhenTheKeptConnectionWasDroppedSilently()
    {
        await using var server = new HangingUpSmtpServer();
        var options = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.None, SenderAddress = "duchashi@example.gov.cn" };
        await using var sender = new SmtpEmailSender(options, Mails.Clock());

        var first = await sender.Send(Mails.Notice("first"));
        var second = await sender.Send(Mails.Notice("second"));

        Assert.IsType<SendResult.Sent>(first);
        Assert.IsType<SendResult.Sent>(second);
        Assert.Equal((2, 2), (server.Connections, server.Messages));
    }

    [Fact]
    public async Task Send_DeliversEveryMessage_WhenOneSenderIsUsedConcurrently()
    {
        var tag = Guid.NewGuid().ToString("N");
        var emails = Enumerable.Range(0, 8).Select(i => Mails.Notice($"{i}-{tag}", to: $"p{i}-{tag}@jtj.example.gov.cn")).ToList();
        await using var sender = new SmtpEmailSender(SmtpSink.Options(), Mails.Clock());

        var results = await Task.WhenAll(emails.Select(e => Task.Run(() => sender.Send(e))));

        Assert.All(results, r => Assert.IsType<SendResult.Sent>(r));
        foreach (var email in emails)
        {
            Assert.Equal(email.Subject, (await SmtpSink.Received(email.DispatchId)).Subject);
        }
    }

    [Fact]
    public async Task Send_ReturnsTransient_WhenNothingListensOnThePort()
    {
        var options = new SmtpOptions { Host = "127.0.0.1", Port = ClosedPort(), Security = SmtpSecurity.None, SenderAddress = "duchashi@example.gov.cn" };
        await using var sender = new SmtpEmailSender(options, Mails.Clock());
        var email = Mails.Notice("closed");

        var result = await sender.Send(email);

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.Contains("connection failed", transient.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(email.To, transient.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Send_ReturnsTransient_WhenTheServerNeverGreets()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            Security = SmtpSecurity.None,
            SenderAddress = "duchashi@example.gov.cn",
            Timeout = TimeSpan.FromMilliseconds(500),
        };
        await using var sender = new SmtpEmailSender(options, Mails.Clock());

        var result = await sender.Send(Mails.Notice("silent"));

        Assert.Contains("timed out", Assert.IsType<SendResult.Transient>(result).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", SmtpSecurity.None)]
    [InlineData("StartTLS", SmtpSecurity.StartTls)]
    [InlineData("ssl-on-connect", SmtpSecurity.SslOnConnect)]
    [InlineData(" auto ", SmtpSecurity.Auto)]
    public void TryParseSecurity_ReturnsTheSecurity_WhenTheWordIsKnown(string text, SmtpSecurity expected)
    {
        var ok = SmtpOptions.TryParseSecurity(text, out var security);

        Assert.True(ok);
        Assert.Equal(expected, security);
    }

    [Theory]
    [InlineData("tls")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseSecurity_ReturnsFalse_WhenTheWordIsUnknown(string? text)
    {
        var ok = SmtpOptions.TryParseSecurity(text, out _);

        Assert.False(ok);
    }

    /// <summary>A loopback port nobody listens on: bound by the kernel, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
