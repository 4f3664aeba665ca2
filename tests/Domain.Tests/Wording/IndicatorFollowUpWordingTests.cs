using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// The follow-ups of indicator notices (an explanation overdue, a notice not signed for) carry no figures and no
/// progress: their messages show neither 计划进度 nor 实际进度 (which would read 0%), and a letter of them counts 项指标.
/// </summary>
public sealed class IndicatorFollowUpWordingTests
{
    private static readonly LocalDate Today = new(2026, 6, 4);
    private static readonly UnitId Fgw = new("fgw");

    private static EscalationEvent Overdue(string indicator, string title)
    {
        var item = IndicatorItem.For(new IndicatorId(indicator));
        var notice = EventId.For(new RuleId("I2"), item, "ind-lag:fgw/2026-04");
        var rule = new RuleId("R7");
        return new EscalationEvent(EventId.For(rule, item, "demand:" + notice.Value), rule, EventLevel.Summons, EventKind.DemandOverdue, item, Fgw, Today,
            "demand:" + notice.Value, [], [Channel.Email, Channel.Sms], "demand-overdue",
            new EventFacts(title, "市发展改革委", 0, 0, DemandOf: notice, DemandDueBy: new LocalDate(2026, 5, 27)), null);
    }

    [Fact]
    public void Email_OfAnOverdueIndicatorExplanation_ShowsNoProgressRows()
    {
        var e = Overdue("gdtz-zs", "固定资产投资增速");

        var mail = MessageWording.RenderEmail(e, DefaultTemplates.ById[e.Template], "杨雪梅", wording: LetterFixtures.Office);

        Assert.Contains("事项：固定资产投资增速", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("计划进度", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("实际进度", mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedLetter_OfIndicatorFollowUps_CountsIndicators_WithoutProgressColumns()
    {
        var letter = LetterFixtures.LetterOf("杨雪梅", [Overdue("gdtz-zs", "固定资产投资增速"), Overdue("zdxm-wcl", "重大项目完成率")], day: Today);

        var mail = MessageWording.RenderEmail(letter, LetterFixtures.Office);
        var sms = MessageWording.RenderSms(letter, LetterFixtures.Office);

        Assert.Contains("2项指标", mail.Subject + mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("项重点工作", mail.Subject + mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("计划进度", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("项重点工作", sms.Text, StringComparison.Ordinal);
    }
}
