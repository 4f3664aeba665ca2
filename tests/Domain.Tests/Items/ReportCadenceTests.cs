using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using NodaTime;

namespace Escalation.Domain.Tests.Items;

/// <summary>
/// The next report due date, for the web's upcoming deadlines. 旬 closes on the 10th, 20th and the month's last day;
/// every 7 days counts from the start (start 2026-06-01: due 06-08, 06-15, …).
/// </summary>
public class ReportCadenceTests
{
    private static readonly LocalDate Start = new(2026, 6, 1);

    [Theory]
    [InlineData("2026-06-01", "2026-06-10")]
    [InlineData("2026-06-10", "2026-06-10")]
    [InlineData("2026-06-11", "2026-06-20")]
    [InlineData("2026-06-21", "2026-06-30")]
    [InlineData("2026-02-21", "2026-02-28")]
    public void NextDueOnOrAfter_IsTheNextXunClose_ForTheDefaultCadence(string date, string expected)
    {
        Assert.Equal(Parse(expected),
            ReportCadence.Default.NextDueOnOrAfter(Parse(date), Start));
    }

    [Theory]
    [InlineData("2026-06-01", "2026-06-08")]
    [InlineData("2026-06-08", "2026-06-08")]
    [InlineData("2026-06-09", "2026-06-15")]
    public void NextDueOnOrAfter_CountsFromTheStart_ForEveryNDays(string date, string expected)
    {
        var cadence = new ReportCadence(CadenceKind.EveryDays, Days: 7);

        Assert.Equal(Parse(expected), cadence.NextDueOnOrAfter(Parse(date), Start));
    }

    [Fact]
    public void NextDueOnOrAfter_IsTheMonthEnd_ForAMonthlyCadence()
    {
        var cadence = new ReportCadence(CadenceKind.PeriodClose, PeriodKind.Month);

        Assert.Equal(new LocalDate(2026, 7, 31), cadence.NextDueOnOrAfter(new LocalDate(2026, 7, 1), Start));
    }

    [Fact]
    public void NextDueOnOrAfter_IsNull_WhenNoReportsAreChased()
    {
        Assert.Null(ReportCadence.None.NextDueOnOrAfter(Start, Start));
    }

    private static LocalDate Parse(string text) => NodaTime.Text.LocalDatePattern.Iso.Parse(text).Value;
}
