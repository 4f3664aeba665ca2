using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using NodaTime;
using Xunit.Abstractions;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The engine's per-number daily SMS cap (Escalation__Sms__DailyCap): a number is sent at most that many SMS messages a
/// local day; the events of a message over it join the person's message of the next day's first window, so that the
/// next day brings one message, except those worded for their own day (a report due today), which would be out of date
/// there and are skipped. Email has no cap.
/// </summary>
public sealed class SmsDailyCapTests(ITestOutputHelper output)
{
    // Samples: on Tuesday 2 June two numbers (+8614000000016 jtj-wang, +8614000000030) are due two SMS messages each.
    // With a cap of 1 the second of each moves into Wednesday 3 June's message, sent at 08:30, the next day's first window.
    // The unsigned chase (R15) is taken out: nobody signs here, and its reminders to the same principals would be a third.
    [Fact]
    public async Task Deliver_SendsNoNumberMoreThanTheCapADay_AndTheRestTheNextMorning()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-01T09:00"));
        var rules = await sandbox.Tables.Table("rules");
        Assert.True(await rules.Delete("rule", "R15", Azure.ETag.All));
        var local = sandbox.Local(DeliveryOptions.Default with { SmsDailyCap = 1 });
        var june2 = new LocalDate(2026, 6, 2);

        await sandbox.Cycle(local, Sandbox.At("2026-06-01T09:00"));
        await sandbox.Cycle(local, Sandbox.At("2026-06-02T09:00"));
        var beforeMorning = (await sandbox.Dispatches()).Where(SmsOfJune2).ToList();
        await sandbox.Drain(local, Sandbox.At("2026-06-03T08:45"));
        var after = (await sandbox.Dispatches()).Where(SmsOfJune2).ToList();

        bool SmsOfJune2(Dispatch d) => d.Key.Channel == Channel.Sms && d.Key.Day == june2;
        Assert.All(sandbox.Sms.Sent.GroupBy(s => (s.Sms.To, s.At.InZone(Sandbox.Zone).Date)), g => Assert.Single(g));
        var moved = beforeMorning.Where(d => d.Status == DispatchStatus.Moved).ToList();
        Assert.Equal(2, moved.Count);
        Assert.All(moved, d => Assert.Contains("daily SMS cap of 1", d.LastError, StringComparison.Ordinal));
        Assert.All(moved, d => Assert.Equal(new LocalDate(2026, 6, 3), d.MovedTo!.Day));
        var movedNumbers = sandbox.Sms.Sent.Where(s => s.At == Sandbox.At("2026-06-03T08:30")).Select(s => s.Sms.To).Order().ToList();
        Assert.Equal(["+8614000000016", "+8614000000030"], movedNumbers);
        Assert.DoesNotContain(after, d => d.Status == DispatchStatus.Deferred);
        var ledger = await sandbox.Ledger();
        var movedDeliveries = ledger.Where(d => moved.Any(m => m.Key.Partition == d.Key && m.Items.Any(i => i.Event == d.Event))).ToList();
        Assert.Equal(moved.Sum(m => m.Items.Count), movedDeliveries.Count);
        Assert.All(movedDeliveries, d => Assert.Equal((DeliveryStatus.Sent, new LocalDate(2026, 6, 3)), (d.Status, d.DispatchDay)));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger.Where(d => d.Channel == Channel.Sms), SmsAccepted(sandbox));
    }

    //        June 2026 (Asia/Shanghai), window 08:30–18:00, cap 2 SMS a number a day
    //  Mo  Tu  We
    //   1  [2] [3]
    // Tue 2 June: five events for jtj-wang (+8614000000016), one every half hour from 09:00, each after the previous
    // message went, so each starts a message of its own (Notice 001…005). 001 and 002 go; 003, 004 and 005 are over the
    // cap and their events join Wednesday's Notice message. Wed 3 June 08:00: two more events for him; at 08:30 one SMS
    // carries all five. With event 3 a reminder that his report is due today (今天是报送截止日), 003 carries nothing on:
    // that event is skipped as out of date, no Wednesday message is started for it, and Wednesday's SMS carries four.
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Deliver_PutsTheMessagesOverTheCap_IntoOneGroupedMessageTheNextDay_WithThatDaysOwn(int dueToday)
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-02T08:00"));
        var local = sandbox.Local(CapOfTwo);

        var events = await TwoDays(sandbox, () => local, dueToday: dueToday);

        await AssertOneGroupedMessageTheNextDay(sandbox, events, dueToday);
    }

    //        June 2026 (Asia/Shanghai), window 08:30–18:00, cap 2 SMS a number a day
    //  Tu  We
    //  [2] [3]
    // Tue 2 June: 001 and 002 go to jtj-wang; at 10:00 a report-due-today reminder (R10's 今天是报送截止日, worded for
    // Tuesday) and a lag notice come at once and both join 003, which is over the cap. Only the lag goes on to Wednesday's
    // first window: told on Wednesday, the reminder would say something false, so its delivery ends skipped.
    [Fact]
    public async Task Deliver_LeavesAReportDueTodayBehind_WhenItsMessageMovesOverTheCap_AndCarriesTheRestToTheNextDay()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-02T08:00"));
        var local = sandbox.Local(CapOfTwo);
        var log = new EscalationLog(sandbox.Tables);
        async Task Raise(string at, params EscalationEvent[] raised)
        {
            var now = Sandbox.At(at);
            sandbox.Clock.AdvanceTo(now);
            foreach (var e in raised)
            {
                await log.Record(e, now);
            }

            await local.Bus.Publish(ServiceBusEntities.EventsTopic, [.. raised.Select(EventNotice.First)]);
            await sandbox.Drain(local, now);
        }

        var tuesday = new LocalDate(2026, 6, 2);
        var dueToday = Event(3, tuesday, EventKind.ReportDueSoon);
        var lag = Event(4, tuesday, EventKind.Lagging);
        await Raise("2026-06-02T09:00", Event(1, tuesday));
        await Raise("2026-06-02T09:30", Event(2, tuesday));
        await Raise("2026-06-02T10:00", dueToday, lag);
        await sandbox.Drain(local, Sandbox.At("2026-06-03T12:00"));

        var texts = sandbox.Sms.Sent.Where(s => s.Sms.To == Wang).ToList();
        Assert.Equal(
            [("Sms:jtj-wang:20260602:Notice:001", 1), ("Sms:jtj-wang:20260602:Notice:002", 1), ("Sms:jtj-wang:20260603:Notice:001", 1)],
            texts.Select(t => (t.Sms.DispatchId, t.Sms.Events.Count)));
        Assert.Equal([lag.Id.Value], texts[2].Sms.Events);
        Assert.Equal(Sandbox.At("2026-06-03T08:30"), texts[2].At);
        var messages = (await sandbox.Dispatches()).Where(d => d.Key.Partition == "Sms:jtj-wang").ToDictionary(d => d.Key.Id);
        var over = messages["Sms:jtj-wang:20260602:Notice:003"];
        Assert.Equal((DispatchStatus.Moved, "Sms:jtj-wang:20260603:Notice:001"), (over.Status, over.MovedTo?.Id));
        Assert.Equal([dueToday.Id, lag.Id], over.Items.Select(i => i.Event));
        Assert.Equal([lag.Id], messages["Sms:jtj-wang:20260603:Notice:001"].Items.Select(i => i.Event));

        var ledger = await sandbox.Ledger();
        var skipped = ledger.Single(d => d.Event == dueToday.Id);
        Assert.Equal(
            (DeliveryStatus.Skipped, over.Key.Id, "over the daily SMS cap, and out of date: worded for 2026-06-02, the first day it could go is 2026-06-03"),
            (skipped.Status, skipped.DispatchId, skipped.LastError));
        Assert.Equal((DeliveryStatus.Sent, "Sms:jtj-wang:20260603:Notice:001"), ledger.Where(d => d.Event == lag.Id).Select(d => (d.Status, d.DispatchId)).Single());
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger.Where(d => d.Channel == Channel.Sms), SmsAccepted(sandbox));
        var logged = (await sandbox.Log()).ToDictionary(e => e.Event.Id);
        Assert.Equal((LogStatus.Failed, "已发送 0，失败 0，未发送 1"), (logged[dueToday.Id].Status, logged[dueToday.Id].StatusNote));
        Assert.Equal(LogStatus.Delivered, logged[lag.Id].Status);
    }

    // The process is killed in the middle of a move, and the notices die with it:
    // - "moved": between the writes of the first move (003): Wednesday's message already holds its event, 003 is still
    //   Deferred (naming Wednesday) and its delivery still names it. A new process raises 004, whose move joins
    //   Wednesday's message too and brings that message's deliveries in line, 003's among them; as that delivery leaves
    //   003, 003 is seen to: its move resumes into the day it named, finds its event there and is written Moved.
    // - "joining": before 004's event is written into Wednesday's message: 004 is Deferred (naming Wednesday) and holds
    //   the only copy of its event. On Wednesday morning the scan publishes the unsettled events again; 004's delivery
    //   follows 004, whose move resumes into Wednesday's message before it goes.
    // With event 3 due today (out of date on Wednesday), 003 carries nothing on:
    // - "moved": before 003 is written Moved: it is Deferred (naming Wednesday), Wednesday's message does not hold event 3
    //   (004's move starts it later), and the delivery still names 003. On Wednesday morning the scan publishes event 3
    //   again; its delivery follows 003, whose move resumes, carries nothing, and skips it.
    // - "skipping": after 003 is written Moved, before event 3's delivery is skipped. The same notice on Wednesday
    //   morning finds 003 settled and skips the delivery.
    // Either way: nothing is sent twice, nothing is lost, and Wednesday brings one message.
    [Theory]
    [InlineData("moved", "Sms:jtj-wang:20260602:Notice:003", 0, DispatchStatus.Deferred)]
    [InlineData("joining", "Sms:jtj-wang:20260602:Notice:004", 0, DispatchStatus.Deferred)]
    [InlineData("moved", "Sms:jtj-wang:20260602:Notice:003", 3, DispatchStatus.Deferred)]
    [InlineData("skipping", "Sms:jtj-wang:20260602:Notice:003", 3, DispatchStatus.Moved)]
    public async Task Deliver_ConvergesWithoutSendingTwice_WhenKilledInTheMiddleOfAMove(string killedAt, string interruptedId, int dueToday, DispatchStatus interruptedAs)
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-02T08:00"));
        Func<string, Azure.Data.Tables.TableEntity, bool> at = killedAt switch
        {
            "moved" => (table, entity) => table == DispatchStore.TableName && entity.GetString("Status") == nameof(DispatchStatus.Moved),
            "joining" => (table, entity) => table == DispatchStore.TableName && entity.PartitionKey == "Sms:jtj-wang" && entity.RowKey == "20260603:Notice:001" && entity.GetString("Items")!.Split("\"Event\"").Length == 3,
            _ => (table, entity) => table == DeliveryLedger.TableName && entity.GetString("Status") == nameof(DeliveryStatus.Skipped) && entity.GetString("LastError")!.Contains("out of date", StringComparison.Ordinal),
        };
        var crashing = new CrashingTables(sandbox.Tables, at, new OperationCanceledException("killed"));
        var processes = new Queue<LocalMode>([sandbox.Local(CapOfTwo, crashing)]);
        Dispatch? interrupted = null;

        var events = await TwoDays(sandbox, () => processes.Peek(), async () =>
        {
            interrupted = (await sandbox.Dispatches()).Single(d => d.Key.Id == interruptedId);
            processes.Dequeue();
            processes.Enqueue(sandbox.Local(CapOfTwo));
        }, dueToday);

        Assert.True(crashing.Crashed);
        Assert.Equal((interruptedAs, "Sms:jtj-wang:20260603:Notice:001"), (interrupted!.Status, interrupted.MovedTo?.Id));
        await AssertOneGroupedMessageTheNextDay(sandbox, events, dueToday);
    }

    private static readonly DeliveryOptions CapOfTwo = DeliveryOptions.Default with { SmsDailyCap = 2 };

    private const string Wang = "+8614000000016";

    /// <summary>
    /// The two days: five events on Tuesday, two on Wednesday morning, each published as the evaluation would, then handed
    /// over until it is sent or waits. <paramref name="killed"/> runs when a run ends by a kill (a new process follows);
    /// on Wednesday morning the unsettled events are published again, as the scan does. Event number
    /// <paramref name="dueToday"/> (none when 0) is a reminder that a report is due that day. Returns the events in order.
    /// </summary>
    private static async Task<IReadOnlyList<EscalationEvent>> TwoDays(Sandbox sandbox, Func<LocalMode> process, Func<Task>? killed = null, int dueToday = 0)
    {
        var log = new EscalationLog(sandbox.Tables);
        var events = new List<EscalationEvent>();
        async Task Raise(string at, int n)
        {
            var now = Sandbox.At(at);
            sandbox.Clock.AdvanceTo(now);
            var e = Event(n, now.InZone(Sandbox.Zone).Date, n == dueToday ? EventKind.ReportDueSoon : EventKind.Overdue);
            events.Add(e);
            await log.Record(e, now);
            await process().Bus.Publish(ServiceBusEntities.EventsTopic, [EventNotice.First(e)]);
            await Hand(now);
        }

        async Task Hand(Instant until)
        {
            try
            {
                await sandbox.Drain(process(), until);
            }
            catch (OperationCanceledException) when (killed is not null)
            {
                await killed();
            }
        }

        for (var n = 1; n <= 5; n++)
        {
            await Raise($"2026-06-02T{8 + ((n + 1) / 2):D2}:{(n % 2 == 1 ? "00" : "30")}", n);
        }

        sandbox.Clock.AdvanceTo(Sandbox.At("2026-06-03T08:00"));
        var unsettled = (await sandbox.Log()).Where(e => e.Status is LogStatus.Logged or LogStatus.Published).Select(e => EventNotice.First(e.Event)).ToList();
        await process().Bus.Publish(ServiceBusEntities.EventsTopic, unsettled);
        await Raise("2026-06-03T08:00", 6);
        await Raise("2026-06-03T08:00", 7);
        await Hand(Sandbox.At("2026-06-03T12:00"));
        return events;
    }

    /// <summary>
    /// 001 and 002 went on Tuesday, 003–005 moved, and Wednesday's first message carried their events with that day's own,
    /// except event number <paramref name="dueToday"/> (none when 0), whose delivery was skipped as out of date.
    /// </summary>
    private async Task AssertOneGroupedMessageTheNextDay(Sandbox sandbox, IReadOnlyList<EscalationEvent> events, int dueToday = 0)
    {
        var texts = sandbox.Sms.Sent.Where(s => s.Sms.To == Wang).ToList();
        foreach (var t in texts)
        {
            output.WriteLine($"{t.At.InZone(Sandbox.Zone).LocalDateTime:yyyy-MM-dd HH:mm} {t.Sms.DispatchId} [{t.Sms.Events.Count}] {t.Sms.Text}");
        }

        var ids = events.Select(e => e.Id.Value).ToList();
        var left = dueToday > 0 ? ids[dueToday - 1] : null;
        var carried = ids[2..].Where(id => id != left).ToList();
        Assert.Equal(
            [("2026-06-02", "Sms:jtj-wang:20260602:Notice:001", 1), ("2026-06-02", "Sms:jtj-wang:20260602:Notice:002", 1), ("2026-06-03", "Sms:jtj-wang:20260603:Notice:001", carried.Count)],
            texts.Select(t => (t.At.InZone(Sandbox.Zone).Date.ToString("yyyy-MM-dd", null), t.Sms.DispatchId, t.Sms.Events.Count)));
        Assert.Equal([ids[0]], texts[0].Sms.Events);
        Assert.Equal([ids[1]], texts[1].Sms.Events);
        Assert.Equal(carried.Order(StringComparer.Ordinal), texts[2].Sms.Events.Order(StringComparer.Ordinal));
        Assert.Equal(Sandbox.At("2026-06-03T08:30"), texts[2].At);

        var messages = (await sandbox.Dispatches()).Where(d => d.Key.Partition == "Sms:jtj-wang").OrderBy(d => d.Key.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["001 Sent", "002 Sent", "003 Moved", "004 Moved", "005 Moved"],
            messages.Where(d => d.Key.Day == new LocalDate(2026, 6, 2)).Select(d => $"{d.Key.Sequence:D3} {d.Status}"));
        Assert.All(messages.Where(d => d.Status == DispatchStatus.Moved), d => Assert.Equal("Sms:jtj-wang:20260603:Notice:001", d.MovedTo?.Id));
        Assert.Equal(carried.Order(StringComparer.Ordinal), messages.Single(d => d.Key.Day == new LocalDate(2026, 6, 3)).Items.Select(i => i.Event.Value).Order(StringComparer.Ordinal));

        // The ledger (and the export, which reads it): each event once for him, sent, by the message that carried it.
        var ledger = await sandbox.Ledger();
        var his = ledger.Where(d => d.Key == "Sms:jtj-wang").ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), his.Select(d => d.Event.Value).Order(StringComparer.Ordinal));
        Assert.All(his.Where(d => carried.Contains(d.Event.Value)), d => Assert.Equal((DeliveryStatus.Sent, "Sms:jtj-wang:20260603:Notice:001", 1), (d.Status, d.DispatchId, d.Attempts)));
        Assert.All(his.Where(d => d.Event.Value == left), d => Assert.Equal(
            (DeliveryStatus.Skipped, $"Sms:jtj-wang:20260602:Notice:{dueToday:D3}", "over the daily SMS cap, and out of date: worded for 2026-06-02, the first day it could go is 2026-06-03"),
            (d.Status, d.DispatchId, d.LastError)));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger.Where(d => d.Channel == Channel.Sms), SmsAccepted(sandbox));
        Assert.All((await sandbox.Log()).Where(e => ids.Contains(e.Event.Id.Value)), e => Assert.Equal(e.Event.Id.Value == left ? LogStatus.Failed : LogStatus.Delivered, e.Status));
    }

    /// <summary>The SMS messages accepted (the samples' robot posts are not recorded as messages here).</summary>
    private static IReadOnlyList<SentMessage> SmsAccepted(Sandbox sandbox) => [.. SentMessages.Accepted(sandbox).Where(m => m.DispatchId.StartsWith("Sms:", StringComparison.Ordinal))];

    private static EscalationEvent Event(int n, LocalDate day, EventKind kind = EventKind.Overdue)
    {
        var rule = new RuleId("R3");
        var item = new ItemId("jtj-2026-cap");
        var occurrence = $"cap-test:{n}";
        var facts = new EventFacts($"测试事项{n}", "市交通局", 50, 30);
        return new EscalationEvent(EventId.For(rule, item, occurrence), rule, EventLevel.Notice, kind, item, new UnitId("jtj"), day,
            occurrence, [new Recipient(RecipientRole.Owner, new PersonId("jtj-wang"), false)], [Channel.Sms], "overdue-notice", facts, null);
    }

    [Fact]
    public async Task Deliver_SendsTheSameDayAsBefore_WhenTheCapIsNotReached()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var capped = await Sandbox.WithSamples(run);
        using var uncapped = await Sandbox.WithSamples(run);
        var cappedLocal = capped.Local(DeliveryOptions.Default);
        var uncappedLocal = uncapped.Local(DeliveryOptions.Default with { SmsDailyCap = 0 });

        await capped.Cycle(cappedLocal, run);
        await uncapped.Cycle(uncappedLocal, run);

        Assert.Equal(uncapped.Sms.Sent.Select(s => (s.Sms.To, s.At)), capped.Sms.Sent.Select(s => (s.Sms.To, s.At)));
    }
}
