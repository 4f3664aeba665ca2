namespace Escalation.Domain.Calendar;

/// <summary>
/// A date fell in a year whose holiday arrangement is not loaded. The engine never guesses a
/// Monday-to-Friday year: the run (or the item) that needed the date fails and the admins are told.
/// </summary>
public sealed class CalendarYearNotLoadedException : Exception
{
    public CalendarYearNotLoadedException(int year, IReadOnlyCollection<int> loadedYears)
        : base(Describe(year, loadedYears))
    {
        Year = year;
        LoadedYears = loadedYears;
    }

    public CalendarYearNotLoadedException()
        : this(0, [])
    {
    }

    public CalendarYearNotLoadedException(string message)
        : base(message)
    {
        LoadedYears = [];
    }

    public CalendarYearNotLoadedException(string message, Exception innerException)
        : base(message, innerException)
    {
        LoadedYears = [];
    }

    /// <summary>The year that has no arrangement.</summary>
    public int Year { get; }

    /// <summary>The years the calendar does have.</summary>
    public IReadOnlyCollection<int> LoadedYears { get; }

    private static string Describe(int year, IReadOnlyCollection<int> loadedYears)
    {
        // Admins read this (the problems table, check, calendar): in Chinese, with the way to load the year.
        return $"工作日历中没有{year}年的节假日安排（已加载：{MissingYear.Loaded([.. loadedYears.Order()])}）。" + MissingYear.HowToLoad([year]);
    }
}
