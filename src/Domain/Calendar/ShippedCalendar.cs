using System.Globalization;
using System.Reflection;
using NodaTime;

namespace Escalation.Domain.Calendar;

/// <summary>The holiday arrangements that ship with the engine (mainland China, from 2019), and the default zone.</summary>
public static class ShippedCalendar
{
    /// <summary>The default deployment zone.</summary>
    public const string DefaultZoneId = "Asia/Shanghai";

    private static readonly Lazy<IReadOnlyList<HolidayArrangement>> Arrangements = new(Load);

    /// <summary>The shipped arrangements, one per published year.</summary>
    public static IReadOnlyList<HolidayArrangement> ChinaMainland => Arrangements.Value;

    /// <summary>The shipped calendar in the default zone, with no corrections.</summary>
    public static WorkingCalendar Default { get; } =
        WorkingCalendar.Build(ChinaMainland, [], DateTimeZoneProviders.Tzdb[DefaultZoneId]).Calendar;

    private static List<HolidayArrangement> Load()
    {
        using var stream = ShippedData.Open("holidays-cn.tsv");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    internal static List<HolidayArrangement> Parse(TextReader reader)
    {
        var years = new List<(int Year, string Source)>();
        var days = new List<ArrangedDay>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields[0] == "year")
            {
                years.Add((int.Parse(fields[1], CultureInfo.InvariantCulture), fields.Length > 2 ? fields[2] : ""));
                continue;
            }

            // The file is the engine's own data: a malformed line is a build defect, not user input.
            if (fields.Length < 2 || fields[1] is not ("O" or "W"))
            {
                throw new FormatException($"holidays-cn.tsv line {lineNumber}: expected 'date<TAB>O|W<TAB>name', got '{line}'.");
            }

            var date = IsoDate.TryParse(fields[0])
                       ?? throw new FormatException($"holidays-cn.tsv line {lineNumber}: '{fields[0]}' is not an ISO date.");
            days.Add(new ArrangedDay(date, fields[1] == "W", fields.Length > 2 && fields[2].Length > 0 ? fields[2] : null));
        }

        // A day belongs to the arrangement of its own year (2019's paper also set days of late December 2018).
        return years
            .Select(y => new HolidayArrangement(y.Year, days.Where(d => d.Date.Year == y.Year).ToList(), y.Source))
            .ToList();
    }
}
