using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
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
        var inputs = Ranks([march, april, Month(6, 7)], [exempt]);

        Assert.Empty(Run(_engine, D(2025, 5, 19), inputs));
        var notice = Assert.Single(Run(_engine, D(2025, 7, 18), inputs));
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
