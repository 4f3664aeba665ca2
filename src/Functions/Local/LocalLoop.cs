using Escalation.Functions.Cases;
using Escalation.Functions.Commands;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>
/// The closed loop of the local <c>web</c> command: its events go through local mode as <c>run</c> composes it (the
/// in-process bus, the same engine and the same local senders: the outbox folder, or SMTP and gateways when configured), and
/// are handed to the senders as soon as they are published, so that the other side's message lands in the outbox at once.
/// Shared tables are not locked (the delivery lease keeps a concurrent <c>run</c> from sending a delivery twice).
/// </summary>
internal sealed class LocalLoop : IDisposable
{
    private readonly LocalSenders _senders;
    private readonly SemaphoreSlim _draining = new(1, 1);

    private LocalLoop(LocalSenders senders, LocalMode local, ClosedLoop loop)
    {
        _senders = senders;
        Local = local;
        Loop = loop;
    }

    /// <summary>Local mode, whose bus carries the loop's events.</summary>
    public LocalMode Local { get; }

    /// <summary>The service the pages call.</summary>
    public ClosedLoop Loop { get; }

    public static LocalLoop Create(IEntityTables tables, IClock clock, DateTimeZone zone, EngineSettings engine, string outbox, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(loggers);
        var senders = LocalSenders.Create(engine, outbox, clock);
        var local = LocalMode.Create(tables, null, clock, engine.Delivery, zone, senders.Channels, loggers, engine.Digests);
        LocalLoop? created = null;
        var loop = new ClosedLoop(tables, local.Bus, clock, zone, loggers.CreateLogger("Escalation.ClosedLoop"), ct => created!.Drain(clock, ct));
        created = new LocalLoop(senders, local, loop);
        return created;
    }

    /// <summary>Hands over what is due now, again until nothing more is (each message is published a little after the one that set it off).</summary>
    private async Task Drain(IClock clock, CancellationToken cancellationToken)
    {
        // One request at a time drains: the bus hands each message to one receiver, in order.
        await _draining.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (await Local.Bus.Drain(clock.GetCurrentInstant(), null, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            _draining.Release();
        }
    }

    public void Dispose()
    {
        _senders.Dispose();
        _draining.Dispose();
    }
}
