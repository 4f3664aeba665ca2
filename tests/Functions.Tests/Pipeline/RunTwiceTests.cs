using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The acceptance: running the daily cycle twice sends each message once. The second run finds every event in
/// the log, every delivery final in the ledger and every message sent, so it logs and sends nothing.
/// </summary>
public sealed class RunTwiceTests
{
    // 10:00 first run (SampleMonday: 7 events, 3 of tasks and 4 of indicators, 23 deliveries sent in 11 emails and 6 SMS);
    // second run at 10:00 again, or at 13:00.
    private static readonly Instant FirstRun = SampleMonday.Run;

    [Theory]
    [InlineData(0)]
    [InlineData(180)]
    public async Task Cycle_SendsNothingAndLogsNothing_WhenRunAgainTheSameDayInANewProcess(int minutesLater)
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun - Duration.FromHours(1));
        var first = sandbox.Local();
        var loggedFirst = new List<EscalationEvent>();
        first.OnLogged(loggedFirst.Add);
        await sandbox.Cycle(first, FirstRun);
        var (emailsFirst, smsFirst) = (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count);
        var logFirst = await sandbox.Log();
        var ledgerFirst = await sandbox.Ledger();
        var dispatchesFirst = await sandbox.Dispatches();

        var second = sandbox.Local();
        var loggedSecond = new List<EscalationEvent>();
        second.OnLogged(loggedSecond.Add);
        var outcome = await sandbox.Cycle(second, FirstRun + Duration.FromMinutes(minutesLater));
        var logSecond = await sandbox.Log();
        var ledgerSecond = await sandbox.Ledger();

        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (emailsFirst, smsFirst));
        Assert.Equal(SampleMonday.Events.Order(), loggedFirst.Select(e => e.Id.Value).Order());
        Assert.Equal(SampleMonday.Events.Order(), logFirst.Select(e => e.Event.Id.Value).Order());
        Assert.All(logFirst, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Equal((24, 9), (outcome.Units, outcome.Indicators));
        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Empty(loggedSecond);
        Assert.Equal(LogRows(logFirst), LogRows(logSecond));
        Assert.Equal(LedgerRows(ledgerFirst), LedgerRows(ledgerSecond));
        Assert.Equal(DispatchRows(dispatchesFirst), DispatchRows(await sandbox.Dispatches()));
        Assert.Empty(second.Bus.Waiting);
        Assert.Empty(second.Bus.DeadLetters);
    }

    [Fact]
    public async Task Cycle_SendsNothingAndLogsNothing_WhenRunAgainAtTheSameTimeInTheSameProcess()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun - Duration.FromHours(1));
        var local = sandbox.Local();
        var logged = new List<EscalationEvent>();
        local.OnLogged(logged.Add);
        await sandbox.Cycle(local, FirstRun);
        var ledgerFirst = await sandbox.Ledger();
        var dispatchesFirst = await sandbox.Dispatches();

        await sandbox.Cycle(local, FirstRun);
        var ledgerSecond = await sandbox.Ledger();

        Assert.Equal(SampleMonday.Events.Order(), logged.Select(e => e.Id.Value).Order());
        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Equal(LedgerRows(ledgerFirst), LedgerRows(ledgerSecond));
        Assert.Equal(DispatchRows(dispatchesFirst), DispatchRows(await sandbox.Dispatches()));
    }

    [Fact]
    public async Task Cycle_SendsEachDeliveryOnce_WhenRunOnce()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun - Duration.FromHours(1));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();
        var dispatches = await sandbox.Dispatches();

        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(sandbox.Email.Calls, c => Assert.Equal(FirstRun, c.At));
        Assert.All(sandbox.Sms.Calls, c => Assert.Equal(FirstRun, c.At));
        Assert.Equal(SampleMonday.SentDeliveries, ledger.Count(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1));
        Assert.Equal(SampleMonday.SkippedDeliveries, ledger.Count(d => d.Status == DeliveryStatus.Skipped && d.Person.Value == "dcs-office" && d.Channel == Channel.Sms));
        Assert.Equal(SampleMonday.SentDeliveries + SampleMonday.SkippedDeliveries, ledger.Count);
        Assert.All(dispatches, d => Assert.Equal((DispatchStatus.Sent, 1, 1), (d.Status, d.Attempts, d.Key.Sequence)));
        Assert.Equal(
            SampleMonday.OfficeNoticeEvents.Order(),
            Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == SampleMonday.OfficeNoticeEmail).Email.Events.Order());
        Assert.Equal(
            [SampleMonday.QingshiBottomSummons],
            Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == "Email:dcs-office:20260601:Summons:001").Email.Events);
        Assert.Equal(
            [SampleMonday.SwujFloorNotice],
            Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == "Email:swuj-dong:20260601:Notice:001").Email.Events);
        Assert.Equal(
            [SampleMonday.SwujLagReminder],
            Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == "Email:swuj-dong:20260601:Reminder:001").Email.Events);
        Assert.Equal(2, Assert.Single(sandbox.Sms.Calls, c => c.Sms.DispatchId == "Sms:wjw-xie:20260601:Notice:001").Sms.Events.Count);
    }

    private static List<(string, LogStatus, Instant)> LogRows(IEnumerable<LogEntry> log) =>
        [.. log.Select(e => (e.Event.Id.Value, e.Status, e.UpdatedAt)).Order()];

    private static List<(string, DeliveryStatus, int, Instant)> LedgerRows(IEnumerable<Delivery> ledger) =>
        [.. ledger.Select(d => (d.Id, d.Status, d.Attempts, d.UpdatedAt)).Order()];

    private static List<(string, DispatchStatus, int, int, Instant)> DispatchRows(IEnumerable<Dispatch> dispatches) =>
        [.. dispatches.Select(d => (d.Key.Id, d.Status, d.Items.Count, d.Attempts, d.UpdatedAt)).Order()];
}
