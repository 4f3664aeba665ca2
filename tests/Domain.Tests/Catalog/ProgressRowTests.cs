using Escalation.Domain.Catalog;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class ProgressRowTests
{
    private static readonly ProgressRow March10 = new("swj", "T1", "2026-03-10", "", "20", ReportedBy: "swj-zhou");

    [Theory]
    [InlineData("-5")]
    [InlineData("101")]
    [InlineData("abc")]
    public void Build_ReportsProgressAndSkipsReport_WhenProgressIsOutside0To100(string progress)
    {
        var rows = UnitRows(progress: [March10, new("swj", "T1", "2026-03-20", "", progress)]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "progress", "T1:2026-03-20:01", "Progress", progress, "应为 0 到 100 之间的数字");
        var history = Item(items, "T1").Progress;
        Assert.Equal(1, history.Count);
        Assert.Equal(20, history.ProgressOn(D(2026, 3, 31)));
    }

    [Fact]
    public void Build_AcceptsProgressWithPercentSign()
    {
        var rows = UnitRows(progress: [new("swj", "T1", "2026-03-10", "1", "35%")]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(35, Item(items, "T1").Progress.ProgressOn(D(2026, 3, 10)));
    }

    [Fact]
    public void Build_RejectsReport_WhenProgressGoesDownWithoutNote()
    {
        var rows = UnitRows(progress: [March10, new("swj", "T1", "2026-03-20", "", "15")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "progress", "T1:2026-03-20:01", "Progress", "15", "完成进度低于此前报送的 20（2026-03-10），且未填写说明");
        Assert.Equal(20, Item(items, "T1").Progress.ProgressOn(D(2026, 3, 20)));
    }

    [Fact]
    public void Build_AcceptsReport_WhenProgressGoesDownWithNote()
    {
        var rows = UnitRows(progress: [March10, new("swj", "T1", "2026-03-20", "", "15", Note: "上报口径调整，剔除未验收部分")]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var history = Item(items, "T1").Progress;
        Assert.Equal(2, history.Count);
        Assert.Equal(15, history.ProgressOn(D(2026, 3, 20)));
    }

    [Fact]
    public void Build_OrdersReportsOfOneDayBySeq_WhateverTheRowOrder()
    {
        var rows = UnitRows(progress:
        [
            new("swj", "T1", "2026-03-10", "10", "45"),
            new("swj", "T1", "2026-03-10", "2", "40"),
            new("swj", "T1", "2026-03-10", "1", "30"),
        ]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var history = Item(items, "T1").Progress;
        Assert.Equal(3, history.Count);
        Assert.Equal(45, history.ProgressOn(D(2026, 3, 10)));
    }

    [Fact]
    public void Build_OrdersReportsOfOneDayByNumericSeq_WhenSeqIsWrittenAsDecimal()
    {
        var rows = UnitRows(progress:
        [
            new("swj", "T1", "2026-03-10", "1.0", "30"),
            new("swj", "T1", "2026-03-10", "2", "40"),
        ]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(40, Item(items, "T1").Progress.ProgressOn(D(2026, 3, 10)));
    }

    [Fact]
    public void Build_ReportsSeqAndSkipsReport_WhenSeqIsNotAWholeNumber()
    {
        var rows = UnitRows(progress: [March10, new("swj", "T1", "2026-03-10", "1.5", "25")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "progress", "T1:2026-03-10:1.5", "Seq", "1.5", "应为 1 到 99 之间的整数");
        Assert.Equal(20, Item(items, "T1").Progress.ProgressOn(D(2026, 3, 10)));
    }

    [Fact]
    public void Build_ReportsReportedByAndSkipsReport_WhenPersonIsUnknown()
    {
        var rows = UnitRows(progress: [March10, new("swj", "T1", "2026-03-20", "", "30", ReportedBy: "swj-nobody")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "progress", "T1:2026-03-20:01", "ReportedBy", "swj-nobody", "「people」表中没有编号为「swj-nobody」的人员");
        Assert.Equal(20, Item(items, "T1").Progress.ProgressOn(D(2026, 3, 31)));
    }

    [Fact]
    public void Build_ReportsTaskAndSkipsReport_WhenTaskIsUnknown()
    {
        var rows = UnitRows(progress: [March10, new("swj", "T9", "2026-03-20", "", "30")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "progress", "T9:2026-03-20:01", "Task", "T9", "本单位没有可用的编号为「T9」的任务");
        Assert.Equal(1, Item(items, "T1").Progress.Count);
    }
}
