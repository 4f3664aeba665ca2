using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Escalation.Benchmarks;

/// <summary>
/// Adds what one measured run decides to the summary table: events raised and the share of items that raised any.
/// Computed in the host after the runs, by rebuilding the same deterministic workload and evaluating it once.
/// </summary>
public sealed class EventsColumn : IColumn
{
    // Both columns read the same figures; each date is computed once.
    private static readonly ConcurrentDictionary<string, RunStats> Stats = new(StringComparer.Ordinal);

    private EventsColumn(bool share) => Share = share;

    public static IColumn Events { get; } = new EventsColumn(share: false);

    public static IColumn ItemsWithEvents { get; } = new EventsColumn(share: true);

    private bool Share { get; }

    public string Id => Share ? "EscalationItemsWithEvents" : "EscalationEvents";

    public string ColumnName => Share ? "Items w/ events" : "Events/run";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => Share ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => Share
        ? "Share of the items (indicators for IndicatorBenchmarks) for which one run raised at least one event"
        : "Events one run raises over all items or indicators (computed once in the host from the same deterministic data)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        var type = benchmarkCase.Descriptor.Type;
        if (type != typeof(EvaluateBenchmarks) && type != typeof(IndicatorBenchmarks)
            || benchmarkCase.Parameters[nameof(EvaluateBenchmarks.Today)] is not string today)
        {
            return "-";
        }

        var stats = type == typeof(IndicatorBenchmarks) ? Stats.GetOrAdd("indicators " + today, ComputeIndicators) : Stats.GetOrAdd(today, Compute);
        return Share
            ? stats.ItemsWithEventsPercent.ToString("F2", CultureInfo.InvariantCulture) + "%"
            : stats.Events.ToString("N0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    private static RunStats Compute(string today)
    {
        var workload = Workload.Create(Workload.ParseDate(today), EvaluateBenchmarks.ItemCount);
        return RunStats.Of(workload.Items, workload.CreateEvaluator().Evaluate(workload.Items, workload.Today));
    }

    private static RunStats ComputeIndicators(string key)
    {
        var workload = IndicatorWorkload.Create(Workload.ParseDate(key["indicators ".Length..]), IndicatorBenchmarks.IndicatorCount);
        return RunStats.OfIndicators(workload.IndicatorCount, workload.CreateEvaluator().Evaluate(workload.All, workload.Today));
    }
}
