using System.Diagnostics;
using System.Globalization;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Timelines;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// <c>--quick</c>: a plain Stopwatch harness, no BenchmarkDotNet. Builds the workload, runs the whole evaluation twice to
/// warm up and three times measured, and prints items/s, ns/item and bytes allocated per item (this thread only, which
/// is all of it: the evaluator is single-threaded). <c>--breakdown</c> adds a per-component split to find hot spots.
/// Options: <c>--items N</c> (default 1,000,000), <c>--date yyyy-MM-dd</c> (default 2026-06-15; repeatable).
/// Exit code 0; the goal (1,000,000 items/s) is reported, not enforced.
/// </summary>
public static class QuickHarness
{
    private const double GoalItemsPerSecond = 1_000_000;
    private const int WarmupRuns = 2;
    private const int MeasuredRuns = 3;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var count = Workload.DefaultItemCount;
        var dates = new List<LocalDate>();
        var breakdown = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": break;
                case "--breakdown": breakdown = true; break;
                case "--items" when i + 1 < args.Length: count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--date" when i + 1 < args.Length: dates.Add(Workload.ParseDate(args[++i])); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --quick [--items N] [--date yyyy-MM-dd]... [--breakdown]");
                    return 2;
            }
        }

        if (dates.Count == 0)
        {
            dates.Add(Workload.DefaultToday);
        }

        Print($"runtime {Environment.Version}, {Environment.ProcessorCount} logical cores, server GC {System.Runtime.GCSettings.IsServerGC}; Evaluate is single-threaded");
        foreach (var today in dates)
        {
            var setup = Stopwatch.StartNew();
            var workload = Workload.Create(today, count);
            Print($"\n== {count:N0} items, 5 milestones each, {Workload.UnitCount} units, today {today:yyyy-MM-dd} (data built in {setup.Elapsed.TotalSeconds:F1} s, not measured)");
            MeasureEvaluate(workload);
            if (breakdown)
            {
                Breakdown(workload);
            }
        }

        return 0;
    }

    private static void MeasureEvaluate(Workload workload)
    {
        var evaluator = workload.CreateEvaluator();
        EvaluationResult? result = null;
        for (var run = 0; run < WarmupRuns; run++)
        {
            result = evaluator.Evaluate(workload.Items, workload.Today);
        }

        Console.WriteLine(RunStats.Describe(workload.Items, result!));
        var samples = new List<Sample>();
        for (var run = 0; run < MeasuredRuns; run++)
        {
            samples.Add(Measure(workload.Items.Length, () => result = evaluator.Evaluate(workload.Items, workload.Today)));
            Print($"  run {run + 1}: {samples[^1]}");
        }

        var median = samples.OrderBy(s => s.NsPerItem).ElementAt(samples.Count / 2);
        var verdict = median.ItemsPerSecond >= GoalItemsPerSecond ? "meets" : "MISSES";
        Print($"  median: {median}  -> {verdict} the goal of {GoalItemsPerSecond:N0} items/s");
        GC.KeepAlive(result);
    }

    /// <summary>Where the time goes: the same items through parts of the evaluation, each timed alone.</summary>
    private static void Breakdown(Workload workload)
    {
        var items = workload.Items;
        var today = workload.Today;
        var calendar = workload.Calendar;
        Console.WriteLine("  breakdown (median of 3 after a warm-up; every Evaluate line includes Timeline.Build):");

        Part("Timeline.Build (all items)", items.Length, () =>
        {
            var built = 0;
            foreach (var state in items)
            {
                built += Timeline.Build(state.Item, calendar).Timeline is null ? 0 : 1;
            }

            return built;
        });

        var timelines = items.Select(s => Timeline.Build(s.Item, calendar).Timeline!).ToArray();
        Part("Timeline.PlannedOn(today) (prebuilt)", items.Length, () =>
        {
            var sum = 0.0;
            foreach (var timeline in timelines)
            {
                sum += timeline.PlannedOn(today);
            }

            return (int)sum;
        });

        Part("ProgressHistory.ProgressOn(today)", items.Length, () =>
        {
            var sum = 0.0;
            foreach (var state in items)
            {
                sum += state.Progress.ProgressOn(today);
            }

            return (int)sum;
        });

        timelines = null;
        GC.Collect();

        var all = DefaultRules.All;
        var subsets = new List<(string Name, EscalationRule[] Rules)> { ("Evaluate, no rules", []) };
        subsets.AddRange(all.Select(r => ($"Evaluate, only {r.Id} ({r.Trigger.Kind})", new[] { r })));
        subsets.Add(("Evaluate, point rules R1-R3,R7", all.Where(r => r.Trigger.Kind != TriggerKind.LagStreak).ToArray()));
        subsets.Add(("Evaluate, lag ladder R4-R6", all.Where(r => r.Trigger.Kind == TriggerKind.LagStreak).ToArray()));
        subsets.Add(("Evaluate, all default rules", [.. all]));
        foreach (var (name, rules) in subsets)
        {
            var evaluator = workload.CreateEvaluator(rules);
            Part(name, items.Length, () => evaluator.Evaluate(items, today).Events.Count);
        }

        // The cost of an event itself: its id is a SHA-256 over rule, item and occurrence.
        var events = workload.CreateEvaluator().Evaluate(items, today).Events;
        if (events.Count > 0)
        {
            var keys = events.Select(e => (e.Rule, e.Item, e.Occurrence)).ToArray();
            Part($"EventId.For alone ({keys.Length:N0} events; per event)", keys.Length, () =>
            {
                var n = 0;
                foreach (var (rule, item, occurrence) in keys)
                {
                    n += EventId.For(rule, item, occurrence).Value.Length;
                }

                return n;
            });
        }
    }

    private static void Part(string name, int operations, Func<int> body)
    {
        body();
        Thread.Sleep(100); // let tiered compilation promote what the warm-up made hot
        var samples = new List<Sample>();
        var sink = 0;
        for (var run = 0; run < 3; run++)
        {
            samples.Add(Measure(operations, () => sink += body()));
        }

        var median = samples.OrderBy(s => s.NsPerItem).ElementAt(1);
        Print($"    {name,-48} {median.NsPerItem,8:F1} ns/op {median.BytesPerItem,8:F1} B/op");
        GC.KeepAlive(sink);
    }

    private static Sample Measure(int operations, Action body)
    {
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        body();
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Sample(
            operations, watch.Elapsed, (double)allocated / operations, GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2);
    }

    private static void Print(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private sealed record Sample(int Operations, TimeSpan Elapsed, double BytesPerItem, int Gen0, int Gen2)
    {
        public double NsPerItem => Elapsed.TotalNanoseconds / Operations;

        public double ItemsPerSecond => Operations / Elapsed.TotalSeconds;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Elapsed.TotalMilliseconds:F0} ms, {ItemsPerSecond:N0} items/s, {NsPerItem:F1} ns/item, {BytesPerItem:F1} B/item (gen0 GCs {Gen0}, gen2 {Gen2})");
    }
}
