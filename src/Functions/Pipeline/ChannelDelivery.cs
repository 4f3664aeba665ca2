using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>What one delivery step did, for the invocation's log.</summary>
/// <param name="Summary">One line, English (operators' log).</param>
/// <param name="EventStatus">The event's outcome, when this step settled it (event notices only).</param>
public sealed record DeliveryOutcome(string Summary, LogStatus? EventStatus = null);

/// <summary>
/// Deliver{Channel} (DeliverEmail, DeliverSms, DeliverWeCom, DeliverDingTalk), the shell around <see cref="DeliveryDecisions"/>: it reads the log, the ledger and the
/// message store, asks the decisions what to do, sends through the channel's adapter, and writes. Two kinds of
/// notice arrive on a channel's subscription:
/// <list type="bullet">
/// <item>an event notice (the event was logged, or re-published by a scan): each recipient's delivery is skipped, or
/// joins that person's message of the day (<see cref="Dispatch"/>), and a dispatch notice is scheduled for the message's
/// sending time;</item>
/// <item>a dispatch notice: the message is claimed (its items fixed), rendered as one letter listing every event, sent,
/// and its outcome written to it and mirrored onto each event's delivery; a transient failure schedules the retry;
/// an event whose deliveries are all final gets its outcome in the log. An SMS message over the daily cap is not sent:
/// its events join the person's message of the next day's first window, and their deliveries follow that one; those
/// worded for their own day (a report due today) would be out of date there and are skipped instead.</item>
/// </list>
/// Every write is conditional on the version read (ETag), so concurrent invocations cannot both claim a message, and a
/// repeated notice finds its work done.
/// </summary>
public sealed partial class ChannelDelivery(
    IEntityTables tables,
    IMessagePublisher publisher,
    ChannelSet channels,
    ConfigurationCache configurations,
    DeliveryOptions options,
    IClock clock,
    ILogger logger)
{
    private const int MaxJoinRaces = 20;

    private readonly EscalationLog _log = new(tables);
    private readonly DeliveryLedger _ledger = new(tables);
    private readonly DispatchStore _dispatches = new(tables);

    /// <summary>An event to deliver on <paramref name="channel"/>. Null with a reason when it can never be (the caller dead-letters it).</summary>
    public async Task<(DeliveryOutcome? Outcome, string? Unusable)> OnEvent(EventNotice notice, Channel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var entry = await _log.Find(notice.Unit, notice.Event, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, $"event {notice.Event} of unit {notice.Unit} is not in the escalation log.");
        }

        var e = entry.Event;
        if (entry.Status is LogStatus.Delivered or LogStatus.PartlyFailed or LogStatus.Failed || !e.Channels.Contains(channel))
        {
            return (new DeliveryOutcome("nothing to do"), null);
        }

        var configuration = await configurations.Get(cancellationToken).ConfigureAwait(false);
        var now = clock.GetCurrentInstant();
        var (day, sendAt) = DeliveryDecisions.Slot(e.Level, now, options, configuration.Calendar);
        var notices = new Dictionary<string, (DispatchKey Key, Instant At)>(StringComparer.Ordinal);
        int joined = 0, skipped = 0, done = 0;

        // On a robot channel the recipients are the groups' robots (robot-{id}); see RobotAddressing.
        foreach (var recipient in RobotAddressing.Targets(e, channel, configuration))
        {
            var delivery = await Current(e, channel, recipient, now, cancellationToken).ConfigureAwait(false);
            var contact = configuration.Reach(recipient.Person);
            switch (DeliveryDecisions.ForRecipient(delivery, contact, day, DeliveryDecisions.LastUsefulDay(e)))
            {
                case RecipientStep.AlreadyDone:
                    done++;
                    break;
                case RecipientStep.Skip skip:
                    await Write(delivery with { Status = DeliveryStatus.Skipped, LastError = skip.Reason, NextAttemptAt = null, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                    LogSkipped(logger, delivery.Id, skip.Reason);
                    EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Skipped);
                    skipped++;
                    break;
                case RecipientStep.Follow follow:
                    // It joined a message before and the delivery was not brought in line: look at the message now.
                    notices[follow.Dispatch.Id] = (follow.Dispatch, now);
                    break;
                case RecipientStep.Join join:
                    if (delivery.DispatchDay is null)
                    {
                        // Fix the day first: a join retried after a crash, on a later day, must go to the same day's message.
                        if (!await _ledger.Update(delivery with { DispatchDay = join.Day, MaskedAddress = ContactAddress.Mask(join.Address), UpdatedAt = now }, cancellationToken).ConfigureAwait(false))
                        {
                            LogLostRace(logger, delivery.Id);
                            break;
                        }

                        delivery = await _ledger.Find(e.Id, channel, recipient.Person, cancellationToken).ConfigureAwait(false) ?? delivery;
                    }

                    var dispatch = await Join(
                        new DispatchKey(channel, recipient.Person, join.Day, e.Level, 1),
                        [new DispatchItem(e.Id, e.Unit, recipient.IsCopy)],
                        sendAt,
                        now,
                        cancellationToken).ConfigureAwait(false);
                    var mirrored = DeliveryDecisions.Mirror(delivery, dispatch, now, options);
                    await Write(mirrored, cancellationToken).ConfigureAwait(false);
                    if (mirrored.Status == DeliveryStatus.Deferred)
                    {
                        EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Deferred);
                    }

                    notices[dispatch.Key.Id] = (dispatch.Key, dispatch.IsOpen ? dispatch.SendAt : now);
                    joined++;
                    break;
            }
        }

        await Publish(notices.Values, cancellationToken).ConfigureAwait(false);
        // While a recipient waits in a message the event cannot be settled; only skips and repairs can settle it here.
        var status = joined > 0 ? null : await Settle(entry, configuration, now, cancellationToken).ConfigureAwait(false);
        return (new DeliveryOutcome(
            string.Create(CultureInfo.InvariantCulture, $"{joined} joined a message, {skipped} skipped, {done} already done, {notices.Count} messages to look at"),
            status), null);
    }

    /// <summary>A message whose time has come. Null with a reason when it can never be sent (the caller dead-letters the notice).</summary>
    public async Task<(DeliveryOutcome? Outcome, string? Unusable)> OnDispatch(DispatchNotice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var key = notice.Dispatch;
        if (channels[key.Channel] is not { } sender)
        {
            return (null, $"message {key} is for channel {key.Channel}, which this app does not deliver.");
        }

        // A claim lost to an event joining at that moment is decided again on the new version: the joiner may have
        // published its notice before this one was taken, and duplicate detection would then drop a new one.
        for (var race = 0; race < MaxJoinRaces; race++)
        {
            var d = await _dispatches.Find(key, cancellationToken).ConfigureAwait(false);
            if (d is null)
            {
                return (null, $"message {key} is not in the {DispatchStore.TableName} table.");
            }

            var configuration = await configurations.Get(cancellationToken).ConfigureAwait(false);
            var now = clock.GetCurrentInstant();
            var contact = configuration.Reach(key.Person);
            var address = contact?.AddressFor(key.Channel);
            var sentToday = key.Channel == Channel.Sms && options.SmsDailyCap > 0 && !d.IsFinal
                ? await _dispatches.SentOn(key.Channel, key.Person, configuration.Calendar.DateAt(now), configuration.Calendar.Zone, cancellationToken).ConfigureAwait(false)
                : 0;
            switch (DeliveryDecisions.ForDispatch(d, address is not null, now, options, configuration.Calendar, sentToday))
            {
                case DispatchStep.Wait wait:
                    await Publish([(key, wait.Until)], cancellationToken).ConfigureAwait(false);
                    return (new DeliveryOutcome(string.Create(CultureInfo.InvariantCulture, $"message {key} waits until {wait.Until}")), null);
                case DispatchStep.Settled settled:
                    await Conclude(settled.Dispatch, now, cancellationToken).ConfigureAwait(false);
                    if (settled.Dispatch.Status == DispatchStatus.Moved)
                    {
                        // A crash may have come before the message that took its items was announced.
                        await Publish(Notices(await Carriers(settled.Dispatch, cancellationToken).ConfigureAwait(false), now), cancellationToken).ConfigureAwait(false);
                    }

                    return (new DeliveryOutcome($"message {key} was {settled.Dispatch.Status} already; its deliveries are in line"), null);
                case DispatchStep.Move move when d.MovedTo is null:
                    // Name where the items go before they go there, so that a move resumed after a crash goes to the same place.
                    if (await _dispatches.Update(move.Moving, cancellationToken).ConfigureAwait(false))
                    {
                        LogMoving(logger, key.Id, move.Into.Day);
                    }

                    continue;
                case DispatchStep.Move move:
                    if (await Move(d, move, now, cancellationToken).ConfigureAwait(false) is { } moved)
                    {
                        return (moved, null);
                    }

                    continue;
                case DispatchStep.Defer defer:
                    if (!await _dispatches.Update(defer.Dispatch, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    await Conclude(defer.Dispatch, now, cancellationToken).ConfigureAwait(false);
                    await Publish([(key, defer.Dispatch.NextAttemptAt!.Value)], cancellationToken).ConfigureAwait(false);
                    return (new DeliveryOutcome(string.Create(CultureInfo.InvariantCulture, $"message {key} deferred to {defer.Dispatch.NextAttemptAt}")), null);
                case DispatchStep.Unreachable unreachable:
                    if (await Fail(unreachable.Failed, now, cancellationToken).ConfigureAwait(false) is { } unreached)
                    {
                        return (unreached, null);
                    }

                    continue;
                case DispatchStep.GiveUp giveUp:
                    if (await Fail(giveUp.Failed, now, cancellationToken).ConfigureAwait(false) is { } gaveUp)
                    {
                        return (gaveUp, null);
                    }

                    continue;
                case DispatchStep.Send send:
                    if (await Send(send.Claimed with { MaskedAddress = ContactAddress.Mask(address) }, sender, contact!, address!, configuration, now, cancellationToken).ConfigureAwait(false) is { } sent)
                    {
                        return (sent, null);
                    }

                    continue;
                default:
                    throw new InvalidOperationException("Unknown dispatch step.");
            }
        }

        throw new InvalidOperationException($"Message {key} changed under {MaxJoinRaces} attempts to decide on it; the notice will be retried.");
    }

    /// <summary>Each person once per event: addressed before copied, first role named wins.</summary>
    internal static IEnumerable<Recipient> Distinct(IEnumerable<Recipient> recipients) => RobotAddressing.Distinct(recipients);

    /// <summary>
    /// Moves the items of <paramref name="moving"/> (over the daily SMS cap, its move named) that are still of use on the
    /// day it names (<see cref="DeliveryDecisions.Cargo"/>) into the person's message of that day: first the message that
    /// takes them is written (a repeated join finds them there; none when nothing goes on), then the moving one as moved,
    /// then the deliveries follow the new message, and those of the items left behind are skipped. Null when the moving
    /// message changed since it was read.
    /// </summary>
    private async Task<DeliveryOutcome?> Move(Dispatch moving, DispatchStep.Move move, Instant now, CancellationToken cancellationToken)
    {
        var entries = await Entries(moving, cancellationToken).ConfigureAwait(false);
        var cargo = DeliveryDecisions.Cargo(moving, entries.Select(e => e.Event));
        var into = cargo.Carried.Count == 0 ? null : await Join(move.Into, cargo.Carried, move.SendAt, now, cancellationToken).ConfigureAwait(false);
        var moved = DeliveryDecisions.Moved(moving, into, now);
        if (!await _dispatches.Update(moved, cancellationToken).ConfigureAwait(false))
        {
            LogLostRace(logger, moving.Key.Id);
            return null;
        }

        LogMoved(logger, moving.Key.Id, cargo.Carried.Count, into?.Key.Id ?? "none", cargo.OutOfDate.Count);
        await Conclude(moved, now, cancellationToken, entries).ConfigureAwait(false);
        if (into is not null)
        {
            await Publish(Notices([into], now), cancellationToken).ConfigureAwait(false);
        }

        return new DeliveryOutcome(string.Create(
            CultureInfo.InvariantCulture,
            $"message {moving.Key} over the daily SMS cap: {cargo.Carried.Count} events joined message {into?.Key.Id ?? "none"}, {cargo.OutOfDate.Count} left behind out of date"));
    }

    /// <summary>The log rows of the events <paramref name="d"/> carries (those still in the log), in its order.</summary>
    private async Task<IReadOnlyList<LogEntry>> Entries(Dispatch d, CancellationToken cancellationToken)
    {
        var entries = new List<LogEntry>();
        foreach (var item in d.Items)
        {
            if (await _log.Find(item.Unit, item.Event, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>
    /// Skips the deliveries of the items <paramref name="moved"/> left behind as out of date (<see cref="DeliveryDecisions.Cargo"/>,
    /// <see cref="DeliveryDecisions.LeftBehind"/>), then settles their events whose deliveries are all final.
    /// </summary>
    private async Task LeaveBehind(Dispatch moved, IReadOnlyList<LogEntry> entries, Instant now, CancellationToken cancellationToken)
    {
        var cargo = DeliveryDecisions.Cargo(moved, entries.Select(e => e.Event));
        foreach (var left in cargo.OutOfDate)
        {
            for (var race = 0; race < 3; race++)
            {
                var delivery = await _ledger.Find(left.Item.Event, moved.Key.Channel, moved.Key.Person, cancellationToken).ConfigureAwait(false);
                if (delivery is null || DeliveryDecisions.LeftBehind(delivery, moved, left, now) is not { } skipped)
                {
                    break;
                }

                if (await _ledger.Update(skipped, cancellationToken).ConfigureAwait(false))
                {
                    LogSkipped(logger, skipped.Id, left.Reason);
                    EngineTelemetry.CountDelivery(moved.Key.Channel, EngineTelemetry.DeliveryOutcomes.Skipped);
                    break;
                }
            }

            if (entries.FirstOrDefault(e => e.Event.Id == left.Item.Event) is { } entry && entry.Status is not (LogStatus.Delivered or LogStatus.PartlyFailed or LogStatus.Failed))
            {
                await Settle(entry, await configurations.Get(cancellationToken).ConfigureAwait(false), now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The messages that took the items of <paramref name="moved"/> (<see cref="DeliveryDecisions.Carriers"/>).</summary>
    private async Task<IReadOnlyList<Dispatch>> Carriers(Dispatch moved, CancellationToken cancellationToken) =>
        moved.MovedTo is { } into
            ? DeliveryDecisions.Carriers(moved, await _dispatches.Slot(into, cancellationToken).ConfigureAwait(false))
            : throw new InvalidOperationException($"Message {moved.Key} is {moved.Status} without MovedTo.");

    /// <summary>A notice for each message not yet final, at its time (or now).</summary>
    private static IEnumerable<(DispatchKey Key, Instant At)> Notices(IEnumerable<Dispatch> messages, Instant now) =>
        messages.Where(m => !m.IsFinal).Select(m => (m.Key, m.IsOpen ? m.SendAt : m.NextAttemptAt ?? now));

    /// <summary>Writes the message as failed for good and settles its events; null when it changed since it was read.</summary>
    private async Task<DeliveryOutcome?> Fail(Dispatch failed, Instant now, CancellationToken cancellationToken)
    {
        if (!await _dispatches.Update(failed, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        LogFailed(logger, failed.Key.Id, failed.Attempts, failed.LastError ?? "");
        await Conclude(failed, now, cancellationToken).ConfigureAwait(false);
        return new DeliveryOutcome($"message {failed.Key} failed: {failed.LastError}");
    }

    /// <summary>Claims, sends and records the message; null when the claim lost a race (the caller reads it again).</summary>
    private async Task<DeliveryOutcome?> Send(
        Dispatch claim, IChannelSender sender, Contact contact, string address, Configuration configuration, Instant now, CancellationToken cancellationToken)
    {
        var key = claim.Key;
        if (!await _dispatches.Update(claim, cancellationToken).ConfigureAwait(false))
        {
            // Changed since it was read (another sender's claim, or an event joining): decide again on what is there now.
            LogLostRace(logger, key.Id);
            return null;
        }

        // The claim changed the row's version: read it back so that the outcome can be written over it.
        var claimed = await _dispatches.Find(key, cancellationToken).ConfigureAwait(false) ?? claim;
        var entries = new List<LogEntry>();
        var items = new List<LetterItem>();
        foreach (var item in claimed.Items)
        {
            if (await _log.Find(item.Unit, item.Event, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries.Add(entry);
                items.Add(new LetterItem(entry.Event, configuration.Templates.GetValueOrDefault(entry.Event.Template), item.IsCopy));
            }
        }

        SendResult result = items.Count == 0
            ? new SendResult.Rejected("none of its events is in the escalation log")
            : await sender.Send(
                new Parcel(key.Id, address, contact.Name, new Letter(RecipientName(contact, configuration), key.Level, key.Day, items)
                {
                    ReachedBy = [.. items.SelectMany(i => i.Event.Channels).Distinct().Where(c => contact.AddressFor(c) is not null)],
                }, options.WebBaseUrl is { } web ? configuration.Wording with { WebBaseUrl = web } : configuration.Wording, claimed.FirstAttemptAt ?? now)
                {
                    SmsTemplates = configuration.SmsTemplates,
                    UnconfirmedSince = claimed.UnconfirmedSince,
                    Mentions = configuration.Robots.ByPerson(key.Person) is { } robot ? RobotAddressing.Mentions(robot, entries.Select(e => e.Event), configuration) : [],
                    Robot = configuration.Robots.ByPerson(key.Person),
                },
                cancellationToken).ConfigureAwait(false);
        var after = DeliveryDecisions.AfterAttempt(claimed, result, now, options, configuration.Calendar);
        if (!await _dispatches.Update(after, cancellationToken).ConfigureAwait(false))
        {
            // Another sender took the message over after this one's claim lapsed: its outcome, not this one, is the
            // message's; it settles the deliveries. (The provider's idempotency key is the message id on both.)
            LogLostRace(logger, key.Id);
            return new DeliveryOutcome(string.Create(CultureInfo.InvariantCulture, $"message {key}: {after.Status} at attempt {after.Attempts}, but another sender had taken it over; its outcome stands"));
        }

        switch (after.Status)
        {
            case DispatchStatus.Sent:
                LogSent(logger, key.Id, items.Count, after.MaskedAddress ?? "", after.Attempts);
                break;
            case DispatchStatus.Deferred:
                LogRetry(logger, key.Id, after.Attempts, after.LastError ?? "", after.NextAttemptAt!.Value);
                foreach (var _ in claimed.Items)
                {
                    EngineTelemetry.CountDelivery(key.Channel, EngineTelemetry.DeliveryOutcomes.Retry);
                }

                await Publish([(key, after.NextAttemptAt!.Value)], cancellationToken).ConfigureAwait(false);
                break;
            default:
                LogFailed(logger, key.Id, after.Attempts, after.LastError ?? "");
                break;
        }

        await Conclude(after, now, cancellationToken, entries).ConfigureAwait(false);
        return new DeliveryOutcome(string.Create(CultureInfo.InvariantCulture, $"message {key} with {items.Count} events: {after.Status} (attempt {after.Attempts})"));
    }

    /// <summary>
    /// The name a letter greets: the person's, except for a shared mailbox such as the supervision office's (a letter to it
    /// greets nobody by name rather than "督查室同志").
    /// </summary>
    private static string? RecipientName(Contact contact, Configuration configuration) =>
        configuration.Roster.SupervisionOffice == contact.Id || contact.Robot is not null ? null : contact.Name;

    /// <summary>
    /// Adds the items to the day's open message of that person (or starts one), together, whatever the races: returns the
    /// message that holds them.
    /// </summary>
    private async Task<Dispatch> Join(DispatchKey first, IReadOnlyList<DispatchItem> items, Instant sendAt, Instant now, CancellationToken cancellationToken)
    {
        for (var race = 0; race < MaxJoinRaces; race++)
        {
            var slot = await _dispatches.Slot(first, cancellationToken).ConfigureAwait(false);
            switch (DeliveryDecisions.JoinAll(slot, first, items, sendAt, now))
            {
                case JoinStep.Already already:
                    return already.Dispatch;
                case JoinStep.Add add when await _dispatches.Update(add.Dispatch, cancellationToken).ConfigureAwait(false):
                    return add.Dispatch;
                case JoinStep.Create create when await _dispatches.Add(create.Dispatch, cancellationToken).ConfigureAwait(false):
                    return create.Dispatch;
                default:
                    continue; // someone changed the slot since it was read: read it again
            }
        }

        throw new InvalidOperationException($"Event {items[0].Event} could not join a message of {first.Partition} on {first.Day} after {MaxJoinRaces} races; the notice will be retried.");
    }

    /// <summary>Brings each event's delivery in line with the message that carries it, then settles the events whose deliveries are all final.</summary>
    /// <param name="d">The message as written.</param>
    /// <param name="now">The clock's instant.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <param name="entries">Its events' log rows when the caller has just read them (sending does), so they are not read twice.</param>
    private async Task Conclude(Dispatch d, Instant now, CancellationToken cancellationToken, IReadOnlyList<LogEntry>? entries = null)
    {
        if (d.Status == DispatchStatus.Moved)
        {
            // Its deliveries follow the message that took its items (and, should that one have moved on too, the next);
            // those of the items it left behind as out of date end skipped.
            foreach (var carrier in await Carriers(d, cancellationToken).ConfigureAwait(false))
            {
                await Conclude(carrier, now, cancellationToken).ConfigureAwait(false);
            }

            await LeaveBehind(d, entries ?? await Entries(d, cancellationToken).ConfigureAwait(false), now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var left = new Dictionary<string, (DispatchKey Key, Instant At)>(StringComparer.Ordinal);
        foreach (var item in d.Items)
        {
            for (var race = 0; race < 3; race++)
            {
                var delivery = await _ledger.Find(item.Event, d.Key.Channel, d.Key.Person, cancellationToken).ConfigureAwait(false);
                if (delivery is null || delivery.IsFinal)
                {
                    break;
                }

                var next = DeliveryDecisions.Mirror(delivery, d, now, options);
                if (!DeliveryDecisions.Differs(delivery, next))
                {
                    break;
                }

                if (await _ledger.Update(next, cancellationToken).ConfigureAwait(false))
                {
                    if (delivery.DispatchId != next.DispatchId && DispatchKey.TryParse(delivery.DispatchId) is { } before)
                    {
                        // It named a message whose items moved here over the SMS cap: see to that one, whose move may
                        // have been cut short (no delivery names it any more, so nothing else would).
                        left[before.Id] = (before, now);
                    }

                    if (next.IsFinal)
                    {
                        EngineTelemetry.CountDelivery(d.Key.Channel, next.Status == DeliveryStatus.Sent ? EngineTelemetry.DeliveryOutcomes.Sent : EngineTelemetry.DeliveryOutcomes.Failed);
                    }

                    break;
                }
            }
        }

        await Publish(left.Values, cancellationToken).ConfigureAwait(false);
        if (!d.IsFinal)
        {
            return;
        }

        foreach (var item in d.Items)
        {
            var entry = entries is null
                ? await _log.Find(item.Unit, item.Event, cancellationToken).ConfigureAwait(false)
                : entries.FirstOrDefault(e => e.Event.Id == item.Event);
            if (entry is not null && entry.Status is not (LogStatus.Delivered or LogStatus.PartlyFailed or LogStatus.Failed))
            {
                await Settle(entry, await configurations.Get(cancellationToken).ConfigureAwait(false), now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Delivery> Current(EscalationEvent e, Channel channel, Recipient recipient, Instant now, CancellationToken cancellationToken)
    {
        await _ledger.Open(Delivery.Open(e, channel, recipient, now), cancellationToken).ConfigureAwait(false);
        return await _ledger.Find(e.Id, channel, recipient.Person, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Delivery {e.Id}:{channel}:{recipient.Person} vanished after it was opened.");
    }

    private async Task Write(Delivery delivery, CancellationToken cancellationToken)
    {
        if (!await _ledger.Update(delivery, cancellationToken).ConfigureAwait(false))
        {
            // Another invocation changed the row since we read it: it owns the delivery now.
            LogLostRace(logger, delivery.Id);
        }
    }

    /// <summary>Schedules a dispatch notice for each message at its time, or now (read afresh) when that has passed.</summary>
    private Task Publish(IEnumerable<(DispatchKey Key, Instant At)> notices, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var messages = notices.Select(n => new DispatchNotice(n.Key).At(n.At > now ? n.At : now)).ToList();
        return messages.Count == 0 ? Task.CompletedTask : publisher.Publish(ServiceBusEntities.EventsTopic, messages, cancellationToken);
    }

    /// <summary>When every delivery the event calls for is final, writes the event's outcome to the log.</summary>
    private async Task<LogStatus?> Settle(LogEntry entry, Configuration configuration, Instant now, CancellationToken cancellationToken)
    {
        var e = entry.Event;
        var expected = e.Channels.SelectMany(c => RobotAddressing.Targets(e, c, configuration).Select(r => $"{c}:{r.Person.Value}")).ToHashSet(StringComparer.Ordinal);
        var deliveries = (await _ledger.OfEvent(e.Id, cancellationToken).ConfigureAwait(false)).Where(d => expected.Contains(d.Key)).ToList();
        if (DeliveryDecisions.Settle(expected.Count, deliveries) is not { } settled)
        {
            return null;
        }

        await _log.SetStatus(e.Unit, e.Id, _ => settled.Status, settled.Note, now, cancellationToken).ConfigureAwait(false);
        LogSettled(logger, e.Id.Value, settled.Status, settled.Note);
        return settled.Status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {DispatchId} with {Events} events sent to {Address} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string dispatchId, int events, string address, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {DispatchId} attempt {Attempt} failed ({Error}); retry at {RetryAt}")]
    private static partial void LogRetry(ILogger logger, string dispatchId, int attempt, string error, Instant retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {DispatchId} failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, string dispatchId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {DispatchId} is over the daily SMS cap: its events move to the message of {Day}")]
    private static partial void LogMoving(ILogger logger, string dispatchId, LocalDate day);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {DispatchId} moved: {Events} events joined message {Into}, {OutOfDate} left behind out of date")]
    private static partial void LogMoved(ILogger logger, string dispatchId, int events, string into, int outOfDate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Id} was changed by another invocation; left to it")]
    private static partial void LogLostRace(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} settled as {Status}: {Note}")]
    private static partial void LogSettled(ILogger logger, string eventId, LogStatus status, string note);
}
