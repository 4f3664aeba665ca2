using System.Net;
using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using NodaTime;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// DeliverEmail / DeliverSms, in two steps as in Azure (the engine gathers each person's messages for ten minutes): the
/// event notice the engine published, handed over by the subscription's trigger, puts each recipient's delivery in that
/// person's message of the day and schedules a dispatch notice at the message's time; the dispatch notice, handed over
/// then, sends the message once and records it on each delivery it carries. The event picked is one of wjw's on
/// 2026-06-01 (a Monday; the handler's clock stands at 08:30, the window's opening): addressed to two staff (email and
/// SMS) with the supervision office's mailbox in copy (email only). Only that event is delivered, so each message
/// carries it alone.
/// </summary>
public sealed partial class CustomHandlerTests
{
    /// <summary>When the messages of an event delivered at the scan's time go: ten minutes of gathering later.</summary>
    private static readonly Instant SendAt = HandlerHarness.ScanTime + Duration.FromMinutes(10);

    [Fact]
    public async Task DeliverEmail_SendsToEachRecipientAndRecordsItInTheLedger_WhenTheEventIsLogged()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;

        var joined = await handler.Post(DeliverEmail, Received(notice, DeliverEmail));
        var sentBeforeTheirTime = handler.Email.Sent;
        var dispatchNotices = TakeDispatchNotices(handler, Channel.Email);
        var sends = await DeliverWhenDue(handler, DeliverEmail, dispatchNotices);

        var entry = await handler.Log.Find(new UnitId(Unit), EventId.Parse(id));
        var ledger = await handler.Ledger.OfEvent(EventId.Parse(id));
        Assert.Equal(HttpStatusCode.OK, joined.Status);
        Assert.Equal("{}", joined.Outputs.ToJsonString());
        Assert.Equal($"DeliverEmail {id}: Email: 3 joined a message, 0 skipped, 0 already done, 3 messages to look at", Assert.Single(joined.Logs));
        Assert.Equal(0, sentBeforeTheirTime);
        Assert.All(dispatchNotices, n => Assert.Equal(SendAt, n.ScheduledEnqueueTime));
        Assert.Equal(
            entry!.Event.Recipients.Select(r => MessageOf(Channel.Email, r.Person.Value, entry.Event)).Order(StringComparer.Ordinal),
            dispatchNotices.Select(DispatchOf).Order(StringComparer.Ordinal));
        Assert.All(sends, s => Assert.Equal(HttpStatusCode.OK, s.Answer.Status));
        Assert.All(sends, s => Assert.Equal($"DeliverEmail {s.Notice.MessageId}: Email: message {DispatchOf(s.Notice)} with 1 events: Sent (attempt 1)", Assert.Single(s.Answer.Logs)));
        Assert.Equal(
            entry.Event.Recipients.Select(r => $"Email:{r.Person.Value}").Order(StringComparer.Ordinal),
            ledger.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(ledger, d => Assert.Equal((DeliveryStatus.Sent, 1, MessageOf(Channel.Email, d.Person.Value, entry.Event)), (d.Status, d.Attempts, d.DispatchId)));
        Assert.Contains(ledger, d => d.Person.Value == "dcs-office" && d.IsCopy);
        Assert.Equal(ledger.Select(d => OutboxEmailSender.FileName(d.DispatchId!)).Order(StringComparer.Ordinal), EmailFiles(handler));
        Assert.Equal(3, handler.Email.Sent);
        Assert.Equal(LogStatus.Published, entry.Status);
    }

    [Fact]
    public async Task DeliverEmail_SendsNothingNew_WhenTheEventNoticeIsDeliveredAgain()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;
        await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 1));
        await DeliverWhenDue(handler, DeliverEmail, TakeDispatchNotices(handler, Channel.Email));
        var ledgerBefore = await handler.Ledger.OfEvent(EventId.Parse(id));

        var again = await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal($"DeliverEmail {id}: Email: 0 joined a message, 0 skipped, 3 already done, 0 messages to look at", Assert.Single(again.Logs));
        Assert.Empty(handler.Publisher.Published);
        Assert.Equal(3, handler.Email.Sent);
        Assert.Equal(3, EmailFiles(handler).Count);
        Assert.Equal(
            ledgerBefore.Select(d => (d.Key, d.Status, d.Attempts)),
            (await handler.Ledger.OfEvent(EventId.Parse(id))).Select(d => (d.Key, d.Status, d.Attempts)));
    }

    // The event notice is handed over twice before its messages' time (a redelivery, or the next scan publishing the
    // event again): the second finds each delivery in its message already, joins nothing, and only asks to look at the
    // messages now; those early dispatch notices find the messages still gathering and wait for their time. Each message
    // still carries the event once and goes once.
    [Fact]
    public async Task DeliverEmail_JoinsNothingNewAndSendsEachMessageOnce_WhenTheEventNoticeIsDeliveredAgainBeforeItsMessagesGo()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;
        await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 1));
        var first = TakeDispatchNotices(handler, Channel.Email);

        var again = await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 2));
        var early = TakeDispatchNotices(handler, Channel.Email);
        var waits = await DeliverWhenDue(handler, DeliverEmail, early);
        var rescheduled = TakeDispatchNotices(handler, Channel.Email);
        await DeliverWhenDue(handler, DeliverEmail, [.. first, .. rescheduled]);
        var dispatches = await Dispatches(handler, Channel.Email);

        Assert.Equal($"DeliverEmail {id}: Email: 0 joined a message, 0 skipped, 0 already done, 3 messages to look at", Assert.Single(again.Logs));
        Assert.All(early, n => Assert.Equal(HandlerHarness.ScanTime, n.ScheduledEnqueueTime));
        Assert.All(waits, w => Assert.Equal($"DeliverEmail {w.Notice.MessageId}: Email: message {DispatchOf(w.Notice)} waits until {SendAt}", Assert.Single(w.Answer.Logs)));
        Assert.Equal(
            first.Select(n => (n.MessageId, n.ScheduledEnqueueTime)).Order(),
            rescheduled.Select(n => (n.MessageId, n.ScheduledEnqueueTime)).Order());
        Assert.Equal(3, handler.Email.Sent);
        Assert.Equal(3, EmailFiles(handler).Count);
        Assert.All(dispatches, d => Assert.Equal((DispatchStatus.Sent, 1, 1, id), (d.Status, d.Attempts, d.Key.Sequence, Assert.Single(d.Items).Event.Value)));
        Assert.All(await handler.Ledger.OfEvent(EventId.Parse(id)), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
    }

    [Fact]
    public async Task DeliverEmail_SendsNothingNew_WhenADispatchNoticeIsDeliveredAgain()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        await handler.Post(DeliverEmail, Received(notice, DeliverEmail));
        var dispatchNotices = TakeDispatchNotices(handler, Channel.Email);
        await DeliverWhenDue(handler, DeliverEmail, dispatchNotices);
        var ledgerBefore = await handler.Ledger.OfEvent(EventId.Parse(notice.MessageId));

        var again = await handler.Post(DeliverEmail, Received(dispatchNotices[0], DeliverEmail, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal($"DeliverEmail {dispatchNotices[0].MessageId}: Email: message {DispatchOf(dispatchNotices[0])} was Sent already; its deliveries are in line", Assert.Single(again.Logs));
        Assert.Empty(handler.Publisher.Published);
        Assert.Equal(3, handler.Email.Sent);
        Assert.Equal(
            ledgerBefore.Select(d => (d.Key, d.Status, d.Attempts, d.UpdatedAt)),
            (await handler.Ledger.OfEvent(EventId.Parse(notice.MessageId))).Select(d => (d.Key, d.Status, d.Attempts, d.UpdatedAt)));
    }

    [Fact]
    public async Task DeliverSms_SendsToEachRecipientWithAMobileAndSkipsTheMailbox_WhenTheEventIsLogged()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;

        var joined = await handler.Post(DeliverSms, Received(notice, DeliverSms));
        var dispatchNotices = TakeDispatchNotices(handler, Channel.Sms);
        var sends = await DeliverWhenDue(handler, DeliverSms, dispatchNotices);

        var ledger = await handler.Ledger.OfEvent(EventId.Parse(id));
        Assert.Equal(HttpStatusCode.OK, joined.Status);
        Assert.Equal("{}", joined.Outputs.ToJsonString());
        Assert.Equal($"DeliverSms {id}: Sms: 2 joined a message, 1 skipped, 0 already done, 2 messages to look at", Assert.Single(joined.Logs));
        Assert.All(sends, s => Assert.Equal($"DeliverSms {s.Notice.MessageId}: Sms: message {DispatchOf(s.Notice)} with 1 events: Sent (attempt 1)", Assert.Single(s.Answer.Logs)));
        Assert.All(ledger, d => Assert.Equal(Channel.Sms, d.Channel));
        var skipped = Assert.Single(ledger, d => d.Status == DeliveryStatus.Skipped);
        Assert.Equal(("dcs-office", "takes no Sms", null), (skipped.Person.Value, skipped.LastError, skipped.DispatchId));
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent.Select(d => d.DispatchId!).Order(StringComparer.Ordinal), SmsLines(handler).Select(l => l.DispatchId).Order(StringComparer.Ordinal));
        Assert.Equal(dispatchNotices.Select(DispatchOf).Order(StringComparer.Ordinal), SmsLines(handler).Select(l => l.DispatchId).Order(StringComparer.Ordinal));
        Assert.All(SmsLines(handler), l => Assert.StartsWith("+86", l.To, StringComparison.Ordinal));
        Assert.Equal(2, handler.Sms.Sent);
    }

    [Fact]
    public async Task DeliverSms_SendsNothingNew_WhenTheEventNoticeIsDeliveredAgain()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;
        await handler.Post(DeliverSms, Received(notice, DeliverSms, deliveryCount: 1));
        await DeliverWhenDue(handler, DeliverSms, TakeDispatchNotices(handler, Channel.Sms));

        var again = await handler.Post(DeliverSms, Received(notice, DeliverSms, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal($"DeliverSms {id}: Sms: 0 joined a message, 0 skipped, 3 already done, 0 messages to look at", Assert.Single(again.Logs));
        Assert.Empty(handler.Publisher.Published);
        Assert.Equal(2, handler.Sms.Sent);
        Assert.Equal(2, SmsLines(handler).Count);
    }

    [Fact]
    public async Task Deliver_SettlesTheEventAsDeliveredAndThenIgnoresIt_WhenBothChannelsAreDone()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;
        await handler.Post(DeliverEmail, Received(notice, DeliverEmail));
        await DeliverWhenDue(handler, DeliverEmail, TakeDispatchNotices(handler, Channel.Email));

        var sms = await handler.Post(DeliverSms, Received(notice, DeliverSms));
        var beforeTheSms = await handler.Log.Find(new UnitId(Unit), EventId.Parse(id));
        await DeliverWhenDue(handler, DeliverSms, TakeDispatchNotices(handler, Channel.Sms));
        var lateEmail = await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 2));

        var entry = await handler.Log.Find(new UnitId(Unit), EventId.Parse(id));
        Assert.Equal($"DeliverSms {id}: Sms: 2 joined a message, 1 skipped, 0 already done, 2 messages to look at", Assert.Single(sms.Logs));
        Assert.Equal(LogStatus.Published, beforeTheSms!.Status);
        Assert.Equal((LogStatus.Delivered, "已发送 5，失败 0，未发送 1"), (entry!.Status, entry.StatusNote));
        Assert.Equal(HttpStatusCode.OK, lateEmail.Status);
        Assert.Equal($"DeliverEmail {id}: Email: nothing to do", Assert.Single(lateEmail.Logs));
        Assert.Empty(handler.Publisher.Published);
        Assert.Equal((3, 2), (handler.Email.Sent, handler.Sms.Sent));
    }

    // wjw's two events of the day: wjw-1 to wjw-zhu and wjw-xie, wjw-2 to wjw-ma and wjw-xie, the office in copy of both.
    // Handed over within the ten minutes of gathering (one after the other, or at once, racing for the same messages),
    // they go as four emails: wjw-xie's and the office's each carry both events.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeliverEmail_SendsOneMessageCarryingBothEvents_WhenTwoEventsForAPersonComeWithinTheGatheringTime(bool atOnce)
    {
        await using var handler = await HandlerHarness.Start();
        var notices = await EvaluateAndTakeNotices(handler);

        if (atOnce)
        {
            await Task.WhenAll(notices.Select(n => handler.Post(DeliverEmail, Received(n, DeliverEmail))));
        }
        else
        {
            foreach (var notice in notices)
            {
                await handler.Post(DeliverEmail, Received(notice, DeliverEmail));
            }
        }

        // Every event joining a message publishes the same notice (same message id): the broker's duplicate detection keeps one.
        var dispatchNotices = TakeDispatchNotices(handler, Channel.Email).DistinctBy(n => n.MessageId).ToList();
        await DeliverWhenDue(handler, DeliverEmail, dispatchNotices);
        var dispatches = await Dispatches(handler, Channel.Email);
        var ledger = (await Task.WhenAll(notices.Select(n => handler.Ledger.OfEvent(EventId.Parse(n.MessageId))))).SelectMany(l => l).ToList();

        Assert.Equal(2, notices.Count);
        Assert.Equal(4, dispatchNotices.Count);
        Assert.Equal(
            [("dcs-office", 2), ("wjw-ma", 1), ("wjw-xie", 2), ("wjw-zhu", 1)],
            dispatches.Select(d => (d.Key.Person.Value, d.Items.Count)).Order());
        Assert.All(dispatches, d => Assert.Equal((DispatchStatus.Sent, 1, 1), (d.Status, d.Attempts, d.Key.Sequence)));
        Assert.Equal(4, handler.Email.Sent);
        Assert.Equal(4, EmailFiles(handler).Count);
        Assert.Equal(6, ledger.Count);
        Assert.All(ledger, d => Assert.Equal((DeliveryStatus.Sent, 1, $"{d.Key}:20260601:Notice:001"), (d.Status, d.Attempts, d.DispatchId)));
    }

    // wjw-1's emails have gone (08:40) when wjw-2 is handed over: wjw-xie's and the office's messages of the day are
    // sent, so wjw-2 starts each of them the day's next message (sequence 2, going at 08:50), and wjw-ma's first.
    [Fact]
    public async Task DeliverEmail_StartsTheDaysNextMessage_WhenAnEventComesAfterThePersonsMessageWent()
    {
        await using var handler = await HandlerHarness.Start();
        var notices = await EvaluateAndTakeNotices(handler);
        await handler.Post(DeliverEmail, Received(notices[0], DeliverEmail));
        await DeliverWhenDue(handler, DeliverEmail, TakeDispatchNotices(handler, Channel.Email));

        var later = await handler.Post(DeliverEmail, Received(notices[1], DeliverEmail));
        var dispatchNotices = TakeDispatchNotices(handler, Channel.Email);
        await DeliverWhenDue(handler, DeliverEmail, dispatchNotices);
        var dispatches = await Dispatches(handler, Channel.Email);

        Assert.Equal($"DeliverEmail {notices[1].MessageId}: Email: 3 joined a message, 0 skipped, 0 already done, 3 messages to look at", Assert.Single(later.Logs));
        Assert.All(dispatchNotices, n => Assert.Equal(SendAt + Duration.FromMinutes(10), n.ScheduledEnqueueTime));
        Assert.Equal(
            [
                ("dcs-office", 1, notices[0].MessageId), ("dcs-office", 2, notices[1].MessageId),
                ("wjw-ma", 1, notices[1].MessageId),
                ("wjw-xie", 1, notices[0].MessageId), ("wjw-xie", 2, notices[1].MessageId),
                ("wjw-zhu", 1, notices[0].MessageId),
            ],
            dispatches.Select(d => (d.Key.Person.Value, d.Key.Sequence, Assert.Single(d.Items).Event.Value)).Order());
        Assert.All(dispatches, d => Assert.Equal(DispatchStatus.Sent, d.Status));
        Assert.Equal(6, handler.Email.Sent);
        Assert.All(
            await handler.Ledger.OfEvent(EventId.Parse(notices[1].MessageId)),
            d => Assert.Equal((DeliveryStatus.Sent, $"{d.Key}:20260601:Notice:{(d.Person.Value == "wjw-ma" ? 1 : 2):D3}"), (d.Status, d.DispatchId)));
    }

    /// <summary>The id of the message of 2026-06-01 to <paramref name="person"/> on <paramref name="channel"/> at the event's level.</summary>
    private static string MessageOf(Channel channel, string person, EscalationEvent e) =>
        new DispatchKey(channel, new PersonId(person), new LocalDate(2026, 6, 1), e.Level, 1).Id;

    /// <summary>The dispatch notices for <paramref name="channel"/> published since the last call (the publisher is cleared).</summary>
    private static List<OutgoingMessage> TakeDispatchNotices(HandlerHarness handler, Channel channel)
    {
        var notices = handler.Publisher.To(ServiceBusEntities.EventsTopic)
            .Where(m => m.Properties.GetValueOrDefault(DispatchNotice.KindProperty) == DispatchNotice.KindValue
                && m.Properties.GetValueOrDefault(ChannelSet.FilterProperty(channel)) == "true")
            .ToList();
        Assert.Equal(notices.Count, handler.Publisher.Published.Count);
        handler.Publisher.Clear();
        return notices;
    }

    /// <summary>
    /// Hands each dispatch notice to <paramref name="function"/> when it becomes visible, in time order, the clock moved
    /// to that time, as the subscription's trigger would.
    /// </summary>
    private static async Task<List<(OutgoingMessage Notice, HandlerAnswer Answer)>> DeliverWhenDue(HandlerHarness handler, string function, IEnumerable<OutgoingMessage> notices)
    {
        var answers = new List<(OutgoingMessage, HandlerAnswer)>();
        foreach (var notice in notices.OrderBy(n => n.ScheduledEnqueueTime))
        {
            if (notice.ScheduledEnqueueTime is { } at && at > handler.Clock.GetCurrentInstant())
            {
                handler.Clock.Reset(at);
            }

            answers.Add((notice, await handler.Post(function, Received(notice, function))));
        }

        return answers;
    }

    private static async Task<List<Dispatch>> Dispatches(HandlerHarness handler, Channel channel)
    {
        var table = await handler.Tables.Table(DispatchStore.TableName);
        return [.. await table.Query(EntityQuery.WholeTable()).Select(DispatchStore.FromEntity).Where(d => d.Key.Channel == channel).ToListAsync()];
    }

    private static List<string> EmailFiles(HandlerHarness handler)
    {
        var folder = Path.Combine(handler.Outbox, OutboxEmailSender.Folder);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*.eml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)]
            : [];
    }

    private static List<(string DispatchId, string To)> SmsLines(HandlerHarness handler)
    {
        var log = Path.Combine(handler.Outbox, OutboxSmsSender.FileName);
        return File.Exists(log)
            ? [.. File.ReadAllLines(log).Where(l => l.Length > 0).Select(l =>
            {
                using var line = JsonDocument.Parse(l);
                return (line.RootElement.GetProperty("dispatchId").GetString()!, line.RootElement.GetProperty("to").GetString()!);
            })]
            : [];
    }

    /// <summary>The message a dispatch notice names (its body; the correlation id is a hash of it).</summary>
    private static string DispatchOf(OutgoingMessage notice) => DispatchNotice.Parse(notice.Body).Notice!.Dispatch.Id;
}
