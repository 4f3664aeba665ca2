using System.Globalization;
using NodaTime;

namespace Escalation.Domain.Calendar;

/// <summary>ISO dates (<c>yyyy-MM-dd</c>) as the engine writes and reads them in keys, tables and messages.</summary>
public static class IsoDate
{
    /// <summary>Formats without the pattern engine: occurrence keys are built on the evaluation's hot path.</summary>
    public static string Format(LocalDate date) =>
        string.Create(10, date, static (span, d) =>
        {
            d.Year.TryFormat(span[..4], out _, "D4", CultureInfo.InvariantCulture);
            span[4] = '-';
            d.Month.TryFormat(span[5..7], out _, "D2", CultureInfo.InvariantCulture);
            span[7] = '-';
            d.Day.TryFormat(span[8..], out _, "D2", CultureInfo.InvariantCulture);
        });

    /// <summary>Parses <c>yyyy-MM-dd</c> exactly; null when the text is not such a date.</summary>
    public static LocalDate? TryParse(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? LocalDate.FromDateOnly(date)
            : null;
}
