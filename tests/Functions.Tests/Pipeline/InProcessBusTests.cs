using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>The local Service Bus: the broker semantics the engine relies on, one at a time.</summary>
public sealed class InProcessBusTests
{
    private static readonly Instant Ten = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly SteppingClock _clock = new(Ten);

    [Fact]
    public async Task Drain_RedeliversThenDeadLettersWithTheReason_WhenTheHandlerThrowsOnEveryDelivery()
    {
        var bus = new InProcessBus(_clock, maxDeliveryCount: 3);
        var counts = new List<int>();
        bus.Queue("evaluate", (m, _) =>
        {
            counts.Add(m.DeliveryCount);
            throw new InvalidOperationException("store unavailable");
        });
        await bus.Publish("evaluate", [Message("m-1", "{\"n\":1}")]);

        var handed = await bus.Drain(Ten);

        Assert.Equal(3, handed);
        Assert.Equal([1, 2, 3], counts);
        var dead = Assert.Single(bus.DeadLetters);
        Assert.Equal(("evaluate", "m-1", "MaxDeliveryCountExceeded (3): InvalidOperationException: store unavailable"), (dead.Entity, dead.MessageId, dead.Reason));
        Assert.Equal("{\"n\":1}", dead.Body.ToString());
        Assert.Empty(bus.Waiting);
    }

    [Fact]
    public async Task Drain_CompletesOnTheSecondDelivery_WhenTheHandlerThrowsOnlyOnce()
    {
        var bus = new InProcessBus(_clock, maxDeliveryCount: 3);
        var counts = new List<int>();
        bus.Queue("evaluate", (m, _) =>
        {
            counts.Add(m.DeliveryCount);
            return m.DeliveryCount == 1 ? throw new TimeoutException("lost the lock") : Completed();
        });
        await bus.Publish("evaluate", [Message("m-1")]);

        var handed = await bus.Drain(Ten);

        Assert.Equal(2, handed);
        Assert.Equal([1, 2], counts);
        Assert.Empty(bus.DeadLetters);
        Assert.Empty(bus.Waiting);
    }

    [Fact]
    public async Task Drain_DeadLettersAtTheFirstDelivery_WhenTheHandlerSettlesWithDeadLetter()
    {
        var bus = new InProcessBus(_clock, maxDeliveryCount: 3);
        var counts = new List<int>();
        bus.Subscription("events", "email", "Email", (m, _) =>
        {
            counts.Add(m.DeliveryCount);
            return Task.FromResult<Settlement>(new Settlement.DeadLetter("event ev-1 is not in the escalation log."));
        });
        await bus.Publish("events", [Message("ev-1", "{}", ("Email", "true"))]);

        await bus.Drain(Ten);

        Assert.Equal([1], counts);
        var dead = Assert.Single(bus.DeadLetters);
        Assert.Equal(("events/email", "ev-1", "event ev-1 is not in the escalation log."), (dead.Entity, dead.MessageId, dead.Reason));
    }

    // 10:00        10:29          10:30     10:45
    //   |-- publish --|              |         |
    //   b (10:45) and a (10:30) scheduled; c scheduled in the past (09:00): visible at once
    [Fact]
    public async Task Drain_HoldsAScheduledMessageUntilItsTimeThenAdvancesTheClockToIt_WhenDrainedPastIt()
    {
        var bus = new InProcessBus(_clock);
        var handed = new List<(string Id, Instant At)>();
        bus.Queue("q", (m, _) =>
        {
            handed.Add((m.MessageId, _clock.GetCurrentInstant()));
            return Completed();
        });
        await bus.Publish("q", [
            Message("b") with { ScheduledEnqueueTime = Ten + Duration.FromMinutes(45) },
            Message("a") with { ScheduledEnqueueTime = Ten + Duration.FromMinutes(30) },
            Message("c") with { ScheduledEnqueueTime = Ten - Duration.FromHours(1) },
        ]);

        var early = await bus.Drain(Ten + Duration.FromMinutes(29), _clock.AdvanceTo);
        var waitingEarly = bus.Waiting;
        var onTime = await bus.Drain(Ten + Duration.FromMinutes(45), _clock.AdvanceTo);

        Assert.Equal(1, early);
        Assert.Equal([("q", Ten + Duration.FromMinutes(45)), ("q", Ten + Duration.FromMinutes(30))], waitingEarly);
        Assert.Equal(2, onTime);
        Assert.Equal([("c", Ten), ("a", Ten + Duration.FromMinutes(30)), ("b", Ten + Duration.FromMinutes(45))], handed);
        Assert.Empty(bus.Waiting);
    }

    [Fact]
    public async Task Drain_LeavesTheClockAlone_WhenNoAdvanceIsGiven()
    {
        var bus = new InProcessBus(_clock);
        var seen = new List<Instant>();
        bus.Queue("q", (m, _) =>
        {
            seen.Add(_clock.GetCurrentInstant());
            return Completed();
        });
        await bus.Publish("q", [Message("a") with { ScheduledEnqueueTime = Ten + Duration.FromMinutes(30) }]);

        await bus.Drain(Ten + Duration.FromHours(1));

        Assert.Equal([Ten], seen);
    }

    // Window 10 minutes from the first publication at 10:00:
    // 10:00 ------------ 10:09:59 | 10:10 ------ 10:25
    //  first   duplicates dropped | accepted again
    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(5, 0, 1)]
    [InlineData(9, 59, 1)]
    [InlineData(10, 0, 2)]
    [InlineData(25, 0, 2)]
    public async Task Publish_DropsTheSecondCopyOfAMessageId_WhenPublishedWithinTheDuplicateDetectionWindow(int minutes, int seconds, int expected)
    {
        var bus = new InProcessBus(_clock, duplicateDetectionWindow: Duration.FromMinutes(10));
        var handed = 0;
        bus.Queue("q", (_, _) =>
        {
            handed++;
            return Completed();
        });
        await bus.Publish("q", [Message("same-id") with { ScheduledEnqueueTime = Ten + Duration.FromHours(1) }]);
        _clock.AdvanceTo(Ten + Duration.FromMinutes(minutes) + Duration.FromSeconds(seconds));

        await bus.Publish("q", [Message("same-id") with { ScheduledEnqueueTime = Ten + Duration.FromHours(1) }]);
        await bus.Drain(Ten + Duration.FromHours(2));

        Assert.Equal(expected, handed);
    }

    [Fact]
    public async Task Publish_AcceptsTheSameMessageId_WhenPublishedToAnotherEntity()
    {
        var bus = new InProcessBus(_clock);
        var handed = new List<string>();
        bus.Queue("a", (_, _) =>
        {
            handed.Add("a");
            return Completed();
        });
        bus.Queue("b", (_, _) =>
        {
            handed.Add("b");
            return Completed();
        });

        await bus.Publish("a", [Message("m-1")]);
        await bus.Publish("b", [Message("m-1")]);
        await bus.Drain(Ten);

        Assert.Equal(["a", "b"], handed);
    }

    [Theory]
    [InlineData("Email=true", "email")]
    [InlineData("Sms=true", "sms")]
    [InlineData("Email=true,Sms=true", "email,sms")]
    [InlineData("Email=false,Sms=true", "sms")]
    [InlineData("Unit=jtj", "")]
    public async Task Publish_HandsATopicMessageOnlyToTheSubscriptionsWhosePropertyIsTrue_WhenPublishedWithProperties(string properties, string expected)
    {
        var bus = new InProcessBus(_clock);
        var handed = new List<string>();
        foreach (var name in new[] { "email", "sms" })
        {
            bus.Subscription("events", name, name == "email" ? "Email" : "Sms", (_, _) =>
            {
                handed.Add(name);
                return Completed();
            });
        }

        var pairs = properties.Split(',').Select(p => p.Split('=')).Select(p => (p[0], p[1])).ToArray();
        await bus.Publish("events", [Message("ev-1", "{}", pairs)]);
        await bus.Drain(Ten);

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), handed);
    }

    [Fact]
    public async Task Publish_Throws_WhenNoQueueOrTopicHasTheName()
    {
        var bus = new InProcessBus(_clock);
        bus.Queue("evaluate", (_, _) => Completed());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.Publish("evaluat", [Message("m-1")]));

        Assert.Contains("'evaluat'", error.Message, StringComparison.Ordinal);
    }

    private static OutgoingMessage Message(string id, string body = "{}", params (string Key, string Value)[] properties) =>
        new(id, BinaryData.FromString(body), properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    private static Task<Settlement> Completed() => Task.FromResult<Settlement>(new Settlement.Completed("done"));
}
