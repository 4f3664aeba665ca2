using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Escalation.Domain.Evaluation;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// Evaluates 1,000,000 items (5 milestones each) against the default rules. One invocation is one whole run, and
/// <c>OperationsPerInvoke</c> makes every figure per item: Mean is ns/item, Allocated is bytes/item.
/// <see cref="Evaluator.Evaluate"/> is single-threaded, so the figures are for one core; no affinity is set.
/// </summary>
/// <remarks>
/// Monitoring strategy, one launch, 4 warm-up and 8 measured runs (the heap takes a few runs to settle on event-heavy days): each run is long (~1 s), so there is no pilot
/// and no unrolling, and the whole class stays within a couple of minutes on a 2-core machine.
/// Two kinds of day. 2026-06-15, a Monday, lies in the ten working days after May's close (May ends on a Sunday, so it
/// is judged on Monday 06-01 and acted on from 06-02): the lag-streak ladder (R4-R6) runs too, walks each lagging
/// item's streak back, and raises its events again (the escalation log keeps the first). 2026-06-01 is a day outside
/// such a window: due-soon, overdue, missing reports and overdue demands only.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 4, iterationCount: 8)]
public class EvaluateBenchmarks
{
    public const int ItemCount = Workload.DefaultItemCount;

    private ItemState[] _items = [];
    private Evaluator? _evaluator;
    private LocalDate _today;

    [Params("2026-06-15", "2026-06-01")]
    public string Today { get; set; } = "2026-06-15";

    [GlobalSetup]
    public void Setup()
    {
        _today = Workload.ParseDate(Today);
        var workload = Workload.Create(_today, ItemCount);
        _items = workload.Items;
        _evaluator = workload.CreateEvaluator();

        // Not measured: say what one run decides, so the table can be read against it.
        var result = _evaluator.Evaluate(_items, _today);
        Console.WriteLine(RunStats.Describe(_items, result));
    }

    [Benchmark(OperationsPerInvoke = ItemCount)]
    public EvaluationResult EvaluateAll() => _evaluator!.Evaluate(_items, _today);
}
