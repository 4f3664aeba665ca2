using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The engine's per-number daily SMS cap (Escalation__Sms__DailyCap): a number is sent at most that many SMS messages a
/// local day; a message over it waits for the next day's first window and goes then, as its own message. Email has no cap.
/// </summary>
public sealed class SmsDailyCapTests
{
    // Samples: on Tuesday 2 June two numbers (+8614000000016 jtj-wang, +8614000000030) are due two SMS messages each.
    // With a cap of 1 the second of each waits for Wednesday 3 June 08:30, the next day's first window.
    [Fact]
    public async Task Deliver_SendsNoNumberMoreThanTheCapADay_AndTheRestTheNextMorning()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-01T09:00"));
        var local = sandbox.Local(DeliveryOptions.Default with { SmsDailyCap = 1 });
        var june2 = new LocalDate(2026, 6, 2);

        await sandbox.Cycle(local, Sandbox.At("2026-06-01T09:00"));
        await sandbox.Cycle(local, Sandbox.At("2026-06-02T09:00"));
        var beforeMorning = (await sandbox.Dispatches()).Where(SmsOfJune2).ToList();
        await sandbox.Drain(local, Sandbox.At("2026-06-03T08:45"));
        var after = (await sandbox.Dispatches()).Where(SmsOfJune2).ToList();

        bool SmsOfJune2(Dispatch d) => d.Key.Channel == Channel.Sms && d.Key.Day == june2;
        Assert.All(sandbox.Sms.Sent.GroupBy(s => (s.Sms.To, s.At.InZone(Sandbox.Zone).Date)), g => Assert.Single(g));
        Assert.Equal(2, beforeMorning.Count(d => d.Status == DispatchStatus.Deferred && d.LastError!.Contains("daily SMS cap of 1", StringComparison.Ordinal)));
        Assert.All(beforeMorning.Where(d => d.Status == DispatchStatus.Deferred), d => Assert.Equal(Sandbox.At("2026-06-03T08:30"), d.NextAttemptAt));
        var movedNumbers = sandbox.Sms.Sent.Where(s => s.At == Sandbox.At("2026-06-03T08:30")).Select(s => s.Sms.To).Order().ToList();
        Assert.Equal(["+8614000000016", "+8614000000030"], movedNumbers);
        Assert.DoesNotContain(after, d => d.Status == DispatchStatus.Deferred);
        var deliveries = (await sandbox.Ledger()).Where(d => d.Channel == Channel.Sms && d.DispatchDay == june2).ToList();
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Sent, d.Status));
    }

    [Fact]
    public async Task Deliver_SendsTheSameDayAsBefore_WhenTheCapIsNotReached()
    {
        var run = Sandbox.At("2026-06-01T10:00");
        using var capped = await Sandbox.WithSamples(run);
        using var uncapped = await Sandbox.WithSamples(run);
        var cappedLocal = capped.Local(DeliveryOptions.Default);
        var uncappedLocal = uncapped.Local(DeliveryOptions.Default with { SmsDailyCap = 0 });

        await capped.Cycle(cappedLocal, run);
        await uncapped.Cycle(uncappedLocal, run);

        Assert.Equal(uncapped.Sms.Sent.Select(s => (s.Sms.To, s.At)), capped.Sms.Sent.Select(s => (s.Sms.To, s.At)));
    }
}
