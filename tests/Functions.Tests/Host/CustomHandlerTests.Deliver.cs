using Escalation.Domain.Delivery;
using System.Net;
using System.Text.Json;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using static Escalation.Functions.Host.CustomHandler.Names;

using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// DeliverEmail / DeliverSms: the event notice the engine published, handed over by the subscription's trigger, sends to
/// each recipient once and records it in the ledger. The event picked is one of wjw's on 2026-06-01: addressed to two
/// staff (email and SMS) with the supervision office's mailbox in copy (email only).
/// </summary>
public sealed partial class CustomHandlerTests
{
    [Fact]
    public async Task DeliverEmail_SendsToEachRecipientAndRecordsItInTheLedger_WhenTheEventIsLogged()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;

        var answer = await handler.Post(DeliverEmail, Received(notice, DeliverEmail));

        var entry = await handler.Log.Find(new UnitId(Unit), EventId.Parse(id));
        var ledger = await handler.Ledger.OfEvent(EventId.Parse(id));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.Equal($"DeliverEmail {id}: Email for {id}: 3 sent, 0 deferred, 0 failed, 0 skipped, 0 already done", Assert.Single(answer.Logs));
        Assert.Equal(
            entry!.Event.Recipients.Select(r => $"Email:{r.Person.Value}").Order(StringComparer.Ordinal),
            ledger.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(ledger, d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
        Assert.Contains(ledger, d => d.Person.Value == "dcs-office" && d.IsCopy);
        Assert.Equal(ledger.Select(d => OutboxEmailSender.FileName(d.Id)).Order(StringComparer.Ordinal), EmailFiles(handler));
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
        var ledgerBefore = await handler.Ledger.OfEvent(EventId.Parse(id));

        var again = await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal($"DeliverEmail {id}: Email for {id}: 0 sent, 0 deferred, 0 failed, 0 skipped, 3 already done", Assert.Single(again.Logs));
        Assert.Equal(3, handler.Email.Sent);
        Assert.Equal(3, EmailFiles(handler).Count);
        Assert.Equal(
            ledgerBefore.Select(d => (d.Key, d.Status, d.Attempts)),
            (await handler.Ledger.OfEvent(EventId.Parse(id))).Select(d => (d.Key, d.Status, d.Attempts)));
    }

    [Fact]
    public async Task DeliverSms_SendsToEachRecipientWithAMobileAndSkipsTheMailbox_WhenTheEventIsLogged()
    {
        await using var handler = await HandlerHarness.Start();
        var notice = await EvaluateAndTakeFirstNotice(handler);
        var id = notice.MessageId;

        var answer = await handler.Post(DeliverSms, Received(notice, DeliverSms));

        var ledger = await handler.Ledger.OfEvent(EventId.Parse(id));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.Equal($"DeliverSms {id}: Sms for {id}: 2 sent, 0 deferred, 0 failed, 1 skipped, 0 already done", Assert.Single(answer.Logs));
        Assert.All(ledger, d => Assert.Equal(Channel.Sms, d.Channel));
        var skipped = Assert.Single(ledger, d => d.Status == DeliveryStatus.Skipped);
        Assert.Equal(("dcs-office", "takes no Sms"), (skipped.Person.Value, skipped.LastError));
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent.Select(d => d.Id).Order(StringComparer.Ordinal), SmsLines(handler).Select(l => l.DispatchId).Order(StringComparer.Ordinal));
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

        var again = await handler.Post(DeliverSms, Received(notice, DeliverSms, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal($"DeliverSms {id}: Sms for {id}: 0 sent, 0 deferred, 0 failed, 0 skipped, 3 already done", Assert.Single(again.Logs));
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

        var sms = await handler.Post(DeliverSms, Received(notice, DeliverSms));
        var lateEmail = await handler.Post(DeliverEmail, Received(notice, DeliverEmail, deliveryCount: 2));

        var entry = await handler.Log.Find(new UnitId(Unit), EventId.Parse(id));
        Assert.Equal($"DeliverSms {id}: Sms for {id}: 2 sent, 0 deferred, 0 failed, 1 skipped, 0 already done; event Delivered", Assert.Single(sms.Logs));
        Assert.Equal((LogStatus.Delivered, "已发送 5，失败 0，未发送 1"), (entry!.Status, entry.StatusNote));
        Assert.Equal(HttpStatusCode.OK, lateEmail.Status);
        Assert.Equal($"DeliverEmail {id}: Email for {id}: 0 sent, 0 deferred, 0 failed, 0 skipped, 0 already done", Assert.Single(lateEmail.Logs));
        Assert.Equal((3, 2), (handler.Email.Sent, handler.Sms.Sent));
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
}
