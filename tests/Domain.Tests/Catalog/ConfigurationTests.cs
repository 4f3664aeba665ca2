using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class ConfigurationTests
{
    [Fact]
    public void Build_UsesDefaultRules_WhenRulesTableIsEmpty()
    {
        var rows = Rows with { Rules = [] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Same(DefaultRules.All, configuration.Rules);
    }

    [Fact]
    public void Build_ReportsRuleInRulesTableAndKeepsTheOthers_WhenTriggerIsUnknown()
    {
        var rows = Rows with { Rules = [DefaultRules.Rows[0], DefaultRules.Rows[1] with { Trigger = "whenever" }] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "rules", "R2", "Trigger", "whenever", "无法识别「whenever」");
        Assert.Equal(["R1"], configuration.Rules.Select(r => r.Id.Value));
    }

    [Fact]
    public void Build_ReportsRule_WhenItNamesATemplateThatDoesNotExist()
    {
        var rows = Rows with { Rules = [DefaultRules.Rows[0] with { Template = "no-such-template" }, DefaultRules.Rows[1]] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "rules", "R1", "Template", "no-such-template", "due-soon");
        Assert.Equal(["R2"], configuration.Rules.Select(r => r.Id.Value));
    }

    [Fact]
    public void Build_KeepsShippedTemplate_WhenOverrideHasAnUnknownPlaceholder()
    {
        var broken = DefaultTemplates.ById["overdue"] with { Subject = "【督查通报】{unit}{foo}" };
        var fixedWording = DefaultTemplates.ById["due-soon"] with { Sms = "{unit}“{item}”请抓紧。" };
        var rows = Rows with { Templates = [broken, fixedWording] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "templates", "overdue", "Subject", "【督查通报】{unit}{foo}", "无法识别占位符「{foo}」");
        Assert.Equal(DefaultTemplates.ById["overdue"], configuration.Templates["overdue"]);
        Assert.Equal("{unit}“{item}”请抓紧。", configuration.Templates["due-soon"].Sms);
        Assert.Equal(DefaultTemplates.All.Count, configuration.Templates.Count);
    }

    [Fact]
    public void Build_AddsTemplate_WhenOverrideHasANewId()
    {
        var rows = Rows with { Templates = [new MessageTemplate(" weekly ", "{unit}周报", "{unit}{item}", "{unit}")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal("weekly", configuration.Templates["weekly"].Id);
    }

    [Fact]
    public void Build_OrdersStagesBySeqAndTakesNameFromRows_WhateverTheRowOrder()
    {
        var rows = Rows with
        {
            PlanStages =
            [
                new("road", "", "3", "验收", "5", "100"),
                new("road", "道路工程", "1", "设计", "10", "10"),
                new("road", null, "2", "施工", "40", "90"),
            ],
        };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        var road = configuration.PlanTemplates["road"];
        Assert.Equal("道路工程", road.Name);
        Assert.Equal([new Stage("设计", 10, 10), new Stage("施工", 40, 90), new Stage("验收", 5, 100)], road.Stages);
    }

    [Fact]
    public void Build_ReportsSecondStageAndKeepsTemplate_WhenTwoStagesShareASeq()
    {
        var rows = Rows with { PlanStages = [.. PlanStages, new("build", "", "2", "装修", "15", "90")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "plantemplates", "build:02", "Seq", "2", "模板「build」已有序号为 2 的阶段");
        var build = configuration.PlanTemplates["build"];
        Assert.Equal("建设项目", build.Name);
        Assert.Equal(["前期", "施工", "验收"], build.Stages.Select(s => s.Name));
    }

    [Fact]
    public void Build_NamesTemplateByItsId_WhenNoRowGivesAName()
    {
        var rows = Rows with { PlanStages = [new("fit-out", "", "1", "装修", "30", "100")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal("fit-out", configuration.PlanTemplates["fit-out"].Name);
    }

    [Fact]
    public void Build_ReportsAndSkipsStage_WhenWorkingDaysAreNotAWholeNumber()
    {
        var rows = Rows with { PlanStages = [.. PlanStages, new("build", "", "4", "移交", "2.5", "100")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "plantemplates", "build:04", "WorkingDays", "2.5", "应为 1 到 500 之间的整数");
        Assert.Equal(3, configuration.PlanTemplates["build"].Stages.Count);
    }

    [Fact]
    public void Build_ReportsSettingAndLeavesNoOffice_WhenSupervisionOfficeIsUnknown()
    {
        var rows = Rows with { Settings = [new SettingRow("SupervisionOffice", "dcs-nobody")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "settings", "SupervisionOffice", "Value", "dcs-nobody", "「people」表中没有编号为「dcs-nobody」的人员");
        Assert.Null(configuration.Roster.SupervisionOffice);
        Assert.Equal(2, configuration.Roster.Units.Count);
    }

    [Fact]
    public void Build_ReportsOnceForEveryRuleThatCopiesTheOffice_WhenNoSupervisionOfficeIsSet()
    {
        var rows = Rows with { Settings = [] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "settings", "SupervisionOffice", "Value", null, "规则「R3」、「R5」、「R6」、「R8」、「R11」、「R12」、「R14」、「R16」要发给或抄送督查室，但「settings」表中没有设置督查室的人员");
        Assert.Null(configuration.Roster.SupervisionOffice);
    }

    [Fact]
    public void Build_ReportsSettingAndKeepsDefault_WhenCatchUpWorkingDaysIsNotANumber()
    {
        var rows = Rows with { Settings = [.. Settings, new SettingRow("CatchUpWorkingDays", "abc")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "settings", "CatchUpWorkingDays", "Value", "abc", "应为 0 到 60 之间的数字");
        Assert.Equal(EvaluationOptions.Default.CatchUpWorkingDays, configuration.Options.CatchUpWorkingDays);
        Assert.Equal(new PersonId("dcs"), configuration.Roster.SupervisionOffice);
    }

    [Fact]
    public void Build_ReportsSetting_WhenKeyIsUnknown()
    {
        var rows = Rows with { Settings = [.. Settings, new SettingRow("Catchup", "5")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "settings", "Catchup", "Key", "Catchup", "无法识别的设置项。可填：「SupervisionOffice」、「CatchUpWorkingDays」");
        Assert.Equal(EvaluationOptions.Default, configuration.Options);
    }

    [Fact]
    public void Build_AppliesSettingsToOptions_WhenValuesAreValid()
    {
        var rows = Rows with
        {
            Settings =
            [
                .. Settings,
                new SettingRow("GoLive", "2026-04-01"),
                new SettingRow("YellowWithin", "5"),
                new SettingRow("CatchUpWorkingDays", "3"),
            ],
        };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(new EvaluationOptions(3, new TrafficLightPolicy(5), D(2026, 4, 1)), configuration.Options);
    }

    [Fact]
    public void Build_ReadsTheFormerStreaksFromKeyAsGoLive_WhenOnlyItIsSet()
    {
        var rows = Rows with { Settings = [.. Settings, new SettingRow("StreaksFrom", "2026-04-01")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(D(2026, 4, 1), configuration.Options.GoLive);
    }

    [Fact]
    public void Build_UsesGoLiveAndReportsStreaksFrom_WhenBothAreSetToDifferentDates()
    {
        var rows = Rows with { Settings = [.. Settings, new SettingRow("StreaksFrom", "2026-04-01"), new SettingRow("GoLive", "2026-01-01")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "settings", "StreaksFrom", "Value", "2026-04-01", "former name of GoLive");
        Assert.Equal(D(2026, 1, 1), configuration.Options.GoLive);
    }
}
