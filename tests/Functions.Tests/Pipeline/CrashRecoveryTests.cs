using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// "Killing the process between logging and delivery, then running again, delivers each event once": the log is the
/// outbox (an event logged but not published is published by the next run), and the ledger and the messages make
/// publishing again harmless (a message already sent is not sent again, and an event already in a message joins no other).
/// </summary>
public sealed class CrashRecoveryTests
{
    // 10:00 first run (dies somewhere); 10:05 second run, a new process over the same store.
    // SampleMonday: 7 events, 3 of the units' tasks (R3) and 4 of the indicators (I1, I2, I4, I8), 23 deliveries sent in
    // 11 emails and 6 SMS; the office's notice email carries five of them (R3's three, I2's and I4's).
    private static readonly Instant FirstRun = SampleMonday.Run;
    private static readonly Instant SecondRun = Sandbox.At(2026, 6, 1, 10, 5);

    private const string JtjNotice = SampleMonday.JtjNotice;

    /// <summary>The emails go out in this order: jtj-cao's, jtj-wang's (the jtj notice), then the office's notice (five events).</summary>
    private const string CaoMessage = "Email:jtj-cao:20260601:Notice:001";

    private const string WangMessage = "Email:jtj-wang:20260601:Notice:001";

    private const string OfficeMessage = SampleMonday.OfficeNoticeEmail;

    /// <summary>The office's other email that day: I8's summons, a message of its own (another level).</summary>
    private const string OfficeSummons = "Email:dcs-office:20260601:Summons:001";

    /// <summary>jtj-cao's delivery of the jtj notice by email, which <see cref="CaoMessage"/> carries.</summary>
    private const string CaoEmail = JtjNotice + ":Email:jtj-cao";

    [Fact]
    public async Task Cycle_LogsEventsButDeliversNothing_WhenPublishingToTheTopicFails()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        var (bus, engine) = sandbox.Compose(LocalOptions, b => new FailingPublisher(b, ServiceBusEntities.EventsTopic));

        await engine.ScanDeadlines();
        await bus.Drain(FirstRun, sandbox.Clock.AdvanceTo);
        var log = await sandbox.Log();

        Assert.Equal(SampleMonday.Events.Order(), log.Select(e => e.Event.Id.Value).Order());
        Assert.All(log, e => Assert.Equal(LogStatus.Logged, e.Status));
        Assert.Empty(sandbox.Email.Calls);
        Assert.Empty(sandbox.Sms.Calls);
        Assert.Empty(await sandbox.Ledger());
        // The requests with events to publish failed for good: the units' (jtj, wjw) and the indicators' alike.
        Assert.Equal(
            SampleMonday.IndicatorsWithEvents.Select(i => $"evaluate-indicator:2026-06-01:{i}")
                .Concat(["evaluate:2026-06-01:jtj", "evaluate:2026-06-01:wjw"]).Order(StringComparer.Ordinal),
            bus.DeadLetters.Select(d => d.MessageId).Order(StringComparer.Ordinal));
        Assert.All(bus.DeadLetters, d => Assert.Equal(
            "MaxDeliveryCountExceeded (10): InvalidOperationException: simulated crash before publishing to 'events'", d.Reason));
    }

    [Fact]
    public async Task Cycle_DeliversEachLoggedEventOnce_WhenTheRunBeforeDiedBetweenLoggingAndPublishing()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        var (bus, engine) = sandbox.Compose(LocalOptions, b => new FailingPublisher(b, ServiceBusEntities.EventsTopic));
        await engine.ScanDeadlines();
        await bus.Drain(FirstRun, sandbox.Clock.AdvanceTo);
        var loggedBefore = await sandbox.Log();

        var second = sandbox.Local();
        var loggedAgain = new List<EscalationEvent>();
        second.OnLogged(loggedAgain.Add);
        await sandbox.Cycle(second, SecondRun);
        var log = await sandbox.Log();
        var ledger = await sandbox.Ledger();

        Assert.Empty(loggedAgain);
        Assert.Equal(loggedBefore.Select(e => e.Event.Id.Value).Order(), log.Select(e => e.Event.Id.Value).Order());
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Equal(SampleMonday.SentDeliveries, ledger.Count(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1));
    }

    // A crash after the provider took jtj-cao's email (the first of the day) and before the message store said so. Local
    // mode (no lease): the bus hands the dispatch notice over again at once; the message is still Sending under a lapsed
    // claim, so it is claimed and sent again. The provider sees that dispatch id twice; that is where the duplicate must
    // be absorbed: Communication Services gets the same Operation-Id (the DeliveryUuid of the dispatch id) and sends once;
    // the outbox rewrites the same .eml file; SMTP has no idempotency key (the Message-Id derived from the dispatch id
    // lets mail clients fold the copies). The ledger keeps one row per recipient, Sent once, and a later run sends nothing more.
    [Fact]
    public async Task Deliver_RecordsOneSentDeliveryPerRecipient_WhenTheSenderThrowsAfterTheEmailWentOut()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(1, new IOException("connection reset after the provider accepted the message"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        await sandbox.Cycle(sandbox.Local(), SecondRun);
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoMessage));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.DispatchId != CaoMessage).CountBy(c => c.Email.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.Equal(SampleMonday.Emails + 1, sandbox.Email.Calls.Count);
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.Equal((DeliveryStatus.Sent, 2), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts)).Single());
        Assert.Equal(SampleMonday.SentDeliveries, ledger.Count(d => d.Status == DeliveryStatus.Sent));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.DeadLetters);
    }

    // The same crash at the office's notice email, the one message carrying five events (R3's three notices of tasks, I2's
    // and I4's of indicators): the message sent again is the same message (same dispatch id, same events, same
    // first-attempt time), and each of the five deliveries it carries is Sent once, at the second attempt. The office's
    // summons (I8) is another message, sent once.
    [Fact]
    public async Task Deliver_SendsTheSameMessageAgainWithTheSameEvents_WhenTheSenderThrowsAfterAMessageOfSeveralEventsWentOut()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(3, new IOException("connection reset after the provider accepted the message"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();
        var office = Assert.Single(await sandbox.Dispatches(), d => d.Key.Id == OfficeMessage);

        var attempts = sandbox.Email.Calls.Where(c => c.Email.DispatchId == OfficeMessage).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(SampleMonday.OfficeNoticeEvents.Order(StringComparer.Ordinal), attempts[0].Email.Events.Order(StringComparer.Ordinal));
        Assert.Equal(attempts[0].Email.Events, attempts[1].Email.Events);
        Assert.Equal((attempts[0].Email.To, attempts[0].Email.Subject, attempts[0].Email.PlainText), (attempts[1].Email.To, attempts[1].Email.Subject, attempts[1].Email.PlainText));
        Assert.Equal((DispatchStatus.Sent, 2, 5, FirstRun), (office.Status, office.Attempts, office.Items.Count, office.FirstAttemptAt));
        var officeEmails = ledger.Where(d => d.Key == "Email:dcs-office").ToList();
        Assert.Equal(
            attempts[0].Email.Events.Append(SampleMonday.QingshiBottomSummons).Order(StringComparer.Ordinal),
            officeEmails.Select(d => d.Event.Value).Order(StringComparer.Ordinal));
        Assert.All(officeEmails.Where(d => d.Event.Value != SampleMonday.QingshiBottomSummons), d => Assert.Equal((DeliveryStatus.Sent, 2, OfficeMessage), (d.Status, d.Attempts, d.DispatchId)));
        Assert.Equal((DeliveryStatus.Sent, 1, OfficeSummons), officeEmails.Where(d => d.Event.Value == SampleMonday.QingshiBottomSummons).Select(d => (d.Status, d.Attempts, d.DispatchId)).Single());
        Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == OfficeSummons);
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(await sandbox.Log(), e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    // The office's notice message carries five events (three of tasks, two of indicators). The process fails right after
    // the message was recorded Sent, while its deliveries were being brought in line with it: the first is Sent, the
    // second's write never happens. The redelivered dispatch notice finds the message Sent, does not send it again, and
    // brings the other four in line.
    [Fact]
    public async Task Deliver_BringsTheDeliveriesInLineWithoutSendingAgain_WhenTheSenderFailedAfterRecordingTheMessageSent()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        var tables = CrashAtSecondOfficeDeliveryMirroredSent(sandbox, new IOException("worker process exited"));
        var local = sandbox.Local(tables: tables);

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();

        Assert.True(tables.Crashed);
        Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == OfficeMessage);
        Assert.Equal(SampleMonday.OfficeNoticeEvents.Order(), ledger.Where(d => d.DispatchId == OfficeMessage).Select(d => d.Event.Value).Order());
        Assert.Equal(
            Enumerable.Repeat((DeliveryStatus.Sent, 1), SampleMonday.OfficeNoticeEvents.Count + 1), // and the summons, in a message of its own
            ledger.Where(d => d.Key == "Email:dcs-office").Select(d => (d.Status, d.Attempts)));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(await sandbox.Log(), e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.DeadLetters);
    }

    // The same moment, but the process is killed: the office's notice message is Sent, one of its deliveries Sent and four
    // still Pending, and every event still Published (the indicators' as much as the tasks'). The next run's scan publishes the events again; the two deliveries follow
    // their message, which is Sent, so they are brought in line without a second send, and the events are settled.
    [Fact]
    public async Task Cycle_BringsTheDeliveriesInLineWithoutSendingAgain_WhenTheRunBeforeWasKilledAfterRecordingTheMessageSent()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        var tables = CrashAtSecondOfficeDeliveryMirroredSent(sandbox, new OperationCanceledException("killed"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sandbox.Cycle(sandbox.Local(tables: tables), FirstRun));
        var office = Assert.Single(await sandbox.Dispatches(), d => d.Key.Id == OfficeMessage);
        var interrupted = (await sandbox.Ledger()).Where(d => d.DispatchId == OfficeMessage).Select(d => d.Status).Order().ToList();
        await sandbox.Cycle(sandbox.Local(), SecondRun);
        var ledger = await sandbox.Ledger();

        Assert.Equal(DispatchStatus.Sent, office.Status);
        Assert.Equal([DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Pending, DeliveryStatus.Sent], interrupted);
        Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == OfficeMessage);
        Assert.All(ledger.Where(d => d.Key == "Email:dcs-office"), d => Assert.Equal((DeliveryStatus.Sent, 1), (d.Status, d.Attempts)));
        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(await sandbox.Dispatches(), d => Assert.Equal((DispatchStatus.Sent, 1), (d.Status, d.Key.Sequence)));
        var log = await sandbox.Log();
        Assert.Equal(SampleMonday.Events.Order(), log.Select(e => e.Event.Id.Value).Order());
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    // The same crash, but the process dies (the cancellation escapes the bus, as a kill would end the run): jtj-cao's
    // message is left claimed (Sending) after one attempt, its delivery Pending, the other messages not tried; the
    // dispatch notices die with the in-process bus. The next run publishes the events again (the log says Published, not
    // delivered); each delivery already in a message follows it, so the messages are sent, jtj-cao's once more under the
    // same dispatch id, and no event joins a second message.
    [Fact]
    public async Task Cycle_SendsWhatIsLeftOnce_WhenTheRunBeforeWasKilledMidSend()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(1, new OperationCanceledException("killed"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sandbox.Cycle(sandbox.Local(), FirstRun));
        var interrupted = Assert.Single(await sandbox.Ledger(), d => d.Id == CaoEmail);
        var claimed = Assert.Single(await sandbox.Dispatches(), d => d.Key.Id == CaoMessage);
        await sandbox.Cycle(sandbox.Local(), SecondRun);
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        Assert.Equal((DeliveryStatus.Pending, CaoMessage), (interrupted.Status, interrupted.DispatchId));
        Assert.Equal((DispatchStatus.Sending, 1), (claimed.Status, claimed.Attempts));
        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoMessage));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.DispatchId != CaoMessage).CountBy(c => c.Email.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.All(sandbox.Sms.Calls.CountBy(c => c.Sms.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.Equal((SampleMonday.Emails + 1, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(await sandbox.Dispatches(), d => Assert.Equal((DispatchStatus.Sent, 1), (d.Status, d.Key.Sequence)));
        Assert.Equal((DeliveryStatus.Sent, 2, SecondRun), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts, d.UpdatedAt)).Single());
        Assert.Equal(SampleMonday.SentDeliveries, ledger.Count(d => d.Status == DeliveryStatus.Sent));
        Assert.Equal(SampleMonday.Events.Order(), log.Select(e => e.Event.Id.Value).Order());
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    // Each recipient of an event gets a message of their own, sent and recorded on its own: a crash at jtj-wang's email
    // (the second) keeps jtj-cao's Sent, so the redelivery does not send jtj-cao's email again. Only the message in
    // flight can be sent twice (the provider's idempotency key covers Communication Services; SMTP cannot dedupe).
    [Fact]
    public async Task Deliver_DoesNotSendAnAcceptedEmailAgain_WhenTheSenderThrowsAtALaterRecipientOfTheEvent()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(2, new IOException("connection reset after the provider accepted the message"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();

        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == WangMessage));
        Assert.Equal(1, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoMessage));
        Assert.Equal((DeliveryStatus.Sent, 1), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts)).Single());
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
    }

    // In Azure the lease is two minutes and messages gather for ten. The messages of the 10:00 scan go at 10:10; an
    // invocation that dies sending one has its dispatch notice handed over again at once, or after the lock expires (one
    // minute by default): both within the lease. The redelivery finds the message claimed under an unexpired lease and
    // leaves it, but schedules a notice for when the lease ends (10:12), so that a dead holder's message is claimed again
    // then, not a day later by the next scan.
    [Fact]
    public async Task Deliver_SendsTheDeliveryWhenTheLeaseEnds_WhenTheInvocationDiedMidSendUnderALease()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(1, new IOException("worker process exited"));
        var (bus, engine) = sandbox.Compose(DeliveryOptions.Default);

        await engine.ScanDeadlines();
        await bus.Drain(FirstRun + Duration.FromHours(1), sandbox.Clock.AdvanceTo);
        var stranded = Assert.Single(await sandbox.Ledger(), d => d.Id == CaoEmail);
        var log = await sandbox.Log();

        Assert.Equal((Duration.FromMinutes(2), Duration.FromMinutes(10)), (DeliveryOptions.Default.Lease, DeliveryOptions.Default.Gather));
        Assert.Equal((DeliveryStatus.Sent, 2), (stranded.Status, stranded.Attempts));
        Assert.Equal(
            [FirstRun + Duration.FromMinutes(10), FirstRun + Duration.FromMinutes(12)],
            sandbox.Email.Calls.Where(c => c.Email.DispatchId == CaoMessage).Select(c => c.At));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        SentMessages.AssertEachSentDeliveryCarriedOnce(await sandbox.Ledger(), SentMessages.Accepted(sandbox));
    }

    private static DeliveryOptions LocalOptions => DeliveryOptions.Default with { Lease = Duration.Zero };

    /// <summary>The sandbox's tables, crashing right before the second of the office message's deliveries is written Sent.</summary>
    private static CrashingTables CrashAtSecondOfficeDeliveryMirroredSent(Sandbox sandbox, Exception crash)
    {
        var mirrored = 0;
        return new CrashingTables(
            sandbox.Tables,
            (table, entity) => table == DeliveryLedger.TableName
                && entity.GetString("Dispatch") == OfficeMessage
                && entity.GetString("Status") == nameof(DeliveryStatus.Sent)
                && ++mirrored == 2,
            crash);
    }
}
