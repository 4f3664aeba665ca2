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
public sealed record Checkpoint(string Name, LocalDate Due, double Target, bool IsDeadline);

/// <summary>
/// An item's schedule (时序进度): checkpoints from start to deadline, and the planned progress on any date,
/// piecewise linear in working days between checkpoints (linear from start to deadline with none: 时间过半、任务过半).
/// </summary>
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
    /// Lays out an item's plan. Returns a problem instead when the plan is unusable: dates out of order, a
    /// milestone outside start..deadline, targets out of range or falling, a template that does not fit
    /// between start and deadline, or a year the calendar has not loaded.
    /// </summary>
    public static TimelineResult Build(SupervisedItem item, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(calendar);

        Problem Fault(string field, string? value, string reason) => new("tasks", item.Id.Value, field, value, reason);

        if (item.Deadline < item.Start)
        {
            return Fault("Deadline", Iso(item.Deadline), $"the deadline is before the start ({Iso(item.Start)})");
        }

        for (var year = item.Start.Year; year <= item.Deadline.Year; year++)
        {
            if (!calendar.IsLoaded(year))
            {
                return Fault(year == item.Start.Year ? "Start" : "Deadline", Iso(year == item.Start.Year ? item.Start : item.Deadline),
                    $"the working calendar has no holiday arrangement for {year}, so the schedule cannot be counted in working days; add {year} to the calendar");
            }
        }

        var planned = item.Plan.Template is { } template
            ? LayBackwards(item, template, calendar, Fault)
            : CheckMilestones(item, Fault);
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

    private static (Checkpoint[]? Checkpoints, Problem? Problem) CheckMilestones(SupervisedItem item, Func<string, string?, string, Problem> fault)
    {
        var milestones = item.Plan.Milestones.OrderBy(m => m.Due).ToList();
        var checkpoints = new List<Checkpoint>(milestones.Count + 1);
        var previous = 0.0;
        foreach (var milestone in milestones)
        {
            var value = $"{milestone.Name} {Iso(milestone.Due)} {milestone.Target.ToString(CultureInfo.InvariantCulture)}";
            if (milestone.Due < item.Start || milestone.Due > item.Deadline)
            {
                return (null, fault("Milestones", value, $"the milestone is outside the item's time span {Iso(item.Start)}..{Iso(item.Deadline)}"));
            }

            if (!(milestone.Target is >= 0 and <= 100))
            {
                return (null, fault("Milestones", value, "the target must be a percentage from 0 to 100"));
            }

            if (checkpoints.Count > 0 && checkpoints[^1].Due == milestone.Due)
            {
                return (null, fault("Milestones", value, "two milestones fall on the same date"));
            }

            if (milestone.Target < previous)
            {
                return (null, fault("Milestones", value, $"the target is below an earlier milestone's target ({previous.ToString(CultureInfo.InvariantCulture)})"));
            }

            if (milestone.Due == item.Deadline && milestone.Target < 100)
            {
                return (null, fault("Milestones", value, "a milestone on the deadline must have target 100: the deadline means done"));
            }

            previous = milestone.Target;
            checkpoints.Add(new Checkpoint(milestone.Name, milestone.Due, milestone.Target, milestone.Due == item.Deadline));
        }

        if (checkpoints.Count == 0 || !checkpoints[^1].IsDeadline)
        {
            checkpoints.Add(new Checkpoint(DeadlineName, item.Deadline, 100, IsDeadline: true));
        }

        return (checkpoints.ToArray(), null);
    }

    private static (Checkpoint[]? Checkpoints, Problem? Problem) LayBackwards(
        SupervisedItem item, PlanTemplate template, WorkingCalendar calendar, Func<string, string?, string, Problem> fault)
    {
        var stages = template.Stages;
        if (stages.Count == 0)
        {
            return (null, fault("PlanTemplate", template.Id, "the plan template has no stages"));
        }

        var total = 0;
        var previous = 0.0;
        foreach (var stage in stages)
        {
            if (stage.WorkingDays <= 0)
            {
                return (null, fault("PlanTemplate", template.Id, $"stage '{stage.Name}' must last at least one working day"));
            }

            if (!(stage.Target is >= 0 and <= 100) || stage.Target < previous)
            {
                return (null, fault("PlanTemplate", template.Id, $"stage '{stage.Name}' has target {stage.Target.ToString(CultureInfo.InvariantCulture)}; targets must rise from 0 to 100"));
            }

            previous = stage.Target;
            total += stage.WorkingDays;
        }

        // Working days in [start, deadline], both included.
        var available = calendar.WorkingDaysBetween(item.Start, item.Deadline) + (calendar.IsWorkingDay(item.Start) ? 1 : 0);
        if (total > available)
        {
            return (null, fault("PlanTemplate", template.Id,
                $"the template '{template.Name}' needs {total} working days but {Iso(item.Start)}..{Iso(item.Deadline)} has only {available}"));
        }

        var checkpoints = new Checkpoint[stages.Count];
        var end = item.Deadline;
        for (var k = stages.Count - 1; k >= 0; k--)
        {
            var isDeadline = k == stages.Count - 1;
            checkpoints[k] = new Checkpoint(stages[k].Name, end, isDeadline ? 100 : stages[k].Target, isDeadline);
            end = calendar.AddWorkingDays(end, -stages[k].WorkingDays);
        }

        return (checkpoints, null);
    }

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Iso(int year) => year.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Either a timeline or the problem that prevented building it.</summary>
public readonly record struct TimelineResult(Timeline? Timeline, Problem? Problem)
{
    public static implicit operator TimelineResult(Timeline timeline) => new(timeline, null);

    public static implicit operator TimelineResult(Problem problem) => new(null, problem);
}
