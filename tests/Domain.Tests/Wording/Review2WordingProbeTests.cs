using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// Review 2 of issue 13 (probes): what units read about a missed start (R8's special explanation) and a notice without a
/// demand. Each test states what the reader should be told; they fail until the wording is fixed.
/// </summary>
public class Review2WordingProbeTests
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

    // The single R8 letter's body asks for a special explanation (分别报送专题说明), but its appendix (附：有关情况) and the
    // reasons of run --dry-run / preview say 说明/整改期限：…前完成整改: MessageWording.Facts maps every kind but
    // Explanation to 完成整改 (src/Domain/Wording/MessageWording.cs, the DemandLabel row).
    [Fact]
    public void StartMissedLetter_AppendixAsksForTheSpecialExplanation_NotARectification()
    {
        var mail = MessageWording.RenderEmail(LetterOf("阎庆华", [StartMissed("P1", "城西安置房项目")], day: new LocalDate(2025, 7, 1)), Wording);

        Assert.Contains("分别报送专题说明", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("完成整改", mail.PlainText, StringComparison.Ordinal);
    }

    // Two missed starts of one unit on one day (both owed by zjj and the builder cjt) make one grouped letter. It says
    // 请于2025年7月7日前完成整改，并将整改情况书面报送督查室 and lists 说明/整改期限：…前完成整改 under each item, while the demand
    // is a special explanation owed by two units separately (the grouped SMS says 报送专题说明). DemandSentence in
    // src/Domain/Wording/MessageWording.Grouped.cs treats every kind but Explanation as a rectification.
    [Fact]
    public void GroupedStartMissedLetter_AsksForTheSpecialExplanationFromBothUnits_NotARectification()
    {
        var letter = LetterOf("何志刚", [StartMissed("P1", "城西安置房项目"), StartMissed("P2", "城东道路项目")], day: new LocalDate(2025, 7, 1));

        var mail = MessageWording.RenderEmail(letter, Wording);

        Assert.Contains("专题说明", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("市城市建设投资集团", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("完成整改", mail.PlainText, StringComparison.Ordinal);
    }

    // A notice rule without a demand is valid (the docs' own ladder example has one: 约谈 overdue 20个工作日, and
    // start-missed without 要求). The shipped SMS templates end "现予通报，{demand}。", so the text reads "现予通报，。".
    [Fact]
    public void NoticeSms_HasNoDanglingComma_WhenTheRuleDemandsNothing()
    {
        var sms = MessageWording.RenderSms(LetterOf("阎庆华", [StartMissedOf("P1", "城西安置房项目", demand: null)], day: new LocalDate(2025, 7, 1)), Wording);

        Assert.DoesNotContain("，。", sms.Text, StringComparison.Ordinal);
    }
}
