using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using NodaTime;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Pipeline;

/// <summary>What one pass over an event's deliveries on a channel did, counted by recipient.</summary>
public sealed record DeliveryOutcome(int Sent, int Deferred, int Failed, int Skipped, int AlreadyDone, LogStatus? EventStatus)
{
    public static DeliveryOutcome Nothing { get; } = new(0, 0, 0, 0, 0, null);
}

/// <summary>
/// DeliverEmail / DeliverSms: deliver one logged event on one channel to each of its recipients, recording each in the
/// delivery ledger. A recipient already sent (or failed for good, or skipped) is not touched again, so the event may be
/// published any number of times. Outside the sending window a delivery is deferred to the next opening (unless its
/// level goes at once); a transient failure is retried with back-off by re-publishing a scheduled message, up to the
/// configured attempts, then marked failed. One recipient's bad address or refusal never holds up the others. When every
/// delivery of the event is final, the log row gets its outcome (delivered, partly failed, failed).
/// </summary>
public sealed partial class ChannelDelivery(
    IEntityTables tables,
    IMessagePublisher publisher,
    IEmailSender email,
    ISmsSender sms,
    ConfigurationCache configurations,
    DeliveryOptions options,
    IClock clock,
    ILogger logger)
{
    private readonly EscalationLog _log = new(tables);
    private readonly DeliveryLedger _ledger = new(tables);

    /// <summary>Null with a reason when the message can never be delivered (the caller dead-letters it).</summary>
    public async Task<(DeliveryOutcome? Outcome, string? Unusable)> Run(EventNotice notice, Channel channel, CancellationToken cancellationToken = default)
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
            return (DeliveryOutcome.Nothing, null);
        }

        var configuration = await configurations.Get(cancellationToken).ConfigureAwait(false);
        var now = clock.GetCurrentInstant();
        var opening = options.SendAtOnce.Contains(e.Level) ? now : options.Window.NextOpening(now, configuration.Calendar);
        var tally = new Tally();
        var reschedule = new SortedSet<Instant>();
        var claimed = new List<(Delivery Delivery, Contact Contact, string Address)>();

        foreach (var recipient in Distinct(e.Recipients))
        {
            var delivery = await Current(e, channel, recipient, now, cancellationToken).ConfigureAwait(false);
            if (delivery.IsFinal)
            {
                tally.AlreadyDone++;
                continue;
            }

            if (delivery.NextAttemptAt is { } next && next > now)
            {
                // Deferred to later, or claimed by another invocation that is sending it now. Either way a message is
                // scheduled for then: for a claim, so that a holder that died mid-send (the host redelivers its message
                // at once, while the claim still stands) does not leave the delivery stranded until the next scan.
                reschedule.Add(next);
                if (delivery.Status == DeliveryStatus.Deferred)
                {
                    tally.Deferred++;
                }

                continue;
            }

            var contact = configuration.People.GetValueOrDefault(recipient.Person);
            var address = contact?.AddressFor(channel);
            if (contact is null || address is null)
            {
                var reason = contact is null
                    ? $"person {recipient.Person} is not in the people table"
                    : contact.Channels.Contains(channel) ? $"no valid {channel} address" : $"takes no {channel}";
                await Finish(delivery with { Status = DeliveryStatus.Skipped, LastError = reason, NextAttemptAt = null, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                LogSkipped(logger, delivery.Id, reason);
                EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Skipped);
                tally.Skipped++;
                continue;
            }

            if (opening > now)
            {
                await Finish(delivery with { Status = DeliveryStatus.Deferred, NextAttemptAt = opening, LastError = "outside the sending window", UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                reschedule.Add(opening);
                EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Deferred);
                tally.Deferred++;
                continue;
            }

            var claim = delivery with
            {
                Status = DeliveryStatus.Pending,
                Attempts = delivery.Attempts + 1,
                FirstAttemptAt = delivery.FirstAttemptAt ?? now,
                NextAttemptAt = now + options.Lease,
                MaskedAddress = ContactAddress.Mask(address),
                UpdatedAt = now,
            };
            if (await _ledger.Update(claim, cancellationToken).ConfigureAwait(false))
            {
                // The claim changed the row's version: read it back so that the outcome can be written over it.
                var current = await _ledger.Find(e.Id, channel, recipient.Person, cancellationToken).ConfigureAwait(false);
                claimed.Add((current ?? claim, contact, address));
            }
        }

        // Each outcome is written as soon as it is known, so that a crash on a later recipient cannot make an earlier
        // one's accepted message be sent again.
        async Task Record(Delivery d, SendResult result)
        {
            var after = Apply(d, result, e.Level, configuration.Calendar, now);
            await Finish(after, cancellationToken).ConfigureAwait(false);
            switch (after.Status)
            {
                case DeliveryStatus.Sent:
                    tally.Sent++;
                    EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Sent);
                    LogSent(logger, d.Id, d.MaskedAddress ?? "", d.Attempts);
                    break;
                case DeliveryStatus.Deferred:
                    reschedule.Add(after.NextAttemptAt!.Value);
                    tally.Deferred++;
                    EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Retry);
                    LogRetry(logger, d.Id, d.Attempts, after.LastError ?? "", after.NextAttemptAt!.Value);
                    break;
                default:
                    tally.Failed++;
                    EngineTelemetry.CountDelivery(channel, EngineTelemetry.DeliveryOutcomes.Failed);
                    LogFailed(logger, d.Id, d.Attempts, after.LastError ?? "");
                    break;
            }
        }

        var template = configuration.Templates.GetValueOrDefault(e.Template);
        if (template is null)
        {
            foreach (var c in claimed)
            {
                await Record(c.Delivery, new SendResult.Rejected($"message template '{e.Template}' does not exist")).ConfigureAwait(false);
            }
        }
        else if (channel == Channel.Sms)
        {
            if (claimed.Count > 0)
            {
                var messages = claimed
                    .Select(c => new SmsToSend(c.Delivery.Id, c.Address, MessageWording.RenderSms(e, template, c.Contact.Name, c.Delivery.IsCopy).Text, c.Delivery.FirstAttemptAt!.Value))
                    .ToList();
                var results = await sms.Send(messages, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < claimed.Count; i++)
                {
                    await Record(claimed[i].Delivery, results[i]).ConfigureAwait(false);
                }
            }
        }
        else
        {
            foreach (var (delivery, contact, address) in claimed)
            {
                var message = MessageWording.RenderEmail(e, template, contact.Name, delivery.IsCopy);
                var result = await email.Send(new EmailToSend(delivery.Id, address, contact.Name, message.Subject, message.PlainText, message.Html), cancellationToken).ConfigureAwait(false);
                await Record(delivery, result).ConfigureAwait(false);
            }
        }

        if (reschedule.Count > 0)
        {
            await publisher.Publish(
                ServiceBusEntities.EventsTopic,
                [.. reschedule.Select(at => new EventNotice(e.Id, e.Unit).Again(channel, at))],
                cancellationToken).ConfigureAwait(false);
        }

        var status = await Settle(entry, now, cancellationToken).ConfigureAwait(false);
        return (new DeliveryOutcome(tally.Sent, tally.Deferred, tally.Failed, tally.Skipped, tally.AlreadyDone, status), null);
    }

    /// <summary>Each person once per event: addressed before copied, first role named wins.</summary>
    internal static IEnumerable<Recipient> Distinct(IEnumerable<Recipient> recipients) =>
        recipients.OrderBy(r => r.IsCopy).DistinctBy(r => r.Person);

    private async Task<Delivery> Current(EscalationEvent e, Channel channel, Recipient recipient, Instant now, CancellationToken cancellationToken)
    {
        var opened = new Delivery(e.Id, e.Unit, channel, recipient.Person, recipient.Role, recipient.IsCopy, DeliveryStatus.Pending, 0, null, null, null, null, now);
        await _ledger.Open(opened, cancellationToken).ConfigureAwait(false);
        return await _ledger.Find(e.Id, channel, recipient.Person, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Delivery {opened.Id} vanished after it was opened.");
    }

    private async Task Finish(Delivery delivery, CancellationToken cancellationToken)
    {
        if (!await _ledger.Update(delivery, cancellationToken).ConfigureAwait(false))
        {
            // Another invocation changed the row since we read it: it owns the delivery now.
            LogLostRace(logger, delivery.Id);
        }
    }

    private Delivery Apply(Delivery d, SendResult result, EventLevel level, Domain.Calendar.WorkingCalendar calendar, Instant now)
    {
        switch (result)
        {
            case SendResult.Sent sent:
                return d with { Status = DeliveryStatus.Sent, ProviderId = sent.ProviderId, LastError = null, NextAttemptAt = null, UpdatedAt = now };
            case SendResult.Transient transient when d.Attempts < options.MaxAttempts:
                var retryAt = now + options.RetryWait(d.Attempts, transient.RetryAfter);
                if (!options.SendAtOnce.Contains(level))
                {
                    retryAt = options.Window.NextOpening(retryAt, calendar);
                }

                return d with { Status = DeliveryStatus.Deferred, LastError = transient.Error, NextAttemptAt = retryAt, UpdatedAt = now };
            case SendResult.Transient transient:
                return d with { Status = DeliveryStatus.Failed, LastError = $"gave up after {d.Attempts} attempts: {transient.Error}", NextAttemptAt = null, UpdatedAt = now };
            case SendResult.Rejected rejected:
                return d with { Status = DeliveryStatus.Failed, LastError = rejected.Error, NextAttemptAt = null, UpdatedAt = now };
            default:
                throw new InvalidOperationException($"Unknown send result {result}.");
        }
    }

    /// <summary>When every delivery the event calls for is final, writes the event's outcome to the log.</summary>
    private async Task<LogStatus?> Settle(LogEntry entry, Instant now, CancellationToken cancellationToken)
    {
        var e = entry.Event;
        var expected = e.Channels.SelectMany(c => Distinct(e.Recipients).Select(r => $"{c}:{r.Person.Value}")).ToHashSet(StringComparer.Ordinal);
        var deliveries = (await _ledger.OfEvent(e.Id, cancellationToken).ConfigureAwait(false)).Where(d => expected.Contains(d.Key)).ToList();
        if (deliveries.Count < expected.Count || deliveries.Any(d => !d.IsFinal))
        {
            return null;
        }

        var sent = deliveries.Count(d => d.Status == DeliveryStatus.Sent);
        var failed = deliveries.Count(d => d.Status == DeliveryStatus.Failed);
        var skipped = deliveries.Count - sent - failed;
        var status = sent == 0 ? LogStatus.Failed : failed > 0 ? LogStatus.PartlyFailed : LogStatus.Delivered;
        var note = $"已发送 {sent}，失败 {failed}，未发送 {skipped}"; // in the export's words (备注): 未发送 = no such channel or no address
        await _log.SetStatus(e.Unit, e.Id, _ => status, note, now, cancellationToken).ConfigureAwait(false);
        LogSettled(logger, e.Id.Value, status, sent, failed, skipped);
        return status;
    }

    private sealed class Tally
    {
        public int Sent { get; set; }

        public int Deferred { get; set; }

        public int Failed { get; set; }

        public int Skipped { get; set; }

        public int AlreadyDone { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} sent to {Address} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string deliveryId, string address, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} attempt {Attempt} failed ({Error}); retry at {RetryAt}")]
    private static partial void LogRetry(ILogger logger, string deliveryId, int attempt, string error, Instant retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, string deliveryId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} was changed by another invocation; left to it")]
    private static partial void LogLostRace(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} settled as {Status}: {Sent} sent, {Failed} failed, {Skipped} skipped")]
    private static partial void LogSettled(ILogger logger, string eventId, LogStatus status, int sent, int failed, int skipped);
}
