using NodaTime;

namespace Escalation.Domain.Calendar;

/// <summary>What the calendar says of one date.</summary>
/// <param name="Date">The local date.</param>
/// <param name="IsWorkingDay">True on Monday to Friday and on make-up working days (调休), false on weekends and holidays.</param>
/// <param name="HolidayName">The holiday the date belongs to (for a make-up day, the holiday it makes up for); null on ordinary days.</param>
public readonly record struct CalendarDay(LocalDate Date, bool IsWorkingDay, string? HolidayName);

/// <summary>One day of a published arrangement, or an admin's correction of one day.</summary>
/// <param name="Date">The date.</param>
/// <param name="IsWorkingDay">True for a make-up working day, false for a day off.</param>
/// <param name="Name">The holiday's name (e.g. 春节), or null.</param>
public readonly record struct ArrangedDay(LocalDate Date, bool IsWorkingDay, string? Name);

/// <summary>The State Council's holiday arrangement for one year (or an admin's declaration of one).</summary>
/// <param name="Year">The year it covers.</param>
/// <param name="Days">The days that differ from the Monday-to-Friday rule. Days outside <paramref name="Year"/> are allowed (a January holiday announced with the previous year's days) and are attached to their own year.</param>
/// <param name="Source">Where it was published.</param>
public sealed record HolidayArrangement(int Year, IReadOnlyList<ArrangedDay> Days, string Source);
