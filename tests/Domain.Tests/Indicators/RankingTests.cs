using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using static Escalation.Domain.Tests.Indicators.IndicatorFixture;

namespace Escalation.Domain.Tests.Indicators;

public class RankingTests
{
    private static (UnitId, double)[] Values(params double[] values) => [.. values.Select((v, i) => (new UnitId("u" + i), v))];

    [Fact]
    public void Rank_TiesShareAPlace_FromTheTopAndFromTheBottom()
    {
        var standings = Ranking.Rank(Values(80, 90, 80, 70, 70), IndicatorDirection.HigherIsBetter);

        Assert.Equal([90, 80, 80, 70, 70], standings.Select(s => s.Value));
        Assert.Equal([1, 2, 2, 4, 4], standings.Select(s => s.Rank));
        Assert.Equal([5, 3, 3, 1, 1], standings.Select(s => s.RankFromBottom));
        Assert.Equal(["u1", "u0", "u2", "u3", "u4"], standings.Select(s => s.Unit.Value));
    }

    [Fact]
    public void Rank_LowerIsBetter_PutsTheLowestFirst()
    {
        var standings = Ranking.Rank(Values(3.1, 2.5, 4.0), IndicatorDirection.LowerIsBetter);

        Assert.Equal([2.5, 3.1, 4.0], standings.Select(s => s.Value));
        Assert.True(standings[2].InBottom(1));
    }

    [Fact]
    public void InBottomAndInTop_IncludeTiesAtTheBoundary()
    {
        var standings = Ranking.Rank(Values(60, 62, 63, 63, 70, 75, 80), IndicatorDirection.HigherIsBetter);

        Assert.Equal(4, standings.Count(s => s.InBottom(3)));
        Assert.Equal(3, standings.Count(s => s.InTop(3)));
    }

    [Fact]
    public void Rank_OfNothing_IsEmpty()
    {
        Assert.Empty(Ranking.Rank([], IndicatorDirection.HigherIsBetter));
    }
}

public class IndicatorDefinitionTests
{
    private static readonly IndicatorDefinition Energy = new(
        new IndicatorId("nh"), Fgw, "单位GDP能耗", "吨标准煤/万元", IndicatorDirection.LowerIsBetter, Accumulation.PerPeriod, IndicatorPeriodKind.Quarter)
    {
        Targets = new ValueTargets(Annual: 0.45, Floor: 0.5, Stretch: 0.45),
    };

    [Theory]
    [InlineData(0.45, TrafficLight.Green)]
    [InlineData(0.40, TrafficLight.Green)]
    [InlineData(0.49, TrafficLight.Yellow)]
    [InlineData(0.495, TrafficLight.Yellow)]
    [InlineData(0.50, TrafficLight.Red)]
    public void LightOf_LowerIsBetter_InvertsTheComparison(double value, TrafficLight light)
    {
        // Planned 0.45; yellow while at most 10 % of the plan above it, i.e. value ≤ 0.495.
        Assert.Equal(light, Energy.LightOf(value, IndicatorPeriod.Quarter(2025, 2)));
    }

    [Fact]
    public void Meets_LowerIsBetter_AValueEqualToTheCapMeetsIt()
    {
        Assert.True(Energy.Meets(0.5, 0.5));
        Assert.False(Energy.Meets(0.5001, 0.5));
    }

    [Fact]
    public void PlannedFor_PerPeriod_IsTheTargetItself_AndNullWithoutATarget()
    {
        Assert.Equal(0.45, Energy.PlannedFor(IndicatorPeriod.Quarter(2025, 1)));
        Assert.Null(FixedInvestment.PlannedFor(IndicatorPeriod.Month(2025, 6)));
        Assert.Null(FixedInvestment.LightOf(5, IndicatorPeriod.Month(2025, 6)));
    }

    [Fact]
    public void PlannedFor_CumulativeWeekly_CountsTheWeeksOfTheIsoYear()
    {
        var weekly = Disbursement with { Targets = new ValueTargets(Annual: 104) };

        Assert.Equal(20, weekly.PlannedFor(IndicatorPeriod.Week(2025, 10)));
    }

    [Fact]
    public void Check_AcceptsTheScenarioIndicators()
    {
        Assert.Empty(FixedInvestment.Check());
        Assert.Empty(Energy.Check());
    }

    [Fact]
    public void Check_NamesEveryFaultyField()
    {
        var bad = FixedInvestment with
        {
            Ranks = new RankTargets(Floor: null, Goal: 3, Stretch: 5),
            YellowRatio = 1.5,
            NotLowerThan = new PeriodOfYear(IndicatorPeriodKind.Week, 10),
            Targets = new ValueTargets(Floor: 7, Stretch: 6.5),
        };

        var problems = bad.Check();

        Assert.All(problems, p => Assert.Equal(("indicators", "gdtz"), (p.Table, p.Key)));
        Assert.Equal(["YellowRatio", "RankStretch", "Stretch", "Lag", "NotLowerThan"], problems.Select(p => p.Field));
        Assert.Contains("保四争三奔第一", problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TimeProportionalLagWithoutAnnualTarget_IsAProblem()
    {
        var problem = Assert.Single((Disbursement with { Lag = LagBasis.TimeProportional }).Check());

        Assert.Equal("Lag", problem.Field);
        Assert.Contains("年度目标", problem.Reason, StringComparison.Ordinal);
    }

    private static IndicatorDefinition PerPeriod(IndicatorDirection direction, double plan) =>
        FixedInvestment with { Direction = direction, Accumulation = Accumulation.PerPeriod, Targets = new ValueTargets(Annual: plan) };

    private static readonly IndicatorPeriod May = IndicatorPeriod.Parse("2025-05");

    // A fall written as a negative growth: plan −3 %. The yellow band is 10 % of the plan's magnitude, 0.3 points.
    [Theory]
    [InlineData(IndicatorDirection.HigherIsBetter, -3.0, -2.5, TrafficLight.Green)]
    [InlineData(IndicatorDirection.HigherIsBetter, -3.0, -3.2, TrafficLight.Yellow)]
    [InlineData(IndicatorDirection.HigherIsBetter, -3.0, -3.3, TrafficLight.Yellow)]
    [InlineData(IndicatorDirection.HigherIsBetter, -3.0, -3.5, TrafficLight.Red)]
    [InlineData(IndicatorDirection.LowerIsBetter, -3.0, -3.5, TrafficLight.Green)]
    [InlineData(IndicatorDirection.LowerIsBetter, -3.0, -2.8, TrafficLight.Yellow)]
    [InlineData(IndicatorDirection.LowerIsBetter, -3.0, -2.5, TrafficLight.Red)]
    public void LightOf_ANegativePlan_HasAYellowBandOfTenPercentOfItsMagnitude(IndicatorDirection direction, double plan, double value, TrafficLight light)
    {
        Assert.Equal(light, PerPeriod(direction, plan).LightOf(value, May));
    }

    // Lower is better, plan 60: yellow up to 66 (60 + 6), no longer up to 60 ÷ 0.9 = 66.7.
    [Theory]
    [InlineData(60.0, TrafficLight.Green)]
    [InlineData(66.0, TrafficLight.Yellow)]
    [InlineData(66.5, TrafficLight.Red)]
    public void LightOf_LowerIsBetter_IsYellowUpToPlanPlusTenPercent(double value, TrafficLight light)
    {
        Assert.Equal(light, PerPeriod(IndicatorDirection.LowerIsBetter, 60).LightOf(value, May));
    }

    [Theory]
    [InlineData(0.0, TrafficLight.Green)]
    [InlineData(-0.1, TrafficLight.Red)]
    public void LightOf_APlanOfZero_HasNoYellowBand(double value, TrafficLight light)
    {
        Assert.Equal(light, PerPeriod(IndicatorDirection.HigherIsBetter, 0).LightOf(value, May));
    }

    [Fact]
    public void Lagging_ByRank_IsUnknownWithoutAProvincialRank()
    {
        Assert.Null(FixedInvestment.Lagging(Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20))));
        Assert.True(FixedInvestment.Lagging(Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20), rank: 5, peers: 12)));
        Assert.False(FixedInvestment.Lagging(Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20), rank: 4, peers: 12)));
        Assert.False(FixedInvestment.IsLagging(Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20))));
    }

    [Theory]
    [InlineData(4, 5, 1, "RankGoal", "5")]
    [InlineData(4, 3, 5, "RankStretch", "5")]
    [InlineData(4, null, 6, "RankStretch", "6")]
    public void Check_ReportsTheRankOutOfOrder_OnItsOwnField(int? floor, int? goal, int? stretch, string field, string value)
    {
        var definition = FixedInvestment with { Ranks = new RankTargets(floor, goal, stretch) };

        var problem = Assert.Single(definition.Check());

        Assert.Equal((field, value), (problem.Field, problem.Value));
        Assert.Contains("名次目标顺序不对", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ReportsBothFields_WhenTheGoalAndTheStretchAreWorseThanTheFloor()
    {
        var definition = FixedInvestment with { Ranks = new RankTargets(4, 6, 5) };

        Assert.Equal(["RankGoal", "RankStretch"], definition.Check().Select(p => p.Field));
    }

    [Fact]
    public void IndicatorId_IsAKeyShortEnoughForItsItemId()
    {
        var longest = new string('x', IndicatorId.MaxLength);

        Assert.Equal("ind:" + longest, IndicatorItem.For(new IndicatorId(longest)).Value);
        Assert.Throws<ArgumentException>(() => new IndicatorId(longest + "x"));
        Assert.NotNull(IndicatorId.TryValidate(longest + "x"));
        Assert.Throws<ArgumentException>(() => new IndicatorId("a/b"));
    }
}
