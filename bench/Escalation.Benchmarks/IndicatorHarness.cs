using System.Diagnostics;
using System.Globalization;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// <c>--indicators</c>: the whole daily evaluation on ONE core, tasks and indicators, timed in CPU seconds. Pins the process
/// to one CPU (<see cref="Process.ProcessorAffinity"/>; <c>--cpu N</c> picks it, <c>--no-affinity</c> leaves it), builds
/// 1,000,000 tasks (<see cref="Workload"/>) and 10,000 indicators × 12 monthly periods × groups of 20 units
/// (<see cref="IndicatorWorkload"/>, 2,400,000 values), warms up, then times five runs of: every task through
/// <see cref="Evaluator"/> (one call, as the per-unit fan-out does in total) and every indicator through
/// <see cref="IndicatorEvaluator"/> as its own request (the city-wide step's shape). Prints tasks/s,
/// indicator values/s, CPU seconds (the process's, so the GC and the JIT count), wall seconds and allocated bytes
/// (<see cref="GC.GetTotalAllocatedBytes"/>), then the province-sized workload (100,000 tasks + 2,000 indicators) against
/// the goal of one CPU second. Options: <c>--tasks N</c>, <c>--indicators N</c>, <c>--province-tasks N</c>,
/// <c>--province-indicators N</c>, <c>--date yyyy-MM-dd</c> (default 2026-06-15), <c>--runs N</c>.
/// Exit code 0; the goal is reported, not enforced.
/// </summary>
public static class IndicatorHarness
{
    private const double GoalCpuSeconds = 1.0;
    private const int WarmupRuns = 2;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var tasks = Workload.DefaultItemCount;
        var indicators = IndicatorWorkload.DefaultIndicatorCount;
        var provinceTasks = 100_000;
        var provinceIndicators = 2_000;
        var today = Workload.DefaultToday;
        var runs = 5;
        int? cpu = null;
        var pin = true;
        var breakdown = false;
        string? dump = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--indicators" when i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    indicators = Number(args[++i]);
                    break;
                case "--indicators": break;
                case "--tasks" when i + 1 < args.Length: tasks = Number(args[++i]); break;
                case "--province-tasks" when i + 1 < args.Length: provinceTasks = Number(args[++i]); break;
                case "--province-indicators" when i + 1 < args.Length: provinceIndicators = Number(args[++i]); break;
                case "--date" when i + 1 < args.Length: today = Workload.ParseDate(args[++i]); break;
                case "--runs" when i + 1 < args.Length: runs = Math.Max(1, Number(args[++i])); break;
                case "--cpu" when i + 1 < args.Length: cpu = Number(args[++i]); break;
                case "--no-affinity": pin = false; break;
                case "--breakdown": breakdown = true; break;
                case "--dump" when i + 1 < args.Length: dump = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --indicators [N] [--tasks N] [--province-tasks N] [--province-indicators N] [--date yyyy-MM-dd] [--runs N] [--cpu N | --no-affinity] [--breakdown] [--dump FILE]");
                    return 2;
            }
        }

        Print($"runtime {Environment.Version}, {Environment.ProcessorCount} logical cores, server GC {System.Runtime.GCSettings.IsServerGC}, concurrent GC {System.Runtime.GCSettings.LatencyMode}");
        Print($"{(pin ? PinToOneCpu(cpu) : "affinity left as it is (--no-affinity); the evaluators are single-threaded")}; load average {LoadAverage()}");

        if (dump is not null)
        {
            return Dump(dump, today, provinceIndicators);
        }

        if (breakdown)
        {
            Breakdown(today, provinceIndicators);
            return 0;
        }

        Print($"\n== The whole evaluation: {tasks:N0} tasks + {indicators:N0} indicators × {IndicatorWorkload.PeriodsPerIndicator} periods in groups of {IndicatorWorkload.GroupSize}, today {today:yyyy-MM-dd}");
        MeasureBoth(today, tasks, indicators, runs, headline: true);

        Print($"\n== Province-sized: {provinceTasks:N0} tasks + {provinceIndicators:N0} indicators, goal under {GoalCpuSeconds:F0} CPU second");
        var province = MeasureBoth(today, provinceTasks, provinceIndicators, runs, headline: false);
        var verdict = province.TotalCpu.TotalSeconds < GoalCpuSeconds ? "meets" : "MISSES";
        Print($"  province-sized total: {province.TotalCpu.TotalSeconds:F3} CPU s (median of each part)  -> {verdict} the goal of under {GoalCpuSeconds:F0} CPU second; load average {LoadAverage()}");
        return 0;
    }

    private static Sample MeasureBoth(LocalDate today, int taskCount, int indicatorCount, int runs, bool headline)
    {
        var setup = Stopwatch.StartNew();
        var tasks = Workload.Create(today, taskCount);
        var taskSeconds = setup.Elapsed.TotalSeconds;
        var indicators = IndicatorWorkload.Create(today, indicatorCount);
        Print($"  data built in {taskSeconds:F1} s (tasks) + {setup.Elapsed.TotalSeconds - taskSeconds:F1} s (indicators: {indicators.ValueCount:N0} values), not measured");

        var evaluator = tasks.CreateEvaluator();
        var indicatorEvaluator = indicators.CreateEvaluator();
        EvaluationResult? taskResult = null;
        (int Events, int Problems) indicatorResult = default;
        for (var run = 0; run < WarmupRuns; run++)
        {
            taskResult = evaluator.Evaluate(tasks.Items, today);
            indicatorResult = indicators.EvaluateEach(indicatorEvaluator);
        }

        Print($"  tasks: {RunStats.Describe(tasks.Items, taskResult!)}");
        Print($"  indicators: {indicatorResult.Events:N0} events per run, {indicatorResult.Problems:N0} problems; {IndicatorStats(indicators, indicatorEvaluator)}");
        Thread.Sleep(200); // let tiered compilation promote what the warm-up made hot

        var samples = new List<Sample>();
        for (var run = 0; run < runs; run++)
        {
            var taskPart = Measure(() => taskResult = evaluator.Evaluate(tasks.Items, today));
            var indicatorPart = Measure(() => indicatorResult = indicators.EvaluateEach(indicatorEvaluator));
            samples.Add(new Sample(taskPart, indicatorPart));
            Print($"  run {run + 1}: {Describe(samples[^1], tasks.Items.Length, indicators)}");
        }

        // Each part's median and fastest run: on a shared machine the fastest is the least disturbed.
        var median = new Sample(
            samples.Select(s => s.Tasks).OrderBy(p => p.Cpu).ElementAt(samples.Count / 2),
            samples.Select(s => s.Indicators).OrderBy(p => p.Cpu).ElementAt(samples.Count / 2));
        var best = new Sample(samples.Select(s => s.Tasks).MinBy(p => p.Cpu)!, samples.Select(s => s.Indicators).MinBy(p => p.Cpu)!);
        Print($"  median: {Describe(median, tasks.Items.Length, indicators)}");
        Print($"  best:   {Describe(best, tasks.Items.Length, indicators)}");
        if (headline)
        {
            var t = median.Tasks;
            var n = median.Indicators;
            Print($"    tasks:      {t.Cpu.TotalSeconds,7:F3} CPU s, {tasks.Items.Length / t.Cpu.TotalSeconds,12:N0} tasks/CPU s, {(double)t.Allocated / tasks.Items.Length,8:F1} B/task, gen0 {t.Gen0} gen2 {t.Gen2}");
            Print($"    indicators: {n.Cpu.TotalSeconds,7:F3} CPU s, {indicators.ValueCount / n.Cpu.TotalSeconds,12:N0} values/CPU s, {(double)n.Allocated / indicators.ValueCount,8:F1} B/value, {n.Cpu.TotalMicroseconds / indicators.IndicatorCount:F1} µs and {n.Allocated / indicators.IndicatorCount:N0} B per indicator, gen0 {n.Gen0} gen2 {n.Gen2}");

            // The same indicators in one call, for comparison with one request each.
            var whole = Measure(() => indicatorResult = (indicatorEvaluator.Evaluate(indicators.All, today) is var r ? (r.Events.Count, r.Problems.Count) : default));
            Print($"    indicators in one call instead: {whole.Cpu.TotalSeconds:F3} CPU s, {whole.Allocated / (double)indicators.ValueCount:F1} B/value, {indicatorResult.Events:N0} events");
        }

        GC.KeepAlive(taskResult);
        return median;
    }

    /// <summary>
    /// Where an indicator's time goes (<c>--breakdown</c>): the province-sized indicators, one request each, through an
    /// evaluator with no rules (reading, sorting and ranking only), with each rule alone, and with all of them.
    /// </summary>
    private static void Breakdown(LocalDate today, int indicatorCount)
    {
        var workload = IndicatorWorkload.Create(today, indicatorCount);
        Print($"\n== Breakdown: {indicatorCount:N0} indicators ({workload.ValueCount:N0} values), one request each, today {today:yyyy-MM-dd}; median of 3 after a warm-up, CPU time of this thread");
        var all = IndicatorWorkload.Rules;

        // Warm up every path first, so that the first line is not the one that pays for the JIT's tiers.
        var warm = workload.CreateEvaluator();
        for (var run = 0; run < 3; run++)
        {
            workload.EvaluateEach(warm);
        }

        var subsets = new List<(string Name, EscalationRule[] Rules)> { ("no rules (read, sort, rank)", []) };
        subsets.AddRange(all.Select(r => ($"only {r.Id} ({r.Trigger.Kind})", new[] { r })));
        subsets.Add(("all rules", [.. all]));
        foreach (var (name, rules) in subsets)
        {
            var evaluator = new IndicatorEvaluator(workload.Calendar, rules, workload.Roster);
            var events = workload.EvaluateEach(evaluator).Events;
            Thread.Sleep(100);
            var samples = new List<(double Us, double Bytes)>();
            for (var run = 0; run < 3; run++)
            {
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var cpu = CpuClock.Thread();
                workload.EvaluateEach(evaluator);
                var used = CpuClock.Thread() - cpu;
                samples.Add((used.TotalMicroseconds / indicatorCount, (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / indicatorCount));
            }

            var (us, b) = samples.OrderBy(s => s.Us).ElementAt(1);
            Print($"  {name,-36} {us,8:F1} µs CPU/indicator {b,10:N0} B/indicator {events,8:N0} events");
        }
    }

    /// <summary>
    /// <c>--dump FILE</c>: every event and problem of the province-sized indicators, one request each, one line each, so
    /// that two builds of the evaluator can be compared (<c>cmp</c>) after an optimisation.
    /// </summary>
    private static int Dump(string file, LocalDate today, int indicatorCount)
    {
        var workload = IndicatorWorkload.Create(today, indicatorCount);
        var evaluator = workload.CreateEvaluator();
        var lines = Lines(workload.PerIndicator);

        // The same rows in another order (as a store might return them) must decide exactly the same.
        var rng = new Random(7);
        var shuffled = workload.PerIndicator.Select(inputs => inputs with { Values = [.. inputs.Values.OrderBy(_ => rng.Next())] }).ToArray();
        var same = Lines(shuffled).SequenceEqual(lines, StringComparer.Ordinal);
        File.WriteAllLines(file, lines);
        Print($"the same values shuffled decide {(same ? "the same events and problems" : "DIFFERENT events or problems")}");

        List<string> Lines(IndicatorInputs[] requests)
        {
            var lines = new List<string>();
            foreach (var inputs in requests)
            {
                var result = evaluator.Evaluate(inputs, today);
                foreach (var e in result.Events)
                {
                    var facts = e.Facts.Indicator;
                    lines.Add(string.Join(" | ", e.ToString(), string.Join(", ", e.Recipients), string.Join(", ", e.Channels), e.Facts.ToString(),
                        facts?.ToString(), string.Join(", ", facts?.Standings ?? []), string.Join(", ", e.Demand?.From ?? []), e.Demand?.ToString()));
                }

                lines.AddRange(result.Problems.Select(p => p.ToString()));
            }

            return lines;
        }

        Print($"wrote the events and problems of {indicatorCount:N0} indicators on {today:yyyy-MM-dd} to {file}");
        return same ? 0 : 1;
    }

    /// <summary>How many indicators raised anything today, to read the timings against.</summary>
    private static string IndicatorStats(IndicatorWorkload workload, IndicatorEvaluator evaluator)
    {
        var result = evaluator.Evaluate(workload.All, workload.Today);
        var byRule = result.Events.GroupBy(e => e.Rule.Value, StringComparer.Ordinal)
            .OrderBy(g => int.Parse(g.Key.AsSpan(1), CultureInfo.InvariantCulture))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}={g.Count():N0}"));
        var raising = result.Events.Select(e => e.Item).Distinct().Count();
        var problems = result.Problems.GroupBy(p => $"{p.Table}.{p.Field}", StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}={g.Count():N0}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{raising:N0} of {workload.IndicatorCount:N0} indicators raise events; by rule: {string.Join(' ', byRule)}; problems by field: {string.Join(' ', problems)}");
    }

    private static Part Measure(Action body)
    {
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = CpuTime();
        var watch = Stopwatch.StartNew();
        body();
        watch.Stop();
        var cpuUsed = CpuTime() - cpu;
        return new Part(cpuUsed, watch.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - bytes, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2);
    }

    private static TimeSpan CpuTime() => CpuClock.Process();

    private static string Describe(Sample run, int tasks, IndicatorWorkload indicators)
    {
        var cpu = run.TotalCpu.TotalSeconds;
        var items = tasks + indicators.ValueCount;
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu:F3} CPU s (tasks {run.Tasks.Cpu.TotalSeconds:F3} + indicators {run.Indicators.Cpu.TotalSeconds:F3}), wall {(run.Tasks.Wall + run.Indicators.Wall).TotalSeconds:F3} s, "
            + $"{items / cpu:N0} items/CPU s (tasks + indicator values), allocated {(run.Tasks.Allocated + run.Indicators.Allocated) / 1e6:N1} MB");
    }

    /// <summary>Pins the process to one CPU: the requested one, or the first the process may run on.</summary>
    private static string PinToOneCpu(int? cpu)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return "affinity not supported on this platform (the evaluators are single-threaded; the GC and the JIT may use other cores)";
        }

        using var process = Process.GetCurrentProcess();
        var allowed = (long)process.ProcessorAffinity;
        var chosen = cpu ?? (int)long.TrailingZeroCount(allowed == 0 ? 1 : allowed);
        process.ProcessorAffinity = (nint)(1L << chosen);
        return string.Create(CultureInfo.InvariantCulture, $"pinned to CPU {chosen} (affinity mask 0x{(long)process.ProcessorAffinity:x}, was 0x{allowed:x}): everything, the GC and the JIT included, runs on one core");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static void Print(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private sealed record Part(TimeSpan Cpu, TimeSpan Wall, long Allocated, int Gen0, int Gen2);

    private sealed record Sample(Part Tasks, Part Indicators)
    {
        public TimeSpan TotalCpu => Tasks.Cpu + Indicators.Cpu;
    }
}
