using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Calendars;

namespace Escalation.Domain.Indicators;

/// <summary>How often an indicator is published.</summary>
public enum IndicatorPeriodKind
{
    /// <summary>月: one value a month (for a cumulative indicator, 1–N月).</summary>
    Month,

    /// <summary>季: one value a quarter.</summary>
    Quarter,

    /// <summary>周: one value an ISO week (Monday to Sunday), numbered in its ISO week year.</summary>
    Week,
}

/// <summary>
/// The period an indicator value is for: a month, a quarter or an ISO week of a year. Its key is the one tables and
/// event ids use: <c>2025-05</c> and <c>2025-W10</c> as <see cref="Periods.ReportingPeriod.Key"/> writes them, and
/// <c>2025-Q1</c>. Periods of one kind are ordered in time; a cumulative value for <c>2025-05</c> covers 1–5月.
/// </summary>
public readonly partial record struct IndicatorPeriod : IComparable<IndicatorPeriod>
{
    private IndicatorPeriod(IndicatorPeriodKind kind, int year, int number)
    {
        Kind = kind;
        Year = year;
        Number = number;
    }

    public IndicatorPeriodKind Kind { get; }

    /// <summary>The calendar year (for weeks: the ISO week year, which may differ from the year of a day in it).</summary>
    public int Year { get; }

    /// <summary>The month (1–12), quarter (1–4) or ISO week (1–52 or 53) within <see cref="Year"/>.</summary>
    public int Number { get; }

    public static IndicatorPeriod Month(int year, int month) =>
        month is >= 1 and <= 12 ? new(IndicatorPeriodKind.Month, CheckYear(year), month) : throw new ArgumentOutOfRangeException(nameof(month), month, "A month is 1 to 12.");

    public static IndicatorPeriod Quarter(int year, int quarter) =>
        quarter is >= 1 and <= 4 ? new(IndicatorPeriodKind.Quarter, CheckYear(year), quarter) : throw new ArgumentOutOfRangeException(nameof(quarter), quarter, "A quarter is 1 to 4.");

    public static IndicatorPeriod Week(int weekYear, int week) =>
        week >= 1 && week <= WeekYearRules.Iso.GetWeeksInWeekYear(CheckYear(weekYear))
            ? new(IndicatorPeriodKind.Week, weekYear, week)
            : throw new ArgumentOutOfRangeException(nameof(week), week, $"ISO week year {weekYear} has no week {week}.");

    /// <summary>The period of <paramref name="kind"/> that <paramref name="date"/> falls in.</summary>
    public static IndicatorPeriod Containing(IndicatorPeriodKind kind, LocalDate date) => kind switch
    {
        IndicatorPeriodKind.Month => Month(date.Year, date.Month),
        IndicatorPeriodKind.Quarter => Quarter(date.Year, ((date.Month - 1) / 3) + 1),
        IndicatorPeriodKind.Week => Week(WeekYearRules.Iso.GetWeekYear(date), WeekYearRules.Iso.GetWeekOfWeekYear(date)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>How many periods of this kind the year has: 12, 4, or the ISO week year's 52 or 53.</summary>
    public int PeriodsInYear => Kind switch
    {
        IndicatorPeriodKind.Month => 12,
        IndicatorPeriodKind.Quarter => 4,
        _ => WeekYearRules.Iso.GetWeeksInWeekYear(Year),
    };

    /// <summary>True for December, the fourth quarter, the year's last ISO week: the period a year-end judgement reads.</summary>
    public bool IsLastOfYear => Number == PeriodsInYear;

    /// <summary>The period's last day (inclusive): the month's or quarter's last day, the ISO week's Sunday.</summary>
    public LocalDate End => Kind switch
    {
        IndicatorPeriodKind.Month => new LocalDate(Year, Number, 1).PlusMonths(1).PlusDays(-1),
        IndicatorPeriodKind.Quarter => new LocalDate(Year, Number * 3, 1).PlusMonths(1).PlusDays(-1),
        _ => LocalDate.FromWeekYearWeekAndDay(Year, Number, IsoDayOfWeek.Sunday),
    };

    /// <summary>The period before this one (December of the year before January, and so on).</summary>
    public IndicatorPeriod Previous() => Number > 1
        ? new(Kind, Year, Number - 1)
        : Kind == IndicatorPeriodKind.Week ? Week(Year - 1, WeekYearRules.Iso.GetWeeksInWeekYear(Year - 1)) : new(Kind, Year - 1, PeriodsInYear);

    /// <summary>The period after this one.</summary>
    public IndicatorPeriod Next() => Number < PeriodsInYear ? new(Kind, Year, Number + 1) : new(Kind, Year + 1, 1);

    /// <summary><c>2025-05</c>, <c>2025-Q1</c>, <c>2025-W10</c>.</summary>
    public string Key => Kind switch
    {
        IndicatorPeriodKind.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Number:00}"),
        IndicatorPeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-Q{Number}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-W{Number:00}"),
    };

    /// <summary>
    /// The period in Chinese as statistics name it: a cumulative value reads 「2025年1–5月」, 「2025年上半年」,
    /// 「2025年前三季度」; a per-period one 「2025年5月」, 「2025年第二季度」; a week 「2025年第10周」.
    /// </summary>
    public string Label(bool cumulative)
    {
        var year = Year.ToString(CultureInfo.InvariantCulture);
        return Kind switch
        {
            IndicatorPeriodKind.Month when cumulative && Number > 1 => string.Create(CultureInfo.InvariantCulture, $"{year}年1–{Number}月"),
            IndicatorPeriodKind.Month => string.Create(CultureInfo.InvariantCulture, $"{year}年{Number}月"),
            IndicatorPeriodKind.Quarter when cumulative => year + "年" + CumulativeQuarters[Number - 1],
            IndicatorPeriodKind.Quarter => year + "年第" + QuarterNumerals[Number - 1] + "季度",
            _ => string.Create(CultureInfo.InvariantCulture, $"{year}年第{Number}周"),
        };
    }

    private static readonly string[] CumulativeQuarters = ["一季度", "上半年", "前三季度", "全年"];

    private static readonly string[] QuarterNumerals = ["一", "二", "三", "四"];

    /// <summary>Reads a key as <see cref="Key"/> writes it; null for anything else (a month 13, a week the year lacks).</summary>
    public static IndicatorPeriod? TryParse(string? key)
    {
        if (key is null || KeyPattern().Match(key.Trim()) is not { Success: true } m)
        {
            return null;
        }

        var year = int.Parse(m.Groups["y"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        if (year is < MinYear or > MaxYear)
        {
            return null;
        }

        var kind = m.Groups["q"].Success ? IndicatorPeriodKind.Quarter : m.Groups["w"].Success ? IndicatorPeriodKind.Week : IndicatorPeriodKind.Month;
        var number = int.Parse((m.Groups["q"].Success ? m.Groups["q"] : m.Groups["w"].Success ? m.Groups["w"] : m.Groups["m"]).ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var periods = kind switch
        {
            IndicatorPeriodKind.Month => 12,
            IndicatorPeriodKind.Quarter => 4,
            _ => WeekYearRules.Iso.GetWeeksInWeekYear(year),
        };
        return number >= 1 && number <= periods ? new IndicatorPeriod(kind, year, number) : null;
    }

    /// <summary>Reads a key; throws for anything <see cref="TryParse"/> refuses (use it for user input).</summary>
    public static IndicatorPeriod Parse(string key) =>
        TryParse(key) ?? throw new FormatException($"'{key}' is not an indicator period key (2025-05, 2025-Q1 or 2025-W10).");

    /// <summary>Periods of different kinds are ordered by kind first; within a kind, in time.</summary>
    public int CompareTo(IndicatorPeriod other)
    {
        // Enum.CompareTo boxes: compare the underlying ints (this runs millions of times a scan).
        var c = ((int)Kind).CompareTo((int)other.Kind);
        if (c == 0)
        {
            c = Year.CompareTo(other.Year);
        }

        return c != 0 ? c : Number.CompareTo(other.Number);
    }

    public static bool operator <(IndicatorPeriod left, IndicatorPeriod right) => left.CompareTo(right) < 0;

    public static bool operator >(IndicatorPeriod left, IndicatorPeriod right) => left.CompareTo(right) > 0;

    public static bool operator <=(IndicatorPeriod left, IndicatorPeriod right) => left.CompareTo(right) <= 0;

    public static bool operator >=(IndicatorPeriod left, IndicatorPeriod right) => left.CompareTo(right) >= 0;

    public override string ToString() => Key;

    private const int MinYear = 2000;

    private const int MaxYear = 2100;

    private static int CheckYear(int year) =>
        year is >= MinYear and <= MaxYear ? year : throw new ArgumentOutOfRangeException(nameof(year), year, $"Years {MinYear} to {MaxYear} only.");

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?:Q(?<q>[0-9])|W(?<w>[0-9]{2})|(?<m>[0-9]{2}))$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}

/// <summary>
/// A period named within whichever year is judged: the base of 「不低于一季度」 (<c>Q1</c>), or a month (<c>M3</c>) or
/// week (<c>W10</c>). <see cref="In"/> gives the period of an indicator's own kind that it stands for in a year.
/// </summary>
/// <param name="Kind">Month, quarter or week.</param>
/// <param name="Number">Its number within the year.</param>
public readonly partial record struct PeriodOfYear(IndicatorPeriodKind Kind, int Number)
{
    /// <summary>
    /// The period of <paramref name="kind"/> in <paramref name="year"/> that this one is, or ends with: for a monthly
    /// indicator Q1 is month 3 (1–3月); for a quarterly indicator March is Q1. Null when none ends with it (February for
    /// a quarterly indicator; any mix with weeks, whose ends do not line up with months).
    /// </summary>
    public IndicatorPeriod? In(int year, IndicatorPeriodKind kind) => (Kind, kind) switch
    {
        _ when Kind == kind => Number >= 1 && Number <= Periods(Kind, year) ? Make(kind, year, Number) : null,
        (IndicatorPeriodKind.Quarter, IndicatorPeriodKind.Month) when Number is >= 1 and <= 4 => IndicatorPeriod.Month(year, Number * 3),
        (IndicatorPeriodKind.Month, IndicatorPeriodKind.Quarter) when Number is >= 1 and <= 12 && Number % 3 == 0 => IndicatorPeriod.Quarter(year, Number / 3),
        _ => null,
    };

    /// <summary>
    /// True when <see cref="In"/> can find a period of <paramref name="kind"/>: the same kind, a quarter for a monthly
    /// indicator, or a quarter-end month for a quarterly one (week 53 only in the years that have one).
    /// </summary>
    public bool Fits(IndicatorPeriodKind kind) =>
        Kind == kind || (Kind, kind) is (IndicatorPeriodKind.Quarter, IndicatorPeriodKind.Month) || (Kind, kind) is (IndicatorPeriodKind.Month, IndicatorPeriodKind.Quarter) && Number % 3 == 0;

    /// <summary>
    /// Reads <c>Q1</c>–<c>Q4</c>, <c>一季度</c>–<c>四季度</c>, <c>上半年</c> (Q2), <c>前三季度</c> (Q3), <c>M1</c>–<c>M12</c>,
    /// <c>1月</c>–<c>12月</c>, <c>W1</c>–<c>W53</c>, <c>第10周</c>; null for anything else.
    /// </summary>
    public static PeriodOfYear? TryParse(string? text)
    {
        var value = text?.Trim() ?? "";
        if (Pattern().Match(value) is not { Success: true } m)
        {
            return value switch
            {
                "一季度" or "第一季度" => new(IndicatorPeriodKind.Quarter, 1),
                "二季度" or "第二季度" or "上半年" => new(IndicatorPeriodKind.Quarter, 2),
                "三季度" or "第三季度" or "前三季度" => new(IndicatorPeriodKind.Quarter, 3),
                "四季度" or "第四季度" => new(IndicatorPeriodKind.Quarter, 4),
                _ => null,
            };
        }

        var number = int.Parse(m.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var kind = m.Groups["q"].Success ? IndicatorPeriodKind.Quarter : m.Groups["w"].Success ? IndicatorPeriodKind.Week : IndicatorPeriodKind.Month;
        var max = kind switch { IndicatorPeriodKind.Quarter => 4, IndicatorPeriodKind.Week => 53, _ => 12 };
        return number >= 1 && number <= max ? new PeriodOfYear(kind, number) : null;
    }

    /// <summary><c>Q1</c>, <c>M3</c>, <c>W10</c>.</summary>
    public override string ToString() => Kind switch
    {
        IndicatorPeriodKind.Quarter => "Q",
        IndicatorPeriodKind.Week => "W",
        _ => "M",
    } + Number.ToString(CultureInfo.InvariantCulture);

    private static int Periods(IndicatorPeriodKind kind, int year) => kind switch
    {
        IndicatorPeriodKind.Month => 12,
        IndicatorPeriodKind.Quarter => 4,
        _ => WeekYearRules.Iso.GetWeeksInWeekYear(year),
    };

    private static IndicatorPeriod Make(IndicatorPeriodKind kind, int year, int number) => kind switch
    {
        IndicatorPeriodKind.Month => IndicatorPeriod.Month(year, number),
        IndicatorPeriodKind.Quarter => IndicatorPeriod.Quarter(year, number),
        _ => IndicatorPeriod.Week(year, number),
    };

    [GeneratedRegex(@"^(?:(?<q>Q)(?<n>[0-9])|(?<w>W)(?<n>[0-9]{1,2})|第(?<w>)(?<n>[0-9]{1,2})周|M(?<n>[0-9]{1,2})|(?<n>[0-9]{1,2})月)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
