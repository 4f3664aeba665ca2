using Escalation.Domain.Calendar;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Escalation.Domain.Tests.Calendar;

/// <summary>Laws of working-day arithmetic, checked on random dates of the shipped years.</summary>
public class WorkingDayProperties
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;
    private static readonly LocalDate First = new(2020, 1, 1);
    private const int Span = 1980; // days: up to mid 2025, leaving a year of room to walk 250 working days either way

    public static Arbitrary<LocalDate> Dates() => Gen.Choose(0, Span).Select(First.PlusDays).ToArbitrary();

    public static Arbitrary<int> Steps() => Gen.Choose(-250, 250).ToArbitrary();

    [Property(Arbitrary = [typeof(WorkingDayProperties)], MaxTest = 500)]
    public bool AddingThenSubtracting_ReturnsToTheSameWorkingDay(LocalDate date, int n)
    {
        var working = China.WorkingDayOnOrAfter(date);

        return China.AddWorkingDays(China.AddWorkingDays(working, n), -n) == working;
    }

    [Property(Arbitrary = [typeof(WorkingDayProperties)], MaxTest = 500)]
    public bool Counting_AgreesWithAdding(LocalDate date, int n)
    {
        // Counting excludes the start and includes the end, so walking backwards from a day off counts one short:
        // the law holds from any date forwards and from a working day backwards.
        var start = n < 0 ? China.WorkingDayOnOrAfter(date) : date;

        var target = China.AddWorkingDays(start, n);

        return China.WorkingDaysBetween(start, target) == n && (n == 0 || China.IsWorkingDay(target));
    }

    [Property(Arbitrary = [typeof(WorkingDayProperties)], MaxTest = 300)]
    public bool Counting_MatchesADayByDayWalk(LocalDate a, LocalDate b)
    {
        var (from, to) = a <= b ? (a, b) : (b, a);
        var walked = 0;
        for (var d = from.PlusDays(1); d <= to; d = d.PlusDays(1))
        {
            walked += China.IsWorkingDay(d) ? 1 : 0;
        }

        return China.WorkingDaysBetween(from, to) == walked && China.WorkingDaysBetween(to, from) == -walked;
    }

    [Property(Arbitrary = [typeof(WorkingDayProperties)], MaxTest = 300)]
    public bool NextWorkingDay_IsTheFirstWorkingDayAfter(LocalDate date)
    {
        var next = China.NextWorkingDay(date);
        var skipped = true;
        for (var d = date.PlusDays(1); d < next; d = d.PlusDays(1))
        {
            skipped &= !China.IsWorkingDay(d);
        }

        return next > date && China.IsWorkingDay(next) && skipped;
    }
}
