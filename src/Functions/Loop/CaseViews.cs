using Escalation.Domain.Cases;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Cases;

/// <summary>
/// The outcome of a step of the closed loop: the record written (or found, for a repeated request), or why it was refused.
/// Never an exception for bad input: the page shows <see cref="Refusal"/>'s Chinese message with the status its kind maps to.
/// </summary>
/// <param name="Value">The record as it stands after the step; null when refused.</param>
/// <param name="Refusal">Why the step was refused; null when it succeeded.</param>
/// <param name="Repeated">
/// True when the same step had been done already (a repeated click, a second instance at once): nothing new was written or
/// sent, and <paramref name="Value"/> is the earlier record.
/// </param>
/// <param name="Events">The events the step caused (logged and published once, whichever call did it).</param>
public sealed record LoopResult<T>(T? Value, Refusal? Refusal, bool Repeated, IReadOnlyList<EventId> Events)
    where T : class
{
    public bool Ok => Refusal is null;
}

/// <summary>Makes refused <see cref="LoopResult{T}"/>s.</summary>
public static class LoopResult
{
    public static LoopResult<T> Refused<T>(Refusal refusal)
        where T : class => new(null, refusal, false, []);
}

/// <summary>A person as pages show them: id and name (the id alone when the people table no longer has them).</summary>
public sealed record PersonView(PersonId Id, string Name);

/// <summary>An evidence file as pages list it; <see cref="Sha256"/> (null for files named by hand) links to /evidence/{unit}/{sha256}.</summary>
public sealed record EvidenceView(string Name, string? Sha256, long? Bytes, string? ContentType);

/// <summary>A decision in an answer's or request's history.</summary>
/// <param name="Key">Its decisions row key.</param>
/// <param name="Decision">What was decided.</param>
/// <param name="Words">In Chinese: 采纳, 采纳（销号）, 退回, 认定虚假整改（重新打开）, 批准, 不予批准.</param>
/// <param name="DecidedBy">Who.</param>
/// <param name="DecidedAt">When.</param>
/// <param name="Reason">Why, when given.</param>
public sealed record DecisionView(string Key, LoopDecision Decision, string Words, PersonView DecidedBy, Instant DecidedAt, string? Reason);

/// <summary>One answer with its history.</summary>
/// <param name="Unit">The partition: the task's unit.</param>
/// <param name="Key">The explanations row key (what <c>/answers/{unit}/{key}</c> and Decide take).</param>
/// <param name="Notice">The notice answered.</param>
/// <param name="Task">The task.</param>
/// <param name="Kind">What it is.</param>
/// <param name="KindWords">情况说明, 整改报告 or 专题说明.</param>
/// <param name="From">The submitting unit when another than the task's.</param>
/// <param name="Seq">Its number within its case.</param>
/// <param name="SubmittedOn">The day it counts from.</param>
/// <param name="SubmittedAt">When it came on the web; null for a row written by hand.</param>
/// <param name="SubmittedBy">Who; null when a row written by hand does not say.</param>
/// <param name="Text">The text.</param>
/// <param name="Evidence">The files, with hashes.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="StatusWords">待审核, 已采纳, 已退回, 已销号, 已重新打开, 已被新答复取代 (superseded by a newer answer of its case).</param>
/// <param name="MeetsDemand">False for a rejected answer or a rectification without evidence.</param>
/// <param name="Decisions">The office's decisions on it, in order.</param>
public sealed record AnswerView(
    UnitId Unit,
    string Key,
    EventId Notice,
    ItemId Task,
    DemandKind Kind,
    string KindWords,
    UnitId? From,
    int Seq,
    LocalDate SubmittedOn,
    Instant? SubmittedAt,
    PersonView? SubmittedBy,
    string? Text,
    IReadOnlyList<EvidenceView> Evidence,
    CaseStatus Status,
    string StatusWords,
    bool MeetsDemand,
    IReadOnlyList<DecisionView> Decisions);

/// <summary>What one notice demands of one unit, and the answers to it.</summary>
/// <param name="Notice">The notice (the first of a repeated one).</param>
/// <param name="Reference">Its 文号, when it has one.</param>
/// <param name="Task">The task.</param>
/// <param name="TaskTitle">Its title (the id when the task is gone).</param>
/// <param name="Kind">What it demands.</param>
/// <param name="DueBy">By when (inclusive).</param>
/// <param name="Unit">The unit that owes it.</param>
/// <param name="Status">The case's status (its latest answer's); null while nothing was submitted (待提交).</param>
/// <param name="StatusWords">待提交, or the status in Chinese.</param>
/// <param name="MetOn">The day the demand was met; null while it is not.</param>
/// <param name="CanSubmit">True when the unit may submit (another) answer now.</param>
/// <param name="Answers">The answers, first submission first.</param>
public sealed record CaseView(
    EventId Notice,
    string? Reference,
    ItemId Task,
    string TaskTitle,
    DemandKind Kind,
    LocalDate DueBy,
    UnitId Unit,
    CaseStatus? Status,
    string StatusWords,
    LocalDate? MetOn,
    bool CanSubmit,
    IReadOnlyList<AnswerView> Answers);

/// <summary>The state of an exemption request: 待审批, 已批准, 不予批准.</summary>
public enum RequestStatus
{
    Pending,
    Approved,
    Denied,
}

/// <summary>An exemption request with its decision.</summary>
/// <param name="Unit">The requesting unit.</param>
/// <param name="Key">The exemptionrequests row key (what DecideExemption takes).</param>
/// <param name="Task">The task, for a task's request.</param>
/// <param name="Indicator">The indicator, for an indicator's request.</param>
/// <param name="Title">The task's title or the indicator's name.</param>
/// <param name="Period">What it asks to exempt, as the exemptions table writes it.</param>
/// <param name="Reason">The objective cause.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="RequestedAt">When.</param>
/// <param name="Evidence">The files, with hashes.</param>
/// <param name="Status">Pending, approved or denied.</param>
/// <param name="StatusWords">待审批, 已批准 or 不予批准.</param>
/// <param name="Decisions">The office's decision, when made.</param>
public sealed record RequestView(
    UnitId Unit,
    string Key,
    ItemId? Task,
    string? Indicator,
    string Title,
    string Period,
    string Reason,
    PersonView RequestedBy,
    Instant RequestedAt,
    IReadOnlyList<EvidenceView> Evidence,
    RequestStatus Status,
    string StatusWords,
    IReadOnlyList<DecisionView> Decisions);

/// <summary>What waits for the office: undecided answers and exemption requests of every unit, oldest first.</summary>
public sealed record PendingView(IReadOnlyList<AnswerView> Answers, IReadOnlyList<RequestView> Requests);
