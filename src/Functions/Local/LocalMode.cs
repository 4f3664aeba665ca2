using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>
/// The pipeline on one machine: the same engine as in Azure, over the in-process bus (queue <c>evaluate</c>, topic
/// <c>events</c> with the <c>email</c> and <c>sms</c> subscriptions and their filters) instead of Service Bus, and the
/// local senders (outbox folder or SMTP). One composition, two sets of adapters.
/// </summary>
internal sealed class LocalMode
{
    private readonly IClock _clock;
    private readonly DateTimeZone _zone;

    private LocalMode(InProcessBus bus, Engine engine, IClock clock, DateTimeZone zone)
    {
        Bus = bus;
        Engine = engine;
        _clock = clock;
        _zone = zone;
    }

    public InProcessBus Bus { get; }

    public Engine Engine { get; }

    /// <summary>
    /// Local mode over <paramref name="tables"/>. <paramref name="held"/> is the lock on the embedded store when this
    /// process holds it; null when the tables may be shared with other processes or machines (Azure Table Storage, Azurite).
    /// </summary>
    public static LocalMode Create(
        IEntityTables tables, StoreLock? held, IClock clock, DeliveryOptions delivery, DateTimeZone zone, ChannelSet channels, ILoggerFactory loggers,
        Digests.DigestOptions? digests = null)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var bus = new InProcessBus(clock);
        var engine = new Engine(tables, new TracingPublisher(bus), channels, Options(held, delivery), clock, zone, loggers, digests);
        Wire(bus, engine);
        return new LocalMode(bus, engine, clock, zone);
    }

    /// <summary>The engine's functions on the local bus: the <c>evaluate</c> queue, and one subscription to <c>events</c> per channel.</summary>
    internal static void Wire(InProcessBus bus, Engine engine)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(engine);
        bus.Queue(ServiceBusEntities.EvaluateQueue, engine.EvaluateUnit);
        foreach (var channel in engine.Channels.Channels)
        {
            bus.Subscription(ServiceBusEntities.EventsTopic, ChannelSet.SubscriptionName(channel), ChannelSet.FilterProperty(channel), (m, ct) => engine.Deliver(m, channel, ct));
        }
    }

    /// <summary>
    /// Local mode's delivery options: no lease when this process holds the store (see <see cref="Lease"/>), and no gathering
    /// time, because the local bus hands every evaluation of a cycle over before any message is sent and
    /// <see cref="Cycle(Instant, ScanSlot, Action{Instant}?, CancellationToken)"/> holds the day's messages back until its scan is done.
    /// </summary>
    internal static DeliveryOptions Options(StoreLock? held, DeliveryOptions configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return configured with { Lease = Lease(held, configured.Lease), Gather = Duration.Zero };
    }

    /// <summary>
    /// The delivery lease of local mode. A process holding the store exclusively handles one message at a time and no
    /// other process can claim a delivery, so it needs none, and a delivery left claimed by a killed run is sent again at
    /// once by the next one (which waited for the lock the system released). Any other process may race another for the
    /// same delivery: it keeps the configured lease, so that a delivery claimed by one is left alone by the others until
    /// its sender has had time to record the outcome.
    /// </summary>
    internal static Duration Lease(StoreLock? held, Duration configured) => held is { IsExclusive: true } ? Duration.Zero : configured;

    /// <summary>
    /// One daily cycle at <paramref name="at"/>: first whatever was scheduled before it (deferred deliveries reaching the
    /// window's opening, retries), then the scan and everything it sets off that is due by then. With a simulated
    /// clock, <paramref name="advanceTo"/> moves it to each message's time.
    /// </summary>
    public async Task<ScanOutcome> Cycle(Instant at, Action<Instant>? advanceTo, CancellationToken cancellationToken = default) =>
        await Cycle(at, ScanSlot.Morning, advanceTo, cancellationToken).ConfigureAwait(false);

    /// <summary>The scan whose cycle is running (events logged meanwhile are that scan's).</summary>
    public ScanSlot CurrentScan { get; private set; } = ScanSlot.Morning;

    /// <summary><see cref="Cycle(Instant, Action{Instant}?, CancellationToken)"/> with the scan of <paramref name="scan"/>.</summary>
    public async Task<ScanOutcome> Cycle(Instant at, ScanSlot scan, Action<Instant>? advanceTo, CancellationToken cancellationToken = default)
    {
        // This day's messages wait until the scan is done, so that a message deferred to this morning's opening also
        // carries this morning's events: one message per person, day and level. Earlier ones (a retry due yesterday
        // afternoon) go first, at their time.
        // The afternoon scan holds back only what is due from its own time: the morning's messages went out in the morning.
        var holdFrom = scan == ScanSlot.Morning ? at.InZone(_zone).Date.AtStartOfDayInZone(_zone).ToInstant() : at;
        await Bus.Drain(at, advanceTo, (message, visibleAt) => visibleAt >= holdFrom && IsDispatchNotice(message), cancellationToken).ConfigureAwait(false);
        advanceTo?.Invoke(at);
        CurrentScan = scan;
        var outcome = await Engine.Scan(scan, cancellationToken).ConfigureAwait(false);
        if (advanceTo is not null)
        {
            await Bus.Drain(at, advanceTo, cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        // On the real clock each message is published a little after the one that set it off: drain up to "now", again,
        // until nothing more is due (scheduled deferrals and retries stay for a later run).
        while (await Bus.Drain(_clock.GetCurrentInstant(), null, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        return outcome;
    }

    private static bool IsDispatchNotice(OutgoingMessage message) =>
        message.Properties.TryGetValue(DispatchNotice.KindProperty, out var kind) && kind == DispatchNotice.KindValue;

    /// <summary>The digests this process issued (weekly lists and monthly notices), in order.</summary>
    public List<Digests.DigestOutcome> Digests { get; } = [];

    /// <summary>
    /// The two digest timers' bodies, as the Functions host would run them after the morning scan: each issues its digest
    /// when today is its issue day and it was not issued yet, after finishing earlier ones an interrupted run left claimed.
    /// Outcomes that issued something (today's and earlier ones) are added to <see cref="Digests"/>.
    /// </summary>
    public async Task IssueDigests(CancellationToken cancellationToken = default)
    {
        foreach (var run in new[] { await Engine.WeeklyList(cancellationToken).ConfigureAwait(false), await Engine.MonthlyNotice(cancellationToken).ConfigureAwait(false) })
        {
            // Earlier digests the run went on with first (an interrupted one, an overdue monthly notice), then today's.
            foreach (var outcome in run.Earlier.Append(run))
            {
                if (outcome.Run == Functions.Digests.DigestRun.Issued)
                {
                    Digests.Add(outcome);
                }
            }
        }
    }

    /// <summary>Subscribes <paramref name="onLogged"/> to every event logged for the first time.</summary>
    public void OnLogged(Action<EscalationEvent> onLogged) => Engine.Logged += onLogged;
}
