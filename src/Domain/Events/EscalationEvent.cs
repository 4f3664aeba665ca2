using System.Security.Cryptography;
using System.Text;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Events;

/// <summary>
/// An event's id, the same every time the same rule fires for the same item and occurrence: the key that makes
/// an event be issued once, whatever the retries, double timer runs and re-publishing.
/// </summary>
public readonly record struct EventId
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    // One hasher per thread, reset after each use: creating a hash context per event costs more than hashing.
    [ThreadStatic]
    private static IncrementalHash? _sha256;

    private EventId(string value) => Value = value;

    public string Value { get; }

    /// <summary>
    /// <c>ev-</c> and 32 hex digits of SHA-256 over rule, item and occurrence: safe as a table key and a Service Bus
    /// message id, whatever characters the ids hold.
    /// </summary>
    public static EventId For(RuleId rule, ItemId item, string occurrence)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        var length = rule.Value.Length + item.Value.Length + occurrence.Length + 2;
        var chars = length <= 256 ? stackalloc char[length] : new char[length];
        rule.Value.CopyTo(chars);
        var at = rule.Value.Length;
        chars[at++] = '\n';
        item.Value.CopyTo(chars[at..]);
        at += item.Value.Length;
        chars[at++] = '\n';
        occurrence.CopyTo(chars[at..]);

        var maxBytes = Encoding.UTF8.GetMaxByteCount(length);
        var bytes = maxBytes <= 768 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var written = Encoding.UTF8.GetBytes(chars, bytes);
        Span<byte> hash = stackalloc byte[32];
        var sha = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(bytes[..written]);
        sha.GetHashAndReset(hash);

        var id = string.Create(35, hash[..16].ToArray(), static (span, digest) =>
        {
            "ev-".CopyTo(span);
            Convert.TryToHexStringLower(digest, span[3..], out _);
        });
        return new EventId(id);
    }

    /// <summary>Accepts an id read back from storage or a message.</summary>
    public static EventId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not an event id (ev- and 32 hex digits).");

    /// <summary>Reads an id written by <see cref="For"/>; false for anything else (user input, table rows).</summary>
    public static bool TryParse(string? value, out EventId id)
    {
        id = default;
        if (value is not { Length: 35 } || !value.StartsWith("ev-", StringComparison.Ordinal) || value.AsSpan(3).ContainsAnyExcept(HexDigits))
        {
            return false;
        }

        id = new EventId(value);
        return true;
    }

    public override string ToString() => Value;
}

/// <summary>What the event says happened (an accountability-level event has the kind of the failure it is about).</summary>
public enum EventKind
{
    /// <summary>A milestone or the deadline is due within a few working days.</summary>
    DueSoon,

    /// <summary>A milestone or the deadline is due today.</summary>
    DueToday,

    /// <summary>A milestone or the deadline passed with its target not reached.</summary>
    Overdue,

    /// <summary>A progress report was due and did not come.</summary>
    ReportMissing,

    /// <summary>The item lagged behind plan at a period close.</summary>
    Lagging,

    /// <summary>A demanded explanation or rectification did not come by its date.</summary>
    DemandOverdue,

    /// <summary>The item did not start by its planned start (未按期开工).</summary>
    StartMissed,

    /// <summary>A progress report is due in a few working days, or today, and has not come yet.</summary>
    ReportDueSoon,

    /// <summary>An indicator lagged (by rank or against plan) in the latest published period; the streak is in the facts.</summary>
    IndicatorLagging,

    /// <summary>An indicator's value missed its floor target (确保).</summary>
    TargetMissed,

    /// <summary>An indicator's value missed its stretch target (力争) while meeting the floor.</summary>
    StretchMissed,

    /// <summary>An indicator's value fell below the same year's earlier period it must not fall below (不低于一季度).</summary>
    BelowEarlier,

    /// <summary>At the year's end the unit is ranked outside the province's first third; an explanation is owed unless exempt (then logged only).</summary>
    YearEndRank,

    /// <summary>Below the provincial average and in the ranking group's bottom k (约谈).</summary>
    BottomRank,

    /// <summary>A ranking group's monthly scoreboard (成绩单), public.</summary>
    Scoreboard,

    /// <summary>A top unit of the month is invited to share its experience (分享经验).</summary>
    ShareInvitation,

    /// <summary>A bottom unit of the month is called on to pledge (表态发言).</summary>
    Pledge,

    /// <summary>答复提交: a unit submitted an explanation, a rectification report or a special explanation (told to the office).</summary>
    AnswerSubmitted,

    /// <summary>答复处理: the office decided on an answer or an exemption request (told to the unit).</summary>
    AnswerDecided,

    /// <summary>虚假整改: the office reopened a closed rectification as false (an accountability recommendation, never to the unit).</summary>
    FalseRectification,

    /// <summary>豁免申请: a unit requested an exemption for an objective cause (told to the office).</summary>
    ExemptionRequested,

    /// <summary>A notice or summons delivered to the unit was not signed for (未签收) by the working day after delivery.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "未签收: the contract's name, not the integer type.")]
    Unsigned,
}

/// <summary>A person an event goes to, and in which role.</summary>
/// <param name="Role">Why they receive it.</param>
/// <param name="Person">Who.</param>
/// <param name="IsCopy">True when they receive a copy (抄送) rather than being addressed.</param>
/// <param name="Unit">
/// For a role of a unit the rule names (<c>unit:fgw/principal</c>): that unit, whose role <paramref name="Role"/> is;
/// null for roles of the item's own unit and for everyone else.
/// </param>
/// <param name="UnitName">That unit's name when the event was raised, so that the log reads 「发改委主要负责人」 as it was.</param>
public readonly record struct Recipient(RecipientRole Role, PersonId Person, bool IsCopy, UnitId? Unit = null, string? UnitName = null);

/// <summary>What a notice demands, and by when (inclusive).</summary>
/// <param name="Kind">Explanation, rectification or special explanation.</param>
/// <param name="DueBy">The last day it is on time.</param>
public sealed record Demand(DemandKind Kind, LocalDate DueBy)
{
    /// <summary>
    /// The units that owe it (each is tracked on its own), the item's unit first; empty means the item's unit alone, as
    /// demands logged before several submitters existed are read back.
    /// </summary>
    public IReadOnlyList<UnitId> From { get; init; } = [];

    /// <summary>The submitters, with the item's unit standing in for an empty <see cref="From"/>.</summary>
    public IReadOnlyList<UnitId> SubmittersOf(UnitId itemUnit) => From.Count == 0 ? [itemUnit] : From;

    public bool Equals(Demand? other) =>
        other is not null && Kind == other.Kind && DueBy == other.DueBy && From.SequenceEqual(other.From);

    public override int GetHashCode() => HashCode.Combine(Kind, DueBy, From.Count);
}

/// <summary>The facts behind an event, for the message and for the supervision office's log.</summary>
/// <param name="ItemTitle">The item's title.</param>
/// <param name="UnitName">The responsible unit's name.</param>
/// <param name="Planned">Planned progress (percent) on the reference date: today, or the period close for lag events.</param>
/// <param name="Reported">Reported progress (percent) on that date.</param>
/// <param name="Checkpoint">The milestone's name, for due-soon and overdue events.</param>
/// <param name="CheckpointDue">The milestone's due date.</param>
/// <param name="CheckpointTarget">The milestone's target.</param>
/// <param name="IsDeadline">True when the checkpoint is the deadline.</param>
/// <param name="WorkingDaysLeft">For due-soon and report-due-soon events: working days until the due date (0 = today).</param>
/// <param name="Streak">For lag events: consecutive lagging periods.</param>
/// <param name="Period">For lag events: the period's Chinese label, e.g. 2024年5月.</param>
/// <param name="PeriodKey">For lag events: the period's key, e.g. 2024-05.</param>
/// <param name="ReportDue">For report-missing and report-due-soon events: the due date (rolled to a working day).</param>
/// <param name="DemandOf">For demand-overdue events: the notice that made the demand.</param>
/// <param name="DemandDueBy">For demand-overdue events: the date the demand was due.</param>
/// <param name="PlannedStart">For start-missed events: the planned start (计划开工日期).</param>
/// <param name="Cause">For start-missed events: the recorded cause, or 「未记录原因，按主观原因处理」.</param>
/// <param name="DemandFrom">For demand-overdue events: the unit that still owes the demand.</param>
public sealed record EventFacts(
    string ItemTitle,
    string UnitName,
    double Planned,
    double Reported,
    string? Checkpoint = null,
    LocalDate? CheckpointDue = null,
    double? CheckpointTarget = null,
    bool IsDeadline = false,
    int? WorkingDaysLeft = null,
    int? Streak = null,
    string? Period = null,
    string? PeriodKey = null,
    LocalDate? ReportDue = null,
    EventId? DemandOf = null,
    LocalDate? DemandDueBy = null,
    LocalDate? PlannedStart = null,
    string? Cause = null,
    UnitId? DemandFrom = null)
{
    /// <summary>For indicator events: the figures (value, plan, targets, ranks, the group's standings); null for task events.</summary>
    public Indicators.IndicatorFacts? Indicator { get; init; }

    /// <summary>
    /// For accountability-level events (问责建议, 后果通知): the rule they rest on and the consequence recommended, if any;
    /// null below that level.
    /// </summary>
    public Accountability.AccountabilityFacts? Accountability { get; init; }

    /// <summary>For the closed loop's events (answer submitted or decided, false rectification, exemption requested): what was done, by whom, when; null otherwise.</summary>
    public Cases.LoopFacts? Loop { get; init; }

    /// <summary>
    /// For unsigned events (未签收): the notice or summons not signed for (its id is <see cref="DemandOf"/>); null for
    /// every other kind.
    /// </summary>
    public UnsignedFacts? UnsignedNotice { get; init; }
}

/// <summary>The notice or summons an unsigned event (未签收) chases.</summary>
/// <param name="Level">Notice or summons.</param>
/// <param name="Reference">Its reference (文号) as issued; null when it has none.</param>
/// <param name="DeliveredOn">The local date it was delivered.</param>
public sealed record UnsignedFacts(EventLevel Level, string? Reference, LocalDate DeliveredOn);

/// <summary>
/// A decision of the engine: this rule fired for this item on this date, and these people are to be told.
/// </summary>
/// <param name="Id">Deterministic from (rule, item, occurrence).</param>
/// <param name="Rule">The rule that fired.</param>
/// <param name="Level">Reminder, notice or summons.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Item">The item.</param>
/// <param name="Unit">Its responsible unit.</param>
/// <param name="Date">The evaluation date on which it was raised.</param>
/// <param name="Occurrence">What makes this occurrence distinct, e.g. <c>overdue:2022-07-15</c>, <c>lag:2024-05</c>.</param>
/// <param name="Recipients">Addressees and copies, by role.</param>
/// <param name="Channels">How it is delivered.</param>
/// <param name="Template">The message template's id.</param>
/// <param name="Facts">The reasons, with figures.</param>
/// <param name="Demand">For notices: what is demanded and by when.</param>
public sealed record EscalationEvent(
    EventId Id,
    RuleId Rule,
    EventLevel Level,
    EventKind Kind,
    ItemId Item,
    UnitId Unit,
    LocalDate Date,
    string Occurrence,
    IReadOnlyList<Recipient> Recipients,
    IReadOnlyList<Channel> Channels,
    string Template,
    EventFacts Facts,
    Demand? Demand)
{
    /// <summary>
    /// True for an event that is logged only (仅记录): raised and written to the escalation log once like any other, but
    /// with no channels and no recipients, so nothing is sent; e.g. a year-end ranking outside the first third whose
    /// objective cause the office approved. Rules always name channels, so only the engine makes such events.
    /// </summary>
    public bool LogOnly => Channels.Count == 0;

    /// <summary>
    /// The reference (文号) the engine assigned when it first logged the event, as issued (督办〔2026〕0123号); null for an
    /// event as decided (not logged yet), one that is not numbered (<see cref="ReferenceNumber.IsNumbered"/>), and one
    /// logged before references existed.
    /// </summary>
    public string? Reference { get; init; }
}
