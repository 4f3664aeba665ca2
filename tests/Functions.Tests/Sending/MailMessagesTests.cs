using Escalation.Functions.Sending;
using MimeKit;

namespace Escalation.Functions.Tests.Sending;

public sealed class MailMessagesTests
{
    [Fact]
    public void Build_GivesTheSameMessageId_WhenTheDeliveryIsBuiltAgainLater()
    {
        var email = Mails.Notice("a");

        var first = MailMessages.Build(email, "duchashi@example.gov.cn", Mails.Now);
        var again = MailMessages.Build(email with { Subject = "改过的标题" }, "duchashi@example.gov.cn", Mails.Now + NodaTime.Duration.FromHours(5));

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.EndsWith("@example.gov.cn", first.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_GivesDifferentMessageIds_WhenDeliveriesDiffer()
    {
        var one = MailMessages.Build(Mails.Notice("a"), "duchashi@example.gov.cn", Mails.Now);
        var other = MailMessages.Build(Mails.Notice("b"), "duchashi@example.gov.cn", Mails.Now);

        Assert.NotEqual(one.MessageId, other.MessageId);
    }

    [Fact]
    public void Build_MakesAlternativeUtf8TextAndHtml_WhenTheEmailIsChinese()
    {
        var email = Mails.Notice("a");

        var message = MailMessages.Build(email, "duchashi@example.gov.cn", Mails.Now);

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], body.Select(p => p.ContentType.MimeType));
        Assert.All(body.OfType<TextPart>(), p => Assert.Equal("utf-8", p.ContentType.Charset));
        Assert.Equal(email.DispatchId, message.Headers[MailMessages.DeliveryHeader]);
        Assert.Equal("督查室", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Name);
        Assert.Equal(Mails.Now.ToDateTimeOffset(), message.Date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("王伟")]
    [InlineData("wang wei@example.gov.cn")]
    public void Build_ThrowsParseException_WhenTheRecipientIsNotAMailbox(string to)
    {
        var email = Mails.Notice("a", to);

        Assert.Throws<ParseException>(() => MailMessages.Build(email, "duchashi@example.gov.cn", Mails.Now));
    }
}
