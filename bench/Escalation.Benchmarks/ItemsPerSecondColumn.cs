using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Escalation.Benchmarks;

/// <summary>
/// Throughput on one core: 10^9 / mean ns per operation (an operation is one item, or one indicator of 240 values for
/// <see cref="IndicatorBenchmarks"/>; see OperationsPerInvoke).
/// </summary>
public sealed class ItemsPerSecondColumn : IColumn
{
    private ItemsPerSecondColumn()
    {
    }

    public static IColumn Instance { get; } = new ItemsPerSecondColumn();

    public string Id => "EscalationItemsPerSecond";

    public string ColumnName => "Items/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => -1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Items (tasks; indicators for IndicatorBenchmarks) evaluated per second on one core (1 s / Mean); the task goal is 1,000,000";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        return summary[benchmarkCase]?.ResultStatistics?.Mean is > 0 and var nanoseconds
            ? (1e9 / nanoseconds).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
