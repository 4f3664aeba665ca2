using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Pipeline;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>One row of a task's progress history as stored, with why the progress table does not count it, if it does not.</summary>
/// <param name="ReportedOn">The report's date as written (text: a row may hold a date that does not parse).</param>
/// <param name="Seq">Its sequence number within the day.</param>
/// <param name="Progress">The progress as written.</param>
/// <param name="Note">The note.</param>
/// <param name="ReportedBy">Who reported it (name and id), or null.</param>
/// <param name="Refusal">Why the row does not count (the progress table's own reasons), or null when it counts.</param>
internal sealed record ProgressLine(string ReportedOn, int Seq, string Progress, string? Note, string? ReportedBy, string? Refusal);

/// <summary>A task's progress as the progress table counts it: every row, and the last report that counts.</summary>
internal sealed record ProgressRecord(IReadOnlyList<ProgressLine> Lines, ProgressReport? Last, int NextSeqOn, LocalDate Today)
{
    /// <summary>
    /// Reads the rows in key order as the progress table's validation does (<see cref="ProgressReport.Parse"/>,
    /// <see cref="ProgressReport.GoingDownWithoutNote"/>: a row that goes down without a note does not count, and the next
    /// is compared with the last that counted), up to <paramref name="today"/>: later rows are left out. <see cref="NextSeqOn"/>
    /// is the next free sequence number of <paramref name="today"/>.
    /// </summary>
    public static ProgressRecord Of(IReadOnlyList<ProgressRow> rows, IReadOnlyDictionary<PersonId, Contact> people, LocalDate today)
    {
        var lines = new List<ProgressLine>();
        ProgressReport? last = null;
        var next = 1;
        foreach (var row in rows)
        {
            var seq = int.TryParse(row.SeqOrDefault, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
            var on = IsoDate.TryParse(row.ReportedOn);
            if (on == today)
            {
                next = Math.Max(next, seq + 1);
            }

            if (on > today)
            {
                // A report dated after today (a simulated year's data, a page viewed with web --at) is not history yet.
                continue;
            }

            var (progress, refusal) = ProgressReport.Parse(row.Progress);
            if (on is null)
            {
                refusal ??= "报送日期无法识别。";
            }
            else if (progress is { } p && ProgressReport.GoingDownWithoutNote(last, p, row.Note, nameof(ProgressRow.Note)) is { } down)
            {
                refusal = down;
            }
            else if (progress is { } counted)
            {
                last = new ProgressReport(on.Value, counted, string.IsNullOrWhiteSpace(row.Note) ? null : row.Note.Trim());
            }

            var by = row.ReportedBy?.Trim() is { Length: > 0 } id
                ? UnitId.IsValid(id) && people.TryGetValue(new PersonId(id), out var person) ? $"{person.Name}（{person.Id}）" : id
                : null;
            lines.Add(new ProgressLine(row.ReportedOn?.Trim() ?? "", seq, row.Progress?.Trim() ?? "", string.IsNullOrWhiteSpace(row.Note) ? null : row.Note.Trim(), by, refusal));
        }

        return new ProgressRecord(lines, last, next, today);
    }
}

/// <summary>An open demand of a task: the demand, the unit that owes it, the notice's reference (文号) and level in Chinese.</summary>
internal sealed record TaskDemand(OwedDemand Demand, UnitId Owing, string? Reference, string? Level);

/// <summary>The coming reminders of a task (<see cref="Lookahead"/>), or why they cannot be shown.</summary>
/// <param name="WorkingDays">How many working days were asked for.</param>
/// <param name="Forecast">The forecast, or null.</param>
/// <param name="Unavailable">Why there is none (a year without calendar, a task whose rows are not usable), in Chinese.</param>
internal sealed record TaskPreview(int WorkingDays, TaskForecast? Forecast, string? Unavailable)
{
    /// <summary>How many working days ahead the task page previews.</summary>
    public const int DefaultWorkingDays = 10;

    /// <summary>The calendar days from <paramref name="today"/> that hold <paramref name="workingDays"/> working days (stopping at a year without calendar).</summary>
    public static int CalendarDays(WorkingCalendar calendar, LocalDate today, int workingDays)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var day = today;
        var counted = 0;
        while (calendar.IsLoaded(day.Year))
        {
            if (calendar.IsWorkingDay(day) && ++counted == workingDays)
            {
                break;
            }

            day = day.PlusDays(1);
        }

        return Math.Max(1, Period.DaysBetween(today, day) + 1);
    }
}

/// <summary>What the report form shows: the values sent back with a refusal, or empty.</summary>
internal sealed record ProgressForm(string Progress, string Note, string? Refusal)
{
    public static ProgressForm Empty { get; } = new("", "", null);

    /// <summary>The longest note accepted (characters).</summary>
    public const int MaxNote = 500;

    /// <summary>
    /// The report the form asks for, or the refusal (Chinese): progress as the progress table reads it, going down only
    /// with a note (the table's own rule, naming the form's field 说明), a note of at most <see cref="MaxNote"/> characters.
    /// </summary>
    public static (double? Progress, string? Refusal) Decide(string? progressText, string? note, ProgressReport? previous)
    {
        if (note is { Length: > MaxNote })
        {
            return (null, $"说明最多 {MaxNote} 字，请精简后再报送。");
        }

        var (progress, refusal) = ProgressReport.Parse(progressText);
        if (progress is not { } value)
        {
            return (null, "完成进度：" + refusal);
        }

        return ProgressReport.GoingDownWithoutNote(previous, value, note, "说明") is { } down ? (null, down) : (value, null);
    }
}
