using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Problems;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>calendar --year YYYY [--store DIR | --connection STRING]</c>: the working calendar of one year, one date per line,
/// tab-separated. Without a store, the shipped arrangements; with one, as the daily run sees them: the shipped ones with
/// the store's <c>calendar</c> table applied (a year an admin loaded, single-day corrections).
/// </summary>
internal static class CalendarCommand
{
    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        var text = options.Get("year");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1900 or > 2999)
        {
            stderr.WriteLine($"错误：calendar 需要 --year 给出四位年份，如 --year 2026（收到的是“{text}”）。");
            return Cli.UsageError;
        }

        var fromStore = options.Get("store") is not null || options.Get("connection") is not null;
        WorkingCalendar calendar;
        IReadOnlyList<Problem> problems = [];
        if (fromStore)
        {
            var (tables, error) = StoreSettings.Open(options, setting, clock);
            if (tables is null)
            {
                stderr.WriteLine(error);
                return Cli.UsageError;
            }

            // The calendar exactly as the daily run builds it, with the problems of the calendar table's rows.
            var rows = new AdminStore(tables).ReadConfiguration().GetAwaiter().GetResult();
            var (configuration, found) = Configuration.Build(rows, ShippedCalendar.ChinaMainland, settings.Zone);
            (calendar, problems) = (configuration.Calendar, [.. found.Where(p => p.Table == CorrectionRow.Table)]);
        }
        else
        {
            (calendar, _) = WorkingCalendar.Build(ShippedCalendar.ChinaMainland, [], settings.Zone);
        }

        foreach (var problem in problems)
        {
            stderr.WriteLine($"注意：{ProblemText.Render(problem)}");
        }

        if (!calendar.IsLoaded(year))
        {
            var hint = fromStore ? "" : "（不带 --store 时只显示内置的日历；加 --store 可连同 calendar 表中补录的年份一起显示。）";
            stderr.WriteLine($"错误：{new CalendarYearNotLoadedException(year, calendar.LoadedYears).Message}{hint}");
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
