using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// <see cref="IndicatorEvaluator"/> over a province-sized scoreboard: 2,000 monthly indicators, each with 12 periods for
/// the 20 units of its ranking group (480,000 values with provincial ranks and averages), against a rule set with all
/// nine indicator triggers (<see cref="IndicatorWorkload.Rules"/>). One invocation evaluates every indicator, and
/// <c>OperationsPerInvoke</c> makes every figure per indicator: Mean is ns/indicator (240 values), Allocated is
/// bytes/indicator. <c>EachIndicator</c> is the city-wide step's shape, one request per indicator;
/// <c>AllInOneCall</c> passes the whole city in a single call.
/// </summary>
/// <remarks>
/// Two days. 2026-06-15: the indicators publishing by the 15th have May's values in, those publishing later still
/// show April's, published within the last ten working days (the catch-up window), so most indicators have a
/// period that may raise events. 2026-01-20: December's values come in for the indicators publishing by the 20th, so
/// the year-end rank and the year-end floor and stretch are judged too.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 4, iterationCount: 10)]
public class IndicatorBenchmarks
{
    public const int IndicatorCount = 2_000;

    private IndicatorWorkload? _workload;
    private IndicatorEvaluator? _evaluator;
    private LocalDate _today;

    [Params("2026-06-15", "2026-01-20")]
    public string Today { get; set; } = "2026-06-15";

    [GlobalSetup]
    public void Setup()
    {
        _today = Workload.ParseDate(Today);
        _workload = IndicatorWorkload.Create(_today, IndicatorCount);
        _evaluator = _workload.CreateEvaluator();

        // Not measured: say what one run decides, so the table can be read against it.
        var (events, problems) = _workload.EvaluateEach(_evaluator);
        Console.WriteLine($"indicator events per run: {events:N0} for {IndicatorCount:N0} indicators ({_workload.ValueCount:N0} values); problems: {problems}");
    }

    [Benchmark(OperationsPerInvoke = IndicatorCount)]
    public int EachIndicator() => _workload!.EvaluateEach(_evaluator!).Events;

    [Benchmark(OperationsPerInvoke = IndicatorCount)]
    public EvaluationResult AllInOneCall() => _evaluator!.Evaluate(_workload!.All, _today);
}
