using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// "Killing the process between logging and delivery, then running again, delivers each event once": the log is the
/// outbox (an event logged but not published is published by the next run) and the ledger makes publishing again
/// harmless (a recipient already sent is not sent again).
/// </summary>
public sealed class CrashRecoveryTests
{
    //        June 2026 (Asia/Shanghai)
    //  Mo  Tu  We  Th  Fr  Sa  Su
    // [1]   2   3   4   5   6   7      1 = working day; window 08:30–18:00
    //
    // 10:00 first run (dies somewhere); 10:05 second run, a new process over the same store.
    // Samples: three R3 notices (jtj ×1, wjw ×2), two unit staff (email, SMS) and the office (email) each: 9 emails, 6 SMS.
    private static readonly Instant FirstRun = Sandbox.At(2026, 6, 1, 10, 0);
    private static readonly Instant SecondRun = Sandbox.At(2026, 6, 1, 10, 5);

    /// <summary>The jtj notice's emails go out first, in this order: jtj-cao, jtj-wang, dcs-office.</summary>
    private const string CaoEmail = "ev-25017fe9e8a3fe66adefd38f9b774f05:Email:jtj-cao";

    private const string WangEmail = "ev-25017fe9e8a3fe66adefd38f9b774f05:Email:jtj-wang";

    [Fact]
    public async Task Cycle_LogsEventsButDeliversNothing_WhenPublishingToTheTopicFails()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        var (bus, engine) = sandbox.Compose(LocalOptions, b => new FailingPublisher(b, ServiceBusEntities.EventsTopic));

        await engine.ScanDeadlines();
        await bus.Drain(FirstRun, sandbox.Clock.AdvanceTo);
        var log = await sandbox.Log();

        Assert.Equal(3, log.Count);
        Assert.All(log, e => Assert.Equal(LogStatus.Logged, e.Status));
        Assert.Empty(sandbox.Email.Calls);
        Assert.Empty(sandbox.Sms.Calls);
        Assert.Empty(await sandbox.Ledger());
        Assert.Equal(["jtj", "wjw"], bus.DeadLetters.Select(d => d.MessageId.Split(':')[^1]));
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
        Assert.All(sandbox.Email.Calls.CountBy(c => c.Email.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.All(sandbox.Sms.Calls.CountBy(c => c.Sms.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.Equal((9, 6), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Equal(15, ledger.Count(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1));
    }

    // A crash after the provider took jtj-cao's email (the first of the day) and before the ledger said so. Local mode
    // (no lease): the bus hands the message over again at once; the delivery is still Pending, so it is claimed and
    // sent again. The provider sees that delivery id twice; that is where the duplicate must be absorbed: Communication
    // Services gets the same Operation-Id (the DeliveryUuid of the delivery id) and sends once; the outbox rewrites the
    // same .eml file; SMTP has no idempotency key (the Message-Id derived from the delivery id lets mail clients fold the
    // copies). The ledger keeps one row per recipient, Sent once, and a later run sends nothing more.
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

        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoEmail));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.DispatchId != CaoEmail).CountBy(c => c.Email.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.Equal(10, sandbox.Email.Calls.Count);
        Assert.Equal((DeliveryStatus.Sent, 2), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts)).Single());
        Assert.Equal(15, ledger.Count(d => d.Status == DeliveryStatus.Sent));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.DeadLetters);
    }

    // The same crash, but the process dies (the cancellation escapes the bus, as a kill would end the run): jtj-cao's
    // delivery is left Pending after one attempt, the others not tried. The next run publishes the event again (the
    // log says Published, not delivered) and sends what is left, jtj-cao's once more under the same delivery id.
    [Fact]
    public async Task Cycle_SendsWhatIsLeftOnce_WhenTheRunBeforeWasKilledMidSend()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(1, new OperationCanceledException("killed"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sandbox.Cycle(sandbox.Local(), FirstRun));
        var interrupted = Assert.Single(await sandbox.Ledger(), d => d.Id == CaoEmail);
        await sandbox.Cycle(sandbox.Local(), SecondRun);
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        Assert.Equal((DeliveryStatus.Pending, 1), (interrupted.Status, interrupted.Attempts));
        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoEmail));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.DispatchId != CaoEmail).CountBy(c => c.Email.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.All(sandbox.Sms.Calls.CountBy(c => c.Sms.DispatchId), c => Assert.Equal(1, c.Value));
        Assert.Equal((10, 6), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Equal((DeliveryStatus.Sent, 2, SecondRun), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts, d.UpdatedAt)).Single());
        Assert.Equal(15, ledger.Count(d => d.Status == DeliveryStatus.Sent));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    // Emails of one event are sent one by one and each result is recorded as soon as it is known: a crash at jtj-wang's
    // email (the second) keeps jtj-cao's Sent, so the redelivery does not send jtj-cao's email again. Only the one in
    // flight can be sent twice (the provider's idempotency key covers Communication Services; SMTP cannot dedupe).
    [Fact]
    public async Task Deliver_DoesNotSendAnAcceptedEmailAgain_WhenTheSenderThrowsAtALaterRecipientOfTheEvent()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun);
        sandbox.Email.ThrowOnCall(2, new IOException("connection reset after the provider accepted the message"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();

        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == WangEmail));
        Assert.Equal(1, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoEmail));
        Assert.Equal((DeliveryStatus.Sent, 1), ledger.Where(d => d.Id == CaoEmail).Select(d => (d.Status, d.Attempts)).Single());
    }

    // In Azure the lease is two minutes. An invocation that dies mid-send has its message handed over again at once, or
    // after the lock expires (one minute by default): both within the lease. The redelivery finds the delivery Pending
    // under an unexpired lease and leaves it, but schedules a message for when the lease ends, so that a dead holder's
    // delivery is claimed again then, not a day later by the next scan.
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

        Assert.Equal(Duration.FromMinutes(2), DeliveryOptions.Default.Lease);
        Assert.Equal(DeliveryStatus.Sent, stranded.Status);
        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoEmail));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    private static DeliveryOptions LocalOptions => DeliveryOptions.Default with { Lease = Duration.Zero };
}
