using System.Globalization;
using System.Text.RegularExpressions;
using Escalation.Domain.Calendar;
using NodaTime;
using NodaTime.Calendars;
using NodaTime.Text;

namespace Escalation.Functions.Export;

/// <summary>
/// The dates an export covers: a month, an ISO week (Monday to Sunday, <see cref="WeekYearRules.Iso"/>) or a range of
/// dates, each inclusive and local to the deployment's time zone (the zone event dates are written in).
/// </summary>
/// <param name="Dates">The first and last day, both included.</param>
/// <param name="Key">For file names: <c>2026-06</c>, <c>2026-W23</c> or <c>2026-06-01_2026-06-15</c>.</param>
/// <param name="Title">For the sheet name and messages, in Chinese: <c>2026-06</c>, <c>2026-W23</c> or <c>2026-06-01至2026-06-15</c>.</param>
public sealed partial record ExportPeriod(DateInterval Dates, string Key, string Title)
{
    /// <summary>How the command line names a period, for the messages.</summary>
    public const string Usage = "--month YYYY-MM、--week YYYY-Www 或 --from YYYY-MM-DD --to YYYY-MM-DD";

    /// <summary>
    /// Reads exactly one of <c>--month</c>, <c>--week</c> or <c>--from</c> with <c>--to</c>. On a mistake, the error
    /// (in Chinese) says which option, what was given and how to write it.
    /// </summary>
    public static (ExportPeriod? Period, string? Error) Parse(string? month, string? week, string? from, string? to)
    {
        var given = new[] { month is null ? null : "--month", week is null ? null : "--week", from is null && to is null ? null : "--from/--to" }
            .OfType<string>()
            .ToList();
        if (given.Count == 0)
        {
            return (null, $"请指定导出的期间：{Usage}（如 --month 2026-06、--week 2026-W23 或 --from 2026-06-01 --to 2026-06-15，首尾两天都包含在内）。");
        }

        if (given.Count > 1)
        {
            return (null, $"{string.Join("、", given)} 只能选用一种（{Usage}）。");
        }

        if (month is not null)
        {
            return OfMonth(month);
        }

        if (week is not null)
        {
            return OfWeek(week);
        }

        if (from is null || to is null)
        {
            return (null, $"--from 与 --to 须同时给出（收到 {(from is null ? "--to " + to : "--from " + from)}）：如 --from 2026-06-01 --to 2026-06-15。");
        }

        return OfRange(from, to);
    }

    private static (ExportPeriod?, string?) OfMonth(string text)
    {
        var parsed = YearMonthPattern.Iso.Parse(text);
        if (!parsed.Success || !MonthPattern().IsMatch(text))
        {
            return (null, $"--month 应写作 YYYY-MM，如 2026-06（收到 '{text}'）。");
        }

        var month = parsed.Value;
        var key = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        return (new ExportPeriod(month.ToDateInterval(), key, key), null);
    }

    private static (ExportPeriod?, string?) OfWeek(string text)
    {
        var match = WeekPattern().Match(text);
        if (!match.Success)
        {
            return (null, $"--week 应写作 YYYY-Www（ISO 周，周一至周日），如 2026-W23（收到 '{text}'）。");
        }

        var weekYear = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        var week = int.Parse(match.Groups["week"].Value, CultureInfo.InvariantCulture);
        var weeks = WeekYearRules.Iso.GetWeeksInWeekYear(weekYear);
        if (week < 1 || week > weeks)
        {
            return (null, $"--week {text}：{weekYear} 年按 ISO 周只有第 1 至第 {weeks} 周。");
        }

        var monday = WeekYearRules.Iso.GetLocalDate(weekYear, week, IsoDayOfWeek.Monday);
        var key = string.Create(CultureInfo.InvariantCulture, $"{weekYear:D4}-W{week:D2}");
        return (new ExportPeriod(new DateInterval(monday, monday.PlusDays(6)), key, key), null);
    }

    private static (ExportPeriod?, string?) OfRange(string fromText, string toText)
    {
        if (IsoDate.TryParse(fromText) is not { } from)
        {
            return (null, $"--from 应写作 YYYY-MM-DD，如 2026-06-01（收到 '{fromText}'）。");
        }

        if (IsoDate.TryParse(toText) is not { } to)
        {
            return (null, $"--to 应写作 YYYY-MM-DD，如 2026-06-15（收到 '{toText}'）。");
        }

        if (to < from)
        {
            return (null, $"--from {fromText} 晚于 --to {toText}：起始日期不能晚于截止日期（两天都包含在内）。");
        }

        return (new ExportPeriod(new DateInterval(from, to), $"{IsoDate.Format(from)}_{IsoDate.Format(to)}", $"{IsoDate.Format(from)}至{IsoDate.Format(to)}"), null);
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex("^(?<year>[0-9]{4})-W(?<week>[0-9]{2})$")]
    private static partial Regex WeekPattern();
}
