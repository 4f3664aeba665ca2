using System.Diagnostics;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Import;

/// <summary>A row of an import file and the problem that concerns it.</summary>
public sealed record RowProblem(string Location, Problem Problem);

/// <summary>What happened to one table's rows.</summary>
public sealed record TableOutcome(string Table, string Origin, int Read, int Accepted, int Rejected, WriteCount Written);

/// <summary>The outcome of an import: per table, every rejected row with its reason, warnings on imported rows, notes on the files.</summary>
public sealed record ImportReport(
    IReadOnlyList<TableOutcome> Tables,
    IReadOnlyList<RowProblem> Rejected,
    IReadOnlyList<RowProblem> Warnings,
    IReadOnlyList<string> Notes,
    TimeSpan Elapsed)
{
    public int Read => Tables.Sum(t => t.Read);

    public int Accepted => Tables.Sum(t => t.Accepted);

    /// <summary>Rows read per second, end to end (reading the store, validating, writing).</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Read / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Imports admin rows into the store. The rows are validated together with what the store already holds (so that a file
/// of progress reports is checked against the tasks already imported); a row with a problem of its own is rejected and
/// listed with its reason, and everything else is written. Rows already stored with the same values are not written
/// again, so importing the same files twice changes nothing. Import adds and updates; it never deletes.
/// </summary>
public sealed class Importer(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private readonly AdminStore store = new(tables);
    private readonly ProblemLog problemLog = new(tables);
    private readonly FirstSeenDates firstSeen = new(tables);

    public async Task<ImportReport> Import(IReadOnlyList<SourceTable> sources, IReadOnlyList<string> notes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var watch = Stopwatch.StartNew();
        var stored = await store.ReadAll(cancellationToken).ConfigureAwait(false);
        var batch = new Batch(stored, sources);
        var merged = batch.Merged();

        var (configuration, configurationProblems) = Configuration.Build(merged.Configuration, ShippedCalendar.ChinaMainland, zone);
        var problems = configurationProblems.ToList();
        foreach (var (unit, rows) in merged.ByUnit())
        {
            problems.AddRange(UnitItems.Build(configuration, rows).Problems);
        }

        var byRow = problems.ToLookup(p => (p.Table, p.Key));
        bool Kept(string table, string key) => table switch
        {
            // Units and people survive a faulty role or address (the field is dropped, the row kept): import them and warn.
            UnitRow.Table => configuration.Roster.Units.ContainsKey(new UnitId(key)),
            PersonRow.Table => configuration.People.ContainsKey(new PersonId(key)),
            _ => !byRow.Contains((table, key)),
        };

        var outcomes = new List<TableOutcome>();
        var rejected = new List<RowProblem>(batch.Duplicates);
        var warnings = new List<RowProblem>();
        foreach (var incoming in batch.Tables)
        {
            var accepted = incoming.Decide(byRow, Kept, rejected, warnings);
            var written = await incoming.Write(store, accepted, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new TableOutcome(incoming.Name, incoming.Origin, incoming.Read, accepted, incoming.Read - accepted, written));
        }

        // Every usable task the store now holds is seen from today on, unless it was seen before (first import wins).
        var today = clock.GetCurrentInstant().InZone(zone).Date;
        foreach (var (unit, rows) in merged.ByUnit())
        {
            var tasks = rows.Tasks.Where(t => Kept(TaskRow.Table, t.Key) && ItemId.IsValid(t.Key)).Select(t => new ItemId(t.Key)).ToList();
            await firstSeen.AddMissing(rows.Unit, tasks, today, FirstSeenSource.Import, cancellationToken).ConfigureAwait(false);
        }

        await problemLog.Reconcile(ProblemLog.ImportScope, [.. rejected.Select(r => r.Problem)], clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        var allNotes = notes.Concat(sources.SelectMany(s => s.Notes)).ToList();
        return new ImportReport(outcomes, rejected, warnings, allNotes, watch.Elapsed);
    }

    /// <summary>The incoming rows of every table, with duplicates taken out, and the store's rows they will join.</summary>
    private sealed class Batch
    {
        private readonly AdminData _stored;
        private readonly Incoming<UnitRow> _units;
        private readonly Incoming<PersonRow> _people;
        private readonly Incoming<TaskRow> _tasks;
        private readonly Incoming<MilestoneRow> _milestones;
        private readonly Incoming<PlanStageRow> _plans;
        private readonly Incoming<ProgressRow> _progress;
        private readonly Incoming<RuleRow> _rules;
        private readonly Incoming<MessageTemplate> _templates;
        private readonly Incoming<CorrectionRow> _calendar;
        private readonly Incoming<SettingRow> _settings;
        private readonly Incoming<ExemptionRow> _exemptions;
        private readonly Incoming<ExplanationRow> _explanations;

        public Batch(AdminData stored, IReadOnlyList<SourceTable> sources)
        {
            _stored = stored;
            Incoming<TRow> Take<TRow>(AdminTable<TRow> table)
                where TRow : class => new(table, sources.Where(s => s.Schema == table.Schema).ToList(), Duplicates);
            _units = Take(AdminTables.Units);
            _people = Take(AdminTables.People);
            _tasks = Take(AdminTables.Tasks);
            _milestones = Take(AdminTables.Milestones);
            _plans = Take(AdminTables.PlanTemplates);
            _progress = Take(AdminTables.Progress);
            _rules = Take(AdminTables.Rules);
            _templates = Take(AdminTables.Templates);
            _calendar = Take(AdminTables.Calendar);
            _settings = Take(AdminTables.Settings);
            _exemptions = Take(AdminTables.Exemptions);
            _explanations = Take(AdminTables.Explanations);

            // A task id is unique across units: the same id under another unit is a second task, not a move.
            var storedUnits = stored.Tasks.GroupBy(t => UnitRow.KeyOf(t.Id), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => UnitRow.KeyOf(g.First().Unit), StringComparer.Ordinal);
            _tasks.RejectWhere(
                t => storedUnits.TryGetValue(UnitRow.KeyOf(t.Id), out var unit) && unit != UnitRow.KeyOf(t.Unit),
                t => new Problem(TaskRow.Table, t.Key, nameof(TaskRow.Unit), t.Unit,
                    $"task {t.Key} is already stored under unit {storedUnits[UnitRow.KeyOf(t.Id)]}; an import does not move tasks between units (delete the stored row first)"),
                Duplicates);
        }

        public List<RowProblem> Duplicates { get; } = [];

        public IEnumerable<IIncoming> Tables => [_units, _people, _tasks, _milestones, _plans, _progress, _rules, _templates, _calendar, _settings, _exemptions, _explanations];

        public AdminData Merged() => new(
            _units.Merge(_stored.Units), _people.Merge(_stored.People), _tasks.Merge(_stored.Tasks), _milestones.Merge(_stored.Milestones),
            _plans.Merge(_stored.PlanStages), _progress.Merge(_stored.Progress), _rules.Merge(_stored.Rules), _templates.Merge(_stored.Templates),
            _calendar.Merge(_stored.Calendar), _settings.Merge(_stored.Settings), _exemptions.Merge(_stored.Exemptions), _explanations.Merge(_stored.Explanations));
    }

    private interface IIncoming
    {
        string Name { get; }

        string Origin { get; }

        int Read { get; }

        int Decide(ILookup<(string Table, string Key), Problem> problems, Func<string, string, bool> kept, List<RowProblem> rejected, List<RowProblem> warnings);

        Task<WriteCount> Write(AdminStore store, int accepted, CancellationToken cancellationToken);
    }

    private sealed class Incoming<TRow> : IIncoming
        where TRow : class
    {
        private readonly AdminTable<TRow> _table;
        private readonly List<(TRow Row, string Location)> _rows = [];
        private readonly List<TRow> _accepted = [];
        private IReadOnlyList<TRow> _stored = [];

        public Incoming(AdminTable<TRow> table, List<SourceTable> sources, List<RowProblem> duplicates)
        {
            _table = table;
            Origin = string.Join(", ", sources.Select(s => s.Origin));
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var source in sources)
            {
                Read += source.Rows.Count;
                if (source.Unusable)
                {
                    continue;
                }

                foreach (var row in source.Rows)
                {
                    var parsed = table.Create(row.Field);
                    if (!UnitId.IsValid(table.KeysOf(parsed).PartitionKey))
                    {
                        // Only a unit id can make a partition key unusable; no validation runs for such a unit, so say it here.
                        duplicates.Add(new RowProblem(row.Location, new Problem(table.Schema.Name, table.ProblemKey(parsed), "Unit", row.Field("Unit"),
                            "not a usable unit id (at most 100 characters, none of / \\ # ? or control characters)")));
                        continue;
                    }

                    var key = UniqueKey(parsed);
                    if (seen.TryGetValue(key, out var first))
                    {
                        var column = table.Schema.Columns[0];
                        duplicates.Add(new RowProblem(row.Location, new Problem(table.Schema.Name, table.ProblemKey(parsed), column.Name, row.Field(column.Name),
                            $"duplicate key: {first} has the same key; keep one of the two")));
                        continue;
                    }

                    seen[key] = row.Location;
                    _rows.Add((parsed, row.Location));
                }
            }
        }

        public string Name => _table.Schema.Name;

        public string Origin { get; }

        public int Read { get; }

        public void RejectWhere(Func<TRow, bool> predicate, Func<TRow, Problem> problem, List<RowProblem> rejected)
        {
            foreach (var row in _rows.Where(r => predicate(r.Row)).ToList())
            {
                rejected.Add(new RowProblem(row.Location, problem(row.Row)));
                _rows.Remove(row);
            }
        }

        /// <summary>The store's rows with this batch's rows in place of those with the same keys.</summary>
        public IReadOnlyList<TRow> Merge(IReadOnlyList<TRow> stored)
        {
            _stored = stored;
            var merged = new Dictionary<string, TRow>(StringComparer.Ordinal);
            foreach (var row in stored)
            {
                merged[StorageKey(row)] = row;
            }

            foreach (var (row, _) in _rows)
            {
                merged[StorageKey(row)] = row;
            }

            return [.. merged.Values];
        }

        public int Decide(ILookup<(string Table, string Key), Problem> problems, Func<string, string, bool> kept, List<RowProblem> rejected, List<RowProblem> warnings)
        {
            foreach (var (row, location) in _rows)
            {
                var key = _table.ProblemKey(row);
                var own = problems[(Name, key)].ToList();
                if (kept(Name, key))
                {
                    _accepted.Add(row);
                    warnings.AddRange(own.Select(p => new RowProblem(location, p)));
                }
                else
                {
                    rejected.AddRange((own.Count > 0 ? own : [new Problem(Name, key, "", null, "rejected")]).Select(p => new RowProblem(location, p)));
                }
            }

            return _accepted.Count;
        }

        public Task<WriteCount> Write(AdminStore store, int accepted, CancellationToken cancellationToken) =>
            store.Write(_table, _accepted, _stored, cancellationToken);

        private string StorageKey(TRow row)
        {
            var (pk, rk) = _table.KeysOf(row);
            return pk + "\n" + rk;
        }

        // Tasks are unique by id across units; every other table by its storage keys.
        private string UniqueKey(TRow row) => row is TaskRow task ? UnitRow.KeyOf(task.Id) : StorageKey(row);
    }
}
