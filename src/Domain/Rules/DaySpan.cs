using System.Globalization;
using System.Text.RegularExpressions;
using Escalation.Domain.Calendar;
using NodaTime;

namespace Escalation.Domain.Rules;

/// <summary>What a rule's day count counts.</summary>
public enum DayUnit
{
    /// <summary>工作日: days the working calendar marks as working (weekends and holidays skipped, make-up days counted).</summary>
    WorkingDays,

    /// <summary>自然日 (天): every day of the calendar.</summary>
    CalendarDays,
}

/// <summary>
/// A span of days a rule names (how far ahead, how long a delay, a demand's time limit, a repeat interval): a count of
/// working days or of calendar days. Admins write it as <c>10</c>, <c>10wd</c>, <c>10个工作日</c> (working days) or
/// <c>15d</c>, <c>15天</c>, <c>15日</c>, <c>15个自然日</c> (calendar days); a bare number is working days.
/// </summary>
public readonly partial record struct DaySpan(int Count, DayUnit Unit)
{
    /// <summary>The longest span in working days a rule may name (about three months): more is a typing error.</summary>
    public const int MaxWorkingDays = RuleRow.MaxWorkingDays;

    /// <summary>The longest span in calendar days a rule may name (about three months).</summary>
    public const int MaxCalendarDays = 90;

    /// <summary>A span of working days.</summary>
    public static DaySpan Working(int count) => new(count, DayUnit.WorkingDays);

    /// <summary>A span of calendar days.</summary>
    public static DaySpan Calendar(int count) => new(count, DayUnit.CalendarDays);

    /// <summary>How the span may be written, for problem reasons.</summary>
    public const string Forms = "工作日写「10」「10wd」「10个工作日」或「10工作日」，自然日写「15d」「15天」「15日」「15自然日」或「15个自然日」";

    /// <summary>
    /// Reads a span as admins write it (trimmed, case-insensitive). Returns the span, or null and the reason in Chinese
    /// (the value, what is wrong, the accepted forms). Working days may be 1 to <see cref="MaxWorkingDays"/>, calendar
    /// days 1 to <see cref="MaxCalendarDays"/>.
    /// </summary>
    public static (DaySpan? Span, string? Reason) Parse(string? text) => Parse(text, MaxWorkingDays, MaxCalendarDays);

    /// <summary>As <see cref="Parse(string?)"/>, with other upper bounds.</summary>
    public static (DaySpan? Span, string? Reason) Parse(string? text, int maxWorkingDays, int maxCalendarDays)
    {
        var value = text?.Trim() ?? "";
        var match = Pattern().Match(value);
        if (!match.Success)
        {
            return (null, $"无法识别「{value}」。应为天数：{Forms}。");
        }

        var unit = match.Groups["unit"].Value.ToUpperInvariant() switch
        {
            "" or "WD" or "个工作日" or "工作日" => DayUnit.WorkingDays,
            _ => DayUnit.CalendarDays,
        };
        var max = unit == DayUnit.WorkingDays ? maxWorkingDays : maxCalendarDays;
        if (!int.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > max)
        {
            var what = unit == DayUnit.WorkingDays ? "工作日" : "自然日";
            return (null, string.Create(CultureInfo.InvariantCulture, $"「{value}」超出范围：{what}应为 1 到 {max} 之间的整数。{Forms}。"));
        }

        return (new DaySpan(count, unit), null);
    }

    /// <summary>
    /// The day <see cref="Count"/> days after <paramref name="date"/>: working days on <paramref name="calendar"/>
    /// (<see cref="WorkingCalendar.AddWorkingDays"/>: 1 working day after a Friday is the next Monday), or plain
    /// calendar days, which need no calendar and may land on a day off.
    /// </summary>
    public LocalDate AddTo(LocalDate date, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Unit == DayUnit.WorkingDays ? calendar.AddWorkingDays(date, Count) : date.PlusDays(Count);
    }

    /// <summary>
    /// How many days of this span's unit lie in (<paramref name="from"/>, <paramref name="to"/>]: start excluded, end
    /// included, negative when <paramref name="to"/> is earlier; the same convention as <see cref="WorkingCalendar.WorkingDaysBetween"/>.
    /// </summary>
    public int CountBetween(LocalDate from, LocalDate to, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Unit == DayUnit.WorkingDays ? calendar.WorkingDaysBetween(from, to) : Period.DaysBetween(from, to);
    }

    /// <summary>The span in Chinese, as messages and the command line show it: 「10个工作日」, 「15天」.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count}{(Unit == DayUnit.WorkingDays ? "个工作日" : "天")}");

    [GeneratedRegex(@"^(?<count>[0-9]+)\s*(?<unit>wd|个工作日|工作日|d|天|日|自然日|个自然日)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
