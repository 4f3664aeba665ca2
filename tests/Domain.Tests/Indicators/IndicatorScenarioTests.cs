using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Indicators.IndicatorFixture;

namespace Escalation.Domain.Tests.Indicators;

/// <summary>
/// The indicator and ranking scenarios of the specification (docs/domain.md, "Example scenarios, part 2"), one test
/// each, on the shipped calendar and the indicator ladder of <see cref="IndicatorFixture"/>.
/// </summary>
public class IndicatorScenarioTests
{
    private readonly IndicatorEvaluator _engine = Evaluator();

    // ---- Below average and bottom three ------------------------------------------------------------------------------
    // Week 2025-W10 (03-03..03-09) published Tuesday 2025-03-11. Towns: 甲 82, 乙 75, 丙 71, 丁 69.5, 戊 66, 己 64, 庚 73.

    private static IndicatorInputs TownsWeek10(double average, params (string Town, double Value)[] values) => Inputs(
        [Disbursement],
        values.Select(v => Value(Disbursement, "2025-W10", Town(v.Town), v.Value, D(2025, 3, 11), average: average)),
        [Towns(Disbursement, [.. values.Select(v => v.Town)])]);

    private static readonly (string, double)[] SevenTowns = [("甲", 82), ("乙", 75), ("丙", 71), ("丁", 69.5), ("戊", 66), ("己", 64), ("庚", 73)];

    [Fact]
    public void BelowAverageAndBottomThree_SummonsTheThreeBottomTowns_WhenAllThreeAreBelowTheAverage()
    {
        var events = Run(_engine, D(2025, 3, 11), TownsWeek10(70.0, SevenTowns));

        var summonses = events.Where(e => e.Kind == EventKind.BottomRank).ToList();
        Assert.Equal(new HashSet<string> { "丁", "戊", "己" }, summonses.Select(e => e.Facts.UnitName.TrimEnd('镇')).ToHashSet());
        Assert.Equal(3, summonses.Count);
        Assert.All(summonses, e => Assert.Equal(EventLevel.Summons, e.Level));
        Assert.All(summonses, e => Assert.Equal("2025-W10", e.Facts.PeriodKey));
        var ji = summonses.Single(e => e.Unit == Town("己"));
        Assert.Equal(new Recipient(RecipientRole.DeputyInCharge, DeputyOf("己"), IsCopy: false), ji.Recipients[0]);
        Assert.Contains(new Recipient(RecipientRole.SupervisionOffice, Office, IsCopy: true), ji.Recipients);
        Assert.Equal(7, ji.Facts.Indicator!.Standing!.Value.Rank);
        Assert.Equal(70.0, ji.Facts.Indicator.ProvincialAverage);
    }

    [Fact]
    public void BelowAverageAndBottomThree_SummonsOnlyTheTownBelowTheAverage_WhenTheAverageIs65()
    {
        var events = Run(_engine, D(2025, 3, 11), TownsWeek10(65.0, SevenTowns));

        var summons = Assert.Single(events, e => e.Kind == EventKind.BottomRank);
        Assert.Equal(Town("己"), summons.Unit);
    }

    [Fact]
    public void BelowAverageAndBottomThree_IncludesTiesAtTheBoundary_FourSummonsesForBottomValues60_62_63_63()
    {
        var events = Run(_engine, D(2025, 3, 11), TownsWeek10(70.0, ("甲", 82), ("乙", 75), ("丙", 71), ("丁", 63), ("戊", 63), ("己", 60), ("庚", 62)));

        var summoned = events.Where(e => e.Kind == EventKind.BottomRank).Select(e => e.Unit).ToHashSet();
        Assert.Equal([Town("丁"), Town("戊"), Town("己"), Town("庚")], summoned.OrderBy(u => u.Value));
    }

    // ---- Summoned one level higher ------------------------------------------------------------------------------------
    // 己 qualifies in W10 and W11, not in W12, again in W13. Each week is published the Tuesday after it.

    private static readonly (string Week, int Month, int Day, double Ji)[] Weeks =
        [("2025-W10", 3, 11, 64), ("2025-W11", 3, 18, 65), ("2025-W12", 3, 25, 75), ("2025-W13", 4, 1, 66)];

    private static IndicatorInputs FourWeeks() => Inputs(
        [Disbursement],
        Weeks.SelectMany(w => SevenTowns.Select(t => Value(Disbursement, w.Week, Town(t.Item1), t.Item1 == "己" ? w.Ji : t.Item2, D(2025, w.Month, w.Day), average: 70))),
        [Towns(Disbursement, [.. SevenTowns.Select(t => t.Item1)])]);

    [Theory]
    [InlineData(0, "deputy")]
    [InlineData(1, "principal")]
    [InlineData(2, "none")]
    [InlineData(3, "deputy")]
    public void SummonedOneLevelHigher_DeputyThenPrincipal_AndBackToTheDeputyAfterAWeekThatDoesNotQualify(int week, string expected)
    {
        var (key, month, day, _) = Weeks[week];

        var events = Run(_engine, D(2025, month, day), FourWeeks());

        var summons = events.SingleOrDefault(e => e.Kind == EventKind.BottomRank && e.Unit == Town("己") && e.Facts.PeriodKey == key);
        switch (expected)
        {
            case "none":
                Assert.Null(summons);
                break;
            case "deputy":
                Assert.NotNull(summons);
                Assert.Equal(new Recipient(RecipientRole.DeputyInCharge, DeputyOf("己"), IsCopy: false), summons.Recipients[0]);
                Assert.DoesNotContain(summons.Recipients, r => r.Person == PrincipalOf("己"));
                Assert.False(summons.Facts.Indicator!.Escalated);
                break;
            default:
                Assert.NotNull(summons);
                Assert.Equal(new Recipient(RecipientRole.UnitPrincipal, PrincipalOf("己"), IsCopy: false), summons.Recipients[0]);
                Assert.DoesNotContain(summons.Recipients, r => r.Person == DeputyOf("己"));
                Assert.True(summons.Facts.Indicator!.Escalated);
                Assert.Equal(2, summons.Facts.Indicator.Consecutive);
                break;
        }
    }

    // ---- Rank lag streak ----------------------------------------------------------------------------------------------
    // 固投增速, rank floor 4 (保四): 1–2月 3rd (published 03-18), 1–3月 6th (04-18), 1–4月 5th (Tuesday 05-20), 1–5月 7th (06-18).

    private static IndicatorInputs FixedInvestmentRanks() => Inputs(
        [FixedInvestment],
        [
            Value(FixedInvestment, "2025-02", Fgw, 6.1, D(2025, 3, 18), rank: 3, peers: 12),
            Value(FixedInvestment, "2025-03", Fgw, 5.2, D(2025, 4, 18), rank: 6, peers: 12),
            Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20), rank: 5, peers: 12),
            Value(FixedInvestment, "2025-05", Fgw, 4.9, D(2025, 6, 18), rank: 7, peers: 12),
        ]);

    [Fact]
    public void RankLagStreak_SecondLaggingPeriod_IssuesOneNoticeToThePrincipal_WithExplanationDueFiveWorkingDaysAfterPublication()
    {
        var events = Run(_engine, D(2025, 5, 20), FixedInvestmentRanks());

        var notice = Assert.Single(events);
        Assert.Equal(new RuleId("I2"), notice.Rule);
        Assert.Equal(EventLevel.Notice, notice.Level);
        Assert.Equal(EventKind.IndicatorLagging, notice.Kind);
        Assert.Equal(2, notice.Facts.Streak);
        Assert.Equal("2025-04", notice.Facts.PeriodKey);
        Assert.Equal("2025年1–4月", notice.Facts.Period);
        Assert.Equal(Fgw, notice.Unit);
        Assert.Equal(new Recipient(RecipientRole.UnitPrincipal, FgwPrincipal, IsCopy: false), notice.Recipients[0]);
        Assert.Equal(new Demand(DemandKind.Explanation, D(2025, 5, 27)) { From = [Fgw] }, notice.Demand);
        Assert.Equal(5, notice.Facts.Indicator!.ProvincialRank);
    }

    [Fact]
    public void RankLagStreak_ThirdLaggingPeriod_IssuesOneSummons_AndNoSecondNotice()
    {
        var events = Run(_engine, D(2025, 6, 18), FixedInvestmentRanks());

        var summons = Assert.Single(events);
        Assert.Equal(new RuleId("I3"), summons.Rule);
        Assert.Equal(EventLevel.Summons, summons.Level);
        Assert.Equal(3, summons.Facts.Streak);
        Assert.Equal(
            [
                new Recipient(RecipientRole.UnitPrincipal, FgwPrincipal, false),
                new Recipient(RecipientRole.DeputyInCharge, FgwDeputy, false),
                new Recipient(RecipientRole.LeadOfficial, new("city-wang"), true),
                new Recipient(RecipientRole.SupervisionOffice, Office, true),
            ],
            summons.Recipients);
    }

    [Fact]
    public void RankLagStreak_FirstLaggingPeriod_IssuesAReminderOnItsPublicationDay()
    {
        var events = Run(_engine, D(2025, 4, 18), FixedInvestmentRanks());

        var reminder = Assert.Single(events);
        Assert.Equal(new RuleId("I1"), reminder.Rule);
        Assert.Equal(1, reminder.Facts.Streak);
        Assert.Null(reminder.Demand);
    }

    // ---- Rank lag streak, the city's figure ---------------------------------------------------------------------------
    // The same ranks entered, as the tables document, under a separate unit for the city as a whole (市政府, its principal
    // the mayor). The city is ranked in no group of the indicator, so the owning unit 发改委 answers for its figure.

    private static readonly UnitId City = new("city");

    private static readonly PersonId Mayor = new("city-mayor");

    private static readonly Domain.Evaluation.Roster CityRoster = Domain.Evaluation.Roster.Of(
        [new UnitRoster(Fgw, "发改委", FgwPrincipal, FgwDeputy, new PersonId("city-wang")), new UnitRoster(City, "市政府", Mayor, new PersonId("city-deputy"))],
        Office);

    private static IndicatorInputs CityRanks() => Inputs(
        [FixedInvestment],
        [
            Value(FixedInvestment, "2025-02", City, 6.1, D(2025, 3, 18), rank: 3, peers: 12),
            Value(FixedInvestment, "2025-03", City, 5.2, D(2025, 4, 18), rank: 6, peers: 12),
            Value(FixedInvestment, "2025-04", City, 5.4, D(2025, 5, 20), rank: 5, peers: 12),
            Value(FixedInvestment, "2025-12", City, 5.0, D(2026, 1, 20), rank: 6, peers: 12),
        ]);

    [Fact]
    public void RankLagStreak_TheCitysFigure_IssuesTheNoticeToTheOwningUnitsPrincipal_WhichOwesTheExplanation()
    {
        var engine = new IndicatorEvaluator(ShippedCalendar.Default, IndicatorFixture.Rules, CityRoster);

        var notice = Assert.Single(Run(engine, D(2025, 5, 20), CityRanks()));

        Assert.Equal(new RuleId("I2"), notice.Rule);
        Assert.Equal(Fgw, notice.Unit);
        Assert.Equal("发改委", notice.Facts.UnitName);
        Assert.Equal(
            [new Recipient(RecipientRole.UnitPrincipal, FgwPrincipal, false), new Recipient(RecipientRole.SupervisionOffice, Office, true)],
            notice.Recipients);
        Assert.Equal(new Demand(DemandKind.Explanation, D(2025, 5, 27)) { From = [Fgw] }, notice.Demand);
        Assert.Equal("ind-lag:city/2025-04", notice.Occurrence);
        Assert.Equal(EventId.For(new RuleId("I2"), IndicatorItem.For(FixedInvestment.Id), "ind-lag:city/2025-04"), notice.Id);
    }

    [Fact]
    public void YearEnd_TheCitysFigure_IsOwedByTheOwningUnit()
    {
        var engine = new IndicatorEvaluator(ShippedCalendar.Default, IndicatorFixture.Rules, CityRoster);

        var owed = Assert.Single(Run(engine, D(2026, 1, 20), CityRanks()), e => e.Kind == EventKind.YearEndRank);

        Assert.Equal(Fgw, owed.Unit);
        Assert.Equal(FgwPrincipal, owed.Recipients[0].Person);
        Assert.DoesNotContain(owed.Recipients, r => r.Person == Mayor);
        Assert.Equal([Fgw], owed.Demand!.From);
        Assert.Equal("ind-yearend:city/2025-12", owed.Occurrence);
    }

    [Fact]
    public void RankLagStreak_TheCitysFigure_AnAccountabilityRecommendationNeverReachesTheOwningUnitOrTheCity()
    {
        var accountability = Rule("A1", "问责建议", "indicator-lag", "督查室, unit:fgw/principal, unit:city/principal", copy: "lead-official", streak: "2");
        var engine = new IndicatorEvaluator(ShippedCalendar.Default, [accountability], CityRoster);

        var result = engine.Evaluate(CityRanks(), D(2025, 5, 20));

        var recommendation = Assert.Single(result.Events);
        Assert.Equal([Office, new PersonId("city-wang")], recommendation.Recipients.Select(r => r.Person));
        Assert.Equal([("To", "fgw-zhang"), ("To", "city-mayor")], result.Problems.Select(p => (p.Field, p.Value)));
        Assert.Contains("是发改委的人员", result.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("是市政府的人员", result.Problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FloorMissed_ATownRankedInAGroup_AnswersForItsOwnValue()
    {
        var completion = Completion with { Id = new IndicatorId("wcl-town") };
        var inputs = Inputs(
            [completion],
            [Value(completion, "2025-06", Town("甲"), 69, D(2025, 7, 15)), Value(completion, "2025-06", Town("乙"), 90, D(2025, 7, 15)), Value(completion, "2025-06", City, 60, D(2025, 7, 15))],
            [Towns(completion, "甲", "乙") with { BottomK = 1, TopK = 1 }]);
        var roster = Domain.Evaluation.Roster.Of([.. IndicatorFixture.Roster.Units.Values, .. CityRoster.Units.Values.Where(u => u.Id == City)], Office);
        var engine = new IndicatorEvaluator(ShippedCalendar.Default, IndicatorFixture.Rules, roster);

        var missed = Run(engine, D(2025, 7, 15), inputs).Where(e => e.Kind == EventKind.TargetMissed).ToList();

        Assert.Equal(
            [(Fgw, FgwPrincipal, "ind-floor:city/2025-06"), (Town("甲"), PrincipalOf("甲"), "ind-floor:town-0/2025-06")],
            missed.Select(e => (e.Unit, e.Recipients[0].Person, e.Occurrence)).OrderBy(e => e.Occurrence, StringComparer.Ordinal));
    }

    // ---- Time half gone, indicator ------------------------------------------------------------------------------------

    private static readonly IndicatorDefinition RetailSales = new(
        new IndicatorId("shxf"), Fgw, "社会消费品零售总额", "亿元", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
    {
        Targets = new ValueTargets(Annual: 120),
        Lag = LagBasis.TimeProportional,
    };

    [Theory]
    [InlineData(55, TrafficLight.Yellow)]
    [InlineData(53, TrafficLight.Red)]
    [InlineData(61, TrafficLight.Green)]
    [InlineData(60, TrafficLight.Green)]
    [InlineData(54, TrafficLight.Yellow)]
    public void TimeHalfGone_Indicator_AnnualTarget120_CumulativeJanuaryToJune_LightAgainstPlanned60(double value, TrafficLight light)
    {
        var period = IndicatorPeriod.Month(2025, 6);

        Assert.Equal(60, RetailSales.PlannedFor(period));
        Assert.Equal(light, RetailSales.LightOf(value, period));
    }

    [Fact]
    public void TimeHalfGone_Indicator_BelowPlan_LagsByTheTimeProportionalTarget()
    {
        var inputs = Inputs([RetailSales], [Value(RetailSales, "2025-06", Fgw, 55, D(2025, 7, 15))]);

        var events = Run(_engine, D(2025, 7, 15), inputs);

        var reminder = Assert.Single(events);
        Assert.Equal(EventKind.IndicatorLagging, reminder.Kind);
        Assert.Equal(60, reminder.Facts.Planned);
        Assert.Equal(55, reminder.Facts.Reported);
        Assert.Equal(TrafficLight.Yellow, reminder.Facts.Indicator!.Light);
    }

    // ---- Floor and stretch --------------------------------------------------------------------------------------------
    // 确保 completion rate 70 % 以上, 力争 85 %.

    private static readonly IndicatorDefinition Completion = new(
        new IndicatorId("wcl"), Fgw, "项目完成率", "%", IndicatorDirection.HigherIsBetter, Accumulation.PerPeriod, IndicatorPeriodKind.Month)
    {
        Targets = new ValueTargets(Floor: 70, Stretch: 85),
    };

    private IReadOnlyList<EscalationEvent> CompletionOf(double value) =>
        Run(_engine, D(2025, 7, 15), Inputs([Completion], [Value(Completion, "2025-06", Fgw, value, D(2025, 7, 15))]));

    [Fact]
    public void FloorAndStretch_ExactlyTheFloor_MeetsIt_AndMissesOnlyTheStretch()
    {
        var events = CompletionOf(70.0);

        Assert.DoesNotContain(events, e => e.Kind == EventKind.TargetMissed);
        Assert.Equal(EventKind.StretchMissed, Assert.Single(events).Kind);
    }

    [Fact]
    public void FloorAndStretch_JustBelowTheFloor_IsTargetMissed_ANotice()
    {
        var events = CompletionOf(69.9);

        var missed = Assert.Single(events);
        Assert.Equal(EventKind.TargetMissed, missed.Kind);
        Assert.Equal(EventLevel.Notice, missed.Level);
        Assert.Equal(70, missed.Facts.Indicator!.Target);
    }

    [Fact]
    public void FloorAndStretch_AboveTheFloorBelowTheStretch_IsAReminderOnly()
    {
        var events = CompletionOf(80);

        var reminder = Assert.Single(events);
        Assert.Equal(EventKind.StretchMissed, reminder.Kind);
        Assert.Equal(EventLevel.Reminder, reminder.Level);
        Assert.Null(reminder.Demand);
    }

    [Fact]
    public void FloorAndStretch_StretchReached_RaisesNothing()
    {
        Assert.Empty(CompletionOf(85));
    }

    // ---- Not lower than Q1 --------------------------------------------------------------------------------------------

    private static readonly IndicatorDefinition IndustrialGrowth = new(
        new IndicatorId("gyzz"), Fgw, "规上工业增加值增速", "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
    {
        NotLowerThan = PeriodOfYear.TryParse("一季度"),
    };

    private IReadOnlyList<EscalationEvent> HalfYear(double h1) => Run(_engine, D(2025, 7, 15), Inputs(
        [IndustrialGrowth],
        [Value(IndustrialGrowth, "2025-03", Fgw, 7.2, D(2025, 4, 16)), Value(IndustrialGrowth, "2025-06", Fgw, h1, D(2025, 7, 15))]));

    [Fact]
    public void NotLowerThanQ1_HalfYearBelowTheFirstQuarter_IsMissed()
    {
        var events = HalfYear(6.9);

        var missed = Assert.Single(events);
        Assert.Equal(EventKind.BelowEarlier, missed.Kind);
        Assert.Equal(7.2, missed.Facts.Indicator!.Target);
        Assert.Equal(IndicatorPeriod.Month(2025, 3), missed.Facts.Indicator.EarlierPeriod);
        Assert.Equal("2025年上半年", IndicatorPeriod.Quarter(2025, 2).Label(cumulative: true));
    }

    [Fact]
    public void NotLowerThanQ1_HalfYearEqualToTheFirstQuarter_RaisesNothing()
    {
        Assert.Empty(HalfYear(7.2));
    }

    // ---- Year end -----------------------------------------------------------------------------------------------------
    // 12 cities: 第一方阵 is the top 4. Three indicators of 2025 published Tuesday 2026-01-20.

    private static IndicatorDefinition Ranked(string id) => FixedInvestment with { Id = new IndicatorId(id), Lag = LagBasis.None };

    private IReadOnlyList<EscalationEvent> YearEnd(int rank, bool exempt)
    {
        var indicator = Ranked("year-end");
        var value = Value(indicator, "2025-12", Fgw, 5.0, D(2026, 1, 20), rank: rank, peers: 12);
        return Run(_engine, D(2026, 1, 20), Inputs([indicator], [value], exemptions: exempt ? [new IndicatorExemption(indicator.Id, Fgw, value.Period)] : null));
    }

    [Fact]
    public void YearEnd_Rank6Of12_OwesAnExplanation()
    {
        var events = YearEnd(6, exempt: false);

        var owed = Assert.Single(events);
        Assert.Equal(EventKind.YearEndRank, owed.Kind);
        Assert.False(owed.LogOnly);
        Assert.Equal(4, owed.Facts.Indicator!.FirstThird);
        Assert.Equal(new Demand(DemandKind.Explanation, D(2026, 2, 3)) { From = [Fgw] }, owed.Demand);
        Assert.Equal(new Recipient(RecipientRole.UnitPrincipal, FgwPrincipal, false), owed.Recipients[0]);
    }

    [Fact]
    public void YearEnd_Rank9Of12WithAnApprovedExemption_IsALogEntryOnly()
    {
        var events = YearEnd(9, exempt: true);

        var logged = Assert.Single(events);
        Assert.Equal(EventKind.YearEndRank, logged.Kind);
        Assert.True(logged.LogOnly);
        Assert.Empty(logged.Recipients);
        Assert.Empty(logged.Channels);
        Assert.Null(logged.Demand);
        Assert.True(logged.Facts.Indicator!.Exempt);
    }

    [Fact]
    public void YearEnd_Rank2Of12_RaisesNothing()
    {
        Assert.Empty(YearEnd(2, exempt: false));
    }

    [Fact]
    public void YearEnd_Rank4Of12_IsInsideTheFirstThird()
    {
        Assert.Empty(YearEnd(4, exempt: false));
        Assert.Single(YearEnd(5, exempt: false));
    }

    // ---- Scoreboard ---------------------------------------------------------------------------------------------------
    // Nine towns ranked for October 2025 (monthly), published Friday 2025-11-14.

    private static readonly IndicatorDefinition MonthlyDisbursement = Disbursement with { Id = new IndicatorId("zjbf-m"), PeriodKind = IndicatorPeriodKind.Month };

    private static IndicatorInputs October(params double[] values) => Inputs(
        [MonthlyDisbursement],
        TownNames.Select((t, i) => Value(MonthlyDisbursement, "2025-10", Town(t), values[i], D(2025, 11, 14), average: 0)),
        [Towns(MonthlyDisbursement, TownNames)]);

    [Fact]
    public void Scoreboard_NineTownsInOctober_InvitesRanks1To3ToShare_Ranks7To9ToPledge_AndPublishesOneScoreboard()
    {
        var events = Run(_engine, D(2025, 11, 14), October(90, 85, 80, 75, 70, 65, 60, 55, 50));

        var scoreboard = Assert.Single(events, e => e.Kind == EventKind.Scoreboard);
        Assert.Equal(TownNames, scoreboard.Facts.Indicator!.Standings.Select(s => s.Unit).Select(u => TownNames[int.Parse(u.Value[5..], System.Globalization.CultureInfo.InvariantCulture)]));
        Assert.Equal(Fgw, scoreboard.Unit);
        Assert.Equal(TownNames.Select(PrincipalOf).Append(Office), scoreboard.Recipients.Select(r => r.Person));
        Assert.Equal(["甲", "乙", "丙"], events.Where(e => e.Kind == EventKind.ShareInvitation).Select(e => e.Facts.UnitName.TrimEnd('镇')));
        Assert.Equal(["庚", "辛", "壬"], events.Where(e => e.Kind == EventKind.Pledge).Select(e => e.Facts.UnitName.TrimEnd('镇')));
        Assert.All(events.Where(e => e.Kind is EventKind.ShareInvitation or EventKind.Pledge),
            e => Assert.Equal([new Recipient(RecipientRole.UnitPrincipal, PrincipalOf(e.Facts.UnitName.TrimEnd('镇')), false)], e.Recipients));
    }

    [Fact]
    public void Scoreboard_TieAtTheBoundary_InvitesEveryTiedUnit()
    {
        // 丙 and 丁 share third place; 辛 and 壬 share eighth, so 庚 (7th), 辛 and 壬 pledge, and 己 (6th) does not.
        var events = Run(_engine, D(2025, 11, 14), October(90, 85, 80, 80, 70, 65, 60, 55, 55));

        Assert.Equal(["甲", "乙", "丙", "丁"], events.Where(e => e.Kind == EventKind.ShareInvitation).Select(e => e.Facts.UnitName.TrimEnd('镇')));
        Assert.Equal(["庚", "辛", "壬"], events.Where(e => e.Kind == EventKind.Pledge).Select(e => e.Facts.UnitName.TrimEnd('镇')));
    }
}
