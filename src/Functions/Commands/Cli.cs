using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// The command line: <c>escalation COMMAND [options]</c>, parsed by System.CommandLine with Chinese help and errors (the
/// admins who use it read Chinese). Exit codes: 0 done, 1 the data does not allow it, 2 usage error. Every command and
/// option is declared once, in <see cref="Commands"/>; an unknown command or option is an error with a suggestion, never
/// ignored.
/// </summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int DataError = 1;
    public const int UsageError = 2;

    /// <summary>The culture of everything the command line prints: System.CommandLine ships its own texts in zh-Hans.</summary>
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-Hans");

    private delegate int Handler(Options options, Context context);

    /// <summary>What every command may need besides its options.</summary>
    private sealed record Context(Settings Settings, Func<string, string?> Setting, IClock Clock, TextWriter Stdout, TextWriter Stderr);

    private sealed record Flag(string Name, string Description, string? ValueName = null)
    {
        /// <summary>An option without a value name is a switch (<c>--dry-run</c>); it reaches the command as "true".</summary>
        public bool IsSwitch => ValueName is null;
    }

    private sealed record Positional(string Name, string Description, string[]? Only = null);

    private sealed record Spec(string Name, string Description, Handler Handler, Flag[] Flags, Positional? Argument = null, bool NeedsSettings = true)
    {
        public CommandHelp ToHelp() => new(
            Argument is { Only: [var only] } ? $"{Name} {only}" : Argument is { } a ? $"{Name} <{a.Name}>" : Name,
            Description,
            Argument is { } arg ? (arg.Only is { } values ? string.Join('|', values) : $"<{arg.Name}>", arg.Description) : null,
            [.. Flags.Select(f => ($"--{f.Name}{(f.IsSwitch ? "" : $" <{f.ValueName}>")}", f.Description))]);
    }

    /// <summary>What the help says of a command: its usage line, description, argument and options (left and right columns).</summary>
    public sealed record CommandHelp(string Usage, string Description, (string Left, string Right)? Argument, IReadOnlyList<(string Left, string Right)> Options);

    private static readonly Flag Store = new("store", "嵌入式存储所在的文件夹（本地模式）；不写则用设置 Escalation__LocalStore，默认 .local/store。", "文件夹");
    private static readonly Flag Connection = new("connection", "Azure 表存储（或 Azurite）的连接字符串；与 --store 二选一。", "连接字符串");
    private static readonly Flag Verbose = new("verbose", "在标准错误输出上打印结构化日志（调试用）。");
    private static readonly Flag LockWait = new("lock-wait", "另一运行正占用同一本地存储时最多等待的秒数（0 到 86400，默认 60；0 表示不等待，立即退出）。", "秒");

    private static readonly Spec[] Commands =
    [
        new("demo", "演示：把样例数据导入新的本地存储（.local/demo），模拟 2026 年 4 月至 7 月的每日扫描、督办记录和发送（发件箱中的 .eml 文件、发给短信服务商的请求 sms-gateway.log、企业微信和钉钉群机器人的消息 wecom.log、dingtalk.log），最后打印汇总。不需要 Azure。",
            (o, c) => LocalCommands.Demo(o, c.Settings, c.Setting, c.Stdout, c.Stderr),
            [new("data", "样例数据文件夹（默认 samples/）。", "文件夹"), new("out", "输出文件夹（默认 .local/demo）。", "文件夹"), LockWait, Verbose]),
        new("run", "现在执行一次每日流程：扫描、逐单位判定、每个事件只记录一次，并在发送时段内发送（发件箱或 SMTP）。新事件按行以 JSON 打印。存储必须已存在（先 import）。同一本地存储同时只能有一个运行：后来的运行会等待，超时则退出并说明谁在占用，绝不会重复发送。",
            (o, c) => LocalCommands.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [Store, Connection, new("outbox", "发件箱文件夹（默认设置 Escalation__Outbox，即 .local/outbox）。", "文件夹"),
             new("dry-run", "试运行：只显示这次运行将发送什么、发给谁、为什么，不写入任何数据、不发送（同 preview）。"),
             new("at", "按部署时区的指定时刻运行一次（仅限本地嵌入式存储），如 2026-06-01T08:30；用于补跑某天或测试。", "yyyy-MM-ddTHH:mm"),
             new("scan", "运行哪一次每日扫描：morning（上午，默认）或 afternoon（下午，只判定「扫描时段」为下午的规则，如报送当日未报催报）。", "morning|afternoon"),
             LockWait, Verbose]),
        new("preview", "预览督办，不写入任何数据、不发送：不带 --task 时显示下一次运行将发送的内容、对象和原因（同 run --dry-run，含指标），并按已录入的指标数据列出今后 --days 天的指标督办；带 --task 时逐日显示该任务今后若干天将发出的提醒、通报、约谈及原因。",
            (o, c) => PreviewCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [new("task", "要预览的任务编号。", "任务编号"), new("days", "预览的天数（自今日起，1 到 366，默认 30）。", "天数"), Store, Connection]),
        new("simulate", "把一个数据文件夹导入新的存储，用模拟时钟逐日运行（每日扫描时间和每个发送时段开始时）。每个事件打印一行 JSON，发件箱写在 --out 下。",
            (o, c) => LocalCommands.Simulate(o, c.Settings, c.Setting, c.Stdout, c.Stderr),
            [new("data", "数据文件夹（与 import 相同的 CSV 文件）。", "文件夹"), new("from", "开始日期，如 2026-04-01。", "日期"),
             new("to", "结束日期（含），如 2026-07-31。", "日期"), new("out", "输出文件夹（默认 .local/simulate）。", "文件夹"), LockWait, Verbose]),
        new("import", "导入一个 CSV 文件夹（units.csv、tasks.csv……，UTF-8 或 GB18030/GBK 编码，表头中英文皆可）或一个 .xlsx 工作簿（每张表一个工作表，名称中英文皆可）。先校验全部行，全部读完后才写入；打印汇总和每个被拒绝的行（文件、行、列、值、原因和改法）。再次导入相同数据不会改变任何内容。存储不存在时会新建。",
            (o, c) => ImportCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [Store, Connection], new("路径", "CSV 文件夹或 .xlsx 工作簿。")),
        new("check", "像每日运行一样校验所有表，把问题记入 problems 表（已修正的标为已解决）并打印。仍有问题时退出码为 1。",
            (o, c) => CheckCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [Store, Connection]),
        new("export", "导出督办记录（中文表头，每个事件一行，含各渠道的发送情况）。--month、--week 或 --from/--to 三选一。",
            (o, c) => ExportCommand.Run(o, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [new("month", "按月导出，如 2026-06。", "YYYY-MM"), new("week", "按 ISO 周导出（周一至周日），如 2026-W23。", "YYYY-Www"),
             new("from", "按日期范围导出：起始日期（含当天），须与 --to 同用。", "YYYY-MM-DD"), new("to", "按日期范围导出：截止日期（含当天）。", "YYYY-MM-DD"),
             new("unit", "只导出该责任单位（单位编号）。", "单位"),
             new("format", "文件格式：csv 或 xlsx（默认 csv）；xlsx 中数字和日期是可排序、可求和的真实数值。", "csv|xlsx"), new("out", "输出文件（默认 escalation-log-期间.格式）。", "文件"),
             Store, Connection],
            new("内容", "要导出的内容：log（督办记录）。", ["log"])),
        new("digest", "现在发出一期每周督查清单（--week）或月度通报（--month），与定时任务同一套流程：已到期（该周第一个工作日起；该月结束后）且尚未发出时立即发出（督查室收全文，各单位负责人收本单位部分或通报全文，附 Excel 表），并打印发给了谁、文件在发件箱何处；已发出的不再发送，只打印各份的去向和状态；未到期时退出码为 1 并说明何时到期。",
            (o, c) => DigestCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [new("week", "ISO 周的督查清单，如 2026-W23。", "YYYY-Www"), new("month", "月度通报的月份，如 2026-06。", "YYYY-MM"),
             Store, Connection, new("outbox", "发件箱文件夹（默认设置 Escalation__Outbox，即 .local/outbox）。", "文件夹"), LockWait, Verbose]),
        new("calendar", "打印某一年的工作日历：每行一个日期、W（工作日）或 O（休息日）、节假日名称。不带 --store 时为内置的国务院安排；带 --store 时连同该存储 calendar 表中的补录和调整，与每日运行所用的日历一致。",
            (o, c) => CalendarCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [new("year", "年份，如 2026。", "YYYY"), Store, Connection]),
        new("rules", "打印内置的督办规则阶梯并检查。", (_, c) => RulesCommand.Run(c.Stdout, c.Stderr), []),
        new("web", "本地网页：在 127.0.0.1 上提供挂图作战、单位页等网页（默认端口 7071），数据来自本地存储；首次打开转到开发用登录页，选择一位人员即以其身份和角色查看（仅本地模式提供）。",
            (o, c) => WebCommand.Run(o, c.Settings, c.Setting, c.Clock, c.Stdout, c.Stderr),
            [Store, new("port", "监听端口（默认 7071）。", "端口"),
             new("at", "按指定日期判定网页（仅限本地嵌入式存储），如 2026-07-31：查看 demo 结束时的样例城市；不带时按今天。", "yyyy-MM-dd")]),
        new("serve", "Azure Functions 自定义处理程序（由 Functions 主机启动，监听 FUNCTIONS_CUSTOMHANDLER_PORT）。",
            (_, c) => ServeCommand.Run(c.Settings, c.Setting, c.Clock, c.Stderr), []),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> setting, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = Chinese;
        try
        {
            return Dispatch(args, stdout, stderr, setting, clock);
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }

    private static int Dispatch(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> setting, IClock clock)
    {
        if (args.Length == 0)
        {
            // No command at all: the overview, on stderr, as a usage error.
            Help.Overview(Commands.Select(c => c.ToHelp()), stderr);
            return UsageError;
        }

        if (args[0] == "help" || args.Any(a => a is "--help" or "-h" or "-?"))
        {
            var name = args[0] == "help" ? args.ElementAtOrDefault(1) : args[0];
            if (Commands.FirstOrDefault(c => c.Name == name) is { } asked)
            {
                Help.Of(asked.ToHelp(), stdout);
            }
            else
            {
                Help.Overview(Commands.Select(c => c.ToHelp()), stdout);
            }

            return Ok;
        }

        var root = Root(out var handlers);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 || !handlers.TryGetValue(result.CommandResult.Command, out var spec))
        {
            WriteErrors(result, stderr);
            return UsageError;
        }

        var settings = Settings.From(setting);
        if (spec.NeedsSettings && settings.Error is { } settingsError)
        {
            stderr.WriteLine(settingsError);
            return UsageError;
        }

        return spec.Handler(ToOptions(result, spec), new Context(settings, setting, clock, stdout, stderr));
    }

    private static RootCommand Root(out Dictionary<Command, Spec> handlers)
    {
        var root = new RootCommand("督查督办提醒引擎：每日按倒排工期和报送要求判定提醒、通报、约谈，并按工作日历发送。用法：dotnet run --project src/Functions -- 命令 [选项]");
        handlers = [];
        foreach (var spec in Commands)
        {
            var command = new Command(spec.Name, spec.Description);
            if (spec.Argument is { } positional)
            {
                // Optional to the parser: a command that lacks it says in its own words what to give.
                var argument = new Argument<string>(positional.Name) { Description = positional.Description, Arity = ArgumentArity.ZeroOrOne };
                if (positional.Only is { } only)
                {
                    argument.AcceptOnlyFromAmong(only);
                }

                command.Add(argument);
            }

            foreach (var flag in spec.Flags)
            {
                command.Add(flag.IsSwitch
                    ? new Option<bool>("--" + flag.Name) { Description = flag.Description }
                    : new Option<string>("--" + flag.Name) { Description = flag.Description, HelpName = flag.ValueName });
            }

            // The handler runs outside System.CommandLine's invocation (it needs the context); the action only marks the
            // command as invocable so that System.CommandLine does not demand a subcommand.
            command.SetAction(_ => Ok);
            root.Add(command);
            handlers[command] = spec;
        }

        return root;
    }

    /// <summary>The parse result as the commands read it: options by name (switches as "true"), and the positional argument.</summary>
    private static Options ToOptions(ParseResult result, Spec spec)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in result.CommandResult.Command.Options)
        {
            if (result.GetResult(option) is not { Implicit: false } optionResult)
            {
                continue;
            }

            var name = option.Name.TrimStart('-');
            switch (option)
            {
                case Option<bool> flag:
                    if (result.GetValue(flag))
                    {
                        values[name] = "true";
                    }

                    break;
                case Option<string> text when optionResult.GetValueOrDefault<string>() is { } value:
                    values[name] = value;
                    break;
            }
        }

        var positional = spec.Argument is null ? null : result.GetValue<string>(spec.Argument.Name);
        return Options.From(values, positional);
    }

    /// <summary>Each parse error in Chinese, with the closest command or option when a name was mistyped.</summary>
    private static void WriteErrors(ParseResult result, TextWriter stderr)
    {
        var command = result.CommandResult.Command;
        var atRoot = command is RootCommand;
        var known = atRoot ? Commands.Select(c => c.Name).ToList() : [.. command.Options.Select(o => o.Name)];
        var unmatched = result.UnmatchedTokens;
        var unknownOption = false;
        foreach (var token in unmatched)
        {
            if (!token.StartsWith('-') && unknownOption)
            {
                continue; // the value of an unknown option: the option's error says it all.
            }

            unknownOption |= token.StartsWith('-');
            var what = atRoot && unmatched[0] == token ? "命令" : token.StartsWith('-') ? "选项" : "参数";
            var hint = Suggestion.Closest(token, known) is { } suggestion ? $"，是不是想输入“{suggestion}”？" : "。";
            stderr.WriteLine($"错误：没有“{token}”这个{what}{hint}");
        }

        // System.CommandLine's own messages (zh-Hans) for the rest: a missing value, a value not among those allowed.
        foreach (var error in result.Errors.Where(e => !unmatched.Any(t => e.Message.Contains(t, StringComparison.Ordinal))))
        {
            if (atRoot && unmatched.Count > 0)
            {
                continue; // "no command given" adds nothing to "no such command".
            }

            stderr.WriteLine($"错误：{error.Message.Replace("'", "", StringComparison.Ordinal).TrimEnd('.')}");
        }

        if (atRoot && unmatched.Count == 0 && result.Errors.Count == 0)
        {
            stderr.WriteLine("错误：请给出一个命令。");
        }

        stderr.WriteLine($"查看用法：{Help.Invocation} {(atRoot ? "" : command.Name + " ")}--help");
    }
}
