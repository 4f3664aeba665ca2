using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Cases;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// The follow-up of an indicator's notices (ind:{indicator} items of a unit's log): its explanation overdue is chased by R7
/// (and R11 ten working days later), its notice not signed for by R15, exactly as a task notice's, with the same occurrences.
/// </summary>
public class IndicatorFollowUpTests
{
    //      June 2026
    // Mo Tu We Th Fr Sa Su
    //  1  2  3  4  5  6  7
    //  8  9 10 11 12 13 14
    // 15 16 17 18 19 20 21      (端午 06-19 off)
    // 22 23 24 25 26 27 28
    // I2 notice delivered Tue 06-02; its explanation is due Tue 06-09 (5 working days);
    // R7 summons from Wed 06-10; R15 chase on Wed 06-03; R11 ten working days after 06-09.
    private static readonly ItemId Indicator = IndicatorItem.For(new IndicatorId("gdtz-zs"));

    private static readonly EventId Notice = EventId.For(new RuleId("I2"), Indicator, "ind-lag:swj/2026-05");

    private static FollowUpState FollowUp(LocalDate? metOn = null, LocalDate? signedOn = null, bool delivered = false) =>
        new(Indicator, Commerce, "固定资产投资增速",
            [new OpenDemand(Notice, DemandKind.Explanation, D(2026, 6, 9), metOn) { Reference = "督办〔2026〕0031号" }],
            delivered ? [new DeliveredNotice(Notice, EventLevel.Notice, D(2026, 6, 2)) { SignedOn = signedOn, Reference = "督办〔2026〕0031号", Kind = EventKind.IndicatorLagging }] : []);

    private static IReadOnlyList<EscalationEvent> Run(LocalDate today, params FollowUpState[] followUps) =>
        Evaluator().EvaluateFollowUps(followUps, today).Events;

    [Fact]
    public void EvaluateFollowUps_RaisesOneR7Summons_WhenTheIndicatorExplanationIsOverdue()
    {
        var onDueDay = Run(D(2026, 6, 9), FollowUp());
        var after = Run(D(2026, 6, 10), FollowUp());
        var later = Run(D(2026, 6, 11), FollowUp());

        Assert.Empty(onDueDay);
        var summons = Assert.Single(after);
        Assert.Equal((new RuleId("R7"), EventLevel.Summons, EventKind.DemandOverdue), (summons.Rule, summons.Level, summons.Kind));
        Assert.Equal("demand:" + Notice.Value, summons.Occurrence);
        Assert.Equal(EventId.For(new RuleId("R7"), Indicator, "demand:" + Notice.Value), summons.Id);
        Assert.Equal((Indicator, Commerce), (summons.Item, summons.Unit));
        Assert.Equal("固定资产投资增速", summons.Facts.ItemTitle);
        Assert.Equal("商务局", summons.Facts.UnitName);
        Assert.Equal((Notice, D(2026, 6, 9)), (summons.Facts.DemandOf!.Value, summons.Facts.DemandDueBy!.Value));
        Assert.Equal([(RecipientRole.UnitPrincipal, Principal), (RecipientRole.DeputyInCharge, Deputy)], summons.Recipients.Select(r => (r.Role, r.Person)));

        // A later run raises the same id (the log keeps it once): one summons whatever run raises it.
        Assert.Equal([summons.Id], later.Select(e => e.Id));
    }

    [Fact]
    public void EvaluateFollowUps_RaisesNothing_WhenTheExplanationWasAnsweredOnTime()
    {
        Assert.Empty(Run(D(2026, 6, 10), FollowUp(metOn: D(2026, 6, 8))));
        Assert.Empty(Run(D(2026, 6, 23), FollowUp(metOn: D(2026, 6, 8))));
    }

    [Fact]
    public void EvaluateFollowUps_RecommendsAccountability_TenWorkingDaysAfterTheDueDate_NeverToTheUnit()
    {
        var before = Run(D(2026, 6, 22), FollowUp());
        var on = Run(D(2026, 6, 24), FollowUp());

        Assert.DoesNotContain(before, e => e.Rule == new RuleId("R11"));
        var recommendation = Assert.Single(on, e => e.Rule == new RuleId("R11"));
        Assert.Equal(EventLevel.Accountability, recommendation.Level);
        Assert.Equal(EventId.For(new RuleId("R11"), Indicator, "demand:" + Notice.Value), recommendation.Id);
        Assert.DoesNotContain(recommendation.Recipients, r => r.Person == Principal || r.Person == Deputy);
        Assert.Contains(recommendation.Recipients, r => r.Person == Office && !r.IsCopy);
        Assert.NotNull(recommendation.Facts.Accountability);
    }

    [Fact]
    public void EvaluateFollowUps_ChasesOnce_WhenTheIndicatorNoticeIsNotSignedByTheNextWorkingDay()
    {
        var onDeliveryDay = Run(D(2026, 6, 2), FollowUp(delivered: true));
        var next = Run(D(2026, 6, 3), FollowUp(delivered: true));
        var later = Run(D(2026, 6, 5), FollowUp(delivered: true));

        Assert.Empty(onDeliveryDay);
        var chase = Assert.Single(next);
        Assert.Equal((new RuleId("R15"), EventKind.Unsigned, "unsigned:" + Notice.Value), (chase.Rule, chase.Kind, chase.Occurrence));
        Assert.Equal(EventId.For(new RuleId("R15"), Indicator, "unsigned:" + Notice.Value), chase.Id);
        Assert.Equal((RecipientRole.UnitPrincipal, Principal), (Assert.Single(chase.Recipients).Role, chase.Recipients[0].Person));
        Assert.Equal(new UnsignedFacts(EventLevel.Notice, "督办〔2026〕0031号", D(2026, 6, 2)), chase.Facts.UnsignedNotice);
        Assert.Equal([chase.Id], later.Select(e => e.Id));
    }

    [Fact]
    public void EvaluateFollowUps_DoesNotChase_WhenTheIndicatorNoticeWasSigned()
    {
        Assert.Empty(Run(D(2026, 6, 3), FollowUp(signedOn: D(2026, 6, 2), delivered: true)));
    }

    [Fact]
    public void EvaluateFollowUps_JudgesOnlyTheDemandAndSignatureRules_NotTheTaskRules()
    {
        // Rules scoped to a task's checkpoints (R1 due-soon, R3 overdue, Scope all), reports (R2, R9, R10), lag (R4–R6) and
        // starts (R8) never judge a follow-up: it has no plan. Every day of June, only R7, R11 and R15 are raised.
        var rules = DefaultRules.All;
        var evaluator = Evaluator(rules);
        var raised = new List<EscalationEvent>();
        for (var day = D(2026, 6, 1); day <= D(2026, 6, 30); day = day.PlusDays(1))
        {
            raised.AddRange(evaluator.EvaluateFollowUps([FollowUp(delivered: true)], day).Events);
            raised.AddRange(evaluator.EvaluateFollowUps([FollowUp(delivered: true)], day, ScanSlot.Afternoon).Events);
        }

        Assert.Equal(["R11", "R15", "R7"], raised.Select(e => e.Rule.Value).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(3, raised.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Evaluate_OfTasks_RaisesNoIndicatorFollowUp()
    {
        // The task path is unchanged: a follow-up is judged only when the caller hands it in.
        var task = ItemState.Of(Item("2026-ZD-001", D(2026, 1, 1), D(2026, 12, 31)), [Report(D(2026, 6, 1), 50)], firstSeen: D(2026, 1, 1));

        Assert.DoesNotContain(Fixture.Run(Evaluator(), D(2026, 6, 10), task), e => e.Item == Indicator);
    }
}

/// <summary>
/// The unit's rows read into follow-ups: an explanations row answering an indicator notice names the indicator item as the
/// notice does (ind:{indicator}) and meets its demand, so it is not chased.
/// </summary>
public class IndicatorFollowUpRowsTests
{
    private static readonly ItemId Indicator = IndicatorItem.For(new IndicatorId("gdtz-zs"));

    private static readonly EventId Notice = EventId.For(new RuleId("I2"), Indicator, "ind-lag:swj/2026-05");

    private static readonly IssuedDemand Demand = new(Notice, Indicator, DemandKind.Explanation, Catalog.CatalogFixture.D(2026, 6, 9))
    {
        Rule = new RuleId("I2"),
        Occurrence = "ind-lag:swj/2026-05",
        Reference = "督办〔2026〕0031号",
    };

    private static UnitRows Rows(params ExplanationRow[] explanations) =>
        Catalog.CatalogFixture.UnitRows(explanations: explanations, demands: [Demand]);

    [Fact]
    public void FollowUps_MeetsTheDemand_WhenTheUnitAnsweredTheIndicatorNotice()
    {
        var rows = Rows(new ExplanationRow("swj", Notice.Value, Indicator.Value, "说明", "2026-06-08", "swj-zhou", "五月投资增速回落的原因"));

        var (_, problems) = UnitItems.Build(Catalog.CatalogFixture.ValidConfiguration, rows);
        var followUp = Assert.Single(UnitItems.FollowUps(Catalog.CatalogFixture.ValidConfiguration, rows));
        var answer = Assert.Single(UnitItems.Answers(Catalog.CatalogFixture.ValidConfiguration, rows));

        Assert.Empty(problems);
        Assert.Equal((Indicator, Commerce), (followUp.Item, followUp.Unit));
        Assert.Equal(D(2026, 6, 8), Assert.Single(followUp.Demands).MetOn);
        Assert.Equal(Indicator, answer.Item);
        Assert.Empty(Evaluator().EvaluateFollowUps([followUp], D(2026, 6, 10)).Events);
    }

    [Fact]
    public void FollowUps_ChasesTheDemand_WhenTheOfficeRejectedTheAnswer()
    {
        var rows = Rows(new ExplanationRow("swj", Notice.Value, Indicator.Value, "说明", "2026-06-08", "swj-zhou", "略"));
        var key = Assert.Single(rows.Explanations).Key;
        var rejected = rows with
        {
            Decisions = [new Decision(key + "#1", Commerce, key, SubjectTable.Explanations, LoopDecision.Reject, Office, Instant.FromUtc(2026, 6, 9, 2, 0), "未说明原因")],
        };

        var followUp = Assert.Single(UnitItems.FollowUps(Catalog.CatalogFixture.ValidConfiguration, rejected));

        Assert.Null(Assert.Single(followUp.Demands).MetOn);
        Assert.Single(Evaluator().EvaluateFollowUps([followUp], D(2026, 6, 10)).Events, e => e.Rule == new RuleId("R7"));
    }

    [Fact]
    public void Build_ReportsAnExplanationsRow_NamingAnIndicatorWithNeitherDefinitionNorNotice()
    {
        var rows = Rows(new ExplanationRow("swj", Notice.Value, "ind:unknown", "说明", "2026-06-08"));

        var (_, problems) = UnitItems.Build(Catalog.CatalogFixture.ValidConfiguration, rows);

        var problem = Assert.Single(problems);
        Assert.Equal(("explanations", "Task", "ind:unknown"), (problem.Table, problem.Field, problem.Value));
        Assert.Contains("没有编号为「unknown」的指标", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsAnExplanationsRow_NamingATaskForAnIndicatorNotice()
    {
        var rows = Rows(new ExplanationRow("swj", Notice.Value, "T1", "说明", "2026-06-08"));

        var (_, problems) = UnitItems.Build(Catalog.CatalogFixture.ValidConfiguration, rows);

        var problem = Assert.Single(problems);
        Assert.Equal(("explanations", "Task", "T1"), (problem.Table, problem.Field, problem.Value));
        Assert.Contains("针对的是指标「ind:gdtz-zs」", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FollowUps_AreNone_WhenTheLogHoldsOnlyTaskNotices()
    {
        var rows = Catalog.CatalogFixture.UnitRows(demands: [new IssuedDemand(EventId.For(new RuleId("R5"), new ItemId("T1"), "lag:2026-05"), new ItemId("T1"), DemandKind.Explanation, D(2026, 6, 9))]);

        Assert.Empty(UnitItems.FollowUps(Catalog.CatalogFixture.ValidConfiguration, rows));
    }
}
