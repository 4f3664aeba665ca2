using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Review probes for issue 13's wording.</summary>
public class ReviewProbeWordingTests
{
    // R8 (start-missed) demands a special explanation from both the 主管部门 and the 建设单位 (DemandFrom unit,builder).
    // The copy to the supervision office says what the office demanded: 「现予通报，要求{unit}于…前报送专题说明」 names
    // only the item's unit, so the office reads that the builder owes nothing.
    [Fact]
    public void Probe_CopyOfAStartMissedNotice_SaysTheBuilderOwesTheSpecialExplanationToo()
    {
        var rule = new RuleId("R8");
        var item = new ItemId("P1");
        var facts = new EventFacts("城东污水处理厂", "市住建局", 0, 0, PlannedStart: new LocalDate(2025, 6, 30), Cause: "未记录原因，按主观原因处理");
        var e = new EscalationEvent(
            EventId.For(rule, item, "start:2025-06-30"), rule, EventLevel.Notice, EventKind.StartMissed, item, new UnitId("zjj"),
            new LocalDate(2025, 7, 1), "start:2025-06-30", [], [Channel.Email], "start-missed", facts,
            new Demand(DemandKind.SpecialExplanation, new LocalDate(2025, 7, 7)) { From = [new UnitId("zjj"), new UnitId("cgj")] });

        var copy = MessageWording.RenderEmail(LetterOf("督查室", [e], isCopy: true), WordingSettings.Default);

        Assert.Contains("要求市住建局于2025年7月7日前报送专题说明", copy.PlainText, StringComparison.Ordinal); // what it says today
        Assert.Contains("建设单位", copy.PlainText, StringComparison.Ordinal);
    }
}
