using Escalation.Domain.Delivery;
using Escalation.Functions.Pipeline;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

public sealed class DeliveryOptionsTests
{
    [Fact]
    public void Default_GathersForTenMinutes_AsTheAzureShellNeeds()
    {
        var options = DeliveryOptions.Default;

        Assert.Equal(Duration.FromMinutes(10), options.Gather);
    }

    // First retry 5 min, doubling, capped at 6 h (360 min):
    // attempt  1    2    3    4    5     6     7     8     9 …
    // wait     5   10   20   40   80   160   320   360   360
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 80)]
    [InlineData(6, 160)]
    [InlineData(7, 320)]
    [InlineData(8, 360)]
    [InlineData(9, 360)]
    [InlineData(int.MaxValue, 360)]
    public void RetryWait_DoublesFromTheFirstRetryUpToSixHours_WhenTheProviderAsksNothing(int attempts, int minutes)
    {
        var options = DeliveryOptions.Default with { FirstRetry = Duration.FromMinutes(5) };

        var wait = options.RetryWait(attempts, null);

        Assert.Equal(Duration.FromMinutes(minutes), wait);
    }

    [Theory]
    [InlineData(1, 30, 30)]
    [InlineData(3, 10, 20)]
    [InlineData(3, 20, 20)]
    [InlineData(3, 21, 21)]
    [InlineData(8, 300, 360)]
    [InlineData(8, 480, 480)]
    public void RetryWait_TakesTheProvidersWait_WhenItIsLonger(int attempts, int providerMinutes, int minutes)
    {
        var options = DeliveryOptions.Default with { FirstRetry = Duration.FromMinutes(5) };

        var wait = options.RetryWait(attempts, Duration.FromMinutes(providerMinutes));

        Assert.Equal(Duration.FromMinutes(minutes), wait);
    }

    [Theory]
    [InlineData(1, 240)]
    [InlineData(2, 360)]
    [InlineData(3, 360)]
    public void RetryWait_StopsAtSixHours_WhenTheFirstRetryIsAlreadyLong(int attempts, int minutes)
    {
        var options = DeliveryOptions.Default with { FirstRetry = Duration.FromHours(4) };

        var wait = options.RetryWait(attempts, null);

        Assert.Equal(Duration.FromMinutes(minutes), wait);
    }
}
