using NodaTime;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// One robot's send budget: at most <see cref="Count"/> posts in any <see cref="Window"/> (a sliding window, as both
/// vendors count: 20 a minute), and a hold after the platform itself said "too fast". A post that would exceed the
/// budget waits when the wait is at most <see cref="MaxWait"/>, otherwise it is not sent and the caller gets the wait
/// to retry after (<see cref="GatewayOutcome.RetryLater"/>).
/// </summary>
/// <remarks>
/// The budget is per process: two instances posting to one robot share the platform's 20 but not this counter, so the
/// platform's throttling answer (which sets the hold) remains the backstop.
/// </remarks>
public sealed class RobotRateLimiter
{
    private readonly IClock _clock;
    private readonly Func<Duration, CancellationToken, Task> _delay;
    private readonly Queue<Instant> _sent = new();
    private readonly Lock _gate = new();
    private Instant? _heldUntil;

    /// <param name="clock">The clock (a fake one in tests).</param>
    /// <param name="count">Posts allowed per window; 20 for both robots.</param>
    /// <param name="window">The sliding window; one minute for both robots.</param>
    /// <param name="maxWait">The longest a post waits for a slot before it is handed back as retry-later.</param>
    /// <param name="delay">Waits the given time (<see cref="Task.Delay(TimeSpan, CancellationToken)"/> unless a test injects one that moves a fake clock).</param>
    public RobotRateLimiter(IClock clock, int count = 20, Duration? window = null, Duration? maxWait = null, Func<Duration, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _clock = clock;
        Count = count;
        Window = window ?? Duration.FromMinutes(1);
        MaxWait = maxWait ?? Duration.FromMinutes(1);
        _delay = delay ?? ((wait, token) => Task.Delay(wait.ToTimeSpan(), token));
    }

    /// <summary>Posts allowed per <see cref="Window"/>.</summary>
    public int Count { get; }

    /// <summary>The sliding window.</summary>
    public Duration Window { get; }

    /// <summary>The longest a post waits; a longer wait is handed back to the caller.</summary>
    public Duration MaxWait { get; }

    /// <summary>Until when the platform throttles this robot (after it answered "too fast"), if it does.</summary>
    public Instant? HeldUntil => _heldUntil is { } until && until > _clock.GetCurrentInstant() ? until : null;

    /// <summary>Takes a slot for one post, waiting for it if the wait is short enough.</summary>
    /// <returns>Null when the post may go now (the slot is taken); otherwise how long to wait before trying again.</returns>
    public async Task<Duration?> Acquire(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Duration wait;
            lock (_gate)
            {
                var now = _clock.GetCurrentInstant();
                wait = Wait(now);
                if (wait <= Duration.Zero)
                {
                    _sent.Enqueue(now);
                    return null;
                }
            }

            if (wait > MaxWait)
            {
                return wait;
            }

            await _delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Holds every post until <paramref name="until"/>: the platform answered that this robot sends too fast.</summary>
    public void HoldUntil(Instant until)
    {
        lock (_gate)
        {
            if (_heldUntil is not { } held || until > held)
            {
                _heldUntil = until;
            }
        }
    }

    private Duration Wait(Instant now)
    {
        while (_sent.Count > 0 && _sent.Peek() + Window <= now)
        {
            _sent.Dequeue();
        }

        var wait = _sent.Count < Count ? Duration.Zero : _sent.Peek() + Window - now;
        if (_heldUntil is { } held && held - now > wait)
        {
            wait = held - now;
        }

        return wait;
    }
}
