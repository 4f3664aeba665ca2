using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Escalation.Benchmarks;
using Perfolizer.Horology;
using Perfolizer.Metrology;

// dotnet run -c Release --project bench/Escalation.Benchmarks -- --filter '*'    BenchmarkDotNet, about two minutes
// dotnet run -c Release --project bench/Escalation.Benchmarks -- --quick         Stopwatch smoke check, ~25 s
//   quick options: --items N, --date yyyy-MM-dd (repeatable), --breakdown (per-component split to find hot spots)
// dotnet run -c Release --project bench/Escalation.Benchmarks -- --indicators    tasks + indicators on ONE core, CPU seconds, ~3 minutes
//   indicators options: --indicators N, --tasks N, --province-tasks N, --province-indicators N, --date yyyy-MM-dd, --runs N, --cpu N, --no-affinity
// dotnet run -c Release --project bench/Escalation.Benchmarks -- --board         the web board's first page over HTTP for 10,000 tasks + 500 indicators, p50/p95
//   board options: --tasks N, --units N, --indicators N, --requests N, --date yyyy-MM-dd, --store DIR, --no-import, --profile
// bench/storage.sh [--tasks N]                                                   import rows/s and the daily read on Azurite
// dotnet run -c Release --project bench/Escalation.Benchmarks -- --servicebus    publish latency, SDK over AMQP to a loopback broker
//   servicebus options: --firsts N, --sends N, --batches N; --namespace HOST (or --connection STRING) --entity QUEUE for a real one
if (args.Contains("--servicebus", StringComparer.Ordinal))
{
    return await ServiceBusHarness.Run(args);
}

if (args.Contains("--tables", StringComparer.Ordinal))
{
    return await StorageHarness.Run(args);
}

if (args.Contains("--board", StringComparer.Ordinal))
{
    return await BoardHarness.Run(args);
}

if (args.Contains("--indicators", StringComparer.Ordinal))
{
    return IndicatorHarness.Run(args);
}

if (args.Contains("--quick", StringComparer.Ordinal))
{
    return QuickHarness.Run(args);
}

// Results go next to the project (bench/Escalation.Benchmarks/BenchmarkDotNet.Artifacts) unless --artifacts says otherwise.
// Times in ns and sizes in bytes, so that Mean reads as ns/item and Allocated as B/item.
var projectDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var config = DefaultConfig.Instance
    .WithArtifactsPath(Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts"))
    .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithSizeUnit(SizeUnit.B))
    .AddColumn(ItemsPerSecondColumn.Instance, EventsColumn.Events, EventsColumn.ItemsWithEvents);
BenchmarkSwitcher.FromAssembly(typeof(EventsColumn).Assembly).Run(args, config);
return 0;
