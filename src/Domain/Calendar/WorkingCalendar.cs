using Escalation.Domain.Problems;
using NodaTime;
using NodaTime.TimeZones;

namespace Escalation.Domain.Calendar;

/// <summary>
/// The deployment's working calendar: one time zone, Saturday and Sunday off, statutory holidays off and
/// make-up working days (调休) on, for the years whose arrangement is loaded. Any date in another year
/// throws <see cref="CalendarYearNotLoadedException"/>.
/// </summary>
/// <remarks>
/// A calendar is strict: it never guesses a year. The one exception is explicit and named:
/// <see cref="WithProvisionalYears"/> gives a copy that counts chosen unloaded years as plain Monday-to-Friday years,
/// for laying out plans only (<see cref="IsLoaded"/> stays false for those years, so nothing can be dated by them).
/// </remarks>
/// <remarks>
/// Working-day arithmetic runs in constant or logarithmic time: the calendar keeps, for every date of the
/// covered span, how many working days come before it, so counting is a subtraction and adding is a
/// binary search over that running count.
/// </remarks>
public sealed class WorkingCalendar
{
    private readonly int _firstYear;
    private readonly int _firstDayNumber;
    private readonly bool[] _yearLoaded;

    // Years the arithmetic may use: the loaded ones, plus the provisional ones of a provisional copy.
    private readonly bool[] _yearCounted;

    // _workingBefore[i] = number of working days in [first day, first day + i); length = days + 1.
    private readonly int[] _workingBefore;
    private readonly string?[] _names;
    private readonly int[] _loadedYears;
    private readonly int[] _provisionalYears;

    private WorkingCalendar(DateTimeZone zone, int firstYear, bool[] yearLoaded, bool[] yearCounted, int[] workingBefore, string?[] names)
    {
        Zone = zone;
        _firstYear = firstYear;
        _firstDayNumber = DayNumber(new LocalDate(firstYear, 1, 1));
        _yearLoaded = yearLoaded;
        _yearCounted = yearCounted;
        _workingBefore = workingBefore;
        _names = names;
        _loadedYears = Enumerable.Range(firstYear, yearLoaded.Length).Where(y => yearLoaded[y - firstYear]).ToArray();
        _provisionalYears = Enumerable.Range(firstYear, yearLoaded.Length).Where(y => yearCounted[y - firstYear] && !yearLoaded[y - firstYear]).ToArray();
    }

    /// <summary>The deployment's time zone: every local date and time of the engine is in it.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The years with a loaded arrangement, ascending.</summary>
    public IReadOnlyList<int> LoadedYears => _loadedYears;

    /// <summary>The years this copy counts as provisional Monday-to-Friday years, ascending; empty for a strict calendar.</summary>
    public IReadOnlyList<int> ProvisionalYears => _provisionalYears;

    /// <summary>
    /// Builds a calendar from published arrangements and admin corrections. A correction overrides the
    /// arrangement for its date; a correction in a year with no arrangement is reported and ignored
    /// (declare the year with an arrangement first).
    /// </summary>
    public static (WorkingCalendar Calendar, IReadOnlyList<Problem> Problems) Build(
        IEnumerable<HolidayArrangement> arrangements,
        IEnumerable<ArrangedDay> corrections,
        DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(arrangements);
        ArgumentNullException.ThrowIfNull(corrections);
        ArgumentNullException.ThrowIfNull(zone);

        var arrangementList = arrangements.ToList();
        var years = arrangementList.Select(a => a.Year).Distinct().Order().ToList();
        var problems = new List<Problem>();
        if (years.Count == 0)
        {
            return (Empty(zone), problems);
        }

        var firstYear = years[0];
        var lastYear = years[^1];
        var yearLoaded = new bool[lastYear - firstYear + 1];
        foreach (var year in years)
        {
            yearLoaded[year - firstYear] = true;
        }

        bool InLoadedYear(LocalDate date) =>
            date.Year >= firstYear && date.Year <= lastYear && yearLoaded[date.Year - firstYear];

        var overrides = new Dictionary<LocalDate, ArrangedDay>();
        foreach (var day in arrangementList.SelectMany(a => a.Days).Where(d => InLoadedYear(d.Date)))
        {
            overrides[day.Date] = day;
        }

        foreach (var correction in corrections)
        {
            if (InLoadedYear(correction.Date))
            {
                overrides[correction.Date] = correction;
            }
            else
            {
                problems.Add(new Problem(
                    "calendar", IsoDate.Format(correction.Date), "Date", IsoDate.Format(correction.Date),
                    $"{correction.Date.Year}年的节假日安排尚未加载，单日调整无法生效：请先在 calendar（日历调整）表中加一行“日期={correction.Date.Year}，类型=全年”声明该年安排，再录入逐日的调整。"));
            }
        }

        var first = new LocalDate(firstYear, 1, 1);
        var dayCount = DayNumber(new LocalDate(lastYear, 12, 31)) - DayNumber(first) + 1;
        var workingBefore = new int[dayCount + 1];
        var names = new string?[dayCount];
        var date = first;
        for (var i = 0; i < dayCount; i++, date = date.PlusDays(1))
        {
            bool working;
            if (overrides.TryGetValue(date, out var arranged))
            {
                working = arranged.IsWorkingDay;
                names[i] = arranged.Name;
            }
            else
            {
                working = date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
            }

            workingBefore[i + 1] = workingBefore[i] + (working ? 1 : 0);
        }

        return (new WorkingCalendar(zone, firstYear, yearLoaded, yearLoaded, workingBefore, names), problems);
    }

    private static WorkingCalendar Empty(DateTimeZone zone) => new(zone, 2000, [false], [false], new int[367], new string?[366]);

    /// <summary>
    /// A copy of this calendar that also counts every unloaded year from <paramref name="firstYear"/> to
    /// <paramref name="lastYear"/> (inclusive) as a provisional year: Saturday and Sunday off, no holidays, no make-up
    /// days. Loaded years are unchanged. The copy answers working-day arithmetic across those years, but
    /// <see cref="IsLoaded"/> stays false for them and <see cref="Year"/> refuses them: it is for laying out a plan
    /// that reaches into an unpublished year, never for dating anything that is sent.
    /// </summary>
    public WorkingCalendar WithProvisionalYears(int firstYear, int lastYear)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstYear, lastYear);
        var lastLoadedSpanYear = _firstYear + _yearLoaded.Length - 1;
        var first = Math.Min(_firstYear, firstYear);
        var last = Math.Max(lastLoadedSpanYear, lastYear);
        var yearLoaded = new bool[last - first + 1];
        var yearCounted = new bool[yearLoaded.Length];
        for (var year = first; year <= last; year++)
        {
            yearLoaded[year - first] = IsLoaded(year);
            yearCounted[year - first] = IsLoaded(year) || (year >= firstYear && year <= lastYear);
        }

        var start = new LocalDate(first, 1, 1);
        var dayCount = DayNumber(new LocalDate(last, 12, 31)) - DayNumber(start) + 1;
        var workingBefore = new int[dayCount + 1];
        var names = new string?[dayCount];
        var date = start;
        for (var i = 0; i < dayCount; i++, date = date.PlusDays(1))
        {
            bool working;
            if (IsLoaded(date.Year))
            {
                var j = DayNumber(date) - _firstDayNumber;
                working = _workingBefore[j + 1] > _workingBefore[j];
                names[i] = _names[j];
            }
            else
            {
                working = date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
            }

            workingBefore[i + 1] = workingBefore[i] + (working ? 1 : 0);
        }

        return new WorkingCalendar(Zone, first, yearLoaded, yearCounted, workingBefore, names);
    }

    /// <summary>True when the year's arrangement is loaded (never for a provisional year).</summary>
    public bool IsLoaded(int year) =>
        year >= _firstYear && year < _firstYear + _yearLoaded.Length && _yearLoaded[year - _firstYear];

    /// <summary>True when working days can be counted in the year: it is loaded, or provisional in this copy.</summary>
    public bool Covers(int year) =>
        year >= _firstYear && year < _firstYear + _yearCounted.Length && _yearCounted[year - _firstYear];

    /// <summary>Throws <see cref="CalendarYearNotLoadedException"/> unless the date's year is loaded (a provisional year is not).</summary>
    public void EnsureLoaded(LocalDate date)
    {
        if (!IsLoaded(date.Year))
        {
            throw new CalendarYearNotLoadedException(date.Year, _loadedYears);
        }
    }

    /// <summary>What the calendar says of a date.</summary>
    public CalendarDay Day(LocalDate date)
    {
        var i = Index(date);
        return new CalendarDay(date, _workingBefore[i + 1] > _workingBefore[i], _names[i]);
    }

    /// <summary>True when the date is a working day.</summary>
    public bool IsWorkingDay(LocalDate date)
    {
        var i = Index(date);
        return _workingBefore[i + 1] > _workingBefore[i];
    }

    /// <summary>Every date of a loaded year, in order.</summary>
    public IEnumerable<CalendarDay> Year(int year)
    {
        if (!IsLoaded(year))
        {
            throw new CalendarYearNotLoadedException(year, _loadedYears);
        }

        for (var date = new LocalDate(year, 1, 1); date.Year == year; date = date.PlusDays(1))
        {
            yield return Day(date);
        }
    }

    /// <summary>
    /// The <paramref name="workingDays"/>-th working day after <paramref name="date"/> (before it when negative);
    /// the date itself, whatever it is, when zero. The start date is never counted: 1 working day after a
    /// Friday is the next Monday (or the next working day after a holiday).
    /// </summary>
    public LocalDate AddWorkingDays(LocalDate date, int workingDays)
    {
        if (workingDays == 0)
        {
            Index(date);
            return date;
        }

        var i = Index(date);

        // A working day j has rank _workingBefore[j + 1] (1-based); find the day whose rank is the target.
        var target = workingDays > 0 ? _workingBefore[i + 1] + workingDays : _workingBefore[i] + workingDays + 1;
        if (target < 1)
        {
            throw new CalendarYearNotLoadedException(_firstYear - 1, _loadedYears);
        }

        if (target > _workingBefore[^1])
        {
            throw new CalendarYearNotLoadedException(_firstYear + _yearLoaded.Length, _loadedYears);
        }

        var result = DateAt(LowerBound(target) - 1);
        EnsureYearsCoveredBetween(date.Year, result.Year);
        return result;
    }

    /// <summary>The first working day strictly after the date.</summary>
    public LocalDate NextWorkingDay(LocalDate date) => AddWorkingDays(date, 1);

    /// <summary>The last working day strictly before the date.</summary>
    public LocalDate PreviousWorkingDay(LocalDate date) => AddWorkingDays(date, -1);

    /// <summary>The date itself when it is a working day, else the next working day (a due date rolled forward).</summary>
    public LocalDate WorkingDayOnOrAfter(LocalDate date) => IsWorkingDay(date) ? date : NextWorkingDay(date);

    /// <summary>The date itself when it is a working day, else the previous working day.</summary>
    public LocalDate WorkingDayOnOrBefore(LocalDate date) => IsWorkingDay(date) ? date : PreviousWorkingDay(date);

    /// <summary>
    /// The number of working days in (<paramref name="from"/>, <paramref name="to"/>]: start excluded, end included,
    /// so that <c>AddWorkingDays(from, WorkingDaysBetween(from, to)) == to</c> for a working day <c>to</c>.
    /// Negative when <paramref name="to"/> is before <paramref name="from"/>.
    /// </summary>
    public int WorkingDaysBetween(LocalDate from, LocalDate to)
    {
        var a = Index(from);
        var b = Index(to);
        EnsureYearsCoveredBetween(from.Year, to.Year);
        return _workingBefore[b + 1] - _workingBefore[a + 1];
    }

    /// <summary>
    /// The number of working days from the start of the calendar up to and including the date. Only differences
    /// of ordinals mean anything; timelines use them to do their arithmetic without calling back.
    /// </summary>
    internal int WorkingOrdinal(LocalDate date) => _workingBefore[Index(date) + 1];

    /// <summary>The local date at an instant, in the deployment's zone.</summary>
    public LocalDate DateAt(Instant instant) => instant.InZone(Zone).Date;

    /// <summary>
    /// The instant of a local date and time in the deployment's zone. The one place local times become instants; its
    /// policy is NodaTime's lenient resolver: a time skipped by a daylight-saving gap moves forward by the gap's length,
    /// and an ambiguous time in an overlap takes the earlier instant. (Asia/Shanghai has had neither since 1991.)
    /// </summary>
    public Instant InstantAt(LocalDate date, LocalTime time) => Zone.ResolveLocal(date + time, Resolvers.LenientResolver).ToInstant();

    private void EnsureYearsCoveredBetween(int year1, int year2)
    {
        if (year1 == year2)
        {
            return; // the caller has checked that year already
        }

        var (low, high) = year1 <= year2 ? (year1, year2) : (year2, year1);
        for (var year = low; year <= high; year++)
        {
            if (!Covers(year))
            {
                throw new CalendarYearNotLoadedException(year, _loadedYears);
            }
        }
    }

    private int Index(LocalDate date)
    {
        var offset = date.Year - _firstYear;
        if ((uint)offset >= (uint)_yearCounted.Length || !_yearCounted[offset])
        {
            throw new CalendarYearNotLoadedException(date.Year, _loadedYears);
        }

        return DayNumber(date) - _firstDayNumber;
    }

    private LocalDate DateAt(int index) => LocalDate.FromDateOnly(DateOnly.FromDayNumber(_firstDayNumber + index));

    private int LowerBound(int target)
    {
        int low = 0, high = _workingBefore.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (_workingBefore[mid] < target)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static int DayNumber(LocalDate date) => date.ToDateOnly().DayNumber;
}
