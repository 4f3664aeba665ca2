using Escalation.Domain.Calendar;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using NodaTime;

namespace Escalation.Domain.Tests.Digests;

public class DigestScheduleTests
{
    private static readonly DigestSchedule Schedule = new(ShippedCalendar.Default);

    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    //   2025 October (National Day and Mid-Autumn: 10-01 … 10-08 off, Sat 10-11 a make-up working day)
    //   Mo Tu We Th Fr Sa Su
    //    6  7  8  9 10 11 12      W41: off off off WORK WORK WORK(make-up) off
    [Fact]
    public void WeeklyIssueDay_IsThursday_WhenMondayToWednesdayAreTheNationalDayBreak()
    {
        var day = Schedule.WeeklyIssueDay(IndicatorPeriod.Week(2025, 41));

        Assert.Equal(D(2025, 10, 9), day);
    }

    [Theory]
    [InlineData(2025, 40, "2025-09-29")] // Monday, an ordinary working day
    [InlineData(2026, 23, "2026-06-01")]
    [InlineData(2026, 24, "2026-06-08")]
    public void WeeklyIssueDay_IsMonday_WhenMondayIsAWorkingDay(int year, int week, string expected)
    {
        Assert.Equal(IsoDate.TryParse(expected), Schedule.WeeklyIssueDay(IndicatorPeriod.Week(year, week)));
    }

    [Theory]
    [InlineData("2025-10-06", null)]       // a holiday: nothing issued
    [InlineData("2025-10-08", null)]
    [InlineData("2025-10-09", "2025-W41")] // the week's first working day
    [InlineData("2025-10-10", "2025-W41")] // a later working day of the week: a missed run catches up (issued once by the claim)
    [InlineData("2025-10-12", null)]       // Sunday, off
    [InlineData("2025-10-13", "2025-W42")]
    public void WeekDue_IsTheWeek_OnItsIssueDayOrALaterWorkingDayOfIt(string today, string? week)
    {
        var due = Schedule.WeekDue(IsoDate.TryParse(today)!.Value);

        Assert.Equal(week, due?.Key);
    }

    //   2026 July: 1 Wed. Working days: 1 2 3 6 7 8 9 10 13 14 → the 10th working day is Tuesday 07-14.
    [Fact]
    public void MonthlyLatestDay_IsTheTenthWorkingDayOfTheNextMonth_ByDefault()
    {
        Assert.Equal(D(2026, 7, 14), Schedule.MonthlyLatestDay(IndicatorPeriod.Month(2026, 6)));
    }

    [Fact]
    public void MonthlyLatestDay_FollowsTheSetting()
    {
        var schedule = new DigestSchedule(ShippedCalendar.Default, monthlyLatestWorkingDay: 3);

        Assert.Equal(D(2026, 7, 3), schedule.MonthlyLatestDay(IndicatorPeriod.Month(2026, 6)));
    }

    [Theory]
    [InlineData("2026-06-30", false, "2026-05")] // June has not closed: the notice due is May's (past its latest day; the claim keeps it once)
    [InlineData("2026-07-01", true, "2026-06")]  // closed and data published: issued at once
    [InlineData("2026-07-01", false, null)]   // closed, data missing: wait
    [InlineData("2026-07-13", false, null)]
    [InlineData("2026-07-14", false, "2026-06")] // the latest day: issued, noting the missing data
    [InlineData("2026-07-20", false, "2026-06")] // a missed run catches up
    [InlineData("2026-07-04", true, null)]    // Saturday: not a working day
    [InlineData("2026-08-03", true, "2026-07")] // in August the notice due is July's
    public void MonthDue_WaitsForTheDataOrTheLatestDay(string today, bool published, string? month)
    {
        var due = Schedule.MonthDue(IsoDate.TryParse(today)!.Value, _ => published, _ => false);

        Assert.Equal(month, due?.Key);
    }

    //   2026 February (Spring Festival: 02-15 … 02-23 off; Sat 02-14 and Sat 02-28 make-up working days): 16 working days.
    //   With the latest day set to 20, January's latest day is the 4th working day of March:
    //   Mo Tu We Th Fr Sa Su
    //                       1
    //    2  3  4  5  6  7  8      March: 2 (#17) 3 (#18) 4 (#19) 5 (#20) → January's notice is due on Thursday 03-05
    //   February's own latest day is March's 20th working day, Friday 03-27; March's is April's 20th, Wednesday 04-29.
    [Fact]
    public void MonthDue_OfJanuary_IsThe20thWorkingDayInMarch_WhenFebruaryHasFewerWorkingDays_AndTheDataIsMissing()
    {
        var schedule = new DigestSchedule(ShippedCalendar.Default, 20);
        var january = IndicatorPeriod.Month(2026, 1);
        Assert.Equal(D(2026, 3, 5), schedule.MonthlyLatestDay(january));

        var issued = Timers(schedule, D(2026, 2, 1), D(2026, 4, 30), _ => false);

        Assert.Equal([("2026-03-05", "2026-01"), ("2026-03-27", "2026-02"), ("2026-04-29", "2026-03")], issued);
    }

    //   2026 October (National Day: 10-01 … 10-07 off, Sat 10-10 a make-up day): 18 working days, so September's 20th
    //   is Tuesday 11-03; October's own 20th is Friday 11-27.
    [Fact]
    public void MonthDue_OfSeptember_IsTheThirdWorkingDayOfNovember_WithTheLatestDaySetTo20()
    {
        var schedule = new DigestSchedule(ShippedCalendar.Default, 20);

        var issued = Timers(schedule, D(2026, 10, 1), D(2026, 11, 30), _ => false);

        Assert.Equal([("2026-11-03", "2026-09"), ("2026-11-27", "2026-10")], issued);
    }

    [Theory]
    [InlineData("2026-03-04", false, false, null)]      // before January's latest day: February is not due either (its data is missing)
    [InlineData("2026-03-04", true, false, "2026-02")]  // ... unless February's data is published
    [InlineData("2026-03-05", true, false, "2026-01")]  // January's latest day: January first, whatever the data
    [InlineData("2026-03-05", true, true, "2026-02")]   // January claimed: the same run goes on with February, published
    [InlineData("2026-03-05", false, true, null)]       // ... not yet due without its data
    [InlineData("2026-03-20", false, false, "2026-01")] // a missed run catches up within March
    public void MonthDue_IsTheMonthBeforeLast_UntilClaimed_WhenItsLatestDayFellInTodaysMonth(string today, bool published, bool januaryClaimed, string? month)
    {
        var schedule = new DigestSchedule(ShippedCalendar.Default, 20);
        var january = IndicatorPeriod.Month(2026, 1);

        var due = schedule.MonthDue(IsoDate.TryParse(today)!.Value, _ => published, m => januaryClaimed && m == january);

        Assert.Equal(month, due?.Key);
    }

    [Fact]
    public void OverdueMonth_IsNever_WithTheDefaultLatestDay()
    {
        for (var day = D(2026, 1, 1); day <= D(2026, 12, 31); day = day.PlusDays(1))
        {
            Assert.Null(Schedule.OverdueMonth(day));
        }
    }

    // Evidence: a week wholly in the Spring Festival break has no issue day; the week after it starts on Tuesday, as
    // Monday 02-23 is still off.
    [Fact]
    public void WeeklyIssueDay_IsNull_ForAWeekWhollyInTheSpringFestivalBreak()
    {
        Assert.Null(Schedule.WeeklyIssueDay(IndicatorPeriod.Week(2026, 8))); // 2026-02-16 … 02-22: all off
        Assert.Equal(D(2026, 2, 24), Schedule.WeeklyIssueDay(IndicatorPeriod.Week(2026, 9)));
    }

    /// <summary>The monthly timer every day from <paramref name="from"/> to <paramref name="to"/>: what it issues, and when.</summary>
    private static List<(string Day, string Month)> Timers(DigestSchedule schedule, LocalDate from, LocalDate to, Func<IndicatorPeriod, bool> published)
    {
        var claimed = new HashSet<IndicatorPeriod>();
        var issued = new List<(string, string)>();
        for (var day = from; day <= to; day = day.PlusDays(1))
        {
            // As the timer does: issue what is due, then ask again (the month before last first, then last month).
            while (schedule.MonthDue(day, published, claimed.Contains) is { } month && claimed.Add(month))
            {
                issued.Add((IsoDate.Format(day), month.Key));
            }
        }

        return issued;
    }

    private static readonly UnitId A = new("a");
    private static readonly UnitId B = new("b");

    private static IndicatorDefinition Def(string id, IndicatorPeriodKind kind) =>
        new(new IndicatorId(id), A, id, "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, kind);

    private static IndicatorValue Value(string id, IndicatorPeriod period, UnitId unit, LocalDate published) =>
        new(new IndicatorId(id), period, unit, 1, published);

    [Fact]
    public void MissingData_NamesTheUnitsWithoutAPublishedValueForTheMonth()
    {
        var june = IndicatorPeriod.Month(2026, 6);
        var may = IndicatorPeriod.Month(2026, 5);
        IndicatorDefinition[] definitions = [Def("gdp", IndicatorPeriodKind.Month)];
        IndicatorValue[] values =
        [
            Value("gdp", may, A, D(2026, 6, 15)), Value("gdp", may, B, D(2026, 6, 15)),
            Value("gdp", june, A, D(2026, 7, 15)), // published later than today
            Value("gdp", june, B, D(2026, 7, 2)),
        ];

        var missing = DigestSchedule.MissingData(june, definitions, values, [], D(2026, 7, 3));

        var gap = Assert.Single(missing);
        Assert.Equal(("gdp", "2026-06"), (gap.Indicator.Value, gap.Period.Key));
        Assert.Equal([A], gap.Units);
        Assert.Empty(DigestSchedule.MissingData(june, definitions, values, [], D(2026, 7, 15)));
    }

    [Fact]
    public void MissingData_CountsAQuarterlyIndicatorInTheMonthThatClosesTheQuarter_AndIgnoresWeeklyOnes()
    {
        IndicatorDefinition[] definitions = [Def("q", IndicatorPeriodKind.Quarter), Def("w", IndicatorPeriodKind.Week)];
        IndicatorValue[] values = [Value("q", IndicatorPeriod.Quarter(2026, 1), A, D(2026, 4, 10))];

        Assert.Empty(DigestSchedule.MissingData(IndicatorPeriod.Month(2026, 5), definitions, values, [], D(2026, 6, 1)));
        var gap = Assert.Single(DigestSchedule.MissingData(IndicatorPeriod.Month(2026, 6), definitions, values, [], D(2026, 7, 1)));
        Assert.Equal(("q", "2026-Q2"), (gap.Indicator.Value, gap.Period.Key));
        Assert.Equal([A], gap.Units);
    }

    [Fact]
    public void MissingData_ExpectsEveryUnitOfTheIndicatorsRankingGroups()
    {
        var june = IndicatorPeriod.Month(2026, 6);
        IndicatorDefinition[] definitions = [Def("gdp", IndicatorPeriodKind.Month)];
        RankingGroup[] groups = [new(new RankingGroupId("towns"), "各镇", new IndicatorId("gdp"), [A, B])];
        IndicatorValue[] values = [Value("gdp", june, A, D(2026, 7, 1))];

        var gap = Assert.Single(DigestSchedule.MissingData(june, definitions, values, groups, D(2026, 7, 2)));

        Assert.Equal([B], gap.Units);
    }

    [Theory]
    [InlineData("week:2026-W23", DigestKind.WeeklyList, "2026-W23")]
    [InlineData("month:2026-06", DigestKind.MonthlyNotice, "2026-06")]
    public void DigestPeriod_KeyRoundTrips(string key, DigestKind kind, string period)
    {
        var parsed = DigestPeriod.TryParse(key);

        Assert.NotNull(parsed);
        Assert.Equal((kind, period), (parsed.Value.Kind, parsed.Value.Period.Key));
        Assert.Equal(key, parsed.Value.Key);
    }

    [Theory]
    [InlineData("week:2026-06")]
    [InlineData("month:2026-W23")]
    [InlineData("2026-06")]
    [InlineData("month:2026-Q2")]
    public void DigestPeriod_RefusesMismatchedKeys(string key)
    {
        Assert.Null(DigestPeriod.TryParse(key));
    }
}
