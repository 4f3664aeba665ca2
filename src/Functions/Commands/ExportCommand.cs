using System.Text.RegularExpressions;
using Escalation.Domain.Items;
using Escalation.Functions.Export;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary><c>export log --month YYYY-MM [--unit U] --format csv|xlsx [--out FILE]</c>.</summary>
internal static partial class ExportCommand
{
    public static int Run(Options options, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (options.Positional is not "log")
        {
            stderr.WriteLine("export writes the escalation log: export log --month YYYY-MM [--unit UNIT] --format csv|xlsx [--out FILE]");
            return Cli.UsageError;
        }

        var month = options.Get("month");
        if (month is null || !MonthPattern().IsMatch(month))
        {
            stderr.WriteLine($"--month needs a month written YYYY-MM (got '{month}').");
            return Cli.UsageError;
        }

        var format = (options.Get("format") ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "xlsx"))
        {
            stderr.WriteLine($"--format is csv or xlsx (got '{format}').");
            return Cli.UsageError;
        }

        UnitId? unit = null;
        if (options.Get("unit") is { } unitText)
        {
            try
            {
                unit = new UnitId(unitText);
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"--unit: {e.Message}");
                return Cli.UsageError;
            }
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var rows = Rows(tables, month, unit).GetAwaiter().GetResult();
        var file = options.Get("out") ?? $"escalation-log-{month}{(unit is { } u ? "-" + u.Value : "")}.{format}";
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        using (var output = File.Create(file))
        {
            if (format == "csv")
            {
                LogExport.WriteCsv(output, rows);
            }
            else
            {
                LogExport.WriteXlsx(output, $"督办记录{month}", rows);
            }
        }

        stdout.WriteLine($"Wrote {rows.Count} events of {month}{(unit is { } v ? " for unit " + v.Value : "")} to {Path.GetFullPath(file)}.");
        return Cli.Ok;
    }

    private static async Task<List<string?[]>> Rows(IEntityTables tables, string month, UnitId? unit)
    {
        var log = new EscalationLog(tables);
        var ledger = new DeliveryLedger(tables);
        var rows = new List<string?[]>();
        await foreach (var entry in log.OfMonth(month, unit).ConfigureAwait(false))
        {
            rows.Add(LogExport.Row(entry, await ledger.OfEvent(entry.Event.Id).ConfigureAwait(false)));
        }

        return [.. rows.OrderBy(r => r[0], StringComparer.Ordinal).ThenBy(r => r[6], StringComparer.Ordinal)];
    }

    [GeneratedRegex("^[0-9]{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();
}
