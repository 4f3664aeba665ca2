using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Timelines;
using Escalation.Functions.Commands;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// <c>--board</c>: the web board's first page for a whole city, through the real HTTP pipeline. Imports a synthetic city
/// (CSV through the real import path) into a fresh embedded store: <c>--tasks N</c> tasks (default 10,000) in
/// <c>--units N</c> units (100), each with 3 milestones and 6 progress reports, and <c>--indicators N</c> monthly
/// indicators (500) with 5 months of values for each of 10 units (a ranking group). Starts the local <c>web</c> application
/// on Kestrel at 127.0.0.1 (a free port), signs in as the supervision office with the development sign-in, then GETs
/// <c>/board</c> over HTTP: the first request (cold: it waits for the warm-up computing the board's read model at start)
/// timed alone, then <c>--requests N</c> (200) more, and prints p50/p95/max; then writes a progress report and times
/// <c>/board</c> while the model is recomputed in the background, until the new one is served. <c>--profile</c> times
/// the read model's steps first; <c>--no-import</c> reuses the store <c>--store</c> names. The clock stands at <c>--date</c> (2026-06-15) 09:00 Asia/Shanghai.
/// The goal (first page under 300 ms, warm) is reported, not enforced.
/// </summary>
public static partial class BoardHarness
{
    private const double GoalMilliseconds = 300;

    public static async Task<int> Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int tasks = 10_000, units = 100, indicators = 500, requests = 200;
        bool profile = false, import = true;
        var date = new LocalDate(2026, 6, 15);
        string? store = null;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--board": break;
                case "--tasks" when i + 1 < args.Length: tasks = Next(); break;
                case "--units" when i + 1 < args.Length: units = Next(); break;
                case "--indicators" when i + 1 < args.Length: indicators = Next(); break;
                case "--requests" when i + 1 < args.Length: requests = Math.Max(1, Next()); break;
                case "--date" when i + 1 < args.Length: date = Workload.ParseDate(args[++i]); break;
                case "--store" when i + 1 < args.Length: store = args[++i]; break;
                case "--profile": profile = true; break;
                case "--no-import": import = false; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --board [--tasks N] [--units N] [--indicators N] [--requests N] [--date yyyy-MM-dd] [--store DIR] [--no-import] [--profile]");
                    return 2;
            }
        }

        var zone = DateTimeZoneProviders.Tzdb[ShippedCalendar.DefaultZoneId];
        var clock = new FixedClock(date.At(new LocalTime(9, 0)).InZoneLeniently(zone).ToInstant());
        var folder = store ?? Path.Combine(Path.GetTempPath(), "escalation-board-" + Guid.NewGuid().ToString("N"));
        var tables = SqliteTables.Open(folder, clock);
        Print($"{Environment.ProcessorCount} cores, runtime {Environment.Version}; store {tables.Path}");
        if (import)
        {
            await Import(tables, clock, zone, tasks, units, indicators, date).ConfigureAwait(false);
        }

        if (profile)
        {
            await Profile(tables, clock, zone).ConfigureAwait(false);
        }

        await using var app = WebCommand.Build(tables, clock, zone, web => web.UseUrls("http://127.0.0.1:0"));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(address),
        };

        // Sign in as the supervision office: the sign-in page itself computes the read model, so it is timed as the cold request.
        var watch = Stopwatch.StartNew();
        var signIn = await http.GetStringAsync(new Uri("/signin", UriKind.Relative)).ConfigureAwait(false);
        var cold = watch.Elapsed.TotalMilliseconds;
        var token = WebUtility.HtmlDecode(TokenPattern().Match(signIn).Groups["t"].Value);
        using (var form = new FormUrlEncodedContent([new("__csrf", token), new("person", "office")]))
        {
            using var signedIn = await http.PostAsync(new Uri("/signin", UriKind.Relative), form).ConfigureAwait(false);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
            {
                Print($"sign-in failed: {(int)signedIn.StatusCode}");
                return 1;
            }
        }

        watch.Restart();
        var first = await Board(http).ConfigureAwait(false);
        var firstPage = watch.Elapsed.TotalMilliseconds;
        Print($"cold: the first request (the sign-in page) waited for the warm-up (the read model, computed at start) {cold:N0} ms; first /board after it {firstPage:N1} ms, {first.Length / 1024:N0} KiB, {RowPattern().Count(first)} rows, counts {CountsPattern().Match(first).Value}");

        var times = new double[requests];
        for (var r = 0; r < requests; r++)
        {
            watch.Restart();
            _ = await Board(http).ConfigureAwait(false);
            times[r] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        double P(double q) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(q * times.Length) - 1)];
        Print($"warm /board first page, {requests} requests: p50 {P(0.50):N1} ms, p95 {P(0.95):N1} ms, max {times[^1]:N1} ms (goal: under {GoalMilliseconds:N0} ms: {(P(0.95) < GoalMilliseconds ? "met" : "NOT met")})");
        await WhileRecomputing(http, tables, first).ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        if (store is null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    /// <summary>
    /// Another process writes (a report of 100 % for the first red task): the cache sees the store's stamp change and
    /// recomputes in the background. Times <c>/board</c> until its light counts change, i.e. the new model is served.
    /// </summary>
    private static async Task WhileRecomputing(HttpClient http, SqliteTables tables, string before)
    {
        var counts = CountsPattern().Match(before).Value;
        var red = await http.GetStringAsync(new Uri("/board?kind=task&light=red", UriKind.Relative)).ConfigureAwait(false);
        var row = RedRowPattern().Match(red);
        var (task, unit) = (row.Groups["id"].Value, row.Groups["unit"].Value);
        var progress = await tables.Table("progress").ConfigureAwait(false);
        await progress.UpsertAll([new Azure.Data.Tables.TableEntity(unit, $"{task}:2026-06-14:99")
        {
            ["Unit"] = unit, ["Task"] = task, ["ReportedOn"] = "2026-06-14", ["Seq"] = "99", ["Progress"] = "100",
        }]).ConfigureAwait(false);
        var written = Stopwatch.StartNew();
        var times = new List<double>();
        var watch = new Stopwatch();
        while (written.Elapsed < TimeSpan.FromSeconds(120))
        {
            watch.Restart();
            var page = await Board(http).ConfigureAwait(false);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (CountsPattern().Match(page).Value != counts)
            {
                times.Sort();
                double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
                Print($"after a write: the new model was served {written.Elapsed.TotalMilliseconds:N0} ms later (store watched every {BoardCache.LocalWatchInterval.TotalSeconds:N0} s); {times.Count} /board requests meanwhile: p50 {P(0.50):N1} ms, p95 {P(0.95):N1} ms, max {times[^1]:N1} ms");
                return;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        Print("after a write: the new model was NOT served within 120 s");
    }

    /// <summary>Writes the city as CSV and imports it through the real import path.</summary>
    private static async Task Import(SqliteTables tables, IClock clock, DateTimeZone zone, int tasks, int units, int indicators, LocalDate date)
    {
        var csv = Path.Combine(Path.GetTempPath(), "escalation-board-csv-" + Guid.NewGuid().ToString("N"));
        var rows = WriteCity(csv, tasks, units, indicators, date);
        var watch = Stopwatch.StartNew();
        var import = await new Importer(tables, clock, zone).Import(ImportSource.Read(csv)).ConfigureAwait(false);
        Directory.Delete(csv, recursive: true);
        Print($"city: {units} units, {tasks:N0} tasks, {indicators} indicators; {rows:N0} CSV rows imported in {watch.Elapsed.TotalSeconds:0.0} s, rejected {import.Rejected.Count}");
        if (import.Rejected.Count > 0)
        {
            Print($"first rejected: {import.Rejected[0].Location}: {import.Rejected[0].Problem.Reason}");
        }
    }

    /// <summary>
    /// <c>--profile</c>: the read model's steps timed one by one over the same store (configuration, each unit's rows,
    /// the evaluator's snapshots, the timelines, the indicators), then the whole <see cref="BoardReader.Read"/> twice.
    /// </summary>
    private static async Task Profile(SqliteTables tables, IClock clock, DateTimeZone zone)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 2; i++)
        {
            watch.Restart();
            var cpu = CpuClock.Process();
            _ = await new BoardReader(tables, clock, zone).Read().ConfigureAwait(false);
            Print($"profile: BoardReader.Read {watch.Elapsed.TotalMilliseconds:N0} ms wall, {(CpuClock.Process() - cpu).TotalMilliseconds:N0} ms CPU (all threads, JIT and GC included)");
        }

        watch.Restart();
        var read = new DailyRead(tables, clock, zone);
        var (configuration, _) = await read.ConfigurationUnrecorded().ConfigureAwait(false);
        var configured = watch.Elapsed.TotalMilliseconds;
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        var evaluator = new Evaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        double rows = 0, snapshots = 0, timelines = 0;
        var count = 0;
        foreach (var unit in configuration.Roster.Units.Keys)
        {
            watch.Restart();
            var (states, _) = await read.Unit(configuration, unit).ConfigureAwait(false);
            rows += watch.Elapsed.TotalMilliseconds;
            foreach (var state in states)
            {
                watch.Restart();
                _ = evaluator.Snapshot(state, today);
                snapshots += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                _ = Timeline.Build(state.Item, configuration.Calendar);
                timelines += watch.Elapsed.TotalMilliseconds;
                count++;
            }
        }

        watch.Restart();
        foreach (var definition in configuration.Indicators.Definitions.Values)
        {
            _ = await read.Indicator(configuration, definition.Id).ConfigureAwait(false);
        }

        var indicatorRows = watch.Elapsed.TotalMilliseconds;
        double raw = 0, adminRows = 0, demands = 0, seen = 0, built = 0;
        var admin = new AdminStore(tables);
        var log = new EscalationLog(tables);
        var first = new FirstSeenDates(tables);
        var entities = 0;
        foreach (var unit in configuration.Roster.Units.Keys)
        {
            watch.Restart();
            foreach (var name in new[] { "tasks", "milestones", "progress", "exemptions", "explanations" })
            {
                var t = await tables.Table(name).ConfigureAwait(false);
                await foreach (var e in t.Query(EntityQuery.Partition(unit.Value)).ConfigureAwait(false))
                {
                    entities++;
                }
            }

            raw += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var d = await log.Demands(unit).ConfigureAwait(false);
            demands += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            _ = await first.OfUnit(unit).ConfigureAwait(false);
            seen += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var r = await admin.ReadUnit(unit, d).ConfigureAwait(false);
            adminRows += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            _ = Domain.Catalog.UnitItems.Build(configuration, r);
            built += watch.Elapsed.TotalMilliseconds;
        }

        Print($"profile: raw entities {entities:N0} {raw:N0} ms; demands {demands:N0} ms; first seen {seen:N0} ms; AdminStore.ReadUnit {adminRows:N0} ms; UnitItems.Build {built:N0} ms");
        Print($"profile: configuration {configured:N0} ms; units' rows {rows:N0} ms; {count:N0} snapshots {snapshots:N0} ms; {count:N0} timelines {timelines:N0} ms; indicators' rows {indicatorRows:N0} ms");
    }

    private static async Task<string> Board(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/board", UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK ? body : throw new InvalidOperationException($"/board answered {(int)response.StatusCode}");
    }

    /// <summary>Writes the city's CSV files; returns the number of rows.</summary>
    private static int WriteCity(string folder, int taskCount, int unitCount, int indicatorCount, LocalDate today)
    {
        Directory.CreateDirectory(folder);
        var rows = 0;
        void Write(string table, string header, IEnumerable<string> lines)
        {
            var all = lines.ToList();
            rows += all.Count;
            File.WriteAllLines(Path.Combine(folder, table + ".csv"), [header, .. all], new UTF8Encoding(false));
        }

        string D(LocalDate d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var unitIds = Enumerable.Range(1, unitCount).Select(u => $"u{u:D3}").ToList();
        Write("units", "Id,Name,Principal,DeputyInCharge,LeadOfficial", unitIds.Select(u => $"{u},单位{u},{u}-p,{u}-d,"));
        Write("people", "Id,Name,Unit,Title,Email,Mobile,Channels,Role,Login",
            unitIds.SelectMany(u => new[] { $"{u}-p,负责人{u},{u},主任,{u}-p@example.gov.cn,,email,,", $"{u}-d,分管{u},{u},副主任,{u}-d@example.gov.cn,,email,," })
                .Append("office,督查室,,督查室,office@example.gov.cn,,email,督查室,"));
        Write("settings", "Key,Value,Note", ["SupervisionOffice,office,"]);
        var start = new LocalDate(today.Year, 1, 5);
        var deadline = new LocalDate(today.Year, 12, 31);
        string Task(int t) => $"t{t:D6}";
        string UnitOf(int t) => unitIds[t % unitCount];
        Write("tasks", "Id,Unit,Title,Kind,Start,Deadline,Owner,PlanTemplate,Status,Cadence,LeadOfficial",
            Enumerable.Range(0, taskCount).Select(t => $"{Task(t)},{UnitOf(t)},任务{t},重点任务,{D(start)},{D(deadline)},{UnitOf(t)}-p,,,月,"));
        Write("milestones", "Unit,Task,Due,Name,Target",
            Enumerable.Range(0, taskCount).SelectMany(t => new[] { (3, 25), (6, 50), (9, 75) }.Select(m =>
                $"{UnitOf(t)},{Task(t)},{D(new LocalDate(today.Year, m.Item1, 20))},第{m.Item1}月节点,{m.Item2}")));
        // Progress spread around the plan, so that the board has every light.
        Write("progress", "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy",
            Enumerable.Range(0, taskCount).SelectMany(t => Enumerable.Range(1, 6).Select(m =>
                $"{UnitOf(t)},{Task(t)},{D(new LocalDate(today.Year, m, 25))},1,{Math.Min(100, (m * 8) + (t % 7) - 3)},,{UnitOf(t)}-p")));
        var groupSize = Math.Min(10, unitCount);
        string Indicator(int i) => $"ind{i:D4}";
        IEnumerable<string> GroupOf(int i) => Enumerable.Range(0, groupSize).Select(k => unitIds[(i + k) % unitCount]);
        Write("indicators", "Id,Name,Owner,MeasureUnit,Direction,Accumulation,PeriodKind,AnnualTarget,Floor,Stretch,CheckAt,RankFloor,RankGoal,RankStretch,NotLowerThan,Lag,YellowRatio",
            Enumerable.Range(0, indicatorCount).Select(i => $"{Indicator(i)},指标{i},{unitIds[i % unitCount]},亿元,越高越好,累计,月,120,,,,,,,,,0.9"));
        Write("rankinggroups", "Id,Name,Indicator,Units,BottomK,TopK",
            Enumerable.Range(0, indicatorCount).Select(i => $"g{i:D4},分组{i},{Indicator(i)},\"{string.Join(',', GroupOf(i))}\",3,3"));
        Write("indicatorvalues", "Indicator,Unit,Period,Value,Published,ProvincialRank,PeerCount,ProvincialAverage,EnteredBy",
            Enumerable.Range(0, indicatorCount).SelectMany(i => GroupOf(i).SelectMany((u, k) => Enumerable.Range(1, 5).Select(m =>
                string.Create(CultureInfo.InvariantCulture, $"{Indicator(i)},{u},{today.Year}-{m:D2},{(m * 10) + k - 4},{D(new LocalDate(today.Year, m + 1, 10))},{k + 1},{groupSize},{m * 10},")))));
        return rows;
    }

    private static void Print(string line) => Console.WriteLine(line);

    [GeneratedRegex("name=\"__csrf\" value=\"(?<t>[^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<tr data-testid=\"row\" data-kind=\"task\" data-id=\"(?<id>[^\"]+)\" data-unit=\"(?<unit>[^\"]+)\" data-light=\"red\"")]
    private static partial Regex RedRowPattern();

    [GeneratedRegex("<tr data-testid=\"row\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("data-red=\"\\d+\" data-yellow=\"\\d+\" data-green=\"\\d+\" data-none=\"\\d+\"")]
    private static partial Regex CountsPattern();

    /// <summary>The harness's clock: the day it measures, standing still.</summary>
    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
