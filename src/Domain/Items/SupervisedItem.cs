using NodaTime;

namespace Escalation.Domain.Items;

/// <summary>What kind of supervised item it is.</summary>
public enum ItemKind
{
    /// <summary>重点工作: a key task.</summary>
    KeyTask,

    /// <summary>重点项目: a key project, usually planned in stages.</summary>
    KeyProject,

    /// <summary>民生实事: a livelihood item, often with only a deadline.</summary>
    Livelihood,
}

/// <summary>Whether the engine still chases the item.</summary>
public enum ItemStatus
{
    /// <summary>Being worked on: chased.</summary>
    Active,

    /// <summary>Done and accepted: never chased again.</summary>
    Completed,

    /// <summary>Put on hold by the supervision office: not chased while suspended.</summary>
    Suspended,
}

/// <summary>A dated intermediate target (时间节点): by <see cref="Due"/> (inclusive), progress should be at least <see cref="Target"/>.</summary>
/// <param name="Name">What is to be done by then, e.g. 完成土建.</param>
/// <param name="Due">The last day on which reaching the target is on time; overdue from the next day.</param>
/// <param name="Target">Expected progress in percent, 0 to 100.</param>
public sealed record Milestone(string Name, LocalDate Due, double Target);

/// <summary>One stage of a plan template, laid backwards from the deadline.</summary>
/// <param name="Name">The stage's name, e.g. 施工.</param>
/// <param name="WorkingDays">How many working days the stage takes.</param>
/// <param name="Target">Progress expected when the stage ends, in percent.</param>
public sealed record Stage(string Name, int WorkingDays, double Target);

/// <summary>A reusable stage plan (e.g. for construction projects): consecutive stages, the last ending on the deadline.</summary>
public sealed record PlanTemplate(string Id, string Name, IReadOnlyList<Stage> Stages);

/// <summary>
/// How an item's expected progress is laid out: explicit milestones, a template laid backwards from the
/// deadline (倒排工期), or neither (linear from start to deadline: 时间过半、任务过半).
/// </summary>
public sealed record Plan
{
    private Plan(IReadOnlyList<Milestone> milestones, PlanTemplate? template)
    {
        Milestones = milestones;
        Template = template;
    }

    /// <summary>No intermediate milestones: progress is expected to grow linearly in working days.</summary>
    public static Plan Linear { get; } = new([], null);

    /// <summary>Explicit milestones, in any order.</summary>
    public IReadOnlyList<Milestone> Milestones { get; }

    /// <summary>The template to lay backwards from the deadline, or null.</summary>
    public PlanTemplate? Template { get; }

    public static Plan WithMilestones(IReadOnlyList<Milestone> milestones) => new(milestones, null);

    public static Plan FromTemplate(PlanTemplate template) => new([], template);
}

/// <summary>
/// A supervised item: a task, project or livelihood item assigned to a responsible unit with a deadline.
/// </summary>
/// <param name="Id">The item's id.</param>
/// <param name="Unit">The responsible unit (责任单位).</param>
/// <param name="Title">The item's title as shown in messages.</param>
/// <param name="Kind">Task, project or livelihood item.</param>
/// <param name="Start">The first day of work.</param>
/// <param name="Deadline">The last day on which completion is on time (「7月15日之前完成」: done on the 15th is on time).</param>
/// <param name="Owner">The person who does the work and reports progress (具体责任人).</param>
/// <param name="Plan">Milestones, a template, or linear.</param>
/// <param name="Cadence">When progress reports are due.</param>
/// <param name="Status">Whether the engine chases it.</param>
/// <param name="LeadOfficial">The city leader sponsoring this item (包保领导), overriding the unit's.</param>
public sealed record SupervisedItem(
    ItemId Id,
    UnitId Unit,
    string Title,
    ItemKind Kind,
    LocalDate Start,
    LocalDate Deadline,
    PersonId Owner,
    Plan Plan,
    ReportCadence Cadence,
    ItemStatus Status = ItemStatus.Active,
    PersonId? LeadOfficial = null)
{
    /// <summary>计划开工日期: the last day on which starting is on time; null when the item is not judged on its start.</summary>
    public LocalDate? PlannedStart { get; init; }

    /// <summary>实际开工日期: the day work actually started, or null while it has not.</summary>
    public LocalDate? ActualStart { get; init; }

    /// <summary>建设单位: the unit building the project, which a rule may also demand explanations of; null for none.</summary>
    public UnitId? Builder { get; init; }
}
