using System.Diagnostics;
using System.Globalization;
using System.Text;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// <c>--tables</c>: imports a synthetic city (CSV files through the real import path) into Azure Table Storage (Azurite)
/// or the embedded store, then times the daily read: configuration once, then every unit's partitions (tasks,
/// milestones, progress, exemptions, explanations, issued demands) read and validated, units in parallel as
/// EvaluateUnit instances would. bench/storage.sh starts Azurite and runs it.
/// Options: <c>--connection STRING</c> or <c>--store DIR</c>; <c>--tasks N</c> (default 10,000), <c>--units N</c> (100),
/// <c>--reports N</c> progress reports per task (10), <c>--parallel N</c> units read at once (8), <c>--runs N</c> (5).
/// </summary>
public static class StorageHarness
{
    public static async Task<int> Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? connection = null, store = null;
        int tasks = 10_000, units = 100, reports = 10, parallel = 8, runs = 5;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--tables": break;
                case "--connection" when i + 1 < args.Length: connection = args[++i]; break;
                case "--store" when i + 1 < args.Length: store = args[++i]; break;
                case "--tasks" when i + 1 < args.Length: tasks = Next(); break;
                case "--units" when i + 1 < args.Length: units = Next(); break;
                case "--reports" when i + 1 < args.Length: reports = Next(); break;
                case "--parallel" when i + 1 < args.Length: parallel = Next(); break;
                case "--runs" when i + 1 < args.Length: runs = Next(); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --tables (--connection STRING | --store DIR) [--tasks N] [--units N] [--reports N] [--parallel N] [--runs N]");
                    return 2;
            }
        }

#pragma warning disable RS0030 // A harness is a composition root of its own.
        var clock = SystemClock.Instance;
#pragma warning restore RS0030
        IEntityTables tables = connection is not null ? AzureTables.FromConnectionString(connection)
            : SqliteTables.Open(store ?? Path.Combine(Path.GetTempPath(), "escalation-bench-" + Guid.NewGuid().ToString("N")), clock);
        var zone = DateTimeZoneProviders.Tzdb[ShippedCalendar.DefaultZoneId];

        var folder = Path.Combine(Path.GetTempPath(), "escalation-bench-csv-" + Guid.NewGuid().ToString("N"));
        var rows = WriteCity(folder, tasks, units, reports);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{tables.Describe}: {units} units, {tasks:N0} tasks, {rows:N0} rows in CSV ({Environment.ProcessorCount} cores)"));

        var input = ImportSource.Read(folder);
        var importer = new Importer(tables, clock, zone);
        var import = await importer.Import(input).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import (first):  {import.Read:N0} rows in {import.Elapsed.TotalSeconds:0.00} s = {import.RowsPerSecond:N0} rows/s, rejected {import.Rejected.Count}"));
        var again = await importer.Import(input).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import (again):  {again.Read:N0} rows in {again.Elapsed.TotalSeconds:0.00} s = {again.RowsPerSecond:N0} rows/s, written {again.Tables.Sum(t => t.Written.Added + t.Written.Updated)}"));
        Directory.Delete(folder, recursive: true);

        var admin = new AdminStore(tables);
        var log = new EscalationLog(tables);
        var times = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var (configuration, _) = Configuration.Build(await admin.ReadConfiguration().ConfigureAwait(false), ShippedCalendar.ChinaMainland, zone);
            var items = 0;
            await Parallel.ForEachAsync(configuration.Roster.Units.Keys, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (unit, ct) =>
            {
                var demands = await log.Demands(unit, ct).ConfigureAwait(false);
                var unitRows = await admin.ReadUnit(unit, demands, ct).ConfigureAwait(false);
                Interlocked.Add(ref items, UnitItems.Build(configuration, unitRows).Items.Count);
            }).ConfigureAwait(false);
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"daily read {(run == 0 ? "(warm-up)" : $"run {run}")}: {items:N0} tasks in {seconds * 1000:N0} ms"));
            if (run > 0)
            {
                times.Add(seconds);
            }
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"daily read of {tasks:N0} tasks: median {times[times.Count / 2] * 1000:N0} ms, min {times[0] * 1000:N0} ms, max {times[^1] * 1000:N0} ms ({parallel} units at a time)"));
        return 0;
    }

    /// <summary>Writes the CSV files of a synthetic city: units, owners, tasks with 3 milestones each, and reports.</summary>
    private static int WriteCity(string folder, int taskCount, int unitCount, int reportsPerTask)
    {
        Directory.CreateDirectory(folder);
        var rows = 0;
        void Write(string table, string header, IEnumerable<string> lines)
        {
            var all = lines.ToList();
            rows += all.Count;
            File.WriteAllLines(Path.Combine(folder, table + ".csv"), [header, .. all], new UTF8Encoding(false));
        }

        var unitIds = Enumerable.Range(1, unitCount).Select(u => $"u{u:D3}").ToList();
        Write("units", "Id,Name,Principal,DeputyInCharge,LeadOfficial", unitIds.Select(u => $"{u},单位{u},{u}-p,{u}-d,"));
        Write("people", "Id,Name,Unit,Title,Email,Mobile,Channels", unitIds.SelectMany(u => new[]
        {
            $"{u}-p,负责人{u},{u},主任,{u}-p@example.gov.cn,13800138000,\"email,sms\"",
            $"{u}-d,分管{u},{u},副主任,{u}-d@example.gov.cn,13900139000,email",
            $"{u}-o,经办{u},{u},科长,{u}-o@example.gov.cn,15000150000,\"email,sms\"",
        }));
        var start = new LocalDate(2026, 1, 5);
        var deadline = new LocalDate(2026, 12, 31);
        string Task(int t) => $"t{t:D6}";
        string UnitOf(int t) => unitIds[t % unitCount];
        Write("tasks", "Id,Unit,Title,Kind,Start,Deadline,Owner,PlanTemplate,Status,Cadence,LeadOfficial",
            Enumerable.Range(0, taskCount).Select(t => $"{Task(t)},{UnitOf(t)},任务{t},重点任务,{IsoDate.Format(start)},{IsoDate.Format(deadline)},{UnitOf(t)}-o,,,月,"));
        Write("milestones", "Unit,Task,Due,Name,Target",
            Enumerable.Range(0, taskCount).SelectMany(t => new[] { (3, 25), (6, 50), (9, 75) }.Select(m =>
                $"{UnitOf(t)},{Task(t)},{IsoDate.Format(new LocalDate(2026, m.Item1, 28))},第{m.Item1}月节点,{m.Item2}")));
        Write("progress", "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy",
            Enumerable.Range(0, taskCount).SelectMany(t => Enumerable.Range(1, reportsPerTask).Select(r =>
                $"{UnitOf(t)},{Task(t)},{IsoDate.Format(new LocalDate(2026, Math.Min(12, r), 25))},{(r > 12 ? r - 11 : 1)},{Math.Min(100, r * 8)},,{UnitOf(t)}-o")));
        return rows;
    }
}
