using Escalation.Domain.Catalog;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>
/// The configuration (units, people, plans, rules, templates, calendar, settings, indicators, ranking groups) as the
/// evaluate and deliver steps read it: at most once per <paramref name="ttl"/> of the clock per process, because a scan
/// sets off one evaluation per unit and one delivery per event and channel within seconds, and each would otherwise read
/// the same nine tables. An admin's change is seen within the TTL; the scan itself always reads afresh (and records the
/// problems).
/// </summary>
public sealed class ConfigurationCache(IEntityTables tables, IClock clock, DateTimeZone zone, Duration ttl)
{
    // Two invocations missing the cache at once both read: harmless, and simpler than a lock around an await.
    private volatile Entry? _cached;

    public async Task<Configuration> Get(CancellationToken cancellationToken = default)
    {
        var now = clock.GetCurrentInstant();
        if (_cached is { } c && now >= c.ReadAt && now - c.ReadAt < ttl)
        {
            return c.Configuration;
        }

        var (configuration, _) = await new DailyRead(tables, clock, zone).ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        _cached = new Entry(now, configuration);
        return configuration;
    }

    private sealed record Entry(Instant ReadAt, Configuration Configuration);
}
