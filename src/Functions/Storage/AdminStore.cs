using Azure.Data.Tables;
using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Functions.Storage;

/// <summary>Every admin row, table by table: what an import validates against and what it writes.</summary>
public sealed record AdminData(
    IReadOnlyList<UnitRow> Units,
    IReadOnlyList<PersonRow> People,
    IReadOnlyList<TaskRow> Tasks,
    IReadOnlyList<MilestoneRow> Milestones,
    IReadOnlyList<PlanStageRow> PlanStages,
    IReadOnlyList<ProgressRow> Progress,
    IReadOnlyList<RuleRow> Rules,
    IReadOnlyList<MessageTemplate> Templates,
    IReadOnlyList<CorrectionRow> Calendar,
    IReadOnlyList<SettingRow> Settings,
    IReadOnlyList<ExemptionRow> Exemptions,
    IReadOnlyList<ExplanationRow> Explanations)
{
    public static AdminData Empty { get; } = new([], [], [], [], [], [], [], [], [], [], [], []);

    public IReadOnlyList<IndicatorRow> Indicators { get; init; } = [];

    public IReadOnlyList<IndicatorValueRow> IndicatorValues { get; init; } = [];

    public IReadOnlyList<RankingGroupRow> RankingGroups { get; init; } = [];

    /// <summary>The smstemplates rows.</summary>
    public IReadOnlyList<SmsTemplateRow> SmsTemplates { get; init; } = [];

    /// <summary>The robots rows.</summary>
    public IReadOnlyList<RobotRow> Robots { get; init; } = [];

    public ConfigurationRows Configuration => new(Units, People, PlanStages, Rules, Templates, Calendar, Settings)
    {
        Indicators = Indicators,
        RankingGroups = RankingGroups,
        SmsTemplates = SmsTemplates,
        Robots = Robots,
    };

    /// <summary>The rows of one indicator, as <see cref="AdminStore.ReadIndicator"/> would return them.</summary>
    public IndicatorRows OfIndicator(IndicatorId indicator) => new(
        indicator,
        [.. IndicatorValues.Where(r => UnitRow.KeyOf(r.Indicator) == indicator.Value)],
        [.. Exemptions.Where(r => r.IsIndicator && r.Indicator!.Trim() == indicator.Value)]);

    /// <summary>The rows of every unit that has any, grouped in one pass (units whose id is not a usable key included as written).</summary>
    public IEnumerable<(string Unit, UnitRows Rows)> ByUnit()
    {
        var tasks = Tasks.ToLookup(r => UnitRow.KeyOf(r.Unit), StringComparer.Ordinal);
        var milestones = Milestones.ToLookup(r => UnitRow.KeyOf(r.Unit), StringComparer.Ordinal);
        var progress = Progress.ToLookup(r => UnitRow.KeyOf(r.Unit), StringComparer.Ordinal);
        var exemptions = Exemptions.Where(r => !r.IsIndicator).ToLookup(r => UnitRow.KeyOf(r.Unit), StringComparer.Ordinal);
        var explanations = Explanations.ToLookup(r => UnitRow.KeyOf(r.Unit), StringComparer.Ordinal);
        var units = tasks.Select(g => g.Key).Concat(milestones.Select(g => g.Key)).Concat(progress.Select(g => g.Key))
            .Concat(exemptions.Select(g => g.Key)).Concat(explanations.Select(g => g.Key)).Distinct(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            if (UnitId.IsValid(unit))
            {
                yield return (unit, new UnitRows(new UnitId(unit), [.. tasks[unit]], [.. milestones[unit]], [.. progress[unit]], [.. exemptions[unit]], [.. explanations[unit]], []));
            }
        }
    }

    /// <summary>The rows of one unit, as the daily read would return them (demands come from the escalation log).</summary>
    public UnitRows OfUnit(UnitId unit, IReadOnlyList<IssuedDemand>? demands = null)
    {
        bool Of(string? u) => UnitRow.KeyOf(u) == unit.Value;
        return new UnitRows(
            unit,
            [.. Tasks.Where(r => Of(r.Unit))],
            [.. Milestones.Where(r => Of(r.Unit))],
            [.. Progress.Where(r => Of(r.Unit))],
            [.. Exemptions.Where(r => !r.IsIndicator && Of(r.Unit))],
            [.. Explanations.Where(r => Of(r.Unit))],
            demands ?? []);
    }
}

/// <summary>What writing rows did: rows new to the table, rows whose values changed, rows already as given.</summary>
public readonly record struct WriteCount(int Added, int Updated, int Unchanged)
{
    public static WriteCount operator +(WriteCount a, WriteCount b) => new(a.Added + b.Added, a.Updated + b.Updated, a.Unchanged + b.Unchanged);
}

/// <summary>
/// The admin tables. The daily path reads constant partitions (configuration) and one unit's partitions; only imports
/// and exports list whole tables.
/// </summary>
public sealed class AdminStore(IEntityTables tables)
{
    /// <summary>The configuration tables: eleven small partitions (indicator definitions, ranking groups, SMS templates and robots included).</summary>
    public async Task<ConfigurationRows> ReadConfiguration(CancellationToken cancellationToken = default)
    {
        var units = Partition(AdminTables.Units, "unit", cancellationToken);
        var people = Partition(AdminTables.People, "person", cancellationToken);
        var plans = Partition(AdminTables.PlanTemplates, "plan", cancellationToken);
        var rules = Partition(AdminTables.Rules, "rule", cancellationToken);
        var templates = Partition(AdminTables.Templates, "template", cancellationToken);
        var calendar = Partition(AdminTables.Calendar, "calendar", cancellationToken);
        var settings = Partition(AdminTables.Settings, "setting", cancellationToken);
        var indicators = Partition(AdminTables.Indicators, "indicator", cancellationToken);
        var groups = Partition(AdminTables.RankingGroups, "rankinggroup", cancellationToken);
        var smsTemplates = Partition(AdminTables.SmsTemplates, "smstemplate", cancellationToken);
        var robots = Partition(AdminTables.Robots, "robot", cancellationToken);
        return new ConfigurationRows(await units, await people, await plans, await rules, await templates, await calendar, await settings)
        {
            Indicators = await indicators,
            RankingGroups = await groups,
            SmsTemplates = await smsTemplates,
            Robots = await robots,
        };
    }

    /// <summary>
    /// One indicator's rows: every unit's values (its partition of indicatorvalues) and its exemptions (partition
    /// <c>ind:{indicator}</c> of exemptions). Two partition queries, whatever the number of units and periods.
    /// </summary>
    public async Task<IndicatorRows> ReadIndicator(IndicatorId indicator, CancellationToken cancellationToken = default)
    {
        var values = Partition(AdminTables.IndicatorValues, indicator.Value, cancellationToken);
        var exemptions = Partition(AdminTables.Exemptions, AdminTables.IndicatorPartition(indicator.Value), cancellationToken);

        // A unit whose id happens to be ind:{indicator} would share the partition: its task exemptions are not this indicator's.
        return new IndicatorRows(indicator, await values, [.. (await exemptions).Where(e => e.IsIndicator)]);
    }

    /// <summary>One unit's tasks, milestones, progress, exemptions and explanations: one partition of each table.</summary>
    public async Task<UnitRows> ReadUnit(UnitId unit, IReadOnlyList<IssuedDemand> demands, CancellationToken cancellationToken = default)
    {
        var tasks = Partition(AdminTables.Tasks, unit.Value, cancellationToken);
        var milestones = Partition(AdminTables.Milestones, unit.Value, cancellationToken);
        var progress = Partition(AdminTables.Progress, unit.Value, cancellationToken);
        var exemptions = Partition(AdminTables.Exemptions, unit.Value, cancellationToken);
        var explanations = Partition(AdminTables.Explanations, unit.Value, cancellationToken);
        return new UnitRows(unit, await tasks, await milestones, await progress, await exemptions, await explanations, demands);
    }

    /// <summary>Every task id with the unit (partition) it is stored under: the whole tasks table, two columns; for admin look-ups, not for the daily run.</summary>
    public async Task<IReadOnlyList<(string Task, string Unit)>> TaskIds(CancellationToken cancellationToken = default)
    {
        var source = await tables.Table(AdminTables.Tasks.Schema.Name, cancellationToken).ConfigureAwait(false);
        var ids = new List<(string, string)>();
        await foreach (var entity in source.Query(EntityQuery.WholeTable(["Id"]), cancellationToken).ConfigureAwait(false))
        {
            ids.Add((entity.RowKey, entity.PartitionKey));
        }

        return ids;
    }

    /// <summary>Every admin row (whole tables): for imports and listings, not for the daily run.</summary>
    public async Task<AdminData> ReadAll(CancellationToken cancellationToken = default) => new(
        await All(AdminTables.Units, cancellationToken),
        await All(AdminTables.People, cancellationToken),
        await All(AdminTables.Tasks, cancellationToken),
        await All(AdminTables.Milestones, cancellationToken),
        await All(AdminTables.PlanTemplates, cancellationToken),
        await All(AdminTables.Progress, cancellationToken),
        await All(AdminTables.Rules, cancellationToken),
        await All(AdminTables.Templates, cancellationToken),
        await All(AdminTables.Calendar, cancellationToken),
        await All(AdminTables.Settings, cancellationToken),
        await All(AdminTables.Exemptions, cancellationToken),
        await All(AdminTables.Explanations, cancellationToken))
    {
        Indicators = await All(AdminTables.Indicators, cancellationToken),
        IndicatorValues = await All(AdminTables.IndicatorValues, cancellationToken),
        RankingGroups = await All(AdminTables.RankingGroups, cancellationToken),
        SmsTemplates = await All(AdminTables.SmsTemplates, cancellationToken),
        Robots = await All(AdminTables.Robots, cancellationToken),
    };

    /// <summary>
    /// Writes the rows, skipping those already stored with the same values, so that writing the same rows twice changes
    /// nothing. Changed rows are written in entity-group transactions per partition.
    /// </summary>
    public Task<WriteCount> Write<TRow>(AdminTable<TRow> table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken = default)
        where TRow : class => Write(table, rows, null, cancellationToken);

    /// <summary>
    /// As <see cref="Write{TRow}(AdminTable{TRow}, IReadOnlyList{TRow}, CancellationToken)"/>, comparing with
    /// <paramref name="stored"/> (the table's rows as just read by the caller) instead of reading the partitions again.
    /// </summary>
    public async Task<WriteCount> Write<TRow>(AdminTable<TRow> table, IReadOnlyList<TRow> rows, IReadOnlyList<TRow>? stored, CancellationToken cancellationToken = default)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(table);
        var target = await tables.Table(table.Schema.Name, cancellationToken).ConfigureAwait(false);
        var count = default(WriteCount);
        var changed = new List<TableEntity>();
        var partitions = rows.Select(table.ToEntity).GroupBy(e => e.PartitionKey, StringComparer.Ordinal).ToList();
        var storedByPartition = new Dictionary<string, TableEntity>[partitions.Count];
        if (stored is not null)
        {
            var known = stored.Select(table.ToEntity).ToLookup(e => e.PartitionKey, StringComparer.Ordinal);
            for (var i = 0; i < partitions.Count; i++)
            {
                storedByPartition[i] = known[partitions[i].Key].GroupBy(e => e.RowKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            }
        }
        else
        {
            await Parallel.ForAsync(0, partitions.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var read = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                await foreach (var entity in target.Query(EntityQuery.Partition(partitions[i].Key, table.ColumnNames), ct).ConfigureAwait(false))
                {
                    read[entity.RowKey] = entity;
                }

                storedByPartition[i] = read;
            }).ConfigureAwait(false);
        }

        for (var i = 0; i < partitions.Count; i++)
        {
            var existingRows = storedByPartition[i];
            foreach (var entity in partitions[i])
            {
                if (!existingRows.TryGetValue(entity.RowKey, out var existing))
                {
                    count += new WriteCount(1, 0, 0);
                    changed.Add(entity);
                }
                else if (!SameValues(table, existing, entity))
                {
                    count += new WriteCount(0, 1, 0);
                    changed.Add(entity);
                }
                else
                {
                    count += new WriteCount(0, 0, 1);
                }
            }
        }

        await target.UpsertAll(changed, cancellationToken).ConfigureAwait(false);
        return count;
    }

    private static bool SameValues<TRow>(AdminTable<TRow> table, TableEntity stored, TableEntity written)
        where TRow : class =>
        table.ColumnNames.All(c => AdminTable<TRow>.Text(stored, c) == AdminTable<TRow>.Text(written, c));

    private async Task<IReadOnlyList<TRow>> Partition<TRow>(AdminTable<TRow> table, string partitionKey, CancellationToken cancellationToken)
        where TRow : class => await Read(table, EntityQuery.Partition(partitionKey, table.ColumnNames), cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<TRow>> All<TRow>(AdminTable<TRow> table, CancellationToken cancellationToken)
        where TRow : class => await Read(table, EntityQuery.WholeTable(table.ColumnNames), cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<TRow>> Read<TRow>(AdminTable<TRow> table, EntityQuery query, CancellationToken cancellationToken)
        where TRow : class
    {
        var source = await tables.Table(table.Schema.Name, cancellationToken).ConfigureAwait(false);
        var rows = new List<TRow>();
        await foreach (var entity in source.Query(query, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(table.FromEntity(entity));
        }

        return rows;
    }
}
