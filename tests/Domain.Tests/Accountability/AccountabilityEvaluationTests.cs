using Escalation.Domain.Accountability;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Tests.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Accountability;

/// <summary>
/// Accountability-level events as the evaluators raise them: to the office and decision makers only, never to anyone of
/// the unit the item belongs to (nor its builder), whatever the rule says; a consequence notice to the executing unit,
/// recording what is recommended.
/// </summary>
/// <remarks>
/// 2024, shipped calendar (劳动节 05-01..05-05 is over; 05-11 was a make-up working day):
///   May 2024
///   Mo Tu We Th Fr Sa Su
///         15 16 17 18 19      Fr 17: the explanation R5 demanded is due (inclusive)
///   20 21 22 23 24 25 26      Mo 20: R7 summons (first working day after)
///   27 28 29 30 31            Fr 31: 10 working days past due → R11 问责建议
/// </remarks>
public class AccountabilityEvaluationTests
{
    private static readonly UnitId Builder = new("cgj");
    private static readonly PersonId BuilderHead = new("cgj-ding");
    private static readonly UnitId Development = new("fgw");
    private static readonly PersonId DevelopmentHead = new("fgw-chen");

    /// <summary>商务局's clerk 吴: no role, but the people table places her in 商务局.</summary>
    private static readonly PersonId Clerk = new("swj-wu");

    private static readonly Roster City = Escalation.Domain.Evaluation.Roster.Of(
        [
            new UnitRoster(Commerce, "商务局", Principal, Deputy, LeadOfficial),
            new UnitRoster(Builder, "城投集团", BuilderHead),
            new UnitRoster(Development, "市发改委", DevelopmentHead),
        ],
        Office) with
    {
        Members = new Dictionary<PersonId, UnitId> { [Clerk] = Commerce, [Owner] = Commerce, [DevelopmentHead] = Development },
    };

    private static readonly EscalationRule R11 = DefaultRules.All.Single(r => r.Id.Value == "R11");

    private static readonly EventId Notice = EventId.For(new RuleId("R5"), new ItemId("2024-ZD-001"), "lag:2024-04");

    private static ItemState Owing(SupervisedItem? item = null) => ItemState.Of(
        item ?? Annual2024(), [Report(D(2024, 5, 10), 40)], demands: [new OpenDemand(Notice, DemandKind.Explanation, D(2024, 5, 17))]);

    private static EvaluationResult Evaluate(EscalationRule rule, LocalDate day, ItemState item) =>
        Evaluator([rule], City).Evaluate([item], day);

    [Fact]
    public void DefaultR11_RecommendsAccountabilityToTheOffice_TenWorkingDaysAfterTheDemandWasDue()
    {
        var engine = Evaluator(DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.DemandOverdue), City);

        var monday = Run(engine, D(2024, 5, 20), Owing());
        var thursday = Run(engine, D(2024, 5, 30), Owing());
        var friday = Run(engine, D(2024, 5, 31), Owing());

        // R7 is decided again on every run within the catch-up window (the log keeps its id once); R11 waits for its delay.
        Assert.Equal(["R7"], monday.Select(e => e.Rule.Value));
        Assert.Equal(["R7"], thursday.Select(e => e.Rule.Value));
        var recommendation = Assert.Single(friday, e => e.Rule.Value == "R11");
        Assert.Equal((new RuleId("R11"), EventLevel.Accountability, EventKind.DemandOverdue), (recommendation.Rule, recommendation.Level, recommendation.Kind));
        Assert.Equal("demand:" + Notice.Value, recommendation.Occurrence);
        Assert.Equal(EventId.For(new RuleId("R11"), new ItemId("2024-ZD-001"), "demand:" + Notice.Value), recommendation.Id);
        Assert.Equal(
            [new Recipient(RecipientRole.SupervisionOffice, Office, false), new Recipient(RecipientRole.LeadOfficial, LeadOfficial, true)],
            recommendation.Recipients);
        Assert.Null(recommendation.Demand);
        Assert.Equal("accountability", recommendation.Template);
        Assert.Equal(new AccountabilityFacts("说明整改逾期问责建议"), recommendation.Facts.Accountability);
        Assert.Equal(D(2024, 5, 17), recommendation.Facts.DemandDueBy);
    }

    [Fact]
    public void DefaultR11_RaisesNothing_WhenTheDemandWasMetLate_BeforeTheTenDays()
    {
        var met = Owing() with { Demands = [new OpenDemand(Notice, DemandKind.Explanation, D(2024, 5, 17), MetOn: D(2024, 5, 24))] };

        Assert.Empty(Run(Evaluator([R11], City), D(2024, 5, 31), met));
    }

    [Fact]
    public void Evaluate_NeverAddressesTheItemsUnitOrBuilder_EvenWithAHandBuiltRuleNamingThem()
    {
        // Rows naming these are refused when read; a rule built in code is screened when its recipients are resolved.
        var rule = R11 with
        {
            To = [RecipientRole.Owner, RecipientRole.UnitPrincipal, RecipientRole.SupervisionOffice, RecipientRole.DeputyInCharge],
            Copy =
            [
                RecipientRole.LeadOfficial, RecipientRole.BuilderPrincipal, new RecipientSpec.NamedPerson(Clerk.Value, "person:swj-wu"),
                new RecipientSpec.NamedUnitRole(Commerce.Value, RecipientRole.UnitPrincipal, "unit:swj/principal"),
            ],
        };
        var project = Annual2024() with { Kind = ItemKind.KeyProject, Builder = Builder };

        var result = Evaluate(rule, D(2024, 5, 31), Owing(project));

        var recommendation = Assert.Single(result.Events);
        Assert.Equal(
            [new Recipient(RecipientRole.SupervisionOffice, Office, false), new Recipient(RecipientRole.LeadOfficial, LeadOfficial, true)],
            recommendation.Recipients);
        Assert.DoesNotContain(recommendation.Recipients, r => r.Person == Owner || r.Person == Principal || r.Person == Deputy || r.Person == Clerk || r.Person == BuilderHead);
        Assert.Equal(
            [("To", "swj-zhou"), ("To", "swj-zhang"), ("To", "swj-li"), ("Copy", "cgj-ding"), ("Copy", "swj-wu")],
            result.Problems.Where(p => p.Table == "rules").Select(p => (p.Field, p.Value)));
        Assert.All(result.Problems.Where(p => p.Table == "rules"), p =>
        {
            Assert.Equal("R11", p.Key);
            Assert.Contains("不发给被督办单位的人员", p.Reason, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Evaluate_LeavesAnAccountabilityEventWithNoOne_RatherThanTellTheUnit()
    {
        var rule = R11 with { To = [RecipientRole.UnitPrincipal], Copy = [] };

        var result = Evaluate(rule, D(2024, 5, 31), Owing());

        Assert.Empty(Assert.Single(result.Events).Recipients);
        Assert.Equal(("rules", "R11", "To", "swj-zhang"), (result.Problems[0].Table, result.Problems[0].Key, result.Problems[0].Field, result.Problems[0].Value));
    }

    [Fact]
    public void Evaluate_LeavesTheRecipientsOfLowerLevelsAlone()
    {
        var summons = DefaultRules.All.Single(r => r.Id.Value == "R7");

        var result = Evaluate(summons, D(2024, 5, 20), Owing());

        Assert.Equal([Principal, Deputy], Assert.Single(result.Events).Recipients.Select(r => r.Person));
        Assert.Null(result.Events[0].Facts.Accountability);
    }

    // ---- Consequence notices ----------------------------------------------------------------------------------------
    //   March 2024: deadline Fri 03-15 at 80 %; 20 working days later is Fri 04-12 (清明 04-04..06, make-up Sun 04-07).

    private static readonly EscalationRule CutFunds = R11 with
    {
        Id = new RuleId("R13"),
        Name = "逾期项目核减前期费",
        Trigger = new RuleTrigger(TriggerKind.Overdue),
        To = [new RecipientSpec.NamedUnitRole(Development.Value, RecipientRole.UnitPrincipal, "fgw")],
        Copy = [RecipientRole.SupervisionOffice],
        Template = "consequence-notice",
        Consequence = new ConsequenceSpec("核减前期费", Development.Value, RecipientRole.UnitPrincipal, "fgw"),
    };

    private static ItemState LateProject(UnitId unit) => ItemState.Of(
        Item("P-1", D(2024, 3, 4), D(2024, 3, 15), kind: ItemKind.KeyProject) with { Unit = unit }, [Report(D(2024, 3, 14), 80)]);

    [Fact]
    public void Evaluate_SendsAConsequenceNoticeToTheExecutingUnit_RecordingWhatIsRecommended()
    {
        var result = Evaluate(CutFunds, D(2024, 3, 18), LateProject(Commerce));

        var notice = Assert.Single(result.Events);
        Assert.Equal((EventLevel.Accountability, EventKind.Overdue, Commerce), (notice.Level, notice.Kind, notice.Unit));
        Assert.Equal(EventId.For(new RuleId("R13"), new ItemId("P-1"), "overdue:2024-03-15"), notice.Id);
        Assert.Equal(
            [
                new Recipient(RecipientRole.UnitPrincipal, DevelopmentHead, false, Development, "市发改委"),
                new Recipient(RecipientRole.SupervisionOffice, Office, true),
            ],
            notice.Recipients);
        Assert.Equal(new AccountabilityFacts("逾期项目核减前期费", "核减前期费", Development, "市发改委"), notice.Facts.Accountability);
        Assert.True(notice.Facts.Accountability!.IsConsequenceNotice);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Evaluate_DoesNotSendTheExecutingUnitAConsequenceNoticeAboutItsOwnItem()
    {
        var result = Evaluate(CutFunds, D(2024, 3, 18), LateProject(Development));

        Assert.Equal([Office], Assert.Single(result.Events).Recipients.Select(r => r.Person));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("R13", "To", "fgw-chen"), (problem.Key, problem.Field, problem.Value));
        Assert.Contains("是市发改委的人员", problem.Reason, StringComparison.Ordinal);
    }

    // ---- The screen itself --------------------------------------------------------------------------------------------

    [Fact]
    public void Screen_KeepsLeadOfficialsAndOtherUnits_AndDropsTheSubjectsPeople()
    {
        Recipient[] recipients =
        [
            new(RecipientRole.SupervisionOffice, Office, false),
            new(RecipientRole.UnitPrincipal, DevelopmentHead, false, Development, "市发改委"),
            new(RecipientRole.LeadOfficial, LeadOfficial, true),
            new(RecipientRole.Named, Clerk, true),
            new(RecipientRole.DeputyInCharge, Deputy, true),
        ];

        var (kept, dropped) = AccountabilityLevel.Screen(recipients, [Commerce], owner: null, City);

        Assert.Equal([Office, DevelopmentHead, LeadOfficial], kept.Select(r => r.Person));
        Assert.Equal([Clerk, Deputy], dropped.Select(r => r.Person));
    }

    // ---- Indicators -------------------------------------------------------------------------------------------------
    // 固投增速 (fgw), rank floor 4: 1–3月 6th, 1–4月 5th, 1–5月 7th, 1–6月 8th (published 07-18): a fourth lagging period.

    [Fact]
    public void IndicatorLag_AtTheFourthPeriod_RecommendsAccountabilityToTheOffice_NotToTheMeasuredUnit()
    {
        var top = IndicatorFixture.Rule("I12", "问责建议", "indicator-lag", "督查室", copy: "lead-official", streak: "4");
        var handBuilt = top with { To = [RecipientRole.UnitPrincipal, RecipientRole.SupervisionOffice] };
        var inputs = IndicatorFixture.Inputs(
            [IndicatorFixture.FixedInvestment],
            [
                IndicatorFixture.Value(IndicatorFixture.FixedInvestment, "2025-03", IndicatorFixture.Fgw, 5.2, D(2025, 4, 18), rank: 6, peers: 12),
                IndicatorFixture.Value(IndicatorFixture.FixedInvestment, "2025-04", IndicatorFixture.Fgw, 5.4, D(2025, 5, 20), rank: 5, peers: 12),
                IndicatorFixture.Value(IndicatorFixture.FixedInvestment, "2025-05", IndicatorFixture.Fgw, 4.9, D(2025, 6, 18), rank: 7, peers: 12),
                IndicatorFixture.Value(IndicatorFixture.FixedInvestment, "2025-06", IndicatorFixture.Fgw, 4.6, D(2025, 7, 18), rank: 8, peers: 12),
            ]);

        var result = IndicatorFixture.Evaluator([.. IndicatorFixture.Rules, handBuilt]).Evaluate(inputs, D(2025, 7, 18));

        var recommendation = Assert.Single(result.Events);
        Assert.Equal((new RuleId("I12"), EventLevel.Accountability, EventKind.IndicatorLagging, 4), (recommendation.Rule, recommendation.Level, recommendation.Kind, recommendation.Facts.Streak));
        Assert.Equal(
            [new Recipient(RecipientRole.SupervisionOffice, IndicatorFixture.Office, false), new Recipient(RecipientRole.LeadOfficial, new PersonId("city-wang"), true)],
            recommendation.Recipients);
        Assert.Equal(new AccountabilityFacts("I12"), recommendation.Facts.Accountability);
        Assert.Contains(result.Problems, p => p is { Table: "rules", Key: "I12", Field: "To", Value: "fgw-zhang" });
    }
}
