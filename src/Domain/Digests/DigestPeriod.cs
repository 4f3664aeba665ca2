using Escalation.Domain.Indicators;

namespace Escalation.Domain.Digests;

/// <summary>The office's two digests: 每周督查清单 and 月度通报.</summary>
public enum DigestKind
{
    /// <summary>每周督查清单: issued on the first working day of each ISO week (or a later working day of it, when that day's run was missed).</summary>
    WeeklyList,

    /// <summary>月度通报: issued after the month closes, when its data is published (or at the latest on a set working day).</summary>
    MonthlyNotice,
}

/// <summary>
/// Which digest, for which period: an ISO week (<c>week:2026-W23</c>) or a month (<c>month:2026-06</c>). The key is the
/// digests table's partition and the base of every delivery id of the digest, so it never changes for a period.
/// </summary>
public readonly record struct DigestPeriod
{
    private DigestPeriod(DigestKind kind, IndicatorPeriod period)
    {
        Kind = kind;
        Period = period;
    }

    public DigestKind Kind { get; }

    /// <summary>The ISO week (weekly list) or the month (monthly notice).</summary>
    public IndicatorPeriod Period { get; }

    public static DigestPeriod Week(IndicatorPeriod week) => week.Kind == IndicatorPeriodKind.Week
        ? new(DigestKind.WeeklyList, week)
        : throw new ArgumentException($"A weekly list is for an ISO week, not {week.Key}.", nameof(week));

    public static DigestPeriod Month(IndicatorPeriod month) => month.Kind == IndicatorPeriodKind.Month
        ? new(DigestKind.MonthlyNotice, month)
        : throw new ArgumentException($"A monthly notice is for a month, not {month.Key}.", nameof(month));

    /// <summary>
    /// The period of an indicator of <paramref name="kind"/> that <paramref name="month"/> closes, which the month's notice
    /// covers: the month itself for a monthly indicator, the quarter for a quarterly one in the quarter's last month; null
    /// otherwise (a weekly indicator, or a quarterly one mid-quarter).
    /// </summary>
    public static IndicatorPeriod? ClosedBy(IndicatorPeriod month, IndicatorPeriodKind kind) => kind switch
    {
        IndicatorPeriodKind.Month => month,
        IndicatorPeriodKind.Quarter when month.Number % 3 == 0 => IndicatorPeriod.Quarter(month.Year, month.Number / 3),
        _ => null,
    };

    /// <summary><c>week:2026-W23</c> or <c>month:2026-06</c>.</summary>
    public string Key => (Kind == DigestKind.WeeklyList ? "week:" : "month:") + Period.Key;

    /// <summary>2026年第23周督查清单, 2026年6月通报: as titles and file names say it.</summary>
    public string Title => Kind == DigestKind.WeeklyList
        ? $"{Period.Label(cumulative: false)}督查清单"
        : $"{Period.Label(cumulative: false)}督查通报";

    /// <summary>Reads a key as <see cref="Key"/> writes it; null for anything else.</summary>
    public static DigestPeriod? TryParse(string? key)
    {
        if (key is null)
        {
            return null;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || IndicatorPeriod.TryParse(key[(colon + 1)..]) is not { } period)
        {
            return null;
        }

        return key[..colon] switch
        {
            "week" when period.Kind == IndicatorPeriodKind.Week => Week(period),
            "month" when period.Kind == IndicatorPeriodKind.Month => Month(period),
            _ => null,
        };
    }

    public override string ToString() => Key;
}
