using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>Who recorded a task's or an indicator's first-seen date.</summary>
public enum FirstSeenSource
{
    /// <summary>An import wrote or found the task (or the indicator).</summary>
    Import,

    /// <summary>The daily run evaluated a task (or an indicator) it had not seen (written by hand, or stored before the table existed).</summary>
    Evaluation,
}

/// <summary>
/// The first-seen table (首次纳入监测): the local date the engine first saw each task, PartitionKey = the unit id,
/// RowKey = the task id, so that the daily read of a unit gets its tasks' dates with one partition query. An indicator's
/// date is filed under its owner unit with RowKey <c>ind:{indicator}</c> (<see cref="IndicatorItem.For"/>; no task id may
/// start so), read with one point read by the indicator's step. A date is written once and never changed; an import or a
/// run only adds the tasks and indicators that have none.
/// </summary>
public sealed class FirstSeenDates(IEntityTables tables)
{
    public const string TableName = "firstseen";

    private static readonly string[] Columns = ["FirstSeen"];

    /// <summary>The first-seen dates of a unit's tasks (a task without one has not been seen yet).</summary>
    public async Task<IReadOnlyDictionary<ItemId, LocalDate>> OfUnit(UnitId unit, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var dates = new Dictionary<ItemId, LocalDate>();
        await foreach (var entity in table.Query(EntityQuery.Partition(unit.Value, Columns), cancellationToken).ConfigureAwait(false))
        {
            // The engine writes ISO dates; a row edited by hand into something else counts as not seen, and is rewritten.
            if (IsoDate.TryParse(entity.GetString("FirstSeen")) is { } date)
            {
                dates[new ItemId(entity.RowKey)] = date;
            }
        }

        return dates;
    }

    /// <summary>The first-seen date of <paramref name="indicator"/>, filed under its <paramref name="owner"/>; null when never seen.</summary>
    public async Task<LocalDate?> OfIndicator(UnitId owner, IndicatorId indicator, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(owner.Value, IndicatorItem.For(indicator).Value, Columns, cancellationToken).ConfigureAwait(false);
        return IsoDate.TryParse(entity?.GetString("FirstSeen"));
    }

    /// <summary>
    /// Records <paramref name="date"/> for each of <paramref name="indicators"/> (with their owner units) that has no date
    /// yet, one partition per owner; returns how many it recorded.
    /// </summary>
    public async Task<int> AddMissingIndicators(IEnumerable<(UnitId Owner, IndicatorId Indicator)> indicators, LocalDate date, FirstSeenSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        var added = 0;
        foreach (var owned in indicators.GroupBy(i => i.Owner, i => IndicatorItem.For(i.Indicator)))
        {
            added += await AddMissing(owned.Key, [.. owned], date, source, cancellationToken).ConfigureAwait(false);
        }

        return added;
    }

    /// <summary>
    /// Records <paramref name="date"/> for each of the unit's <paramref name="tasks"/> that has no date yet; returns how
    /// many it recorded. Two writers racing on a new task may both write it (last one wins): their dates are the same
    /// day but across midnight, which does not move a streak's start by a period.
    /// </summary>
    public async Task<int> AddMissing(UnitId unit, IReadOnlyCollection<ItemId> tasks, LocalDate date, FirstSeenSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return 0;
        }

        var known = await OfUnit(unit, cancellationToken).ConfigureAwait(false);
        var missing = tasks.Distinct().Where(t => !known.ContainsKey(t)).Select(t => ToEntity(unit, t, date, source)).ToList();
        if (missing.Count > 0)
        {
            var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
            await table.UpsertAll(missing, cancellationToken).ConfigureAwait(false);
        }

        return missing.Count;
    }

    private static TableEntity ToEntity(UnitId unit, ItemId task, LocalDate date, FirstSeenSource source) => new(unit.Value, task.Value)
    {
        ["Unit"] = unit.Value,
        ["Task"] = task.Value,
        ["FirstSeen"] = IsoDate.Format(date),
        ["Source"] = source.ToString(),
    };
}
