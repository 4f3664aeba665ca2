using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Domain.Tests.Delivery;

public class SendingWindowTests
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;
    private static readonly SendingWindow Window = SendingWindow.Default;

    //        2024 September/October            国庆: 10-01..07 off; Sunday 09-29 and Saturday 10-12 are make-up working days
    //   Mo Tu We Th Fr Sa Su
    //   23 24 25 26 27 28 29*
    //   30 [1][2][3][4][5][6]
    //   [7] 8  9 10 11 12* 13
    [Theory]
    // local time (Asia/Shanghai)  next opening             why
    [InlineData("2024-09-27T10:00", "2024-09-27T10:00")] // Friday, open: at once
    [InlineData("2024-09-27T08:29", "2024-09-27T08:30")] // before opening: this morning
    [InlineData("2024-09-27T08:30", "2024-09-27T08:30")] // opening is inclusive
    [InlineData("2024-09-27T18:00", "2024-09-29T08:30")] // closing is exclusive; Saturday off; Sunday 09-29 is a make-up day
    [InlineData("2024-09-28T12:00", "2024-09-29T08:30")] // Saturday off → make-up Sunday
    [InlineData("2024-09-30T19:00", "2024-10-08T08:30")] // evening before 国庆 → after the holiday
    [InlineData("2024-10-03T09:00", "2024-10-08T08:30")] // in the holiday
    [InlineData("2024-10-11T23:59", "2024-10-12T08:30")] // Friday night → Saturday make-up day
    public void NextOpening_ReturnsFirstWorkingMoment(string local, string expected)
    {
        var at = China.InstantAt(Date(local), Time(local));

        var opening = Window.NextOpening(at, China);

        Assert.Equal(China.InstantAt(Date(expected), Time(expected)), opening);
    }

    [Fact]
    public void IsOpen_False_OnSundayAfternoon()
    {
        var sunday = China.InstantAt(new LocalDate(2026, 11, 22), new LocalTime(15, 0));

        Assert.False(Window.IsOpen(sunday, China));
    }

    [Fact]
    public void NextOpening_Throws_WhenNextWorkingDayIsInAnUnloadedYear()
    {
        var lastEvening = China.InstantAt(new LocalDate(2026, 12, 31), new LocalTime(19, 0));

        Assert.Throws<CalendarYearNotLoadedException>(() => Window.NextOpening(lastEvening, China));
    }

    [Theory]
    [InlineData("08:30-18:00", "08:30-18:00")]
    [InlineData(" 09:00 - 17:30 ", "09:00-17:30")]
    public void Parse_ReadsWindow(string text, string expected)
    {
        var (window, error) = SendingWindow.Parse(text);

        Assert.Null(error);
        Assert.Equal(expected, window!.ToString());
    }

    [Theory]
    [InlineData("8:30")]
    [InlineData("18:00-08:30")]
    [InlineData("08:30-08:30")]
    [InlineData("morning")]
    [InlineData("25:00-26:00")]
    public void Parse_GivesReason_WhenTextIsNotAWindow(string text)
    {
        var (window, error) = SendingWindow.Parse(text);

        Assert.Null(window);
        Assert.Contains(text.Trim(), error, StringComparison.Ordinal);
    }

    private static LocalDate Date(string text) => LocalDateTimePattern.GeneralIso.Parse(text + ":00").Value.Date;

    private static LocalTime Time(string text) => LocalDateTimePattern.GeneralIso.Parse(text + ":00").Value.TimeOfDay;
}
