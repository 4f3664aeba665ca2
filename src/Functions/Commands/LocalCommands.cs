using System.Diagnostics;
using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Import;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using NodaTime.Text;
using NodaTime.TimeZones;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// Local mode's commands: <c>run</c> (one daily cycle now, on the configured store), <c>simulate</c> (a fresh store
/// from a data folder, stepped day by day by a simulated clock) and <c>demo</c> (simulate on the shipped samples).
/// Events are printed as JSON lines on stdout; the summary goes to stderr (to stdout for the demo). Each takes its
/// embedded store exclusively for the whole run (<see cref="StoreLock"/>), waiting up to <c>--lock-wait</c> seconds for
/// a run that holds it, so two overlapping runs never deliver side by side; <c>run</c> on shared tables (Azure, Azurite)
/// relies on the delivery lease instead.
/// </summary>
internal static class LocalCommands
{
    /// <summary>The demo's window: the samples' lag ladder (April–June) and the milestones of spring and summer 2026.</summary>
    public static readonly LocalDate DemoFrom = new(2026, 4, 1);
    public static readonly LocalDate DemoTo = new(2026, 7, 31);

    /// <summary>How long a delivering command waits for another run to release the embedded store, unless <c>--lock-wait</c> says.</summary>
    public static readonly Duration DefaultLockWait = Duration.FromSeconds(60);

    private static readonly LocalDateTimePattern AtPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (Configure(setting, stderr) is not { } engine || LockWait(options, stderr) is not { } lockWait)
        {
            return Cli.UsageError;
        }

        var scan = ScanSlot.Morning;
        if (options.Get("scan") is { } scanText)
        {
            if (RuleRow.ParseScan(scanText) is not { } parsed)
            {
                stderr.WriteLine($"--scan '{scanText}' 无法识别：请填写 morning（上午扫描，默认）或 afternoon（下午扫描）。");
                return Cli.UsageError;
            }

            scan = parsed;
        }

        if (options.Get("at") is { } atText)
        {
            if (At(atText, settings.Zone, stderr) is not { } at)
            {
                return Cli.UsageError;
            }

            clock = new AsOfClock(clock, at);
        }

        if (options.Get("dry-run") is "true")
        {
            // Writes nothing, so it may look at any store, as of now or of --at.
            return PreviewCommand.NextRun(options, settings, setting, clock, stdout, stderr);
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var store = tables as SqliteTables;
        if (store is null && options.Get("at") is not null)
        {
            stderr.WriteLine($"未运行：--at 只用于本地嵌入式存储（--store 目录），而本次的存储是 {tables.Describe}。按另一时刻运行会把那一天的提醒记入正式的督办日志并真的发送出去。请去掉 --at，或用 --store 指定一个本地存储（例如导入 samples 的副本）。");
            return Cli.UsageError;
        }

        var outbox = Path.GetFullPath(options.Get("outbox") ?? engine.Outbox);
        return Execute(stderr, options, setting, async (loggers, cancellationToken) =>
        {
            // Shared tables (Azure, Azurite) are not locked: there the delivery lease keeps two runs from sending one delivery twice.
            using var held = store is null ? null : await TakeStore(store.Folder, "run", lockWait, settings.Zone, stderr, cancellationToken).ConfigureAwait(false);
            if (store is not null && held is null)
            {
                return Cli.DataError;
            }

            using var senders = LocalSenders.Create(engine, outbox, clock);
            var local = LocalMode.Create(tables, held, clock, engine.Delivery, settings.Zone, senders.Channels, loggers, engine.Digests);
            var logged = new List<EscalationEvent>();
            local.OnLogged(e =>
            {
                logged.Add(e);
                stdout.WriteLine(EventLine.Of(e, scan));
            });
            var gaps = new List<CalendarGap>();
            local.Engine.Evaluated += o => gaps.AddRange(o.CalendarGaps);

            var outcome = await local.Cycle(clock.GetCurrentInstant(), scan, null, cancellationToken).ConfigureAwait(false);
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{IsoDate.Format(outcome.Date)} 的{(scan == ScanSlot.Afternoon ? "下午" : "")}运行（{tables.Describe}）：评估了 {outcome.Units} 个单位{(outcome.Indicators > 0 ? $"和 {outcome.Indicators} 个指标" : "")}，新事件 {logged.Count} 个，发出消息 {senders.Tally.Sent} 条（{senders.Describe}）。"));
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
            stderr.WriteLine("simulate 需要 --data 数据文件夹（与 import 相同的 CSV 文件）、--from 开始日期和 --to 结束日期，如 simulate --data samples --from 2026-04-01 --to 2026-07-31。");
            return Cli.UsageError;
        }

        if (IsoDate.TryParse(options.Get("from")) is not { } from || IsoDate.TryParse(options.Get("to")) is not { } to || to < from)
        {
            stderr.WriteLine($"simulate 需要 --from 和 --to 两个日期（写成 yyyy-MM-dd，开始日期不晚于结束日期），收到的是“{options.Get("from")}”和“{options.Get("to")}”。");
            return Cli.UsageError;
        }

        return Simulate(data, from, to, options.Get("out") ?? ".local/simulate", options, settings, setting, stdout, stderr, printEvents: true);
    }

    public static int Demo(Options options, Settings settings, Func<string, string?> setting, TextWriter stdout, TextWriter stderr)
    {
        var samples = options.Get("data") ?? SamplesFolder();
        if (samples is null)
        {
            stderr.WriteLine("演示需要样例数据文件夹 samples：请在代码仓库的根目录运行（dotnet run --project src/Functions -- demo），或用 --data 指定样例文件夹。");
            return Cli.UsageError;
        }

        return Simulate(samples, DemoFrom, DemoTo, options.Get("out") ?? ".local/demo", options, settings, DemoSettings(setting), stdout, stderr, printEvents: false);
    }

    /// <summary>The provider the demo shows when none is set: mainland SMS need a gateway (ACS cannot reach them).</summary>
    public const string DemoSmsProvider = "aliyun";

    /// <summary>The signature the demo's gateway requests carry when none is set.</summary>
    public const string DemoSmsSignName = "某市督查室";

    /// <summary>
    /// The settings as the demo reads them: without an SMS provider, the mainland gateway <see cref="DemoSmsProvider"/>
    /// with the signature <see cref="DemoSmsSignName"/>, so that the outbox shows gateway requests (sms-gateway.log: a
    /// template code and its variables from the samples' smstemplates) rather than the free text of sms.log.
    /// </summary>
    internal static Func<string, string?> DemoSettings(Func<string, string?> setting) => key => key switch
    {
        EngineSettings.SmsProviderKey => setting(key) ?? DemoSmsProvider,
        EngineSettings.SmsSignNameKey when setting(EngineSettings.SmsProviderKey) is null => setting(key) ?? DemoSmsSignName,
        _ => setting(key),
    };

    private static int Simulate(
        string data, LocalDate from, LocalDate to, string outFolder, Options options, Settings settings, Func<string, string?> setting,
        TextWriter stdout, TextWriter stderr, bool printEvents)
    {
        if (Configure(setting, stderr) is not { } engine || LockWait(options, stderr) is not { } lockWait)
        {
            return Cli.UsageError;
        }

        var watch = Stopwatch.StartNew();
        var root = Path.GetFullPath(outFolder);
        var storeFolder = Path.Combine(root, "store");
        var outbox = Path.Combine(root, "outbox");
        var clock = new SteppingClock(from.AtStartOfDayInZone(settings.Zone).ToInstant());
        var summaryOut = printEvents ? stderr : stdout;
        return Execute(stderr, options, setting, async (loggers, cancellationToken) =>
        {
            // The store is taken before it is cleared: another simulate (or a run) on it keeps it until it is done.
            using var held = await TakeStore(storeFolder, printEvents ? "simulate" : "demo", lockWait, settings.Zone, stderr, cancellationToken).ConfigureAwait(false);
            if (held is null)
            {
                return Cli.DataError;
            }

            Clear(storeFolder, keep: StoreLock.Files);
            if (Directory.Exists(outbox))
            {
                Directory.Delete(outbox, recursive: true);
            }

            watch.Restart();

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

            summaryOut.WriteLine(string.Create(CultureInfo.InvariantCulture, $"已导入 {data}：{import.Accepted:N0} 行，拒绝 {import.Rejected.Count} 行。"));
            foreach (var rejected in import.Rejected)
            {
                stderr.WriteLine(ImportCommand.Line(rejected));
            }

            // The closed loop's scripted steps (loop/actions.csv), checked before anything is simulated.
            IReadOnlyList<LoopAction> actions = [];
            if (LoopScript.PathIn(data) is { } script)
            {
                var (read, problems) = LoopScript.Read(script);
                foreach (var problem in problems)
                {
                    stderr.WriteLine(problem);
                }

                if (problems.Count > 0)
                {
                    return Cli.DataError;
                }

                actions = read;
            }

            using var senders = LocalSenders.Create(engine, outbox, clock);
            var local = LocalMode.Create(tables, held, clock, engine.Delivery, settings.Zone, senders.Channels, loggers, engine.Digests);
            var logged = new List<EscalationEvent>();
            using var events = new StreamWriter(Path.Combine(root, "events.jsonl"), append: false);
            local.OnLogged(e =>
            {
                logged.Add(e);
                var line = EventLine.Of(e, local.CurrentScan);
                events.WriteLine(line);
                if (printEvents)
                {
                    stdout.WriteLine(line);
                }
            });
            var gaps = new List<CalendarGap>();
            local.Engine.Evaluated += o => gaps.AddRange(o.CalendarGaps);

            // The afternoon scan runs only when a rule is for it: without one it would publish nothing anyway.
            var (configuration, _) = await new DailyRead(tables, clock, settings.Zone).ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
            var afternoon = configuration.Rules.Any(r => r.Enabled && r.Scan == ScanSlot.Afternoon) ? engine.AfternoonScanSchedule : null;
            var steps = new ScriptedSteps(actions, tables, local, clock, settings.Zone, Path.Combine(data, LoopScript.Folder, LoopScript.EvidenceFolder),
                Path.Combine(storeFolder, LoopScript.EvidenceFolder), loggers, e =>
                {
                    logged.Add(e);
                    var line = EventLine.Of(e);
                    events.WriteLine(line);
                    if (printEvents)
                    {
                        stdout.WriteLine(line);
                    }
                });
            var progress = ProgressLine.OnTerminal(stderr);
            ScanCount scans;
            try
            {
                scans = await Simulation.Run(
                    local, clock, engine.ScanSchedule, afternoon, from, to, settings.Zone,
                    (day, done, days) => progress?.Show(string.Create(CultureInfo.InvariantCulture, $"正在模拟 {IsoDate.Format(day)}（第 {done}/{days} 天），已记录督办事件 {logged.Count} 个……")),
                    actions.Count > 0 ? steps.Until : null,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (LoopScriptException e)
            {
                progress?.Done();
                stderr.WriteLine(e.Message);
                return Cli.DataError;
            }

            progress?.Done();
            if (steps.Applied + steps.Outside > 0)
            {
                summaryOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"闭环脚本 {Path.Combine(data, LoopScript.Folder, LoopScript.FileName)}：按时执行 {steps.Applied} 步（答复、处理、豁免申请和审批，与网页调用相同）{(steps.Outside > 0 ? $"，不在模拟期内未执行 {steps.Outside} 步" : "")}。"));
            }

            var summary = await RunSummary.Of(tables, local, scans, logged, cancellationToken).ConfigureAwait(false);
            PrintSummary(summary, from, to, root, senders.Describe, watch.Elapsed, settings.Zone, summaryOut);
            CalendarGapReport.Print(gaps, summaryOut);
            return Cli.Ok;
        });
    }

    internal static EngineSettings? Configure(Func<string, string?> setting, TextWriter stderr)
    {
        var (engine, errors) = EngineSettings.From(setting);
        foreach (var e in errors)
        {
            stderr.WriteLine(e);
        }

        return engine;
    }

    /// <summary><c>--lock-wait SECONDS</c>: 0 refuses at once when another run holds the store; default 60.</summary>
    internal static Duration? LockWait(Options options, TextWriter stderr)
    {
        if (options.Get("lock-wait") is not { } text)
        {
            return DefaultLockWait;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 86_400)
        {
            return Duration.FromSeconds(seconds);
        }

        stderr.WriteLine($"--lock-wait '{text}' 不是 0 到 86400 之间的整数秒（另一运行占用本地存储时最多等待多久；0 表示不等待）。");
        return null;
    }

    /// <summary><c>--at yyyy-MM-ddTHH:mm</c>, a local time in the deployment zone (resolved as the working calendar resolves times).</summary>
    private static Instant? At(string text, DateTimeZone zone, TextWriter stderr)
    {
        if (AtPattern.Parse(text) is { Success: true } parsed)
        {
            return parsed.Value.InZone(zone, Resolvers.LenientResolver).ToInstant();
        }

        stderr.WriteLine($"--at '{text}' 不是本地时间：请写成 yyyy-MM-ddTHH:mm（部署时区 {zone.Id}），例如 --at 2026-06-01T08:30。");
        return null;
    }

    /// <summary>
    /// Takes the embedded store in <paramref name="folder"/> for this process, waiting up to <paramref name="wait"/> for
    /// a run that holds it; null (with the reason on stderr) when it is still held then.
    /// </summary>
    internal static async Task<StoreLock?> TakeStore(string folder, string command, Duration wait, DateTimeZone zone, TextWriter stderr, CancellationToken cancellationToken)
    {
        var seconds = (long)wait.TotalSeconds;
        var (held, holder) = await StoreLock.Acquire(
            folder,
            command,
            wait,
            h => stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"本地存储 {folder} 正被另一个运行使用（{Describe(h, zone)}）；等它结束，最多 {seconds} 秒……")),
            cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"未运行：本地存储 {folder} 正被另一个运行使用（{Describe(holder, zone)}），等了 {seconds} 秒仍未释放。同一存储同时只允许一个运行，否则同一提醒会发送两次。请等它结束后再运行，或用 --lock-wait 秒数 等得更久；如果那个进程已经卡住，结束它即可（进程退出时操作系统立即释放锁，不会留下过期的锁）。"));
        }
        else if (!held.IsExclusive)
        {
            stderr.WriteLine($"注意：{folder} 所在的文件系统（或 DOTNET_SYSTEM_IO_DISABLEFILELOCKING）不强制文件锁，无法独占本地存储；本次运行按共享存储处理，每次投递先加租约再发送。");
        }

        return held;
    }

    private static string Describe(StoreHolder? holder, DateTimeZone zone) => holder switch
    {
        null => "占用者未留下记录",
        { Since: { } since } => string.Create(CultureInfo.InvariantCulture,
            $"进程 {holder.ProcessId}，命令 {holder.Command}，自 {since.InZone(zone).LocalDateTime:yyyy-MM-dd HH:mm:ss} 起"),
        _ => string.Create(CultureInfo.InvariantCulture, $"进程 {holder.ProcessId}，命令 {holder.Command}"),
    };

    /// <summary>Deletes everything in <paramref name="folder"/> except the files named in <paramref name="keep"/>.</summary>
    private static void Clear(string folder, IReadOnlySet<string> keep)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (keep.Contains(entry.Name))
            {
                continue;
            }

            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    /// <summary>
    /// Runs a local command with logging to stderr (warnings, or everything with --verbose true), and traces and metrics
    /// exported as the settings say (flushed when the command ends).
    /// </summary>
    internal static int Execute(TextWriter stderr, Options options, Func<string, string?> setting, Func<ILoggerFactory, CancellationToken, Task<int>> body)
    {
        using var telemetry = TelemetryExport.Start(TelemetryOptions.From(setting).Options, () => new Azure.Identity.DefaultAzureCredential());
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

    private static void PrintSummary(RunSummary s, LocalDate from, LocalDate to, string root, string senders, TimeSpan elapsed, DateTimeZone zone, TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(c, $"已模拟 {IsoDate.Format(from)} 至 {IsoDate.Format(to)}：{s.Scans}，用时 {elapsed.TotalSeconds:0.0} 秒。"));
        var accountability = s.EventsByLevel.GetValueOrDefault(EventLevel.Accountability) is > 0 and var n ? string.Create(c, $"，问责建议 {n}") : "";
        var logOnly = s.LogOnly > 0 ? string.Create(c, $"；其中仅记录、不发送 {s.LogOnly}") : "";
        w.WriteLine(string.Create(c, $"督办事件 {s.Events} 个：提醒 {s.EventsByLevel.GetValueOrDefault(EventLevel.Reminder)}，通报 {s.EventsByLevel.GetValueOrDefault(EventLevel.Notice)}，约谈 {s.EventsByLevel.GetValueOrDefault(EventLevel.Summons)}{accountability}{logOnly}。"));
        foreach (var channel in Enum.GetValues<Channel>())
        {
            w.WriteLine(string.Create(c,
                $"{ChineseNames.Of(channel)}：已发送 {s.Count(channel, DeliveryStatus.Sent)}，顺延 {s.Count(channel, DeliveryStatus.Deferred)}，失败 {s.Count(channel, DeliveryStatus.Failed)}，未发送 {s.Count(channel, DeliveryStatus.Skipped)}，待发送 {s.Count(channel, DeliveryStatus.Pending)}。"));
        }

        w.WriteLine(string.Create(c,
            $"合并发送（同一人同一天同一级别的事项合为一条）：{string.Join("，", Enum.GetValues<Channel>().Select(channel => $"{ChineseNames.Of(channel)} {s.Count(channel, DispatchStatus.Sent)} 条"))}。"));
        var weekly = s.Digests.Where(d => d.Period?.Kind == Domain.Digests.DigestKind.WeeklyList).ToList();
        var monthly = s.Digests.Where(d => d.Period?.Kind == Domain.Digests.DigestKind.MonthlyNotice).ToList();
        w.WriteLine(string.Create(c,
            $"督查清单 {weekly.Count} 期、月度通报 {monthly.Count} 期{(monthly.Count > 0 ? $"（{string.Join("、", monthly.Select(m => m.Period!.Value.Period.Key))}）" : "")}：邮件 {s.Digests.Sum(d => d.Count(DigestDeliveryStatus.Sent))} 封（附 Excel 表），未发送 {s.Digests.Sum(d => d.Count(DigestDeliveryStatus.Skipped))} 封，失败 {s.Digests.Sum(d => d.Count(DigestDeliveryStatus.Failed))} 封。"));
        PrintWaiting(s.Waiting, zone, w);
        PrintDeadLetters(s.DeadLetters, w);
        w.WriteLine($"发送到：{senders}");
        w.WriteLine($"事件（每行一个 JSON）：{Path.Combine(root, "events.jsonl")}；导出督办记录：export log --store {Path.Combine(root, "store")} --month YYYY-MM --format xlsx");
    }

    private static void PrintWaiting(IReadOnlyList<(string Receiver, Instant VisibleAt)> waiting, DateTimeZone zone, TextWriter w)
    {
        if (waiting.Count > 0)
        {
            var next = waiting.Min(m => m.VisibleAt).InZone(zone).LocalDateTime;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"还有 {waiting.Count} 项发送任务（合并消息或待归入消息的事件）在等待发送时段或重试，最早在 {next:yyyy-MM-dd HH:mm}；届时再运行一次即可（督办记录、送达记录和合并消息会记住它们，不会重复发送）。"));
        }
    }

    private static void PrintDeadLetters(IReadOnlyList<DeadLetteredMessage> deadLetters, TextWriter w)
    {
        foreach (var dead in deadLetters)
        {
            w.WriteLine($"无法投递的消息（{dead.Entity}，消息 {dead.MessageId}）：{dead.Reason}");
        }
    }

    /// <summary>The samples of the current folder (the repository root), else those copied beside the binary at build.</summary>
    private static string? SamplesFolder() =>
        new[] { Path.GetFullPath("samples"), Path.Combine(AppContext.BaseDirectory, "samples") }.FirstOrDefault(d => File.Exists(Path.Combine(d, "units.csv")));
}
