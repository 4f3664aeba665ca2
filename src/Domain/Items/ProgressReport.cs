using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Problems;
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

    /// <summary>
    /// A progress value as the progress table reads its <c>Progress</c> cell (0–100, a trailing % allowed): the value, or
    /// the table's refusal in Chinese. The web's report form reads its field with it.
    /// </summary>
    public static (double? Progress, string? Refusal) Parse(string? text)
    {
        var problems = new List<Problem>();
        var progress = new FieldReader(ProgressRow.Table, Problem.NoKey, problems).Number(nameof(ProgressRow.Progress), text, required: true, 0, 100);
        return (progress, problems.FirstOrDefault()?.Reason);
    }

    /// <summary>
    /// Progress may go down only with a note saying why: the refusal (Chinese, naming <paramref name="noteField"/>, where
    /// the note goes: the table's column <c>Note</c>, the web form's 说明) of a report of <paramref name="progress"/> after
    /// <paramref name="previous"/> without one, or null when the report may stand. The progress table's validation and the
    /// web's report form both ask this.
    /// </summary>
    public static string? GoingDownWithoutNote(ProgressReport? previous, double progress, string? note, string noteField)
    {
        if (previous is null || progress >= previous.Progress || !string.IsNullOrWhiteSpace(note))
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"完成进度低于此前报送的 {previous.Progress}（{IsoDate.Format(previous.ReportedOn)}），且未填写说明。请在「{noteField}」中说明进度下降的原因，或改正进度。");
    }
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
