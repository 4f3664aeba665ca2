using Escalation.Domain.Periods;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Periods;

public class ReportingPeriodTests
{
    [Theory]
    //          kind,            today,       closed period,  key,          label
    [InlineData(PeriodKind.Month, "2024-06-01", "2024-05-31", "2024-05", "2024年5月")]
    [InlineData(PeriodKind.Month, "2024-05-31", "2024-04-30", "2024-04", "2024年4月")] // the close day itself is not yet closed
    [InlineData(PeriodKind.Month, "2024-03-01", "2024-02-29", "2024-02", "2024年2月")]
    [InlineData(PeriodKind.Xun, "2024-05-11", "2024-05-10", "2024-05-X1", "2024年5月上旬")]
    [InlineData(PeriodKind.Xun, "2024-05-25", "2024-05-20", "2024-05-X2", "2024年5月中旬")]
    [InlineData(PeriodKind.Xun, "2024-06-05", "2024-05-31", "2024-05-X3", "2024年5月下旬")]
    [InlineData(PeriodKind.Week, "2024-05-27", "2024-05-26", "2024-W21", "2024年第21周")]  // Monday reads the week to Sunday
    [InlineData(PeriodKind.Week, "2025-01-01", "2024-12-29", "2024-W52", "2024年第52周")]
    public void ClosedBefore_GivesTheLastPeriodClosedBeforeToday(PeriodKind kind, string today, string close, string key, string label)
    {
        var period = ReportingPeriod.ClosedBefore(kind, P(today));

        Assert.Equal(P(close), period.Close);
        Assert.Equal(key, period.Key);
        Assert.Equal(label, period.Label);
    }

    [Fact]
    public void Previous_StepsBackOnePeriod()
    {
        Assert.Equal(D(2024, 4, 30), ReportingPeriod.ClosedBefore(PeriodKind.Month, D(2024, 6, 1)).Previous().Close);
        Assert.Equal(D(2024, 4, 30), ReportingPeriod.ClosedBefore(PeriodKind.Xun, D(2024, 5, 5)).Close);
        Assert.Equal(D(2024, 4, 20), ReportingPeriod.ClosedBefore(PeriodKind.Xun, D(2024, 5, 5)).Previous().Close);
        Assert.Equal(D(2024, 5, 19), ReportingPeriod.ClosedBefore(PeriodKind.Week, D(2024, 5, 27)).Previous().Close);
    }

    private static NodaTime.LocalDate P(string iso) =>
        NodaTime.LocalDate.FromDateOnly(DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}
