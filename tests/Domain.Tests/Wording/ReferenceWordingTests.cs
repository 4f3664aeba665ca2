using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Every message of a numbered event quotes its reference (文号), whichever template words it.</summary>
public class ReferenceWordingTests
{
    private const string Reference = "督办〔2026〕0123号";

    private static readonly WordingSettings Wording = WordingSettings.Default;

    private static EscalationEvent Notice(string? reference = Reference, string title = "外贸综合服务中心建设", string occurrence = "occ") =>
        Event(EventKind.Lagging, EventLevel.Notice, new EventFacts(title, "商务局", 45, 20, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05"),
            new Demand(DemandKind.Explanation, D(2026, 6, 9)), D(2026, 6, 2), "lag-notice") with
        {
            Id = EventId.For(new RuleId("R5"), new Escalation.Domain.Items.ItemId(title), occurrence),
            Reference = reference,
        };

    private static Letter Letter(params LetterItem[] items) => new("张三", items[0].Event.Level, D(2026, 6, 2), items);

    [Fact]
    public void RenderEmail_QuotesTheReference_InTheSubjectAndTheFacts_OfAShippedTemplate()
    {
        var email = MessageWording.RenderEmail(Letter(new LetterItem(Notice(), null, IsCopy: false)), Wording);

        Assert.EndsWith("（" + Reference + "）", email.Subject, StringComparison.Ordinal);
        Assert.Contains("文号：" + Reference, email.PlainText, StringComparison.Ordinal);
        Assert.Contains(Reference, email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderSms_EndsWithTheReference_OfAShippedTemplate()
    {
        var sms = MessageWording.RenderSms(Letter(new LetterItem(Notice(), null, IsCopy: false)), Wording);

        Assert.StartsWith("【督查室】", sms.Text, StringComparison.Ordinal);
        Assert.EndsWith("（" + Reference + "）", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_QuotesTheReferenceOnce_WhereTheTemplatePutsIt()
    {
        var template = new MessageTemplate("t", "{reference} 关于{item}的通报", "{recipient}：{item}进度落后。", "{reference}：{unit}{item}进度落后。");
        var letter = Letter(new LetterItem(Notice(), template, IsCopy: false));

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Equal(Reference + " 关于外贸综合服务中心建设的通报", email.Subject);
        Assert.Equal("【督查室】" + Reference + "：商务局外贸综合服务中心建设进度落后。", sms.Text);
    }

    [Fact]
    public void Render_QuotesTheReference_InACopy()
    {
        var letter = Letter(new LetterItem(Notice(), null, IsCopy: true));

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.EndsWith("（" + Reference + "）", email.Subject, StringComparison.Ordinal);
        Assert.Contains("文号：" + Reference, email.PlainText, StringComparison.Ordinal);
        Assert.Contains(Reference, sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ListsEveryReference_InAGroupedLetter()
    {
        var first = Notice("督办〔2026〕0123号", "外贸综合服务中心建设", "a");
        var second = Notice("督办〔2026〕0124号", "跨境电商产业园", "b");
        var letter = Letter(new LetterItem(first, null, IsCopy: false), new LetterItem(second, null, IsCopy: false));

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.EndsWith("（督办〔2026〕0123号等2件）", email.Subject, StringComparison.Ordinal);
        Assert.Contains("督办〔2026〕0123号", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("督办〔2026〕0124号", email.PlainText, StringComparison.Ordinal);
        Assert.Contains(">文号</th>", email.Html, StringComparison.Ordinal);
        Assert.Contains("（督办〔2026〕0123号等2件）", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SaysNothingOfAReference_WhenTheEventHasNone()
    {
        var letter = Letter(new LetterItem(Notice(reference: null), null, IsCopy: false));

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.DoesNotContain("文号", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("〔", email.Subject + sms.Text, StringComparison.Ordinal);
    }
}
