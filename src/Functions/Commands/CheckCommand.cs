using Escalation.Domain.Problems;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>check</c>: reads and validates every table as the daily run does, records the problems in the problems table
/// (resolving the ones fixed since), and prints them. Exit code 0 when the tables are clean, 1 when problems remain.
/// </summary>
internal static class CheckCommand
{
    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var read = new DailyRead(tables, clock, settings.Zone);
        var (found, items, resolved) = Check(read).GetAwaiter().GetResult();
        stdout.WriteLine($"Checked {tables.Describe}: {items} usable tasks, {found.Count} problems open, {resolved} resolved since the last check.");
        foreach (var problem in found)
        {
            stdout.WriteLine($"  {problem}");
        }

        return found.Count == 0 ? Cli.Ok : Cli.DataError;
    }

    private static async Task<(List<Problem> Found, int Items, int Resolved)> Check(DailyRead read)
    {
        var (configuration, problems) = await read.Configuration().ConfigureAwait(false);
        var found = problems.ToList();
        var items = 0;
        var resolved = 0;
        foreach (var unit in configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
        {
            var (states, unitProblems) = await read.Unit(configuration, unit).ConfigureAwait(false);
            items += states.Count;
            found.AddRange(unitProblems);
            resolved += (await read.Record(unit, unitProblems).ConfigureAwait(false)).Resolved;
        }

        return (found, items, resolved);
    }
}
