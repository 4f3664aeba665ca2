using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Escalation.Benchmarks;

// dotnet run -c Release --project bench/Escalation.Benchmarks -- --filter '*'    BenchmarkDotNet, a few minutes
// dotnet run -c Release --project bench/Escalation.Benchmarks -- --quick         Stopwatch smoke check, well under a minute
//   quick options: --items N, --date yyyy-MM-dd (repeatable), --breakdown (per-component split to find hot spots)
if (args.Contains("--quick", StringComparer.Ordinal))
{
    return QuickHarness.Run(args);
}

// Results go next to the project (bench/Escalation.Benchmarks/BenchmarkDotNet.Artifacts) unless --artifacts says otherwise.
var projectDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
var config = DefaultConfig.Instance
    .WithArtifactsPath(Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts"))
    .AddColumn(EventsColumn.Events, EventsColumn.ItemsWithEvents);
BenchmarkSwitcher.FromAssembly(typeof(EventsColumn).Assembly).Run(args, config);
return 0;
