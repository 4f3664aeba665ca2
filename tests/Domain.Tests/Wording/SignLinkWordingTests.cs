using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// The sign link (签收) in messages: with the WebBaseUrl setting, the email of a notice or summons carries
/// 签收：{base}/notices/{event id} (for its addressee); without it, every message reads exactly as before.
/// </summary>
public class SignLinkWordingTests
{
    private static readonly WordingSettings Linked = WordingSettings.Default with { WebBaseUrl = "https://escalation.example.cn" };

    private static EscalationEvent Notice(string item = "x", EventLevel level = EventLevel.Notice) => new(
        EventId.For(new RuleId("R5"), new ItemId(item), "lag:2026-05"), new RuleId("R5"), level, EventKind.Lagging, new ItemId(item), new UnitId("swj"),
        new LocalDate(2026, 6, 1), "lag:2026-05", [new Recipient(RecipientRole.UnitPrincipal, new PersonId("p1"), false)], [Channel.Email, Channel.Sms],
        level == EventLevel.Reminder ? "lag-reminder" : "lag-notice",
        new EventFacts("外贸稳增长行动" + item, "商务局", 40, 20, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05"),
        level == EventLevel.Notice ? new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 8)) : null)
    {
        Reference = level == EventLevel.Reminder ? null : "督办〔2026〕0012号",
    };

    private static Letter LetterOf(bool copy, params EscalationEvent[] events) =>
        new("张三", events[0].Level, new LocalDate(2026, 6, 1), [.. events.Select(e => new LetterItem(e, null, copy))]);

    [Fact]
    public void Email_EndsItsFactsWithTheSignLink_ForTheAddresseeOfANotice()
    {
        var e = Notice();

        var email = MessageWording.RenderEmail(LetterOf(false, e), Linked);

        Assert.EndsWith("签收：https://escalation.example.cn/notices/" + e.Id.Value, email.PlainText.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("https://escalation.example.cn/notices/" + e.Id.Value, email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_AreByteForByteAsBefore_WithoutTheSetting()
    {
        var e = Notice();
        var before = WordingSettings.Default;

        foreach (var letter in new[] { LetterOf(false, e), LetterOf(true, e), LetterOf(false, e, Notice("y")) })
        {
            Assert.Equal(MessageWording.RenderEmail(letter, before), MessageWording.RenderEmail(letter, before with { WebBaseUrl = null }));
            Assert.DoesNotContain("签收", MessageWording.RenderEmail(letter, before).PlainText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Sms_HasNoLink_EvenWithTheSetting()
    {
        var e = Notice();

        Assert.Equal(MessageWording.RenderSms(LetterOf(false, e), WordingSettings.Default).Text, MessageWording.RenderSms(LetterOf(false, e), Linked).Text);
    }

    [Fact]
    public void Email_HasNoLink_ForACopy_OrAReminder()
    {
        Assert.DoesNotContain("/notices/", MessageWording.RenderEmail(LetterOf(true, Notice()), Linked).PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("/notices/", MessageWording.RenderEmail(LetterOf(false, Notice(level: EventLevel.Reminder)), Linked).PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedEmail_HasOneSignLinePerNotice_NamedByItsReference()
    {
        var (a, b) = (Notice("a"), Notice("b") with { Reference = "督办〔2026〕0013号" });

        var text = MessageWording.RenderEmail(LetterOf(false, a, b), Linked).PlainText;

        Assert.Contains("签收（督办〔2026〕0012号）：https://escalation.example.cn/notices/" + a.Id.Value, text, StringComparison.Ordinal);
        Assert.Contains("签收（督办〔2026〕0013号）：https://escalation.example.cn/notices/" + b.Id.Value, text, StringComparison.Ordinal);
    }

    [Fact]
    public void SignLink_OfAnUnsignedChase_IsThePageOfTheNoticeItChases()
    {
        var notice = Notice();
        var chase = Notice(level: EventLevel.Reminder) with
        {
            Kind = EventKind.Unsigned,
            Facts = Notice().Facts with { DemandOf = notice.Id, UnsignedNotice = new UnsignedFacts(EventLevel.Notice, notice.Reference, new LocalDate(2026, 6, 1)) },
        };

        Assert.Equal("https://escalation.example.cn/notices/" + notice.Id.Value, MessageWording.SignLink(chase, Linked with { WebBaseUrl = "https://escalation.example.cn/" }));
        Assert.Null(MessageWording.SignLink(chase, WordingSettings.Default));
    }
}
