using System.Globalization;
using Escalation.Domain.Calendar;

namespace Escalation.Functions.Commands;

/// <summary><c>calendar --year YYYY</c>: the working calendar of one year, one date per line, tab-separated.</summary>
internal static class CalendarCommand
{
    public static int Run(Options options, Settings settings, TextWriter stdout, TextWriter stderr)
    {
        var text = options.Get("year");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1900 or > 2999)
        {
            stderr.WriteLine($"错误：calendar 需要 --year 给出四位年份，如 --year 2026（收到的是“{text}”）。");
            return Cli.UsageError;
        }

        var (calendar, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland, [], settings.Zone);
        if (!calendar.IsLoaded(year))
        {
            stderr.WriteLine($"错误：{new CalendarYearNotLoadedException(year, calendar.LoadedYears).Message}（calendar 命令只显示内置的日历；用 check 核对 calendar 表中补录的年份。）");
            return Cli.DataError;
        }

        foreach (var day in calendar.Year(year))
        {
            stdout.Write(day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            stdout.Write(day.IsWorkingDay ? "\tW" : "\tO");
            if (day.HolidayName is { } name)
            {
                stdout.Write('\t');
                stdout.Write(name);
            }

            stdout.Write('\n');
        }

        return Cli.Ok;
    }
}
