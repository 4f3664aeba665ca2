using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Delivery;

/// <summary>What to do about one recipient of an event, on one channel.</summary>
public abstract record RecipientStep
{
    private RecipientStep()
    {
    }

    /// <summary>Nothing: it was sent, failed for good or skipped before.</summary>
    public sealed record AlreadyDone : RecipientStep;

    /// <summary>Record it as not sent on purpose, with the reason.</summary>
    public sealed record Skip(string Reason) : RecipientStep;

    /// <summary>Put it in that person's message of <paramref name="Day"/> (fix the day on the delivery first).</summary>
    public sealed record Join(LocalDate Day, string Address) : RecipientStep;

    /// <summary>It already went into that message: see to the message (it may have gone while the delivery was not yet updated).</summary>
    public sealed record Follow(DispatchKey Dispatch) : RecipientStep;
}

/// <summary>How an event joins a day's messages to one person.</summary>
public abstract record JoinStep
{
    private JoinStep()
    {
    }

    /// <summary>It is in that message already (a repeated join): nothing to write.</summary>
    public sealed record Already(Dispatch Dispatch) : JoinStep;

    /// <summary>Add it to that open message (write it over the version read).</summary>
    public sealed record Add(Dispatch Dispatch) : JoinStep;

    /// <summary>Start that message (insert it unless someone else just did).</summary>
    public sealed record Create(Dispatch Dispatch) : JoinStep;
}

/// <summary>What to do with a message when its time comes.</summary>
public abstract record DispatchStep
{
    private DispatchStep()
    {
    }

    /// <summary>Not yet: look again at <paramref name="Until"/> (nothing to write).</summary>
    public sealed record Wait(Instant Until) : DispatchStep;

    /// <summary>Outside the sending window: write the message as deferred to its next opening.</summary>
    public sealed record Defer(Dispatch Dispatch) : DispatchStep;

    /// <summary>Claim it (write it over the version read) and, if the claim holds, send it.</summary>
    public sealed record Send(Dispatch Claimed) : DispatchStep;

    /// <summary>It is final: bring its events' deliveries in line with it (after a crash they may lag behind).</summary>
    public sealed record Settled(Dispatch Dispatch) : DispatchStep;

    /// <summary>
    /// Over the daily SMS cap: its items go into the person's message of the next day's first window instead of a message
    /// of their own. When the message read does not yet name where they go (<see cref="Dispatch.MovedTo"/> is null),
    /// write <paramref name="Moving"/> (deferred, naming <paramref name="Into"/>) and decide again; once it does, sort its
    /// items (<see cref="DeliveryDecisions.Cargo"/>): those still of use on <paramref name="Into"/>'s day join that day
    /// and level (<see cref="DeliveryDecisions.JoinAll"/>, a message started there going at <paramref name="SendAt"/>),
    /// those worded for an earlier day are left behind; then write it as moved (<see cref="DeliveryDecisions.Moved"/>),
    /// then bring its deliveries in line: those carried with the message that took them, those left behind skipped
    /// (<see cref="DeliveryDecisions.LeftBehind"/>). When every item is left behind, no message of that day is touched.
    /// </summary>
    public sealed record Move(Dispatch Moving, DispatchKey Into, Instant SendAt) : DispatchStep;

    /// <summary>The person can no longer be reached on the channel: write it as failed.</summary>
    public sealed record Unreachable(Dispatch Failed) : DispatchStep;

    /// <summary>
    /// Every attempt's claim lapsed without an outcome (the sender died or threw each time): write it as failed rather than
    /// try again without end.
    /// </summary>
    public sealed record GiveUp(Dispatch Failed) : DispatchStep;
}

/// <summary>An item of a message moved over the daily SMS cap that does not go on, and why (its deliveries end skipped with it).</summary>
public sealed record LeftItem(DispatchItem Item, string Reason);

/// <summary>
/// What a message moving over the daily SMS cap takes to the day it moves to (<see cref="Carried"/>, in its order) and
/// what it leaves behind as out of date there (<see cref="OutOfDate"/>).
/// </summary>
public sealed record MoveCargo(IReadOnlyList<DispatchItem> Carried, IReadOnlyList<LeftItem> OutOfDate);

/// <summary>
/// The delivery lifecycle as pure decisions: given what the ledger and the message store hold, the sending window and
/// the clock's instant, what to do next. The shell reads, asks, sends and writes; it decides nothing itself.
/// <para>
/// One message per person, channel, day and level: an event due to a person joins the open message of the day it can
/// first go (today, or the window's next opening), which gathers for <see cref="DeliveryOptions.Gather"/> after that
/// moment and is then claimed (its items fixed), sent, and retried as a whole. An event that comes after the day's
/// message was claimed starts the day's next message. Each event keeps one delivery per recipient and channel, which
/// mirrors the message it went in.
/// </para>
/// </summary>
public static class DeliveryDecisions
{
    /// <summary>
    /// At most this many events in one message; more start the next one. A message stays readable, and its list of events
    /// (about 175 characters each at most) within the 32K characters a Table Storage string holds.
    /// </summary>
    public const int MaxItems = 150;

    /// <summary>
    /// A notice that arrives this much before its time is taken as on time: the broker's clock and ours differ a little,
    /// and a notice published again for the very same moment would be dropped by duplicate detection.
    /// </summary>
    public static readonly Duration Tolerance = Duration.FromSeconds(5);

    /// <summary>
    /// The day whose message an event of <paramref name="level"/> joins, and when that message goes if it is started now:
    /// the window's next opening (now when open, or when the level goes at once) plus the gathering time.
    /// </summary>
    public static (LocalDate Day, Instant SendAt) Slot(EventLevel level, Instant now, DeliveryOptions options, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calendar);
        var opening = options.SendAtOnce.Contains(level) ? now : options.Window.NextOpening(now, calendar);
        return (opening.InZone(calendar.Zone).Date, opening + options.Gather);
    }

    /// <summary>
    /// The last day on which telling <paramref name="e"/> still makes sense, or null when it keeps: a reminder that a report
    /// is due in N working days (or today, 今天是报送截止日) is worded for the day it was raised; sent on a later day (a
    /// scan after the sending window, a weekend) it would tell the owner something false, and the report-missing rule
    /// chases a report that did not come.
    /// </summary>
    public static LocalDate? LastUsefulDay(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind == EventKind.ReportDueSoon ? e.Date : null;
    }

    /// <summary>
    /// What to do about <paramref name="current"/> (as the ledger holds it) for a person found as <paramref name="contact"/>,
    /// on <paramref name="day"/>; not after <paramref name="lastUsefulDay"/> (<see cref="LastUsefulDay"/>).
    /// </summary>
    public static RecipientStep ForRecipient(Delivery current, Contact? contact, LocalDate day, LocalDate? lastUsefulDay = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.IsFinal)
        {
            return new RecipientStep.AlreadyDone();
        }

        if (DispatchKey.TryParse(current.DispatchId) is { } joined)
        {
            return new RecipientStep.Follow(joined);
        }

        if (lastUsefulDay is { } last && (current.DispatchDay ?? day) > last)
        {
            return new RecipientStep.Skip($"out of date: worded for {IsoDate.Format(last)}, the first day it could go is {IsoDate.Format(current.DispatchDay ?? day)}");
        }

        if (contact is null)
        {
            return new RecipientStep.Skip($"person {current.Person} is not in the people table");
        }

        if (ChannelCatalog.IsRobot(current.Channel) && contact.Robot is null)
        {
            return new RecipientStep.Skip($"no {current.Channel} robot for {(contact.Unit is { } unit ? $"unit {unit}" : "the person")}'s group");
        }

        if (contact.AddressFor(current.Channel) is not { } address)
        {
            return new RecipientStep.Skip(contact.Channels.Contains(current.Channel) ? $"no valid {current.Channel} address" : $"takes no {current.Channel}");
        }

        return new RecipientStep.Join(current.DispatchDay ?? day, address);
    }

    /// <summary>
    /// How <paramref name="item"/> joins the messages of one person, channel, day and level (<paramref name="slot"/>, every
    /// sequence, as read): the one that already holds it, else the latest while it is open and not full, else a new one
    /// going at <paramref name="sendAt"/>.
    /// </summary>
    public static JoinStep Join(IReadOnlyList<Dispatch> slot, DispatchKey first, DispatchItem item, Instant sendAt, Instant now)
    {
        ArgumentNullException.ThrowIfNull(item);
        return JoinAll(slot, first, [item], sendAt, now);
    }

    /// <summary>
    /// How <paramref name="items"/> (a moved message's, <see cref="DispatchStep.Move"/>) join the messages of one person,
    /// channel, day and level, in one write, so that they stay together: those no message of the slot holds yet are added
    /// to the latest while it is open and has room for all of them, else start a new one going at
    /// <paramref name="sendAt"/>; when every one is held already (a repeated join), the message holding the first. A
    /// message that moved on still counts as holding its items (they went on from there).
    /// </summary>
    public static JoinStep JoinAll(IReadOnlyList<Dispatch> slot, DispatchKey first, IReadOnlyList<DispatchItem> items, Instant sendAt, Instant now)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("Nothing to join.", nameof(items));
        }

        var held = slot.SelectMany(d => d.Items).Select(i => i.Event).ToHashSet();
        var missing = items.Where(i => !held.Contains(i.Event)).ToList();
        if (missing.Count == 0)
        {
            return new JoinStep.Already(slot.First(d => d.Items.Any(i => i.Event == items[0].Event)));
        }

        var latest = slot.MaxBy(d => d.Key.Sequence);
        if (latest is { IsOpen: true } && latest.Items.Count + missing.Count <= MaxItems)
        {
            return new JoinStep.Add(latest with { Items = [.. latest.Items, .. missing], UpdatedAt = now });
        }

        var key = first with { Sequence = (latest?.Key.Sequence ?? 0) + 1 };
        return new JoinStep.Create(new Dispatch(key, DispatchStatus.Open, missing, sendAt, 0, null, null, null, null, now));
    }

    /// <summary>
    /// What to do with <paramref name="d"/> at <paramref name="now"/>. <paramref name="reachable"/>: whether the person still
    /// has an address on its channel. An open message goes at its time even if the gathering took it a little past the
    /// window's close (its time was set inside the window, or for a level that goes at once); one found later than that
    /// (its notice was lost and a scan outside the window found it) waits for the window, as do retries and lapsed claims.
    /// A claim that lapsed on the last attempt gives up. An SMS message to a number that was sent
    /// <paramref name="sentToday"/> messages already today (<see cref="SentOn"/>), at or over
    /// <see cref="DeliveryOptions.SmsDailyCap"/>, moves (<see cref="DispatchStep.Move"/>): its items join the person's
    /// message of that level on the next day's first window (the start of the next day for a level that goes at once),
    /// so that the next day brings one message, not the moved one besides the day's own; items worded for their own day
    /// (<see cref="LastUsefulDay"/>) do not go on (<see cref="Cargo"/>). A move under way is resumed,
    /// whatever the day and the count, to the day it named. A message attempted before (it may have gone unconfirmed)
    /// is not moved but deferred to that window as itself, keeping its id, which the provider deduplicates or is asked by.
    /// </summary>
    public static DispatchStep ForDispatch(Dispatch d, bool reachable, Instant now, DeliveryOptions options, WorkingCalendar calendar, int sentToday = 0)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calendar);
        if (d.IsFinal)
        {
            return new DispatchStep.Settled(d);
        }

        if (d.MovedTo is { } under)
        {
            // Its items may already be in that message (a crash between the writes): joining them again finds them there.
            return new DispatchStep.Move(d, under, FirstWindowOn(under.Day, under.Level, options, calendar) + options.Gather);
        }

        if (d.IsOpen && now + Tolerance < d.SendAt)
        {
            return new DispatchStep.Wait(d.SendAt);
        }

        if (!d.IsOpen && d.NextAttemptAt is { } next && now + Tolerance < next)
        {
            return new DispatchStep.Wait(next);
        }

        if (d.Status == DispatchStatus.Sending && d.Attempts >= options.MaxAttempts)
        {
            return new DispatchStep.GiveUp(d with
            {
                Status = DispatchStatus.Failed,
                NextAttemptAt = null,
                LastError = string.Create(CultureInfo.InvariantCulture, $"no outcome after {d.Attempts} attempts: each sender stopped before recording one"),
                UpdatedAt = now,
            });
        }

        var stale = !d.IsOpen || now - d.SendAt > options.Gather;
        if (stale && !options.SendAtOnce.Contains(d.Key.Level) && options.Window.NextOpening(now, calendar) is var opening && opening > now)
        {
            return new DispatchStep.Defer(d with { Status = DispatchStatus.Deferred, NextAttemptAt = opening, LastError = d.LastError ?? "outside the sending window", UpdatedAt = now });
        }

        if (!reachable)
        {
            return new DispatchStep.Unreachable(d with { Status = DispatchStatus.Failed, NextAttemptAt = null, LastError = $"no {d.Key.Channel} address any more", UpdatedAt = now });
        }

        if (d.Key.Channel == Channel.Sms && options.SmsDailyCap > 0 && sentToday >= options.SmsDailyCap)
        {
            var tomorrow = now.InZone(calendar.Zone).Date.PlusDays(1).AtStartOfDayInZone(calendar.Zone).ToInstant();
            var nextFirst = options.SendAtOnce.Contains(d.Key.Level) ? tomorrow : options.Window.NextOpening(tomorrow, calendar);
            if (d.Attempts > 0)
            {
                // Tried before: it may have gone without an answer saying so (a claim that lapsed, an unconfirmed gateway
                // send). Under another message's id the provider could not tell it from a new text, so it stays itself.
                return new DispatchStep.Defer(d with
                {
                    Status = DispatchStatus.Deferred,
                    NextAttemptAt = nextFirst,
                    LastError = string.Create(CultureInfo.InvariantCulture, $"daily SMS cap of {options.SmsDailyCap} messages to this number reached ({sentToday} sent today): tried before, so it goes on its own in the next day's first window"),
                    UpdatedAt = now,
                });
            }

            var into = d.Key with { Day = nextFirst.InZone(calendar.Zone).Date, Sequence = 1 };
            return new DispatchStep.Move(
                d with
                {
                    Status = DispatchStatus.Deferred,
                    NextAttemptAt = nextFirst,
                    MovedTo = into,
                    LastError = string.Create(CultureInfo.InvariantCulture, $"daily SMS cap of {options.SmsDailyCap} messages to this number reached ({sentToday} sent today): its events join the message of {IsoDate.Format(into.Day)}, the next day's first window"),
                    UpdatedAt = now,
                },
                into,
                nextFirst + options.Gather);
        }

        return new DispatchStep.Send(d with
        {
            Status = DispatchStatus.Sending,
            Attempts = d.Attempts + 1,
            FirstAttemptAt = d.FirstAttemptAt ?? now,
            NextAttemptAt = now + options.Lease,
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// <paramref name="moving"/> (a message whose move is under way) once <paramref name="into"/> holds the items it carries
    /// (<see cref="Cargo"/>): moved, for good, naming that message. With <paramref name="into"/> null (it carries nothing:
    /// every item was out of date) it keeps naming the day's first message it was moving to, which it did not touch.
    /// </summary>
    public static Dispatch Moved(Dispatch moving, Dispatch? into, Instant now)
    {
        ArgumentNullException.ThrowIfNull(moving);
        if (moving.MovedTo is null || moving.IsFinal)
        {
            throw new ArgumentException($"Message {moving.Key} is {moving.Status} and not being moved.", nameof(moving));
        }

        return moving with { Status = DispatchStatus.Moved, MovedTo = into?.Key ?? moving.MovedTo, NextAttemptAt = null, UpdatedAt = now };
    }

    /// <summary>
    /// What <paramref name="moving"/> (a message moving, or moved, over the daily SMS cap: <see cref="Dispatch.MovedTo"/>
    /// set) carries to the day it moves to, given its items' events as the log holds them (<paramref name="events"/>): an
    /// item whose last useful day (<see cref="LastUsefulDay"/>) is before that day is left behind, as a recipient joining
    /// on that day would be skipped (<see cref="ForRecipient"/>); the rest, and any item whose event is not among
    /// <paramref name="events"/>, go on. The same on every call, so a move resumed after a crash sorts alike.
    /// </summary>
    public static MoveCargo Cargo(Dispatch moving, IEnumerable<EscalationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(moving);
        ArgumentNullException.ThrowIfNull(events);
        if (moving.MovedTo is not { } into)
        {
            throw new ArgumentException($"Message {moving.Key} is {moving.Status} and not being moved.", nameof(moving));
        }

        var lastUseful = new Dictionary<EventId, LocalDate>();
        foreach (var e in events)
        {
            if (LastUsefulDay(e) is { } last)
            {
                lastUseful[e.Id] = last;
            }
        }

        var carried = new List<DispatchItem>();
        var left = new List<LeftItem>();
        foreach (var item in moving.Items)
        {
            if (lastUseful.TryGetValue(item.Event, out var last) && last < into.Day)
            {
                left.Add(new LeftItem(item, $"over the daily SMS cap, and out of date: worded for {IsoDate.Format(last)}, the first day it could go is {IsoDate.Format(into.Day)}"));
            }
            else
            {
                carried.Add(item);
            }
        }

        return new MoveCargo(carried, left);
    }

    /// <summary>
    /// <paramref name="delivery"/> of an item <paramref name="moved"/> left behind (<see cref="Cargo"/>): skipped for
    /// <paramref name="left"/>'s reason, still naming that message; null when there is nothing to write (it is final
    /// already, or it follows another message that carries it).
    /// </summary>
    public static Delivery? LeftBehind(Delivery delivery, Dispatch moved, LeftItem left, Instant now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(moved);
        ArgumentNullException.ThrowIfNull(left);
        if (delivery.IsFinal || (delivery.DispatchId is { } named && named != moved.Key.Id))
        {
            return null;
        }

        return delivery with
        {
            Status = DeliveryStatus.Skipped,
            DispatchId = moved.Key.Id,
            DispatchDay = moved.Key.Day,
            LastError = left.Reason,
            NextAttemptAt = null,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// The messages of <paramref name="slot"/> (the day and level <paramref name="moved"/> moved to, every sequence) that
    /// carry its items: normally the one it names; every one holding any of them, should a join have spread them; none
    /// when it carried nothing (<see cref="Cargo"/>).
    /// </summary>
    public static IReadOnlyList<Dispatch> Carriers(Dispatch moved, IReadOnlyList<Dispatch> slot)
    {
        ArgumentNullException.ThrowIfNull(moved);
        ArgumentNullException.ThrowIfNull(slot);
        var events = moved.Items.Select(i => i.Event).ToHashSet();
        return [.. slot.Where(d => d.Key != moved.Key && d.Items.Any(i => events.Contains(i.Event)))];
    }

    /// <summary>When the first window of <paramref name="day"/> opens for <paramref name="level"/>: its start for a level that goes at once.</summary>
    private static Instant FirstWindowOn(LocalDate day, EventLevel level, DeliveryOptions options, WorkingCalendar calendar)
    {
        var start = day.AtStartOfDayInZone(calendar.Zone).ToInstant();
        return options.SendAtOnce.Contains(level) ? start : options.Window.NextOpening(start, calendar);
    }

    /// <summary>
    /// How many of <paramref name="messages"/> (one person's on one channel, recent ones) were sent on the local
    /// <paramref name="day"/>, whatever day they were for: what counts against <see cref="DeliveryOptions.SmsDailyCap"/>.
    /// </summary>
    public static int SentOn(IEnumerable<Dispatch> messages, LocalDate day, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(zone);
        return messages.Count(m => m.Status == DispatchStatus.Sent && m.UpdatedAt.InZone(zone).Date == day);
    }

    /// <summary>The message after an attempt: sent, retried at a later time (inside the window unless its level goes at once), or given up.</summary>
    public static Dispatch AfterAttempt(Dispatch claimed, SendResult result, Instant now, DeliveryOptions options, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calendar);
        switch (result)
        {
            case SendResult.Sent sent:
                return claimed with { Status = DispatchStatus.Sent, ProviderId = sent.ProviderId, LastError = null, NextAttemptAt = null, UnconfirmedSince = null, UpdatedAt = now };
            case SendResult.Transient transient when claimed.Attempts < options.MaxAttempts:
                var retryAt = now + options.RetryWait(claimed.Attempts, transient.RetryAfter);
                if (!options.SendAtOnce.Contains(claimed.Key.Level))
                {
                    retryAt = options.Window.NextOpening(retryAt, calendar);
                }

                return claimed with { Status = DispatchStatus.Deferred, LastError = transient.Error, NextAttemptAt = retryAt, UnconfirmedSince = transient.UnconfirmedSince, UpdatedAt = now };
            case SendResult.Transient transient:
                var unconfirmed = transient.UnconfirmedSince is null ? "" : " (it may have been sent: the provider never confirmed it)";
                return claimed with
                {
                    Status = DispatchStatus.Failed,
                    LastError = string.Create(CultureInfo.InvariantCulture, $"gave up after {claimed.Attempts} attempts{unconfirmed}: {transient.Error}"),
                    NextAttemptAt = null,
                    UnconfirmedSince = transient.UnconfirmedSince,
                    UpdatedAt = now,
                };
            case SendResult.Rejected rejected:
                return claimed with { Status = DispatchStatus.Failed, LastError = rejected.Error, NextAttemptAt = null, UnconfirmedSince = null, UpdatedAt = now };
            default:
                throw new ArgumentException($"Unknown send result {result}.", nameof(result));
        }
    }

    /// <summary>
    /// A delivery as its message stands: sent or failed with it; deferred while it waits for a later day's window or a
    /// retry; pending while it gathers or is being sent. A message that moved over the daily SMS cap leaves it deferred,
    /// naming that message, until it is brought in line with the message its items joined (<see cref="Carriers"/>).
    /// </summary>
    public static Delivery Mirror(Delivery delivery, Dispatch d, Instant now, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(options);
        var waitsForWindow = d.IsOpen && d.SendAt - now > options.Gather;
        var status = d.Status switch
        {
            DispatchStatus.Sent => DeliveryStatus.Sent,
            DispatchStatus.Failed => DeliveryStatus.Failed,
            DispatchStatus.Deferred or DispatchStatus.Moved => DeliveryStatus.Deferred,
            DispatchStatus.Open when waitsForWindow => DeliveryStatus.Deferred,
            _ => DeliveryStatus.Pending,
        };
        return delivery with
        {
            Status = status,
            DispatchId = d.Key.Id,
            DispatchDay = d.Key.Day,
            Attempts = d.Attempts,
            FirstAttemptAt = d.FirstAttemptAt,
            ProviderId = d.ProviderId,
            LastError = d.LastError,
            MaskedAddress = d.MaskedAddress ?? delivery.MaskedAddress,
            NextAttemptAt = d.Status == DispatchStatus.Moved ? delivery.NextAttemptAt : d.IsFinal ? null : d.IsOpen ? d.SendAt : d.NextAttemptAt,
            UpdatedAt = now,
        };
    }

    /// <summary>True when writing <paramref name="after"/> over <paramref name="before"/> would change what the ledger says.</summary>
    public static bool Differs(Delivery before, Delivery after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return before with { UpdatedAt = after.UpdatedAt, Version = after.Version } != after;
    }

    /// <summary>
    /// The event's outcome once every delivery it calls for (<paramref name="expected"/> of them) is final: delivered,
    /// partly failed, or failed, with the office's note; null while any is still open.
    /// </summary>
    public static (LogStatus Status, string Note)? Settle(int expected, IReadOnlyCollection<Delivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count < expected || deliveries.Any(d => !d.IsFinal))
        {
            return null;
        }

        var sent = deliveries.Count(d => d.Status == DeliveryStatus.Sent);
        var failed = deliveries.Count(d => d.Status == DeliveryStatus.Failed);
        var skipped = deliveries.Count - sent - failed;
        var status = sent == 0 ? LogStatus.Failed : failed > 0 ? LogStatus.PartlyFailed : LogStatus.Delivered;

        // In the export's words (备注): 未发送 = no such channel or no address.
        return (status, string.Create(CultureInfo.InvariantCulture, $"已发送 {sent}，失败 {failed}，未发送 {skipped}"));
    }
}
