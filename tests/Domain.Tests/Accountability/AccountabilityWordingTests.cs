using Escalation.Domain.Accountability;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Tests.Accountability;

/// <summary>
/// What the office, decision makers and an executing unit read at the fourth level: formal recommendations that name the
/// unit (never 你单位: the unit never receives them) and never say a consequence was executed.
/// </summary>
public class AccountabilityWordingTests
{
    private static readonly WordingSettings Wording = new("市政府督查室", "【市督查室】", "联系人：王某，电话：0755-12345678");

    /// <summary>Friday 2024-05-31: 10 working days after the explanation 市商务局 owed was due (05-17).</summary>
    private static readonly LocalDate Friday = new(2024, 5, 31);

    private static EscalationEvent Recommendation(string title = "外贸稳增长行动", string itemId = "2024-ZD-001", string unit = "市商务局", string unitId = "swj")
    {
        var rule = new RuleId("R11");
        var item = new ItemId(itemId);
        var notice = EventId.For(new RuleId("R5"), item, "lag:2024-04");
        var facts = new EventFacts(title, unit, 41, 40, DemandOf: notice, DemandDueBy: new LocalDate(2024, 5, 17))
        {
            Accountability = new AccountabilityFacts("说明整改逾期问责建议"),
        };
        return new EscalationEvent(
            EventId.For(rule, item, "demand:" + notice.Value), rule, EventLevel.Accountability, EventKind.DemandOverdue, item, new UnitId(unitId),
            Friday, "demand:" + notice.Value, [], [Channel.Email], "accountability", facts, null);
    }

    private static EscalationEvent CutFunds(string title = "城西安置房项目", string itemId = "P-1")
    {
        var rule = new RuleId("R13");
        var item = new ItemId(itemId);
        var facts = new EventFacts(title, "市住建局", 100, 80, Checkpoint: "竣工验收", CheckpointDue: new LocalDate(2024, 4, 30), CheckpointTarget: 100, IsDeadline: true)
        {
            Accountability = new AccountabilityFacts("逾期项目核减前期费", "核减前期费", new UnitId("fgw"), "市发改委"),
        };
        return new EscalationEvent(
            EventId.For(rule, item, "overdue:2024-04-30"), rule, EventLevel.Accountability, EventKind.Overdue, item, new UnitId("zjj"),
            Friday, "overdue:2024-04-30", [], [Channel.Email, Channel.Sms], "consequence-notice", facts, null);
    }

    private static Letter LetterOf(string? name, bool isCopy, params EscalationEvent[] events) =>
        new(name, EventLevel.Accountability, Friday, [.. events.Select(e => new LetterItem(e, DefaultTemplates.ById[e.Template], isCopy))]);

    [Fact]
    public void Recommendation_ToTheOffice_NamesTheUnitTheFailureAndTheRule_AndLeavesTheDecisionToThoseEntitled()
    {
        var email = MessageWording.RenderEmail(LetterOf("督查室", false, Recommendation()), Wording);

        Assert.Equal("【问责建议】市商务局“外贸稳增长行动”应于2024年5月17日前办结的说明或整改逾期未办结", email.Subject);
        Assert.StartsWith(
            """
            督查室同志：
            截至2024年5月31日，市商务局承担的“外贸稳增长行动”应于2024年5月17日前办结的说明或整改逾期未办结。
            依据督办规则“说明整改逾期问责建议”，根据督查工作有关规定，建议对市商务局有关责任人员启动问责程序，由有权机关依规依纪依法处理。
            本件为问责建议，供领导决策参考，是否问责及如何处理由有权机关决定；本件不发送市商务局。
            市政府督查室
            2024年5月31日
            联系人：王某，电话：0755-12345678
            """.ReplaceLineEndings("\n"),
            email.PlainText,
            StringComparison.Ordinal);
        Assert.Contains("依据规则：R11 说明整改逾期问责建议", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("建议事项：对有关责任人员启动问责程序", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("你单位", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommendation_BySms_FitsOneSegment()
    {
        var sms = MessageWording.RenderSms(LetterOf("王副市长", false, Recommendation()), Wording);

        Assert.Equal("【市督查室】市商务局“外贸稳增长行动”说明整改逾期，建议对有关责任人员启动问责程序，请审定。", sms.Text);
        Assert.Equal(1, sms.Segments);
    }

    [Fact]
    public void ConsequenceNotice_RecommendsTheConsequenceToTheExecutingUnit_NeverSaysItWasExecuted()
    {
        var email = MessageWording.RenderEmail(LetterOf("陈主任", false, CutFunds()), Wording);
        var sms = MessageWording.RenderSms(LetterOf("陈主任", false, CutFunds()), Wording);

        Assert.Equal("【后果通知】关于建议对市住建局“城西安置房项目”核减前期费的通知", email.Subject);
        Assert.Contains("截至2024年5月31日，市住建局承担的“城西安置房项目”“竣工验收”时间节点逾期未完成。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("依据督办规则“逾期项目核减前期费”，根据督查工作有关规定，市政府督查室建议由市发改委依职权对该事项核减前期费。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("本通知为建议，市政府督查室不代为执行任何处理措施；请市发改委按程序研究办理，并将办理结果书面反馈市政府督查室。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("建议事项：核减前期费（执行单位：市发改委）", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市住建局“城西安置房项目”逾期未完成，建议市发改委依职权核减前期费，请研究办理并反馈。", sms.Text);
        foreach (var text in new[] { email.Subject, email.PlainText, sms.Text })
        {
            Assert.DoesNotContain("已核减", text, StringComparison.Ordinal);
            Assert.DoesNotContain("已执行", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Copy_OfARecommendation_SaysWhatTheOfficeRecommended()
    {
        var email = MessageWording.RenderEmail(LetterOf("王副市长", true, Recommendation()), Wording);
        var sms = MessageWording.RenderSms(LetterOf("王副市长", true, Recommendation()), Wording);

        Assert.Equal("【抄送】【问责建议】市商务局“外贸稳增长行动”应于2024年5月17日前办结的说明或整改逾期未办结", email.Subject);
        Assert.Contains("截至2024年5月31日，市商务局承担的“外贸稳增长行动”应于2024年5月17日前办结的说明或整改逾期未办结，已提出问责建议，建议对有关责任人员启动问责程序。", email.PlainText, StringComparison.Ordinal);
        Assert.StartsWith("【市督查室】抄送：市商务局“外贸稳增长行动”", sms.Text, StringComparison.Ordinal);
        Assert.EndsWith("，已提出问责建议。", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Copy_OfAConsequenceNotice_SaysWhoIsRecommendedToDoWhat()
    {
        var email = MessageWording.RenderEmail(LetterOf("督查室", true, CutFunds()), Wording);

        Assert.Contains("“竣工验收”时间节点逾期未完成，已建议市发改委依职权核减前期费。", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedRecommendations_NameTheUnit_AskForADecision_AndListTheRecommendation()
    {
        var letter = LetterOf("督查室", false, Recommendation(), Recommendation("消费品以旧换新", "2024-ZD-002"));

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Equal("【问责建议】关于市商务局2项重点工作说明或整改逾期未办结的问责建议", email.Subject);
        Assert.Contains(
            "截至2024年5月31日，市商务局承担的以下2项重点工作说明或整改逾期未办结。根据督查工作有关规定，建议对市商务局有关责任人员启动问责程序，由有权机关依规依纪依法处理。本件为问责建议，是否问责及如何处理由有权机关决定；本件不发送被督办单位。",
            email.PlainText, StringComparison.Ordinal);
        Assert.Contains("建议事项", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("你单位", email.PlainText + sms.Text, StringComparison.Ordinal);
        Assert.Contains("建议对有关责任人员启动问责程序，请审定", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedConsequenceNotices_AreTaggedAsSuch_AndAskTheExecutingUnitToHandleThemWithinItsRemit()
    {
        var letter = LetterOf("陈主任", false, CutFunds(), CutFunds("城东道路项目", "P-2"));

        var email = MessageWording.RenderEmail(letter, Wording);

        Assert.Equal("【后果通知】关于建议对市住建局2项重点工作采取后果措施的通知", email.Subject);
        Assert.Contains(
            "根据督查工作有关规定，市政府督查室建议按下表“建议事项”所列，由执行单位依职权办理。本通知为建议，市政府督查室不代为执行任何处理措施；请按程序研究办理，并将办理结果书面反馈市政府督查室。",
            email.PlainText, StringComparison.Ordinal);
        Assert.Contains("核减前期费（执行单位：市发改委）", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommendation_AboutAnIndicator_StatesThePeriodAndTheStreak()
    {
        var rule = new RuleId("I12");
        var item = IndicatorItem.For(new IndicatorId("gdtz"));
        var figures = new IndicatorFacts(new IndicatorId("gdtz"), IndicatorPeriod.Parse("2025-06"), "2025年1–6月", "%", new LocalDate(2025, 7, 18))
        {
            Value = 4.6, ProvincialRank = 8, PeerCount = 12,
        };
        var facts = new EventFacts("固定资产投资增速", "市发改委", 0, 4.6, Streak: 4, Period: "2025年1–6月", PeriodKey: "2025-06")
        {
            Indicator = figures,
            Accountability = new AccountabilityFacts("指标连续四期落后问责建议"),
        };
        var e = new EscalationEvent(EventId.For(rule, item, "ind-lag:fgw/2025-06"), rule, EventLevel.Accountability, EventKind.IndicatorLagging, item,
            new UnitId("fgw"), new LocalDate(2025, 7, 18), "ind-lag:fgw/2025-06", [], [Channel.Email], "accountability", facts, null);

        var email = MessageWording.RenderEmail(e, DefaultTemplates.ById["accountability"], "督查室", wording: Wording);

        Assert.Equal("【问责建议】市发改委“固定资产投资增速”2025年1–6月已连续4期落后（全省第8位，实际4.6%）", email.Subject);
    }
}
