using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The acceptance: running the daily cycle twice sends each message once. The second run finds every event in
/// the log and every delivery final in the ledger, so it logs and sends nothing.
/// </summary>
public sealed class RunTwiceTests
{
    //        June 2026 (Asia/Shanghai)
    //  Mo  Tu  We  Th  Fr  Sa  Su
    // [1]   2   3   4   5   6   7      1 = working day; window 08:30–18:00
    //
    // 10:00 first run; second run at 10:00 again, or at 13:00.
    // With the samples, three R3 notices (jtj-2026-01, wjw-2026-01, wjw-2026-02), each to two unit staff (email and SMS)
    // and the supervision office (email only, so its SMS is skipped): 9 emails and 6 SMS.
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

        var second = sandbox.Local();
        var loggedSecond = new List<EscalationEvent>();
        second.OnLogged(loggedSecond.Add);
        var outcome = await sandbox.Cycle(second, FirstRun + Duration.FromMinutes(minutesLater));
        var logSecond = await sandbox.Log();
        var ledgerSecond = await sandbox.Ledger();

        Assert.Equal((9, 6), (emailsFirst, smsFirst));
        Assert.Equal(3, loggedFirst.Count);
        Assert.All(logFirst, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Equal(10, outcome.Units);
        Assert.Equal((9, 6), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Empty(loggedSecond);
        Assert.Equal(LogRows(logFirst), LogRows(logSecond));
        Assert.Equal(LedgerRows(ledgerFirst), LedgerRows(ledgerSecond));
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

        await sandbox.Cycle(local, FirstRun);
        var ledgerSecond = await sandbox.Ledger();

        Assert.Equal(3, logged.Count);
        Assert.Equal((9, 6), (sandbox.Email.Calls.Count, sandbox.Sms.Calls.Count));
        Assert.Equal(LedgerRows(ledgerFirst), LedgerRows(ledgerSecond));
    }

    [Fact]
    public async Task Cycle_SendsEachDeliveryOnce_WhenRunOnce()
    {
        using var sandbox = await Sandbox.WithSamples(FirstRun - Duration.FromHours(1));
        var local = sandbox.Local();

        await sandbox.Cycle(local, FirstRun);
        var ledger = await sandbox.Ledger();

        Assert.Equal(9, sandbox.Email.Calls.Select(c => c.Email.DispatchId).Distinct().Count());
        Assert.Equal(6, sandbox.Sms.Calls.Select(c => c.Sms.DispatchId).Distinct().Count());
        Assert.All(sandbox.Email.Calls, c => Assert.Equal(FirstRun, c.At));
        Assert.Equal(15, ledger.Count(d => d.Status == DeliveryStatus.Sent && d.Attempts == 1));
        Assert.Equal(3, ledger.Count(d => d.Status == DeliveryStatus.Skipped && d.Person.Value == "dcs-office"));
    }

    private static List<(string, LogStatus, Instant)> LogRows(IEnumerable<LogEntry> log) =>
        [.. log.Select(e => (e.Event.Id.Value, e.Status, e.UpdatedAt)).Order()];

    private static List<(string, DeliveryStatus, int, Instant)> LedgerRows(IEnumerable<Delivery> ledger) =>
        [.. ledger.Select(d => (d.Id, d.Status, d.Attempts, d.UpdatedAt)).Order()];
}
