using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Digests;
using NodaTime;

namespace Escalation.Functions.Tests.Digests;

/// <summary>The weekly list document gains 本周答复和处理 (a section and a sheet) when the week had any, and reads as before otherwise.</summary>
public sealed class WeeklyListLoopSectionTests
{
    private static readonly UnitId Zjj = new("zjj");
    private static readonly DigestPeriod W42 = DigestPeriod.Week(IndicatorPeriod.Week(2025, 42));
    private static readonly LocalDate IssuedOn = new(2025, 10, 13);

    private static WeeklyList List(params LoopActivity[] activities) =>
        WeeklyList.Build(W42, IssuedOn, new WeeklyListInputs([], [], [], new Dictionary<UnitId, string> { [Zjj] = "住建局" }) { LoopActivities = activities });

    private static readonly LoopActivity Submitted = new(
        Zjj, LoopActivityKind.Answer, "k1", new ItemId("zjj-1"), "老旧小区改造", "提交整改报告", "督办〔2025〕0007号", "王填报",
        new LocalDate(2025, 10, 6), new LocalDateTime(2025, 10, 6, 9, 30), 2, null);

    private static readonly LoopActivity Rejected = new(
        Zjj, LoopActivityKind.Decision, "k1!01", new ItemId("zjj-1"), "老旧小区改造", "退回整改报告", "督办〔2025〕0007号", "李督查",
        new LocalDate(2025, 10, 7), null, null, "照片看不清");

    [Fact]
    public void Document_HasTheLoopSection_AsItsFourth_WithItsRows_InTheSheetAndTheHtml()
    {
        var document = DigestDocument.Of(List(Submitted, Rejected));

        var section = document.Sections[3];
        Assert.Equal(("本周答复和处理（2项）", "答复和处理"), (section.Title, section.Sheet));
        Assert.Equal(["单位", "事项", "办理事项", "督办文号", "办理人", "办理时间", "佐证材料（份）", "理由"], section.Columns);
        Assert.Equal(
            [
                ["住建局", "老旧小区改造", "提交整改报告", "督办〔2025〕0007号", "王填报", "2025-10-06 09:30", "2", ""],
                ["住建局", "老旧小区改造", "退回整改报告", "督办〔2025〕0007号", "李督查", "2025-10-07", "", "照片看不清"],
            ],
            section.Rows.Select(r => r.Select(DigestDocument.Text).ToArray()));
        var html = DigestHtml.Render(document, DigestLetterhead.Default);
        Assert.Contains("四、本周答复和处理（2项）", html, StringComparison.Ordinal);
        Assert.Contains("照片看不清", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Workbook_HasTheLoopSheet()
    {
        using var stream = new MemoryStream(DigestWorkbook.Write(DigestDocument.Of(List(Submitted))));

        Assert.Contains("答复和处理", MiniExcelLibs.MiniExcel.GetSheetNames(stream));
    }

    [Fact]
    public void Document_HasOnlyTheThreeSections_WhenTheWeekHadNoAnswersOrDecisions()
    {
        Assert.Equal(["红黄灯事项", "逾期未办结", "发送失败"], DigestDocument.Of(List()).Sections.Select(s => s.Sheet));
    }
}
