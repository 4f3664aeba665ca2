using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Issue 13's wording found wanting in review: what the copy of a demand owed by several units says.</summary>
public class DemandCopyWordingTests
{
    // R8 (start-missed) demands a special explanation from both the 主管部门 and the 建设单位 (DemandFrom unit,builder).
    // The copy to the supervision office says what the office demanded, naming every unit that owes it.
    [Fact]
    public void CopyOfAStartMissedNotice_SaysTheBuilderOwesTheSpecialExplanationToo()
    {
        var rule = new RuleId("R8");
        var item = new ItemId("P1");
        var facts = new EventFacts("城东污水处理厂", "市住建局", 0, 0, PlannedStart: new LocalDate(2025, 6, 30), Cause: "未记录原因，按主观原因处理");
        var e = new EscalationEvent(
            EventId.For(rule, item, "start:2025-06-30"), rule, EventLevel.Notice, EventKind.StartMissed, item, new UnitId("zjj"),
            new LocalDate(2025, 7, 1), "start:2025-06-30", [], [Channel.Email], "start-missed", facts,
            new Demand(DemandKind.SpecialExplanation, new LocalDate(2025, 7, 7)) { From = [new UnitId("zjj"), new UnitId("cgj")] });

        var wording = WordingSettings.Default with { UnitNames = new Dictionary<UnitId, string> { [new UnitId("cgj")] = "市城市建设投资集团" } };

        var copy = MessageWording.RenderEmail(LetterOf("督查室", [e], isCopy: true), wording);
        var sms = MessageWording.RenderSms(LetterOf("督查室", [e], isCopy: true), wording);

        Assert.Contains("现予通报，要求市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明", copy.PlainText, StringComparison.Ordinal);
        Assert.Contains("要求市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明", sms.Text, StringComparison.Ordinal);
    }
}
