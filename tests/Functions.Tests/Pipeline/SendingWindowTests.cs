using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The sending window through the whole pipeline: events are logged whenever the scan runs, but messages go out only on
/// working days from 08:30 to 18:00 (Asia/Shanghai), unless their level is sent at once.
/// </summary>
public sealed class SendingWindowTests
{
    //        June 2026 (shipped calendar)
    //  Mo  Tu  We  Th  Fr  Sa  Su
    //   1   2   3   4   5  [6] [7]     6, 7: weekend
    //  [8]  9  10  11  12  13  14      8: the window opens at 08:30
    //
    // Saturday 08:30 scan of the samples: 18 events (summonses R6, notices R3/R5, reminders R1/R4, and one R9: a report due
    // on Sunday 06-07, rolled to Monday, one working day ahead) of jtj, wjw, sthjj, zjj and others.
    // Each recipient's deliveries join the message of Monday 8 (one per person, channel and level), which goes at the
    // window's opening (local mode gathers for no time). The R5/R6 events also post to the office's DingTalk group
    // (samples/robots.csv), one post per day and level like a person's message; no zjj item is raised, so no WeCom post.
    private static readonly Instant Saturday = Sandbox.At(2026, 6, 6, 8, 30);
    private static readonly Instant Sunday = Sandbox.At(2026, 6, 7, 8, 30);
    private static readonly Instant MondayOpening = Sandbox.At(2026, 6, 8, 8, 30);

    [Fact]
    public async Task Cycle_LogsEventsButDefersEveryDeliveryToMondayAtEightThirty_WhenRunOnASaturday()
    {
        using var sandbox = await Sandbox.WithSamples(Saturday);
        var local = sandbox.Local();

        await sandbox.Cycle(local, Saturday);
        var log = await sandbox.Log();
        var ledger = await sandbox.Ledger();

        Assert.Equal(17, log.Count);
        // A report due Sunday rolls to Monday: R9 (worded "one working day left") is raised on working days only, never on
        // a Saturday from which it would go out on Monday, the due day itself.
        Assert.DoesNotContain(log, e => e.Event.Rule.Value == "R9");
        Assert.All(log, e => Assert.Equal(LogStatus.Published, e.Status));
        Assert.Equal(0, sandbox.CallCount);
        var deferred = ledger.Where(d => d.Status == DeliveryStatus.Deferred).ToList();
        Assert.Equal(ledger.Count, deferred.Count + ledger.Count(d => d.Status == DeliveryStatus.Skipped));
        Assert.Equal(78, deferred.Count(d => !ChannelCatalog.IsRobot(d.Channel))); // the R4 reminders for gaps under LagGapForHeads (5 points) go to owners only
        // The robots (samples/robots.csv): every event of a rule with dingtalk (R5, R6 copy the supervision office) posts
        // once to the office's DingTalk group; an event of a zjj item (its principal addressed) once to zjj's WeCom group.
        Assert.Equal(
            log.Where(e => e.Event.Channels.Contains(Channel.DingTalk)).Select(e => $"{e.Event.Id.Value}:DingTalk:robot-office")
                .Concat(log.Where(e => e.Event.Channels.Contains(Channel.WeCom) && e.Event.Unit.Value == "zjj").Select(e => $"{e.Event.Id.Value}:WeCom:robot-zjj"))
                .Order(StringComparer.Ordinal),
            deferred.Where(d => ChannelCatalog.IsRobot(d.Channel)).Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Equal(11, deferred.Count(d => d.Channel == Channel.DingTalk)); // no zjj item is raised that weekend: no WeCom post
        Assert.All(deferred, d => Assert.Equal((MondayOpening, 0, new LocalDate(2026, 6, 8)), (d.NextAttemptAt!.Value, d.Attempts, DispatchKey.TryParse(d.DispatchId)!.Day)));
        Assert.Equal("2026-06-08T08:30:00+08", OffsetDateTimePattern.GeneralIso.Format(deferred[0].NextAttemptAt!.Value.WithOffset(Offset.FromHours(8))));
        var dispatches = await sandbox.Dispatches();
        Assert.All(dispatches, d => Assert.Equal((DispatchStatus.Open, MondayOpening, new LocalDate(2026, 6, 8), 0), (d.Status, d.SendAt, d.Key.Day, d.Attempts)));
        Assert.Equal(
            deferred.Select(d => d.Id).Order(StringComparer.Ordinal),
            dispatches.SelectMany(d => d.Items.Select(i => $"{i.Event.Value}:{d.Key.Partition}")).Order(StringComparer.Ordinal));
        Assert.NotEmpty(local.Bus.Waiting);
        Assert.All(local.Bus.Waiting, w => Assert.Equal(MondayOpening, w.VisibleAt));
    }

    [Fact]
    public async Task Drain_SendsTheWeekendsDeliveriesOnceAtEightThirtyOnMonday_WhenSundaysScanPublishedThemAgain()
    {
        using var sandbox = await Sandbox.WithSamples(Saturday);
        var local = sandbox.Local();
        await sandbox.Cycle(local, Saturday);
        await sandbox.Cycle(local, Sunday);

        var beforeOpening = await sandbox.Drain(local, MondayOpening - Duration.FromMinutes(1));
        var sentBeforeOpening = sandbox.CallCount;
        await sandbox.Drain(local, MondayOpening);
        var log = await sandbox.Log();
        var ledger = await sandbox.Ledger();

        Assert.Equal((0, 0), (beforeOpening, sentBeforeOpening));
        Assert.Equal(ledger.Count, ledger.Count(d => d.Status is DeliveryStatus.Sent or DeliveryStatus.Skipped));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.Equal(SentMessages.Accepted(sandbox).Count, sandbox.CallCount);
        Assert.NotEmpty(sandbox.DingTalk.Sent); // the office's group gets the R5 notices and R6 summonses
        Assert.Empty(sandbox.WeCom.Calls); // no zjj item is raised that weekend
        SentMessages.AssertRobotLogsMatch(sandbox);
        Assert.All(await sandbox.Dispatches(), d => Assert.Equal((DispatchStatus.Sent, 1, 1), (d.Status, d.Key.Sequence, d.Attempts)));
        Assert.All(sandbox.CallTimes, at => Assert.Equal(MondayOpening, at));
        Assert.All(log, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Empty(local.Bus.Waiting);
    }

    [Fact]
    public async Task Cycle_SendsSummonsesAtOnceAndDefersTheRest_WhenSummonsesAreSentAtOnceOnASaturday()
    {
        using var sandbox = await Sandbox.WithSamples(Saturday);
        var local = sandbox.Local(DeliveryOptions.Default with { SendAtOnce = new HashSet<EventLevel> { EventLevel.Summons } });

        await sandbox.Cycle(local, Saturday);
        var log = await sandbox.Log();
        var ledger = await sandbox.Ledger();

        var levels = log.ToDictionary(e => e.Event.Id, e => e.Event.Level);
        var summonses = ledger.Where(d => levels[d.Event] == EventLevel.Summons && d.Status != DeliveryStatus.Skipped).ToList();
        var others = ledger.Where(d => levels[d.Event] != EventLevel.Summons && d.Status != DeliveryStatus.Skipped).ToList();
        Assert.Equal(7, log.Count(e => e.Event.Level == EventLevel.Summons));
        Assert.Contains(log, e => e.Event.Level == EventLevel.Reminder);
        Assert.NotEmpty(summonses);
        Assert.All(summonses, d => Assert.Equal(DeliveryStatus.Sent, d.Status));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, SentMessages.Accepted(sandbox));
        Assert.Equal(SentMessages.Accepted(sandbox).Count, sandbox.CallCount);
        Assert.NotEmpty(sandbox.DingTalk.Sent); // R6 summonses copy the office, whose DingTalk group is posted at once too
        SentMessages.AssertRobotLogsMatch(sandbox);
        Assert.All(SentMessages.Accepted(sandbox), m => Assert.Equal((EventLevel.Summons, new LocalDate(2026, 6, 6)), (DispatchKey.TryParse(m.DispatchId)!.Level, DispatchKey.TryParse(m.DispatchId)!.Day)));
        Assert.All(sandbox.CallTimes, at => Assert.Equal(Saturday, at));
        Assert.NotEmpty(others);
        Assert.All(others, d => Assert.Equal((DeliveryStatus.Deferred, MondayOpening), (d.Status, d.NextAttemptAt!.Value)));
        Assert.All(log, e => Assert.Equal(e.Event.Level == EventLevel.Summons ? LogStatus.Delivered : LogStatus.Published, e.Status));
    }

    //        May 2026                          June 2026
    //  Mo  Tu  We  Th  Fr  Sa  Su         Mo  Tu  We  Th  Fr  Sa  Su
    //                  [1] [2] [3]         1   2   3   4   5   6   7
    // [4] [5]  6   7   8   9  [10]        ...
    //                                     15  16  17  18 [19][20][21]   19–21: Dragon Boat Festival (端午)
    //  1–5: Labour Day; Sat 9: make-up     22  23 ...
    //  working day (调休)
    [Theory]
    [InlineData("2026-06-01T07:00", "2026-06-01T08:30")] // before the window opens
    [InlineData("2026-06-01T18:00", "2026-06-02T08:30")] // the window closes at 18:00 (exclusive)
    [InlineData("2026-06-19T10:00", "2026-06-22T08:30")] // a Friday holiday: the next working day is Monday 22
    public async Task Cycle_DefersEveryDeliveryToTheNextOpening_WhenRunOutsideTheWindow(string at, string opening)
    {
        var run = Sandbox.At(at);
        using var sandbox = await Sandbox.WithSamples(run);
        var local = sandbox.Local();

        await sandbox.Cycle(local, run);
        var ledger = await sandbox.Ledger();

        Assert.Equal(0, sandbox.CallCount);
        Assert.Contains(ledger, d => d.Status == DeliveryStatus.Deferred);
        Assert.All(ledger.Where(d => d.Status != DeliveryStatus.Skipped), d => Assert.Equal((DeliveryStatus.Deferred, Sandbox.At(opening)), (d.Status, d.NextAttemptAt!.Value)));
        Assert.All(local.Bus.Waiting, w => Assert.Equal(Sandbox.At(opening), w.VisibleAt));
    }

    [Fact]
    public async Task Cycle_SendsAtOnce_WhenRunOnAMakeUpWorkingSaturday()
    {
        var makeUpDay = Sandbox.At("2026-05-09T10:00");
        using var sandbox = await Sandbox.WithSamples(makeUpDay);
        var local = sandbox.Local();

        await sandbox.Cycle(local, makeUpDay);
        var ledger = await sandbox.Ledger();

        Assert.NotEmpty(sandbox.Email.Calls);
        Assert.All(sandbox.Email.Calls, c => Assert.Equal(makeUpDay, c.At));
        Assert.All(ledger, d => Assert.True(d.Status is DeliveryStatus.Sent or DeliveryStatus.Skipped, $"{d.Id} is {d.Status}"));
        Assert.Empty(local.Bus.Waiting);
    }

    //      December 2026                 January 2027
    //  Mo  Tu  We  Th                   no arrangement shipped: the next opening after
    //  28  29  30 [31] 18:30 run        Thursday 31 at 18:00 cannot be known
    //
    // The delivery cannot be deferred, so it is not attempted: nothing is sent outside the window, the events stay
    // Published (the next scan publishes them again once the 2027 calendar is entered; until then the scan itself
    // refuses to run and records the problem), and the messages are parked naming the missing year. That evening's events:
    // nine R1 reminders of tasks due that day (email and SMS) and one I1 reminder of fgw's lagging indicator (email only);
    // each event's notice to each of its channels is dead-lettered, 19 in all.
    [Fact]
    public async Task Cycle_SendsNothingAndKeepsTheEventsToPublishAgain_WhenTheNextOpeningIsInAYearWithoutACalendar()
    {
        var lastEvening = Sandbox.At("2026-12-31T18:30");
        using var sandbox = await Sandbox.WithSamples(lastEvening);
        var local = sandbox.Local();

        await sandbox.Cycle(local, lastEvening);
        var log = await sandbox.Log();

        Assert.Equal((9, 1), (log.Count(e => e.Event.Rule.Value == "R1"), log.Count(e => e.Event.Rule.Value == "I1")));
        Assert.Equal(10, log.Count);
        Assert.All(log, e => Assert.Equal(LogStatus.Published, e.Status));
        Assert.Equal(0, sandbox.CallCount);
        Assert.DoesNotContain(await sandbox.Ledger(), d => d.Status == DeliveryStatus.Sent);
        Assert.Equal(
            log.SelectMany(e => e.Event.Channels.Select(c => $"{ServiceBusEntities.EventsTopic}/{ChannelSet.SubscriptionName(c)} {e.Event.Id.Value}")).Order(StringComparer.Ordinal),
            local.Bus.DeadLetters.Select(d => $"{d.Entity} {d.MessageId}").Order(StringComparer.Ordinal));
        Assert.All(local.Bus.DeadLetters, d => Assert.Contains("工作日历中没有2027年的节假日安排", d.Reason, StringComparison.Ordinal));
    }

}
