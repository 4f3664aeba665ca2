using Escalation.Functions.Export;
using NodaTime;

namespace Escalation.Functions.Tests.Export;

public sealed class ExportPeriodTests
{
    //        December 2025 / January 2026          December 2026 / January 2027
    //   Mo Tu We Th Fr Sa Su                   Mo Tu We Th Fr Sa Su
    //   29 30 31  1  2  3  4   2026-W01        28 29 30 31  1  2  3   2026-W53 (2026 has 53 ISO weeks)
    //                                           4  5  6  7  8  9 10   2027-W01
    [Theory]
    [InlineData("2026-W01", "2025-12-29", "2026-01-04")]
    [InlineData("2026-W23", "2026-06-01", "2026-06-07")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")]
    [InlineData("2027-W01", "2027-01-04", "2027-01-10")]
    public void Parse_ReturnsMondayToSunday_WhenAnIsoWeekIsGiven(string week, string monday, string sunday)
    {
        var (period, error) = ExportPeriod.Parse(null, week, null, null);

        Assert.Null(error);
        Assert.Equal((D(monday), D(sunday)), (period!.Dates.Start, period.Dates.End));
        Assert.Equal((week, week), (period.Key, period.Title));
    }

    [Theory]
    [InlineData("2026-02", "2026-02-01", "2026-02-28")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    public void Parse_ReturnsTheWholeMonth_WhenAMonthIsGiven(string month, string first, string last)
    {
        var (period, _) = ExportPeriod.Parse(month, null, null, null);

        Assert.Equal((D(first), D(last), month), (period!.Dates.Start, period.Dates.End, period.Key));
    }

    [Fact]
    public void Parse_IncludesBothEnds_WhenARangeIsGiven()
    {
        var (period, _) = ExportPeriod.Parse(null, null, "2026-06-30", "2026-07-01");

        Assert.Equal(2, period!.Dates.Length);
        Assert.Equal(("2026-06-30_2026-07-01", "2026-06-30至2026-07-01"), (period.Key, period.Title));
    }

    [Fact]
    public void Parse_AcceptsARangeOfOneDay_WhenFromEqualsTo()
    {
        var (period, _) = ExportPeriod.Parse(null, null, "2026-06-30", "2026-06-30");

        Assert.Equal(1, period!.Dates.Length);
    }

    [Theory]
    [InlineData(null, null, null, null, "请指定导出的期间")]
    [InlineData("2026-06", "2026-W23", null, null, "--month、--week 只能选用一种")]
    [InlineData("2026-06", null, "2026-06-01", "2026-06-02", "--month、--from/--to 只能选用一种")]
    [InlineData(null, null, "2026-06-01", null, "--from 与 --to 须同时给出（收到 --from 2026-06-01）")]
    [InlineData(null, null, null, "2026-06-01", "--from 与 --to 须同时给出（收到 --to 2026-06-01）")]
    [InlineData(null, null, "2026-06-08", "2026-06-01", "--from 2026-06-08 晚于 --to 2026-06-01")]
    [InlineData(null, null, "2026/06/01", "2026-06-08", "--from 应写作 YYYY-MM-DD，如 2026-06-01（收到 '2026/06/01'）")]
    [InlineData(null, null, "2026-06-01", "2026-02-30", "--to 应写作 YYYY-MM-DD")]
    [InlineData(null, "2026W23", null, null, "--week 应写作 YYYY-Www（ISO 周，周一至周日），如 2026-W23（收到 '2026W23'）")]
    [InlineData(null, "2025-W53", null, null, "2025 年按 ISO 周只有第 1 至第 52 周")]
    [InlineData(null, "2026-W00", null, null, "2026 年按 ISO 周只有第 1 至第 53 周")]
    [InlineData("2026-13", null, null, null, "--month 应写作 YYYY-MM，如 2026-06（收到 '2026-13'）")]
    public void Parse_SaysWhatIsWrongInChinese_WhenThePeriodIsNotExactlyOneValidChoice(string? month, string? week, string? from, string? to, string expected)
    {
        var (period, error) = ExportPeriod.Parse(month, week, from, to);

        Assert.Null(period);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static LocalDate D(string iso) => Domain.Calendar.IsoDate.TryParse(iso)!.Value;
}
