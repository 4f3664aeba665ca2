using Escalation.Domain.Indicators;
using Escalation.Domain.Periods;
using NodaTime;

namespace Escalation.Domain.Tests.Indicators;

public class IndicatorPeriodTests
{
    [Theory]
    [InlineData("2025-05", IndicatorPeriodKind.Month, 2025, 5)]
    [InlineData("2025-Q1", IndicatorPeriodKind.Quarter, 2025, 1)]
    [InlineData("2025-W10", IndicatorPeriodKind.Week, 2025, 10)]
    [InlineData("2026-W53", IndicatorPeriodKind.Week, 2026, 53)]
    public void TryParse_ReadsTheKeyItWrites(string key, IndicatorPeriodKind kind, int year, int number)
    {
        var period = IndicatorPeriod.TryParse(key);

        Assert.NotNull(period);
        Assert.Equal((kind, year, number), (period.Value.Kind, period.Value.Year, period.Value.Number));
        Assert.Equal(key, period.Value.Key);
    }

    [Theory]
    [InlineData("2025-13")]
    [InlineData("2025-00")]
    [InlineData("2025-Q5")]
    [InlineData("2025-W53")]
    [InlineData("2025-5")]
    [InlineData("25-05")]
    [InlineData("2025-05-X1")]
    [InlineData("")]
    public void TryParse_RefusesWhatIsNotAPeriod(string key)
    {
        Assert.Null(IndicatorPeriod.TryParse(key));
    }

    [Fact]
    public void Keys_AreTheReportingPeriodKeys_ForMonthsAndWeeks()
    {
        var monthClose = new LocalDate(2025, 5, 31);
        var weekClose = new LocalDate(2025, 3, 9);

        Assert.Equal(new ReportingPeriod(PeriodKind.Month, monthClose).Key, IndicatorPeriod.Containing(IndicatorPeriodKind.Month, monthClose).Key);
        Assert.Equal(new ReportingPeriod(PeriodKind.Week, weekClose).Key, IndicatorPeriod.Containing(IndicatorPeriodKind.Week, weekClose).Key);
    }

    [Fact]
    public void PreviousAndNext_CrossTheYear()
    {
        Assert.Equal("2024-12", IndicatorPeriod.Month(2025, 1).Previous().Key);
        Assert.Equal("2024-Q4", IndicatorPeriod.Quarter(2025, 1).Previous().Key);
        Assert.Equal("2026-W53", IndicatorPeriod.Week(2027, 1).Previous().Key);
        Assert.Equal("2027-W01", IndicatorPeriod.Week(2026, 53).Next().Key);
        Assert.Equal("2026-01", IndicatorPeriod.Month(2025, 12).Next().Key);
    }

    [Fact]
    public void End_IsThePeriodsLastDay()
    {
        Assert.Equal(new LocalDate(2025, 2, 28), IndicatorPeriod.Month(2025, 2).End);
        Assert.Equal(new LocalDate(2025, 6, 30), IndicatorPeriod.Quarter(2025, 2).End);
        Assert.Equal(new LocalDate(2025, 3, 9), IndicatorPeriod.Week(2025, 10).End);
    }

    [Fact]
    public void PeriodsInYear_AndLastOfYear()
    {
        Assert.True(IndicatorPeriod.Month(2025, 12).IsLastOfYear);
        Assert.True(IndicatorPeriod.Quarter(2025, 4).IsLastOfYear);
        Assert.False(IndicatorPeriod.Week(2026, 52).IsLastOfYear);
        Assert.True(IndicatorPeriod.Week(2026, 53).IsLastOfYear);
        Assert.Equal(52, IndicatorPeriod.Week(2025, 1).PeriodsInYear);
    }

    [Theory]
    [InlineData("2025-05", true, "2025年1–5月")]
    [InlineData("2025-01", true, "2025年1月")]
    [InlineData("2025-05", false, "2025年5月")]
    [InlineData("2025-Q1", true, "2025年一季度")]
    [InlineData("2025-Q3", true, "2025年前三季度")]
    [InlineData("2025-Q4", true, "2025年全年")]
    [InlineData("2025-Q2", false, "2025年第二季度")]
    [InlineData("2025-W10", false, "2025年第10周")]
    public void Label_NamesThePeriodAsStatisticsDo(string key, bool cumulative, string label)
    {
        Assert.Equal(label, IndicatorPeriod.Parse(key).Label(cumulative));
    }

    [Fact]
    public void Periods_AreOrderedInTime()
    {
        Assert.True(IndicatorPeriod.Month(2024, 12) < IndicatorPeriod.Month(2025, 1));
        Assert.True(IndicatorPeriod.Week(2025, 9) < IndicatorPeriod.Week(2025, 10));
    }

    [Theory]
    [InlineData("Q1", IndicatorPeriodKind.Month, "2025-03")]
    [InlineData("一季度", IndicatorPeriodKind.Month, "2025-03")]
    [InlineData("上半年", IndicatorPeriodKind.Month, "2025-06")]
    [InlineData("Q1", IndicatorPeriodKind.Quarter, "2025-Q1")]
    [InlineData("3月", IndicatorPeriodKind.Quarter, "2025-Q1")]
    [InlineData("M4", IndicatorPeriodKind.Month, "2025-04")]
    [InlineData("W10", IndicatorPeriodKind.Week, "2025-W10")]
    [InlineData("第10周", IndicatorPeriodKind.Week, "2025-W10")]
    public void PeriodOfYear_In_GivesThePeriodOfTheIndicatorsKindThatEndsWithIt(string text, IndicatorPeriodKind kind, string key)
    {
        var earlier = PeriodOfYear.TryParse(text);

        Assert.NotNull(earlier);
        Assert.True(earlier.Value.Fits(kind));
        Assert.Equal(key, earlier.Value.In(2025, kind)?.Key);
    }

    [Theory]
    [InlineData("M2", IndicatorPeriodKind.Quarter)]
    [InlineData("Q1", IndicatorPeriodKind.Week)]
    [InlineData("W10", IndicatorPeriodKind.Month)]
    public void PeriodOfYear_Fits_IsFalse_WhenNoPeriodOfTheKindEndsWithIt(string text, IndicatorPeriodKind kind)
    {
        var earlier = PeriodOfYear.TryParse(text)!.Value;

        Assert.False(earlier.Fits(kind));
        Assert.Null(earlier.In(2025, kind));
    }

    [Theory]
    [InlineData("Q5")]
    [InlineData("M13")]
    [InlineData("first quarter")]
    public void PeriodOfYear_TryParse_RefusesOthers(string text)
    {
        Assert.Null(PeriodOfYear.TryParse(text));
    }
}
