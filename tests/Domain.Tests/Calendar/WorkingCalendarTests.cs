using Escalation.Domain.Calendar;
using NodaTime;

namespace Escalation.Domain.Tests.Calendar;

public class WorkingCalendarTests
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;

    //        2021 March/April               清明: 04-03..05 off, no make-up day
    //   Mo Tu We Th Fr Sa Su
    //   29 30 31  1  2 [3][4]
    //  [5] 6  7  8  9 10 11
    //   12 13 14 15
    //   10 working days after 03-31: 04-01 04-02 04-06 04-07 04-08 04-09 04-12 04-13 04-14 04-15
    [Fact]
    public void AddWorkingDays_SkipsQingmingBreak_WhenCountingTenAfterMarch31()
    {
        var result = China.AddWorkingDays(D(2021, 3, 31), 10);

        Assert.Equal(D(2021, 4, 15), result);
    }

    [Theory]
    // from,        n,   expected       why
    [InlineData("2021-04-15", -10, "2021-03-31")] // the same walk backwards
    [InlineData("2024-02-09", 1, "2024-02-18")]   // 除夕 Friday (a working day in 2024) → Sunday make-up day 02-18
    [InlineData("2024-02-18", -1, "2024-02-09")]
    [InlineData("2024-10-11", 1, "2024-10-12")]   // Friday → Saturday make-up day
    [InlineData("2024-09-30", 1, "2024-10-08")]   // 国庆 01..07 off
    [InlineData("2024-10-05", 0, "2024-10-05")]   // zero is the date itself
    [InlineData("2025-12-31", 2, "2026-01-05")]   // across the year: 2026-01-01..03 off, 01-04 Sunday is a make-up day
    public void AddWorkingDays_ReturnsPublishedWorkingDay(string from, int n, string expected)
    {
        Assert.Equal(P(expected), China.AddWorkingDays(P(from), n));
    }

    [Fact]
    public void AddWorkingDays_CountsTheMakeUpSundayOfJanuary2026()
    {
        // 2026-01-04 is a Sunday made a working day for 元旦.
        Assert.True(China.IsWorkingDay(D(2026, 1, 4)));
        Assert.Equal(D(2026, 1, 4), China.AddWorkingDays(D(2025, 12, 31), 1));
    }

    [Theory]
    [InlineData("2021-04-10", "2021-04-12")] // Saturday → Monday
    [InlineData("2024-10-01", "2024-10-08")] // 国庆 → first day back
    [InlineData("2024-10-12", "2024-10-12")] // a make-up Saturday is itself a working day
    public void WorkingDayOnOrAfter_RollsDueDateForward(string date, string expected)
    {
        Assert.Equal(P(expected), China.WorkingDayOnOrAfter(P(date)));
    }

    [Fact]
    public void PreviousAndNextWorkingDay_AreStrict()
    {
        Assert.Equal(D(2024, 6, 7), China.PreviousWorkingDay(D(2024, 6, 11)));  // 06-10 端午 off, weekend before
        Assert.Equal(D(2024, 6, 11), China.NextWorkingDay(D(2024, 6, 7)));
        Assert.Equal(D(2024, 6, 12), China.NextWorkingDay(D(2024, 6, 11)));
    }

    [Fact]
    public void WorkingDaysBetween_ExcludesStartIncludesEnd()
    {
        Assert.Equal(10, China.WorkingDaysBetween(D(2021, 3, 31), D(2021, 4, 15)));
        Assert.Equal(-10, China.WorkingDaysBetween(D(2021, 4, 15), D(2021, 3, 31)));
        Assert.Equal(0, China.WorkingDaysBetween(D(2021, 4, 2), D(2021, 4, 5)));
        Assert.Equal(251, China.WorkingDaysBetween(D(2023, 12, 31), D(2024, 12, 31))); // 2024 had 251 working days
    }

    [Fact]
    public void Day_Throws_NamingTheYear_When2027IsNotPublished()
    {
        var error = Assert.Throws<CalendarYearNotLoadedException>(() => China.IsWorkingDay(D(2027, 3, 1)));

        Assert.Equal(2027, error.Year);
        Assert.Contains("2027", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWorkingDays_Throws_WhenTheResultFallsIn2027()
    {
        var error = Assert.Throws<CalendarYearNotLoadedException>(() => China.AddWorkingDays(D(2026, 12, 25), 10));

        Assert.Equal(2027, error.Year);
    }

    [Fact]
    public void AddWorkingDays_Throws_WhenTheWalkCrossesAnUnloadedYear()
    {
        var (calendar, _) = WorkingCalendar.Build(
            ShippedCalendar.ChinaMainland.Where(a => a.Year != 2022), [], China.Zone);

        var error = Assert.Throws<CalendarYearNotLoadedException>(() => calendar.AddWorkingDays(D(2021, 12, 30), 300));

        Assert.Equal(2022, error.Year);
    }

    [Fact]
    public void Build_AppliesAdminCorrection_OverShippedData()
    {
        // An admin moves a working Friday off (e.g. a local holiday) and makes a Saturday a working day.
        var corrections = new[]
        {
            new ArrangedDay(D(2024, 3, 8), IsWorkingDay: false, "本地调整"),
            new ArrangedDay(D(2024, 3, 9), IsWorkingDay: true, "本地调整"),
            new ArrangedDay(D(2024, 10, 12), IsWorkingDay: false, null),
        };

        var (calendar, problems) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland, corrections, China.Zone);

        Assert.Empty(problems);
        Assert.False(calendar.IsWorkingDay(D(2024, 3, 8)));
        Assert.True(calendar.IsWorkingDay(D(2024, 3, 9)));
        Assert.False(calendar.IsWorkingDay(D(2024, 10, 12)));
        Assert.Equal("本地调整", calendar.Day(D(2024, 3, 8)).HolidayName);
        Assert.Equal(D(2024, 3, 11), calendar.AddWorkingDays(D(2024, 3, 7), 2));
    }

    [Fact]
    public void Build_ReportsCorrection_InUnloadedYear()
    {
        var (calendar, problems) = WorkingCalendar.Build(
            ShippedCalendar.ChinaMainland, [new ArrangedDay(D(2027, 1, 1), false, "元旦")], China.Zone);

        var problem = Assert.Single(problems);
        Assert.Equal("calendar", problem.Table);
        Assert.Contains("2027", problem.Reason, StringComparison.Ordinal);
        Assert.False(calendar.IsLoaded(2027));
    }

    [Fact]
    public void Build_LoadsAYear_WhenAdminsDeclareItsArrangement()
    {
        var year2027 = new HolidayArrangement(2027, [new ArrangedDay(D(2027, 1, 1), false, "元旦")], "admin");

        var (calendar, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland.Append(year2027), [], China.Zone);

        Assert.False(calendar.IsWorkingDay(D(2027, 1, 1)));
        Assert.True(calendar.IsWorkingDay(D(2027, 1, 4)));
        Assert.Equal(D(2027, 1, 4), calendar.NextWorkingDay(D(2026, 12, 31)));
    }

    [Fact]
    public void DateAt_UsesTheDeploymentZone()
    {
        // 2024-05-31T16:30Z is 2024-06-01 00:30 in Shanghai.
        var instant = Instant.FromUtc(2024, 5, 31, 16, 30);

        Assert.Equal(D(2024, 6, 1), China.DateAt(instant));
    }

    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    private static LocalDate P(string iso) => LocalDate.FromDateOnly(DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}

public class ZoneTests
{
    [Fact]
    public void InstantAt_ConvertsLocalTimeInTheDeploymentZone()
    {
        var instant = ShippedCalendar.Default.InstantAt(new LocalDate(2024, 6, 3), new LocalTime(8, 30));

        Assert.Equal(Instant.FromUtc(2024, 6, 3, 0, 30), instant);
    }

    [Fact]
    public void InstantAt_MovesATimeInAGapForward_AndTakesTheEarlierOfAnOverlap()
    {
        var (berlin, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland, [], DateTimeZoneProviders.Tzdb["Europe/Berlin"]);

        // 2024-03-31 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00); 2024-10-27 02:30 happens twice.
        Assert.Equal(Instant.FromUtc(2024, 3, 31, 1, 30), berlin.InstantAt(new LocalDate(2024, 3, 31), new LocalTime(2, 30)));
        Assert.Equal(Instant.FromUtc(2024, 10, 27, 0, 30), berlin.InstantAt(new LocalDate(2024, 10, 27), new LocalTime(2, 30)));
    }
}

public class CalendarGapTests
{
    [Fact]
    public void AddWorkingDays_Throws_WhenTheResultFallsInAGapYear()
    {
        var (calendar, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland.Where(a => a.Year != 2025), [], ShippedCalendar.Default.Zone);

        var error = Assert.Throws<CalendarYearNotLoadedException>(() => calendar.AddWorkingDays(new LocalDate(2024, 12, 30), 3));

        Assert.Equal(2025, error.Year);
    }
}
