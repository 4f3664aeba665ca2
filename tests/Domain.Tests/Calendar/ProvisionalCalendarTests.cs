using Escalation.Domain.Calendar;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Calendar;

/// <summary>The provisional copy of a calendar: unloaded years counted Monday to Friday, for laying out plans only.</summary>
public class ProvisionalCalendarTests
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;

    //        December 2026 (loaded)        January 2027 (not loaded: provisional, Monday to Friday)
    //  Mo Tu We Th Fr Sa Su            Mo Tu We Th Fr Sa Su
    //  28 29 30 31                                   1  2  3     01-01 counts as a working day (a Friday),
    //                                   4  5  6  7  8  9 10     whatever the State Council will publish
    [Fact]
    public void WithProvisionalYears_CountsTheUnloadedYearMondayToFriday_WhileIsLoadedStaysFalse()
    {
        var provisional = China.WithProvisionalYears(2027, 2027);

        Assert.Equal(D(2027, 1, 1), provisional.AddWorkingDays(D(2026, 12, 31), 1));
        Assert.Equal(D(2027, 1, 4), provisional.AddWorkingDays(D(2026, 12, 31), 2));
        Assert.Equal(261, provisional.WorkingDaysBetween(D(2026, 12, 31), D(2027, 12, 31)));
        Assert.False(provisional.IsLoaded(2027));
        Assert.True(provisional.Covers(2027));
        Assert.Equal([2027], provisional.ProvisionalYears);
        Assert.Equal(China.LoadedYears, provisional.LoadedYears);
    }

    [Fact]
    public void WithProvisionalYears_KeepsLoadedYearsAsPublished()
    {
        var provisional = China.WithProvisionalYears(2027, 2028);

        Assert.Equal(D(2026, 10, 8), provisional.AddWorkingDays(D(2026, 9, 30), 1)); // 国庆 2026: 10-01..07 off
        Assert.True(provisional.IsWorkingDay(D(2026, 10, 10)));                      // make-up Saturday
        Assert.Equal(China.WorkingDaysBetween(D(2019, 1, 1), D(2026, 12, 31)), provisional.WorkingDaysBetween(D(2019, 1, 1), D(2026, 12, 31)));
        Assert.Equal(China.Day(D(2026, 2, 17)), provisional.Day(D(2026, 2, 17)));
    }

    [Fact]
    public void WithProvisionalYears_LeavesTheStrictCalendarStrict()
    {
        _ = China.WithProvisionalYears(2027, 2027);

        Assert.Throws<CalendarYearNotLoadedException>(() => China.IsWorkingDay(D(2027, 1, 4)));
        Assert.False(China.Covers(2027));
        Assert.Empty(China.ProvisionalYears);
    }

    [Fact]
    public void ProvisionalYear_IsNeverLoaded_ForWhatIsDatedOrListed()
    {
        var provisional = China.WithProvisionalYears(2027, 2027);

        Assert.Throws<CalendarYearNotLoadedException>(() => provisional.EnsureLoaded(D(2027, 1, 4)));
        Assert.Throws<CalendarYearNotLoadedException>(() => provisional.Year(2027).ToList());
    }

    [Fact]
    public void WithProvisionalYears_Throws_ForAYearOutsideTheRangeAsked()
    {
        var provisional = China.WithProvisionalYears(2027, 2027);

        Assert.Throws<CalendarYearNotLoadedException>(() => provisional.IsWorkingDay(D(2028, 1, 3)));
        Assert.Throws<CalendarYearNotLoadedException>(() => provisional.AddWorkingDays(D(2027, 12, 30), 5));
    }

    [Fact]
    public void WithProvisionalYears_ReachesBeforeTheFirstLoadedYear()
    {
        var provisional = China.WithProvisionalYears(2018, 2018);

        Assert.True(provisional.IsWorkingDay(D(2018, 2, 16))); // 2018 春节, counted as a plain Friday
        // 2018 is provisional as a whole, though 2019's notice also moved its last days: Monday 12-31 counts as worked.
        Assert.Equal(D(2018, 12, 31), provisional.AddWorkingDays(D(2018, 12, 28), 1));
        Assert.Equal(D(2019, 1, 2), provisional.AddWorkingDays(D(2018, 12, 31), 1)); // then 2019 as published: 01-01 off
    }
}
