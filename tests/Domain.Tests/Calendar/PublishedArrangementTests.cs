using System.Globalization;
using System.Text.Json;
using Escalation.Domain.Calendar;
using NodaTime;

namespace Escalation.Domain.Tests.Calendar;

/// <summary>
/// The shipped calendar, checked day by day against the arrangement as published upstream (holiday-cn's JSON files,
/// copied into Reference/ untouched): a date listed there is off or working as listed; any other date follows the
/// weekday rule.
/// </summary>
public class PublishedArrangementTests
{
    private static readonly string ReferenceFolder = Path.Combine(AppContext.BaseDirectory, "Reference", "holiday-cn");

    public static TheoryData<int> ShippedYears() => new(Enumerable.Range(2019, 8));

    [Theory]
    [MemberData(nameof(ShippedYears))]
    public void ShippedCalendar_MatchesPublishedArrangement_OnEveryDayOfTheYear(int year)
    {
        var published = LoadPublished();
        var calendar = ShippedCalendar.Default;
        var mismatches = new List<string>();

        for (var date = new LocalDate(year, 1, 1); date.Year == year; date = date.PlusDays(1))
        {
            var expectedWorking = published.TryGetValue(date, out var listed)
                ? !listed.IsOffDay
                : date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);
            var day = calendar.Day(date);
            if (day.IsWorkingDay != expectedWorking || day.HolidayName != listed.Name)
            {
                mismatches.Add($"{date:yyyy-MM-dd}: expected {(expectedWorking ? "W" : "O")} {listed.Name}, got {(day.IsWorkingDay ? "W" : "O")} {day.HolidayName}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void ShippedCalendar_LoadsEveryPublishedYear_AndNotTheUnpublishedOne()
    {
        var publishedYears = Directory.GetFiles(ReferenceFolder, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(root => root.GetProperty("days").GetArrayLength() > 0)
            .Select(root => root.GetProperty("year").GetInt32())
            .Order()
            .ToList();

        Assert.Equal(publishedYears, ShippedCalendar.Default.LoadedYears);
        Assert.False(ShippedCalendar.Default.IsLoaded(2027));
    }

    [Theory]
    [InlineData("2024-02-04", true, "春节")]   // Sunday, make-up working day
    [InlineData("2024-02-10", false, "春节")]  // 初一
    [InlineData("2024-10-01", false, "国庆节")]
    [InlineData("2024-10-12", true, "国庆节")] // Saturday, make-up working day
    [InlineData("2024-10-13", false, null)]    // ordinary Sunday
    [InlineData("2020-01-31", false, "春节")]  // the 2020 extension, published in a second paper
    [InlineData("2026-02-14", true, "春节")]
    public void Day_ReportsPublishedStatus_ForKnownDates(string iso, bool working, string? name)
    {
        var date = LocalDate.FromDateOnly(DateOnly.Parse(iso, CultureInfo.InvariantCulture));

        var day = ShippedCalendar.Default.Day(date);

        Assert.Equal(working, day.IsWorkingDay);
        Assert.Equal(name, day.HolidayName);
    }

    private static Dictionary<LocalDate, (bool IsOffDay, string? Name)> LoadPublished()
    {
        var days = new Dictionary<LocalDate, (bool, string?)>();
        foreach (var file in Directory.GetFiles(ReferenceFolder, "*.json"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var day in document.RootElement.GetProperty("days").EnumerateArray())
            {
                var date = LocalDate.FromDateOnly(DateOnly.Parse(day.GetProperty("date").GetString()!, CultureInfo.InvariantCulture));
                days[date] = (day.GetProperty("isOffDay").GetBoolean(), day.GetProperty("name").GetString());
            }
        }

        return days;
    }
}
