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
    [InlineData(0.50, TrafficLight.Yellow)]
    [InlineData(0.51, TrafficLight.Red)]
    public void LightOf_LowerIsBetter_InvertsTheComparison(double value, TrafficLight light)
    {
        // Planned 0.45; yellow while planned ÷ value ≥ 0.9, i.e. value ≤ 0.5.
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
        Assert.Equal(["YellowRatio", "RankGoal", "Stretch", "Lag", "NotLowerThan"], problems.Select(p => p.Field));
        Assert.Contains("保四争三奔第一", problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TimeProportionalLagWithoutAnnualTarget_IsAProblem()
    {
        var problem = Assert.Single((Disbursement with { Lag = LagBasis.TimeProportional }).Check());

        Assert.Equal("Lag", problem.Field);
        Assert.Contains("年度目标", problem.Reason, StringComparison.Ordinal);
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
