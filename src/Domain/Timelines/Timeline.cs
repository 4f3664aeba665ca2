using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Domain.Timelines;

/// <summary>A point of a timeline: a milestone, or the deadline itself (target 100).</summary>
/// <param name="Name">The milestone's name; 完成 for the deadline.</param>
/// <param name="Due">The last day on which the target is on time (inclusive).</param>
/// <param name="Target">Progress expected by then, in percent.</param>
/// <param name="IsDeadline">True for the item's deadline.</param>
public readonly record struct Checkpoint(string Name, LocalDate Due, double Target, bool IsDeadline);

/// <summary>
/// An item's schedule (时序进度): checkpoints from start to deadline, and the planned progress on any date,
/// piecewise linear in working days between checkpoints (linear from start to deadline with none: 时间过半、任务过半).
/// </summary>
/// <remarks>
/// Built on a calendar with provisional years (<see cref="WorkingCalendar.WithProvisionalYears"/>), a timeline that
/// reaches into them is provisional (<see cref="ProvisionalYears"/>): its checkpoints and planned progress count those
/// years as Monday to Friday, and may move when the year's arrangement is loaded.
/// </remarks>
public sealed class Timeline
{
    /// <summary>Name of the deadline checkpoint.</summary>
    public const string DeadlineName = "全部完成";

    private const double Tolerance = 1e-9;

    private readonly Checkpoint[] _checkpoints;

    // _ordinals[0] is the start (working days before it); _ordinals[k + 1] belongs to _checkpoints[k].
    private readonly int[] _ordinals;
    private readonly WorkingCalendar _calendar;

    private Timeline(LocalDate start, Checkpoint[] checkpoints, int[] ordinals, WorkingCalendar calendar)
    {
        Start = start;
        _checkpoints = checkpoints;
        _ordinals = ordinals;
        _calendar = calendar;
    }

    /// <summary>The first day of work.</summary>
    public LocalDate Start { get; }

    /// <summary>The deadline (the last checkpoint's date).</summary>
    public LocalDate Deadline => _checkpoints[^1].Due;

    /// <summary>Milestones in date order, the deadline last.</summary>
    public IReadOnlyList<Checkpoint> Checkpoints => _checkpoints;

    /// <summary>
    /// The years from start to deadline that the calendar counted provisionally (Monday to Friday, no arrangement
    /// loaded), ascending; empty when every year is loaded. Non-empty means the plan is provisional.
    /// </summary>
    /// <remarks>Worked out when asked, not kept: a timeline is built per item per run, and is rarely provisional.</remarks>
    public IReadOnlyList<int> ProvisionalYears =>
        [.. Enumerable.Range(Start.Year, Deadline.Year - Start.Year + 1).Where(year => !_calendar.IsLoaded(year))];

    /// <summary>
    /// Lays out an item's plan. Returns a problem instead when the plan is unusable: dates out of order, a
    /// milestone outside start..deadline, targets out of range or falling, a template that does not fit
    /// between start and deadline, or a year the calendar does not cover (neither loaded nor provisional).
    /// </summary>
    public static TimelineResult Build(SupervisedItem item, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(calendar);

        if (item.Deadline < item.Start)
        {
            return Fault(item, "Deadline", Iso(item.Deadline), Words.DeadlineBeforeStart(Iso(item.Start)));
        }

        for (var year = item.Start.Year; year <= item.Deadline.Year; year++)
        {
            if (!calendar.Covers(year))
            {
                return Fault(item, year == item.Start.Year ? "Start" : "Deadline", Iso(year == item.Start.Year ? item.Start : item.Deadline),
                    $"工作日历中没有 {year} 年的节假日安排，无法按工作日推算计划。请在「calendar」表中录入 {year} 年的调休日期，并加一行「Date」为「{year}」、「Kind」为「year」的行，声明该年安排已录入完整。");
            }
        }

        var planned = item.Plan.Template is { } template
            ? LayBackwards(item, template, calendar)
            : CheckMilestones(item);
        if (planned.Problem is not null)
        {
            return planned.Problem;
        }

        var checkpoints = planned.Checkpoints!;
        var ordinals = new int[checkpoints.Length + 1];
        ordinals[0] = calendar.WorkingOrdinal(item.Start) - (calendar.IsWorkingDay(item.Start) ? 1 : 0);
        for (var k = 0; k < checkpoints.Length; k++)
        {
            ordinals[k + 1] = calendar.WorkingOrdinal(checkpoints[k].Due);
        }

        return new Timeline(item.Start, checkpoints, ordinals, calendar);
    }

    /// <summary>
    /// The progress the item should show at the end of <paramref name="date"/>: 0 before the start, 100 from the
    /// deadline on, and in between linear in working days from one checkpoint to the next.
    /// </summary>
    public double PlannedOn(LocalDate date)
    {
        if (date < Start)
        {
            return 0;
        }

        var k = 0;
        while (k < _checkpoints.Length && _checkpoints[k].Due < date)
        {
            k++;
        }

        if (k == _checkpoints.Length)
        {
            return _checkpoints[^1].Target;
        }

        var fromTarget = k == 0 ? 0 : _checkpoints[k - 1].Target;
        var toTarget = _checkpoints[k].Target;
        var span = _ordinals[k + 1] - _ordinals[k];
        if (span <= 0)
        {
            return toTarget;
        }

        var done = _calendar.WorkingOrdinal(date) - _ordinals[k];
        return fromTarget + ((toTarget - fromTarget) * done / span);
    }

    /// <summary>The first checkpoint due strictly before <paramref name="date"/> whose target <paramref name="reported"/> does not reach, or null.</summary>
    public Checkpoint? OverdueOn(LocalDate date, double reported)
    {
        foreach (var checkpoint in _checkpoints)
        {
            if (checkpoint.Due >= date)
            {
                break;
            }

            if (IsBelow(reported, checkpoint.Target))
            {
                return checkpoint;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="value"/> is below <paramref name="target"/> by more than rounding noise.</summary>
    public static bool IsBelow(double value, double target) => value < target - Tolerance;

    private static (Checkpoint[]? Checkpoints, Problem? Problem) CheckMilestones(SupervisedItem item)
    {
        var milestones = item.Plan.Milestones;
        var endsOnDeadline = false;
        for (var i = 0; i < milestones.Count; i++)
        {
            endsOnDeadline |= milestones[i].Due == item.Deadline;
        }

        var checkpoints = new Checkpoint[milestones.Count + (endsOnDeadline ? 0 : 1)];
        for (var i = 0; i < milestones.Count; i++)
        {
            var m = milestones[i];
            checkpoints[i] = new Checkpoint(m.Name, m.Due, m.Target, m.Due == item.Deadline);
        }

        if (!endsOnDeadline)
        {
            checkpoints[^1] = new Checkpoint(DeadlineName, item.Deadline, 100, IsDeadline: true);
        }

        if (!IsSortedByDue(checkpoints))
        {
            Array.Sort(checkpoints, (a, b) => a.Due.CompareTo(b.Due));
        }

        var previous = checkpoints[0];
        for (var i = 0; i < checkpoints.Length; i++)
        {
            var c = checkpoints[i];
            var reason =
                c.Due < item.Start || c.Due > item.Deadline ? $"节点不在任务的起止时间（{Iso(item.Start)} 至 {Iso(item.Deadline)}）之内。请调整节点日期，或修改任务的开始日期、完成时限。"
                : !(c.Target is >= 0 and <= 100) ? "目标进度应为 0 到 100 之间的百分数，请改正。"
                : i > 0 && previous.Due == c.Due ? "有两个节点在同一天。请合并为一个节点，或修改其中一个的日期。"
                : c.Target < previous.Target ? $"目标进度低于前一个节点的目标进度（{previous.Target.ToString(CultureInfo.InvariantCulture)}）。目标进度应随节点日期递增，请改正。"
                : c.IsDeadline && c.Target < 100 ? "完成时限当天的节点目标进度必须为 100：到完成时限即应全部完成。请改为 100，或把节点日期提前。"
                : null;
            if (reason is not null)
            {
                var value = $"{c.Name} {Iso(c.Due)} {c.Target.ToString(CultureInfo.InvariantCulture)}";
                return (null, Fault(item, "Milestones", value, reason));
            }

            previous = c;
        }

        return (checkpoints, null);
    }

    private static bool IsSortedByDue(Checkpoint[] checkpoints)
    {
        for (var i = 1; i < checkpoints.Length; i++)
        {
            if (checkpoints[i].Due < checkpoints[i - 1].Due)
            {
                return false;
            }
        }

        return true;
    }

    private static Problem Fault(SupervisedItem item, string field, string? value, string reason) =>
        new("tasks", item.Id.Value, field, value, reason);

    private static (Checkpoint[]? Checkpoints, Problem? Problem) LayBackwards(SupervisedItem item, PlanTemplate template, WorkingCalendar calendar)
    {
        var stages = template.Stages;
        if (stages.Count == 0)
        {
            return (null, Fault(item, "PlanTemplate", template.Id, $"计划模板{Words.Quote(template.Id)}没有任何阶段。请在「plantemplates」表中为它添加阶段，或清空任务的「PlanTemplate」。"));
        }

        var total = 0;
        var previous = 0.0;
        foreach (var stage in stages)
        {
            if (stage.WorkingDays <= 0)
            {
                return (null, Fault(item, "PlanTemplate", template.Id, $"计划模板{Words.Quote(template.Id)}的阶段{Words.Quote(stage.Name)}至少需要 1 个工作日。请改正「plantemplates」表中该阶段的「WorkingDays」。"));
            }

            if (!(stage.Target is >= 0 and <= 100) || stage.Target < previous)
            {
                return (null, Fault(item, "PlanTemplate", template.Id, $"计划模板{Words.Quote(template.Id)}的阶段{Words.Quote(stage.Name)}目标进度为 {stage.Target.ToString(CultureInfo.InvariantCulture)}；各阶段目标进度应在 0 到 100 之间且逐阶段不降低。请改正「plantemplates」表中该阶段的「Target」。"));
            }

            previous = stage.Target;
            total += stage.WorkingDays;
        }

        // Working days in [start, deadline], both included.
        var available = calendar.WorkingDaysBetween(item.Start, item.Deadline) + (calendar.IsWorkingDay(item.Start) ? 1 : 0);
        if (total > available)
        {
            return (null, Fault(item, "PlanTemplate", template.Id,
                $"计划模板{Words.Quote(template.Name)}共需 {total} 个工作日，但 {Iso(item.Start)} 至 {Iso(item.Deadline)} 只有 {available} 个工作日。请减少各阶段的工作日数、提前开始日期或推迟完成时限，或换用其他模板。"));
        }

        var checkpoints = new Checkpoint[stages.Count];
        var end = item.Deadline;
        for (var k = stages.Count - 1; k >= 0; k--)
        {
            var isDeadline = k == stages.Count - 1;
            checkpoints[k] = new Checkpoint(stages[k].Name, end, isDeadline ? 100 : stages[k].Target, isDeadline);
            if (k > 0)
            {
                end = calendar.AddWorkingDays(end, -stages[k].WorkingDays);
            }
        }

        return (checkpoints, null);
    }

    private static string Iso(LocalDate date) => IsoDate.Format(date);
}

/// <summary>Either a timeline or the problem that prevented building it.</summary>
public readonly record struct TimelineResult(Timeline? Timeline, Problem? Problem)
{
    public static implicit operator TimelineResult(Timeline timeline) => new(timeline, null);

    public static implicit operator TimelineResult(Problem problem) => new(null, problem);
}
