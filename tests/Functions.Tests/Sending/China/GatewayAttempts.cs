using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The attempts of one message through a gateway channel as the engine makes them.</summary>
internal static class GatewayAttempts
{
    /// <summary>Tuesday 2 June 2026, 10:00 in Beijing: inside the sending window.</summary>
    public static readonly Instant Start = Instant.FromUtc(2026, 6, 2, 2, 0);

    /// <summary>
    /// From <see cref="Start"/>: claim (<see cref="DeliveryDecisions.ForDispatch"/>), send the parcel with what the message
    /// remembers (first attempt, unconfirmed since), record (<see cref="DeliveryDecisions.AfterAttempt"/>), step the clock
    /// to the next attempt; until the message is final or <paramref name="attempts"/> are made.
    /// </summary>
    public static async Task<(Dispatch Final, List<SendResult> Results)> Run(GatewaySmsChannel channel, Parcel parcel, FakeClock clock, int attempts)
    {
        var calendar = ShippedCalendar.Default;
        var options = DeliveryOptions.Default;
        clock.Reset(Start);
        var key = DispatchKey.TryParse(parcel.DispatchId) ?? throw new ArgumentException("Not a dispatch id.", nameof(parcel));
        var d = new Dispatch(key, DispatchStatus.Open, [], Start, 0, null, null, null, null, Start);
        var results = new List<SendResult>();
        while (!d.IsFinal && results.Count < attempts)
        {
            if (d.NextAttemptAt is { } next && next > clock.GetCurrentInstant())
            {
                clock.Reset(next);
            }

            var step = DeliveryDecisions.ForDispatch(d, true, clock.GetCurrentInstant(), options, calendar);
            var claimed = (step as DispatchStep.Send)?.Claimed ?? throw new InvalidOperationException($"Expected to send, got {step}.");
            var result = await channel.Send(parcel with { FirstAttemptAt = claimed.FirstAttemptAt!.Value, UnconfirmedSince = claimed.UnconfirmedSince });
            results.Add(result);
            d = DeliveryDecisions.AfterAttempt(claimed, result, clock.GetCurrentInstant(), options, calendar);
        }

        return (d, results);
    }
}
