using System.Globalization;
using NodaTime;
using NodaTime.Calendars;

namespace Escalation.Domain.Periods;

/// <summary>How often a period closes.</summary>
public enum PeriodKind
{
    /// <summary>Closes on the last day of each month (每月一通报). The default.</summary>
    Month,

    /// <summary>旬: closes on the 10th, the 20th and the last day of each month.</summary>
    Xun,

    /// <summary>Closes on Sunday, the last day of the ISO week, so Monday's run reads it (每周一督查).</summary>
    Week,
}

/// <summary>A reporting or assessment period, identified by the date it closes (inclusive).</summary>
/// <param name="Kind">Month, 旬 or week.</param>
/// <param name="Close">The period's last day.</param>
public readonly partial record struct ReportingPeriod(PeriodKind Kind, LocalDate Close)
{
    /// <summary>A stable key for tables and event ids: <c>2024-05</c>, <c>2024-05-X2</c> (second 旬), <c>2024-W21</c>.</summary>
    public string Key => Kind switch
    {
        PeriodKind.Month => Close.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        PeriodKind.Xun => Close.ToString("yyyy-MM", CultureInfo.InvariantCulture) + "-X" + XunNumber.ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{WeekYearRules.Iso.GetWeekYear(Close)}-W{WeekYearRules.Iso.GetWeekOfWeekYear(Close):00}"),
    };

    /// <summary>The period in Chinese: <c>2024年5月</c>, <c>2024年5月中旬</c>, <c>2024年第21周</c>.</summary>
    public string Label => Kind switch
    {
        PeriodKind.Month => string.Create(CultureInfo.InvariantCulture, $"{Close.Year}年{Close.Month}月"),
        PeriodKind.Xun => string.Create(CultureInfo.InvariantCulture, $"{Close.Year}年{Close.Month}月{(XunNumber switch { 1 => "上", 2 => "中", _ => "下" })}旬"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{WeekYearRules.Iso.GetWeekYear(Close)}年第{WeekYearRules.Iso.GetWeekOfWeekYear(Close)}周"),
    };

    private int XunNumber => Close.Day <= 10 ? 1 : Close.Day <= 20 ? 2 : 3;

    /// <summary>True when the text is a period key as <see cref="Key"/> writes it (a real month, 旬 1–3, or an ISO week that the year has: 52 or 53).</summary>
    public static bool IsKey(string text) => KeyPattern().Match(text) is { Success: true } m
        && (m.Groups["x"].Success ? int.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 3 : true)
        && (m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12 : true)
        && (!m.Groups["w"].Success || int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture) is var w && w >= 1
            && w <= WeekYearRules.Iso.GetWeeksInWeekYear(int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture)));

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{4}-(?:(?<m>[0-9]{2})(?:-X(?<x>[0-9]))?|W(?<w>[0-9]{2}))$")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();

    /// <summary>The period that closed last on or before the date (the date itself when it is a close).</summary>
    public static ReportingPeriod ClosingOnOrBefore(PeriodKind kind, LocalDate date) => new(kind, LastCloseOnOrBefore(kind, date));

    /// <summary>The period that closed last strictly before the date: the one "the run after the close" acts on.</summary>
    public static ReportingPeriod ClosedBefore(PeriodKind kind, LocalDate date) => ClosingOnOrBefore(kind, date.PlusDays(-1));

    /// <summary>The period before this one.</summary>
    public ReportingPeriod Previous() => ClosedBefore(Kind, Close);

    private static LocalDate LastCloseOnOrBefore(PeriodKind kind, LocalDate date)
    {
        // Plain arithmetic rather than date adjusters: every item's evaluation asks this, several times.
        var daysInMonth = CalendarSystem.Iso.GetDaysInMonth(date.Year, date.Month);
        var isMonthEnd = date.Day == daysInMonth;
        return kind switch
        {
            PeriodKind.Month => isMonthEnd ? date : date.PlusDays(-date.Day),
            PeriodKind.Xun => isMonthEnd ? date
                : date.Day >= 20 ? new LocalDate(date.Year, date.Month, 20)
                : date.Day >= 10 ? new LocalDate(date.Year, date.Month, 10)
                : date.PlusDays(-date.Day),
            PeriodKind.Week => date.PlusDays(-((int)date.DayOfWeek % 7)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
