using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>The command line: <c>escalation COMMAND [options]</c>. Exit codes: 0 done, 1 the data does not allow it, 2 usage error.</summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int DataError = 1;
    public const int UsageError = 2;

    private const string Usage = """
        Usage: dotnet run --project src/Functions -- COMMAND [options]

        Commands:
          demo                   Import samples/ into a fresh local store (.local/demo) and simulate April to July 2026: the
                                 daily scans, the escalation log, deliveries to the outbox (.eml files and sms.log); prints
                                 a summary.
          run                    One daily cycle now on the configured store: scan, evaluate each unit, log new events once,
                                 deliver (outbox folder or SMTP) within the sending window. Prints new events as JSON lines.
          simulate --data DIR --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]
                                 Import DIR into a fresh store (in --out, default .local/simulate) and step a simulated clock
                                 through each day at the scan time and each sending-window opening. Prints one JSON line per
                                 event; writes the outbox.
          serve                  The Functions custom handler (started by the Functions host; listens on FUNCTIONS_CUSTOMHANDLER_PORT).
          calendar --year YYYY   Print every date of the year: ISO date, W (working) or O (off), holiday name.
          rules                  Print the shipped escalation rules and check them.
          import PATH            Import a folder of CSV files (units.csv, tasks.csv, ...) or an .xlsx workbook
                                 into the store; prints a summary and every rejected row with its reason.
          check                  Validate every table as the daily run does; record the problems in the problems
                                 table (resolving those fixed since) and print them. Exit 1 when problems remain.
          export log --month YYYY-MM [--unit UNIT] --format csv|xlsx [--out FILE]
                                 Write the escalation log of a month, one row per event, Chinese headers.
          help                   This text.

        Store options (import, check, export): --store DIR (embedded store) or --connection STRING (Azure Table Storage).

        Settings (environment variables):
          Escalation__TimeZone                     IANA zone of the deployment (default Asia/Shanghai).
          Escalation__Tables__ServiceUri           Table service URI, reached with an Entra token (managed identity).
          Escalation__Tables__ConnectionString     Or a connection string (Azurite, shared keys).
          Escalation__LocalStore                   Folder of the embedded store when neither is set (default .local/store).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> setting, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? UsageError : Ok;
        }

        var options = Options.Parse(args.Skip(1));
        if (options.Error is { } error)
        {
            stderr.WriteLine(error);
            return UsageError;
        }

        var settings = Settings.From(setting);
        if (settings.Error is { } settingsError)
        {
            stderr.WriteLine(settingsError);
            return UsageError;
        }

        return args[0] switch
        {
            "calendar" => CalendarCommand.Run(options, settings, stdout, stderr),
            "rules" => RulesCommand.Run(stdout, stderr),
            "import" => ImportCommand.Run(options, settings, setting, clock, stdout, stderr),
            "export" => ExportCommand.Run(options, setting, clock, stdout, stderr),
            "check" => CheckCommand.Run(options, settings, setting, clock, stdout, stderr),
            "run" => LocalCommands.Run(options, settings, setting, clock, stdout, stderr),
            "simulate" => LocalCommands.Simulate(options, settings, setting, stdout, stderr),
            "demo" => LocalCommands.Demo(options, settings, setting, stdout, stderr),
            "serve" => ServeCommand.Run(settings, setting, clock, stderr),
            _ => Unknown(args[0], stderr),
        };
    }

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"Unknown command '{command}'.");
        stderr.WriteLine(Usage);
        return UsageError;
    }
}
