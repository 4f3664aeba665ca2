using System.Diagnostics;
using Escalation.Functions.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>
/// Tests that listen to the engine's activity source and meter: they are process-wide, so these tests run alone, after
/// the parallel ones, and see no other test's spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryListeners
{
    public const string Name = "Telemetry (process-wide listeners)";
}

/// <summary>
/// The engine's telemetry as the app starts it (<see cref="TelemetryExport.Start"/>: its sources, meters and resource),
/// with in-memory exporters added.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly TelemetryExport _export;

    public TelemetryCapture() =>
        _export = TelemetryExport.Start(TelemetryOptions.None, () => throw new InvalidOperationException("No credential in tests."), t => t.AddInMemoryExporter(_spans), m => m.AddInMemoryExporter(_metrics));

    /// <summary>The spans ended so far, in the order they ended.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    /// <summary>Collects the metrics now, and returns each metric's points as (tags, value): a sum, or a histogram's count.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(IReadOnlyDictionary<string, string> Tags, double Value)>> Metrics()
    {
        _metrics.Clear();
        _export.Flush();
        var result = new Dictionary<string, IReadOnlyList<(IReadOnlyDictionary<string, string>, double)>>(StringComparer.Ordinal);
        foreach (var metric in _metrics)
        {
            var points = new List<(IReadOnlyDictionary<string, string>, double)>();
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value?.ToString() ?? "";
                }

                double value = metric.MetricType switch
                {
                    MetricType.LongSum => point.GetSumLong(),
                    MetricType.Histogram => point.GetHistogramCount(),
                    _ => double.NaN,
                };
                points.Add((tags, value));
            }

            result[metric.Name] = points;
        }

        return result;
    }

    public void Dispose() => _export.Dispose();
}
