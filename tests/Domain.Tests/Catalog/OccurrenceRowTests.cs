using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>Exemption rows for a milestone, the deadline or the start; tasks' start and builder columns; explanations by another unit.</summary>
public class OccurrenceRowTests
{
    private static TaskRow Started(string id, string? builder = "fgw") =>
        ValidTask(id) with { PlannedStart = "2026-03-31", ActualStart = "2026-04-02", Builder = builder };

    private static TaskRow Staged(string id) =>
        ValidTask(id) with { PlannedStart = "2026-03-31" };

    private static readonly MilestoneRow[] Milestones = [new("swj", "T1", "2026-05-29", "完成设计", "40")];

    [Fact]
    public void Build_ReadsPlannedAndActualStartAndBuilder()
    {
        var (items, problems) = BuildItems(UnitRows(tasks: [Started("T1"), ValidTask("T2")]));

        Assert.Empty(problems);
        var item = Item(items, "T1").Item;
        Assert.Equal(D(2026, 3, 31), item.PlannedStart);
        Assert.Equal(D(2026, 4, 2), item.ActualStart);
        Assert.Equal(new UnitId("fgw"), item.Builder);
        Assert.Null(Item(items, "T2").Item.PlannedStart);
    }

    [Fact]
    public void Build_ReportsTheBuilderAndSkipsTheTask_WhenTheBuilderIsNoUnit()
    {
        var (items, problems) = BuildItems(UnitRows(tasks: WithT1(Started("T1", builder: "jsdw"))));

        AssertSingleProblem(problems, "tasks", "T1", "Builder", "jsdw", "「units」");
        Assert.DoesNotContain(items, i => i.Item.Id.Value == "T1");
    }

    [Theory]
    [InlineData("milestone:2026-05-29", "objective")]
    [InlineData("节点:2026-05-29", "客观")]
    [InlineData("节点：2026-05-29", "")]
    public void Build_ExemptsTheMilestone_WhenTheCauseIsObjective(string period, string cause)
    {
        var rows = UnitRows(milestones: Milestones, exemptions: [new("swj", "T1", period, "dcs", Cause: cause)]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal([D(2026, 5, 29)], Item(items, "T1").ExemptCheckpoints);
    }

    [Fact]
    public void Build_ExemptsAStageOfTheTemplate_AndTheDeadline()
    {
        // Template build: 验收 10 working days ending on the deadline 09-30 (National Day is after): it starts 09-17, so
        // 施工 ends on 09-16.
        var task = ValidTask("T1") with { PlanTemplate = "build" };
        var rows = UnitRows(tasks: WithT1(task), exemptions: [new("swj", "T1", "milestone:2026-09-16", "dcs"), new("swj", "T1", "完成时限", "dcs")]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal([D(2026, 9, 16), D(2026, 9, 30)], Item(items, "T1").ExemptCheckpoints.Order());
    }

    [Fact]
    public void Build_ReportsTheDatesThatExist_WhenNoMilestoneIsDueThatDay()
    {
        var rows = UnitRows(milestones: Milestones, exemptions: [new("swj", "T1", "milestone:2026-05-30", "dcs")]);

        var (items, problems) = BuildItems(rows);

        var problem = AssertSingleProblem(problems, "exemptions", "T1:milestone:2026-05-30", "Period", "milestone:2026-05-30", "没有在 2026-05-30 到期的节点");
        Assert.Contains("2026-05-29、2026-09-30（完成时限）", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(Item(items, "T1").ExemptCheckpoints);
    }

    [Theory]
    [InlineData("milestone", "无法识别「milestone」")]
    [InlineData("节点:5月底", "节点日期无法识别")]
    [InlineData("deadlines", "「deadline」或「完成时限」")]
    public void Build_ReportsTheAcceptedForms_WhenThePeriodIsNoOccurrence(string period, string reason)
    {
        var rows = UnitRows(exemptions: [new("swj", "T1", period, "dcs")]);

        var (_, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "exemptions", "T1:" + period, "Period", period, reason);
    }

    [Fact]
    public void Build_ReportsTheCause_WhenItIsNeitherObjectiveNorSubjective()
    {
        var rows = UnitRows(exemptions: [new("swj", "T1", "2026-05", "dcs", Cause: "不可抗力")]);

        var (items, problems) = BuildItems(rows);

        var problem = AssertSingleProblem(problems, "exemptions", "T1:2026-05", "Cause", "不可抗力", "不可抗力");
        Assert.Contains("客观", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(Item(items, "T1").ExemptPeriods);
    }

    [Fact]
    public void Build_ExemptsNothing_WhenTheCauseIsSubjective()
    {
        var rows = UnitRows(
            tasks: WithT1(Staged("T1")),
            milestones: Milestones,
            exemptions:
            [
                new("swj", "T1", "2026-05", "dcs", Cause: "主观"),
                new("swj", "T1", "milestone:2026-05-29", "dcs", Cause: "subjective"),
                new("swj", "T1", "deadline", "dcs", Cause: "主观"),
                new("swj", "T1", "开工", "dcs", Reason: "施工队伍未落实", Cause: "主观"),
            ]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var state = Item(items, "T1");
        Assert.Empty(state.ExemptPeriods);
        Assert.Empty(state.ExemptCheckpoints);
        Assert.Equal(new StartCause(CauseKind.Subjective, "施工队伍未落实"), state.StartCause);
    }

    [Fact]
    public void Build_RecordsAnObjectiveStartCause_OverASubjectiveOne()
    {
        var rows = UnitRows(
            tasks: WithT1(Staged("T1")),
            exemptions: [new("swj", "T1", "start", "dcs", Reason: "征地未完成"), new("swj", "T1", "开工", "dcs", Cause: "主观")]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(new StartCause(CauseKind.Objective, "征地未完成"), Item(items, "T1").StartCause);
    }

    [Fact]
    public void Build_ReportsAStartExemption_WhenTheTaskHasNoPlannedStart()
    {
        var (items, problems) = BuildItems(UnitRows(exemptions: [new("swj", "T1", "start", "dcs")]));

        AssertSingleProblem(problems, "exemptions", "T1:start", "Period", "start", "没有填写计划开工日期");
        Assert.Null(Item(items, "T1").StartCause);
    }

    [Fact]
    public void Build_ReportsAnUnknownApprover_AndKeepsTheExemption()
    {
        var (items, problems) = BuildItems(UnitRows(exemptions: [new("swj", "T1", "2026-05", "督查室")]));

        AssertSingleProblem(problems, "exemptions", "T1:2026-05", "ApprovedBy", "督查室", "豁免照常生效");
        Assert.Equal(["2026-05"], Item(items, "T1").ExemptPeriods);
    }

    // ---- Explanations by several units ------------------------------------------------------------------------------

    private static readonly EventId Notice = EventId.For(new RuleId("R8"), new ItemId("T1"), "start:2026-03-31");

    private static readonly IssuedDemand OfBoth = new(Notice, new ItemId("T1"), DemandKind.SpecialExplanation, D(2026, 4, 8))
    {
        From = [new UnitId("swj"), new UnitId("fgw")],
    };

    [Fact]
    public void Build_MeetsTheDemandPerSubmitter_WhenTheBuilderSubmitted()
    {
        var rows = UnitRows(
            tasks: WithT1(Started("T1")),
            explanations: [new("swj", Notice.Value, "T1", "专题说明", "2026-04-07", From: "fgw")],
            demands: [OfBoth]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var demands = Item(items, "T1").Demands;
        Assert.Equal(2, demands.Count);
        Assert.Null(Assert.Single(demands, d => d.From is null).MetOn);
        Assert.Equal(D(2026, 4, 7), Assert.Single(demands, d => d.From == new UnitId("fgw")).MetOn);
    }

    [Fact]
    public void ExplanationKey_GainsTheSubmitter_OnlyWhenItIsAnotherUnit()
    {
        Assert.Equal(Notice.Value + ":专题说明", new ExplanationRow("swj", Notice.Value, "T1", "专题说明", "2026-04-07").Key);
        Assert.Equal(Notice.Value + ":专题说明", new ExplanationRow("swj", Notice.Value, "T1", "专题说明", "2026-04-07", From: "swj").Key);
        Assert.Equal(Notice.Value + ":专题说明:fgw", new ExplanationRow("swj", Notice.Value, "T1", "专题说明", "2026-04-07", From: "fgw").Key);
    }

    [Fact]
    public void Build_ReportsTheSubmitter_WhenTheNoticeDidNotDemandItOfThatUnit()
    {
        var onlyUnit = OfBoth with { From = [] };
        var rows = UnitRows(
            tasks: WithT1(Started("T1")),
            explanations: [new("swj", Notice.Value, "T1", "专题说明", "2026-04-07", From: "fgw")],
            demands: [onlyUnit]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "explanations", Notice.Value + ":专题说明:fgw", "From", "fgw", "没有要求单位「fgw」提交");
        Assert.Null(Assert.Single(Item(items, "T1").Demands).MetOn);
    }
}
