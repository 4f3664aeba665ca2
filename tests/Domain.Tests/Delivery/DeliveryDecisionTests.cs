using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using NodaTime.Text;
using LedgerRow = Escalation.Domain.Delivery.Delivery;

namespace Escalation.Domain.Tests.Delivery;

/// <summary>
/// The delivery lifecycle as tables of (state, clock) → decision, with no store: when a message goes, who joins it,
/// when it is claimed, deferred, retried, given up, and how its deliveries and the log row follow it.
/// </summary>
public class DeliveryDecisionTests
{
    //        2026 April/May                  劳动节: 05-01..05 off; Sunday 04-26 and Saturday 05-09 are make-up working days
    //   Mo Tu We Th Fr Sa Su
    //   27 28 29 30 [1][2][3]
    //   [4][5] 6  7  8  9* 10
    private static readonly WorkingCalendar China = ShippedCalendar.Default;
    private static readonly DeliveryOptions Azure = DeliveryOptions.Default;
    private static readonly PersonId Zhang = new("fgw-zhang");
    private static readonly UnitId Fgw = new("fgw");

    [Theory]
    // level     now (local)          day          sends at          why
    [InlineData("Reminder", "2026-04-29T10:00", "2026-04-29", "2026-04-29T10:10")] // open window: now + gathering
    [InlineData("Reminder", "2026-04-29T08:00", "2026-04-29", "2026-04-29T08:40")] // before opening: this morning's opening + gathering
    [InlineData("Notice", "2026-05-01T08:30", "2026-05-06", "2026-05-06T08:40")] // raised on 劳动节: the first working day after it
    [InlineData("Summons", "2026-04-30T18:00", "2026-05-06", "2026-05-06T08:40")] // closing is exclusive
    [InlineData("Notice", "2026-05-08T19:00", "2026-05-09", "2026-05-09T08:40")] // Friday night → Saturday make-up day
    [InlineData("Accountability", "2026-05-02T09:00", "2026-05-06", "2026-05-06T08:40")] // the fourth level waits for the window too
    public void Slot_IsTheDayTheEventCanFirstGo_AndItsMessageGathersForTenMinutes(string level, string now, string day, string sendsAt)
    {
        var (slotDay, sendAt) = DeliveryDecisions.Slot(Enum.Parse<EventLevel>(level), At(now), Azure, China);

        Assert.Equal((Date(day), At(sendsAt)), (slotDay, sendAt));
    }

    [Fact]
    public void Slot_IsTodayAtOnce_ForALevelThatGoesAtOnce_EvenOnAHoliday()
    {
        var options = Azure with { SendAtOnce = new HashSet<EventLevel> { EventLevel.Summons } };

        var (day, sendAt) = DeliveryDecisions.Slot(EventLevel.Summons, At("2026-05-02T21:00"), options, China);

        Assert.Equal((Date("2026-05-02"), At("2026-05-02T21:10")), (day, sendAt));
    }

    [Fact]
    public void Slot_DoesNotGather_InLocalMode()
    {
        var local = Azure with { Gather = Duration.Zero };

        var (_, sendAt) = DeliveryDecisions.Slot(EventLevel.Reminder, At("2026-04-29T10:00"), local, China);

        Assert.Equal(At("2026-04-29T10:00"), sendAt);
    }

    public static TheoryData<string, LedgerRow, Contact?, string> Recipients => new()
    {
        { "sent before: nothing", Pending() with { Status = DeliveryStatus.Sent }, Person(), "AlreadyDone" },
        { "failed for good: nothing", Pending() with { Status = DeliveryStatus.Failed }, Person(), "AlreadyDone" },
        { "skipped before: nothing", Pending() with { Status = DeliveryStatus.Skipped }, Person(), "AlreadyDone" },
        { "not in the people table", Pending(), null, "Skip: person fgw-zhang is not in the people table" },
        { "takes no SMS", Pending(Channel.Sms), Person(channels: [Channel.Email]), "Skip: takes no Sms" },
        { "takes SMS but has no mobile", Pending(Channel.Sms), Person(mobile: null), "Skip: no valid Sms address" },
        { "reachable: joins today's message", Pending(), Person(), "Join 2026-04-29 zhang@fgw.gov.example" },
        { "day fixed before a crash: joins that day's message", Pending() with { DispatchDay = Date("2026-04-28") }, Person(), "Join 2026-04-28 zhang@fgw.gov.example" },
        { "joined before: see to its message", Pending() with { DispatchId = Key(1).Id }, Person(), $"Follow {Key(1).Id}" },
        { "joined before, then removed from people: still see to its message", Pending() with { DispatchId = Key(1).Id }, null, $"Follow {Key(1).Id}" },
    };

    [Theory]
    [MemberData(nameof(Recipients))]
    public void ForRecipient_DecidesEachRecipientsDelivery(string why, LedgerRow current, Contact? contact, string expected)
    {
        var step = DeliveryDecisions.ForRecipient(current, contact, Date("2026-04-29"));

        Assert.True(expected == Describe(step), $"{why}: expected {expected}, got {Describe(step)}");
    }

    [Fact]
    public void ForRecipient_SkipsAReminderWordedForAnEarlierDay_ButSendsItOnItsOwnDay()
    {
        // A report-due-soon reminder raised on 04-28 (今天是报送截止日 / 还有1个工作日) whose first window is 04-29.
        var late = DeliveryDecisions.ForRecipient(Pending(), Person(), Date("2026-04-29"), lastUsefulDay: Date("2026-04-28"));
        var onTime = DeliveryDecisions.ForRecipient(Pending(), Person(), Date("2026-04-28"), lastUsefulDay: Date("2026-04-28"));

        Assert.StartsWith("Skip: out of date: worded for 2026-04-28", Describe(late), StringComparison.Ordinal);
        Assert.Equal("Join 2026-04-28 zhang@fgw.gov.example", Describe(onTime));
    }

    [Fact]
    public void Join_StartsTheDaysFirstMessage_WhenThePersonHasNoneYet()
    {
        var step = DeliveryDecisions.Join([], Key(1), Item("a"), At("2026-04-29T08:40"), At("2026-04-29T08:30"));

        var created = Assert.IsType<JoinStep.Create>(step).Dispatch;
        Assert.Equal((1, DispatchStatus.Open, At("2026-04-29T08:40")), (created.Key.Sequence, created.Status, created.SendAt));
        Assert.Equal([Item("a")], created.Items);
    }

    [Fact]
    public void Join_AddsToTheOpenMessage_KeepingItsSendingTime()
    {
        var open = Message(1, DispatchStatus.Open, Item("a"));

        var step = DeliveryDecisions.Join([open], Key(1), Item("b"), At("2026-04-29T08:45"), At("2026-04-29T08:35"));

        var added = Assert.IsType<JoinStep.Add>(step).Dispatch;
        Assert.Equal([Item("a"), Item("b")], added.Items);
        Assert.Equal(open.SendAt, added.SendAt);
    }

    [Theory]
    [InlineData(DispatchStatus.Open)]
    [InlineData(DispatchStatus.Sending)]
    [InlineData(DispatchStatus.Sent)]
    public void Join_FindsTheMessageThatHoldsTheEvent_WhenTheJoinIsRepeated(DispatchStatus status)
    {
        var holding = Message(1, status, Item("a"), Item("b"));

        var step = DeliveryDecisions.Join([holding, Message(2, DispatchStatus.Open, Item("c"))], Key(1), Item("b"), At("2026-04-29T09:00"), At("2026-04-29T09:00"));

        Assert.Same(holding, Assert.IsType<JoinStep.Already>(step).Dispatch);
    }

    [Theory]
    [InlineData(DispatchStatus.Sending)]
    [InlineData(DispatchStatus.Deferred)]
    [InlineData(DispatchStatus.Sent)]
    [InlineData(DispatchStatus.Failed)]
    public void Join_StartsTheDaysNextMessage_WhenTheLatestIsNoLongerGathering(DispatchStatus status)
    {
        var step = DeliveryDecisions.Join([Message(1, status, Item("a"))], Key(1), Item("b"), At("2026-04-29T09:10"), At("2026-04-29T09:00"));

        var created = Assert.IsType<JoinStep.Create>(step).Dispatch;
        Assert.Equal((2, At("2026-04-29T09:10")), (created.Key.Sequence, created.SendAt));
    }

    [Fact]
    public void Join_StartsTheNextMessage_WhenTheOpenOneIsFull()
    {
        var full = Message(1, DispatchStatus.Open, [.. Enumerable.Range(0, DeliveryDecisions.MaxItems).Select(i => Item($"e{i}"))]);

        var step = DeliveryDecisions.Join([full], Key(1), Item("one more"), At("2026-04-29T08:40"), At("2026-04-29T08:35"));

        Assert.Equal(2, Assert.IsType<JoinStep.Create>(step).Dispatch.Key.Sequence);
    }

    public static TheoryData<string, Dispatch, bool, string, string> Messages => new()
    {
        // why, message, reachable, now (local), decision
        { "gathering", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") }, true, "2026-04-29T08:35", "Wait 2026-04-29T08:40" },
        { "its time: claim it", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") }, true, "2026-04-29T08:40", "Send attempt 1, held until 2026-04-29T08:42" },
        { "gathered past the window's close: it still goes (its time was set inside the window)", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T18:05") }, true, "2026-04-29T18:05", "Send attempt 1, held until 2026-04-29T18:07" },
        { "claimed by another sender", Message(1, DispatchStatus.Sending) with { Attempts = 1, NextAttemptAt = At("2026-04-29T08:42") }, true, "2026-04-29T08:41", "Wait 2026-04-29T08:42" },
        { "claim lapsed (sender died): claim again", Message(1, DispatchStatus.Sending) with { Attempts = 1, NextAttemptAt = At("2026-04-29T08:42") }, true, "2026-04-29T08:42", "Send attempt 2, held until 2026-04-29T08:44" },
        { "claim lapsed after hours: defer to the opening", Message(1, DispatchStatus.Sending) with { Attempts = 1, NextAttemptAt = At("2026-04-30T17:59") }, true, "2026-04-30T18:01", "Defer 2026-05-06T08:30" },
        { "backing off", Message(1, DispatchStatus.Deferred) with { Attempts = 1, NextAttemptAt = At("2026-04-29T08:45") }, true, "2026-04-29T08:44", "Wait 2026-04-29T08:45" },
        { "retry due", Message(1, DispatchStatus.Deferred) with { Attempts = 1, NextAttemptAt = At("2026-04-29T08:45") }, true, "2026-04-29T08:45", "Send attempt 2, held until 2026-04-29T08:47" },
        { "sent: bring its deliveries in line", Message(1, DispatchStatus.Sent), true, "2026-04-29T09:00", "Settled Sent" },
        { "failed: bring its deliveries in line", Message(1, DispatchStatus.Failed), true, "2026-04-29T09:00", "Settled Failed" },
        { "claim lapsed on the last attempt: give up", Message(1, DispatchStatus.Sending) with { Attempts = 5, NextAttemptAt = At("2026-04-29T09:02") }, true, "2026-04-29T09:02", "GiveUp no outcome after 5 attempts: each sender stopped before recording one" },
        { "found long after its time, after hours (its notice was lost): defer to the opening", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") }, true, "2026-04-29T20:00", "Defer 2026-04-30T08:30" },
        { "found long after its time, in the window: send", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") }, true, "2026-04-29T15:00", "Send attempt 1, held until 2026-04-29T15:02" },
        { "the person lost the address", Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") }, false, "2026-04-29T08:40", "Unreachable no Email address any more" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void ForDispatch_DecidesWhatToDoWithAMessage_WhenItsNoticeArrives(string why, Dispatch message, bool reachable, string now, string expected)
    {
        var step = DeliveryDecisions.ForDispatch(message, reachable, At(now), Azure, China);

        Assert.True(expected == Describe(step), $"{why}: expected {expected}, got {Describe(step)}");
    }

    [Fact]
    public void ForDispatch_TakesANoticeThatArrivesAMomentEarly_AsOnTime()
    {
        var open = Message(1, DispatchStatus.Open) with { SendAt = At("2026-04-29T08:40") };

        var early = DeliveryDecisions.ForDispatch(open, true, At("2026-04-29T08:40") - Duration.FromSeconds(3), Azure, China);
        var tooEarly = DeliveryDecisions.ForDispatch(open, true, At("2026-04-29T08:40") - Duration.FromSeconds(30), Azure, China);

        Assert.IsType<DispatchStep.Send>(early);
        Assert.IsType<DispatchStep.Wait>(tooEarly);
    }

    [Fact]
    public void ForDispatch_KeepsTheFirstAttemptTime_AcrossAttempts()
    {
        var retried = Message(1, DispatchStatus.Deferred) with { Attempts = 2, NextAttemptAt = At("2026-04-29T09:00"), FirstAttemptAt = At("2026-04-29T08:40") };

        var claimed = Assert.IsType<DispatchStep.Send>(DeliveryDecisions.ForDispatch(retried, true, At("2026-04-29T09:00"), Azure, China)).Claimed;

        Assert.Equal((At("2026-04-29T08:40"), 3, DispatchStatus.Sending), (claimed.FirstAttemptAt, claimed.Attempts, claimed.Status));
    }

    public static TheoryData<string, int, SendResult, string, string> Attempts => new()
    {
        // why, attempt, result, now (local), outcome
        { "accepted", 1, new SendResult.Sent("op-1"), "2026-04-29T08:40", "Sent op-1" },
        { "throttled: retry after 5 minutes", 1, new SendResult.Transient("429"), "2026-04-29T08:40", "Deferred 2026-04-29T08:45 429" },
        { "third failure: 20 minutes", 3, new SendResult.Transient("503"), "2026-04-29T08:40", "Deferred 2026-04-29T09:00 503" },
        { "provider asks for longer: its wait", 1, new SendResult.Transient("429", Duration.FromMinutes(30)), "2026-04-29T08:40", "Deferred 2026-04-29T09:10 429" },
        { "retry would fall after hours: the next opening", 1, new SendResult.Transient("503"), "2026-04-30T17:58", "Deferred 2026-05-06T08:30 503" },
        { "fifth failure: give up", 5, new SendResult.Transient("503"), "2026-04-29T08:40", "Failed gave up after 5 attempts: 503" },
        { "refused: give up at once", 1, new SendResult.Rejected("invalid address"), "2026-04-29T08:40", "Failed invalid address" },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public void AfterAttempt_SendsRetriesOrGivesUp(string why, int attempt, SendResult result, string now, string expected)
    {
        var claimed = Message(1, DispatchStatus.Sending) with { Attempts = attempt };

        var after = DeliveryDecisions.AfterAttempt(claimed, result, At(now), Azure, China);

        var described = after.Status switch
        {
            DispatchStatus.Sent => $"Sent {after.ProviderId}",
            DispatchStatus.Deferred => $"Deferred {Local(after.NextAttemptAt!.Value)} {after.LastError}",
            _ => $"{after.Status} {after.LastError}",
        };
        Assert.True(expected == described, $"{why}: expected {expected}, got {described}");
    }

    //        April/May 2026: Wed 29 and Thu 30 April are working days; 1–5 May is the Labour Day holiday; Wed 6 May works.
    [Theory]
    // channel, sent today, now (local), outcome
    [InlineData(Channel.Sms, 7, "2026-04-29T10:00", "Send")]
    [InlineData(Channel.Sms, 8, "2026-04-29T10:00", "Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T08:40")]
    [InlineData(Channel.Sms, 9, "2026-04-30T10:00", "Move into Sms:fgw-zhang:20260506:Notice:001, a new one going 2026-05-06T08:40")] // the next day's first window is after the holiday
    [InlineData(Channel.Email, 20, "2026-04-29T10:00", "Send")]
    public void ForDispatch_MovesAnSmsOverTheDailyCap_IntoTheNextDaysFirstMessage(Channel channel, int sentToday, string now, string expected)
    {
        var d = Message(1, DispatchStatus.Open, Item("a")) with { Key = Key(1) with { Channel = channel }, SendAt = At(now) };

        var step = DeliveryDecisions.ForDispatch(d, true, At(now), Azure, China, sentToday);

        Assert.StartsWith(expected, Describe(step), StringComparison.Ordinal);
        if (step is DispatchStep.Move move)
        {
            // First written as deferred, naming where its items go, so that a resumed move goes to the same place.
            Assert.Equal((DispatchStatus.Deferred, move.Into, move.SendAt - Azure.Gather), (move.Moving.Status, move.Moving.MovedTo, move.Moving.NextAttemptAt));
            Assert.Equal(d.Items, move.Moving.Items);
            Assert.Contains("daily SMS cap of 8", move.Moving.LastError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ForDispatch_HasNoCap_WhenTheCapIsZero()
    {
        var d = Message(1, DispatchStatus.Open, Item("a")) with { Key = Key(1) with { Channel = Channel.Sms }, SendAt = At("2026-04-29T10:00") };

        var step = DeliveryDecisions.ForDispatch(d, true, At("2026-04-29T10:00"), Azure with { SmsDailyCap = 0 }, China, 50);

        Assert.IsType<DispatchStep.Send>(step);
    }

    [Fact]
    public void ForDispatch_MovesALevelThatGoesAtOnce_IntoTheMessageOfTheStartOfTheNextDay_WhenOverTheCap()
    {
        var options = Azure with { SendAtOnce = new HashSet<EventLevel> { EventLevel.Notice } };
        var d = Message(1, DispatchStatus.Open, Item("a")) with { Key = Key(1) with { Channel = Channel.Sms }, SendAt = At("2026-04-29T20:00") };

        var step = DeliveryDecisions.ForDispatch(d, true, At("2026-04-29T20:00"), options, China, 8);

        Assert.Equal("Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T00:10", Describe(step));
    }

    [Fact]
    public void ForDispatch_DefersAMessageTriedBefore_AsItself_WhenOverTheCap()
    {
        // Its claim lapsed (or the gateway never confirmed it): it may have gone, and only its own id lets the provider tell.
        var lapsed = Message(1, DispatchStatus.Sending, Item("a")) with { Key = SmsKey(1), Attempts = 1, NextAttemptAt = At("2026-04-29T10:02") };

        var step = DeliveryDecisions.ForDispatch(lapsed, true, At("2026-04-29T10:02"), Azure, China, 8);

        Assert.Equal("Defer 2026-04-30T08:30", Describe(step));
        Assert.Null(((DispatchStep.Defer)step).Dispatch.MovedTo);
    }

    public static TheoryData<string, string, int, bool, string> ResumedMoves => new()
    {
        // why, now (local), sent today, reachable, outcome
        { "same day, right after the first write (a crash, or the decision again)", "2026-04-29T10:00", 8, true, "Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T08:40" },
        { "a later day under the cap: still the day it named, never sent on its own", "2026-05-06T09:00", 0, true, "Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T08:40" },
        { "after hours", "2026-04-29T20:00", 8, true, "Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T08:40" },
        { "the person lost the number: the message that takes the items sees to it", "2026-04-29T10:00", 8, false, "Move into Sms:fgw-zhang:20260430:Notice:001, a new one going 2026-04-30T08:40" },
    };

    [Theory]
    [MemberData(nameof(ResumedMoves))]
    public void ForDispatch_ResumesAMoveUnderWay_IntoTheDayItNamed(string why, string now, int sentToday, bool reachable, string expected)
    {
        var into = SmsKey(1) with { Day = Date("2026-04-30") };
        var moving = Message(1, DispatchStatus.Deferred, Item("a")) with { Key = SmsKey(1), NextAttemptAt = At("2026-04-30T08:30"), MovedTo = into };

        var step = DeliveryDecisions.ForDispatch(moving, reachable, At(now), Azure, China, sentToday);

        Assert.True(expected == Describe(step), $"{why}: expected {expected}, got {Describe(step)}");
        Assert.Same(moving, ((DispatchStep.Move)step).Moving); // nothing to write before joining
    }

    [Fact]
    public void ForDispatch_SettlesAMovedMessage_SoItsDeliveriesFollowWhereItsItemsWent()
    {
        var moved = Message(1, DispatchStatus.Moved, Item("a")) with { Key = SmsKey(1), MovedTo = SmsKey(1) with { Day = Date("2026-04-30") } };

        var step = DeliveryDecisions.ForDispatch(moved, true, At("2026-04-30T09:00"), Azure, China, 0);

        Assert.Equal("Settled Moved", Describe(step));
    }

    private static readonly string[] ItemNames = ["x", "y", "c", "d"];

    public static TheoryData<string, Dispatch[], string[], string> JoinsOfMovedItems => new()
    {
        // why, the next day's slot, items moved, outcome
        { "nothing there yet: start the day's message with them", [], ["c", "d"], "Create 001 [c d] at 2026-04-30T08:40" },
        { "the day's message is gathering: add them to it", [Next(1, DispatchStatus.Open, "x")], ["c", "d"], "Add 001 [x c d] at 2026-04-30T08:40" },
        { "a repeated join (a crash before the move was written): they are there", [Next(1, DispatchStatus.Open, "x", "c", "d")], ["c", "d"], "Already 001" },
        { "already there, and that message has gone since", [Next(1, DispatchStatus.Sent, "x", "c", "d")], ["c", "d"], "Already 001" },
        { "there, in a message that moved on itself: they went on from there", [Next(1, DispatchStatus.Moved, "c", "d"), Next(2, DispatchStatus.Open, "y")], ["c", "d"], "Already 001" },
        { "one of them there: add only the other", [Next(1, DispatchStatus.Open, "x", "c")], ["c", "d"], "Add 001 [x c d] at 2026-04-30T08:40" },
        { "the day's message has gone: the next one", [Next(1, DispatchStatus.Sent, "x")], ["c", "d"], "Create 002 [c d] at 2026-04-30T08:40" },
        { "no room for all of them: together in the next one", [Next(1, DispatchStatus.Open, [.. Enumerable.Range(0, DeliveryDecisions.MaxItems - 1).Select(i => $"e{i}")])], ["c", "d"], "Create 002 [c d] at 2026-04-30T08:40" },
    };

    [Theory]
    [MemberData(nameof(JoinsOfMovedItems))]
    public void JoinAll_PutsAMovedMessagesItemsTogether_IntoTheNextDaysMessage(string why, Dispatch[] slot, string[] items, string expected)
    {
        var step = DeliveryDecisions.JoinAll(slot, NextKey(1), [.. items.Select(Item)], At("2026-04-30T08:40"), At("2026-04-29T10:00"));

        var described = step switch
        {
            JoinStep.Already a => $"Already {a.Dispatch.Key.Sequence:D3}",
            JoinStep.Add a => $"Add {a.Dispatch.Key.Sequence:D3} [{Names(a.Dispatch)}] at {Local(a.Dispatch.SendAt)}",
            JoinStep.Create c => $"Create {c.Dispatch.Key.Sequence:D3} [{Names(c.Dispatch)}] at {Local(c.Dispatch.SendAt)}",
            _ => step.ToString(),
        };
        Assert.True(expected == described, $"{why}: expected {expected}, got {described}");

        static string Names(Dispatch d) => string.Join(' ', d.Items.Select(i => ItemNames.FirstOrDefault(n => Item(n).Event == i.Event) ?? "e"));
    }

    [Fact]
    public void Moved_IsFinal_AndNamesTheMessageThatTookTheItems()
    {
        var moving = Message(1, DispatchStatus.Deferred, Item("a")) with { Key = SmsKey(1), NextAttemptAt = At("2026-04-30T08:30"), MovedTo = NextKey(1), LastError = "daily SMS cap of 8 …" };
        var into = Next(2, DispatchStatus.Open, "x", "a");

        var moved = DeliveryDecisions.Moved(moving, into, At("2026-04-29T10:01"));

        Assert.Equal((DispatchStatus.Moved, into.Key, (Instant?)null, true), (moved.Status, moved.MovedTo, moved.NextAttemptAt, moved.IsFinal));
        Assert.Equal((moving.Items, moving.LastError, 0), (moved.Items, moved.LastError, moved.Attempts));
        Assert.Throws<ArgumentException>(() => DeliveryDecisions.Moved(moving with { MovedTo = null }, into, At("2026-04-29T10:01")));
    }

    public static TheoryData<string, (string Item, EventKind Kind, string Raised)[], string> Cargoes => new()
    {
        // why, the moving message's items (kind, day raised), outcome (Wednesday 29 April's message moves to Thursday 30)
        { "nothing worded for its day: all go on", [("a", EventKind.Overdue, "2026-04-29"), ("b", EventKind.Lagging, "2026-04-29")], "carried [a b] left []" },
        { "a report due today (今天是报送截止日) and a lag: only the lag goes on", [("a", EventKind.ReportDueSoon, "2026-04-29"), ("b", EventKind.Lagging, "2026-04-29")], "carried [b] left [a]" },
        { "every item out of date: nothing goes on", [("a", EventKind.ReportDueSoon, "2026-04-29"), ("b", EventKind.ReportDueSoon, "2026-04-28")], "carried [] left [a b]" },
        { "a reminder worded for the day it moves to: it goes on", [("a", EventKind.ReportDueSoon, "2026-04-30"), ("b", EventKind.Overdue, "2026-04-29")], "carried [a b] left []" },
        { "an event not in the log: it goes on (the message that takes it sees to it)", [("a", EventKind.ReportDueSoon, "2026-04-29"), ("b", EventKind.Overdue, "")], "carried [b] left [a]" },
    };

    [Theory]
    [MemberData(nameof(Cargoes))]
    public void Cargo_LeavesBehindWhatIsWordedForADayBeforeTheOneItMovesTo(string why, (string Item, EventKind Kind, string Raised)[] items, string expected)
    {
        var moving = Message(1, DispatchStatus.Deferred, [.. items.Select(i => Item(i.Item))]) with { Key = SmsKey(1), MovedTo = NextKey(1) };
        var events = items.Where(i => i.Raised.Length > 0).Select(i => Event(i.Item, i.Kind, Date(i.Raised)));

        var cargo = DeliveryDecisions.Cargo(moving, events);

        var described = $"carried [{string.Join(' ', cargo.Carried.Select(Name))}] left [{string.Join(' ', cargo.OutOfDate.Select(l => Name(l.Item)))}]";
        Assert.True(expected == described, $"{why}: expected {expected}, got {described}");
        Assert.All(cargo.OutOfDate, l => Assert.Equal(
            $"over the daily SMS cap, and out of date: worded for {items.Single(i => i.Item == Name(l.Item)).Raised}, the first day it could go is 2026-04-30", l.Reason));
        Assert.Equal(DeliveryDecisions.Cargo(moving, events), cargo, new CargoComparer()); // the same when a resumed move asks again

        static string Name(DispatchItem item) => ((string[])["a", "b"]).First(n => Item(n).Event == item.Event);
    }

    [Fact]
    public void Cargo_IsOnlyForAMessageBeingMoved()
    {
        Assert.Throws<ArgumentException>(() => DeliveryDecisions.Cargo(Message(1, DispatchStatus.Deferred, Item("a")) with { Key = SmsKey(1) }, []));
    }

    [Fact]
    public void Moved_CarryingNothing_KeepsNamingTheDaysFirstMessage_WhichItDidNotTouch()
    {
        var moving = Message(1, DispatchStatus.Deferred, Item("a")) with { Key = SmsKey(1), NextAttemptAt = At("2026-04-30T08:30"), MovedTo = NextKey(1) };

        var moved = DeliveryDecisions.Moved(moving, null, At("2026-04-29T10:01"));

        Assert.Equal((DispatchStatus.Moved, NextKey(1), (Instant?)null, true), (moved.Status, moved.MovedTo, moved.NextAttemptAt, moved.IsFinal));
        Assert.Empty(DeliveryDecisions.Carriers(moved, [Next(1, DispatchStatus.Open, "x")]));
    }

    public static TheoryData<string, LedgerRow, string> LeftBehinds => new()
    {
        // why, the delivery as the ledger holds it, outcome
        { "it names the moved message: skipped, still naming it", Pending(Channel.Sms) with { Status = DeliveryStatus.Deferred, DispatchId = SmsKey(1).Id, NextAttemptAt = At("2026-04-30T08:30") }, "Skipped Sms:fgw-zhang:20260429:Notice:001 out of date" },
        { "joined, but not yet updated (a crash): skipped, naming it", Pending(Channel.Sms) with { DispatchDay = Date("2026-04-29") }, "Skipped Sms:fgw-zhang:20260429:Notice:001 out of date" },
        { "skipped already (a repeated conclusion): nothing", Pending(Channel.Sms) with { Status = DeliveryStatus.Skipped, DispatchId = SmsKey(1).Id }, "nothing" },
        { "it follows a message that carries it: nothing", Pending(Channel.Sms) with { Status = DeliveryStatus.Deferred, DispatchId = NextKey(1).Id }, "nothing" },
    };

    [Theory]
    [MemberData(nameof(LeftBehinds))]
    public void LeftBehind_SkipsTheDeliveryOfAnItemLeftBehind_WithTheReason(string why, LedgerRow delivery, string expected)
    {
        var moved = Message(1, DispatchStatus.Moved, Item("a")) with { Key = SmsKey(1), MovedTo = NextKey(1) };
        var left = new LeftItem(Item("a"), "over the daily SMS cap, and out of date: worded for 2026-04-29, the first day it could go is 2026-04-30");

        var after = DeliveryDecisions.LeftBehind(delivery, moved, left, At("2026-04-29T10:01"));

        var described = after is null ? "nothing" : $"{after.Status} {after.DispatchId} {(after.LastError == left.Reason ? "out of date" : after.LastError)}";
        Assert.True(expected == described, $"{why}: expected {expected}, got {described}");
        Assert.True(after is null || (after.IsFinal && after.NextAttemptAt is null), why);
    }

    [Fact]
    public void Carriers_AreTheMessagesOfTheNextDayHoldingTheMovedItems()
    {
        var moved = Message(1, DispatchStatus.Moved, Item("a"), Item("b")) with { Key = SmsKey(1), MovedTo = NextKey(1) };
        var own = Next(1, DispatchStatus.Sent, "x");
        var carrier = Next(2, DispatchStatus.Open, "a", "b", "y");

        Assert.Equal([carrier], DeliveryDecisions.Carriers(moved, [own, carrier]));
    }

    [Fact]
    public void Mirror_LeavesADeliveryDeferred_WhileItFollowsAMovedMessage()
    {
        var moved = Message(1, DispatchStatus.Moved, Item("a")) with { Key = SmsKey(1), MovedTo = NextKey(1) };
        var pending = Pending(Channel.Sms) with { NextAttemptAt = At("2026-04-29T10:00") };

        var mirrored = DeliveryDecisions.Mirror(pending, moved, At("2026-04-29T10:01"), Azure);

        Assert.Equal((DeliveryStatus.Deferred, moved.Key.Id, false), (mirrored.Status, mirrored.DispatchId, mirrored.IsFinal));
    }

    [Fact]
    public void SentOn_CountsTheMessagesSentThatLocalDay_WhateverDayTheyWereFor()
    {
        var sent = Message(1, DispatchStatus.Sent) with { UpdatedAt = At("2026-04-29T09:00") };
        var movedFromYesterday = Message(2, DispatchStatus.Sent) with { Key = Key(2) with { Day = Date("2026-04-28") }, UpdatedAt = At("2026-04-29T08:31") };
        var yesterday = Message(3, DispatchStatus.Sent) with { UpdatedAt = At("2026-04-28T17:59") };
        var failed = Message(4, DispatchStatus.Failed) with { UpdatedAt = At("2026-04-29T09:00") };
        var deferred = Message(5, DispatchStatus.Deferred) with { UpdatedAt = At("2026-04-29T09:00") };
        var overTheCap = Message(6, DispatchStatus.Moved) with { UpdatedAt = At("2026-04-29T09:00") };

        Assert.Equal(2, DeliveryDecisions.SentOn([sent, movedFromYesterday, yesterday, failed, deferred, overTheCap], Date("2026-04-29"), China.Zone));
    }

    [Fact]
    public void AfterAttempt_RemembersSinceWhenASendIsUnconfirmed_UntilAnAttemptSettlesIt()
    {
        var lost = At("2026-04-29T08:40");
        var claimed = Message(1, DispatchStatus.Sending) with { Attempts = 1 };

        var unconfirmed = DeliveryDecisions.AfterAttempt(claimed, new SendResult.Transient("connection lost") { UnconfirmedSince = lost }, lost, Azure, China);
        var stillLooking = DeliveryDecisions.AfterAttempt(
            unconfirmed with { Status = DispatchStatus.Sending, Attempts = 2 }, new SendResult.Transient("not found yet") { UnconfirmedSince = lost }, At("2026-04-29T08:45"), Azure, China);
        var found = DeliveryDecisions.AfterAttempt(stillLooking with { Status = DispatchStatus.Sending, Attempts = 3 }, new SendResult.Sent("biz-1"), At("2026-04-29T08:55"), Azure, China);
        var throttled = DeliveryDecisions.AfterAttempt(stillLooking with { Status = DispatchStatus.Sending, Attempts = 3 }, new SendResult.Transient("429"), At("2026-04-29T08:55"), Azure, China);

        Assert.Equal((DispatchStatus.Deferred, lost), (unconfirmed.Status, unconfirmed.UnconfirmedSince));
        Assert.Equal((DispatchStatus.Deferred, lost), (stillLooking.Status, stillLooking.UnconfirmedSince));
        Assert.Equal((DispatchStatus.Sent, (Instant?)null), (found.Status, found.UnconfirmedSince));
        Assert.Equal((DispatchStatus.Deferred, (Instant?)null), (throttled.Status, throttled.UnconfirmedSince));
    }

    [Fact]
    public void AfterAttempt_SaysTheMessageMayHaveGone_WhenItGivesUpUnconfirmed()
    {
        var lost = At("2026-04-29T08:40");

        var after = DeliveryDecisions.AfterAttempt(
            Message(1, DispatchStatus.Sending) with { Attempts = 5 }, new SendResult.Transient("connection lost") { UnconfirmedSince = lost }, At("2026-04-29T10:00"), Azure, China);

        Assert.Equal(DispatchStatus.Failed, after.Status);
        Assert.Contains("may have been sent", after.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void ForDispatch_KeepsTheUnconfirmedTime_WhenItClaimsTheNextAttempt()
    {
        var retried = Message(1, DispatchStatus.Deferred) with { Attempts = 1, NextAttemptAt = At("2026-04-29T08:45"), UnconfirmedSince = At("2026-04-29T08:40") };

        var claimed = Assert.IsType<DispatchStep.Send>(DeliveryDecisions.ForDispatch(retried, true, At("2026-04-29T08:45"), Azure, China)).Claimed;

        Assert.Equal(At("2026-04-29T08:40"), claimed.UnconfirmedSince);
    }

    [Fact]
    public void AfterAttempt_RetriesAtNightToo_ForALevelThatGoesAtOnce()
    {
        var options = Azure with { SendAtOnce = new HashSet<EventLevel> { EventLevel.Notice } };

        var after = DeliveryDecisions.AfterAttempt(Message(1, DispatchStatus.Sending) with { Attempts = 1 }, new SendResult.Transient("503"), At("2026-04-30T17:58"), options, China);

        Assert.Equal(At("2026-04-30T18:03"), after.NextAttemptAt);
    }

    [Theory]
    // message status, sends at, now, delivery becomes
    [InlineData(DispatchStatus.Open, "2026-04-29T08:40", "2026-04-29T08:35", DeliveryStatus.Pending)]
    [InlineData(DispatchStatus.Open, "2026-05-06T08:40", "2026-05-01T08:30", DeliveryStatus.Deferred)] // waits for the window: 顺延
    [InlineData(DispatchStatus.Sending, "2026-04-29T08:40", "2026-04-29T08:40", DeliveryStatus.Pending)]
    [InlineData(DispatchStatus.Deferred, "2026-04-29T08:40", "2026-04-29T08:41", DeliveryStatus.Deferred)]
    [InlineData(DispatchStatus.Sent, "2026-04-29T08:40", "2026-04-29T08:41", DeliveryStatus.Sent)]
    [InlineData(DispatchStatus.Failed, "2026-04-29T08:40", "2026-04-29T08:41", DeliveryStatus.Failed)]
    public void Mirror_GivesEachDeliveryItsMessagesState(DispatchStatus status, string sendAt, string now, DeliveryStatus expected)
    {
        var message = Message(1, status, Item("a")) with { SendAt = At(sendAt), Attempts = 2, ProviderId = "op-9", MaskedAddress = "zh***@fgw.gov.example" };

        var mirrored = DeliveryDecisions.Mirror(Pending(), message, At(now), Azure);

        Assert.Equal((expected, message.Key.Id, 2), (mirrored.Status, mirrored.DispatchId, mirrored.Attempts));
        Assert.Equal(status == DispatchStatus.Sent ? "op-9" : "op-9", mirrored.ProviderId);
        Assert.Equal("zh***@fgw.gov.example", mirrored.MaskedAddress);
    }

    [Fact]
    public void Differs_IsFalse_WhenOnlyTheTimeOfWritingWouldChange()
    {
        var message = Message(1, DispatchStatus.Sent, Item("a"));
        var once = DeliveryDecisions.Mirror(Pending(), message, At("2026-04-29T08:41"), Azure);

        var again = DeliveryDecisions.Mirror(once, message, At("2026-04-29T09:30"), Azure);

        Assert.False(DeliveryDecisions.Differs(once, again));
        Assert.True(DeliveryDecisions.Differs(Pending(), once));
    }

    public static TheoryData<string, int, DeliveryStatus[], string?> Settlements => new()
    {
        { "one still pending", 3, [DeliveryStatus.Sent, DeliveryStatus.Sent, DeliveryStatus.Pending], null },
        { "one not yet opened", 3, [DeliveryStatus.Sent, DeliveryStatus.Sent], null },
        { "all sent", 2, [DeliveryStatus.Sent, DeliveryStatus.Sent], "Delivered 已发送 2，失败 0，未发送 0" },
        { "sent and skipped", 3, [DeliveryStatus.Sent, DeliveryStatus.Skipped, DeliveryStatus.Sent], "Delivered 已发送 2，失败 0，未发送 1" },
        { "one failed", 3, [DeliveryStatus.Sent, DeliveryStatus.Failed, DeliveryStatus.Skipped], "PartlyFailed 已发送 1，失败 1，未发送 1" },
        { "none sent", 2, [DeliveryStatus.Failed, DeliveryStatus.Skipped], "Failed 已发送 0，失败 1，未发送 1" },
    };

    [Theory]
    [MemberData(nameof(Settlements))]
    public void Settle_GivesTheEventItsOutcome_OnceEveryDeliveryIsFinal(string why, int expected, DeliveryStatus[] statuses, string? outcome)
    {
        var settled = DeliveryDecisions.Settle(expected, [.. statuses.Select(s => Pending() with { Status = s })]);

        var described = settled is { } s ? $"{s.Status} {s.Note}" : null;
        Assert.True(outcome == described, $"{why}: expected {outcome}, got {described}");
    }

    [Theory]
    [InlineData("Email:fgw-zhang:20260429:Reminder:001")]
    [InlineData("Sms:a:b:c:20261231:Summons:012")]
    public void DispatchKey_ReadsItsIdBack_EvenWithColonsInThePersonId(string id)
    {
        Assert.Equal(id, DispatchKey.TryParse(id)!.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Email:fgw-zhang:20260429:Reminder")]
    [InlineData("Fax:fgw-zhang:20260429:Reminder:001")]
    [InlineData("Email:fgw-zhang:2026-04-29:Reminder:001")]
    [InlineData("Email:fgw-zhang:20260429:Warning:001")]
    [InlineData("Email:fgw-zhang:20260429:Reminder:0")]
    [InlineData("1:fgw-zhang:20260429:2:001")]
    public void DispatchKey_RefusesWhatIsNotAnId(string id)
    {
        Assert.Null(DispatchKey.TryParse(id));
    }

    private static string Describe(RecipientStep step) => step switch
    {
        RecipientStep.AlreadyDone => "AlreadyDone",
        RecipientStep.Skip s => $"Skip: {s.Reason}",
        RecipientStep.Join j => $"Join {j.Day:yyyy-MM-dd} {j.Address}",
        RecipientStep.Follow f => $"Follow {f.Dispatch.Id}",
        _ => step.ToString(),
    };

    private static string Describe(DispatchStep step) => step switch
    {
        DispatchStep.Wait w => $"Wait {Local(w.Until)}",
        DispatchStep.Send s => $"Send attempt {s.Claimed.Attempts}, held until {Local(s.Claimed.NextAttemptAt!.Value)}",
        DispatchStep.Defer d => $"Defer {Local(d.Dispatch.NextAttemptAt!.Value)}",
        DispatchStep.Settled s => $"Settled {s.Dispatch.Status}",
        DispatchStep.Unreachable u => $"Unreachable {u.Failed.LastError}",
        DispatchStep.GiveUp g => $"GiveUp {g.Failed.LastError}",
        DispatchStep.Move m => $"Move into {m.Into.Id}, a new one going {Local(m.SendAt)}",
        _ => step.ToString(),
    };

    private static LedgerRow Pending(Channel channel = Channel.Email) =>
        new(EventId.For(new RuleId("R3"), new ItemId("fgw-2026-01"), "overdue:2026-04-28"), Fgw, channel, Zhang, RecipientRole.UnitPrincipal, false,
            DeliveryStatus.Pending, 0, null, null, null, null, At("2026-04-29T08:30"));

    private static Contact Person(string? mobile = "+8614000000001", Channel[]? channels = null) =>
        new(Zhang, "张伟", Fgw, "主任", "zhang@fgw.gov.example", mobile, channels ?? [Channel.Email, Channel.Sms]);

    private static DispatchKey Key(int sequence) => new(Channel.Email, Zhang, Date("2026-04-29"), EventLevel.Notice, sequence);

    private static DispatchKey SmsKey(int sequence) => Key(sequence) with { Channel = Channel.Sms };

    /// <summary>A message of the next day (Thursday 30 April), where Wednesday's over the cap go.</summary>
    private static DispatchKey NextKey(int sequence) => SmsKey(sequence) with { Day = Date("2026-04-30") };

    private static Dispatch Next(int sequence, DispatchStatus status, params string[] items) =>
        Message(sequence, status, [.. items.Select(Item)]) with { Key = NextKey(sequence), SendAt = At("2026-04-30T08:40") };

    private static DispatchItem Item(string occurrence) => new(EventId.For(new RuleId("R3"), new ItemId("fgw-2026-01"), occurrence), Fgw, false);

    /// <summary>The event of <see cref="Item"/>(<paramref name="occurrence"/>), of that kind, raised on <paramref name="raised"/>.</summary>
    private static EscalationEvent Event(string occurrence, EventKind kind, LocalDate raised)
    {
        var item = Item(occurrence);
        return new EscalationEvent(item.Event, new RuleId("R3"), EventLevel.Notice, kind, new ItemId("fgw-2026-01"), Fgw, raised, occurrence,
            [new Recipient(RecipientRole.Owner, Zhang, false)], [Channel.Sms], "overdue-notice", new EventFacts("测试事项", "发改委", 50, 30), null);
    }

    private sealed class CargoComparer : IEqualityComparer<MoveCargo>
    {
        public bool Equals(MoveCargo? x, MoveCargo? y) =>
            x is not null && y is not null && x.Carried.SequenceEqual(y.Carried) && x.OutOfDate.SequenceEqual(y.OutOfDate);

        public int GetHashCode(MoveCargo obj) => obj.Carried.Count;
    }

    private static Dispatch Message(int sequence, DispatchStatus status, params DispatchItem[] items) =>
        new(Key(sequence), status, items, At("2026-04-29T08:40"), 0, null, null, null, null, At("2026-04-29T08:30"));

    private static Instant At(string local) =>
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Parse(local).GetValueOrThrow().InZoneStrictly(China.Zone).ToInstant();

    private static string Local(Instant at) => LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Format(at.InZone(China.Zone).LocalDateTime);

    private static LocalDate Date(string iso) => IsoDate.TryParse(iso)!.Value;
}
