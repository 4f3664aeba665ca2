using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>
/// The indicator tables as admins write them: definitions and ranking groups validated with the configuration, one
/// indicator's values and exemptions into the evaluator's inputs. The fixture's units plus seven towns 甲..庚
/// (<c>town-jia</c>..); 发改委 owns 固定资产投资增速 (monthly, cumulative, 保四争三奔第一, lag by rank) and 商务局 the
/// towns' weekly 资金拨付进度, ranked in one group. Each test changes one thing and checks that only that is reported and
/// left out.
/// </summary>
public class IndicatorRowTests
{
    private static readonly string[] Towns = ["jia", "yi", "bing", "ding", "wu", "ji", "geng"];

    private static readonly string[] TownNames = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇", "己镇", "庚镇"];

    private static readonly IndicatorId Investment = new("gdtz-zs");

    private static readonly IndicatorId Funds = new("zjbf-jd");

    private static IndicatorRow InvestmentRow => new()
    {
        Id = "gdtz-zs", Name = "固定资产投资增速", Owner = "fgw", MeasureUnit = "%", Direction = "越高越好", Accumulation = "累计",
        PeriodKind = "月", Floor = "6.5", Stretch = "7.5", RankFloor = "4", RankGoal = "3", RankStretch = "1", NotLowerThan = "一季度",
        Lag = "排名", YellowRatio = "90%",
    };

    private static IndicatorRow FundsRow => new()
    {
        Id = "zjbf-jd", Name = "资金拨付进度", Owner = "swj", MeasureUnit = "%", Accumulation = "cumulative", PeriodKind = "week",
    };

    private static RankingGroupRow TownsGroup => new("towns-zjbf", "各镇（街道）", "zjbf-jd", string.Join("、", Towns.Select(t => "town-" + t)));

    private static ConfigurationRows Rows(
        IReadOnlyList<IndicatorRow>? indicators = null, IReadOnlyList<RankingGroupRow>? groups = null) =>
        CatalogFixture.Rows with
        {
            Units = [.. CatalogFixture.Units, .. Towns.Select((t, i) => new UnitRow("town-" + t, TownNames[i], "town-" + t + "-zhang", "town-" + t + "-li"))],
            People = [.. CatalogFixture.People, .. Towns.SelectMany(t => new[] { new PersonRow("town-" + t + "-zhang", t + "镇长", "town-" + t), new PersonRow("town-" + t + "-li", t + "副镇长", "town-" + t) })],
            Indicators = indicators ?? [InvestmentRow, FundsRow],
            RankingGroups = groups ?? [TownsGroup],
        };

    private static readonly Lazy<Configuration> Valid = new(() =>
    {
        var (configuration, problems) = Build(Rows());
        Assert.Empty(problems);
        return configuration;
    });

    [Fact]
    public void Build_ReadsEveryFieldOfTheDefinition_WhenTheRowIsWrittenInChinese()
    {
        var (configuration, problems) = Build(Rows());

        Assert.Empty(problems);
        var definition = configuration.Indicators.Definitions[Investment];
        Assert.Equal(
            (new UnitId("fgw"), "固定资产投资增速", "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month),
            (definition.Owner, definition.Name, definition.MeasureUnit, definition.Direction, definition.Accumulation, definition.PeriodKind));
        Assert.Equal(new ValueTargets(null, 6.5, 7.5, TargetCheck.EveryPeriod), definition.Targets);
        Assert.Equal(new RankTargets(4, 3, 1), definition.Ranks);
        Assert.Equal(new PeriodOfYear(IndicatorPeriodKind.Quarter, 1), definition.NotLowerThan);
        Assert.Equal((LagBasis.Rank, 0.9), (definition.Lag, definition.YellowRatio));
    }

    [Fact]
    public void Build_UsesTheDefaults_WhenDirectionCheckLagAndYellowAreEmpty()
    {
        var (configuration, _) = Build(Rows());

        var definition = configuration.Indicators.Definitions[Funds];

        Assert.Equal(
            (IndicatorDirection.HigherIsBetter, TargetCheck.EveryPeriod, LagBasis.None, IndicatorDefinition.DefaultYellowRatio, IndicatorPeriodKind.Week),
            (definition.Direction, definition.Targets.CheckAt, definition.Lag, definition.YellowRatio, definition.PeriodKind));
    }

    [Fact]
    public void Build_ReadsTheEnglishWords_WhenTheRowIsWrittenInEnglish()
    {
        var row = InvestmentRow with
        {
            Direction = "lower", Accumulation = "per-period", PeriodKind = "quarter", AnnualTarget = "0.5", Floor = null, Stretch = null,
            CheckAt = "year-end", NotLowerThan = "Q1", Lag = "time", YellowRatio = "0.8",
        };

        var (configuration, problems) = Build(Rows([row], []));

        Assert.Empty(problems);
        var definition = configuration.Indicators.Definitions[Investment];
        Assert.Equal(
            (IndicatorDirection.LowerIsBetter, Accumulation.PerPeriod, IndicatorPeriodKind.Quarter, 0.5, TargetCheck.YearEnd, LagBasis.TimeProportional, 0.8),
            (definition.Direction, definition.Accumulation, definition.PeriodKind, definition.Targets.Annual, definition.Targets.CheckAt, definition.Lag, definition.YellowRatio));
    }

    public static TheoryData<string, string?, string> DefinitionFaults => new()
    {
        { "Owner", "rsj", "「units」表中没有编号为「rsj」的单位" },
        { "Name", "", "此项必填" },
        { "Accumulation", "", "此项必填。可填：「cumulative」、「累计」" },
        { "PeriodKind", "年", "无法识别「年」。可填：「month」、「月」" },
        { "Direction", "up", "无法识别「up」" },
        { "Floor", "六点五", "不是有效的数字" },
        { "RankFloor", "0", "应为 1 到 1000 之间的数字" },
        { "NotLowerThan", "Q5", "不是可用的基期" },
        { "Lag", "sometimes", "无法识别「sometimes」" },
        { "YellowRatio", "1.5", "黄灯比例应大于 0、不大于 1" },
        { "CheckAt", "每年", "无法识别「每年」" },
    };

    [Theory]
    [MemberData(nameof(DefinitionFaults))]
    public void Build_ReportsTheFieldAndLeavesTheIndicatorOut_WhenAFieldIsWrong(string field, string? value, string reason)
    {
        var row = With(InvestmentRow, field, value);

        var (configuration, problems) = Build(Rows([row, FundsRow]));

        AssertSingleProblem(problems, "indicators", "gdtz-zs", field, value, reason);
        Assert.False(configuration.Indicators.Definitions.ContainsKey(Investment));
        Assert.True(configuration.Indicators.Definitions.ContainsKey(Funds));
    }

    [Fact]
    public void Build_ReportsTheId_WhenItIsTooLongForAnEventsItem()
    {
        var id = new string('x', IndicatorId.MaxLength + 1);

        var (configuration, problems) = Build(Rows([InvestmentRow with { Id = id }], []));

        AssertSingleProblem(problems, "indicators", id, "Id", id, "指标编号超过 96 个字符");
        Assert.Empty(configuration.Indicators.Definitions);
    }

    [Fact]
    public void Build_ReportsTheRankOrder_WhenTheGoalIsWorseThanTheFloor()
    {
        var (configuration, problems) = Build(Rows([InvestmentRow with { RankFloor = "3", RankGoal = "4" }, FundsRow]));

        AssertSingleProblem(problems, "indicators", "gdtz-zs", "RankGoal", "4", "名次目标顺序不对");
        Assert.False(configuration.Indicators.Definitions.ContainsKey(Investment));
    }

    [Fact]
    public void Build_ReportsTheLagBasis_WhenLagByRankHasNoRankFloor()
    {
        var (_, problems) = Build(Rows([InvestmentRow with { RankFloor = null, RankGoal = null, RankStretch = null }, FundsRow]));

        AssertSingleProblem(problems, "indicators", "gdtz-zs", "Lag", "排名", "没有填写名次底线");
    }

    [Fact]
    public void Build_ReportsTheBasePeriod_WhenAWeeklyIndicatorIsNotToBeLowerThanAQuarter()
    {
        var (configuration, problems) = Build(Rows([InvestmentRow, FundsRow with { NotLowerThan = "一季度" }], []));

        AssertSingleProblem(problems, "indicators", "zjbf-jd", "NotLowerThan", "一季度", "周指标只能写周");
        Assert.False(configuration.Indicators.Definitions.ContainsKey(Funds));
    }

    [Fact]
    public void Build_KeepsTheFirstAndReportsTheSecond_WhenTwoIndicatorsShareAnId()
    {
        var (configuration, problems) = Build(Rows([InvestmentRow, InvestmentRow with { Name = "另一个指标" }, FundsRow], []));

        AssertSingleProblem(problems, "indicators", "gdtz-zs", "Id", "gdtz-zs", "已有其他指标使用编号「gdtz-zs」");
        Assert.Equal("固定资产投资增速", configuration.Indicators.Definitions[Investment].Name);
    }

    [Fact]
    public void Build_BuildsTheGroup_WhenItsUnitsAreIdsOrNamesOnlyOneUnitHas()
    {
        var row = TownsGroup with { Units = "town-jia、乙镇, 丙镇；town-ding  戊镇", BottomK = "2" };

        var (configuration, problems) = Build(Rows(groups: [row]));

        Assert.Empty(problems);
        var group = Assert.Single(configuration.Indicators.GroupsOf(Funds));
        Assert.Equal(["town-jia", "town-yi", "town-bing", "town-ding", "town-wu"], group.Units.Select(u => u.Value));
        Assert.Equal((new RankingGroupId("towns-zjbf"), "各镇（街道）", 2, 3), (group.Id, group.Name, group.BottomK, group.TopK));
        Assert.Empty(configuration.Indicators.GroupsOf(Investment));
    }

    public static TheoryData<string, string?, string> GroupFaults => new()
    {
        { "Indicator", "gdp", "「indicators」表中没有可用的编号为「gdp」的指标" },
        { "Units", "town-jia、town-yi、rsj", "「units」表中没有编号或名称为「rsj」的单位" },
        { "Units", "town-jia、town-yi、甲镇", "单位「甲镇」（town-jia）写了两次" },
        { "Units", "town-jia", "排名分组至少要有 2 个单位" },
        { "Units", "", "此项必填" },
        { "BottomK", "4", "分组只有 3 个单位，「后4位」超出了分组的单位数" },
        { "TopK", "0", "应为 1 到 1000 之间的数字" },
        { "Name", null, "此项必填" },
    };

    [Theory]
    [MemberData(nameof(GroupFaults))]
    public void Build_ReportsTheFieldAndLeavesTheGroupOut_WhenAFieldIsWrong(string field, string? value, string reason)
    {
        var small = TownsGroup with { Units = "town-jia、town-yi、town-bing" };
        var row = field switch
        {
            "Indicator" => small with { Indicator = value },
            "Units" => small with { Units = value },
            "BottomK" => small with { BottomK = value },
            "TopK" => small with { TopK = value },
            _ => small with { Name = value },
        };

        var (configuration, problems) = Build(Rows(groups: [row, TownsGroup with { Id = "towns-all" }]));

        AssertSingleProblem(problems, "rankinggroups", "towns-zjbf", field, value, reason);
        Assert.Equal(["towns-all"], configuration.Indicators.Groups.Select(g => g.Id.Value));
    }

    [Fact]
    public void Build_KeepsTheFirstGroupAndReportsTheSecond_WhenTwoGroupsOfOneIndicatorShareAUnit()
    {
        var south = new RankingGroupRow("south", "南片", "zjbf-jd", "town-wu、town-ji、town-geng、town-jia", BottomK: "2", TopK: "2");

        var (configuration, problems) = Build(Rows(groups: [TownsGroup, south]));

        var problem = AssertSingleProblem(problems, "rankinggroups", "south", "Units", south.Units, "单位「戊镇」（town-wu）已在指标「资金拨付进度」的排名分组「各镇（街道）」（towns-zjbf）中，又列在排名分组「南片」（south）中");
        Assert.Contains("此分组未采用", problem.Reason, StringComparison.Ordinal);
        Assert.Equal(["towns-zjbf"], configuration.Indicators.GroupsOf(Funds).Select(g => g.Id.Value));
    }

    [Fact]
    public void Build_KeepsBothGroups_WhenTheyShareAUnitForDifferentIndicators()
    {
        var byInvestment = new RankingGroupRow("towns-gdtz", "各镇固投", "gdtz-zs", "town-jia、town-yi、town-bing、town-ding、town-wu、town-ji");

        var (configuration, problems) = Build(Rows(groups: [TownsGroup, byInvestment]));

        Assert.Empty(problems);
        Assert.Equal(2, configuration.Indicators.Groups.Count);
    }

    [Theory]
    [InlineData(null, null, null, "分组只有 4 个单位，「前3位」和「后3位」合计 6 个")]
    [InlineData("3", "2", "2", "分组只有 4 个单位，「前2位」和「后3位」合计 5 个")]
    public void Build_ReportsTopAndBottomPlacesThatOverlap_AndStillRanksTheGroup(string? bottom, string? top, string? value, string reason)
    {
        var row = TownsGroup with { Units = "town-jia、town-yi、town-bing、town-ding", BottomK = bottom, TopK = top };

        var (configuration, problems) = Build(Rows(groups: [row]));

        AssertSingleProblem(problems, "rankinggroups", "towns-zjbf", "TopK", value, reason);
        Assert.Single(configuration.Indicators.GroupsOf(Funds));
    }

    [Fact]
    public void Build_AcceptsTopAndBottomPlacesThatTogetherFillTheGroup()
    {
        var row = TownsGroup with { Units = "town-jia、town-yi、town-bing、town-ding", BottomK = "2", TopK = "2" };

        var (configuration, problems) = Build(Rows(groups: [row]));

        Assert.Empty(problems);
        Assert.Single(configuration.Indicators.GroupsOf(Funds));
    }

    [Fact]
    public void Build_ReportsTheName_WhenTwoUnitsHaveTheNameAGroupUses()
    {
        var rows = Rows(groups: [TownsGroup with { Units = "town-jia、town-yi、商务局" }]);
        rows = rows with { Units = [.. rows.Units, new UnitRow("swj2", "商务局")] };

        var (_, problems) = Build(rows);

        AssertSingleProblem(problems, "rankinggroups", "towns-zjbf", "Units", "town-jia、town-yi、商务局", "有 2 个单位名为「商务局」（编号「swj」、「swj2」）");
    }

    [Fact]
    public void Build_LeavesTheGroupOutToo_WhenItsIndicatorHasAProblem()
    {
        var (configuration, problems) = Build(Rows([InvestmentRow, FundsRow with { PeriodKind = "daily" }]));

        Assert.Equal([("indicators", "zjbf-jd", "PeriodKind"), ("rankinggroups", "towns-zjbf", "Indicator")], problems.Select(p => (p.Table, p.Key, p.Field)));
        Assert.Empty(configuration.Indicators.Groups);
    }

    [Fact]
    public void Build_ReturnsTheIndicatorsInputs_WithItsValuesGroupsAndObjectiveExemptions()
    {
        var rows = new IndicatorRows(Funds,
        [
            new("zjbf-jd", "town-jia", "2025-W10", "82", "2025-03-10", PeerCount: null, ProvincialAverage: "70", EnteredBy: "swj-zhou"),
            new("zjbf-jd", "town-yi", "2025-W10", "66.5%", "2025-03-10", ProvincialAverage: "70"),
        ],
        [
            new("town-yi", null, "2025-W10", "dcs", "2025-03-12", "上级资金未按期下达", "客观", Indicator: "zjbf-jd"),
            new("town-jia", null, "2025-W10", Cause: "主观", Indicator: "zjbf-jd"),
        ]);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        Assert.Empty(problems);
        Assert.Equal([Funds], inputs.Definitions.Select(d => d.Id));
        Assert.Equal(["towns-zjbf"], inputs.Groups.Select(g => g.Id.Value));
        Assert.Equal(
            [(new UnitId("town-jia"), IndicatorPeriod.Week(2025, 10), 82.0, D(2025, 3, 10), 70.0, (PersonId?)new PersonId("swj-zhou")), (new UnitId("town-yi"), IndicatorPeriod.Week(2025, 10), 66.5, D(2025, 3, 10), 70.0, null)],
            inputs.Values.Select(v => (v.Unit, v.Period, v.Value, v.Published, v.ProvincialAverage!.Value, v.EnteredBy)));
        Assert.Equal([new IndicatorExemption(Funds, new UnitId("town-yi"), IndicatorPeriod.Week(2025, 10))], inputs.Exemptions);
    }

    public static TheoryData<string, string?, string> ValueFaults => new()
    {
        { "Unit", "rsj", "「units」表中没有编号为「rsj」的单位" },
        { "Period", "2025-13", "不是有效的期次。月写「2025-05」，季写「2025-Q1」，周写「2025-W10」" },
        { "Period", "2025-Q2", "指标「固定资产投资增速」按月发布，2025-Q2却是季的期次" },
        { "Value", "六点九", "不是有效的数字" },
        { "Value", null, "此项必填，请填写数字" },
        { "Published", "2025/05/20", "不是有效的日期" },
        { "Published", "2025-03-31", "发布日期早于期次2025-04的开始（2025-04-01）" },
        { "ProvincialRank", "13", "全省排名第 13 名，大于参与排名数 12" },
        { "ProvincialRank", "0", "应为 1 到 1000 之间的数字" },
        { "PeerCount", "12.5", "应为 1 到 1000 之间的整数（不带小数）" },
        { "ProvincialAverage", "n/a", "不是有效的数字" },
    };

    [Theory]
    [MemberData(nameof(ValueFaults))]
    public void Build_ReportsTheFieldAndLeavesTheValueOut_WhenAFieldIsWrong(string field, string? value, string reason)
    {
        var good = new IndicatorValueRow("gdtz-zs", "fgw", "2025-05", "6.9", "2025-06-18", "3", "12", "6.0", "fgw-chen");
        var bad = WithValue(good with { Period = "2025-04", Published = "2025-05-20" }, field, value);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, new IndicatorRows(Investment, [good, bad], []));

        AssertSingleProblem(problems, "indicatorvalues", bad.Key, field, value, reason);
        Assert.Equal(IndicatorPeriod.Month(2025, 5), Assert.Single(inputs.Values).Period);
    }

    /// <summary>A ranking group of a weekly indicator, and a town's value entered as monthly: that value is refused, not ranked.</summary>
    [Fact]
    public void Build_ReportsTheValue_WhenTheGroupsIndicatorIsWeeklyButTheValueIsMonthly()
    {
        var rows = new IndicatorRows(Funds,
            [new("zjbf-jd", "town-jia", "2025-03", "82", "2025-04-01"), new("zjbf-jd", "town-yi", "2025-W10", "75", "2025-03-10")], []);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        AssertSingleProblem(problems, "indicatorvalues", "zjbf-jd/town-jia/2025-03", "Period", "2025-03", "指标「资金拨付进度」按周发布，2025-03却是月的期次。请按周填写期次");
        Assert.Equal(["town-yi"], inputs.Values.Select(v => v.Unit.Value));
        Assert.Equal(["towns-zjbf"], inputs.Groups.Select(g => g.Id.Value));
    }

    [Fact]
    public void Build_KeepsTheValueAndReportsTheEnterer_WhenTheEntererIsNotInPeople()
    {
        var rows = new IndicatorRows(Investment, [new("gdtz-zs", "fgw", "2025-05", "6.9", "2025-06-18", EnteredBy: "fgw-nobody")], []);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        AssertSingleProblem(problems, "indicatorvalues", "gdtz-zs/fgw/2025-05", "EnteredBy", "fgw-nobody", "这一行的数据照常采用");
        Assert.Null(Assert.Single(inputs.Values).EnteredBy);
    }

    [Fact]
    public void Build_ReportsEveryRowAndReturnsNoInputs_WhenTheIndicatorIsNotUsable()
    {
        var unknown = new IndicatorId("gdp");
        var rows = new IndicatorRows(unknown,
            [new("gdp", "fgw", "2025-05", "5.1", "2025-06-18"), new("gdp", "fgw", "2025-06", "5.3", "2025-07-18")],
            [new("fgw", null, "2025-05", Indicator: "gdp")]);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        Assert.Equal(
            [("indicatorvalues", "gdp/fgw/2025-05"), ("indicatorvalues", "gdp/fgw/2025-06"), ("exemptions", "ind:gdp/fgw/2025-05")],
            problems.Select(p => (p.Table, p.Key)));
        Assert.All(problems, p => Assert.Equal("Indicator", p.Field));
        Assert.All(problems, p => Assert.Contains("没有可用的编号为「gdp」的指标", p.Reason, StringComparison.Ordinal));
        Assert.Same(IndicatorInputs.Empty, inputs);
    }

    [Fact]
    public void Build_ReportsTheRow_WhenItIsStoredUnderAnotherIndicator()
    {
        var rows = new IndicatorRows(Investment, [new("zjbf-jd", "fgw", "2025-05", "6.9", "2025-06-18")], []);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        AssertSingleProblem(problems, "indicatorvalues", "zjbf-jd/fgw/2025-05", "Indicator", "zjbf-jd", "此行存放在指标「gdtz-zs」之下");
        Assert.Empty(inputs.Values);
    }

    [Fact]
    public void Build_KeepsTheFirstAndReportsTheSecond_WhenAUnitHasTwoValuesForOnePeriod()
    {
        var rows = new IndicatorRows(Investment,
            [new("gdtz-zs", "fgw", "2025-05", "6.9", "2025-06-18"), new("gdtz-zs", "fgw", " 2025-05", "7.9", "2025-06-19")], []);

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);

        AssertSingleProblem(problems, "indicatorvalues", "gdtz-zs/fgw/2025-05", "Period", " 2025-05", "同一指标、单位和期次已有一行数据");
        Assert.Equal(6.9, Assert.Single(inputs.Values).Value);
    }

    public static TheoryData<string, string?, string> ExemptionFaults => new()
    {
        { "Task", "T1", "同一行不能既填任务编号又填指标编号" },
        { "Period", "2025-03", "按周发布，2025-03却是月的期次" },
        { "Period", "W11", "不是有效的期次" },
        { "Unit", "rsj", "「units」表中没有编号为「rsj」的单位" },
        { "Cause", "天灾", "无法识别「天灾」" },
        { "ApprovedOn", "3月20日", "不是有效的日期" },
    };

    [Theory]
    [MemberData(nameof(ExemptionFaults))]
    public void Build_ReportsTheFieldAndLeavesTheExemptionOut_WhenAFieldIsWrong(string field, string? value, string reason)
    {
        var good = new ExemptionRow("town-jia", null, "2025-W11", "dcs", "2025-03-20", "上级资金未按期下达", "客观", "zjbf-jd");
        var bad = field switch
        {
            "Task" => good with { Task = value },
            "Period" => good with { Period = value },
            "Unit" => good with { Unit = value },
            "Cause" => good with { Cause = value },
            _ => good with { ApprovedOn = value },
        };

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, new IndicatorRows(Funds, [], [bad, good with { Unit = "town-yi" }]));

        AssertSingleProblem(problems, "exemptions", bad.Key, field, value, reason);
        Assert.Equal(["town-yi"], inputs.Exemptions.Select(e => e.Unit.Value));
    }

    [Fact]
    public void Build_KeepsTheExemptionAndReportsTheApprover_WhenTheApproverIsNotInPeople()
    {
        var row = new ExemptionRow("town-jia", null, "2025-W11", "dcs-nobody", Indicator: "zjbf-jd");

        var (inputs, problems) = IndicatorItems.Build(Valid.Value, new IndicatorRows(Funds, [], [row]));

        AssertSingleProblem(problems, "exemptions", "ind:zjbf-jd/town-jia/2025-W11", "ApprovedBy", "dcs-nobody", "豁免照常生效");
        Assert.Single(inputs.Exemptions);
    }

    [Fact]
    public void Check_ValidatesEveryIndicatorsRows_AndReportsAnIndicatorThatCannotBeAnId()
    {
        IndicatorValueRow[] values =
        [
            new("gdtz-zs", "fgw", "2025-05", "6.9", "2025-06-18"),
            new("zjbf-jd", "town-jia", "2025-05", "80", "2025-06-02"),
            new("gdtz/zs", "fgw", "2025-05", "6.9", "2025-06-18"),
        ];
        ExemptionRow[] exemptions = [new("swj", "T1", "2026-05"), new("town-jia", null, "2025-W11", Indicator: "gdp")];

        var problems = IndicatorItems.Check(Valid.Value, values, exemptions);

        Assert.Equal(
            [("exemptions", "ind:gdp/town-jia/2025-W11", "Indicator"), ("indicatorvalues", "gdtz/zs/fgw/2025-05", "Indicator"), ("indicatorvalues", "zjbf-jd/town-jia/2025-05", "Period")],
            problems.Select(p => (p.Table, p.Key, p.Field)).Order());
        Assert.Contains("不能用作编号", problems.Single(p => p.Key.StartsWith("gdtz/", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitItemsBuild_IgnoresIndicatorExemptions_WhenTheUnitsExemptionsHoldThem()
    {
        var rows = UnitRows(exemptions: [new("swj", null, "2025-05", Indicator: "gdtz-zs"), new("swj", "T1", "2026-05", "dcs")]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(["2026-05"], Item(items, "T1").ExemptPeriods);
    }

    [Fact]
    public void ExemptionKey_NamesTheIndicatorUnitAndPeriod_ForAnIndicatorsExemption()
    {
        Assert.Equal("ind:zjbf-jd/town-jia/2025-W11", new ExemptionRow(" town-jia ", null, " 2025-W11", Indicator: " zjbf-jd ").Key);
        Assert.Equal("T1:2026-05", new ExemptionRow("swj", "T1", "2026-05").Key);
    }

    /// <summary>
    /// domain.md Part 2, "Below average and bottom three", from rows to events: provincial average 70.0 %, towns 甲 82,
    /// 乙 75, 丙 71, 丁 69.5, 戊 66, 己 64, 庚 73 in week 2025-W10 (published Monday 2025-03-10) → summonses to 己, 戊, 丁.
    /// </summary>
    [Fact]
    public void BelowAverageAndBottomThree_SummonsTheThreeTowns_WhenBuiltFromTableRows()
    {
        double[] values = [82, 75, 71, 69.5, 66, 64, 73];
        var rows = new IndicatorRows(Funds,
            [.. Towns.Select((t, i) => new IndicatorValueRow("zjbf-jd", "town-" + t, "2025-W10", values[i].ToString(System.Globalization.CultureInfo.InvariantCulture), "2025-03-10", ProvincialAverage: "70"))],
            []);
        var (inputs, problems) = IndicatorItems.Build(Valid.Value, rows);
        var (rule, ruleProblems) = new RuleRow { Id = "I8", Level = "约谈", Trigger = "bottom-rank", To = "deputy", Channels = "email", Template = "indicator" }.Parse();
        var evaluator = new IndicatorEvaluator(Valid.Value.Calendar, [rule!], Valid.Value.Roster, Valid.Value.Options);

        var result = evaluator.Evaluate(inputs, D(2025, 3, 10));

        Assert.Empty(problems);
        Assert.Empty(ruleProblems);
        Assert.Empty(result.Problems);
        Assert.Equal(["town-ding", "town-ji", "town-wu"], result.Events.Select(e => e.Unit.Value).Order(StringComparer.Ordinal));
        Assert.All(result.Events, e => Assert.Equal((EventLevel.Summons, IndicatorItem.For(Funds)), (e.Level, e.Item)));
    }

    private static IndicatorRow With(IndicatorRow row, string field, string? value) => field switch
    {
        "Owner" => row with { Owner = value },
        "Name" => row with { Name = value },
        "Accumulation" => row with { Accumulation = value },
        "PeriodKind" => row with { PeriodKind = value },
        "Direction" => row with { Direction = value },
        "Floor" => row with { Floor = value },
        "RankFloor" => row with { RankFloor = value },
        "NotLowerThan" => row with { NotLowerThan = value },
        "Lag" => row with { Lag = value },
        "YellowRatio" => row with { YellowRatio = value },
        "CheckAt" => row with { CheckAt = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    private static IndicatorValueRow WithValue(IndicatorValueRow row, string field, string? value) => field switch
    {
        "Unit" => row with { Unit = value },
        "Period" => row with { Period = value },
        "Value" => row with { Value = value },
        "Published" => row with { Published = value },
        "ProvincialRank" => row with { ProvincialRank = value },
        "PeerCount" => row with { PeerCount = value },
        "ProvincialAverage" => row with { ProvincialAverage = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
