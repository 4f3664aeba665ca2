using System.Diagnostics;
using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// Local mode's commands: <c>run</c> (one daily cycle now, on the configured store), <c>simulate</c> (a fresh store
/// from a data folder, stepped day by day by a simulated clock) and <c>demo</c> (simulate on the shipped samples).
/// Events are printed as JSON lines on stdout; the summary goes to stderr (to stdout for the demo).
/// </summary>
internal static class LocalCommands
{
    /// <summary>The demo's window: the samples' lag ladder (April–June) and the milestones of spring and summer 2026.</summary>
    public static readonly LocalDate DemoFrom = new(2026, 4, 1);
    public static readonly LocalDate DemoTo = new(2026, 7, 31);

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (options.Get("dry-run") is "true" or "1")
        {
            return PreviewCommand.NextRun(options, settings, setting, clock, stdout, stderr);
        }

        if (Configure(setting, stderr) is not { } engine)
        {
            return Cli.UsageError;
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var outbox = Path.GetFullPath(options.Get("outbox") ?? engine.Outbox);
        return Execute(stderr, options, async (loggers, cancellationToken) =>
        {
            using var senders = LocalSenders.Create(engine, outbox, clock);
            var local = LocalMode.Create(tables, clock, engine.Delivery, settings.Zone, senders.Tally, senders.Tally, loggers);
            var logged = new List<EscalationEvent>();
            local.OnLogged(e =>
            {
                logged.Add(e);
                stdout.WriteLine(EventLine.Of(e));
            });
            var gaps = new List<CalendarGap>();
            local.Engine.Evaluated += o => gaps.AddRange(o.CalendarGaps);

            var outcome = await local.Cycle(clock.GetCurrentInstant(), null, cancellationToken).ConfigureAwait(false);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Run of {IsoDate.Format(outcome.Date)} on {tables.Describe}: {outcome.Units} units evaluated, {logged.Count} new events, {senders.Tally.Sent} messages sent ({senders.Describe})."));
            // The bus holds what this run left waiting; the ledger's totals are history, not this run, so they are not read.
            PrintWaiting(local.Bus.Waiting, settings.Zone, stderr);
            PrintDeadLetters(local.Bus.DeadLetters, stderr);
            CalendarGapReport.Print(gaps, stderr);
            return Cli.Ok;
        });
    }

    public static int Simulate(Options options, Settings settings, Func<string, string?> setting, TextWriter stdout, TextWriter stderr)
    {
        if (options.Get("data") is not { } data)
        {
            stderr.WriteLine("simulate needs --data DIR (a folder of CSV files as for import), --from YYYY-MM-DD and --to YYYY-MM-DD.");
            return Cli.UsageError;
        }

        if (IsoDate.TryParse(options.Get("from")) is not { } from || IsoDate.TryParse(options.Get("to")) is not { } to || to < from)
        {
            stderr.WriteLine($"simulate needs --from and --to as ISO dates, from on or before to (got '{options.Get("from")}' and '{options.Get("to")}').");
            return Cli.UsageError;
        }

        return Simulate(data, from, to, options.Get("out") ?? ".local/simulate", options, settings, setting, stdout, stderr, printEvents: true);
    }

    public static int Demo(Options options, Settings settings, Func<string, string?> setting, TextWriter stdout, TextWriter stderr)
    {
        var samples = options.Get("data") ?? SamplesFolder();
        if (samples is null)
        {
            stderr.WriteLine("The demo needs the samples folder: run it from the repository root (dotnet run --project src/Functions -- demo).");
            return Cli.UsageError;
        }

        return Simulate(samples, DemoFrom, DemoTo, options.Get("out") ?? ".local/demo", options, settings, setting, stdout, stderr, printEvents: false);
    }

    private static int Simulate(
        string data, LocalDate from, LocalDate to, string outFolder, Options options, Settings settings, Func<string, string?> setting,
        TextWriter stdout, TextWriter stderr, bool printEvents)
    {
        if (Configure(setting, stderr) is not { } engine)
        {
            return Cli.UsageError;
        }

        var watch = Stopwatch.StartNew();
        var root = Path.GetFullPath(outFolder);
        var storeFolder = Path.Combine(root, "store");
        var outbox = Path.Combine(root, "outbox");
        foreach (var folder in new[] { storeFolder, outbox })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        var clock = new SteppingClock(from.AtStartOfDayInZone(settings.Zone).ToInstant());
        var summaryOut = printEvents ? stderr : stdout;
        return Execute(stderr, options, async (loggers, cancellationToken) =>
        {
            var tables = SqliteTables.Open(storeFolder, clock);
            var input = ImportSource.Read(data);
            if (input.NothingFound)
            {
                foreach (var note in input.Notes)
                {
                    stderr.WriteLine(note);
                }

                return Cli.DataError;
            }

            var import = await new Importer(tables, clock, settings.Zone).Import(input, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var fault in import.Faults)
            {
                stderr.WriteLine($"无法读取 {fault.File}：{fault.Reason}");
            }

            if (import.Faults.Count > 0)
            {
                return Cli.DataError;
            }

            summaryOut.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported {data}: {import.Accepted:N0} rows, {import.Rejected.Count} rejected."));
            foreach (var rejected in import.Rejected)
            {
                stderr.WriteLine($"  rejected {rejected.Location}: {rejected.Problem}");
            }

            using var senders = LocalSenders.Create(engine, outbox, clock);
            var local = LocalMode.Create(tables, clock, engine.Delivery, settings.Zone, senders.Tally, senders.Tally, loggers);
            var logged = new List<EscalationEvent>();
            using var events = new StreamWriter(Path.Combine(root, "events.jsonl"), append: false);
            local.OnLogged(e =>
            {
                logged.Add(e);
                var line = EventLine.Of(e);
                events.WriteLine(line);
                if (printEvents)
                {
                    stdout.WriteLine(line);
                }
            });
            var gaps = new List<CalendarGap>();
            local.Engine.Evaluated += o => gaps.AddRange(o.CalendarGaps);

            var scans = await Simulation.Run(local, clock, engine.ScanSchedule, from, to, settings.Zone, cancellationToken).ConfigureAwait(false);
            var summary = await RunSummary.Of(tables, local, scans, logged, cancellationToken).ConfigureAwait(false);
            PrintSummary(summary, from, to, root, outbox, senders.Describe, watch.Elapsed, settings.Zone, summaryOut);
            CalendarGapReport.Print(gaps, summaryOut);
            return Cli.Ok;
        });
    }

    private static EngineSettings? Configure(Func<string, string?> setting, TextWriter stderr)
    {
        var (engine, errors) = EngineSettings.From(setting);
        foreach (var e in errors)
        {
            stderr.WriteLine(e);
        }

        return engine;
    }

    /// <summary>Runs a local command with logging to stderr (warnings, or everything with --verbose true).</summary>
    private static int Execute(TextWriter stderr, Options options, Func<ILoggerFactory, CancellationToken, Task<int>> body)
    {
        var verbose = options.Get("verbose") is "true" or "1";
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = null;
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        try
        {
            return body(loggers, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (CalendarYearNotLoadedException e)
        {
            stderr.WriteLine($"运行已停止：{e.Year}年没有节假日安排（已加载：{MissingYear.Loaded([.. e.LoadedYears.Order()])}），补录之前不评估任何任务，也不发任何提醒；" +
                             $"此问题已记入 problems 表。{MissingYear.HowToLoad([e.Year])}");
            return Cli.DataError;
        }
    }

    private static void PrintSummary(RunSummary s, LocalDate from, LocalDate to, string root, string outbox, string senders, TimeSpan elapsed, DateTimeZone zone, TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(c, $"Simulated {IsoDate.Format(from)} to {IsoDate.Format(to)}: {s.Scans} daily scans in {elapsed.TotalSeconds:0.0} s."));
        w.WriteLine(string.Create(c, $"Events: {s.Events} — 提醒 reminder {s.EventsByLevel.GetValueOrDefault(EventLevel.Reminder)}, 通报 notice {s.EventsByLevel.GetValueOrDefault(EventLevel.Notice)}, 约谈 summons {s.EventsByLevel.GetValueOrDefault(EventLevel.Summons)}."));
        foreach (var channel in new[] { Channel.Email, Channel.Sms })
        {
            w.WriteLine(string.Create(c,
                $"{channel,-6} deliveries: {s.Count(channel, DeliveryStatus.Sent)} sent, {s.Count(channel, DeliveryStatus.Deferred)} deferred, {s.Count(channel, DeliveryStatus.Failed)} failed, {s.Count(channel, DeliveryStatus.Skipped)} skipped, {s.Count(channel, DeliveryStatus.Pending)} pending."));
        }

        PrintWaiting(s.Waiting, zone, w);
        PrintDeadLetters(s.DeadLetters, w);
        w.WriteLine($"Outbox: {outbox} ({senders})");
        w.WriteLine($"Events as JSON lines: {Path.Combine(root, "events.jsonl")}; escalation log: export log --store {Path.Combine(root, "store")} --month YYYY-MM --format xlsx");
    }

    private static void PrintWaiting(IReadOnlyList<(string Receiver, Instant VisibleAt)> waiting, DateTimeZone zone, TextWriter w)
    {
        if (waiting.Count > 0)
        {
            var next = waiting.Min(m => m.VisibleAt).InZone(zone).LocalDateTime;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{waiting.Count} deliveries wait for the sending window or a retry; the next at {next:yyyy-MM-dd HH:mm}. Run again then (the log and the ledger remember them)."));
        }
    }

    private static void PrintDeadLetters(IReadOnlyList<DeadLetteredMessage> deadLetters, TextWriter w)
    {
        foreach (var dead in deadLetters)
        {
            w.WriteLine($"Dead letter on {dead.Entity}, message {dead.MessageId}: {dead.Reason}");
        }
    }

    /// <summary>The samples of the current folder (the repository root), else those copied beside the binary at build.</summary>
    private static string? SamplesFolder() =>
        new[] { Path.GetFullPath("samples"), Path.Combine(AppContext.BaseDirectory, "samples") }.FirstOrDefault(d => File.Exists(Path.Combine(d, "units.csv")));
}
