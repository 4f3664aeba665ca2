using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Cases;

/// <summary>
/// domain.md Part 2, "Closed loop": a rectification due 2025-08-29; on 08-27 one without evidence is rejected and the case
/// stays open; on 08-28 one with evidence comes; on 08-29 the office accepts it (销号); on 09-10 it marks it false: reopened,
/// one accountability recommendation to the office, and no second demand-overdue chain.
/// </summary>
public class ClosedLoopTests
{
    //        August 2025                 September 2025
    //  Mo Tu We Th Fr Sa Su          Mo Tu We Th Fr Sa Su
    //  25 26 27 28 29 30 31           1  2  3  4  5  6  7
    //        ^  ^  ^ due                 8  9 10 11 12 13 14
    //        |  |  accepted (销号)              ^ reopened as false (虚假整改)
    //        |  with evidence
    //        without evidence: rejected
    private static readonly ItemId Task = new("T1");
    private static readonly EventId Notice = EventId.For(new RuleId("R3"), Task, "overdue:2025-08-13");
    private static readonly IssuedDemand Rectification = new(Notice, Task, DemandKind.Rectification, D(2025, 8, 29)) { Reference = "督办〔2025〕0012号" };
    private static readonly PersonId Office = new("dcs");
    private static readonly Evidence Photo = new("整改照片.jpg", new string('a', 64), 20480, "image/jpeg");

    private static TaskRow T1 => new("T1", "swj", "外贸综合服务中心建设", "KeyTask", "2025-03-03", "2025-12-31", "swj-zhou");

    private static ExplanationRow Answer(string on, int seq, params Evidence[] evidence) =>
        new("swj", Notice.Value, "T1", "rectification", on, "swj-zhou", "已完成整改")
        {
            Seq = seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Evidence = EvidenceColumn.Format(evidence),
        };

    private static string Key(int seq) => LoopKeys.Answer(Notice, DemandKind.Rectification, null, seq);

    private static Decision Decided(int answerSeq, int seq, LoopDecision kind, LocalDate on, string? reason = null) =>
        new(LoopKeys.Decision(Key(answerSeq), seq), Commerce, Key(answerSeq), SubjectTable.Explanations, kind, Office,
            on.At(new LocalTime(10, 0)).InZoneLeniently(Zone).ToInstant(), reason)
        {
            Task = Task,
            Notice = Notice,
        };

    private static readonly Decision RejectedOn27 = Decided(1, 1, LoopDecision.Reject, D(2025, 8, 27), "未附整改佐证材料");
    private static readonly Decision AcceptedOn29 = Decided(2, 1, LoopDecision.Accept, D(2025, 8, 29));
    private static readonly Decision ReopenedOn0910 = Decided(2, 2, LoopDecision.Reopen, D(2025, 9, 10), "现场核查发现问题依旧");

    private static UnitRows Rows(IReadOnlyList<ExplanationRow> answers, params Decision[] decisions) =>
        new UnitRows(Commerce, [T1], [], [], [], answers, [Rectification]) with { Decisions = decisions };

    private static LoopCase Case(UnitRows rows) =>
        Assert.Single(LoopRules.Cases(UnitItems.Answers(ValidConfiguration, rows), rows.Decisions));

    private static OpenDemand Demand(UnitRows rows)
    {
        var (items, problems) = UnitItems.Build(ValidConfiguration, rows);
        Assert.Empty(problems);
        return Assert.Single(Assert.Single(items).Demands);
    }

    private static IReadOnlyList<EscalationEvent> Evaluate(UnitRows rows, LocalDate day)
    {
        var (items, _) = UnitItems.Build(ValidConfiguration, rows);
        var c = ValidConfiguration;
        return new Evaluator(c.Calendar, c.Rules, c.Roster, c.Options).Evaluate(items, day).Events;
    }

    [Fact]
    public void ClosedLoop()
    {
        // 08-27: a rectification without evidence, rejected: the case stays open, the demand unmet.
        var first = Rows([Answer("2025-08-27", 1)], RejectedOn27);
        Assert.Equal(CaseStatus.Rejected, Case(first).Status);
        Assert.Null(Demand(first).MetOn);

        // 08-28: again, with evidence: pending, and it meets the demand on the day it came.
        var second = Rows([Answer("2025-08-27", 1), Answer("2025-08-28", 2, Photo)], RejectedOn27);
        Assert.Equal(CaseStatus.Pending, Case(second).Status);
        Assert.Equal(D(2025, 8, 28), Demand(second).MetOn);

        // 08-29: accepted: closed (销号).
        var closed = second with { Decisions = [RejectedOn27, AcceptedOn29] };
        Assert.Equal(CaseStatus.Closed, Case(closed).Status);
        Assert.Equal(3, Case(closed).NextSeq);

        // 09-10: reopened as false: open again, still met, and one accountability recommendation to the office.
        var reopened = second with { Decisions = [RejectedOn27, AcceptedOn29, ReopenedOn0910] };
        Assert.Equal(CaseStatus.Reopened, Case(reopened).Status);
        Assert.Equal(D(2025, 8, 28), Demand(reopened).MetOn);
        var answer = UnitItems.Answers(ValidConfiguration, reopened).Single(a => a.Seq == 2);
        var subject = LoopSubject.Of(UnitItems.Build(ValidConfiguration, reopened).Items.Single().Item, ValidConfiguration.Roster);

        var events = LoopEvents.Decided(ValidConfiguration, subject, answer, ReopenedOn0910, Rectification.Reference);

        var accountability = Assert.Single(events, e => e.Kind == EventKind.FalseRectification);
        Assert.Equal((EventLevel.Accountability, new RuleId("R14"), "false:" + ReopenedOn0910.Key), (accountability.Level, accountability.Rule, accountability.Occurrence));
        Assert.Equal([(RecipientRole.SupervisionOffice, "dcs", false), (RecipientRole.LeadOfficial, "city-wang", true)],
            accountability.Recipients.Select(r => (r.Role, r.Person.Value, r.IsCopy)));
        Assert.Equal("现场核查发现问题依旧", accountability.Facts.Loop!.Reason);
        var told = Assert.Single(events, e => e.Kind == EventKind.AnswerDecided);
        Assert.Equal(["swj-zhou", "swj-zhang"], told.Recipients.Select(r => r.Person.Value));
    }

    [Fact]
    public void ForUnit_RaisesOneFalseRectification_ForTheReopenDecision_AmongTheWindowsRecords()
    {
        var reopened = Rows([Answer("2025-08-27", 1), Answer("2025-08-28", 2, Photo)], RejectedOn27, AcceptedOn29, ReopenedOn0910);
        var (items, _) = UnitItems.Build(ValidConfiguration, reopened);

        var events = LoopEvents.ForUnit(ValidConfiguration, reopened, items, D(2025, 9, 10), ScanSlot.Morning);

        Assert.Single(events, e => e.Kind == EventKind.FalseRectification);
        Assert.Equal(3, events.Count(e => e.Kind == EventKind.AnswerDecided));
        Assert.Equal(2, events.Count(e => e.Kind == EventKind.AnswerSubmitted));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Evaluate_StartsNoSecondDemandOverdueChain_AfterTheCaseIsReopened()
    {
        var reopened = Rows([Answer("2025-08-27", 1), Answer("2025-08-28", 2, Photo)], RejectedOn27, AcceptedOn29, ReopenedOn0910);

        var events = Enumerable.Range(0, 30).Select(d => D(2025, 8, 30).PlusDays(d)).SelectMany(day => Evaluate(reopened, day)).ToList();

        Assert.DoesNotContain(events, e => e.Kind == EventKind.DemandOverdue);
    }

    [Fact]
    public void Evaluate_ChasesTheDemand_WhenItsOnlyAnswerWasRejected()
    {
        var rejected = Rows([Answer("2025-08-27", 1, Photo)], Decided(1, 1, LoopDecision.Reject, D(2025, 8, 28), "整改不到位"));

        var events = Evaluate(rejected, D(2025, 9, 1));

        Assert.Null(Demand(rejected).MetOn);
        var summons = Assert.Single(events, e => e.Kind == EventKind.DemandOverdue);
        Assert.Equal(new RuleId("R7"), summons.Rule);
    }

    [Fact]
    public void Evaluate_DoesNotChase_WhenTheAnswerIsPendingWithEvidence()
    {
        var pending = Rows([Answer("2025-08-27", 1, Photo)]);

        Assert.DoesNotContain(Evaluate(pending, D(2025, 9, 1)), e => e.Kind == EventKind.DemandOverdue);
        Assert.Equal(D(2025, 8, 27), Demand(pending).MetOn);
    }

    [Fact]
    public void Build_MeetsTheDemand_OnTheDayOfAnAnswerSupersededByAPendingOne_AndChasesItOnceTheNewerOneIsRejected()
    {
        // 08-27 with evidence, and 08-30 (after the due date) a supplement that supersedes it, still pending.
        var supplemented = Rows([Answer("2025-08-27", 1, Photo), Answer("2025-08-30", 2, Photo)]);
        var rejected = supplemented with { Decisions = [Decided(2, 1, LoopDecision.Reject, D(2025, 8, 31), "材料不全")] };

        Assert.Equal(D(2025, 8, 27), Demand(supplemented).MetOn);
        Assert.Equal([CaseStatus.Superseded, CaseStatus.Pending], Case(supplemented).Answers.Select(a => a.Status));
        Assert.DoesNotContain(Evaluate(supplemented, D(2025, 9, 1)), e => e.Kind == EventKind.DemandOverdue);
        Assert.Null(Demand(rejected).MetOn);
        Assert.Contains(Evaluate(rejected, D(2025, 9, 1)), e => e.Kind == EventKind.DemandOverdue);
    }

    [Fact]
    public void Build_LeavesTheDemandUnmet_WhenARectificationHasNoEvidence_EvenUndecided()
    {
        var bare = Rows([Answer("2025-08-27", 1)]);

        Assert.Null(Demand(bare).MetOn);
        Assert.Equal(CaseStatus.Pending, Case(bare).Status);
    }

    [Fact]
    public void Build_MeetsTheDemand_WhenAHandWrittenRowNamesPaperEvidence()
    {
        var paper = Rows([new ExplanationRow("swj", Notice.Value, "T1", "整改", "2025-08-28") { Evidence = "整改验收单（纸质，督查室存档）；现场照片" }]);

        var answer = Assert.Single(UnitItems.Answers(ValidConfiguration, paper));

        Assert.Equal(["整改验收单（纸质，督查室存档）", "现场照片"], answer.Evidence.Select(e => e.Name));
        Assert.Equal(D(2025, 8, 28), Demand(paper).MetOn);
    }

    [Fact]
    public void Build_ReportsTheRow_WhenItsEvidenceIsBrokenJson()
    {
        var broken = Rows([Answer("2025-08-28", 1) with { Evidence = "[{\"Name\":" }]);

        var (_, problems) = UnitItems.Build(ValidConfiguration, broken);

        AssertSingleProblem(problems, "explanations", Key(1), "Evidence", "[{\"Name\":", "不是有效的 JSON");
    }

    [Fact]
    public void Build_ExemptsThePeriod_WhenTheApprovedRequestWroteTheExemptionRow()
    {
        var rows = UnitRows(exemptions: [new ExemptionRow("swj", "T1", "2026-05", "dcs", "2026-06-02", "暴雨停工", "客观") { Request = "T1:2026-05@1" }]);

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(["2026-05"], Item(items, "T1").ExemptPeriods);
    }

    [Fact]
    public void Build_ExemptsThePeriod_WhenTheApprovalsDecisionIsRecorded_ButACrashLeftOutTheExemptionRow()
    {
        var at = Instant.FromUtc(2026, 6, 2, 2, 0);
        var approved = new ExemptionRequest("T1:2026-05@1", new UnitId("swj"), new ItemId("T1"), null, "2026-05", "暴雨停工", new PersonId("swj-a"), at, []);
        var denied = new ExemptionRequest("T1:2026-04@1", new UnitId("swj"), new ItemId("T1"), null, "2026-04", "资金未到位", new PersonId("swj-a"), at, []);
        var rows = UnitRows() with
        {
            ExemptionRequests = [approved, denied],
            Decisions =
            [
                new Decision("T1:2026-05@1!01", new UnitId("swj"), approved.Key, SubjectTable.ExemptionRequests, LoopDecision.Approve, new PersonId("dcs"), at, null),
                new Decision("T1:2026-04@1!01", new UnitId("swj"), denied.Key, SubjectTable.ExemptionRequests, LoopDecision.Deny, new PersonId("dcs"), at, "不属于客观原因"),
            ],
        };

        var (items, problems) = BuildItems(rows);

        Assert.Empty(problems);
        Assert.Equal(["2026-05"], Item(items, "T1").ExemptPeriods);
    }
}
