using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// What units read about a missed start (R8's special explanation, owed by the unit and its builder) and a notice
/// without a demand.
/// </summary>
public class StartMissedWordingTests
{
    private static readonly WordingSettings Wording =
        WordingSettings.Default with { UnitNames = new Dictionary<UnitId, string> { [new UnitId("cjt")] = "市城市建设投资集团" } };

    private static EscalationEvent StartMissed(string itemId, string title) =>
        StartMissedOf(itemId, title, new Demand(DemandKind.SpecialExplanation, new LocalDate(2025, 7, 7)) { From = [new UnitId("zjj"), new UnitId("cjt")] });

    private static EscalationEvent StartMissedOf(string itemId, string title, Demand? demand)
    {
        var rule = new RuleId("R8");
        var item = new ItemId(itemId);
        var facts = new EventFacts(title, "市住建局", 0, 0, PlannedStart: new LocalDate(2025, 6, 30), Cause: "未记录原因，按主观原因处理");
        return new EscalationEvent(
            EventId.For(rule, item, "start:2025-06-30"), rule, EventLevel.Notice, EventKind.StartMissed, item, new UnitId("zjj"),
            new LocalDate(2025, 7, 1), "start:2025-06-30", [], [Channel.Email, Channel.Sms], "start-missed", facts, demand);
    }

    // The single R8 letter's body asks both units for a special explanation (分别报送专题说明); its appendix (附：有关情况),
    // which run --dry-run and preview also print as the reasons, says the same, not 完成整改.
    [Fact]
    public void StartMissedLetter_AppendixAsksForTheSpecialExplanation_NotARectification()
    {
        var mail = MessageWording.RenderEmail(LetterOf("阎庆华", [StartMissed("P1", "城西安置房项目")], day: new LocalDate(2025, 7, 1)), Wording);

        Assert.Contains("分别报送专题说明", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("完成整改", mail.PlainText, StringComparison.Ordinal);
    }

    // Two missed starts of one unit on one day (both owed by zjj and the builder cjt) make one grouped letter: it asks both
    // units for the special explanation, in its request and under each item, as the grouped SMS does.
    [Fact]
    public void GroupedStartMissedLetter_AsksForTheSpecialExplanationFromBothUnits_NotARectification()
    {
        var letter = LetterOf("何志刚", [StartMissed("P1", "城西安置房项目"), StartMissed("P2", "城东道路项目")], day: new LocalDate(2025, 7, 1));

        var mail = MessageWording.RenderEmail(letter, Wording);

        Assert.Contains("专题说明", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("市城市建设投资集团", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("完成整改", mail.PlainText, StringComparison.Ordinal);
    }

    // A notice rule without a demand is valid (a start-missed rule without 要求). The shipped SMS templates end
    // "现予通报，{demand}。": with the demand empty the text ends "现予通报。", not "现予通报，。".
    [Fact]
    public void NoticeSms_HasNoDanglingComma_WhenTheRuleDemandsNothing()
    {
        var sms = MessageWording.RenderSms(LetterOf("阎庆华", [StartMissedOf("P1", "城西安置房项目", demand: null)], day: new LocalDate(2025, 7, 1)), Wording);

        Assert.DoesNotContain("，。", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void StartMissedLetter_AppendixNamesBothOwingUnits()
    {
        var mail = MessageWording.RenderEmail(LetterOf("阎庆华", [StartMissed("P1", "城西安置房项目")], day: new LocalDate(2025, 7, 1)), Wording);

        Assert.Contains("说明/整改期限：市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("请市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明，内容包括", mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Facts_SayTheSpecialExplanationWithoutNames_WhenTheItemsUnitAloneOwesIt()
    {
        var e = StartMissedOf("P1", "城西安置房项目", new Demand(DemandKind.SpecialExplanation, new LocalDate(2025, 7, 7)));

        var facts = MessageWording.Facts(e);

        Assert.Contains(("说明/整改期限", "2025年7月7日前报送专题说明"), facts);
    }

    // The grouped letter goes to zjj's principal and to the builder's (cjt): it cannot say 你单位承担的 to the builder about
    // zjj's tasks, so it names the unit.
    [Fact]
    public void GroupedStartMissedLetter_NamesTheItemsUnit_NotYourUnit()
    {
        var letter = LetterOf("何志刚", [StartMissed("P1", "城西安置房项目"), StartMissed("P2", "城东道路项目")], day: new LocalDate(2025, 7, 1));

        var mail = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Contains(
            "截至2025年7月1日，市住建局承担的以下2项重点工作未按期开工。根据督查工作有关规定，现予通报。"
            + "请市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明，内容包括未按期开工的原因、整改措施和开工时间。",
            mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("你单位", mail.PlainText + mail.Subject + sms.Text, StringComparison.Ordinal);
        Assert.Contains("市住建局2项重点工作", sms.Text, StringComparison.Ordinal);
        Assert.Contains("现予通报，请市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoticeWithoutDemand_EndsItsSentences_WhereTheDemandWouldBe()
    {
        var letter = LetterOf("阎庆华", [StartMissedOf("P1", "城西安置房项目", demand: null)], day: new LocalDate(2025, 7, 1));

        var sms = MessageWording.RenderSms(letter, Wording);
        var mail = MessageWording.RenderEmail(letter, Wording);

        Assert.Equal("【督查室】市住建局“城西安置房项目”未按期开工（计划2025年6月30日），现予通报。", sms.Text);
        Assert.DoesNotContain("内容包括", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("说明/整改期限", mail.PlainText, StringComparison.Ordinal);
    }
}
