using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class TaskRowTests
{
    [Fact]
    public void Build_ReturnsEveryTask_WhenRowsAreValid()
    {
        var rows = UnitRows();

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(["T1", "T2"], items.Select(i => i.Item.Id.Value).Order(StringComparer.Ordinal));
        var t1 = Item(items, "T1").Item;
        Assert.Equal(Commerce, t1.Unit);
        Assert.Equal("外贸稳增长行动T1", t1.Title);
        Assert.Equal(ItemKind.KeyTask, t1.Kind);
        Assert.Equal(D(2026, 3, 2), t1.Start);
        Assert.Equal(D(2026, 9, 30), t1.Deadline);
        Assert.Equal(new PersonId("swj-zhou"), t1.Owner);
        Assert.Same(Plan.Linear, t1.Plan);
    }

    [Fact]
    public void Build_ReportsStartAndSkipsTask_WhenStartIsMissing()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Start = "" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Start", "", "此项必填");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsDeadlineAndSkipsTask_WhenDeadlineIsNotAnIsoDate()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Deadline = "2026/09/30" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Deadline", "2026/09/30", "不是有效的日期。请按「yyyy-MM-dd」格式填写");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsDeadlineAndSkipsTask_WhenDeadlineIsBeforeStart()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Deadline = "2026-02-27" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Deadline", "2026-02-27", "完成时限早于开始日期（2026-03-02）");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsUnitAndSkipsTasks_WhenUnitIsNotInUnitsTable()
    {
        var rows = UnitRows([ValidTask("T1") with { Unit = "jyj" }], unit: new UnitId("jyj"));

        var (items, problems) = BuildItems(rows);
        var (others, otherProblems) = BuildItems(UnitRows());

        Assert.Empty(items);
        AssertSingleProblem(problems, "tasks", "T1", "Unit", "jyj", "「units」表中没有编号为「jyj」的单位");
        Assert.Empty(otherProblems);
        Assert.Equal(2, others.Count);
    }

    [Fact]
    public void Build_ReportsUnitAndSkipsTask_WhenRowNamesAnotherUnitThanItsPartition()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Unit = "fgw" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Unit", "fgw", "此行存放在单位「swj」下");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsOwnerAndSkipsTask_WhenOwnerIsNotInPeopleTable()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Owner = "swj-nobody" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Owner", "swj-nobody", "「people」表中没有编号为「swj-nobody」的人员。请填写「people」表中已有的编号，或先在「people」表中添加此人员。");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsLeadOfficialAndSkipsTask_WhenLeadOfficialIsNotInPeopleTable()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { LeadOfficial = "city-nobody" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "LeadOfficial", "city-nobody", "「people」表中没有编号为「city-nobody」的人员");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsPlanTemplateAndSkipsTask_WhenTemplateIsUnknown()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { PlanTemplate = "bridge" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "PlanTemplate", "bridge", "「plantemplates」表中没有编号为「bridge」的计划模板");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_UsesPlanTemplate_WhenTemplateIsKnown()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { PlanTemplate = "build" }));

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal("build", Item(items, "T1").Item.Plan.Template?.Id);
    }

    [Fact]
    public void Build_ReportsKindAndSkipsTask_WhenKindIsUnknown()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Kind = "Urgent" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Kind", "Urgent", "无法识别「Urgent」。可填：");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsStatusAndSkipsTask_WhenStatusIsUnknown()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Status = "Done" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Status", "Done", "无法识别「Done」。可填：");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Theory]
    [InlineData("fortnightly")]
    [InlineData("每0天")]
    [InlineData("every 400")]
    [InlineData("每七天")]
    public void Build_ReportsCadenceAndSkipsTask_WhenCadenceIsUnknown(string cadence)
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Cadence = cadence }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Cadence", cadence, "无法识别的报送频次。请填写「旬」");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_AcceptsChineseKindAndStatus_WhenWrittenAsAdminsWriteThem()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Kind = "重点项目", Status = "已完成" }));

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var item = Item(items, "T1").Item;
        Assert.Equal(ItemKind.KeyProject, item.Kind);
        Assert.Equal(ItemStatus.Completed, item.Status);
    }

    public static TheoryData<string, ReportCadence> Cadences() => new()
    {
        { "月", new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Month) },
        { "周", new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Week) },
        { "旬", ReportCadence.Default },
        { "month", new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Month) },
        { "每7天", new ReportCadence(CadenceKind.EveryDays, Days: 7) },
        { "every 14", new ReportCadence(CadenceKind.EveryDays, Days: 14) },
        { "不报送", ReportCadence.None },
    };

    [Theory]
    [MemberData(nameof(Cadences))]
    public void Build_ParsesCadence_WhenWrittenInChineseOrEnglish(string text, ReportCadence expected)
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Cadence = text }));

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(expected, Item(items, "T1").Item.Cadence);
    }

    [Fact]
    public void Build_DefaultsToActiveAndXun_WhenStatusAndCadenceAreEmpty()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Status = " ", Cadence = "" }));

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        var item = Item(items, "T1").Item;
        Assert.Equal(ItemStatus.Active, item.Status);
        Assert.Equal(ReportCadence.Default, item.Cadence);
    }

    [Fact]
    public void Build_ReportsEveryFaultyFieldOfTheRow_NotJustTheFirst()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Kind = "", Start = "soon", Owner = "x" }));

        var (items, problems) = BuildItems(rows);

        Assert.Equal(["Kind", "Start", "Owner"], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.Equal("T1", p.Key));
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }

    [Fact]
    public void Build_ReportsSecondRow_WhenTwoTasksShareAnId()
    {
        var rows = UnitRows([ValidTask("T1"), ValidTask("T1") with { Title = "重复" }, ValidTask("T2")]);

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "T1", "Id", "T1", "本单位已有其他任务使用此编号");
        Assert.Equal("外贸稳增长行动T1", Item(items, "T1").Item.Title);
        Assert.Equal(2, items.Count);
    }
}
