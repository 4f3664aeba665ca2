using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class ExemptionAndExplanationTests
{
    private static readonly EventId Notice = EventId.For(new RuleId("R5"), new ItemId("T1"), "lag:2026-05");

    private static readonly IssuedDemand Explanation = new(Notice, new ItemId("T1"), DemandKind.Explanation, D(2026, 6, 10));

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-05-X4")]
    [InlineData("May")]
    [InlineData("2026-5")]
    [InlineData("2026-W54")]
    public void Build_ReportsPeriodAndSkipsExemption_WhenPeriodIsNotAKey(string period)
    {
        var rows = UnitRows(exemptions: [new("swj", "T1", "2026-04", "dcs"), new("swj", "T1", period, "dcs")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "exemptions", "T1:" + period, "Period", period, "不是有效的期次");
        Assert.Equal(["2026-04"], Item(items, "T1").ExemptPeriods);
    }

    [Fact]
    public void Build_ExemptsPeriods_WhenKeysAreMonthXunOrWeek()
    {
        var rows = UnitRows(exemptions:
        [
            new("swj", "T1", "2026-05", "dcs", "2026-06-01", "暴雨停工"),
            new("swj", "T1", " 2026-05-X2 ", "dcs"),
            new("swj", "T1", "2026-W21", "dcs"),
        ]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(["2026-05", "2026-05-X2", "2026-W21"], Item(items, "T1").ExemptPeriods.Order(StringComparer.Ordinal));
        Assert.Empty(Item(items, "T2").ExemptPeriods);
    }

    [Fact]
    public void Build_ReportsTaskAndSkipsExemption_WhenTaskIsUnknown()
    {
        var rows = UnitRows(exemptions: [new("swj", "T9", "2026-05", "dcs"), new("swj", "T1", "2026-05", "dcs")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "exemptions", "T9:2026-05", "Task", "T9", "本单位没有可用的编号为「T9」的任务");
        Assert.Equal(["2026-05"], Item(items, "T1").ExemptPeriods);
    }

    [Theory]
    [InlineData("TZ-2026-001")]
    [InlineData("ev-0123")]
    [InlineData("EV-0123456789ABCDEF0123456789ABCDEF")]
    public void Build_ReportsNoticeAndSkipsExplanation_WhenNoticeIsNotAnEventId(string notice)
    {
        var rows = UnitRows(
            explanations: [new("swj", notice, "T1", "说明", "2026-06-05")],
            demands: [Explanation]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "explanations", notice + ":说明", "Notice", notice, "不是有效的通报编号");
        Assert.Null(Assert.Single(Item(items, "T1").Demands).MetOn);
    }

    [Fact]
    public void Build_MeetsDemandOnTheEarliestSubmission_WhenExplanationsMatchTheNotice()
    {
        var rows = UnitRows(
            explanations:
            [
                new("swj", Notice.Value, "T1", "说明", "2026-06-08", "swj-zhou", "补充说明"),
                new("swj", Notice.Value, "T1", "explanation", "2026-06-05", "swj-zhou", "情况说明"),
                new("swj", Notice.Value, "T1", "整改", "2026-06-01"),
            ],
            demands: [Explanation]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var demand = Assert.Single(Item(items, "T1").Demands);
        Assert.Equal(new OpenDemand(Notice, DemandKind.Explanation, D(2026, 6, 10), D(2026, 6, 5)), demand);
        Assert.Empty(Item(items, "T2").Demands);
    }

    [Fact]
    public void Build_FoldsTheRepeatsOfANoticeIntoItsFirst_AndAnAnswerToAnyRepeatMeetsIt()
    {
        // R3 repeated every 5 working days: three notices of one missed milestone, each demanding the same rectification.
        IssuedDemand Round(string occurrence) =>
            new(EventId.For(new RuleId("R3"), new ItemId("T1"), occurrence), new ItemId("T1"), DemandKind.Rectification, D(2026, 6, 22))
            {
                Rule = new RuleId("R3"),
                Occurrence = occurrence,
            };
        var first = Round("overdue:2026-06-05");
        var second = Round("overdue:2026-06-05:r1");
        var third = Round("overdue:2026-06-05:r2");
        var rows = UnitRows(
            explanations: [new("swj", second.Notice.Value, "T1", "整改", "2026-06-15") { Evidence = "整改照片.jpg" }],
            demands: [third, first, second]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(new OpenDemand(first.Notice, DemandKind.Rectification, D(2026, 6, 22), D(2026, 6, 15)), Assert.Single(Item(items, "T1").Demands));
    }

    [Fact]
    public void Thread_TellsTwoTasksApart_WhenOneRuleNoticedBothOnTheSameOccurrence()
    {
        // R5 on 2026-05-01 noticed two lagging tasks of one unit for April: two demands, two threads, whatever their rule and occurrence share.
        IssuedDemand Of(string task) =>
            new(EventId.For(new RuleId("R5"), new ItemId(task), "lag:2026-04"), new ItemId(task), DemandKind.Explanation, D(2026, 5, 11))
            {
                Rule = new RuleId("R5"),
                Occurrence = "lag:2026-04",
            };

        var (t1, t2) = (Of("T1"), Of("T2"));

        Assert.NotEqual(t1.Thread, t2.Thread);
        Assert.Equal(t1.Thread, (t1 with { Occurrence = "lag:2026-04:r1" }).Thread);
    }

    [Fact]
    public void Build_LeavesDemandOpen_WhenOnlyAnotherKindWasSubmitted()
    {
        var rows = UnitRows(
            explanations: [new("swj", Notice.Value, "T1", "rectification", "2026-06-05")],
            demands: [Explanation]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Null(Assert.Single(Item(items, "T1").Demands).MetOn);
    }

    [Fact]
    public void Build_ReportsTaskAndLeavesDemandOpen_WhenTheExplanationNamesAnotherTaskThanTheNotice()
    {
        var rows = UnitRows(
            explanations: [new("swj", Notice.Value, "T2", "说明", "2026-06-05")],
            demands: [Explanation]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "explanations", Notice.Value + ":说明", "Task", "T2", "针对的是任务「T1」");
        Assert.Null(Assert.Single(Item(items, "T1").Demands).MetOn);
    }

    [Fact]
    public void Build_ReportsKindAndSkipsExplanation_WhenKindIsUnknown()
    {
        var rows = UnitRows(
            explanations: [new("swj", Notice.Value, "T1", "报告", "2026-06-05")],
            demands: [Explanation]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "explanations", Notice.Value + ":报告", "Kind", "报告", "无法识别「报告」");
        Assert.Null(Assert.Single(Item(items, "T1").Demands).MetOn);
    }
}
