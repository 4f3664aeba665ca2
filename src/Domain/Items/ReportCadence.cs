using Escalation.Domain.Periods;
using NodaTime;

namespace Escalation.Domain.Items;

/// <summary>How progress reports are scheduled.</summary>
public enum CadenceKind
{
    /// <summary>No reports are chased.</summary>
    None,

    /// <summary>Due at each period close of <see cref="ReportCadence.Period"/> (旬 by default: the 10th, 20th and month end).</summary>
    PeriodClose,

    /// <summary>Due every <see cref="ReportCadence.Days"/> calendar days counted from the item's start.</summary>
    EveryDays,
}

/// <summary>
/// When an item's progress reports are due (「每xx天报送x次进展情况」). A due date that is not a working day
/// rolls forward to the next working day.
/// </summary>
public sealed record ReportCadence(CadenceKind Kind, PeriodKind Period = PeriodKind.Xun, int Days = 10)
{
    /// <summary>The default: one report per 旬 (the 10th, the 20th and the last day of the month).</summary>
    public static ReportCadence Default { get; } = new(CadenceKind.PeriodClose, PeriodKind.Xun);

    /// <summary>No reports chased.</summary>
    public static ReportCadence None { get; } = new(CadenceKind.None);

    /// <summary>
    /// The first nominal due date on or after <paramref name="date"/> (not rolled to a working day), or null when there is
    /// none (<see cref="CadenceKind.None"/>). For the web's upcoming deadlines.
    /// </summary>
    public LocalDate? NextDueOnOrAfter(LocalDate date, LocalDate start)
    {
        // Every cadence has a due date within a quarter: take the last one before then and step back while the one before
        // it is still on or after the date.
        var next = LastDueOnOrBefore(date.PlusDays(Kind == CadenceKind.EveryDays ? Math.Max(Days, 1) : 92), start);
        if (next is not { } found || found < date)
        {
            return null;
        }

        for (var before = LastDueOnOrBefore(found.PlusDays(-1), start); before is { } b && b >= date; before = LastDueOnOrBefore(b.PlusDays(-1), start))
        {
            found = b;
        }

        return found;
    }

    /// <summary>The last nominal due date on or before <paramref name="date"/>, or null when none can fall there.</summary>
    internal LocalDate? LastDueOnOrBefore(LocalDate date, LocalDate start)
    {
        switch (Kind)
        {
            case CadenceKind.PeriodClose:
                return ReportingPeriod.ClosingOnOrBefore(Period, date).Close;
            case CadenceKind.EveryDays when Days > 0:
                var elapsed = NodaTime.Period.DaysBetween(start, date);
                return elapsed < Days ? null : start.PlusDays(elapsed / Days * Days);
            default:
                return null;
        }
    }
}
