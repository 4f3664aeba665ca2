using NodaTime;

namespace Escalation.Domain.Items;

/// <summary>One progress report of an item (append-only): on <see cref="ReportedOn"/>, progress was <see cref="Progress"/> percent.</summary>
public sealed record ProgressReport(LocalDate ReportedOn, double Progress, string? Note = null, PersonId? ReportedBy = null);

/// <summary>An item's reports in date order, answering "what was reported as of a date".</summary>
public readonly struct ProgressHistory
{
    private readonly ProgressReport[] _reports;

    /// <summary>Wraps reports already sorted by date (ascending).</summary>
    private ProgressHistory(ProgressReport[] sorted) => _reports = sorted;

    public static ProgressHistory Empty => new([]);

    /// <summary>Sorts the reports by date; a later report on the same day wins.</summary>
    public static ProgressHistory From(IEnumerable<ProgressReport> reports)
    {
        var array = reports.ToArray();
        if (!IsSorted(array))
        {
            // Stable, so that of two reports on one day the one given later stays later and wins.
            array = array.OrderBy(r => r.ReportedOn).ToArray();
        }

        return new ProgressHistory(array);
    }

    public int Count => _reports?.Length ?? 0;

    /// <summary>Progress reported as of the end of <paramref name="date"/>: the latest report on or before it, 0 with none.</summary>
    public double ProgressOn(LocalDate date)
    {
        var i = LastOnOrBefore(date);
        return i < 0 ? 0 : _reports[i].Progress;
    }

    /// <summary>True when a report was made in (<paramref name="after"/>, <paramref name="onOrBefore"/>].</summary>
    public bool HasReportIn(LocalDate after, LocalDate onOrBefore)
    {
        var i = LastOnOrBefore(onOrBefore);
        return i >= 0 && _reports[i].ReportedOn > after;
    }

    private int LastOnOrBefore(LocalDate date)
    {
        var reports = _reports ?? [];
        int low = 0, high = reports.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (reports[mid].ReportedOn <= date)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low - 1;
    }

    private static bool IsSorted(ProgressReport[] reports)
    {
        for (var i = 1; i < reports.Length; i++)
        {
            if (reports[i].ReportedOn < reports[i - 1].ReportedOn)
            {
                return false;
            }
        }

        return true;
    }
}
