using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Xunit.Abstractions;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// Races and lost notices found in review of the delivery redesign, each a sequence that once went wrong: a message sent
/// outside the window after its notice was lost, a sender that threw on every attempt, an outcome written over a newer
/// claim, a claim lost to a joining event, and a retry held back to the next day by local mode.
/// </summary>
public sealed class DeliveryRaceTests(ITestOutputHelper output)
{
    private const string CaoMessage = "Email:jtj-cao:20260601:Notice:001";
    private const string Addr = "caofang@jtj.gov.example";
    private const string CaoEmail = "ev-25017fe9e8a3fe66adefd38f9b774f05:Email:jtj-cao";

    [Fact]
    public async Task Cycle_SendsAMessageWhoseNoticeWasLost_AtTheNextWindowOpening_NotOutsideTheWindow()
    {
        var evening = Sandbox.At("2026-06-01T20:00");
        using var sandbox = await Sandbox.WithSamples(evening);
        await sandbox.Cycle(sandbox.Local(), evening);
        Assert.Empty(sandbox.Email.Calls);
        // a new process (its bus empty): the next evening
        var next = Sandbox.At("2026-06-02T20:00");
        await sandbox.Cycle(sandbox.Local(), next);
        foreach (var c in sandbox.Email.Calls.Take(5))
        {
            output.WriteLine($"{c.Email.DispatchId} at {c.At}");
        }

        Assert.All(sandbox.Email.Calls, c => Assert.True(c.At < next, $"{c.Email.DispatchId} sent at {c.At}, outside the window"));
        await sandbox.Cycle(sandbox.Local(), Sandbox.At("2026-06-03T08:30"));
        Assert.NotEmpty(sandbox.Email.Calls);
        Assert.All(sandbox.Email.Calls, c => Assert.True(c.At >= Sandbox.At("2026-06-03T08:30"), $"{c.Email.DispatchId} sent at {c.At}"));
    }

    [Fact]
    public async Task Drain_GivesUpOnAMessageAfterTheLastAttempt_WhenTheSenderThrowsEveryTime()
    {
        var start = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(start);
        for (var i = 1; i <= 500; i++)
        {
            sandbox.Email.ThrowOnCall(i, new InvalidOperationException("boom"));
        }

        var (bus, engine) = sandbox.Compose(DeliveryOptions.Default with { Gather = Duration.Zero });
        await engine.ScanDeadlines();
        await bus.Drain(Sandbox.At("2026-06-01T17:00"), sandbox.Clock.AdvanceTo);
        var cao = sandbox.Email.Calls.Count(c => c.Email.DispatchId == CaoMessage);
        var d = (await sandbox.Dispatches()).Single(x => x.Key.Id == CaoMessage);
        output.WriteLine($"calls for {CaoMessage}: {cao}; status {d.Status}, attempts {d.Attempts}; dead letters {bus.DeadLetters.Count}");
        Assert.True(cao <= DeliveryOptions.Default.MaxAttempts, $"{cao} attempts");
        Assert.Equal(DispatchStatus.Failed, d.Status);
        Assert.All((await sandbox.Ledger()).Where(x => x.DispatchId == CaoMessage), x => Assert.Equal(DeliveryStatus.Failed, x.Status));
    }

    [Fact]
    public async Task OnDispatch_LeavesTheDeliveriesToTheSenderThatTookOver_WhenItsOwnOutcomeCannotBeWritten()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-01T10:00"));
        var options = DeliveryOptions.Default;
        var bus = await MessagesDue(sandbox, options);
        var key = DispatchKey.TryParse(CaoMessage)!;

        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var b = Delivery(sandbox, bus, options, new Gated(entered, release));
        Task<(DeliveryOutcome?, string?)>? bTask = null;
        var a = Delivery(sandbox, bus, options, new Callback(async () =>
        {
            sandbox.Clock.AdvanceTo(sandbox.Clock.GetCurrentInstant() + Duration.FromMinutes(3)); // slower than the lease
            bTask = b.OnDispatch(new DispatchNotice(key));
            await entered.Task;
            return new SendResult.Rejected("refused");
        }));

        await a.OnDispatch(new DispatchNotice(key));
        release.SetResult();
        await bTask!;

        var d = (await sandbox.Dispatches()).Single(x => x.Key.Id == CaoMessage);
        var del = (await sandbox.Ledger()).Single(x => x.Id == CaoEmail);
        output.WriteLine($"dispatch {d.Status}; delivery {del.Status} ({del.LastError})");
        Assert.Equal(DispatchStatus.Sent, d.Status);
        Assert.Equal(DeliveryStatus.Sent, del.Status);
    }

    [Fact]
    public async Task OnDispatch_DecidesAgainAndSends_WhenAnEventJoinedBetweenItsReadAndItsClaim()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At("2026-06-01T10:00"));
        var options = DeliveryOptions.Default;
        var bus = await MessagesDue(sandbox, options);
        var key = DispatchKey.TryParse(CaoMessage)!;
        var store = new DispatchStore(sandbox.Tables);
        var published = new List<OutgoingMessage>();
        var hook = new HookClock(sandbox.Clock, () =>
        {
            // another invocation's event joins the open message between this one's read and its claim
            var d = store.Find(key).GetAwaiter().GetResult()!;
            var ok = store.Update(d with { Items = [.. d.Items, new DispatchItem(EventId.Parse("ev-00000000000000000000000000000001"), d.Items[0].Unit, false)] }).GetAwaiter().GetResult();
            Assert.True(ok);
        });
        var b = new ChannelDelivery(sandbox.Tables, new Recording(published), sandbox.Channels, new ConfigurationCache(sandbox.Tables, sandbox.Clock, Sandbox.Zone, Duration.FromMinutes(1)), options, hook, NullLogger.Instance);
        var (outcome, _) = await b.OnDispatch(new DispatchNotice(key));
        var after = (await sandbox.Dispatches()).Single(x => x.Key.Id == CaoMessage);
        output.WriteLine($"{outcome!.Summary}; status {after.Status}; notices published {published.Count}");
        Assert.Equal(DispatchStatus.Sent, after.Status);
        Assert.Equal(2, after.Items.Count);
    }

    private sealed class HookClock(IClock inner, Action once) : IClock
    {
        private bool _fired;

        public Instant GetCurrentInstant()
        {
            if (!_fired)
            {
                _fired = true;
                Task.Run(once).GetAwaiter().GetResult();
            }

            return inner.GetCurrentInstant();
        }
    }

    private sealed class Recording(List<OutgoingMessage> list) : IMessagePublisher
    {
        public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            list.AddRange(messages);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void DispatchNotice_HasAMessageIdAndCorrelationIdServiceBusTakes_WhateverThePersonId()
    {
        var longest = new DispatchKey(Channel.Email, new Domain.Items.PersonId(new string('张', 100)), new LocalDate(2026, 6, 1), EventLevel.Summons, 999);

        var message = new DispatchNotice(longest).At(Sandbox.At("2026-06-01T08:40") + Duration.FromMilliseconds(123));

        Assert.True(message.MessageId.Length <= 128, message.MessageId);
        Assert.True(message.CorrelationId!.Length <= 128, message.CorrelationId);
        Assert.EndsWith("@20260601T004000.123Z", message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_SendsYesterdaysRetryAtItsTime_BeforeTheNextScan()
    {
        var monday = Sandbox.At("2026-06-01T10:00");
        using var sandbox = await Sandbox.WithSamples(monday);
        var local = sandbox.Local();
        sandbox.Email.Script(Addr, new SendResult.Transient("busy"));
        await sandbox.Cycle(local, monday);
        await sandbox.Cycle(local, Sandbox.At("2026-06-02T10:00"));
        foreach (var c in sandbox.Email.Calls.Where(c => c.Email.To == Addr))
        {
            output.WriteLine($"{c.Email.DispatchId} at {c.At} -> {c.Result}");
        }

        Assert.Contains(sandbox.Email.Calls, c => c.Email.To == Addr && c.Result is SendResult.Sent && c.At < Sandbox.At("2026-06-01T18:00"));
    }

    /// <summary>Monday 10:00's scan in the Azure shell's timing: events joined their messages, which are due at 10:10 (the clock is there).</summary>
    private static async Task<InProcessBus> MessagesDue(Sandbox sandbox, DeliveryOptions options)
    {
        var (bus, engine) = sandbox.Compose(options);
        await engine.ScanDeadlines();
        await bus.Drain(sandbox.Clock.GetCurrentInstant(), sandbox.Clock.AdvanceTo);
        sandbox.Clock.AdvanceTo(Sandbox.At("2026-06-01T10:10"));
        return bus;
    }

    private static ChannelDelivery Delivery(Sandbox sandbox, IMessagePublisher bus, DeliveryOptions options, IChannelSender email) =>
        new(sandbox.Tables, bus, new ChannelSet([email]), new ConfigurationCache(sandbox.Tables, sandbox.Clock, Sandbox.Zone, Duration.FromMinutes(1)), options, sandbox.Clock, NullLogger.Instance);

    private sealed class Gated(TaskCompletionSource entered, TaskCompletionSource release) : IChannelSender
    {
        public Channel Channel => Channel.Email;
        public string Describe => "gated";
        public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
        {
            entered.TrySetResult();
            await release.Task;
            return new SendResult.Sent("b");
        }
    }

    private sealed class Callback(Func<Task<SendResult>> send) : IChannelSender
    {
        public Channel Channel => Channel.Email;
        public string Describe => "callback";
        public Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default) => send();
    }
}
