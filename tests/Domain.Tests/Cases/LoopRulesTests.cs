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
