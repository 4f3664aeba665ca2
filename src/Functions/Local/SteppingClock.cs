using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>The simulated clock of <c>simulate</c> and <c>demo</c>: it only moves forward, when the simulation says so.</summary>
internal sealed class SteppingClock(Instant start) : IClock
{
    private Instant _now = start;

    public Instant GetCurrentInstant() => _now;

    /// <summary>Moves to <paramref name="at"/> unless the clock is already past it.</summary>
    public void AdvanceTo(Instant at)
    {
        if (at > _now)
        {
            _now = at;
        }
    }
}
