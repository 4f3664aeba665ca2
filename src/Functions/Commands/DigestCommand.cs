using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Functions.Digests;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>digest (--week 2026-W23 | --month 2026-06) [--store DIR | --connection CS] [--outbox DIR]</c>: issues one weekly
/// list or monthly notice now, through the timers' own code (<see cref="DigestIssuing.Issue"/>: the same claim, the same
/// copies, so never twice), once it is due: a week from its first working day on, a month once it has closed (the office
/// asks for it, so it does not wait for the data the timer waits for; the notice notes what is missing). A period issued
/// before is not sent again: the command prints where its copies went. Everything it prints is for the office, in Chinese.
/// </summary>
internal static class DigestCommand
{
    private const string Usage = "digest --week 2026-W23 或 digest --month 2026-06（二选一）";

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        var (period, periodError) = Period(options.Get("week"), options.Get("month"));
        if (period is not { } digest)
        {
            stderr.WriteLine(periodError);
            return Cli.UsageError;
        }

        if (LocalCommands.Configure(setting, stderr) is not { } engine || LocalCommands.LockWait(options, stderr) is not { } lockWait)
        {
            return Cli.UsageError;
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var store = tables as SqliteTables;
        var outbox = Path.GetFullPath(options.Get("outbox") ?? engine.Outbox);
        return LocalCommands.Execute(stderr, options, setting, async (loggers, cancellationToken) =>
        {
            using var held = store is null ? null : await LocalCommands.TakeStore(store.Folder, "digest", lockWait, settings.Zone, stderr, cancellationToken).ConfigureAwait(false);
            if (store is not null && held is null)
            {
                return Cli.DataError;
            }

            using var senders = LocalSenders.Create(engine, outbox, clock);
            var local = LocalMode.Create(tables, held, clock, engine.Delivery, settings.Zone, senders.Channels, loggers, engine.Digests);
            var issuing = local.Engine.Digests;
            var configuration = await issuing.Configuration(cancellationToken).ConfigureAwait(false);
            var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());

            if (await issuing.Claim(digest, cancellationToken).ConfigureAwait(false) is { Status: DigestStatus.Issued } claim)
            {
                var copies = await issuing.Copies(digest, cancellationToken).ConfigureAwait(false);
                var claimedOn = claim.ClaimedAt.InZone(configuration.Calendar.Zone).Date;
                stdout.WriteLine($"{digest.Title}已于 {IsoDate.Format(claimedOn)} 发出（按 {IsoDate.Format(claim.IssuedOn)} 的情况编制），这次不再发送。共 {copies.Count} 份：");
                PrintCopies(copies, configuration, outbox, stdout);
                return Cli.Ok;
            }

            if (NotDueYet(digest, today, issuing.Schedule(configuration)) is { } notYet)
            {
                stderr.WriteLine(notYet);
                return Cli.DataError;
            }

            var asOf = AsOf(digest, today, issuing.Schedule(configuration));
            var outcome = await issuing.Issue(configuration, digest, asOf, cancellationToken).ConfigureAwait(false);
            var c = CultureInfo.InvariantCulture;
            var failed = outcome.Count(DigestDeliveryStatus.Failed);
            var unfinished = outcome.Count(DigestDeliveryStatus.Pending) + outcome.Count(DigestDeliveryStatus.Sending);
            var counts = string.Create(c,
                $"共 {outcome.Copies.Count} 份，已发送 {outcome.Count(DigestDeliveryStatus.Sent)}，未发送 {outcome.Count(DigestDeliveryStatus.Skipped)}，失败 {failed}，待发送 {unfinished}");
            var compiled = $"按 {IsoDate.Format(outcome.IssuedOn ?? asOf)} 的情况编制，{tables.Describe}";
            if (failed + unfinished == 0)
            {
                stdout.WriteLine($"已发出 {digest.Title}（{compiled}）：{counts}。");
                PrintCopies(outcome.Copies, configuration, outbox, stdout);
                return Cli.Ok;
            }

            // Not every copy went out: the headline says so, with why, and the exit code tells a script.
            var reasons = outcome.Copies.Where(copy => copy.Status is not (DigestDeliveryStatus.Sent or DigestDeliveryStatus.Skipped))
                .Select(copy => copy.LastError).OfType<string>().Distinct(StringComparer.Ordinal).Take(3).ToList();
            var why = reasons.Count > 0 ? "原因：" + string.Join("；", reasons) : "原因：另一运行正在发送，或发送尚未完成";
            stdout.WriteLine(string.Create(c, $"未发完 {digest.Title}（{compiled}）：{failed + unfinished} 份没有发出（失败 {failed}，待发送 {unfinished}）。{why}"));
            stdout.WriteLine($"  {counts}：");
            PrintCopies(outcome.Copies, configuration, outbox, stdout);
            if (unfinished > 0)
            {
                stdout.WriteLine("待发送的份数：排除上述原因后再运行同一命令即可补发，已发出的不会重发。");
            }

            return Cli.DataError;
        });
    }

    /// <summary>Exactly one of <c>--week</c> and <c>--month</c>, each in its own form; else the reason in Chinese.</summary>
    internal static (DigestPeriod? Period, string? Error) Period(string? week, string? month)
    {
        if ((week is null) == (month is null))
        {
            return (null, $"digest 需要 --week 或 --month 二者之一：{Usage}。");
        }

        if (week is not null)
        {
            return IndicatorPeriod.TryParse(week) is { Kind: IndicatorPeriodKind.Week } w
                ? (DigestPeriod.Week(w), null)
                : (null, $"--week '{week}' 不是 ISO 周：请写成 YYYY-Www（年份、字母 W、两位周序号），如 --week 2026-W23（2026年第23周，6月1日至7日）。");
        }

        return IndicatorPeriod.TryParse(month) is { Kind: IndicatorPeriodKind.Month } m
            ? (DigestPeriod.Month(m), null)
            : (null, $"--month '{month}' 不是月份：请写成 YYYY-MM，如 --month 2026-06（2026年6月的月度通报）。");
    }

    /// <summary>Null when <paramref name="digest"/> may be issued on <paramref name="today"/>; else why not and from when, in Chinese.</summary>
    internal static string? NotDueYet(DigestPeriod digest, LocalDate today, DigestSchedule schedule)
    {
        if (digest.Kind == DigestKind.WeeklyList)
        {
            if (schedule.WeeklyIssueDay(digest.Period) is not { } issueDay)
            {
                return $"{digest.Title}不发：{digest.Period.Key}（{IsoDate.Format(digest.Period.End.PlusDays(-6))} 至 {IsoDate.Format(digest.Period.End)}）整周都是休息日，这一周没有督查清单。";
            }

            return today >= issueDay
                ? null
                : $"{digest.Title}尚未到期：它在该周第一个工作日 {IsoDate.Format(issueDay)} 发出（今天是 {IsoDate.Format(today)}），届时定时任务会自动发送，也可以那天起再运行此命令。";
        }

        if (today > digest.Period.End)
        {
            return null;
        }

        var first = digest.Period.End.PlusDays(1);
        var latest = schedule.MonthlyLatestDay(digest.Period);
        return $"{digest.Title}尚未到期：{digest.Period.Label(cumulative: false)}结束后才能通报，最早 {IsoDate.Format(first)} 起可运行此命令（今天是 {IsoDate.Format(today)}）；" +
               $"定时任务在该月数据发布齐全后的第一个工作日自动发出，最迟 {IsoDate.Format(latest)}（该月结束后的第 {schedule.MonthlyLatestWorkingDay} 个工作日）。";
    }

    /// <summary>
    /// The day a due digest is compiled as of: today while the timers would still issue it today (a week during its own
    /// week, a month up to its latest working day); for a period whose timer time is past, the day the timer would have
    /// issued it at the latest (the week's first working day; the month's latest working day), so that the list of
    /// week 23 shows week 23 and not the day someone caught up on it.
    /// </summary>
    internal static LocalDate AsOf(DigestPeriod digest, LocalDate today, DigestSchedule schedule)
    {
        if (digest.Kind == DigestKind.WeeklyList)
        {
            return today <= digest.Period.End ? today : schedule.WeeklyIssueDay(digest.Period) ?? today;
        }

        var latest = schedule.MonthlyLatestDay(digest.Period);
        return today <= latest ? today : latest;
    }

    private static void PrintCopies(IReadOnlyList<DigestDelivery> copies, Configuration configuration, string outbox, TextWriter stdout)
    {
        foreach (var copy in copies.OrderBy(c => c.Parts.Count == 0 ? 0 : 1).ThenBy(c => c.Parts.Count == 0 ? "" : c.Parts[0].Value, StringComparer.Ordinal).ThenBy(c => c.Person.Value, StringComparer.Ordinal))
        {
            var person = configuration.People.GetValueOrDefault(copy.Person)?.Name ?? copy.Person.Value;
            var part = copy.Parts.Count == 0 ? "全文" : $"{string.Join("、", copy.Parts.Select(u => $"「{configuration.Roster.Units.GetValueOrDefault(u)?.Name ?? u.Value}」"))}部分";
            var where = copy.ProviderId switch
            {
                null => copy.LastError is { } reason ? $"（{reason}）" : "",
                var id when id.StartsWith("email/", StringComparison.Ordinal) => File.Exists(Path.Combine(outbox, id))
                    ? "：" + Path.Combine(outbox, id)
                    : $"：发件箱中的 {id}（发出时所用的发件箱，不是 {outbox}）",
                var id => $"：服务商编号 {id}",
            };
            stdout.WriteLine($"  {person}（{copy.Person.Value}）{part}，{StatusName(copy.Status)}{where}");
        }
    }

    private static string StatusName(DigestDeliveryStatus status) => status switch
    {
        DigestDeliveryStatus.Pending => "待发送",
        DigestDeliveryStatus.Sending => "发送中",
        DigestDeliveryStatus.Sent => "已发送",
        DigestDeliveryStatus.Failed => "失败",
        DigestDeliveryStatus.Skipped => "未发送",
        _ => status.ToString(),
    };
}
