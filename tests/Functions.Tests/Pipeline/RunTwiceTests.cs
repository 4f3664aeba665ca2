using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The acceptance: running the daily cycle twice sends each message once. The second run finds every event in
/// the log, every delivery final in the ledger and every message sent, so it logs and sends nothing.
/// </summary>
public sealed class RunTwiceTests
{
    //        June 2026 (Asia/Shanghai)
    //  Mo  Tu  We  Th  Fr  Sa  Su
    // [1]   2   3   4   5   6   7      1 = working day; window 08:30–18:00
    //
    // 10:00 first run; second run at 10:00 again, or at 13:00.
    // With the samples, three R3 notices (jtj-2026-01, wjw-2026-01, wjw-2026-02), each to two unit staff (email and SMS)
    // and the supervision office (email only, so its SMS is skipped): 15 deliveries, sent as one message per person and
    // channel: 6 emails (the office's carries the three notices, wjw-xie's the two of wjw) and 5 SMS (wjw-xie's carries two).
    //
    //   email  jtj-cao [jtj]  jtj-wang [jtj]  dcs-office [jtj, wjw-1, wjw-2]  wjw-zhu [wjw-1]  wjw-xie [wjw-1, wjw-2]  wjw-ma [wjw-2]
    //   sms    jtj-cao [jtj]  jtj-wang [jtj]                                  wjw-zhu [wjw-1]  wjw-xie [wjw-1, wjw-2]  wjw-ma [wjw-2]
    private static readonly Instant FirstRun = Sandbox.At(2026, 6, 1, 10, 0);

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

        Assert.Equal((6, 5), (emailsFirst, smsFirst));
        Assert.Equal(3, loggedFirst.Count);
        Assert.All(logFirst, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Equal(24, outcome.Units);
        Assert.Equal((6, 5), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
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

        Assert.Equal(3, logged.Count);
        Assert.Equal((6, 5), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
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

        Assert.Equal((6, 5), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.All(sandbox.Email.Calls, c => Assert.Equal(FirstRun, c.At));
        Assert.All(sandbox.Sms.Calls, c => Assert.Equal(FirstRun, c.At));
        Assert.Equal(15, ledger.Count(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1));
        Assert.Equal(3, ledger.Count(d => d.Status == DeliveryStatus.Skipped && d.Person.Value == "dcs-office"));
        Assert.All(dispatches, d => Assert.Equal((DispatchStatus.Sent, 1, 1), (d.Status, d.Attempts, d.Key.Sequence)));
        Assert.Equal(3, Assert.Single(sandbox.Email.Calls, c => c.Email.DispatchId == "Email:dcs-office:20260601:Notice:001").Email.Events.Count);
        Assert.Equal(2, Assert.Single(sandbox.Sms.Calls, c => c.Sms.DispatchId == "Sms:wjw-xie:20260601:Notice:001").Sms.Events.Count);
    }

    private static List<(string, LogStatus, Instant)> LogRows(IEnumerable<LogEntry> log) =>
        [.. log.Select(e => (e.Event.Id.Value, e.Status, e.UpdatedAt)).Order()];

    private static List<(string, DeliveryStatus, int, Instant)> LedgerRows(IEnumerable<Delivery> ledger) =>
        [.. ledger.Select(d => (d.Id, d.Status, d.Attempts, d.UpdatedAt)).Order()];

    private static List<(string, DispatchStatus, int, int, Instant)> DispatchRows(IEnumerable<Dispatch> dispatches) =>
        [.. dispatches.Select(d => (d.Key.Id, d.Status, d.Items.Count, d.Attempts, d.UpdatedAt)).Order()];
}
