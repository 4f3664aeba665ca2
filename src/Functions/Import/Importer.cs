using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Events;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Import;

/// <summary>What happened to one table's rows: read = accepted + rejected; accepted = added + updated + unchanged.</summary>
public sealed record TableOutcome(string Table, string Origin, int Read, int Accepted, int Rejected, WriteCount Written);

/// <summary>
/// The outcome of an import: per table, every rejected row with its reason, warnings on imported rows, notes on the files,
/// and the files that could not be read at all (when there are any, nothing was written).
/// </summary>
public sealed record ImportReport(
    IReadOnlyList<TableOutcome> Tables,
    IReadOnlyList<RowProblem> Rejected,
    IReadOnlyList<RowProblem> Warnings,
    IReadOnlyList<string> Notes,
    IReadOnlyList<FileFault> Faults,
    TimeSpan Elapsed)
{
    public int Read => Tables.Sum(t => t.Read);

    public int Accepted => Tables.Sum(t => t.Accepted);

    /// <summary>Rows read per second, end to end (reading the store, validating, writing).</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Read / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Imports admin rows into the store. Every row is checked first: a file that cannot be read stops the whole import
/// (nothing is written); names written where an id belongs are resolved when unambiguous; every key is checked against
/// the Table service's rules and every entity against its limits, so local mode and Azure accept the same rows; then the
/// rows are validated by the domain together with what the store already holds (so that a file of progress reports is
/// checked against the tasks already imported). A row with a problem of its own is rejected and listed with its reason;
/// the import problems are reconciled; and only then is everything else written. Rows already stored with the same values
/// are not written again, so importing the same files twice changes nothing, and an interrupted import is completed by
/// running it again. Import adds and updates; it never deletes.
/// </summary>
public sealed class Importer(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private readonly AdminStore store = new(tables);
    private readonly ProblemLog problemLog = new(tables);
    private readonly FirstSeenDates firstSeen = new(tables);

    /// <summary>The longest string property: 64 KiB of UTF-16.</summary>
    public const int MaxTextLength = 32 * 1024;

    /// <summary>The largest entity the Table service stores.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    public async Task<ImportReport> Import(ImportInput input, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var watch = Stopwatch.StartNew();
        var now = clock.GetCurrentInstant();
        if (input.Faults.Count > 0)
        {
            // One unreadable file leaves the folder's references incomplete (tasks whose people are in the unreadable
            // file would all be rejected): nothing is imported until every file can be read.
            var faults = input.Faults.Select(f => new Problem("(文件)", f.File, "", null, f.Reason)).ToList();
            await problemLog.Reconcile(ProblemLog.ImportScope, faults, now, cancellationToken).ConfigureAwait(false);
            return new ImportReport(
                [.. input.Tables.Select(t => new TableOutcome(t.Schema.Name, t.Origin, t.Read, 0, t.Read, default))],
                [], [], [.. input.Notes.Concat(input.Tables.SelectMany(t => t.Notes))], input.Faults, watch.Elapsed);
        }

        progress?.Invoke("正在读取存储中的现有数据…");
        var stored = await store.ReadAll(cancellationToken).ConfigureAwait(false);
        progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"正在校验 {input.Tables.Sum(t => t.Read):N0} 行…"));
        IEnumerable<SourceRow> RowsOf(TableSchema schema) => input.Tables.Where(s => s.Schema == schema && !s.Unusable).SelectMany(s => s.Rows);
        var names = NameLookup.Of(stored, RowsOf(Storage.Tables.Units), RowsOf(Storage.Tables.People));
        var references = await NoticeReferences(input.Tables, names, cancellationToken).ConfigureAwait(false);
        var batch = new Batch(stored, input.Tables, names, references);
        var merged = batch.Merged();

        var (configuration, configurationProblems) = Configuration.Build(merged.Configuration, ShippedCalendar.ChinaMainland, zone);
        var problems = configurationProblems.ToList();
        foreach (var (_, rows) in merged.ByUnit())
        {
            problems.AddRange(UnitItems.Build(configuration, rows).Problems);
        }

        problems.AddRange(IndicatorItems.Check(configuration, merged.IndicatorValues, merged.Exemptions));

        var byRow = problems.ToLookup(p => (p.Table, p.Key));
        bool Kept(string table, string key) => table switch
        {
            // Units and people survive a faulty role or address (the field is dropped, the row kept): import them and warn.
            UnitRow.Table => UnitId.IsValid(key) && configuration.Roster.Units.ContainsKey(new UnitId(key)),
            PersonRow.Table => UnitId.IsValid(key) && configuration.People.ContainsKey(new PersonId(key)),

            // So do rules adopted despite a problem: a named recipient (person:X, unit:U/role) that names no one, as long as
            // someone is left in To, or a roll-over that is ignored because the time limit is in working days.
            RuleRow.Table => configuration.Rules.Any(r => r.Id.Value == key),
            _ => !byRow.Contains((table, key)),
        };

        var rejected = new List<RowProblem>(batch.Refused);
        var warnings = new List<RowProblem>();
        var accepted = batch.Tables.Select(incoming => incoming.Decide(byRow, Kept, batch.Names, rejected, warnings)).ToList();

        await problemLog.Reconcile(ProblemLog.ImportScope, [.. rejected.Select(r => r.Problem)], now, cancellationToken).ConfigureAwait(false);

        progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"正在写入 {accepted.Sum():N0} 行…"));
        var outcomes = new List<TableOutcome>();
        foreach (var (incoming, count) in batch.Tables.Zip(accepted))
        {
            var written = await incoming.Write(store, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new TableOutcome(incoming.Name, incoming.Origin, incoming.Read, count, incoming.Read - count, written));
        }

        // Every usable task the store now holds is seen from today on, unless it was seen before (first import wins).
        var today = now.InZone(zone).Date;
        foreach (var (_, rows) in merged.ByUnit())
        {
            var tasks = rows.Tasks.Where(t => Kept(TaskRow.Table, t.Key) && ItemId.IsValid(t.Key)).Select(t => new ItemId(t.Key)).ToList();
            await firstSeen.AddMissing(rows.Unit, tasks, today, FirstSeenSource.Import, cancellationToken).ConfigureAwait(false);
        }

        // So is every usable indicator, under its owner: a year of values imported at once counts from today (unless GoLive).
        var indicators = configuration.Indicators.Definitions.Values.Select(d => (d.Owner, d.Id));
        await firstSeen.AddMissingIndicators(indicators, today, FirstSeenSource.Import, cancellationToken).ConfigureAwait(false);

        var allNotes = input.Notes.Concat(input.Tables.SelectMany(s => s.Notes)).ToList();
        return new ImportReport(outcomes, rejected, warnings, allNotes, [], watch.Elapsed);
    }

    /// <summary>The size the Table service counts for an entity (its documented formula), in bytes.</summary>
    internal static long EntityBytes(TableEntity entity)
    {
        // 4 bytes + the keys in UTF-16 + per property 8 bytes, its name in UTF-16 and its value; Timestamp included.
        long size = 4 + (2L * entity.PartitionKey.Length) + (2L * entity.RowKey.Length) + 8 + (2 * "Timestamp".Length) + 8;
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")
            {
                continue;
            }

            size += 8 + (2L * name.Length) + value switch
            {
                string s => 4 + (2L * s.Length),
                int => 4,
                _ => 8,
            };
        }

        return size;
    }

    /// <summary>The incoming rows of every table, with refused rows taken out, and the store's rows they will join.</summary>
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
        private readonly Incoming<SmsTemplateRow> _smsTemplates;
        private readonly Incoming<RobotRow> _robots;
        private readonly Incoming<CorrectionRow> _calendar;
        private readonly Incoming<SettingRow> _settings;
        private readonly Incoming<ExemptionRow> _exemptions;
        private readonly Incoming<ExplanationRow> _explanations;
        private readonly Incoming<IndicatorRow> _indicators;
        private readonly Incoming<IndicatorValueRow> _indicatorValues;
        private readonly Incoming<RankingGroupRow> _rankingGroups;

        public Batch(AdminData stored, IReadOnlyList<SourceTable> sources, NameLookup names, IReadOnlyDictionary<string, QuotedNotice> references)
        {
            _stored = stored;
            Names = names;
            Incoming<TRow> Take<TRow>(AdminTable<TRow> table)
                where TRow : class => new(table, sources.Where(s => s.Schema == table.Schema).ToList(), Names, Refused, references);
            _units = Take(AdminTables.Units);
            _people = Take(AdminTables.People);
            _tasks = Take(AdminTables.Tasks);
            _milestones = Take(AdminTables.Milestones);
            _plans = Take(AdminTables.PlanTemplates);
            _progress = Take(AdminTables.Progress);
            _rules = Take(AdminTables.Rules);
            _templates = Take(AdminTables.Templates);
            _smsTemplates = Take(AdminTables.SmsTemplates);
            _robots = Take(AdminTables.Robots);
            _calendar = Take(AdminTables.Calendar);
            _settings = Take(AdminTables.Settings);
            _exemptions = Take(AdminTables.Exemptions);
            _explanations = Take(AdminTables.Explanations);
            _indicators = Take(AdminTables.Indicators);
            _indicatorValues = Take(AdminTables.IndicatorValues);
            _rankingGroups = Take(AdminTables.RankingGroups);

            // A task id is unique across units: the same id under another unit is a second task, not a move.
            var storedUnits = stored.Tasks.GroupBy(t => UnitRow.KeyOf(t.Id), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => UnitRow.KeyOf(g.First().Unit), StringComparer.Ordinal);
            _tasks.RejectWhere(
                t => storedUnits.TryGetValue(UnitRow.KeyOf(t.Id), out var unit) && unit != UnitRow.KeyOf(t.Unit),
                t => new Problem(TaskRow.Table, t.Key, nameof(TaskRow.Unit), t.Unit,
                    $"任务 {t.Key} 已存放在单位 {storedUnits[UnitRow.KeyOf(t.Id)]} 下，导入不会把任务移到另一个单位；如确要移动，请先删除存储中的原行，或改回原单位"),
                Refused);
        }

        public NameLookup Names { get; }

        /// <summary>Rows refused before validation: unreadable lines, bad keys, values the store cannot hold, duplicates.</summary>
        public List<RowProblem> Refused { get; } = [];

        public IEnumerable<IIncoming> Tables =>
            [_units, _people, _tasks, _milestones, _plans, _progress, _rules, _templates, _smsTemplates, _robots, _calendar, _settings, _exemptions, _explanations, _indicators, _indicatorValues, _rankingGroups];

        public AdminData Merged() => new(
            _units.Merge(_stored.Units), _people.Merge(_stored.People), _tasks.Merge(_stored.Tasks), _milestones.Merge(_stored.Milestones),
            _plans.Merge(_stored.PlanStages), _progress.Merge(_stored.Progress), _rules.Merge(_stored.Rules), _templates.Merge(_stored.Templates),
            _calendar.Merge(_stored.Calendar), _settings.Merge(_stored.Settings), _exemptions.Merge(_stored.Exemptions), _explanations.Merge(_stored.Explanations))
        {
            Indicators = _indicators.Merge(_stored.Indicators),
            IndicatorValues = _indicatorValues.Merge(_stored.IndicatorValues),
            RankingGroups = _rankingGroups.Merge(_stored.RankingGroups),
            SmsTemplates = _smsTemplates.Merge(_stored.SmsTemplates),
            Robots = _robots.Merge(_stored.Robots),
        };
    }

    private interface IIncoming
    {
        string Name { get; }

        string Origin { get; }

        int Read { get; }

        int Decide(ILookup<(string Table, string Key), Problem> problems, Func<string, string, bool> kept, NameLookup names, List<RowProblem> rejected, List<RowProblem> warnings);

        Task<WriteCount> Write(AdminStore store, CancellationToken cancellationToken);
    }

    /// <summary>A row ready for validation: the typed row, where it came from, and the names resolved to ids in it.</summary>
    private sealed record Candidate<TRow>(TRow Row, SourceRow Source, SourceTable From, IReadOnlyList<(string Column, string Name, string Id)> Resolved);

    private sealed class Incoming<TRow> : IIncoming
        where TRow : class
    {
        private readonly AdminTable<TRow> _table;
        private readonly List<Candidate<TRow>> _rows = [];
        private readonly List<TRow> _accepted = [];
        private IReadOnlyList<TRow> _stored = [];

        private readonly IReadOnlyDictionary<string, QuotedNotice> _references;

        public Incoming(AdminTable<TRow> table, List<SourceTable> sources, NameLookup names, List<RowProblem> refused, IReadOnlyDictionary<string, QuotedNotice> references)
        {
            _table = table;
            _references = references;
            Origin = string.Join("、", sources.Select(s => s.Origin));
            var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var source in sources)
            {
                Read += source.Read;
                if (source.Unusable)
                {
                    continue;
                }

                refused.AddRange(source.Malformed);
                foreach (var row in source.Rows)
                {
                    var (resolved, fields, ambiguous) = Resolve(row, names);
                    var parsed = table.Create(fields.GetValueOrDefault);
                    var key = table.ProblemKey(parsed);
                    RowProblem Refuse(string column, string? value, string reason) =>
                        new(row.Location, source.Header(column), new Problem(table.Schema.Name, key, column, value, reason));

                    if ((ambiguous ?? StoreFault(parsed, fields)) is { } fault)
                    {
                        refused.Add(Refuse(fault.Column, fault.Value, fault.Reason));
                        continue;
                    }

                    var unique = UniqueKey(parsed);
                    if (seen.TryGetValue(unique, out var first))
                    {
                        var column = table.Schema.Columns[0].Name;
                        refused.Add(Refuse(column, fields.GetValueOrDefault(column), $"键重复：与 {first}的键相同；请只保留其中一行"));
                        continue;
                    }

                    seen[unique] = row.Location;
                    _rows.Add(new Candidate<TRow>(parsed, row with { Fields = fields }, source, resolved));
                }
            }
        }

        public string Name => _table.Schema.Name;

        public string Origin { get; }

        public int Read { get; }

        public void RejectWhere(Func<TRow, bool> predicate, Func<TRow, Problem> problem, List<RowProblem> rejected)
        {
            foreach (var candidate in _rows.Where(r => predicate(r.Row)).ToList())
            {
                var p = problem(candidate.Row);
                rejected.Add(new RowProblem(candidate.Source.Location, candidate.From.Header(p.Field), p));
                _rows.Remove(candidate);
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

            foreach (var candidate in _rows)
            {
                merged[StorageKey(candidate.Row)] = candidate.Row;
            }

            return [.. merged.Values];
        }

        public int Decide(ILookup<(string Table, string Key), Problem> problems, Func<string, string, bool> kept, NameLookup names, List<RowProblem> rejected, List<RowProblem> warnings)
        {
            foreach (var (row, source, from, resolved) in _rows)
            {
                var key = _table.ProblemKey(row);
                var own = problems[(Name, key)].Select(p => Suggested(p, source, names)).ToList();
                RowProblem At(Problem p) => new(source.Location, from.Header(p.Field), p);
                if (kept(Name, key))
                {
                    _accepted.Add(row);
                    warnings.AddRange(resolved.Select(r => At(new Problem(Name, key, r.Column, r.Name,
                        $"“{r.Name}”不是{NameLookup.Word(ReferenceOf(r.Column, source))}编号而是名称，已按编号 {r.Id} 导入；以后请直接填写编号"))));
                    warnings.AddRange(own.Select(At));
                }
                else
                {
                    rejected.AddRange((own.Count > 0 ? own : [new Problem(Name, key, "", null, "未导入：这一行依赖的行被拒绝了（见上面同一键的其他问题）")]).Select(At));
                }
            }

            return _accepted.Count;
        }

        public Task<WriteCount> Write(AdminStore store, CancellationToken cancellationToken) =>
            store.Write(_table, _accepted, _stored, cancellationToken);

        /// <summary>A problem on a reference to nobody, with the closest ids and names appended.</summary>
        private Problem Suggested(Problem problem, SourceRow source, NameLookup names)
        {
            var kind = ReferenceOf(problem.Field, source);
            if (kind == Reference.None || problem.Value?.Trim() is not { Length: > 0 } value || names.IsId(kind, value))
            {
                return problem;
            }

            var closest = names.Closest(kind, value);
            return closest.Count == 0 ? problem : problem with
            {
                Reason = $"{problem.Reason.TrimEnd('。')}。最接近的{NameLookup.Word(kind)}：{string.Join("、", closest)}。",
            };
        }

        /// <summary>What a column refers to; a setting's value is a person id for SupervisionOffice only.</summary>
        private Reference ReferenceOf(string column, SourceRow source) =>
            _table.Schema == Storage.Tables.Settings && column == nameof(SettingRow.Value)
                ? source.Field(nameof(SettingRow.Key))?.Trim() == "SupervisionOffice" ? Reference.Person : Reference.None
                : _table.Schema.ColumnFor(column)?.Refers ?? Reference.None;

        /// <summary>
        /// The row's fields with every reference written as a name replaced by the id it stands for, when exactly one person
        /// (or unit) has that name; a name several have is a fault naming them.
        /// </summary>
        private (List<(string Column, string Name, string Id)> Resolved, Dictionary<string, string?> Fields, LineFault? Ambiguous) Resolve(SourceRow row, NameLookup names)
        {
            var resolved = new List<(string, string, string)>();
            var fields = new Dictionary<string, string?>(row.Fields, StringComparer.Ordinal);
            foreach (var (column, value) in row.Fields)
            {
                var kind = ReferenceOf(column, row);
                if (kind == Reference.None || string.IsNullOrWhiteSpace(value) || names.IsId(kind, value))
                {
                    continue;
                }

                var named = names.WithName(kind, value);
                if (named.Count == 1)
                {
                    fields[column] = named[0].Id;
                    resolved.Add((column, value, named[0].Id));
                }
                else if (named.Count > 1)
                {
                    return (resolved, fields, new LineFault(column, value, string.Create(CultureInfo.InvariantCulture,
                        $"“{value}”是 {named.Count} 个{NameLookup.Word(kind)}的名称：{string.Join("、", named)}；请改填其中一个的{NameLookup.Word(kind)}编号")));
                }
            }

            if (_table.Schema == Storage.Tables.Explanations && row.Field(nameof(ExplanationRow.Notice))?.Trim() is { Length: > 0 } quoted
                && _references.TryGetValue(quoted, out var notice))
            {
                // A notice quoted by its reference (文号) is stored by the event id it stands for: the key and the evaluation use the id.
                if (QuoteFault(quoted, notice, UnitRow.KeyOf(fields.GetValueOrDefault(nameof(ExplanationRow.Unit))), fields.GetValueOrDefault(nameof(ExplanationRow.From))) is { } fault)
                {
                    return (resolved, fields, fault);
                }

                fields[nameof(ExplanationRow.Notice)] = notice.Event!.Value.Value;
            }

            return (resolved, fields, null);
        }

        /// <summary>
        /// Why a row may not quote the notice: no event has the reference; the notice is not the row's unit's (the references
        /// table is city-wide, but an explanation is filed and met under the unit whose notice demanded it, so another
        /// unit's notice would be met by nothing while the office believed it answered); it demanded nothing; or the row's
        /// submitting unit is not one it demanded an answer from. Null when the row may quote it.
        /// </summary>
        private static LineFault? QuoteFault(string quoted, QuotedNotice notice, string unit, string? from)
        {
            var column = nameof(ExplanationRow.Notice);
            if (notice.Event is null)
            {
                return new LineFault(column, quoted, UnknownReference(quoted));
            }

            var reference = ReferenceNumber.Parse(quoted).Format();
            if (!notice.ByUnit.TryGetValue(unit, out var logged))
            {
                // A unit cell that is no usable id: the unit's own problem is reported when the row is validated.
                return null;
            }

            if (logged is null)
            {
                return new LineFault(column, quoted,
                    $"文号 {reference} 的通报不是发给本行责任单位“{unit}”的（督办记录中“{unit}”名下没有这份通报），按它导入的答复不会算作任何通报的答复；请核对文号，填写发给“{unit}”的通报的文号（可从本单位收到的通报邮件、短信或导出的督办记录“文号”列复制），或改正本行的“责任单位”为该通报所针对的单位（其他单位代为提交时，在“提交单位”填写提交的单位）");
            }

            if (!logged.Demands)
            {
                return new LineFault(column, quoted,
                    $"文号 {reference} 的通报没有要求“{unit}”报送情况说明或整改报告，无需在此登记答复；请核对文号，填写要求报送说明或整改的通报的文号");
            }

            var submitter = from?.Trim();
            var owing = logged.From.Count == 0 ? [unit] : logged.From;
            if (submitter is { Length: > 0 } && submitter != unit && !owing.Contains(submitter, StringComparer.Ordinal))
            {
                return new LineFault(nameof(ExplanationRow.From), from,
                    $"文号 {reference} 的通报没有要求单位“{submitter}”提交（要求提交的单位：{string.Join("、", owing)}）；请把“提交单位”改为其中之一，由本单位提交时请清空此项");
            }

            return null;
        }

        /// <summary>Why the Table service would refuse the row (a key it cannot hold, a value or entity too large), or null.</summary>
        private LineFault? StoreFault(TRow row, Dictionary<string, string?> fields)
        {
            foreach (var (column, value) in fields)
            {
                if (value is null)
                {
                    continue;
                }

                if (value.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    return new LineFault(column, value, "值里有替换字符 �（U+FFFD）：文件在某次转换编码时已经损坏；请从原始文件重新复制这个值");
                }

                if (value.Length > MaxTextLength)
                {
                    return new LineFault(column, value[..50] + "…", string.Create(CultureInfo.InvariantCulture,
                        $"值有 {value.Length:N0} 个字符，超过表格存储每个值的上限 {MaxTextLength:N0} 个字符（64 KiB）；请缩短，或改写为存放原文的位置"));
                }
            }

            foreach (var column in _table.KeyColumns)
            {
                var value = fields.GetValueOrDefault(column.Name);
                if (value is null)
                {
                    continue;
                }

                if (value.Length > Key.MaxLength)
                {
                    return new LineFault(column.Name, value[..50] + "…", string.Create(CultureInfo.InvariantCulture,
                        $"有 {value.Length} 个字符，超过上限 {Key.MaxLength}（这一列是表格存储键的一部分）；请改短"));
                }

                foreach (var c in value)
                {
                    if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
                    {
                        var what = char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"控制字符 U+{(int)c:X4}") : $"字符“{c}”";
                        return new LineFault(column.Name, value,
                            $"含有{what}，表格存储的键不允许（这一列是键的一部分）；请去掉 / \\ # ? 和换行、制表符等控制字符，编号只用字母、数字、汉字、- 或 _");
                    }
                }
            }

            var bytes = EntityBytes(_table.ToEntity(row));
            if (bytes > MaxEntityBytes)
            {
                var largest = fields.MaxBy(f => f.Value?.Length ?? 0);
                return new LineFault(largest.Key, largest.Value?[..Math.Min(50, largest.Value.Length)] + "…", string.Create(CultureInfo.InvariantCulture,
                    $"整行约 {bytes / 1024:N0} KiB，超过表格存储每行的上限 1 MiB；请缩短最长的值"));
            }

            return null;
        }

        private string StorageKey(TRow row)
        {
            var (pk, rk) = _table.KeysOf(row);
            return pk + "\n" + rk;
        }

        // Tasks are unique by id across units; every other table by its storage keys.
        private string UniqueKey(TRow row) => row is TaskRow task ? UnitRow.KeyOf(task.Id) : StorageKey(row);
    }

    /// <summary>
    /// The notices the incoming explanations quote by their reference (文号) rather than their event id, as written in the
    /// files: the event each was assigned to, and its log row under each unit the quoting rows name (names resolved to ids
    /// as the rows' own will be). One point read per reference and per (reference, unit).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, QuotedNotice>> NoticeReferences(IReadOnlyList<SourceTable> sources, NameLookup names, CancellationToken cancellationToken)
    {
        var references = new ReferenceNumbers(tables);
        var events = new Dictionary<string, EventId?>(StringComparer.Ordinal);
        var units = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var row in sources.Where(s => s.Schema == Storage.Tables.Explanations && !s.Unusable).SelectMany(s => s.Rows))
        {
            if (row.Field(nameof(ExplanationRow.Notice))?.Trim() is not { Length: > 0 } quoted
                || EventId.TryParse(quoted, out _) || !ReferenceNumber.TryParse(quoted, out var reference))
            {
                continue;
            }

            if (!events.ContainsKey(quoted))
            {
                events[quoted] = await references.Resolve(reference, cancellationToken).ConfigureAwait(false);
                units[quoted] = new HashSet<string>(StringComparer.Ordinal);
            }

            var cell = row.Field(nameof(ExplanationRow.Unit));
            var unit = cell is not null && !names.IsId(Reference.Unit, cell) && names.WithName(Reference.Unit, cell) is [var one] ? one.Id : cell;
            units[quoted].Add(UnitRow.KeyOf(unit));
        }

        var log = await tables.Table(EscalationLog.TableName, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, QuotedNotice>(StringComparer.Ordinal);
        foreach (var (quoted, id) in events)
        {
            var byUnit = new Dictionary<string, LoggedDemand?>(StringComparer.Ordinal);
            if (id is { } notice)
            {
                foreach (var unit in units[quoted].Where(UnitId.IsValid))
                {
                    byUnit[unit] = await log.Find(unit, notice.Value, DemandColumns, cancellationToken).ConfigureAwait(false) is { } row
                        ? new LoggedDemand(row.GetString("Demand") is { Length: > 0 }, [.. (row.GetString("DemandFrom") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)])
                        : null;
                }
            }

            found[quoted] = new QuotedNotice(id, byUnit);
        }

        return found;
    }

    private static readonly string[] DemandColumns = ["Demand", "DemandFrom"];

    /// <summary>A reference an explanation quotes: the event it was given to (null: none) and its log row by unit.</summary>
    /// <param name="Event">The notice's event id; null when no event has the reference.</param>
    /// <param name="ByUnit">Per unit id the quoting rows name: the notice's demand as logged under it, or null when it is not logged there.</param>
    private sealed record QuotedNotice(EventId? Event, IReadOnlyDictionary<string, LoggedDemand?> ByUnit);

    /// <summary>What a notice's log row says it demanded: whether anything, and from which units (empty: the unit alone).</summary>
    private sealed record LoggedDemand(bool Demands, IReadOnlyList<string> From);

    /// <summary>Why a reference quoted for a notice names none, and how to fix it.</summary>
    private static string UnknownReference(string quoted) =>
        ReferenceNumber.TryParse(quoted, out var reference)
            ? $"督办记录中没有文号为 {reference.Format()}（{reference.Key}）的通报：可能年份或序号写错了，或引用的是文号启用前发出的通报（这类通报没有文号）；请从通报邮件、短信或督办记录（导出的「文号」列）中复制文号，或改填该通报的事件编号（ev- 加 32 位十六进制数字）"
            : $"“{quoted}”既不是文号也不是事件编号；请填写通报的文号（如 督办〔2026〕0123号）或事件编号（ev- 加 32 位十六进制数字）";

    /// <summary>Why a row is refused before validation: the column at fault, the value, and the reason with the fix.</summary>
    private sealed record LineFault(string Column, string? Value, string Reason);
}
