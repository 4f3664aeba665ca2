using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Cases;

/// <summary>What the office decides on an answer or an exemption request (decisions column <c>Decision</c>).</summary>
public enum LoopDecision
{
    /// <summary>采纳: the answer is accepted; an accepted rectification closes the case (销号).</summary>
    Accept,

    /// <summary>退回: the answer is rejected with a reason; it does not meet the demand.</summary>
    Reject,

    /// <summary>虚假整改: a closed case is reopened as false; raises one accountability recommendation (问责建议).</summary>
    Reopen,

    /// <summary>批准: an exemption request is approved; the period or milestone it names does not count.</summary>
    Approve,

    /// <summary>不予批准: an exemption request is denied with a reason.</summary>
    Deny,
}

/// <summary>Where an answer or a case stands (案件状态), as pages show it.</summary>
public enum CaseStatus
{
    /// <summary>待审核: submitted, not decided yet.</summary>
    Pending,

    /// <summary>已采纳: an explanation (or special explanation) the office accepted.</summary>
    Accepted,

    /// <summary>已退回: rejected; the unit may submit again.</summary>
    Rejected,

    /// <summary>已销号: an accepted rectification; the case is closed.</summary>
    Closed,

    /// <summary>已重新打开: a closed case the office reopened as false rectification (虚假整改); open for a new rectification.</summary>
    Reopened,

    /// <summary>
    /// 已被新答复取代: an answer still undecided when the unit submitted a newer one to its case (a supplement: forgotten
    /// evidence, a corrected text). The office decides the newest answer only; this one follows its fate (see
    /// <see cref="LoopRules.CaseOf"/>). Never a case's status: a case stands where its newest answer stands.
    /// </summary>
    Superseded,
}

/// <summary>What a decision is about: a row of explanations or of exemptionrequests (decisions column <c>SubjectTable</c>).</summary>
public enum SubjectTable
{
    /// <summary>An answer (explanations).</summary>
    Explanations,

    /// <summary>An exemption request (exemptionrequests).</summary>
    ExemptionRequests,
}

/// <summary>
/// An answer (答复) as stored in explanations: an explanation, a rectification report or a special explanation a unit
/// submitted against a notice, the <see cref="Seq"/>-th of its case.
/// </summary>
/// <param name="Key">Its row key: <c>{notice}:{kind}[:{from}]</c>, and <c>@{seq}</c> from the second submission on.</param>
/// <param name="Unit">The partition: the task's unit.</param>
/// <param name="Notice">The notice it answers.</param>
/// <param name="Item">The task the notice was about.</param>
/// <param name="Kind">What it is.</param>
/// <param name="From">The unit that submitted it when another than the task's (a builder); null for the task's unit.</param>
/// <param name="Seq">1 for the first submission of its case, 2.. for resubmissions.</param>
/// <param name="SubmittedOn">The local date it was submitted: the day it meets the demand, unless it does not.</param>
/// <param name="Evidence">The evidence files.</param>
public sealed record Answer(
    string Key, UnitId Unit, EventId Notice, ItemId Item, DemandKind Kind, UnitId? From, int Seq, LocalDate SubmittedOn, IReadOnlyList<Evidence> Evidence)
{
    /// <summary>When it was submitted on the web; null for a row written by hand.</summary>
    public Instant? SubmittedAt { get; init; }

    /// <summary>Who submitted it; null when a row written by hand does not say.</summary>
    public PersonId? SubmittedBy { get; init; }

    /// <summary>The text.</summary>
    public string? Text { get; init; }

    /// <summary>What the answers of one case share: the notice, the kind and the unit that owes it.</summary>
    public CaseId Case => new(Notice, Kind, Submitter);

    /// <summary>The unit that owes and submitted it.</summary>
    public UnitId Submitter => From ?? Unit;
}

/// <summary>A case (督办事项): what one notice demands of one unit; its answers are submitted and decided in turn.</summary>
/// <param name="Notice">The notice (its first notice, for a repeated one).</param>
/// <param name="Kind">What it demands.</param>
/// <param name="Unit">The unit that owes it.</param>
public readonly record struct CaseId(EventId Notice, DemandKind Kind, UnitId Unit);

/// <summary>A decision (督办决定) of the office on an answer or an exemption request, as stored in decisions.</summary>
/// <param name="Key">Its row key: <c>{subject}!{seq:00}</c>.</param>
/// <param name="Unit">The partition: the subject's unit.</param>
/// <param name="Subject">The row key of the answer or request decided.</param>
/// <param name="Table">Which table <paramref name="Subject"/> is a row of.</param>
/// <param name="Kind">What was decided.</param>
/// <param name="DecidedBy">The office's person.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="Reason">Why; required for reject, reopen and deny.</param>
public sealed record Decision(string Key, UnitId Unit, string Subject, SubjectTable Table, LoopDecision Kind, PersonId DecidedBy, Instant DecidedAt, string? Reason)
{
    /// <summary>The task (or <c>ind:{indicator}</c>) it concerns, for lists; null when unknown.</summary>
    public ItemId? Task { get; init; }

    /// <summary>For an answer's decision: the notice answered.</summary>
    public EventId? Notice { get; init; }

    /// <summary>The decision's number among its subject's decisions (1, 2, ...).</summary>
    public int Seq => LoopKeys.SeqOfDecision(Key);
}

/// <summary>
/// An exemption request (豁免申请) a unit made for a period or a milestone of a task, or a period of an indicator, with an
/// objective cause, as stored in exemptionrequests.
/// </summary>
/// <param name="Key">Its row key: <c>{task or ind:indicator}:{period}@{seq}</c>.</param>
/// <param name="Unit">The requesting unit (the partition).</param>
/// <param name="Task">The task; null for an indicator's request.</param>
/// <param name="Indicator">The indicator; null for a task's request.</param>
/// <param name="Period">What it names, as the exemptions table writes it (2026-05, milestone:2026-06-30, deadline, start).</param>
/// <param name="Reason">The objective cause.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="Evidence">The evidence files.</param>
public sealed record ExemptionRequest(
    string Key, UnitId Unit, ItemId? Task, string? Indicator, string Period, string Reason, PersonId RequestedBy, Instant RequestedAt, IReadOnlyList<Evidence> Evidence)
{
    /// <summary>The item its events are about: the task, or <c>ind:{indicator}</c>.</summary>
    public ItemId Item => Task ?? new ItemId(Indicators.IndicatorItem.Prefix + Indicator);

    /// <summary>The request's number for its task (or indicator) and period.</summary>
    public int Seq => LoopKeys.SeqOf(Key);
}

/// <summary>The row keys of the loop's tables, in one place.</summary>
public static class LoopKeys
{
    /// <summary>The explanations row key of the <paramref name="seq"/>-th answer of a case: <c>@{seq}</c> from the second on.</summary>
    public static string Answer(EventId notice, DemandKind kind, UnitId? from, int seq) =>
        $"{notice.Value}:{Token(kind)}{(from is { } f ? ":" + f.Value : "")}{(seq > 1 ? "@" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}";

    /// <summary>The key without <c>@{seq}</c>: what the answers of one case share.</summary>
    public static string CaseOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf('@');
        return at > 0 && int.TryParse(key.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) ? key[..at] : key;
    }

    /// <summary>The number after <c>@</c>, 1 when there is none.</summary>
    public static int SeqOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf('@');
        return at > 0 && int.TryParse(key.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    /// <summary>The decisions row key of a subject's <paramref name="seq"/>-th decision: <c>{subject}!{seq:00}</c>.</summary>
    public static string Decision(string subject, int seq) =>
        subject + "!" + seq.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The subject of a decisions row key (before the last <c>!</c>).</summary>
    public static string SubjectOf(string decisionKey)
    {
        ArgumentNullException.ThrowIfNull(decisionKey);
        var bang = decisionKey.LastIndexOf('!');
        return bang > 0 ? decisionKey[..bang] : decisionKey;
    }

    /// <summary>The number after the last <c>!</c> of a decisions row key.</summary>
    public static int SeqOfDecision(string decisionKey)
    {
        ArgumentNullException.ThrowIfNull(decisionKey);
        var bang = decisionKey.LastIndexOf('!');
        return bang > 0 && int.TryParse(decisionKey.AsSpan(bang + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    /// <summary>The exemptionrequests row key: <c>{task or ind:indicator}:{period}@{seq}</c>.</summary>
    public static string ExemptionRequest(string taskOrIndicatorItem, string period, int seq) =>
        $"{taskOrIndicatorItem}:{period}@{seq.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The English token of a kind, as the web writes it in the Kind column (import also takes the Chinese words).</summary>
    public static string Token(DemandKind kind) => kind switch
    {
        DemandKind.Explanation => "explanation",
        DemandKind.Rectification => "rectification",
        DemandKind.SpecialExplanation => "special-explanation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a demand kind."),
    };

    /// <summary>The decisions column's word for a decision (English; the Chinese words are read too).</summary>
    public static string Token(LoopDecision decision) => decision switch
    {
        LoopDecision.Accept => "accept",
        LoopDecision.Reject => "reject",
        LoopDecision.Reopen => "reopen",
        LoopDecision.Approve => "approve",
        LoopDecision.Deny => "deny",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Not a decision."),
    };

    /// <summary>The SubjectTable column's word: the table's name.</summary>
    public static string Token(SubjectTable table) => table == SubjectTable.Explanations ? "explanations" : "exemptionrequests";

    private static readonly Dictionary<string, LoopDecision> Decisions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accept"] = LoopDecision.Accept, ["采纳"] = LoopDecision.Accept, ["close"] = LoopDecision.Accept, ["销号"] = LoopDecision.Accept,
        ["reject"] = LoopDecision.Reject, ["退回"] = LoopDecision.Reject,
        ["reopen"] = LoopDecision.Reopen, ["虚假整改"] = LoopDecision.Reopen, ["重新打开"] = LoopDecision.Reopen,
        ["approve"] = LoopDecision.Approve, ["批准"] = LoopDecision.Approve,
        ["deny"] = LoopDecision.Deny, ["不予批准"] = LoopDecision.Deny,
    };

    /// <summary>The accepted words, for refusals.</summary>
    public const string DecisionWords = "accept/采纳（整改报告采纳即销号）、reject/退回、reopen/虚假整改、approve/批准、deny/不予批准";

    /// <summary>A decision as written (English or Chinese), or null.</summary>
    public static LoopDecision? ParseDecision(string? text) =>
        text is not null && Decisions.TryGetValue(text.Trim(), out var d) ? d : null;

    private static readonly Dictionary<string, DemandKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["explanation"] = DemandKind.Explanation, ["说明"] = DemandKind.Explanation, ["情况说明"] = DemandKind.Explanation, ["书面说明"] = DemandKind.Explanation,
        ["rectification"] = DemandKind.Rectification, ["整改"] = DemandKind.Rectification, ["整改报告"] = DemandKind.Rectification,
        ["special-explanation"] = DemandKind.SpecialExplanation, ["专题说明"] = DemandKind.SpecialExplanation,
    };

    /// <summary>The accepted words for an answer's kind, for refusals.</summary>
    public const string KindWords = "explanation/说明、rectification/整改 或 special-explanation/专题说明";

    /// <summary>An answer's kind as written (English or Chinese), or null.</summary>
    public static DemandKind? ParseKind(string? text) =>
        text is not null && Kinds.TryGetValue(text.Trim(), out var kind) ? kind : null;

    /// <summary>A subject table as written, or null.</summary>
    public static SubjectTable? ParseTable(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "explanations" or "说明整改" => SubjectTable.Explanations,
        "exemptionrequests" or "豁免申请" => SubjectTable.ExemptionRequests,
        _ => null,
    };
}
