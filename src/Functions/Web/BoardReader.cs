using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Timelines;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// Reads the whole city once and computes the board: every task's snapshot with <see cref="Evaluator.Snapshot"/> (the
/// same lights the daily run and the digests use) and its timeline's checkpoints, every indicator's latest published
/// value per unit with <see cref="IndicatorDefinition.PlannedFor"/> and <see cref="IndicatorDefinition.LightOf"/> and
/// its place in each ranking group (<see cref="Ranking.Rank"/>), the demands each unit owes and its coming deadlines.
/// Writes nothing.
/// </summary>
internal sealed class BoardReader(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    /// <summary>How far ahead the unit page lists coming deadlines.</summary>
    public const int DeadlineDays = 30;

    public async Task<BoardSnapshot> Read(CancellationToken cancellationToken = default)
    {
        var read = new DailyRead(tables, clock, zone);
        var (configuration, _) = await read.ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        var calendar = configuration.Calendar;
        var evaluator = new Evaluator(calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var units = configuration.Roster.Units;
        string NameOf(UnitId unit) => units.TryGetValue(unit, out var u) ? u.Name : unit.Value;

        // Units and indicators are read and computed concurrently (each a few partition queries, then pure computation):
        // the store's round trips overlap and the snapshots use every core. Results are merged in a fixed order.
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        var unitIds = units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal).ToArray();
        var parts = new UnitPart[unitIds.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, unitIds.Length), options, async (i, ct) =>
        {
            var (states, _, rows) = await read.UnitWithRows(configuration, unitIds[i], ct).ConfigureAwait(false);
            parts[i] = UnitOf(unitIds[i], NameOf(unitIds[i]), states, evaluator, calendar, today);

            // What the unit's indicator notices demand is owed as a task notice's is (no task, no light).
            foreach (var followUp in UnitItems.FollowUps(configuration, rows))
            {
                parts[i].AddOwed(DemandSource.Of(followUp));
            }
        }).ConfigureAwait(false);

        var definitions = configuration.Indicators.Definitions.Values.OrderBy(d => d.Id.Value, StringComparer.Ordinal).ToArray();
        var indicatorRows = new IReadOnlyList<BoardIndicator>[definitions.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, definitions.Length), options, async (i, ct) =>
        {
            var (inputs, _) = await read.Indicator(configuration, definitions[i].Id, ct).ConfigureAwait(false);
            indicatorRows[i] = [.. Indicators(definitions[i], configuration.Indicators.GroupsOf(definitions[i].Id), inputs.Values, today, NameOf)];
        }).ConfigureAwait(false);

        var items = new List<BoardItem>();
        var demands = new Dictionary<UnitId, List<OwedDemand>>();
        var deadlines = new Dictionary<UnitId, List<Deadline>>();
        var askedBy = new Dictionary<UnitId, List<UnitId>>();
        foreach (var part in parts)
        {
            items.AddRange(part.Items);
            foreach (var asked in part.Asked)
            {
                Add(askedBy, asked, part.Unit);
            }

            foreach (var (unit, demand) in part.Demands)
            {
                Add(demands, unit, demand);
            }

            foreach (var deadline in part.Deadlines)
            {
                Add(deadlines, part.Unit, deadline);
            }
        }

        foreach (var rows in indicatorRows)
        {
            items.AddRange(rows);
        }

        return new BoardSnapshot(today, configuration, items,
            demands.ToDictionary(d => d.Key, d => (IReadOnlyList<OwedDemand>)[.. d.Value.OrderBy(x => x.DueBy).ThenBy(x => x.Item, StringComparer.Ordinal)]),
            deadlines.ToDictionary(d => d.Key, d => (IReadOnlyList<Deadline>)[.. d.Value.OrderBy(x => x.Due).ThenBy(x => x.Item, StringComparer.Ordinal)]))
        {
            ComputedAt = clock.GetCurrentInstant(),
            AskedBy = askedBy.ToDictionary(a => a.Key, a => (IReadOnlyList<UnitId>)[.. a.Value]),
        };
    }

    /// <summary>
    /// How many units or indicators are read at once: one per core (at least two, so that a store round trip overlaps
    /// with computation). Not more: a recomputation in the background must leave the pages their share of the cores.
    /// </summary>
    private static int Parallelism => Math.Max(2, Environment.ProcessorCount);

    /// <summary>One unit's part of the board: its tasks, the demands owed (to the unit that asked), its coming deadlines.</summary>
    private sealed record UnitPart(UnitId Unit, List<BoardItem> Items, List<(UnitId Owner, OwedDemand Demand)> Demands, List<Deadline> Deadlines)
    {
        /// <summary>The other units its notices demand something of (met or not).</summary>
        public HashSet<UnitId> Asked { get; } = [];

        /// <summary>The unmet demands of a task's or an indicator's notices, each to the unit that owes it.</summary>
        public void AddOwed(DemandSource source)
        {
            foreach (var demand in source.Demands.Where(d => d.MetOn is null))
            {
                Demands.Add((demand.From ?? Unit, new OwedDemand(demand.Notice.Value, Unit, source.Item.Value, source.Title, demand.Kind, demand.DueBy)));
            }
        }
    }

    private static UnitPart UnitOf(UnitId unit, string unitName, IReadOnlyList<ItemState> states, Evaluator evaluator, WorkingCalendar calendar, LocalDate today)
    {
        var part = new UnitPart(unit, [], [], []);
        var horizon = today.PlusDays(DeadlineDays);
        foreach (var state in states)
        {
            var item = state.Item;
            // An unusable plan (or a year without calendar) leaves the task on the board without a light.
            ItemSnapshot? snapshot = null;
            IReadOnlyList<Checkpoint> checkpoints = [];
            if (calendar.IsLoaded(today.Year))
            {
                snapshot = evaluator.Snapshot(state, today);
                checkpoints = snapshot is null ? [] : Timeline.Build(item, calendar).Timeline?.Checkpoints ?? [];
            }

            var active = item.Status == ItemStatus.Active;
            var nextReport = active && item.Cadence.NextDueOnOrAfter(today, item.Start) is { } due && due <= item.Deadline
                ? Roll(calendar, due)
                : (LocalDate?)null;
            part.Items.Add(new BoardTask(item.Id.Value, unit, unitName, item.Title, active ? snapshot?.Light : null,
                item.Kind, item.Status, item.Start, item.Deadline, snapshot, checkpoints, nextReport) { Owner = item.Owner, Cadence = item.Cadence });

            foreach (var demand in state.Demands)
            {
                if (demand.From is { } from && from != unit)
                {
                    part.Asked.Add(from);
                }
            }

            part.AddOwed(DemandSource.Of(state));

            if (!active)
            {
                continue;
            }

            foreach (var checkpoint in checkpoints.Where(c => c.Due >= today && c.Due <= horizon))
            {
                part.Deadlines.Add(new Deadline(checkpoint.Due, item.Id.Value, item.Title, checkpoint.IsDeadline ? "完成时限" : $"节点：{checkpoint.Name}"));
            }

            if (nextReport is { } report && report <= horizon)
            {
                part.Deadlines.Add(new Deadline(report, item.Id.Value, item.Title, "进度报送截止"));
            }
        }

        return part;
    }

    /// <summary>
    /// One row per unit with a value published by <paramref name="today"/>: its latest period's value, plan and light, its
    /// provincial rank, and its place among the group's values of that same period.
    /// </summary>
    internal static IEnumerable<BoardIndicator> Indicators(
        IndicatorDefinition definition, IReadOnlyList<RankingGroup> groups, IReadOnlyList<IndicatorValue> values, LocalDate today, Func<UnitId, string> nameOf)
    {
        var published = values.Where(v => v.Published <= today).ToList();
        var byPeriod = published.ToLookup(v => v.Period.Key, StringComparer.Ordinal);
        foreach (var latest in published.GroupBy(v => v.Unit).Select(g => g.OrderByDescending(v => v.Period.Year).ThenByDescending(v => v.Period.Number).First()))
        {
            var places = new List<GroupPlace>();
            foreach (var group in groups.Where(g => g.Units.Contains(latest.Unit)))
            {
                var peers = byPeriod[latest.Period.Key].Where(v => group.Units.Contains(v.Unit)).Select(v => (v.Unit, v.Value)).ToArray();
                var standing = Ranking.Rank(peers, definition.Direction).FirstOrDefault(s => s.Unit == latest.Unit);
                places.Add(new GroupPlace(group.Name, standing.Rank, peers.Length));
            }

            yield return new BoardIndicator(
                definition.Id.Value, latest.Unit, nameOf(latest.Unit), definition.Name, definition.LightOf(latest.Value, latest.Period),
                latest.Period, latest.Period.Label(definition.IsCumulative), definition.MeasureUnit, latest.Value, definition.PlannedFor(latest.Period),
                latest.ProvincialRank is { } rank ? (rank, latest.PeerCount) : null, places, latest.Published);
        }
    }

    private static LocalDate Roll(WorkingCalendar calendar, LocalDate due) =>
        calendar.IsLoaded(due.Year) ? calendar.WorkingDayOnOrAfter(due) : due;

    private static void Add<T>(Dictionary<UnitId, List<T>> lists, UnitId unit, T value)
    {
        if (!lists.TryGetValue(unit, out var list))
        {
            lists[unit] = list = [];
        }

        list.Add(value);
    }
}
