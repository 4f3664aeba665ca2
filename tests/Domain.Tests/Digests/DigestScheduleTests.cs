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
