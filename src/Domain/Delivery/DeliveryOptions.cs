using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Delivery;

/// <summary>How deliveries are paced: the sending window, what may go at once, how long a message gathers, and retries.</summary>
/// <param name="Window">When messages may go out (default working days 08:30–18:00).</param>
/// <param name="SendAtOnce">Levels delivered even outside the window (none by default).</param>
/// <param name="MaxAttempts">Attempts per delivery before it is marked failed.</param>
/// <param name="FirstRetry">Wait after the first transient failure; it doubles with each attempt, up to six hours.</param>
/// <param name="Lease">
/// How long a claimed delivery is left to its sender before another invocation may try it: guards against two copies of a
/// message being processed at once on two instances (or two local runs on shared tables). Zero only in local mode on an
/// embedded store the process holds exclusively, where one message is processed at a time and no other process claims.
/// </param>
public sealed record DeliveryOptions(
    SendingWindow Window,
    IReadOnlySet<EventLevel> SendAtOnce,
    int MaxAttempts,
    Duration FirstRetry,
    Duration Lease)
{
    public static DeliveryOptions Default { get; } = new(
        SendingWindow.Default, new HashSet<EventLevel>(), 5, Duration.FromMinutes(5), Duration.FromMinutes(2));

    /// <summary>
    /// How long a message to one person waits, after the moment it could first go, for the other events due to that person
    /// the same day at the same level (the units of one scan are evaluated in parallel, over a few minutes), so that they
    /// go as one message. Ten minutes in Azure; zero in local mode, whose bus hands every evaluation over before any
    /// message is closed.
    /// </summary>
    public Duration Gather { get; init; } = Duration.FromMinutes(10);

    /// <summary>
    /// The web's public base address (Escalation__Web__BaseUrl) for the sign links (签收) in messages; null for none. The
    /// deliveries put it into the wording (<see cref="Wording.WordingSettings.WebBaseUrl"/>).
    /// </summary>
    public string? WebBaseUrl { get; init; }

    /// <summary>The default <see cref="SmsDailyCap"/>.</summary>
    public const int DefaultSmsDailyCap = 8;

    /// <summary>
    /// At most this many SMS messages to one number a day (mainland gateways cap notification SMS per number and day, and
    /// the engine keeps under it rather than be refused); the items of a message over it join the person's message of the
    /// next day's first window, so that the next day brings one message. 0: no cap.
    /// </summary>
    public int SmsDailyCap { get; init; } = DefaultSmsDailyCap;

    private static readonly Duration MaxRetryWait = Duration.FromHours(6);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1-based), or the provider's, if longer.</summary>
    public Duration RetryWait(int attempts, Duration? providerWait)
    {
        var wait = FirstRetry;
        for (var i = 1; i < attempts && wait < MaxRetryWait; i++)
        {
            wait += wait;
        }

        if (wait > MaxRetryWait)
        {
            wait = MaxRetryWait;
        }

        return providerWait is { } asked && asked > wait ? asked : wait;
    }
}
