using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class MilestoneRowTests
{
    private static readonly MilestoneRow Groundwork = new("swj", "T1", "2026-05-29", "完成前期", "30");

    [Fact]
    public void Build_PlansTaskWithMilestonesInDueOrder_WhenRowsAreValid()
    {
        var rows = UnitRows(milestones: [new("swj", "T1", "2026-07-31", "主体完工", "70"), Groundwork]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(
            [new Milestone("完成前期", D(2026, 5, 29), 30), new Milestone("主体完工", D(2026, 7, 31), 70)],
            Item(items, "T1").Item.Plan.Milestones);
    }

    [Fact]
    public void Build_ReportsDueAndSkipsMilestone_WhenDueIsAfterTheDeadline()
    {
        var rows = UnitRows(milestones: [Groundwork, new("swj", "T1", "2026-10-15", "竣工", "100")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "milestones", "T1:2026-10-15", "Due", "2026-10-15", "节点日期晚于任务的完成时限（2026-09-30）");
        Assert.Equal([new Milestone("完成前期", D(2026, 5, 29), 30)], Item(items, "T1").Item.Plan.Milestones);
    }

    [Fact]
    public void Build_ReportsDueAndSkipsMilestone_WhenDueIsBeforeTheStart()
    {
        var rows = UnitRows(milestones: [Groundwork, new("swj", "T1", "2026-01-15", "立项", "5")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "milestones", "T1:2026-01-15", "Due", "2026-01-15", "节点日期早于任务的开始日期（2026-03-02）");
        Assert.Single(Item(items, "T1").Item.Plan.Milestones);
    }

    [Fact]
    public void Build_ReportsTaskAndSkipsMilestone_WhenTaskIsUnknown()
    {
        var rows = UnitRows(milestones: [Groundwork, new("swj", "T9", "2026-05-29", "完成前期", "30")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "milestones", "T9:2026-05-29", "Task", "T9", "本单位没有可用的编号为「T9」的任务");
        Assert.Single(Item(items, "T1").Item.Plan.Milestones);
        Assert.Equal(2, items.Count);
    }

    [Fact]
    public void Build_ReportsTargetAndSkipsMilestone_WhenTargetIsAbove100()
    {
        var rows = UnitRows(milestones: [Groundwork, new("swj", "T1", "2026-07-31", "主体完工", "120")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "milestones", "T1:2026-07-31", "Target", "120", "应为 0 到 100 之间的数字");
        Assert.Equal([new Milestone("完成前期", D(2026, 5, 29), 30)], Item(items, "T1").Item.Plan.Milestones);
    }

    [Fact]
    public void Build_ReportsMilestoneOfSkippedTask_PointingAtTheTasksOwnProblems()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Owner = "nobody" }), milestones: [Groundwork]);

        var (items, problems) = BuildItems(rows);

        Assert.Equal([("tasks", "Owner"), ("milestones", "Task")], problems.Select(p => (p.Table, p.Field)));
        Assert.Contains("请先查看并改正该任务的问题", problems[1].Reason, StringComparison.Ordinal);
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_UsesMilestonesAndReportsTemplate_WhenTaskHasBoth()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { PlanTemplate = "build" }), milestones: [Groundwork]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "PlanTemplate", "build", "另有节点，现按这些节点计算");
        var plan = Item(items, "T1").Item.Plan;
        Assert.Null(plan.Template);
        Assert.Single(plan.Milestones);
    }
}
