using Escalation.Domain.Problems;

namespace Escalation.Domain.Tests.Problems;

public class ProblemTests
{
    [Fact]
    public void ToString_NamesTableRowFieldAndValueInChinese_WhenTheValueIsGiven()
    {
        var problem = new Problem("tasks", "fgw-01", "Owner", "wu-hao", "没有编号为「wu-hao」的人员。");

        var text = problem.ToString();

        Assert.Equal("表「tasks」/ 行「fgw-01」：字段「Owner」=「wu-hao」：没有编号为「wu-hao」的人员。", text);
    }

    [Fact]
    public void ToString_LeavesTheValueOut_WhenItWasMissing()
    {
        var problem = new Problem("calendar", "2027", "Year", null, "没有 2027 年的日历。");

        var text = problem.ToString();

        Assert.Equal("表「calendar」/ 行「2027」：字段「Year」：没有 2027 年的日历。", text);
    }

    [Fact]
    public void ToString_ShowsAnEmptyValue_WhenTheFieldWasLeftBlank()
    {
        var problem = new Problem("tasks", "T1", "Start", "", "此项必填。");

        var text = problem.ToString();

        Assert.Equal("表「tasks」/ 行「T1」：字段「Start」=「」：此项必填。", text);
    }

    [Fact]
    public void ToString_LeavesTheFieldOut_WhenTheProblemIsAboutTheWholeRow()
    {
        var problem = new Problem("tasks", "T1", "", null, "此行未导入。");

        var text = problem.ToString();

        Assert.Equal("表「tasks」/ 行「T1」：此行未导入。", text);
    }

    [Fact]
    public void Describe_AddsTheGivenNames_AfterTheTableAndTheField()
    {
        var problem = new Problem("tasks", "fgw-01", "Owner", "x", "原因。");

        var text = problem.Describe("任务", "具体责任人");

        Assert.Equal("表「tasks」（任务）/ 行「fgw-01」：字段「Owner」（具体责任人）=「x」：原因。", text);
    }

    [Fact]
    public void Describe_RendersLikeToString_WhenNoNamesAreKnown()
    {
        var problem = new Problem("tasks", "fgw-01", "Milestones", "x", "原因。");

        var text = problem.Describe(null, null);

        Assert.Equal(problem.ToString(), text);
    }
}
