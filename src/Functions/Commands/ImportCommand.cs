using System.Globalization;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary><c>import PATH</c>: a folder of CSV files or an .xlsx workbook into the configured store.</summary>
internal static class ImportCommand
{
    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (options.Positional is not { } path)
        {
            stderr.WriteLine("import needs a folder of CSV files or an .xlsx workbook: import samples [--store DIR | --connection STRING]");
            return Cli.UsageError;
        }

        var (sources, notes) = ImportSource.Read(path);
        if (sources.Count == 0)
        {
            foreach (var note in notes)
            {
                stderr.WriteLine(note);
            }

            return Cli.DataError;
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var importer = new Importer(tables, clock, settings.Zone);
        var report = importer.Import(sources, notes).GetAwaiter().GetResult();
        Print(report, path, tables.Describe, stdout);
        return report.Accepted > 0 ? Cli.Ok : Cli.DataError;
    }

    private static void Print(ImportReport report, string path, string store, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"Imported {path} into {store}: {report.Read:N0} rows in {report.Elapsed.TotalSeconds:0.00} s ({report.RowsPerSecond:N0} rows/s)."));
        stdout.WriteLine(string.Create(c, $"{"table",-14}{"read",7}{"accepted",10}{"added",8}{"updated",9}{"unchanged",11}{"rejected",10}"));
        foreach (var t in report.Tables.Where(t => t.Read > 0))
        {
            stdout.WriteLine(string.Create(c, $"{t.Table,-14}{t.Read,7}{t.Accepted,10}{t.Written.Added,8}{t.Written.Updated,9}{t.Written.Unchanged,11}{t.Rejected,10}"));
        }

        if (report.Rejected.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Rejected rows ({report.Rejected.Count}); fix them and import again:");
            foreach (var r in report.Rejected)
            {
                stdout.WriteLine($"  {r.Location}: {r.Problem}");
            }
        }

        if (report.Warnings.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Imported with warnings ({report.Warnings.Count}); the field named is ignored until it is fixed:");
            foreach (var w in report.Warnings)
            {
                stdout.WriteLine($"  {w.Location}: {w.Problem}");
            }
        }

        if (report.Notes.Count > 0)
        {
            stdout.WriteLine();
            foreach (var note in report.Notes)
            {
                stdout.WriteLine($"Note: {note}");
            }
        }
    }
}
