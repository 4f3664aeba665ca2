using NodaTime;

namespace Escalation.Domain.Items;

/// <summary>One progress report of an item (append-only): on <see cref="ReportedOn"/>, progress was <see cref="Progress"/> percent.</summary>
public sealed record ProgressReport
{
    public ProgressReport(LocalDate reportedOn, double progress, string? note = null, PersonId? reportedBy = null)
    {
        // Rows are validated into problems when read; a value out of range here is a bug of the reader.
        if (!(progress is >= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress, "Progress is a percentage from 0 to 100.");
        }

        ReportedOn = reportedOn;
        Progress = progress;
        Note = note;
        ReportedBy = reportedBy;
    }

    public LocalDate ReportedOn { get; }

    public double Progress { get; }

    public string? Note { get; }

    public PersonId? ReportedBy { get; }
}

/// <summary>An item's reports in date order, answering "what was reported as of a date".</summary>
/// <remarks>
/// Kept as two flat arrays (day numbers and progress) rather than report objects: the evaluator searches them several
/// times per item, and a flat array is one cache line where a list of objects is a pointer chase per probe.
/// </remarks>
public readonly struct ProgressHistory
{
    private readonly int[] _days;
    private readonly double[] _progress;

    private ProgressHistory(int[] days, double[] progress)
    {
        _days = days;
        _progress = progress;
    }

    public static ProgressHistory Empty => new([], []);

    /// <summary>Sorts the reports by date; of two reports on one day, the one given later wins.</summary>
    public static ProgressHistory From(IEnumerable<ProgressReport> reports)
    {
        // Stable, so that of two reports on one day the one given later stays later and wins.
        var sorted = reports.OrderBy(r => r.ReportedOn).ToArray();
        var days = new int[sorted.Length];
        var progress = new double[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            days[i] = sorted[i].ReportedOn.ToDateOnly().DayNumber;
            progress[i] = sorted[i].Progress;
        }

        return new ProgressHistory(days, progress);
    }

    public int Count => _days?.Length ?? 0;

    /// <summary>Progress reported as of the end of <paramref name="date"/>: the latest report on or before it, 0 with none.</summary>
    public double ProgressOn(LocalDate date)
    {
        var i = LastOnOrBefore(date.ToDateOnly().DayNumber);
        return i < 0 ? 0 : _progress[i];
    }

    /// <summary>True when a report was made in (<paramref name="after"/>, <paramref name="onOrBefore"/>].</summary>
    public bool HasReportIn(LocalDate after, LocalDate onOrBefore)
    {
        var i = LastOnOrBefore(onOrBefore.ToDateOnly().DayNumber);
        return i >= 0 && _days[i] > after.ToDateOnly().DayNumber;
    }

    private int LastOnOrBefore(int day)
    {
        var days = _days ?? [];
        int low = 0, high = days.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (days[mid] <= day)
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
}
