using System.Globalization;
using Cronos;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>What a simulated (or real) stretch of days did.</summary>
internal sealed record RunSummary(
    ScanCount Scans,
    IReadOnlyDictionary<EventLevel, int> EventsByLevel,
    IReadOnlyDictionary<(Channel Channel, DeliveryStatus Status), int> Deliveries,
    IReadOnlyDictionary<(Channel Channel, DispatchStatus Status), int> Messages,
    IReadOnlyList<DeadLetteredMessage> DeadLetters,
    IReadOnlyList<(string Receiver, Instant VisibleAt)> Waiting)
{
    public int Events => EventsByLevel.Values.Sum();

    /// <summary>Events logged only (仅记录: no channels, nothing sent), counted in <see cref="EventsByLevel"/> too.</summary>
    public int LogOnly { get; init; }

    public int Count(Channel channel, DeliveryStatus status) => Deliveries.GetValueOrDefault((channel, status));

    /// <summary>The digests issued (weekly lists and monthly notices), in order.</summary>
    public IReadOnlyList<Digests.DigestOutcome> Digests { get; init; } = [];

    /// <summary>Messages (one per person, day and level) on <paramref name="channel"/> in <paramref name="status"/>.</summary>
    public int Count(Channel channel, DispatchStatus status) => Messages.GetValueOrDefault((channel, status));

    public static async Task<RunSummary> Of(IEntityTables tables, LocalMode local, ScanCount scans, IReadOnlyList<EscalationEvent> logged, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(local);
        var deliveries = new Dictionary<(Channel, DeliveryStatus), int>();
        var table = await tables.Table(DeliveryLedger.TableName, cancellationToken).ConfigureAwait(false);
        await foreach (var row in table.Query(EntityQuery.WholeTable(["Channel", "Status"]), cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<Channel>(row.GetString("Channel"), out var channel) && Enum.TryParse<DeliveryStatus>(row.GetString("Status"), out var status))
            {
                deliveries[(channel, status)] = deliveries.GetValueOrDefault((channel, status)) + 1;
            }
        }

        var messages = new Dictionary<(Channel, DispatchStatus), int>();
        var dispatches = await tables.Table(DispatchStore.TableName, cancellationToken).ConfigureAwait(false);
        await foreach (var row in dispatches.Query(EntityQuery.WholeTable(["Channel", "Status"]), cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<Channel>(row.GetString("Channel"), out var channel) && Enum.TryParse<DispatchStatus>(row.GetString("Status"), out var status))
            {
                messages[(channel, status)] = messages.GetValueOrDefault((channel, status)) + 1;
            }
        }

        return new RunSummary(
            scans,
            logged.GroupBy(e => e.Level).ToDictionary(g => g.Key, g => g.Count()),
            deliveries,
            messages,
            local.Bus.DeadLetters,
            local.Bus.Waiting)
        {
            LogOnly = logged.Count(e => e.LogOnly),
            Digests = [.. local.Digests],
        };
    }
}

/// <summary>
/// <c>simulate</c>: a simulated clock steps through each day from <c>from</c> to <c>to</c> (inclusive, local dates) at
/// each occurrence of the scan schedule (the same NCRONTAB, UTC, the timer uses), and between them to each scheduled
/// message: deferred deliveries at each sending-window opening, and retries. With an <c>afternoon</c> schedule (given when
/// an afternoon rule exists) the afternoon scan runs too, at each of its occurrences, in time order with the morning's.
/// <c>onScan</c> is told after each scan: the day scanned, the morning scans so far, and the days of the whole stretch.
/// <c>until</c>, when given, is called before each scan with its time, and once at the end of the stretch: the caller does
/// there what happens between scans (the closed loop's scripted steps, <see cref="LoopScript"/>), each at its own time.
/// </summary>
internal static class Simulation
{
    public static async Task<ScanCount> Run(
        LocalMode local, SteppingClock clock, CronExpression schedule, LocalDate from, LocalDate to, DateTimeZone zone,
        Action<LocalDate, int, int>? onScan = null, CancellationToken cancellationToken = default) =>
        await Run(local, clock, schedule, null, from, to, zone, onScan, cancellationToken).ConfigureAwait(false);

    /// <summary>The morning scans by <paramref name="schedule"/> and, when given, the afternoon scans by <paramref name="afternoon"/>; returns the scans run.</summary>
    public static async Task<ScanCount> Run(
        LocalMode local, SteppingClock clock, CronExpression schedule, CronExpression? afternoon, LocalDate from, LocalDate to, DateTimeZone zone,
        Action<LocalDate, int, int>? onScan = null, CancellationToken cancellationToken = default) =>
        await Run(local, clock, schedule, afternoon, from, to, zone, onScan, null, cancellationToken).ConfigureAwait(false);

    /// <summary>The scans, with <paramref name="until"/> called before each (with its time) and at the end (with the stretch's end).</summary>
    public static async Task<ScanCount> Run(
        LocalMode local, SteppingClock clock, CronExpression schedule, CronExpression? afternoon, LocalDate from, LocalDate to, DateTimeZone zone,
        Action<LocalDate, int, int>? onScan, Func<Instant, CancellationToken, Task>? until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(schedule);
        var start = from.AtStartOfDayInZone(zone).ToInstant();
        var end = to.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        clock.AdvanceTo(start);
        var scans = 0;
        var mornings = 0;
        var occurrences = schedule.GetOccurrences(start.ToDateTimeUtc(), end.ToDateTimeUtc(), fromInclusive: true, toInclusive: false)
            .Select(o => (At: Instant.FromDateTimeUtc(o), Scan: ScanSlot.Morning));
        if (afternoon is not null)
        {
            occurrences = occurrences
                .Concat(afternoon.GetOccurrences(start.ToDateTimeUtc(), end.ToDateTimeUtc(), fromInclusive: true, toInclusive: false)
                    .Select(o => (At: Instant.FromDateTimeUtc(o), Scan: ScanSlot.Afternoon)))
                .OrderBy(o => o.At).ThenBy(o => o.Scan);
        }

        foreach (var (at, scan) in occurrences)
        {
            if (until is not null)
            {
                await until(at, cancellationToken).ConfigureAwait(false);
            }

            await local.Cycle(at, scan, clock.AdvanceTo, cancellationToken).ConfigureAwait(false);
            if (scan == ScanSlot.Morning)
            {
                // The digest timers run after the morning scan (09:00 and 09:10 by default): each decides whether today issues.
                await local.IssueDigests(cancellationToken).ConfigureAwait(false);
            }

            scans++;
            mornings += scan == ScanSlot.Morning ? 1 : 0;
            onScan?.Invoke(at.InZone(zone).Date, mornings, Period.DaysBetween(from, to) + 1);
        }

        if (until is not null)
        {
            await until(end - Duration.Epsilon, cancellationToken).ConfigureAwait(false);
        }

        // Deliveries deferred to an opening or retried later on the last day still go out.
        await local.Bus.Drain(end - Duration.Epsilon, clock.AdvanceTo, cancellationToken).ConfigureAwait(false);
        return new ScanCount(mornings, scans - mornings);
    }
}

/// <summary>The scans a simulation ran: mornings (every rule but the afternoon ones) and afternoons.</summary>
internal readonly record struct ScanCount(int Mornings, int Afternoons)
{
    public int Total => Mornings + Afternoons;

    /// <summary>每日扫描 122 次, or 每日扫描 244 次（上午 122 次、下午 122 次） when afternoon scans ran.</summary>
    public override string ToString() => Afternoons == 0
        ? string.Create(CultureInfo.InvariantCulture, $"每日扫描 {Mornings} 次")
        : string.Create(CultureInfo.InvariantCulture, $"每日扫描 {Total} 次（上午 {Mornings} 次、下午 {Afternoons} 次）");
}
