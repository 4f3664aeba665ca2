using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Indicators.IndicatorFixture;

namespace Escalation.Domain.Tests.Indicators;

/// <summary>The indicator evaluator beyond the scenarios: streak rules, exemptions, windows, ids, scans and bad input.</summary>
/// <remarks>
/// 固投增速 (rank floor 4), monthly, published on the 18th of the next month (2025: all working days but 05-18, a Sunday,
/// and 10-18, a Saturday, which the tests avoid).
/// </remarks>
public class IndicatorEvaluatorTests
{
    private readonly IndicatorEvaluator _engine = Evaluator();

    private static readonly string[] FourTowns = ["甲", "乙", "丙", "丁"];

    private static readonly string[] TwoTowns = ["甲", "乙"];

    private static IndicatorValue Month(int month, int rank, int publishedDay = 18) =>
        Value(FixedInvestment, $"2025-{month:00}", Fgw, 5.0, D(2025, month + 1, publishedDay), rank: rank, peers: 12);

    private static IndicatorInputs Ranks(IEnumerable<IndicatorValue> values, IEnumerable<IndicatorExemption>? exemptions = null) =>
        Inputs([FixedInvestment], values, exemptions: exemptions);

    [Fact]
    public void Lag_ANonLaggingPeriod_ResetsTheStreak()
    {
        // March lags, April 4th (on the floor: not lagging), June lags: streak 1, a reminder.
        var inputs = Ranks([Month(3, 6), Month(4, 4, publishedDay: 19), Month(6, 5)]);

        var reminder = Assert.Single(Run(_engine, D(2025, 7, 18), inputs));

        Assert.Equal(new RuleId("I1"), reminder.Rule);
        Assert.Equal(1, reminder.Facts.Streak);
    }

    [Fact]
    public void Lag_AnExemptPeriod_NeitherCountsNorBreaksTheStreak_AndRaisesNothing()
    {
        var march = Month(3, 6);
        var april = Month(4, 6, publishedDay: 19);
        var exempt = new IndicatorExemption(FixedInvestment.Id, Fgw, april.Period);
        var inputs = Ranks([march, april, Month(5, 7)], [exempt]);

        Assert.Empty(Run(_engine, D(2025, 5, 19), inputs));
        var notice = Assert.Single(Run(_engine, D(2025, 6, 18), inputs));
        Assert.Equal(new RuleId("I2"), notice.Rule);
        Assert.Equal(2, notice.Facts.Streak);
    }

    [Fact]
    public void Lag_APeriodWithoutAValue_IsNotJudged()
    {
        // 1–2月 are published together: no January value; December lags, 1–2月 lags: a streak of two.
        var inputs = Ranks(
        [
            Value(FixedInvestment, "2024-12", Fgw, 5, D(2025, 1, 17), rank: 8, peers: 12),
            Value(FixedInvestment, "2025-02", Fgw, 5, D(2025, 3, 18), rank: 9, peers: 12),
        ]);

        var notice = Assert.Single(Run(_engine, D(2025, 3, 18), inputs));

        Assert.Equal(2, notice.Facts.Streak);
    }

    [Fact]
    public void Lag_GoLive_CountsOnlyValuesPublishedFromIt()
    {
        var inputs = Ranks([Month(3, 6), Month(4, 6, publishedDay: 19)]);
        var engine = Evaluator(options: new EvaluationOptions(GoLive: D(2025, 5, 1)));

        var reminder = Assert.Single(Run(engine, D(2025, 5, 19), inputs));

        Assert.Equal(1, reminder.Facts.Streak);
    }

    [Fact]
    public void Events_AreRaisedFromThePublicationDate_NotBefore_AndNotAfterTheCatchUpWindow()
    {
        // 1–3月 published Friday 04-18; ten working days later is 05-06 (the May Day break 05-01..05 in between).
        var inputs = Ranks([Month(3, 6)]);

        Assert.Empty(Run(_engine, D(2025, 4, 17), inputs));
        Assert.Single(Run(_engine, D(2025, 4, 18), inputs));
        Assert.Single(Run(_engine, D(2025, 5, 6), inputs));
        Assert.Empty(Run(_engine, D(2025, 5, 7), inputs));
    }

    [Fact]
    public void Events_ADelayedRule_FiresDaysAfterPublication()
    {
        var engine = Evaluator([Rule("D1", "提醒", "indicator-lag", "principal", streak: "1", days: "3")]);
        var inputs = Ranks([Month(3, 6)]);

        Assert.Empty(Run(engine, D(2025, 4, 22), inputs));
        Assert.Single(Run(engine, D(2025, 4, 23), inputs));
    }

    [Fact]
    public void Events_HaveTheSameIdEveryRun_AndADifferentIdPerUnitPeriodAndRule()
    {
        var inputs = Ranks([Month(3, 6), Month(4, 6, publishedDay: 21)]);

        var first = Assert.Single(Run(_engine, D(2025, 4, 18), inputs));
        var again = Assert.Single(Run(_engine, D(2025, 4, 21), inputs.Values.Take(1).ToList() is var one ? inputs with { Values = one } : inputs));
        var next = Run(_engine, D(2025, 5, 21), inputs);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(EventId.For(new RuleId("I1"), new ItemId("ind:gdtz"), "ind-lag:fgw/2025-03"), first.Id);
        Assert.Equal(new ItemId("ind:gdtz"), first.Item);
        Assert.Equal("ind-lag:fgw/2025-03", first.Occurrence);
        Assert.DoesNotContain(next, e => e.Id == first.Id);
        Assert.Equal("ind-lag:fgw/2025-04", Assert.Single(next).Occurrence);
    }

    [Fact]
    public void Values_PublishedAfterToday_AreNotRead()
    {
        var inputs = Ranks([Month(3, 6), Month(4, 6, publishedDay: 21)]);

        // On 05-20 the 1–4月 figure is not public yet; 1–3月 is past the catch-up window.
        Assert.Empty(Run(_engine, D(2025, 5, 20), inputs));
    }

    [Fact]
    public void Scan_AnAfternoonRule_IsRaisedByTheAfternoonScanOnly()
    {
        var engine = Evaluator([Rule("A1", "提醒", "indicator-lag", "principal", streak: "1", scan: "下午")]);
        var inputs = Ranks([Month(3, 6)]);

        Assert.Empty(engine.Evaluate(inputs, D(2025, 4, 18)).Events);
        Assert.Single(engine.Evaluate(inputs, D(2025, 4, 18), ScanSlot.Afternoon).Events);
    }

    [Fact]
    public void Groups_APeriodMissingAUnitsValue_IsNotRanked_AndTheMissingUnitsAreReported()
    {
        var inputs = Inputs(
            [Disbursement],
            [Value(Disbursement, "2025-W10", Town("甲"), 50, D(2025, 3, 11), average: 70), Value(Disbursement, "2025-W10", Town("乙"), 40, D(2025, 3, 11), average: 70)],
            [Towns(Disbursement, "甲", "乙", "丙")]);

        var result = _engine.Evaluate(inputs, D(2025, 3, 11));

        Assert.Empty(result.Events);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("indicatorvalues", "zjbf/2025-W10", "Unit", "town-2"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("缺少这些单位的数据", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_BottomWithoutAProvincialAverage_IsReported_NotSummoned()
    {
        var inputs = Inputs(
            [Disbursement],
            FourTowns.Select((t, i) => Value(Disbursement, "2025-W10", Town(t), 80 - (i * 10), D(2025, 3, 11))),
            [Towns(Disbursement, "甲", "乙", "丙", "丁")]);

        var result = _engine.Evaluate(inputs, D(2025, 3, 11));

        Assert.DoesNotContain(result.Events, e => e.Kind == EventKind.BottomRank);
        Assert.Equal(3, result.Problems.Count(p => p.Field == "ProvincialAverage"));
    }

    [Fact]
    public void Groups_LowerIsBetter_BelowTheAverageMeansAboveIt()
    {
        var accidents = Disbursement with { Id = new IndicatorId("sgl"), Name = "事故率", Direction = IndicatorDirection.LowerIsBetter };
        var inputs = Inputs(
            [accidents],
            [Value(accidents, "2025-W10", Town("甲"), 1.0, D(2025, 3, 11), average: 2), Value(accidents, "2025-W10", Town("乙"), 3.0, D(2025, 3, 11), average: 2)],
            [Towns(accidents, "甲", "乙") with { BottomK = 1 }]);

        var summons = Assert.Single(Run(_engine, D(2025, 3, 11), inputs), e => e.Kind == EventKind.BottomRank);

        Assert.Equal(Town("乙"), summons.Unit);
    }

    [Fact]
    public void Groups_AnExemptUnit_IsNeitherSummonedNorCalledToPledge_ButStillInvitedWhenOnTop()
    {
        var monthly = Disbursement with { Id = new IndicatorId("m"), PeriodKind = IndicatorPeriodKind.Month };
        var inputs = Inputs(
            [monthly],
            TwoTowns.Select((t, i) => Value(monthly, "2025-10", Town(t), 80 - (i * 30), D(2025, 11, 14), average: 70)),
            [Towns(monthly, "甲", "乙") with { BottomK = 1, TopK = 1 }],
            [new IndicatorExemption(monthly.Id, Town("乙"), IndicatorPeriod.Month(2025, 10))]);

        var events = Run(_engine, D(2025, 11, 14), inputs);

        Assert.Equal([EventKind.ShareInvitation, EventKind.Scoreboard], events.Select(e => e.Kind));
    }

    [Fact]
    public void Groups_AWeeklyIndicator_HasNoScoreboard()
    {
        var inputs = Inputs(
            [Disbursement],
            FourTowns.Select((t, i) => Value(Disbursement, "2025-W10", Town(t), 80 - i, D(2025, 3, 11), average: 0)),
            [Towns(Disbursement, "甲", "乙", "丙", "丁")]);

        Assert.Empty(Run(_engine, D(2025, 3, 11), inputs));
    }

    [Fact]
    public void Input_RepeatedValuesAndUnknownIndicators_AreReported_AndTheRestEvaluated()
    {
        var unknown = Value(FixedInvestment with { Id = new IndicatorId("nope") }, "2025-03", Fgw, 1, D(2025, 4, 18));
        var quarterly = new IndicatorValue(FixedInvestment.Id, IndicatorPeriod.Quarter(2025, 1), Fgw, 1, D(2025, 4, 18));
        var inputs = Ranks([Month(3, 6), Month(3, 2), unknown, quarterly]);

        var result = _engine.Evaluate(inputs, D(2025, 4, 18));

        Assert.Single(result.Events);
        Assert.Equal(3, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Field == "Indicator" && p.Value == "nope");
        Assert.Contains(result.Problems, p => p.Field == "Period" && p.Value == "2025-Q1" && p.Reason.Contains("按月发布", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Key == "gdtz/fgw/2025-03" && p.Reason.Contains("多行数据", StringComparison.Ordinal));
    }

    [Fact]
    public void Input_AFaultyDefinition_IsReported_AndItsValuesAreNotRead()
    {
        var faulty = FixedInvestment with { Ranks = RankTargets.None };

        var result = _engine.Evaluate(Inputs([faulty], [Month(3, 6)]), D(2025, 4, 18));

        Assert.Empty(result.Events);
        Assert.Contains(result.Problems, p => p.Table == "indicators" && p.Field == "Lag");
    }

    [Fact]
    public void Recipients_AnEmptyRole_IsReported_AndTheOthersStillReceive()
    {
        var roster = Domain.Evaluation.Roster.Of([new UnitRoster(Fgw, "发改委", Principal: null, DeputyInCharge: FgwDeputy, LeadOfficial: new PersonId("city-wang"))], Office);
        var engine = new IndicatorEvaluator(ShippedCalendar.Default, IndicatorFixture.Rules, roster);

        var result = engine.Evaluate(Ranks([Month(3, 6), Month(4, 6, publishedDay: 19), Month(5, 6)]), D(2025, 6, 18));

        var summons = Assert.Single(result.Events);
        Assert.Equal([FgwDeputy, new PersonId("city-wang"), Office], summons.Recipients.Select(r => r.Person));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("units", "fgw", "Principal"), (problem.Table, problem.Key, problem.Field));
    }

    // ---- Values that cannot be judged ---------------------------------------------------------------------------------

    [Fact]
    public void Lag_AValueWithoutAProvincialRank_NeitherCountsNorBreaksTheStreak_AndIsReported()
    {
        var inputs = Ranks([Month(3, 6), Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20)), Month(5, 7)]);

        var result = _engine.Evaluate(inputs, D(2025, 6, 18));

        var notice = Assert.Single(result.Events);
        Assert.Equal((new RuleId("I2"), 2), (notice.Rule, notice.Facts.Streak));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("indicatorvalues", "gdtz/fgw/2025-04", "ProvincialRank", null), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("请在「indicatorvalues」表中补录全省排名", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lag_AValueWithoutAProvincialRank_RaisesNothing_AndIsReported()
    {
        var result = _engine.Evaluate(Ranks([Value(FixedInvestment, "2025-04", Fgw, 5.4, D(2025, 5, 20))]), D(2025, 5, 20));

        Assert.Empty(result.Events);
        Assert.Equal("ProvincialRank", Assert.Single(result.Problems).Field);
    }

    [Theory]
    [InlineData(9, null, new[] { "PeerCount" })]
    [InlineData(null, 12, new[] { "ProvincialRank" })]
    [InlineData(null, null, new[] { "ProvincialRank", "PeerCount" })]
    public void YearEnd_WithoutARankOrAPeerCount_OwesNothingYet_AndTheMissingFiguresAreReported(int? rank, int? peers, string[] fields)
    {
        var indicator = FixedInvestment with { Id = new IndicatorId("year-end"), Lag = LagBasis.None };

        var result = _engine.Evaluate(Inputs([indicator], [Value(indicator, "2025-12", Fgw, 5.4, D(2026, 1, 20), rank: rank, peers: peers)]), D(2026, 1, 20));

        Assert.Empty(result.Events);
        Assert.Equal(fields, result.Problems.Select(p => p.Field));
        Assert.All(result.Problems, p => Assert.Equal(("indicatorvalues", "year-end/fgw/2025-12"), (p.Table, p.Key)));
        Assert.All(result.Problems, p => Assert.Contains("第一方阵", p.Reason, StringComparison.Ordinal));
    }

    private static readonly (string Week, int Month, int Day)[] Weeks = [("2025-W10", 3, 11), ("2025-W11", 3, 18), ("2025-W12", 3, 25)];

    private static readonly (string Town, double Value)[] SevenTowns = [("甲", 82), ("乙", 75), ("丙", 71), ("丁", 69.5), ("戊", 66), ("己", 64), ("庚", 73)];

    private static IndicatorInputs TownWeeks(Func<string, double?> average, params string[] weeks) => Inputs(
        [Disbursement],
        Weeks.Where(w => weeks.Contains(w.Week)).SelectMany(w => SevenTowns.Select(t => Value(Disbursement, w.Week, Town(t.Town), t.Value, D(2025, w.Month, w.Day), average: average(w.Week)))),
        [Towns(Disbursement, [.. SevenTowns.Select(t => t.Town)])]);

    [Fact]
    public void Groups_AMissingAverage_LeavesTheRunOfBottomPlacesAsItWas()
    {
        // 己 qualifies in W10, W11 has no average (reported), W12 qualifies again: one level higher, as after an exempt week.
        var inputs = TownWeeks(w => w == "2025-W11" ? null : 70, "2025-W10", "2025-W11", "2025-W12");

        var events = Run(_engine, D(2025, 3, 25), inputs);

        var ji = Assert.Single(events, e => e.Kind == EventKind.BottomRank && e.Unit == Town("己") && e.Facts.PeriodKey == "2025-W12");
        Assert.Equal(new Recipient(RecipientRole.UnitPrincipal, PrincipalOf("己"), false), ji.Recipients[0]);
        Assert.Equal(2, ji.Facts.Indicator!.Consecutive);
    }

    // ---- Consecutive periods ------------------------------------------------------------------------------------------

    [Fact]
    public void Lag_ValuesMonthsApart_AreNotConsecutive()
    {
        var inputs = Ranks([Month(2, 6), Month(9, 5, publishedDay: 20)]);

        var reminder = Assert.Single(Run(_engine, D(2025, 10, 20), inputs));

        Assert.Equal((new RuleId("I1"), 1), (reminder.Rule, reminder.Facts.Streak));
    }

    [Fact]
    public void Lag_AMissingMonth_BreaksTheStreak_ButNotAMonthTheUnitWasExemptedFor()
    {
        var values = new[] { Month(3, 6), Month(5, 7) };
        var exempt = new IndicatorExemption(FixedInvestment.Id, Fgw, IndicatorPeriod.Month(2025, 4));

        Assert.Equal(1, Assert.Single(Run(_engine, D(2025, 6, 18), Ranks(values))).Facts.Streak);
        Assert.Equal(2, Assert.Single(Run(_engine, D(2025, 6, 18), Ranks(values, [exempt]))).Facts.Streak);
    }

    [Fact]
    public void Lag_OnlyCumulativeMonthlyData_SkipsJanuary()
    {
        // A per-period monthly indicator publishes January on its own: December then February is a gap.
        var perPeriod = FixedInvestment with { Accumulation = Accumulation.PerPeriod };
        var inputs = Inputs([perPeriod],
        [
            Value(perPeriod, "2024-12", Fgw, 5, D(2025, 1, 17), rank: 8, peers: 12),
            Value(perPeriod, "2025-02", Fgw, 5, D(2025, 3, 18), rank: 9, peers: 12),
        ]);

        Assert.Equal(1, Assert.Single(Run(_engine, D(2025, 3, 18), inputs)).Facts.Streak);
    }

    [Fact]
    public void Groups_AWeekWithoutAnyValue_EndsTheRunOfBottomPlaces()
    {
        // 己 qualifies in W10 and W12; nothing was published for W11: W12 starts at the deputy again.
        var inputs = TownWeeks(_ => 70, "2025-W10", "2025-W12");

        var ji = Assert.Single(Run(_engine, D(2025, 3, 25), inputs), e => e.Kind == EventKind.BottomRank && e.Unit == Town("己") && e.Facts.PeriodKey == "2025-W12");

        Assert.Equal(new Recipient(RecipientRole.DeputyInCharge, DeputyOf("己"), false), ji.Recipients[0]);
        Assert.Equal(1, ji.Facts.Indicator!.Consecutive);
    }

    // ---- First seen ---------------------------------------------------------------------------------------------------

    private static IndicatorInputs ThreeLaggingMonths(LocalDate? firstSeen)
    {
        var inputs = Ranks([Month(3, 6), Month(4, 5, publishedDay: 20), Month(5, 7)]);
        return firstSeen is { } date ? inputs with { FirstSeen = new Dictionary<IndicatorId, LocalDate> { [FixedInvestment.Id] = date } } : inputs;
    }

    [Fact]
    public void FirstSeen_AFirstRunOverImportedHistory_StartsAtTheBottomOfTheLadder()
    {
        var inputs = ThreeLaggingMonths(firstSeen: null).SeenBy(D(2025, 6, 18));

        var reminder = Assert.Single(Run(_engine, D(2025, 6, 18), inputs));

        Assert.Equal((new RuleId("I1"), EventLevel.Reminder, 1), (reminder.Rule, reminder.Level, reminder.Facts.Streak));
    }

    [Fact]
    public void FirstSeen_CountsValuesPublishedFromIt_AndWithoutItTheWholeHistory()
    {
        Assert.Equal(2, Assert.Single(Run(_engine, D(2025, 6, 18), ThreeLaggingMonths(D(2025, 5, 1)))).Facts.Streak);
        Assert.Equal(3, Assert.Single(Run(_engine, D(2025, 6, 18), ThreeLaggingMonths(firstSeen: null))).Facts.Streak);
    }

    [Fact]
    public void FirstSeen_GoLiveWins()
    {
        var engine = Evaluator(options: new EvaluationOptions(GoLive: D(2025, 4, 1)));

        var summons = Assert.Single(Run(engine, D(2025, 6, 18), ThreeLaggingMonths(D(2025, 6, 18))));

        Assert.Equal(3, summons.Facts.Streak);
    }

    [Fact]
    public void FirstSeen_SeenBy_KeepsAKnownDate_AndGivesTodayToAnIndicatorNeverSeen()
    {
        var inputs = Inputs([FixedInvestment, Disbursement], []) with { FirstSeen = new Dictionary<IndicatorId, LocalDate> { [FixedInvestment.Id] = D(2025, 1, 2) } };

        var seen = inputs.SeenBy(D(2025, 6, 18));

        Assert.Equal(D(2025, 1, 2), seen.FirstSeen[FixedInvestment.Id]);
        Assert.Equal(D(2025, 6, 18), seen.FirstSeen[Disbursement.Id]);
        Assert.Same(seen, seen.SeenBy(D(2025, 7, 1)));
    }

    [Fact]
    public void FirstSeen_ARunOfBottomPlacesCountsFromIt()
    {
        // 己 qualifies in W10 and W11; the indicator was first seen the day W11 was published: W11 summons the deputy.
        var inputs = TownWeeks(_ => 70, "2025-W10", "2025-W11") with { FirstSeen = new Dictionary<IndicatorId, LocalDate> { [Disbursement.Id] = D(2025, 3, 18) } };

        var ji = Assert.Single(Run(_engine, D(2025, 3, 18), inputs), e => e.Kind == EventKind.BottomRank && e.Unit == Town("己") && e.Facts.PeriodKey == "2025-W11");

        Assert.Equal(new Recipient(RecipientRole.DeputyInCharge, DeputyOf("己"), false), ji.Recipients[0]);
    }

    // ---- Corrections --------------------------------------------------------------------------------------------------

    [Fact]
    public void Correction_OfAnEarlierPeriod_RaisesTheLaterPeriodsNewRungToo_AndWithdrawsNothing()
    {
        // As documented (tables, indicatorvalues): 1–3月 corrected from 3rd to 6th on 05-21 makes 1–4月 the second lagging
        // period. The reminder raised on 05-20 stays; the run of 05-22 raises the notice as well (another rule, another id).
        var april = Month(4, 5, publishedDay: 20);
        var reminder = Assert.Single(Run(_engine, D(2025, 5, 20), Ranks([Month(3, 3), april])));

        var notice = Assert.Single(Run(_engine, D(2025, 5, 22), Ranks([Month(3, 6), april])));

        Assert.Equal((new RuleId("I1"), new RuleId("I2")), (reminder.Rule, notice.Rule));
        Assert.Equal(reminder.Occurrence, notice.Occurrence);
        Assert.NotEqual(reminder.Id, notice.Id);
        Assert.Equal(D(2025, 5, 27), notice.Demand!.DueBy);
    }

    // ---- Overlapping places and groups --------------------------------------------------------------------------------

    [Fact]
    public void Groups_AUnitInTwoGroupsOfOneIndicator_IsSummonedOnce_AndTheLaterGroupIsReported()
    {
        var south = new RankingGroup(new RankingGroupId("south"), "南片", Disbursement.Id, [Town("戊"), Town("己"), Town("庚"), Town("甲")]);
        var inputs = TownWeeks(_ => 70, "2025-W10");
        inputs = inputs with { Groups = [.. inputs.Groups, south] };

        var result = _engine.Evaluate(inputs, D(2025, 3, 11));

        Assert.Single(result.Events, e => e.Kind == EventKind.BottomRank && e.Unit == Town("己"));
        Assert.All(result.Events, e => Assert.Equal("towns", e.Facts.Indicator!.Group!.Value.Value));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("rankinggroups", "south", "Units", Town("戊").Value), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("已在指标「资金拨付进度」的排名分组「各镇」（towns）中", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_AUnitSummonedForAPeriod_IsNeverInvitedToShare_ButCalledToPledge()
    {
        // Four towns, top 3 and bottom 3 overlap: 丙 (70, third from the top, below the average 80) is summoned.
        var monthly = Disbursement with { Id = new IndicatorId("zjbf-m"), PeriodKind = IndicatorPeriodKind.Month };
        var inputs = Inputs(
            [monthly],
            FourTowns.Zip([90.0, 85, 70, 60]).Select(t => Value(monthly, "2025-10", Town(t.First), t.Second, D(2025, 11, 14), average: 80)),
            [Towns(monthly, FourTowns)]);

        var events = Run(_engine, D(2025, 11, 14), inputs);

        var bing = events.Where(e => e.Unit == Town("丙")).Select(e => e.Kind).ToList();
        Assert.Equal([EventKind.BottomRank, EventKind.Pledge], bing);
        Assert.Equal(["甲", "乙"], events.Where(e => e.Kind == EventKind.ShareInvitation).Select(e => e.Facts.UnitName.TrimEnd('镇')));
    }

    [Fact]
    public void TaskEvaluator_IgnoresIndicatorRules()
    {
        var item = Evaluation.Fixture.Item("2025-ZD-001", D(2025, 1, 1), D(2025, 12, 31));
        var tasks = new Evaluator(ShippedCalendar.Default, [.. DefaultRules.All, .. IndicatorFixture.Rules], Evaluation.Fixture.Roster);
        var reference = new Evaluator(ShippedCalendar.Default, DefaultRules.All, Evaluation.Fixture.Roster);
        var state = ItemState.Of(item, [Evaluation.Fixture.Report(D(2025, 3, 31), 10)]);

        Assert.Equal(
            reference.Evaluate([state], D(2025, 4, 2)).Events.Select(e => e.Id),
            tasks.Evaluate([state], D(2025, 4, 2)).Events.Select(e => e.Id));
    }
}
