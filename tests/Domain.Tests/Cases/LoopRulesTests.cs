using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Cases;

/// <summary>Which submissions and decisions the loop refuses, and why (in Chinese, naming the field).</summary>
public class LoopRulesTests
{
    private static readonly EventId Notice = EventId.For(new RuleId("R5"), new ItemId("T1"), "lag:2026-05");
    private static readonly Instant Noon = Instant.FromUtc(2026, 6, 8, 4, 0);

    private static Answer Of(DemandKind kind, params Evidence[] evidence) =>
        new(LoopKeys.Answer(Notice, kind, null, 1), new UnitId("swj"), Notice, new ItemId("T1"), kind, null, 1, new LocalDate(2026, 6, 8), evidence);

    private static Decision On(Answer answer, LoopDecision kind, int seq = 1, string? reason = "理由") =>
        new(LoopKeys.Decision(answer.Key, seq), answer.Unit, answer.Key, SubjectTable.Explanations, kind, new PersonId("dcs"), Noon, reason);

    private static AnswerState State(Answer answer, params Decision[] decisions) => LoopRules.StateOf(answer, decisions);

    private static readonly Answer Explanation = Of(DemandKind.Explanation);
    private static readonly Answer BareRectification = Of(DemandKind.Rectification);
    private static readonly Answer Rectification = Of(DemandKind.Rectification, new Evidence("照片.jpg"));

    [Theory]
    [InlineData(WebRole.Reporter)]
    [InlineData(WebRole.Leader)]
    [InlineData(WebRole.None)]
    public void RefuseDecision_Forbids_WhenThePersonIsNotTheOffice(WebRole role)
    {
        var refusal = LoopRules.RefuseDecision(role, State(Explanation), LoopDecision.Accept, null);

        Assert.Equal(RefusalKind.Forbidden, refusal?.Kind);
        Assert.Contains("只有督查室", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseDecision_RefusesToAccept_ARectificationWithoutEvidence()
    {
        var refusal = LoopRules.RefuseDecision(WebRole.Office, State(BareRectification), LoopDecision.Accept, null);

        Assert.Equal((RefusalKind.Conflict, "Decision", "accept"), (refusal?.Kind, refusal?.Field, refusal?.Value));
        Assert.StartsWith("整改报告未附佐证材料，不能采纳", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseDecision_AllowsRejecting_ARectificationWithoutEvidence()
    {
        Assert.Null(LoopRules.RefuseDecision(WebRole.Office, State(BareRectification), LoopDecision.Reject, "请补充佐证材料"));
    }

    [Theory]
    [InlineData(LoopDecision.Reject, null)]
    [InlineData(LoopDecision.Reject, "  ")]
    [InlineData(LoopDecision.Reopen, "")]
    public void RefuseDecision_AsksForAReason_WhenRejectingOrReopening(LoopDecision decision, string? reason)
    {
        var closed = State(Rectification, On(Rectification, LoopDecision.Accept));
        var state = decision == LoopDecision.Reopen ? closed : State(Rectification);

        var refusal = LoopRules.RefuseDecision(WebRole.Office, state, decision, reason);

        Assert.Equal((RefusalKind.Invalid, "Reason"), (refusal?.Kind, refusal?.Field));
        Assert.Contains("必须填写理由", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseDecision_Refuses_WhenTheAnswerWasDecidedAlready()
    {
        var rejected = State(Explanation, On(Explanation, LoopDecision.Reject));

        var refusal = LoopRules.RefuseDecision(WebRole.Office, rejected, LoopDecision.Accept, null);

        Assert.Equal(RefusalKind.Conflict, refusal?.Kind);
        Assert.Contains("已退回，不能再次处理", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseDecision_AllowsReopening_OnlyAClosedRectification()
    {
        var closed = State(Rectification, On(Rectification, LoopDecision.Accept));
        var accepted = State(Explanation, On(Explanation, LoopDecision.Accept));
        var reopened = State(Rectification, On(Rectification, LoopDecision.Accept), On(Rectification, LoopDecision.Reopen, 2));

        Assert.Null(LoopRules.RefuseDecision(WebRole.Office, closed, LoopDecision.Reopen, "整改不实"));
        Assert.Equal(RefusalKind.Conflict, LoopRules.RefuseDecision(WebRole.Office, State(Rectification), LoopDecision.Reopen, "整改不实")?.Kind);
        Assert.Equal(RefusalKind.Conflict, LoopRules.RefuseDecision(WebRole.Office, accepted, LoopDecision.Reopen, "整改不实")?.Kind);
        Assert.Equal(RefusalKind.Conflict, LoopRules.RefuseDecision(WebRole.Office, reopened, LoopDecision.Reopen, "整改不实")?.Kind);
    }

    [Fact]
    public void RefuseDecision_RefusesExemptionWords_OnAnAnswer()
    {
        var refusal = LoopRules.RefuseDecision(WebRole.Office, State(Explanation), LoopDecision.Approve, null);

        Assert.Equal((RefusalKind.Invalid, "Decision"), (refusal?.Kind, refusal?.Field));
    }

    [Fact]
    public void StateOf_ClosesARectification_AndAcceptsAnExplanation()
    {
        Assert.Equal(CaseStatus.Closed, State(Rectification, On(Rectification, LoopDecision.Accept)).Status);
        Assert.Equal(CaseStatus.Accepted, State(Explanation, On(Explanation, LoopDecision.Accept)).Status);
        Assert.Equal(CaseStatus.Pending, State(Explanation).Status);
    }

    [Fact]
    public void RefuseSubmission_Refuses_OnceTheCaseIsClosedOrAccepted_ButNotWhenReopenedOrRejected()
    {
        LoopCase CaseOf(params Decision[] decisions) => Assert.Single(LoopRules.Cases([Rectification], decisions));

        Assert.Equal(RefusalKind.Conflict, LoopRules.RefuseSubmission(CaseOf(On(Rectification, LoopDecision.Accept)), DemandKind.Rectification)?.Kind);
        Assert.Null(LoopRules.RefuseSubmission(CaseOf(On(Rectification, LoopDecision.Accept), On(Rectification, LoopDecision.Reopen, 2)), DemandKind.Rectification));
        Assert.Null(LoopRules.RefuseSubmission(CaseOf(On(Rectification, LoopDecision.Reject)), DemandKind.Rectification));
        Assert.Null(LoopRules.RefuseSubmission(null, DemandKind.Rectification));
    }

    // ---- A newer answer supersedes a pending one ------------------------------------------------------------------

    private static Answer Next(Answer answer, int seq, LocalDate on, params Evidence[] evidence) =>
        answer with { Key = LoopKeys.Answer(Notice, answer.Kind, null, seq), Seq = seq, SubmittedOn = on, Evidence = evidence.Length == 0 ? answer.Evidence : evidence };

    private static readonly LocalDate June9 = new(2026, 6, 9);
    private static readonly LocalDate June12 = new(2026, 6, 12);

    [Fact]
    public void Cases_MarkAPendingAnswerFollowedByANewerOne_Superseded_ByIt_AndTheNewestStandsPending()
    {
        var second = Next(Explanation, 2, June9);
        var third = Next(Explanation, 3, June12);

        var c = Assert.Single(LoopRules.Cases([third, Explanation, second], []));

        Assert.Equal([CaseStatus.Superseded, CaseStatus.Superseded, CaseStatus.Pending], c.Answers.Select(a => a.Status));
        Assert.Equal([second.Key, third.Key, null], c.Answers.Select(a => a.SupersededBy?.Key));
        Assert.Equal(CaseStatus.Pending, c.Status);
        Assert.Equal("已被新答复取代", LoopRules.Words(CaseStatus.Superseded));
    }

    [Fact]
    public void Cases_LeaveADecidedAnswer_AsDecided_WhenANewerOneFollows()
    {
        var second = Next(Explanation, 2, June9);

        var c = Assert.Single(LoopRules.Cases([Explanation, second], [On(Explanation, LoopDecision.Reject)]));

        Assert.Equal([CaseStatus.Rejected, CaseStatus.Pending], c.Answers.Select(a => a.Status));
        Assert.Null(c.Answers[0].SupersededBy);
    }

    [Fact]
    public void Cases_MeetTheDemand_OnTheSupersededAnswersDay_WhileTheNewerOneMeetsIt_AndNotOnceTheNewerOneIsRejected()
    {
        var second = Next(Explanation, 2, June12);

        var pending = Assert.Single(LoopRules.Cases([Explanation, second], []));
        var accepted = Assert.Single(LoopRules.Cases([Explanation, second], [On(second, LoopDecision.Accept)]));
        var rejected = Assert.Single(LoopRules.Cases([Explanation, second], [On(second, LoopDecision.Reject)]));

        // Answered on time (06-08) and supplemented later (06-12): met on 06-08 while the supplement stands.
        Assert.Equal(Explanation.SubmittedOn, pending.MetOn);
        Assert.Equal(Explanation.SubmittedOn, accepted.MetOn);
        // The supplement replaced it: rejecting the supplement leaves the demand unmet (the superseded answer cannot be decided).
        Assert.Null(rejected.MetOn);
        Assert.Equal(CaseStatus.Superseded, rejected.Answers[0].Status);
    }

    [Fact]
    public void Cases_DoNotMeetTheDemand_WithASupersededRectificationWithoutEvidence_ButOnTheNewerOnesDay()
    {
        var evidenced = Next(BareRectification, 2, June12, new Evidence("照片.jpg"));

        var c = Assert.Single(LoopRules.Cases([BareRectification, evidenced], []));

        Assert.Equal(June12, c.MetOn);
        Assert.Null(c.Answers[0].MetOn);
    }

    [Theory]
    [InlineData(LoopDecision.Accept, null)]
    [InlineData(LoopDecision.Reject, "请补充材料")]
    public void RefuseDecision_Refuses_ASupersededAnswer_NamingTheNewerOne(LoopDecision decision, string? reason)
    {
        var second = Next(Explanation, 2, June9) with { SubmittedBy = new PersonId("swj-zhou") };
        var superseded = Assert.Single(LoopRules.Cases([Explanation, second], [])).Answers[0];

        var refusal = LoopRules.RefuseDecision(WebRole.Office, superseded, decision, reason);

        Assert.Equal((RefusalKind.Conflict, "Answer", Explanation.Key), (refusal?.Kind, refusal?.Field, refusal?.Value));
        Assert.Contains("已被第 2 次提交的情况说明（" + second.Key + "，2026-06-09 提交）取代", refusal!.Message, StringComparison.Ordinal);
        Assert.Contains("请处理最新的答复", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseExemptionDecision_NeedsTheOffice_AReasonToDeny_AndDecidesOnce()
    {
        var earlier = new Decision("T1:2026-05@1!01", new UnitId("swj"), "T1:2026-05@1", SubjectTable.ExemptionRequests, LoopDecision.Approve, new PersonId("dcs"), Noon, null);

        Assert.Equal(RefusalKind.Forbidden, LoopRules.RefuseExemptionDecision(WebRole.Reporter, [], LoopDecision.Approve, null)?.Kind);
        Assert.Equal("Reason", LoopRules.RefuseExemptionDecision(WebRole.Office, [], LoopDecision.Deny, null)?.Field);
        Assert.Equal(RefusalKind.Invalid, LoopRules.RefuseExemptionDecision(WebRole.Office, [], LoopDecision.Accept, null)?.Kind);
        Assert.Equal(RefusalKind.Conflict, LoopRules.RefuseExemptionDecision(WebRole.Office, [earlier], LoopDecision.Deny, "不符合条件")?.Kind);
        Assert.Null(LoopRules.RefuseExemptionDecision(WebRole.Office, [], LoopDecision.Approve, null));
    }

    [Fact]
    public void EvidenceColumn_RoundTrips_TheWebsList()
    {
        Evidence[] files = [new("验收报告.pdf", new string('b', 64), 1024, "application/pdf"), new("照片.jpg", new string('c', 64), 2048, "image/jpeg")];

        var (parsed, problem) = EvidenceColumn.Parse(EvidenceColumn.Format(files));

        Assert.Null(problem);
        Assert.Equal(files, parsed);
        Assert.Null(EvidenceColumn.Format([]));
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("a.pdf", new[] { "a.pdf" })]
    [InlineData(" a.pdf ； b.jpg;c.docx ", new[] { "a.pdf", "b.jpg", "c.docx" })]
    public void EvidenceColumn_ReadsFileNames_AsAdminsWriteThem(string cell, string[] names)
    {
        var (parsed, problem) = EvidenceColumn.Parse(cell);

        Assert.Null(problem);
        Assert.Equal(names, parsed!.Select(e => e.Name));
    }

    [Fact]
    public void LoopKeys_NumberResubmissions_AndDecisions()
    {
        Assert.Equal(Notice.Value + ":rectification", LoopKeys.Answer(Notice, DemandKind.Rectification, null, 1));
        Assert.Equal(Notice.Value + ":special-explanation:cjt@3", LoopKeys.Answer(Notice, DemandKind.SpecialExplanation, new UnitId("cjt"), 3));
        Assert.Equal(3, LoopKeys.SeqOf(Notice.Value + ":rectification@3"));
        Assert.Equal("x@2!01", LoopKeys.Decision("x@2", 1));
        Assert.Equal(("x@2", 12), (LoopKeys.SubjectOf("x@2!12"), LoopKeys.SeqOfDecision("x@2!12")));
    }
}
