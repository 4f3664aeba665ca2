using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>
/// <c>run --at</c>: the real clock moved so that it reads <paramref name="start"/> when created. It keeps ticking, so
/// leases, retries and the drain up to "now" behave as on the real clock, only on another day.
/// </summary>
internal sealed class AsOfClock(IClock real, Instant start) : IClock
{
    private readonly IClock _real = real;
    private readonly Duration _offset = start - real.GetCurrentInstant();

    public Instant GetCurrentInstant() => _real.GetCurrentInstant() + _offset;
}
