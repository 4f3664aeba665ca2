using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Export;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>run --dry-run</c> and <c>preview [--days N]</c> (the next run, its units and indicators; <c>preview</c> adds the
/// indicator events of the following days that the values already stored would raise), <c>preview --task T [--days N]</c>
/// (a task's coming days): what would be sent, to whom, and why, in Chinese, from the store as it is; nothing is written
/// or sent (<see cref="Lookahead"/>). Exit codes: 0 done, 1 the data does not allow it (unknown task, no calendar), 2 usage.
/// </summary>
internal static class PreviewCommand
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        var daysText = options.Get("days");
        var days = DefaultDays;
        if (daysText is not null && (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > MaxDays))
        {
            stderr.WriteLine($"--days 的值“{daysText}”无效：应为 1 到 {MaxDays} 之间的整数（天数，不填为 {DefaultDays}）。");
            return Cli.UsageError;
        }

        if (options.Get("task") is not { } task)
        {
            return NextRun(options, settings, setting, clock, stdout, stderr, days);
        }

        return WithStore(options, setting, clock, stderr, async tables =>
        {
            var (forecast, not) = await new Lookahead(tables, clock, settings.Zone).Task(task, days).ConfigureAwait(false);
            if (forecast is null)
            {
                PrintNotForecast(task, not!, stderr);
                return Cli.DataError;
            }

            PrintForecast(forecast, days, stdout);
            return Cli.Ok;
        });
    }

    /// <summary>
    /// <c>run --dry-run</c>, and <c>preview</c> without a task: the next run, written nowhere; <c>preview</c> then lists
    /// the indicator events of the rest of <paramref name="days"/> days (today included) from the values already stored.
    /// </summary>
    public static int NextRun(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr, int days = DefaultDays)
    {
        var (engine, errors) = EngineSettings.From(setting);
        if (engine is null)
        {
            foreach (var e in errors)
            {
                stderr.WriteLine(e);
            }

            return Cli.UsageError;
        }

        return WithStore(options, setting, clock, stderr, async tables =>
        {
            // run --dry-run shows what that run does (its --scan, morning by default); preview shows the day's two scans.
            ScanSlot? only = options.Get("dry-run") is "true" ? RuleRow.ParseScan(options.Get("scan")) ?? ScanSlot.Morning : null;
            var lookahead = new Lookahead(tables, clock, settings.Zone);
            var next = await lookahead.Next(only).ConfigureAwait(false);
            PrintNextRun(next, engine.Delivery, clock.GetCurrentInstant(), settings.Zone, stdout);
            if (only is null && days > 1 && AnyIndicatorRule(next.Configuration))
            {
                PrintIndicatorForecast(await lookahead.Indicators(next, days).ConfigureAwait(false), next.Configuration, stdout);
            }

            return Cli.Ok;
        });
    }

    private static int WithStore(Options options, Func<string, string?> setting, IClock clock, TextWriter stderr, Func<IEntityTables, Task<int>> body)
    {
        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        try
        {
            return body(tables).GetAwaiter().GetResult();
        }
        catch (CalendarYearNotLoadedException e)
        {
            stderr.WriteLine($"无法预览：{e.Year}年的工作日历尚未载入（已载入：{string.Join("、", e.LoadedYears)}）。请在 calendar 表中录入该年的节假日安排（含声明全年的一行）。");
            return Cli.DataError;
        }
    }

    private static void PrintNextRun(NextRun next, DeliveryOptions delivery, Instant now, DateTimeZone zone, TextWriter w)
    {
        var events = next.New.ToList();
        var c = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(c,
            $"试运行：{Date(next.Date)}的运行将新记录并发送 {events.Count} 条督办事件（{Tally(events)}），涉及 {events.Select(e => e.Unit).Distinct().Count()} 个单位。未写入任何数据，未发送任何消息。"));
        if (next.AllIndicators.Select(p => p.Request.Indicator).Distinct().Count() is > 0 and var indicators)
        {
            // The city-wide step, as the run does it after the units.
            var fromIndicators = next.AllIndicators.Sum(p => p.New.Count);
            w.WriteLine(fromIndicators > 0
                ? string.Create(c, $"其中 {fromIndicators} 条来自指标：运行时逐个评估 {indicators} 个指标（全省排名、分组排名、成绩单等），按已录入的指标数据判定。")
                : string.Create(c, $"运行时还逐个评估 {indicators} 个指标（全省排名、分组排名、成绩单等），按已录入的指标数据，今天没有新的指标督办。"));
        }

        if (events.Count(e => e.LogOnly) is > 0 and var logOnly)
        {
            w.WriteLine(string.Create(c, $"其中 {logOnly} 条只记入督办记录、不发送（仅记录，如经批准豁免的年终排名靠后）。"));
        }

        if (next.Afternoon is { Count: > 0 })
        {
            w.WriteLine(string.Create(c, $"其中 {next.NewInTheAfternoon.Count()} 条由当天下午的扫描判定（规则的「扫描时段」为下午），按今天的数据预计；下午之前报送的，届时不再发出。"));
        }
        var index = 0;
        foreach (var e in events)
        {
            w.WriteLine();
            var atOnce = delivery.SendAtOnce.Contains(e.Level);
            var opening = atOnce ? now : delivery.Window.NextOpening(now, next.Configuration.Calendar);
            var when = e.LogOnly ? "仅记录，不发送"
                : atOnce ? $"立即发送（{ChineseNames.Of(e.Level)}按设置 Escalation__SendAtOnce 不等发送时段）"
                : opening == now ? "立即发送（当前在发送时段内）"
                : $"发送时段外，顺延至 {opening.InZone(zone).LocalDateTime.ToString("yyyy-MM-dd HH:mm", c)} 发送";
            PrintEvent(string.Create(c, $"[{++index}] "), e, next.Configuration, w, when);
        }

        if (events.Count > 0)
        {
            // One message per person, channel, day and level: what these events become once merged.
            var messages = events
                .SelectMany(e => e.Channels.SelectMany(channel => RobotAddressing.Targets(e, channel, next.Configuration)
                    .Where(r => next.Configuration.Reach(r.Person)?.AddressFor(channel) is not null)
                    .Select(r => (channel, r.Person, e.Level, DeliveryDecisions.Slot(e.Level, now, delivery, next.Configuration.Calendar).Day))))
                .Distinct()
                .ToList();
            w.WriteLine();
            w.WriteLine(string.Create(c,
                $"合并发送：同一人同一天同一级别的事项合为一条，上述事件将发出{string.Join("、", Enum.GetValues<Channel>().Select(ch => $"{ChineseNames.Of(ch)} {messages.Count(m => m.channel == ch)} 条"))}（当天已有待发的合并消息时并入其中）。"));
        }

        var undelivered = next.Units.Sum(u => u.Undelivered.Count());
        var unseen = next.Units.Sum(u => u.Items.Count(i => i.FirstSeen is null));
        var unseenIndicators = next.AllIndicators.Where(p => p.Unseen).Select(p => p.Request.Indicator).Distinct().Count();
        var problems = next.Units.Sum(u => u.RowProblems.Count + u.Result.Problems.Count) + next.Indicators.Sum(p => p.Problems);
        w.WriteLine();
        if (undelivered > 0)
        {
            w.WriteLine(string.Create(c, $"另有 {undelivered} 条此前已记录、尚未送达完毕的事件，运行时将再次发布（已发送的收件人不会重复收到）。"));
        }

        if (unseen > 0)
        {
            w.WriteLine(string.Create(c, $"{unseen} 项任务尚未记录首次纳入监测日期，运行时将记为{Date(next.Date)}。") + CountFrom(next.Configuration, null));
        }

        if (unseenIndicators > 0)
        {
            var goLive = next.Configuration.Options.GoLive;
            w.WriteLine(string.Create(c, $"{unseenIndicators} 个指标尚未记录首次纳入监测日期，运行时将记为{Date(next.Date)}。")
                + (goLive is { } g ? $"已设置上线日期（GoLive）{Date(g)}：指标的连续落后、连续排名靠后只计该日起发布的数据。"
                    : "未设置上线日期（GoLive）：这些指标的连续落后、连续排名靠后只计该日起发布的数据。"));
        }

        if (problems > 0)
        {
            w.WriteLine(string.Create(c, $"各单位和指标的数据中有 {problems} 个问题，运行时记入 problems 表；用 check 命令查看。"));
        }
    }

    /// <summary>True when an enabled rule is an indicator rule and there is an indicator to apply it to.</summary>
    private static bool AnyIndicatorRule(Configuration configuration) =>
        configuration.Indicators.Definitions.Count > 0 && configuration.Rules.Any(r => r.Enabled && r.Trigger.Kind.IsIndicator());

    private static void PrintIndicatorForecast(IndicatorForecast f, Configuration configuration, TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        const string Unknown = "此后才发布的指标数据现在无法预知，由它们引起的督办不在此列。";
        if (f.To < f.From)
        {
            w.WriteLine($"今后的指标督办：{f.From.Year}年的节假日安排尚未加载，无法预览{Date(f.From)}以后的指标督办。{MissingYear.HowToLoad([f.From.Year])}");
            return;
        }

        var span = $"{Date(f.From)}至{Date(f.To)}";
        w.WriteLine(f.Events.Count == 0
            ? $"今后的指标督办：按已录入的指标数据，{span}不会再发出指标督办。{Unknown}"
            : string.Create(c, $"今后的指标督办：按已录入的指标数据，{span}还将发出 {f.Events.Count} 条（{Tally(f.Events.Select(e => e.Event))}）。{Unknown}"));
        if (f.To < f.Asked)
        {
            var missing = f.To.PlusDays(1).Year;
            w.WriteLine($"注意：只预览到{Date(f.To)}：{missing}年的节假日安排尚未加载，之后哪些天是工作日无法确定。{MissingYear.HowToLoad([missing])}");
        }

        foreach (var (date, e) in f.Events)
        {
            w.WriteLine();
            PrintEvent($"{IsoDate.Format(date)} ", e, configuration, w, e.LogOnly ? "仅记录，不发送" : null);
        }
    }

    private static void PrintForecast(TaskForecast f, int days, TextWriter w)
    {
        var item = f.Item.Item;
        var c = CultureInfo.InvariantCulture;
        var unit = f.Configuration.Roster.Units.TryGetValue(item.Unit, out var u) ? u.Name : item.Unit.Value;
        w.WriteLine($"任务 {item.Id} {item.Title}（{unit}），{Date(f.From)}至{Date(f.To)}的督办预览。未写入任何数据，未发送任何消息。");
        if (f.Snapshot is { } s)
        {
            w.WriteLine(string.Create(c, $"今日计划进度 {s.Planned:0.#}%，已报送进度 {s.Reported:0.#}%。"));
        }

        w.WriteLine($"首次纳入监测：{Date(f.Item.FirstSeen)}。{CountFrom(f.Configuration, f.Item)}");
        w.WriteLine("预览假设期间不再有新的进度报送、说明整改或豁免；通报要求的说明、整改视为未提交。");
        if (Period.DaysBetween(f.From, f.To) + 1 < days)
        {
            var missing = f.To.PlusDays(1).Year;
            w.WriteLine($"注意：只预览到{Date(f.To)}（而不是 {days.ToString(c)} 天）：{missing}年的节假日安排尚未加载，之后哪些天是工作日无法确定。{MissingYear.HowToLoad([missing])}");
        }

        if (f.Events.Count == 0)
        {
            w.WriteLine();
            w.WriteLine(string.Create(c, $"这 {Period.Between(f.From, f.To, PeriodUnits.Days).Days + 1} 天内没有将要发出的提醒、通报或约谈。"));
            return;
        }

        w.WriteLine(string.Create(c, $"将发出 {f.Events.Count} 条（{Tally(f.Events.Select(e => e.Event))}）："));
        foreach (var (date, e) in f.Events)
        {
            w.WriteLine();
            PrintEvent($"{IsoDate.Format(date)} ", e, f.Configuration, w, null);
        }
    }

    private static void PrintEvent(string prefix, EscalationEvent e, Configuration configuration, TextWriter w, string? when)
    {
        var rule = configuration.Rules.FirstOrDefault(r => r.Id == e.Rule);
        w.WriteLine($"{prefix}【{ChineseNames.Of(e.Level)}】{ChineseNames.Of(e.Kind)} · 规则 {e.Rule}{(rule is { Name.Length: > 0 } ? "「" + rule.Name + "」" : "")} · 事件 {e.Id}");
        w.WriteLine(IndicatorItem.Is(e.Item)
            ? $"    指标：{e.Item.Value[IndicatorItem.Prefix.Length..]} {e.Facts.ItemTitle}（{e.Facts.UnitName}）"
            : $"    任务：{e.Item} {e.Facts.ItemTitle}（{e.Facts.UnitName}）");
        w.WriteLine($"    原因：{string.Join("；", MessageWording.Facts(e, configuration.Wording).Where(f => f.Label is not ("单位" or "事项")).Select(f => f.Label + " " + f.Value))}");
        foreach (var copy in new[] { false, true })
        {
            var recipients = ChannelDelivery.Distinct(e.Recipients).Where(r => r.IsCopy == copy).ToList();
            if (recipients.Count > 0)
            {
                w.WriteLine($"    {(copy ? "抄送" : "送达")}：{string.Join("；", recipients.Select(r => Recipient(r, e.Channels, configuration)))}");
            }
        }

        if (when is not null)
        {
            w.WriteLine($"    发送：{when}");
        }

        if (configuration.Templates.GetValueOrDefault(e.Template) is { } template)
        {
            // The SMS as it would read, for rules that send one (R9 is email only).
            if (e.Channels.Contains(Channel.Sms))
            {
                w.WriteLine($"    短信：{MessageWording.RenderSms(e, template, null, wording: configuration.Wording).Text}");
            }
        }
        else
        {
            w.WriteLine($"    消息模板“{e.Template}”不存在：运行时将改用系统自带的同类模板。请在 templates 表中补充。");
        }
    }

    private static string Recipient(Recipient r, IReadOnlyList<Channel> channels, Configuration configuration)
    {
        var contact = configuration.People.GetValueOrDefault(r.Person);
        var who = $"{ChineseNames.Of(r)} {contact?.Name ?? "（人员表中无此人）"}（{r.Person}）";
        var how = channels.Select(channel =>
        {
            var name = ChineseNames.Of(channel);
            if (contact is null)
            {
                return name + "不发送";
            }

            if (ChannelCatalog.IsRobot(channel))
            {
                return RobotAddressing.RobotOf(r, channel, configuration) is { } robot ? $"{name}发到{robot.Name}（{robot.Id}）" : $"{name}不发送（所在单位没有{name}机器人）";
            }

            return contact.AddressFor(channel) is { } address
                ? $"{name} {ContactAddress.Mask(address)}"
                : contact.Channels.Contains(channel) ? $"{name}不发送（无有效{ChannelCatalog.Of(channel).AddressName}）" : $"{name}不发送（本人不接收{name}）";
        });
        return who + "：" + string.Join("，", how);
    }

    private static string CountFrom(Configuration configuration, Domain.Evaluation.ItemState? item)
    {
        var goLive = configuration.Options.GoLive;
        if (item is null)
        {
            return goLive is { } g ? $"已设置上线日期（GoLive）{Date(g)}：连续落后从该日起计。" : "未设置上线日期（GoLive）：各任务的连续落后从其首次纳入监测之日起计。";
        }

        var from = Date(item.StreaksCountFrom(goLive));
        return goLive is { } live
            ? $"连续落后从{from}起计（按上线日期 GoLive {Date(live)}，不早于任务开始日期）。"
            : $"连续落后从{from}起计（按首次纳入监测日期，不早于任务开始日期；可用设置项 GoLive 改为更早的上线日期）。";
    }

    private static string Tally(IEnumerable<EscalationEvent> events)
    {
        // The fourth level only when there is one: a run rarely raises it, and the three counts read as before.
        var byLevel = events.GroupBy(e => e.Level).ToDictionary(g => g.Key, g => g.Count());
        return string.Join("，", new[] { EventLevel.Reminder, EventLevel.Notice, EventLevel.Summons, EventLevel.Accountability }
            .Where(l => l != EventLevel.Accountability || byLevel.ContainsKey(l))
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"{ChineseNames.Of(l)} {byLevel.GetValueOrDefault(l)} 条")));
    }

    private static void PrintNotForecast(string task, TaskNotForecast not, TextWriter w)
    {
        if (not.Problems.Count > 0)
        {
            w.WriteLine($"任务 {task} 的数据有问题，无法预览（运行时也不会督办它）：");
            foreach (var p in not.Problems)
            {
                w.WriteLine($"  {ProblemText.Render(p)}");
            }

            return;
        }

        w.WriteLine(not.Closest.Count > 0
            ? $"没有编号为“{task}”的任务。您是否要找：{string.Join("、", not.Closest)}？"
            : $"没有编号为“{task}”的任务，也没有相近的编号。任务编号见 tasks 表的 Id（任务编号）列。");
    }

    /// <summary>2026年6月1日, as the messages write dates.</summary>
    private static string Date(LocalDate? date) =>
        date is { } d ? ChineseNames.Of(d) : "尚未记录（运行时记为当日）";
}
