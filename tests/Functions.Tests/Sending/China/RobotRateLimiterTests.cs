using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

public sealed class RobotRateLimiterTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 6, 1, 9, 0);

    private readonly FakeClock _clock = new(Start);
    private readonly List<Duration> _waits = [];

    private RobotRateLimiter Limiter(Duration? maxWait = null) => new(_clock, 20, Duration.FromMinutes(1), maxWait ?? Duration.FromMinutes(1), (wait, _) =>
    {
        _waits.Add(wait);
        _clock.Advance(wait);
        return Task.CompletedTask;
    });

    // 09:00:00 ... 09:00:19  twenty posts, one a second
    // 09:00:19               the 21st waits until 09:01:00, when the first leaves the window
    [Fact]
    public async Task Acquire_WaitsUntilTheOldestLeavesTheWindow_WhenTwentyAreInIt()
    {
        var limiter = Limiter();
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await limiter.Acquire());
            _clock.Advance(Duration.FromSeconds(1));
        }

        _clock.Reset(Start + Duration.FromSeconds(19));

        Assert.Null(await limiter.Acquire());

        Assert.Equal([Duration.FromSeconds(41)], _waits);
        Assert.Equal(Start + Duration.FromMinutes(1), _clock.GetCurrentInstant());
        Assert.Null(await limiter.Acquire());
        Assert.Equal(Duration.FromSeconds(1), _waits[^1]);
    }

    [Fact]
    public async Task Acquire_ReturnsTheWaitWithoutTakingASlot_WhenItIsLongerThanMaxWait()
    {
        var limiter = Limiter(maxWait: Duration.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await limiter.Acquire());
        }

        var wait = await limiter.Acquire();

        Assert.Equal(Duration.FromMinutes(1), wait);
        Assert.Empty(_waits);
        _clock.Advance(Duration.FromMinutes(1));
        Assert.Null(await limiter.Acquire());
    }

    [Fact]
    public async Task Acquire_ReturnsTheRestOfTheHold_WhenThePlatformThrottled()
    {
        var limiter = Limiter();
        limiter.HoldUntil(Start + Duration.FromMinutes(10));
        limiter.HoldUntil(Start + Duration.FromMinutes(5));

        Assert.Equal(Duration.FromMinutes(10), await limiter.Acquire());
        Assert.Equal(Start + Duration.FromMinutes(10), limiter.HeldUntil);

        _clock.Advance(Duration.FromMinutes(9) + Duration.FromSeconds(30));
        Assert.Null(await limiter.Acquire());
        Assert.Equal([Duration.FromSeconds(30)], _waits);
        Assert.Null(limiter.HeldUntil);
    }
}
