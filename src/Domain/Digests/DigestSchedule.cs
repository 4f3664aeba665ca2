using Escalation.Domain.Calendar;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using NodaTime;
using NodaTime.Calendars;

namespace Escalation.Domain.Digests;

/// <summary>An indicator whose data for a period some units have not yet published.</summary>
/// <param name="Indicator">The indicator.</param>
/// <param name="Period">The period whose values are missing (a month, or the quarter the month closes).</param>
/// <param name="Units">The units without a value published by the day asked about.</param>
public sealed record MissingData(IndicatorId Indicator, IndicatorPeriod Period, IReadOnlyList<UnitId> Units);

/// <summary>
/// When the office's digests are issued (每周一督查、每月一通报), on the working calendar:
/// <list type="bullet">
/// <item>the weekly list of an ISO week on its first working day (a holiday Monday moves it to Tuesday, or later); a run
/// on a later working day of the same week still issues it, so that a missed timer catches up (the digest's claim keeps
/// it to once);</item>
/// <item>the monthly notice of month M after M closes, on the first working day on which every monthly and cumulative
/// indicator has its values for M published (a quarterly one in the month closing its quarter), and at the latest on
/// the <c>n</c>-th working day after M, noting what data is missing: the <c>n</c>-th working day of the next month, or,
/// when that month has fewer than <c>n</c> working days (February around the Spring Festival has about 16, October
/// around National Day about 18), the working day the count reaches in the month after it; the notice of M is then
/// still due there, until it is issued.</item>
/// </list>
/// Pure: the caller says what today is and whether the data is published.
/// </summary>
public sealed class DigestSchedule
{
    /// <summary>The default latest working day of the next month for the monthly notice: the 10th.</summary>
    public const int DefaultMonthlyLatestWorkingDay = 10;

    private readonly WorkingCalendar _calendar;

    public DigestSchedule(WorkingCalendar calendar, int monthlyLatestWorkingDay = DefaultMonthlyLatestWorkingDay)
    {
        _calendar = calendar ?? throw new ArgumentNullException(nameof(calendar));
        ArgumentOutOfRangeException.ThrowIfLessThan(monthlyLatestWorkingDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(monthlyLatestWorkingDay, 20);
        MonthlyLatestWorkingDay = monthlyLatestWorkingDay;
    }

    /// <summary>The working day of the next month by which the monthly notice is issued even with data missing.</summary>
    public int MonthlyLatestWorkingDay { get; }

    /// <summary>The first working day of <paramref name="week"/> (Monday to Sunday), or null when the whole week is off.</summary>
    public LocalDate? WeeklyIssueDay(IndicatorPeriod week)
    {
        if (week.Kind != IndicatorPeriodKind.Week)
        {
            throw new ArgumentException($"{week.Key} is not an ISO week.", nameof(week));
        }

        var monday = LocalDate.FromWeekYearWeekAndDay(week.Year, week.Number, IsoDayOfWeek.Monday);
        for (var day = monday; day <= week.End; day = day.PlusDays(1))
        {
            if (_calendar.IsWorkingDay(day))
            {
                return day;
            }
        }

        return null;
    }

    /// <summary>The week whose list is due on <paramref name="today"/>: today's ISO week, when today is a working day on or after its issue day.</summary>
    public IndicatorPeriod? WeekDue(LocalDate today)
    {
        var week = IndicatorPeriod.Containing(IndicatorPeriodKind.Week, today);
        return _calendar.IsWorkingDay(today) && WeeklyIssueDay(week) is { } issue && today >= issue ? week : null;
    }

    /// <summary>
    /// The <see cref="MonthlyLatestWorkingDay"/>-th working day after <paramref name="month"/>, counting from the first
    /// working day of the next month: in the next month, or in the month after it when the next month has fewer working days.
    /// </summary>
    public LocalDate MonthlyLatestDay(IndicatorPeriod month)
    {
        if (month.Kind != IndicatorPeriodKind.Month)
        {
            throw new ArgumentException($"{month.Key} is not a month.", nameof(month));
        }

        var first = _calendar.WorkingDayOnOrAfter(month.End.PlusDays(1));
        return _calendar.AddWorkingDays(first, MonthlyLatestWorkingDay - 1);
    }

    /// <summary>
    /// The month whose notice is due on <paramref name="today"/>, a working day (else null):
    /// <list type="number">
    /// <item>the month before last, when its latest day fell in today's month (the month between had fewer working days
    /// than the setting), today is on or after that day and <paramref name="claimed"/> says it was not issued yet (no
    /// claim): its notice was never due on a day of the month between, so it is due now, whatever the data;</item>
    /// <item>else the month before today's, when <paramref name="published"/> says its data is all published or today is
    /// on or after its latest day (whether it was issued is the caller's claim to check).</item>
    /// </list>
    /// Once the month before last is claimed, the same day asks about the month before today's: a caller issues both in turn.
    /// </summary>
    /// <param name="today">The day asked about.</param>
    /// <param name="published">Whether a month's data is all published by today.</param>
    /// <param name="claimed">Whether a month's notice was issued (or is being issued): asked about the month before last only.</param>
    public IndicatorPeriod? MonthDue(LocalDate today, Func<IndicatorPeriod, bool> published, Func<IndicatorPeriod, bool> claimed)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(claimed);
        if (!_calendar.IsWorkingDay(today))
        {
            return null;
        }

        var month = IndicatorPeriod.Containing(IndicatorPeriodKind.Month, today).Previous();
        if (OverdueMonth(today) is { } overdue && !claimed(overdue))
        {
            return overdue;
        }

        return today >= MonthlyLatestDay(month) || published(month) ? month : null;
    }

    /// <summary>
    /// The month before last when its latest day fell after the next month ended, in today's month, on or before
    /// <paramref name="today"/>: a notice whose whole next month passed without it being due. Null otherwise, and when
    /// the month between is of a year whose calendar is not loaded.
    /// </summary>
    public IndicatorPeriod? OverdueMonth(LocalDate today)
    {
        var between = IndicatorPeriod.Containing(IndicatorPeriodKind.Month, today).Previous();
        if (!_calendar.IsLoaded(between.End.Year))
        {
            return null;
        }

        var beforeLast = between.Previous();
        var latest = MonthlyLatestDay(beforeLast);
        return latest > between.End && latest <= today ? beforeLast : null;
    }

    /// <summary>
    /// What data for <paramref name="month"/> is not yet published on <paramref name="today"/>: for every monthly indicator
    /// (cumulative or not) its value for the month, and for every quarterly one, when the month closes a quarter, its
    /// value for the quarter; weekly indicators do not hold the notice back. The units expected are those of the
    /// indicator's ranking groups and those that published a value for it before; a value counts from its publication date.
    /// </summary>
    public static IReadOnlyList<MissingData> MissingData(
        IndicatorPeriod month, IEnumerable<IndicatorDefinition> definitions, IEnumerable<IndicatorValue> values, IEnumerable<RankingGroup> groups, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        var byIndicator = values.ToLookup(v => v.Indicator);
        var groupUnits = groups.ToLookup(g => g.Indicator, g => g.Units);
        var missing = new List<MissingData>();
        foreach (var definition in definitions.OrderBy(d => d.Id.Value, StringComparer.Ordinal))
        {
            if (DigestPeriod.ClosedBy(month, definition.PeriodKind) is not { } p)
            {
                continue;
            }

            var all = byIndicator[definition.Id].ToList();
            var expected = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var units in groupUnits[definition.Id])
            {
                expected.UnionWith(units.Select(u => u.Value));
            }

            expected.UnionWith(all.Where(v => v.Period.Kind == p.Kind && v.Period < p).Select(v => v.Unit.Value));
            var have = all.Where(v => v.Period == p && v.Published <= today).Select(v => v.Unit.Value).ToHashSet(StringComparer.Ordinal);
            if (expected.Count == 0 && have.Count == 0)
            {
                // Nothing ever published and no group: the indicator has no units to wait for yet.
                continue;
            }

            var lacking = expected.Where(u => !have.Contains(u)).Select(u => new UnitId(u)).ToList();
            if (lacking.Count > 0)
            {
                missing.Add(new MissingData(definition.Id, p, lacking));
            }
        }

        return missing;
    }

    /// <summary>The ISO week of <paramref name="date"/>.</summary>
    public static IndicatorPeriod WeekOf(LocalDate date) =>
        IndicatorPeriod.Week(WeekYearRules.Iso.GetWeekYear(date), WeekYearRules.Iso.GetWeekOfWeekYear(date));
}
