using Escalation.Domain.Calendar;
using Escalation.Domain.Items;
using Escalation.Domain.Timelines;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Timelines;

public class TimelineTests
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;

    private static readonly PlanTemplate Construction = new("construction", "房建项目",
    [
        new Stage("前期手续", 10, 10),
        new Stage("主体施工", 20, 70),
        new Stage("竣工验收", 5, 100),
    ]);

    //          2024 September / October      中秋 09-15..17 off, Sat 09-14 worked; 国庆 10-01..07 off, Sun 09-29 and Sat 10-12 worked
    //  Mo Tu We Th Fr Sa  Su
    //   2  3  4  5  6  7   8     Laid backwards from the deadline Fri 10-25:
    //   9 10 11 12 13 14* 15       竣工验收  5 wd: 10-21..10-25                 ends 10-25 (deadline, 100)
    //  16 17 18 19 20 21  22       主体施工 20 wd: 09-18..10-18 (over 国庆)      ends 10-18 (70)
    //  23 24 25 26 27 28  29*      前期手续 10 wd: 09-03..09-14                 ends 09-14 (10)
    //  30 [1 ..        7]  8 9 10 11 12*
    //  14 15 16 17 18 19  20       (* make-up working day)
    //  21 22 23 24 25
    [Fact]
    public void Build_LaysTemplateBackwardsFromDeadline_AcrossNationalDay()
    {
        var item = Item("P-1", D(2024, 9, 2), D(2024, 10, 25), Plan.FromTemplate(Construction));

        var timeline = Timeline.Build(item, China).Timeline!;

        Assert.Equal(
            [
                new Checkpoint("前期手续", D(2024, 9, 14), 10, false),
                new Checkpoint("主体施工", D(2024, 10, 18), 70, false),
                new Checkpoint("竣工验收", D(2024, 10, 25), 100, true),
            ],
            timeline.Checkpoints);
    }

    [Fact]
    public void Build_ReportsProblem_WhenTemplateDoesNotFit()
    {
        // 35 working days are needed; 2024-10-08..10-25 has 15 (Saturday 10-12 included).
        var item = Item("P-2", D(2024, 10, 8), D(2024, 10, 25), Plan.FromTemplate(Construction));

        var problem = Timeline.Build(item, China).Problem!;

        Assert.Equal("tasks", problem.Table);
        Assert.Equal("P-2", problem.Key);
        Assert.Equal("PlanTemplate", problem.Field);
        Assert.Contains("共需 35 个工作日", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("只有 15 个工作日", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Fits_WhenTemplateNeedsExactlyTheWorkingDaysAvailable()
    {
        // 2024-09-03..10-25 has exactly 35 working days (09-14, 09-29 and 10-12 included; 中秋 and 国庆 excluded).
        var item = Item("P-3", D(2024, 9, 3), D(2024, 10, 25), Plan.FromTemplate(Construction));

        var result = Timeline.Build(item, China);

        Assert.Null(result.Problem);
        Assert.Equal(0, result.Timeline!.PlannedOn(D(2024, 9, 2)));
        Assert.Equal(1.0, result.Timeline.PlannedOn(D(2024, 9, 3)), precision: 6); // 1 of 10 days of a 10 % stage
    }

    [Fact]
    public void PlannedOn_IsLinearInWorkingDays_WithoutMilestones()
    {
        // 2024: 251 working days; 104 of them by 05-31.
        var timeline = Timeline.Build(Item("L-1", D(2024, 1, 1), D(2024, 12, 31)), China).Timeline!;

        Assert.Equal(0, timeline.PlannedOn(D(2023, 12, 31)));
        Assert.Equal(0, timeline.PlannedOn(D(2024, 1, 1)));            // 元旦: no working day done yet
        Assert.Equal(100.0 * 104 / 251, timeline.PlannedOn(D(2024, 5, 31)), precision: 9);
        Assert.Equal(100.0 * 104 / 251, timeline.PlannedOn(D(2024, 6, 1)), precision: 9); // a Saturday adds nothing
        Assert.Equal(100, timeline.PlannedOn(D(2024, 12, 31)));
        Assert.Equal(100, timeline.PlannedOn(D(2025, 3, 1)));
    }

    [Fact]
    public void PlannedOn_IsPiecewiseLinearBetweenMilestones()
    {
        // 50 % by Friday 2024-03-15, done by Friday 2024-03-29; start Monday 03-04.
        var plan = Plan.WithMilestones([new Milestone("完成一半", D(2024, 3, 15), 50)]);
        var timeline = Timeline.Build(Item("M-1", D(2024, 3, 4), D(2024, 3, 29), plan), China).Timeline!;

        Assert.Equal(5, timeline.PlannedOn(D(2024, 3, 4)), precision: 9);    // 1 of 10 working days towards 50 %
        Assert.Equal(50, timeline.PlannedOn(D(2024, 3, 15)), precision: 9);
        Assert.Equal(55, timeline.PlannedOn(D(2024, 3, 18)), precision: 9);  // 1 of 10 working days from 50 to 100
        Assert.Equal(2, timeline.Checkpoints.Count);
        Assert.True(timeline.Checkpoints[^1].IsDeadline);
    }

    [Theory]
    [InlineData("2024-02-01", 50, "节点不在任务的起止时间")]
    [InlineData("2024-03-20", 150, "目标进度应为 0 到 100 之间的百分数")]
    [InlineData("2024-03-29", 60, "目标进度必须为 100")]
    public void Build_ReportsProblem_ForMilestoneThatCannotBe(string due, double target, string reason)
    {
        var plan = Plan.WithMilestones([new Milestone("节点", LocalDate.FromDateOnly(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture)), target)]);

        var problem = Timeline.Build(Item("M-2", D(2024, 3, 4), D(2024, 3, 29), plan), China).Problem!;

        Assert.Equal("Milestones", problem.Field);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsProblem_WhenTargetsFall()
    {
        var plan = Plan.WithMilestones([new Milestone("a", D(2024, 3, 8), 60), new Milestone("b", D(2024, 3, 15), 40)]);

        var problem = Timeline.Build(Item("M-3", D(2024, 3, 4), D(2024, 3, 29), plan), China).Problem!;

        Assert.Contains("低于前一个节点的目标进度", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsProblem_WhenDeadlineIsBeforeStart()
    {
        var problem = Timeline.Build(Item("M-4", D(2024, 3, 4), D(2024, 3, 1)), China).Problem!;

        Assert.Equal("Deadline", problem.Field);
        Assert.Equal("2024-03-01", problem.Value);
    }

    //        2026 December (loaded)          2027 (not loaded: provisional, Monday to Friday)
    //  Laid backwards from the deadline Wed 2027-03-31:
    //    验收  20 wd: 03-04..03-31                                      ends 03-31 (deadline, 100)
    //    施工  60 wd: 2026-12-10..2027-03-03 (16 in 2026, 44 in 2027)   ends 03-03 (80)
    //    前期  40 wd                                                    ends 2026-12-09 (30): a loaded day, chased now
    [Fact]
    public void Build_LaysBackwardsAcrossProvisional2027_AndSaysTheTimelineIsProvisional()
    {
        var template = new PlanTemplate("p3", "三阶段", [new Stage("前期手续", 40, 30), new Stage("施工", 60, 80), new Stage("验收", 20, 100)]);
        var item = Item("P-27", D(2026, 9, 1), D(2027, 3, 31), Plan.FromTemplate(template));

        var timeline = Timeline.Build(item, China.WithProvisionalYears(2027, 2027)).Timeline!;

        Assert.Equal([D(2026, 12, 9), D(2027, 3, 3), D(2027, 3, 31)], timeline.Checkpoints.Select(c => c.Due));
        Assert.Equal([2027], timeline.ProvisionalYears);
    }

    [Fact]
    public void Build_IsNotProvisional_WhenEveryYearIsLoaded()
    {
        var timeline = Timeline.Build(Item("M-6", D(2026, 1, 5), D(2026, 12, 31)), China.WithProvisionalYears(2027, 2027)).Timeline!;

        Assert.Empty(timeline.ProvisionalYears);
    }

    [Fact]
    public void Build_ReportsProblem_NamingTheYear_WhenDeadlineIsIn2027()
    {
        var problem = Timeline.Build(Item("M-5", D(2026, 9, 1), D(2027, 3, 31)), China).Problem!;

        Assert.Equal("Deadline", problem.Field);
        Assert.Contains("2027", problem.Reason, StringComparison.Ordinal);
    }
}
