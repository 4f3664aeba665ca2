using System.Text;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using Escalation.Functions.Tests.Import;
using MimeKit;

namespace Escalation.Functions.Tests.Sending;

/// <summary>Local mode's email: one .eml per delivery under {outbox}/email.</summary>
public sealed class OutboxEmailSenderTests : IDisposable
{
    private readonly TempFolder _outbox = new();

    [Fact]
    public async Task Send_WritesAnEmlThatParsesBack_WhenTheEmailIsChinese()
    {
        var email = Mails.Notice("parse");
        var sender = new OutboxEmailSender(_outbox.Path, Mails.Clock(), "duchashi@example.gov.cn");

        var result = await sender.Send(email);

        var sent = Assert.IsType<SendResult.Sent>(result);
        var message = await MimeMessage.LoadAsync(Path.Combine(_outbox.Path, sent.ProviderId!));
        Assert.Equal(email.Subject, message.Subject);
        Assert.Equal(email.PlainText, message.TextBody?.ReplaceLineEndings("\n"));
        Assert.Equal(email.Html, message.HtmlBody?.TrimEnd('\r', '\n'));
        var to = Assert.IsType<MailboxAddress>(Assert.Single(message.To));
        Assert.Equal(("王伟", "wang.wei@jtj.example.gov.cn"), (to.Name, to.Address));
        var from = Assert.IsType<MailboxAddress>(Assert.Single(message.From));
        Assert.Equal(("督查室", "duchashi@example.gov.cn"), (from.Name, from.Address));
        Assert.Equal(MailMessages.MessageId(email.DispatchId, "example.gov.cn"), message.MessageId);
        Assert.Equal(email.DispatchId, message.Headers[MailMessages.DeliveryHeader]);
        Assert.Equal(Mails.Now.ToDateTimeOffset(), message.Date);
    }

    [Fact]
    public async Task Send_KeepsTheChineseBodyReadableInTheFile_WhenLinesAreShort()
    {
        var sender = new OutboxEmailSender(_outbox.Path, Mails.Clock());

        var sent = Assert.IsType<SendResult.Sent>(await sender.Send(Mails.Notice("raw")));

        var raw = await File.ReadAllTextAsync(Path.Combine(_outbox.Path, sent.ProviderId!), Encoding.UTF8);
        Assert.Contains("请于 6 月 3 日前报送情况说明。", raw, StringComparison.Ordinal);
        Assert.Contains("charset=utf-8", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Type: multipart/alternative", raw, StringComparison.Ordinal);
        Assert.Contains("\r\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_LeavesOneFileWithTheLastVersion_WhenTheSameDeliveryIsSentTwice()
    {
        var email = Mails.Notice("twice");
        var sender = new OutboxEmailSender(_outbox.Path, Mails.Clock());

        var first = Assert.IsType<SendResult.Sent>(await sender.Send(email));
        var second = Assert.IsType<SendResult.Sent>(await sender.Send(email with { Subject = "第二次" }));

        Assert.Equal(first.ProviderId, second.ProviderId);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(_outbox.Path, "email")));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal("第二次", message.Subject);
        Assert.Equal(MailMessages.MessageId(email.DispatchId, "escalation.localhost"), message.MessageId);
    }

    [Fact]
    public async Task Send_WritesOneFilePerDelivery_WhenDeliveriesDifferOnlyInUnsafeCharacters()
    {
        var sender = new OutboxEmailSender(_outbox.Path, Mails.Clock());
        var email = Mails.Notice("x");

        foreach (var id in new[] { "ev-1:Email:a*b", "ev-1:Email:a?b", "ev-1:Email:a_b", "ev-1:Email:a/b" })
        {
            Assert.IsType<SendResult.Sent>(await sender.Send(email with { DispatchId = id }));
        }

        Assert.Equal(4, Directory.GetFiles(Path.Combine(_outbox.Path, "email"), "*.eml").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(_outbox.Path, "email"), "*.tmp"));
    }

    [Theory]
    [InlineData("ev-0123abcd:Email:jtj-wang", "ev-0123abcd_Email_jtj-wang-")]
    [InlineData("ev-0123abcd:Email:王伟", "ev-0123abcd_Email_王伟-")]
    [InlineData("CON", "CON-")]
    [InlineData("..\\..\\etc/passwd", "______etc_passwd-")]
    [InlineData("a<b>c\"d|e* f.", "a_b_c_d_e__f_-")]
    public void FileName_KeepsLettersDigitsDashesAndUnderscores_WhenTheIdHasOtherCharacters(string dispatchId, string start)
    {
        var name = OutboxEmailSender.FileName(dispatchId);

        Assert.StartsWith(start, name, StringComparison.Ordinal);
        Assert.Matches(@"^[^.]+-[0-9a-f]{8}\.eml$", name);
        Assert.Equal(-1, name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '<', '>', ':', '"', '/', '\\', '|', '?', '*', ' ']));
        Assert.Equal(name, OutboxEmailSender.FileName(dispatchId));
    }

    [Fact]
    public void FileName_StaysShort_WhenTheIdIsLongAndChinese()
    {
        var dispatchId = "ev-" + new string('a', 64) + ":Email:" + new string('王', 100);

        var name = OutboxEmailSender.FileName(dispatchId);

        Assert.True(Encoding.UTF8.GetByteCount(name) < 255, name);
    }

    [Fact]
    public async Task Send_ReturnsTransient_WhenTheOutboxCannotBeCreated()
    {
        var notAFolder = _outbox.Write("occupied", bom: false, "a file where the outbox should be");
        var sender = new OutboxEmailSender(notAFolder, Mails.Clock());

        var result = await sender.Send(Mails.Notice("io"));

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.DoesNotContain("wang.wei@", transient.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ReturnsRejectedWithTheAddressMasked_WhenTheRecipientIsNotAMailbox()
    {
        var sender = new OutboxEmailSender(_outbox.Path, Mails.Clock());

        var result = await sender.Send(Mails.Notice("bad", to: "wang wei@jtj.example.gov.cn"));

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains("wa***@jtj.example.gov.cn", rejected.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_outbox.Path, "email")));
    }

    public void Dispose() => _outbox.Dispose();
}
