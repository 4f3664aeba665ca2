using System.Globalization;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Domain.Delivery;

/// <summary>Where an event stands in the escalation log.</summary>
public enum LogStatus
{
    /// <summary>Written to the log, not yet published: the next scan publishes it again.</summary>
    Logged,

    /// <summary>Published to the events topic; deliveries pending.</summary>
    Published,

    /// <summary>Every recipient on every channel received it.</summary>
    Delivered,

    /// <summary>Some deliveries failed for good; the others went out.</summary>
    PartlyFailed,

    /// <summary>No delivery succeeded.</summary>
    Failed,

    /// <summary>
    /// 仅记录: an event with no channels (<see cref="Events.EscalationEvent.LogOnly"/>), written to the log and never
    /// published; final from the start.
    /// </summary>
    LogOnly,
}

/// <summary>Where one delivery (one event, one recipient, one channel) stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Recorded, not yet sent: waiting for its message to go (or being sent).</summary>
    Pending,

    /// <summary>Its message waits for the sending window or backs off after a transient failure; <see cref="Delivery.NextAttemptAt"/> says when.</summary>
    Deferred,

    /// <summary>The provider accepted the message that carried it.</summary>
    Sent,

    /// <summary>Given up: attempts exhausted or the address can never work.</summary>
    Failed,

    /// <summary>Not sent on purpose (the person takes no such channel, or has no address for it).</summary>
    Skipped,
}

/// <summary>What a provider said about one message.</summary>
public abstract record SendResult
{
    private SendResult()
    {
    }

    /// <summary>Accepted by the provider (for email: the send operation succeeded or is still running when polling stopped).</summary>
    /// <param name="ProviderId">The provider's id for it (operation id, message id), for tracing.</param>
    public sealed record Sent(string? ProviderId) : SendResult;

    /// <summary>Not sent, and trying again later may work (throttled, provider unavailable, connection lost).</summary>
    /// <param name="Error">What went wrong, without the address.</param>
    /// <param name="RetryAfter">The provider's requested wait, when it gave one.</param>
    public sealed record Transient(string Error, Duration? RetryAfter = null) : SendResult
    {
        /// <summary>
        /// Set when the message may have gone although no answer said so (the connection was lost after the request went,
        /// the gateway faulted): since when it is unconfirmed. The next attempt must first ask the provider whether it went
        /// (a mainland SMS gateway's OutId / SessionContext lookup) rather than send it again blindly.
        /// </summary>
        public Instant? UnconfirmedSince { get; init; }
    }

    /// <summary>Not sent, and it never will be as it stands (address refused, request invalid).</summary>
    public sealed record Rejected(string Error) : SendResult;
}

/// <summary>
/// One event to one recipient on one channel: a row of the delivery ledger (送达记录). It is sent as part of a
/// <see cref="Dispatch"/>, the one message that person gets that day at that level on that channel; <see cref="DispatchId"/>
/// names it once the event has joined one, and <see cref="DispatchDay"/> is the day it was given before it joined, so
/// that a retried join never picks another day.
/// </summary>
public sealed record Delivery(
    EventId Event,
    UnitId Unit,
    Channel Channel,
    PersonId Person,
    RecipientRole Role,
    bool IsCopy,
    DeliveryStatus Status,
    int Attempts,
    string? ProviderId,
    string? LastError,
    string? MaskedAddress,
    Instant? NextAttemptAt,
    Instant UpdatedAt)
{
    /// <summary>When the first attempt was made.</summary>
    public Instant? FirstAttemptAt { get; init; }

    /// <summary>The day of the message it goes in, fixed before joining it.</summary>
    public LocalDate? DispatchDay { get; init; }

    /// <summary>The message it goes in (<see cref="DispatchKey.Id"/>), once joined.</summary>
    public string? DispatchId { get; init; }

    /// <summary>True once nothing more will happen to it: sent, failed for good, or skipped.</summary>
    public bool IsFinal => Status is DeliveryStatus.Sent or DeliveryStatus.Failed or DeliveryStatus.Skipped;

    /// <summary>The ledger's row key: <c>{channel}:{person}</c>.</summary>
    public string Key => $"{Channel}:{Person.Value}";

    /// <summary>A stable id: <c>{event}:{channel}:{person}</c>.</summary>
    public string Id => $"{Event.Value}:{Key}";

    /// <summary>The stored version this record was read at (opaque); updates are conditional on it.</summary>
    public string? Version { get; init; }

    /// <summary>A delivery not yet recorded.</summary>
    public static Delivery Open(EscalationEvent e, Channel channel, Recipient recipient, Instant now)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.Unit, channel, recipient.Person, recipient.Role, recipient.IsCopy, DeliveryStatus.Pending, 0, null, null, null, null, now);
    }
}

/// <summary>Where one message (a <see cref="Dispatch"/>) stands.</summary>
public enum DispatchStatus
{
    /// <summary>Gathering: events due to the same person that day at that level join it until <see cref="Dispatch.SendAt"/>.</summary>
    Open,

    /// <summary>Claimed by a sender: its items are fixed; <see cref="Dispatch.NextAttemptAt"/> is when the claim lapses.</summary>
    Sending,

    /// <summary>Waiting for the window, or backing off after a transient failure, until <see cref="Dispatch.NextAttemptAt"/>.</summary>
    Deferred,

    /// <summary>Accepted by the provider.</summary>
    Sent,

    /// <summary>Given up, or the person can no longer be reached on the channel.</summary>
    Failed,

    /// <summary>
    /// Never sent: it came over the daily SMS cap, and its items joined the person's message of the next day's first window
    /// (<see cref="Dispatch.MovedTo"/>), which carries them. Final; its deliveries follow that message, except those of
    /// items worded for their own day, which were out of date there and are skipped (<see cref="DeliveryDecisions.Cargo"/>).
    /// </summary>
    Moved,
}

/// <summary>
/// Which message: to <see cref="Person"/> on <see cref="Channel"/>, about events of <see cref="Level"/>, delivered on
/// <see cref="Day"/>. <see cref="Sequence"/> is 1 unless events came after the day's message had gone.
/// </summary>
public sealed record DispatchKey(Channel Channel, PersonId Person, LocalDate Day, EventLevel Level, int Sequence)
{
    private static readonly LocalDatePattern DayPattern = LocalDatePattern.CreateWithInvariantCulture("uuuuMMdd");

    /// <summary>The store's partition: <c>{channel}:{person}</c>.</summary>
    public string Partition => $"{Channel}:{Person.Value}";

    /// <summary>The store's row key: <c>{yyyyMMdd}:{level}:{sequence, 3 digits}</c>, so that one day and level is one prefix.</summary>
    public string Row => string.Create(CultureInfo.InvariantCulture, $"{SlotPrefix(Day, Level)}{Sequence:D3}");

    /// <summary>
    /// <c>{channel}:{person}:{yyyyMMdd}:{level}:{sequence}</c>: the message's id, for provider idempotency keys, Service Bus
    /// message ids and outbox file names.
    /// </summary>
    public string Id => $"{Partition}:{Row}";

    /// <summary>The row-key prefix of every message of one day and level.</summary>
    public static string SlotPrefix(LocalDate day, EventLevel level) => $"{DayPattern.Format(day)}:{level}:";

    /// <summary>Reads an <see cref="Id"/> back (a person id may itself hold colons); null when it is not one.</summary>
    public static DispatchKey? TryParse(string? id)
    {
        var parts = id?.Split(':');
        if (parts is not { Length: >= 5 }
            || !Enum.TryParse<Channel>(parts[0], out var channel) || !Enum.IsDefined(channel) || char.IsDigit(parts[0][0])
            || string.Join(':', parts[1..^3]) is not { } person || Items.Key.TryValidate(person) is not null
            || DayPattern.Parse(parts[^3]) is not { Success: true } day
            || !Enum.TryParse<EventLevel>(parts[^2], out var level) || !Enum.IsDefined(level) || char.IsDigit(parts[^2][0])
            || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            return null;
        }

        return new DispatchKey(channel, new PersonId(person), day.Value, level, sequence);
    }

    public override string ToString() => Id;
}

/// <summary>One event a message carries, and whether its recipient gets it as a copy (抄送).</summary>
public sealed record DispatchItem(EventId Event, UnitId Unit, bool IsCopy);

/// <summary>
/// One message to one person on one channel carrying every event due to them that day at one level: the unit that is sent,
/// retried and settled. Its items are fixed once it is claimed for sending.
/// </summary>
public sealed record Dispatch(
    DispatchKey Key,
    DispatchStatus Status,
    IReadOnlyList<DispatchItem> Items,
    Instant SendAt,
    int Attempts,
    Instant? NextAttemptAt,
    string? ProviderId,
    string? LastError,
    string? MaskedAddress,
    Instant UpdatedAt)
{
    /// <summary>When the first attempt was made (SMS repeatability needs the same value on every attempt).</summary>
    public Instant? FirstAttemptAt { get; init; }

    /// <summary>
    /// Since when an attempt may have sent it without the provider confirming it (<see cref="SendResult.Transient.UnconfirmedSince"/>):
    /// the next attempt asks the provider first. Null when the last attempt's outcome was certain.
    /// </summary>
    public Instant? UnconfirmedSince { get; init; }

    /// <summary>
    /// Where its items went over the daily SMS cap: the message that took them once it is <see cref="DispatchStatus.Moved"/>
    /// (the day's first message, untouched, when every item was out of date and none went on); before that, while the
    /// move is under way (<see cref="DispatchStatus.Deferred"/>), the first message of the day and level they go to, so
    /// that a move resumed after a crash, on whatever day, goes to the same place. Null otherwise.
    /// </summary>
    public DispatchKey? MovedTo { get; init; }

    /// <summary>The stored version this record was read at (opaque); updates are conditional on it.</summary>
    public string? Version { get; init; }

    /// <summary>True once nothing more will happen to it.</summary>
    public bool IsFinal => Status is DispatchStatus.Sent or DispatchStatus.Failed or DispatchStatus.Moved;

    /// <summary>True while events may still join it.</summary>
    public bool IsOpen => Status == DispatchStatus.Open;
}
