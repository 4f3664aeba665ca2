using System.Globalization;
using Escalation.Domain.Calendar;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Domain.Delivery;

/// <summary>
/// When messages may go out: working days of the calendar, from <see cref="Opens"/> (inclusive) to
/// <see cref="Closes"/> (exclusive), local time of the calendar's zone. Staff are not messaged at night,
/// at weekends or on holidays; a make-up working day (调休) is a working day.
/// </summary>
public sealed record SendingWindow
{
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public SendingWindow(LocalTime opens, LocalTime closes)
    {
        if (closes <= opens)
        {
            throw new ArgumentException($"The window must close after it opens ({opens:HH:mm} - {closes:HH:mm}).", nameof(closes));
        }

        Opens = opens;
        Closes = closes;
    }

    /// <summary>08:30 to 18:00 on working days.</summary>
    public static SendingWindow Default { get; } = new(new LocalTime(8, 30), new LocalTime(18, 0));

    public LocalTime Opens { get; }

    public LocalTime Closes { get; }

    /// <summary>Reads <c>HH:mm-HH:mm</c>, e.g. <c>08:30-18:00</c>; null with a reason when the text is not a window.</summary>
    public static (SendingWindow? Window, string? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || TimePattern.Parse(parts[0]) is not { Success: true } opens
            || TimePattern.Parse(parts[1]) is not { Success: true } closes)
        {
            return (null, $"'{text}' 不是 HH:mm-HH:mm 形式的发送时段（如 08:30-18:00）。");
        }

        return closes.Value <= opens.Value
            ? (null, $"'{text}' 的结束时间不晚于开始时间。")
            : (new SendingWindow(opens.Value, closes.Value), null);
    }

    /// <summary>
    /// <paramref name="at"/> itself when the window is open then; otherwise the instant it next opens. Throws
    /// <see cref="CalendarYearNotLoadedException"/> when the next working day is in a year the calendar does not hold.
    /// </summary>
    public Instant NextOpening(Instant at, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var local = at.InZone(calendar.Zone).LocalDateTime;
        var date = local.Date;
        if (calendar.IsWorkingDay(date))
        {
            if (local.TimeOfDay < Opens)
            {
                return calendar.InstantAt(date, Opens);
            }

            if (local.TimeOfDay < Closes)
            {
                return at;
            }
        }

        return calendar.InstantAt(calendar.NextWorkingDay(date), Opens);
    }

    /// <summary>True when <paramref name="at"/> falls inside the window.</summary>
    public bool IsOpen(Instant at, WorkingCalendar calendar) => NextOpening(at, calendar) == at;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{TimePattern.Format(Opens)}-{TimePattern.Format(Closes)}");
}
