using Escalation.Domain.Cases;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>The closed loop's messages: what was submitted or decided, by whom, why, with which evidence; never progress figures.</summary>
public class LoopWordingTests
{
    private static readonly WordingSettings Wording = new("市政府督查室", "【市督查室】", "联系人：王某，电话：0755-12345678");

    private static EscalationEvent Loop(EventKind kind, EventLevel level = EventLevel.Reminder, string template = "answer-decided") =>
        Event(kind, level, new EventFacts(TypicalItem, TypicalUnit, 0, 0) { Loop = TypicalLoop(kind) }, date: D(2024, 12, 30), template: template);

    public static TheoryData<string, string> Expected() => new()
    {
        { "answer", "整改报告" },
        { "decision", "退回" },
        { "reason", "整改佐证材料与现场情况不符" },
        { "actor", "王主任" },
        { "evidence", "整改照片.jpg、验收报告.pdf" },
        { "notice", "督办〔2024〕0123号" },
        { "exemptPeriod", "" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Render_FillsTheLoopsPlaceholder_WithTheDecisionsFact(string placeholder, string expected)
    {
        var template = new MessageTemplate("probe", "【提醒】{" + placeholder + "}", "{" + placeholder + "}", "{" + placeholder + "}");
        var letter = new Letter("张三", EventLevel.Reminder, D(2024, 12, 30), [new LetterItem(Loop(EventKind.AnswerDecided), template, IsCopy: false)]);

        var email = MessageWording.RenderEmail(letter, Wording);

        Assert.Equal("【提醒】" + expected, email.Subject);
    }

    [Fact]
    public void AnswerDecided_TellsTheUnitTheDecisionAndWhy_WithoutProgressFigures()
    {
        var e = Loop(EventKind.AnswerDecided);

        var email = MessageWording.RenderEmail(e, DefaultTemplates.ById["answer-decided"], "周科长", wording: Wording);

        Assert.Equal("【督查提醒】市商务局“全市重点项目建设推进工作”整改报告处理结果：退回", email.Subject);
        Assert.Contains("市商务局承担的“全市重点项目建设推进工作”的整改报告（第2次提交）经督查室审核，予以退回。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("理由：整改佐证材料与现场情况不符", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("佐证材料：整改照片.jpg、验收报告.pdf", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("计划进度", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerSubmitted_TellsTheOfficeWhatCameAndFromWhom()
    {
        var e = Loop(EventKind.AnswerSubmitted, template: "answer-submitted");

        var email = MessageWording.RenderEmail(e, DefaultTemplates.ById["answer-submitted"], "督查室", wording: Wording);

        Assert.Contains("已提交整改报告（第2次提交）（原通报督办〔2024〕0123号），提交人：王主任。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("佐证材料：整改照片.jpg、验收报告.pdf", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void FalseRectification_IsAnAccountabilityRecommendation_ThatNeverAddressesTheUnit()
    {
        var e = Loop(EventKind.FalseRectification, EventLevel.Accountability, "false-rectification") with
        {
            Facts = new EventFacts(TypicalItem, TypicalUnit, 0, 0) { Loop = TypicalLoop(EventKind.FalseRectification), Accountability = new Escalation.Domain.Accountability.AccountabilityFacts("虚假整改问责建议") },
        };

        var email = MessageWording.RenderEmail(e, DefaultTemplates.ById["false-rectification"], "督查室", wording: Wording);

        Assert.Equal("【问责建议】市商务局“全市重点项目建设推进工作”虚假整改", email.Subject);
        Assert.Contains("已采纳销号的整改经核查认定为虚假整改，案件已重新打开。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("本件不发送市商务局", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedLetter_NamesEachDecision_InItsTable()
    {
        var first = Loop(EventKind.AnswerDecided);
        var second = Loop(EventKind.AnswerDecided) with { Id = EventId.For(new RuleId("R13"), new ItemId("y"), "decision:b"), Item = new ItemId("y") };
        var letter = new Letter("周科长", EventLevel.Reminder, D(2024, 12, 30), [new LetterItem(first, null, false), new LetterItem(second, null, false)]);

        var email = MessageWording.RenderEmail(letter, Wording);

        Assert.Contains("答复处理结果", email.Subject, StringComparison.Ordinal);
        Assert.Contains("整改报告：退回", email.PlainText, StringComparison.Ordinal);
    }
}
