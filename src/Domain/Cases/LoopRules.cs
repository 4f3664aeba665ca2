using Escalation.Domain.Catalog;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Cases;

/// <summary>Why a step of the loop is refused, which the web turns into its answer's status.</summary>
public enum RefusalKind
{
    /// <summary>The input is wrong (a missing reason, an unknown word): 400.</summary>
    Invalid,

    /// <summary>The person may not do this (not the office, another unit): 403.</summary>
    Forbidden,

    /// <summary>What it names does not exist (an unknown answer, notice or task): 404.</summary>
    NotFound,

    /// <summary>The record is in a state that does not allow it (already decided, already closed): 409.</summary>
    Conflict,
}

/// <summary>A refused step: which field, the value given, and a Chinese message saying what is wrong and how to fix it.</summary>
/// <param name="Kind">What kind of refusal.</param>
/// <param name="Field">The field (form field or argument) at fault.</param>
/// <param name="Value">The value given, or null.</param>
/// <param name="Message">For the person: what is wrong, why, and how to fix it.</param>
public sealed record Refusal(RefusalKind Kind, string Field, string? Value, string Message);

/// <summary>One answer of a case with the decisions on it, in order.</summary>
/// <param name="Answer">The answer.</param>
/// <param name="Decisions">The office's decisions on it, first to last.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="MetOn">The day it meets the demand, or null when it does not (rejected, a rectification without evidence).</param>
public sealed record AnswerState(Answer Answer, IReadOnlyList<Decision> Decisions, CaseStatus Status, LocalDate? MetOn)
{
    /// <summary>For a <see cref="CaseStatus.Superseded"/> answer: the newer answer of its case that replaced it; else null.</summary>
    public Answer? SupersededBy { get; init; }
}

/// <summary>A case's answers in order, and where the case stands.</summary>
/// <param name="Id">The case.</param>
/// <param name="Answers">Its answers, first submission first.</param>
public sealed record LoopCase(CaseId Id, IReadOnlyList<AnswerState> Answers)
{
    /// <summary>The case's status: its latest answer's; null while nothing was submitted.</summary>
    public CaseStatus? Status => Answers.Count == 0 ? null : Answers[^1].Status;

    /// <summary>The earliest day an answer met the demand (a reopened case stays met: no second overdue chain); null while unmet.</summary>
    public LocalDate? MetOn => Answers.Select(a => a.MetOn).Where(d => d is not null).Min();

    /// <summary>The next answer's number.</summary>
    public int NextSeq => Answers.Count == 0 ? 1 : Answers.Max(a => a.Answer.Seq) + 1;
}

/// <summary>
/// The rules of the closed loop (闭环), pure: when an answer meets its demand, where a case stands, and which submissions
/// and decisions are refused. A submission meets its demand on its submission date unless a decision rejected it, or it is
/// a rectification without evidence (never: the office can only reject it). An accepted rectification closes the case
/// (销号). Reopening a closed case as false (虚假整改) marks it reopened, open for a new rectification, and raises one
/// accountability recommendation, but does not un-meet the demand: the demand-overdue ladder does not start again.
/// </summary>
public static class LoopRules
{
    /// <summary>Where one answer stands after the decisions on it (others' are ignored).</summary>
    public static AnswerState StateOf(Answer answer, IEnumerable<Decision> decisions)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(decisions);
        var own = decisions.Where(d => d.Table == SubjectTable.Explanations && d.Subject == answer.Key).OrderBy(d => d.Seq).ToList();
        var status = own.Count == 0 ? CaseStatus.Pending : own[^1].Kind switch
        {
            LoopDecision.Accept => answer.Kind == DemandKind.Rectification ? CaseStatus.Closed : CaseStatus.Accepted,
            LoopDecision.Reject => CaseStatus.Rejected,
            LoopDecision.Reopen => CaseStatus.Reopened,
            _ => CaseStatus.Pending,
        };
        return new AnswerState(answer, own, status, Meets(answer, own) ? answer.SubmittedOn : null);
    }

    /// <summary>
    /// True when the answer meets its demand: not rejected, and not a rectification without evidence. Pending, accepted,
    /// closed and reopened answers meet it.
    /// </summary>
    public static bool Meets(Answer answer, IEnumerable<Decision> decisionsOnIt)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(decisionsOnIt);
        return !IsUnevidencedRectification(answer) && !decisionsOnIt.Any(d => d.Subject == answer.Key && d.Kind == LoopDecision.Reject);
    }

    /// <summary>A rectification report without evidence: it never meets its demand, and the office cannot accept it.</summary>
    public static bool IsUnevidencedRectification(Answer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Kind == DemandKind.Rectification && answer.Evidence.Count == 0;
    }

    /// <summary>The cases of <paramref name="answers"/>, each with its answers in order and their states.</summary>
    public static IReadOnlyList<LoopCase> Cases(IEnumerable<Answer> answers, IReadOnlyList<Decision> decisions)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(decisions);
        return
        [
            .. answers.GroupBy(a => a.Case)
                .Select(g => CaseOf(g.Key, [.. g.OrderBy(a => a.Seq).ThenBy(a => a.SubmittedOn).Select(a => StateOf(a, decisions))])),
        ];
    }

    /// <summary>
    /// A case from the states of its answers (<see cref="StateOf"/>), first submission first. An answer still undecided
    /// (pending) when a newer one follows it is superseded by that one (已被新答复取代: the unit sent it again, e.g. with the
    /// evidence it forgot): the office decides only the newest, and the superseded one follows its fate: it meets the
    /// demand on its own day (unless it is a rectification without evidence) as long as the answer that replaced it meets
    /// it, and not once that one is rejected. So an answer in time, supplemented late, keeps the demand met in time.
    /// </summary>
    public static LoopCase CaseOf(CaseId id, IReadOnlyList<AnswerState> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var states = answers.ToArray();
        for (var i = states.Length - 2; i >= 0; i--)
        {
            var (state, next) = (states[i], states[i + 1]);
            if (state.Status == CaseStatus.Pending)
            {
                states[i] = state with { Status = CaseStatus.Superseded, MetOn = next.MetOn is null ? null : state.MetOn, SupersededBy = next.Answer };
            }
        }

        return new LoopCase(id, states);
    }

    /// <summary>
    /// Whether a unit may submit another answer to a case now: refused once an explanation is accepted or a rectification
    /// closed (销号), unless the office reopened it as false. A pending or rejected case takes another submission.
    /// </summary>
    public static Refusal? RefuseSubmission(LoopCase? existing, DemandKind kind)
    {
        switch (existing?.Status)
        {
            case CaseStatus.Closed:
                return new Refusal(RefusalKind.Conflict, "Kind", LoopKeys.Token(kind),
                    $"该通报要求的{ChineseNames.Of(kind)}已经督查室采纳并销号，不能再提交。如对销号有异议，请与督查室联系。");
            case CaseStatus.Accepted:
                return new Refusal(RefusalKind.Conflict, "Kind", LoopKeys.Token(kind),
                    $"该通报要求的{ChineseNames.Of(kind)}已经督查室采纳，无需再次提交。如需补充材料，请与督查室联系。");
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether the office may record <paramref name="decision"/> on an answer now. Refused: a person who is not the office;
    /// a word that is not an answer's decision; accepting a rectification without evidence; reject or reopen without a
    /// reason; deciding an answer already decided, except reopening a closed rectification as false.
    /// </summary>
    /// <param name="role">The deciding person's web role.</param>
    /// <param name="state">The answer as it stands.</param>
    /// <param name="decision">What the office decides.</param>
    /// <param name="reason">Why.</param>
    public static Refusal? RefuseDecision(WebRole role, AnswerState state, LoopDecision decision, string? reason)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (role != WebRole.Office)
        {
            return new Refusal(RefusalKind.Forbidden, "Person", null, "只有督查室可以处理答复（采纳、退回、销号、认定虚假整改）。如需处理，请以督查室人员的账号登录。");
        }

        var answer = state.Answer;
        var token = LoopKeys.Token(decision);
        if (decision is LoopDecision.Approve or LoopDecision.Deny)
        {
            return new Refusal(RefusalKind.Invalid, "Decision", token, "「批准」「不予批准」用于豁免申请，不能用于答复。请对答复选择「采纳」（整改报告采纳即销号）、「退回」或「虚假整改」。");
        }

        if (decision is LoopDecision.Reject or LoopDecision.Reopen && string.IsNullOrWhiteSpace(reason))
        {
            return new Refusal(RefusalKind.Invalid, "Reason", reason,
                decision == LoopDecision.Reject ? "退回答复必须填写理由，单位将据此修改后重新提交。请在「理由」中写明退回的原因。" : "认定虚假整改必须填写理由，问责建议将引用它。请在「理由」中写明认定的依据。");
        }

        switch (state.Status)
        {
            case CaseStatus.Superseded:
                var newer = state.SupersededBy;
                return new Refusal(RefusalKind.Conflict, "Answer", answer.Key,
                    $"这份{AnswerName(answer.Kind)}已被{(newer is null ? "单位新提交的答复" : $"第 {newer.Seq} 次提交的{AnswerName(newer.Kind)}（{newer.Key}，{Calendar.IsoDate.Format(newer.SubmittedOn)} 提交）")}取代，不能再处理。请处理最新的答复（通报页面“答复和审核记录”中最后一次提交的答复）。");
            case CaseStatus.Pending:
                if (decision == LoopDecision.Reopen)
                {
                    return new Refusal(RefusalKind.Conflict, "Decision", token, "只有已采纳销号的整改才能认定为虚假整改；这份答复尚未处理。请先采纳或退回。");
                }

                if (decision == LoopDecision.Accept && IsUnevidencedRectification(answer))
                {
                    return new Refusal(RefusalKind.Conflict, "Decision", token, "整改报告未附佐证材料，不能采纳（销号）。请选择「退回」并说明需补充的佐证材料，单位补充后重新提交。");
                }

                return null;
            case CaseStatus.Closed when decision == LoopDecision.Reopen:
                return null;
            case CaseStatus.Closed:
                return new Refusal(RefusalKind.Conflict, "Decision", token, "这份整改报告已采纳销号，不能再次处理。如发现整改不实，请选择「虚假整改」并写明理由。");
            case CaseStatus.Reopened:
                return new Refusal(RefusalKind.Conflict, "Decision", token, "这份整改报告已认定为虚假整改，不能再次处理。单位重新提交的整改报告在答复列表中另行处理。");
            default:
                return new Refusal(RefusalKind.Conflict, "Decision", token,
                    $"这份答复已{(state.Status == CaseStatus.Rejected ? "退回" : "采纳")}，不能再次处理。单位重新提交后，请处理新的答复。");
        }
    }

    /// <summary>
    /// Whether the office may decide an exemption request: the office only, approve or deny, a reason to deny, and once.
    /// </summary>
    public static Refusal? RefuseExemptionDecision(WebRole role, IReadOnlyList<Decision> earlier, LoopDecision decision, string? reason)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        if (role != WebRole.Office)
        {
            return new Refusal(RefusalKind.Forbidden, "Person", null, "只有督查室可以审批豁免申请。如需审批，请以督查室人员的账号登录。");
        }

        if (decision is not (LoopDecision.Approve or LoopDecision.Deny))
        {
            return new Refusal(RefusalKind.Invalid, "Decision", LoopKeys.Token(decision), "豁免申请只能「批准」或「不予批准」。请选择其中之一。");
        }

        if (decision == LoopDecision.Deny && string.IsNullOrWhiteSpace(reason))
        {
            return new Refusal(RefusalKind.Invalid, "Reason", reason, "不予批准豁免申请必须填写理由。请在「理由」中写明不予批准的原因。");
        }

        if (earlier.Count > 0)
        {
            var last = earlier[^1];
            return new Refusal(RefusalKind.Conflict, "Decision", LoopKeys.Token(decision),
                $"这份豁免申请已{(last.Kind == LoopDecision.Approve ? "批准" : "不予批准")}，不能再次审批。单位如有新的理由，可重新提交申请。");
        }

        return null;
    }

    /// <summary>The Chinese word of a decision (采纳, 退回, …); an accepted rectification reads 采纳（销号）.</summary>
    public static string Words(LoopDecision decision, DemandKind? kind = null) => decision switch
    {
        LoopDecision.Accept => kind == DemandKind.Rectification ? "采纳（销号）" : "采纳",
        LoopDecision.Reject => "退回",
        LoopDecision.Reopen => "认定虚假整改（重新打开）",
        LoopDecision.Approve => "批准",
        LoopDecision.Deny => "不予批准",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Not a decision."),
    };

    /// <summary>The Chinese word of a status: 待审核, 已采纳, 已退回, 已销号, 已重新打开, 已被新答复取代.</summary>
    public static string Words(CaseStatus status) => status switch
    {
        CaseStatus.Pending => "待审核",
        CaseStatus.Accepted => "已采纳",
        CaseStatus.Rejected => "已退回",
        CaseStatus.Closed => "已销号",
        CaseStatus.Reopened => "已重新打开",
        CaseStatus.Superseded => "已被新答复取代",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a status."),
    };

    /// <summary>What an answer is called: 情况说明, 整改报告, 专题说明.</summary>
    public static string AnswerName(DemandKind kind) => kind switch
    {
        DemandKind.Explanation => "情况说明",
        DemandKind.Rectification => "整改报告",
        DemandKind.SpecialExplanation => "专题说明",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a demand kind."),
    };
}
