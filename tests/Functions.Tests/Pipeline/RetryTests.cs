using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// Transient failures are retried by re-publishing a scheduled message, with back-off (first retry 5 minutes, doubling)
/// pushed into the sending window, up to the configured attempts; a refused address fails at once. Retries are per
/// message: each recipient gets their own message on each channel, so one that fails never holds up the others.
/// </summary>
public sealed class RetryTests
{
    //        June 2026 (Asia/Shanghai)
    //  Mo  Tu  We  Th  Fr  Sa  Su
    // [1] [2]   3   4   5   6   7      working days; window 08:30–18:00
    //
    // Samples on Monday 1 (SampleMonday): three R3 notices. The one of jtj-2026-01 goes to jtj-cao and jtj-wang (email and
    // SMS) and to the supervision office dcs-office (email only; its SMS is skipped); those of wjw to wjw-zhu or wjw-ma,
    // wjw-xie and the office. Four events of indicators: I2's and I4's notices by email to fgw-yang or swuj-dong and the
    // office, I1's reminder to swuj-dong, I8's summons to town-qs-guo (email and SMS) and the office. Addresses from
    // samples/people.csv.
    private const string JtjNotice = SampleMonday.JtjNotice;
    private const string CaoEmail = "caofang@jtj.gov.example";
    private const string WangEmail = "wanglin@jtj.gov.example";
    private const string OfficeEmail = "dcs@szf.gov.example";
    private const string CaoMobile = "+8614000000018";
    private const string WangMobile = "+8614000000016";
    private const string ZhuMobile = "+8614000000032";

    // Attempts of jtj-cao's email when the provider is busy: T = transient, T30 = transient asking to wait 30 minutes.
    //
    //  run 10:00   10:00 ──5──> 10:05 ──10──> 10:15 ──20──> 10:35 sent     (attempt 4)
    //  run 10:00   10:00 ──30 (asked)──> 10:30 ──10 (1 asked)──> 10:40 sent
    //  run 17:52   17:52 ──5──> 17:57 ──10: 18:07 is after hours──> Tue 08:30 sent
    //  run 17:58   17:58 ──5: 18:03 is after hours──> Tue 08:30 sent              (the ledger says 08:30 at once)
    [Theory]
    [InlineData("2026-06-01T10:00", "T,T,T", "2026-06-01T10:00,2026-06-01T10:05,2026-06-01T10:15,2026-06-01T10:35")]
    [InlineData("2026-06-01T10:00", "T30,T1", "2026-06-01T10:00,2026-06-01T10:30,2026-06-01T10:40")]
    [InlineData("2026-06-01T17:52", "T,T", "2026-06-01T17:52,2026-06-01T17:57,2026-06-02T08:30")]
    [InlineData("2026-06-01T17:58", "T", "2026-06-01T17:58,2026-06-02T08:30")]
    public async Task Deliver_RetriesAtTheBackOffTimesUntilSent_WhenTheProviderIsBusy(string run, string answers, string attempts)
    {
        var at = Sandbox.At(run);
        var expected = attempts.Split(',').Select(Sandbox.At).ToList();
        using var sandbox = await Sandbox.WithSamples(at);
        sandbox.Email.Script(CaoEmail, [.. answers.Split(',').Select(Transient)]);
        var local = sandbox.Local();
        await sandbox.Cycle(local, at);
        var afterFirst = Delivery(await sandbox.Ledger(), "Email:jtj-cao");

        await sandbox.Drain(local, expected[^1] + Duration.FromHours(1));
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        Assert.Equal((DeliveryStatus.Deferred, 1, expected[1], "busy"), (afterFirst.Status, afterFirst.Attempts, afterFirst.NextAttemptAt!.Value, afterFirst.LastError));
        Assert.Equal(expected, sandbox.Email.Calls.Where(c => c.Email.To == CaoEmail).Select(c => c.At));
        var cao = Delivery(ledger, "Email:jtj-cao");
        Assert.Equal((DeliveryStatus.Sent, expected.Count, null), (cao.Status, cao.Attempts, cao.LastError));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.To != CaoEmail), c => Assert.Equal(at, c.At));
        Assert.All(ledger.Where(d => d.Key != "Email:jtj-cao" && d.Status == DeliveryStatus.Sent), d => Assert.Equal(1, d.Attempts));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.Waiting);
    }

    //  10:00 ──5──> 10:05 ──10──> 10:15 ──20──> 10:35 ──40──> 11:15 failed (attempt 5 of 5)
    [Fact]
    public async Task Deliver_GivesUpAfterMaxAttemptsAndTheEventIsPartlyFailed_WhenOneRecipientIsAlwaysBusy()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(run);
        sandbox.Email.Always(CaoEmail, new SendResult.Transient("busy"));
        var local = sandbox.Local();
        await sandbox.Cycle(local, run);
        var beforeGivingUp = await sandbox.Log();

        await sandbox.Drain(local, Sandbox.At("2026-06-01T18:00"));
        var cao = Delivery(await sandbox.Ledger(), "Email:jtj-cao");
        var log = await sandbox.Log();

        Assert.Equal(LogStatus.Published, Assert.Single(beforeGivingUp, e => e.Event.Id.Value == JtjNotice).Status);
        Assert.Equal(
            ["10:00", "10:05", "10:15", "10:35", "11:15"],
            sandbox.Email.Calls.Where(c => c.Email.To == CaoEmail).Select(c => Time(c.At)));
        Assert.Equal((DeliveryStatus.Failed, 5, "gave up after 5 attempts: busy", null), (cao.Status, cao.Attempts, cao.LastError, cao.NextAttemptAt));
        var jtj = Assert.Single(log, e => e.Event.Id.Value == JtjNotice);
        Assert.Equal((LogStatus.PartlyFailed, "已发送 4，失败 1，未发送 1"), (jtj.Status, jtj.StatusNote));
        Assert.All(log.Where(e => e.Event.Id.Value != JtjNotice), e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.Waiting);
    }

    [Fact]
    public async Task Deliver_FailsTheEvent_WhenNoDeliveryOfItSucceeds()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(run);
        foreach (var address in new[] { CaoEmail, WangEmail, OfficeEmail })
        {
            sandbox.Email.Always(address, new SendResult.Transient("mailbox server down"));
        }

        foreach (var number in new[] { CaoMobile, WangMobile })
        {
            sandbox.Sms.Always(number, new SendResult.Transient("gateway down"));
        }

        var local = sandbox.Local(DeliveryOptions.Default with { MaxAttempts = 2 });

        await sandbox.Cycle(local, run);
        await sandbox.Drain(local, Sandbox.At("2026-06-01T18:00"));
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        // Every other event copies the office, whose emails fail too, except I1's reminder (swuj-dong alone).
        var expected = new Dictionary<string, (LogStatus, string?)>
        {
            [JtjNotice] = (LogStatus.Failed, "已发送 0，失败 5，未发送 1"),
            [SampleMonday.Wjw1Notice] = (LogStatus.PartlyFailed, "已发送 4，失败 1，未发送 1"),
            [SampleMonday.Wjw2Notice] = (LogStatus.PartlyFailed, "已发送 4，失败 1，未发送 1"),
            [SampleMonday.FgwLagNotice] = (LogStatus.PartlyFailed, "已发送 1，失败 1，未发送 0"),
            [SampleMonday.SwujFloorNotice] = (LogStatus.PartlyFailed, "已发送 1，失败 1，未发送 0"),
            [SampleMonday.SwujLagReminder] = (LogStatus.Delivered, "已发送 1，失败 0，未发送 0"),
            [SampleMonday.QingshiBottomSummons] = (LogStatus.PartlyFailed, "已发送 2，失败 1，未发送 1"),
        };
        Assert.Equal(
            expected.Select(e => (e.Key, e.Value.Item1, e.Value.Item2)).Order(),
            log.Select(e => (e.Event.Id.Value, e.Status, e.StatusNote)).Order());
        Assert.All(ledger.Where(d => d.Event.Value == JtjNotice && d.Status != DeliveryStatus.Skipped), d => Assert.Equal((DeliveryStatus.Failed, 2), (d.Status, d.Attempts)));
        Assert.All(ledger.Where(d => d.Key == "Email:dcs-office"), d => Assert.Equal((DeliveryStatus.Failed, 2), (d.Status, d.Attempts)));
        Assert.Empty(local.Bus.Waiting);
    }

    [Fact]
    public async Task Deliver_FailsARefusedAddressAtOnceAndSendsTheOtherRecipients_WhenTheFirstAddressIsRejected()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(run);
        sandbox.Email.Always(CaoEmail, new SendResult.Rejected("recipient address rejected"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, run);
        var ledger = await sandbox.Ledger();
        var log = await sandbox.Log();

        Assert.Equal(CaoEmail, sandbox.Email.Calls[0].Email.To);
        Assert.Single(sandbox.Email.Calls, c => c.Email.To == CaoEmail);
        var cao = Delivery(ledger, "Email:jtj-cao");
        Assert.Equal((DeliveryStatus.Failed, 1, "recipient address rejected", null), (cao.Status, cao.Attempts, cao.LastError, cao.NextAttemptAt));
        Assert.All(["Email:jtj-wang", "Email:dcs-office", "Sms:jtj-cao", "Sms:jtj-wang"], key => Assert.Equal(DeliveryStatus.Sent, Delivery(ledger, key).Status));
        Assert.Equal(LogStatus.PartlyFailed, Assert.Single(log, e => e.Event.Id.Value == JtjNotice).Status);
        Assert.Empty(local.Bus.Waiting);
    }

    // One SMS per person (one message each, its events listed together); each answer applies to that message's own
    // deliveries, and only a transient one is retried, as the same message:
    //  jtj-cao  [jtj]            sent
    //  jtj-wang [jtj]            busy     → retried alone at 10:05 (same dispatch id, events, first-attempt time), then sent
    //  wjw-zhu  [wjw-1]          refused  → failed at once; wjw-1 is then partly failed
    //  wjw-xie  [wjw-1, wjw-2]   sent     → both its deliveries sent
    //  wjw-ma   [wjw-2]          sent
    //  town-qs-guo [I8]          sent     (a summons, another message than the notices)
    [Fact]
    public async Task Deliver_AppliesEachSmsResultToItsOwnRecipient_WhenTheMessagesOfARunGetMixedAnswers()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(run);
        sandbox.Sms.Script(WangMobile, new SendResult.Transient("throttled"));
        sandbox.Sms.Script(ZhuMobile, new SendResult.Rejected("number not reachable"));
        var local = sandbox.Local();
        await sandbox.Cycle(local, run);
        var afterRun = await sandbox.Ledger();
        var batchesAfterRun = sandbox.Sms.Batches;

        await sandbox.Drain(local, Sandbox.At("2026-06-01T11:00"));
        var ledger = await sandbox.Ledger();
        var dispatches = await sandbox.Dispatches();
        var log = await sandbox.Log();

        Assert.Equal(SampleMonday.Sms, batchesAfterRun);
        Assert.Equal((DeliveryStatus.Sent, 1), (Delivery(afterRun, "Sms:jtj-cao").Status, Delivery(afterRun, "Sms:jtj-cao").Attempts));
        Assert.Equal((DeliveryStatus.Deferred, run + Duration.FromMinutes(5), "throttled"), (Delivery(afterRun, "Sms:jtj-wang").Status, Delivery(afterRun, "Sms:jtj-wang").NextAttemptAt!.Value, Delivery(afterRun, "Sms:jtj-wang").LastError));
        var zhu = Assert.Single(afterRun, d => d.Key == "Sms:wjw-zhu");
        Assert.Equal((DeliveryStatus.Failed, "number not reachable"), (zhu.Status, zhu.LastError));
        Assert.Equal(2, afterRun.Count(d => d.Key == "Sms:wjw-xie"));
        Assert.All(afterRun.Where(d => d.Key is "Sms:wjw-xie" or "Sms:wjw-ma" || d.Channel == Channel.Email), d => Assert.Equal(DeliveryStatus.Sent, d.Status));
        Assert.Equal(SampleMonday.Sms + 1, sandbox.Sms.Batches);
        var wangAttempts = sandbox.Sms.Calls.Where(c => c.Sms.To == WangMobile).ToList();
        Assert.Equal([run, run + Duration.FromMinutes(5)], wangAttempts.Select(c => c.At));
        Assert.All(wangAttempts, c => Assert.Equal(("Sms:jtj-wang:20260601:Notice:001", run), (c.Sms.DispatchId, c.Sms.FirstAttemptAt)));
        Assert.All(wangAttempts, c => Assert.Equal([JtjNotice], c.Sms.Events));
        Assert.Equal((DeliveryStatus.Sent, 2), (Delivery(ledger, "Sms:jtj-wang").Status, Delivery(ledger, "Sms:jtj-wang").Attempts));
        Assert.Single(sandbox.Sms.Calls, c => c.Sms.To == ZhuMobile);
        Assert.Equal(
            [("Sms:jtj-cao", DispatchStatus.Sent, 1), ("Sms:jtj-wang", DispatchStatus.Sent, 2), ("Sms:town-qs-guo", DispatchStatus.Sent, 1), ("Sms:wjw-ma", DispatchStatus.Sent, 1), ("Sms:wjw-xie", DispatchStatus.Sent, 1), ("Sms:wjw-zhu", DispatchStatus.Failed, 1)],
            dispatches.Where(d => d.Key.Channel == Channel.Sms).Select(d => (d.Key.Partition, d.Status, d.Attempts)).Order());
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        var wjw1 = Assert.Single(log, e => e.Event.Id == zhu.Event);
        Assert.Equal((LogStatus.PartlyFailed, "已发送 4，失败 1，未发送 1"), (wjw1.Status, wjw1.StatusNote));
        Assert.All(log.Where(e => e.Event.Id != zhu.Event), e => Assert.Equal(LogStatus.Delivered, e.Status));
    }

    private static Delivery Delivery(IEnumerable<Delivery> ledger, string key) =>
        Assert.Single(ledger, d => d.Event.Value == JtjNotice && d.Key == key);

    private static SendResult Transient(string code) =>
        code == "T" ? new SendResult.Transient("busy") : new SendResult.Transient("busy", Duration.FromMinutes(int.Parse(code[1..], System.Globalization.CultureInfo.InvariantCulture)));

    private static string Time(Instant at) => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Format(at.InZone(Sandbox.Zone).TimeOfDay);

}
