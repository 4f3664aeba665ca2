using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Timelines;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>What a board row is: a task (任务) or an indicator's value (指标).</summary>
internal enum BoardKind
{
    Task,
    Indicator,
}

/// <summary>One row of the board (挂图作战): an item of a unit with its light (null: no light, the plan cannot be judged).</summary>
/// <param name="Id">The task id, or the indicator id.</param>
/// <param name="Unit">The unit responsible (a task's unit; the unit an indicator value measures).</param>
/// <param name="UnitName">That unit's name.</param>
/// <param name="Title">The task's title, or the indicator's name.</param>
/// <param name="Light">Red, yellow or green; null when there is no plan to judge against.</param>
internal abstract record BoardItem(string Id, UnitId Unit, string UnitName, string Title, TrafficLight? Light)
{
    public abstract BoardKind Kind { get; }
}

/// <summary>A task on the board: its timeline (checkpoints from start to deadline), planned and reported progress today.</summary>
/// <param name="Id">As <see cref="BoardItem"/>.</param>
/// <param name="Unit">As <see cref="BoardItem"/>.</param>
/// <param name="UnitName">As <see cref="BoardItem"/>.</param>
/// <param name="Title">As <see cref="BoardItem"/>.</param>
/// <param name="Light">As <see cref="BoardItem"/>.</param>
/// <param name="ItemKind">Task, project or livelihood item.</param>
/// <param name="Status">Active, completed or suspended (only active tasks have a light).</param>
/// <param name="Start">The first day of work.</param>
/// <param name="Deadline">The deadline.</param>
/// <param name="Snapshot">The evaluator's snapshot today (<see cref="Evaluator.Snapshot"/>), or null when its plan is unusable.</param>
/// <param name="Checkpoints">Milestones in date order, the deadline last; empty when the plan is unusable.</param>
/// <param name="NextReport">The next report due date (rolled to a working day), or null when no report is chased.</param>
internal sealed record BoardTask(
    string Id, UnitId Unit, string UnitName, string Title, TrafficLight? Light,
    ItemKind ItemKind, ItemStatus Status, LocalDate Start, LocalDate Deadline,
    ItemSnapshot? Snapshot, IReadOnlyList<Checkpoint> Checkpoints, LocalDate? NextReport)
    : BoardItem(Id, Unit, UnitName, Title, Light)
{
    public override BoardKind Kind => BoardKind.Task;

    /// <summary>The person who does the work and reports progress (具体责任人): the task page and the personal calendar feeds.</summary>
    public PersonId? Owner { get; init; }

    /// <summary>When progress reports are due: the calendar feeds list the coming due dates.</summary>
    public ReportCadence? Cadence { get; init; }
}

/// <summary>An indicator's latest published value for one unit, against its plan, with its provincial and group ranks.</summary>
/// <param name="Id">As <see cref="BoardItem"/>.</param>
/// <param name="Unit">As <see cref="BoardItem"/>.</param>
/// <param name="UnitName">As <see cref="BoardItem"/>.</param>
/// <param name="Title">As <see cref="BoardItem"/>.</param>
/// <param name="Light">As <see cref="BoardItem"/>.</param>
/// <param name="Period">The period of the value.</param>
/// <param name="PeriodLabel">The period as statistics name it (2026年1–5月).</param>
/// <param name="MeasureUnit">计量单位, empty for none.</param>
/// <param name="Value">The value.</param>
/// <param name="Planned">The plan for the period (<see cref="IndicatorDefinition.PlannedFor"/>), null without an annual target.</param>
/// <param name="ProvincialRank">全省排名 and how many were ranked, when published.</param>
/// <param name="GroupRanks">The unit's place in each ranking group of the indicator for that period.</param>
/// <param name="Published">The day the value was published.</param>
internal sealed record BoardIndicator(
    string Id, UnitId Unit, string UnitName, string Title, TrafficLight? Light,
    IndicatorPeriod Period, string PeriodLabel, string MeasureUnit, double Value, double? Planned,
    (int Rank, int? Of)? ProvincialRank, IReadOnlyList<GroupPlace> GroupRanks, LocalDate Published)
    : BoardItem(Id, Unit, UnitName, Title, Light)
{
    public override BoardKind Kind => BoardKind.Indicator;
}

/// <summary>A unit's place in a ranking group.</summary>
internal sealed record GroupPlace(string Group, int Rank, int Size);

/// <summary>A demand a unit still owes: an explanation or rectification a notice or summons asked for, not yet met.</summary>
/// <param name="Notice">The notice's event id (its log row holds the reference number, when it has one).</param>
/// <param name="LogUnit">The partition of the notice's log row (the item's unit).</param>
/// <param name="Item">The item's id.</param>
/// <param name="ItemTitle">The item's title.</param>
/// <param name="Kind">Explanation, rectification or special explanation.</param>
/// <param name="DueBy">The last day it is on time.</param>
internal sealed record OwedDemand(string Notice, UnitId LogUnit, string Item, string ItemTitle, DemandKind Kind, LocalDate DueBy);

/// <summary>A coming deadline of a unit: a milestone (or the deadline) or a report due date.</summary>
internal sealed record Deadline(LocalDate Due, string Item, string ItemTitle, string What);

/// <summary>
/// The whole board, computed once from the store (<see cref="BoardReader"/>) and shared by every request until the
/// store changes (<see cref="BoardCache"/>): items in board order (red, yellow, green, none; then unit and id), the
/// demands each unit owes and its coming deadlines.
/// </summary>
internal sealed class BoardSnapshot
{
    public BoardSnapshot(LocalDate today, Configuration configuration, IReadOnlyList<BoardItem> items,
        IReadOnlyDictionary<UnitId, IReadOnlyList<OwedDemand>> demands, IReadOnlyDictionary<UnitId, IReadOnlyList<Deadline>> deadlines)
    {
        Today = today;
        Configuration = configuration;
        Items = [.. items.OrderBy(i => LightOrder(i.Light)).ThenBy(i => i.Unit.Value, StringComparer.Ordinal).ThenBy(i => i.Kind).ThenBy(i => i.Id, StringComparer.Ordinal)];
        Demands = demands;
        Deadlines = deadlines;
        ByUnit = Items.GroupBy(i => i.Unit).ToDictionary(g => g.Key, g => (IReadOnlyList<BoardItem>)[.. g]);
    }

    /// <summary>The local date the lights are for.</summary>
    public LocalDate Today { get; }

    /// <summary>The configuration read (units, people and roles, indicators).</summary>
    public Configuration Configuration { get; }

    public IReadOnlyList<BoardItem> Items { get; }

    public IReadOnlyDictionary<UnitId, IReadOnlyList<BoardItem>> ByUnit { get; }

    public IReadOnlyDictionary<UnitId, IReadOnlyList<OwedDemand>> Demands { get; }

    public IReadOnlyDictionary<UnitId, IReadOnlyList<Deadline>> Deadlines { get; }

    /// <summary>
    /// For a unit, the other units whose notices demand an answer of it (a builder's, a co-submitter's), met or not: where
    /// the unit page reads the unit's cases besides its own partition.
    /// </summary>
    public IReadOnlyDictionary<UnitId, IReadOnlyList<UnitId>> AskedBy { get; init; } = new Dictionary<UnitId, IReadOnlyList<UnitId>>();

    /// <summary>When the model was computed: pages show it (「数据截至 HH:mm」), since they may serve it while a newer one is computed.</summary>
    public Instant ComputedAt { get; init; }

    /// <summary><see cref="ComputedAt"/> as local time of day, HH:mm.</summary>
    public string ComputedAtText => ComputedAt.InZone(Configuration.Calendar.Zone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Board order of lights: red first, then yellow, green, and rows without a light last.</summary>
    public static int LightOrder(TrafficLight? light) => light switch
    {
        TrafficLight.Red => 0,
        TrafficLight.Yellow => 1,
        TrafficLight.Green => 2,
        _ => 3,
    };
}

/// <summary>A light filter: one of the three lights, or "no light" (无灯: the plan cannot be judged).</summary>
internal enum LightFilter
{
    Red,
    Yellow,
    Green,
    None,
}

/// <summary>What the board shows: filters by unit, kind and light, and the page (1-based, <see cref="PageSize"/> rows).</summary>
internal sealed record BoardQuery(UnitId? Unit, BoardKind? Kind, LightFilter? Light, int Page)
{
    public const int PageSize = 50;

    public static BoardQuery All { get; } = new(null, null, null, 1);

    /// <summary>Parses the query string's values; the error (Chinese) names the parameter and what it accepts.</summary>
    public static (BoardQuery? Query, string? Error) Parse(string? unit, string? kind, string? light, string? page)
    {
        UnitId? u = null;
        if (!string.IsNullOrWhiteSpace(unit))
        {
            if (!UnitId.IsValid(unit.Trim()))
            {
                return (null, $"参数 unit 的值“{unit}”不是单位编号。");
            }

            u = new UnitId(unit.Trim());
        }

        BoardKind? k = kind?.Trim() switch
        {
            null or "" => null,
            "task" or "任务" => BoardKind.Task,
            "indicator" or "指标" => BoardKind.Indicator,
            _ => (BoardKind)(-1),
        };
        if (k == (BoardKind)(-1))
        {
            return (null, $"参数 kind 的值“{kind}”无效，应为 task（任务）或 indicator（指标）。");
        }

        LightFilter? l = light?.Trim() switch
        {
            null or "" => null,
            "red" or "红" => LightFilter.Red,
            "yellow" or "黄" => LightFilter.Yellow,
            "green" or "绿" => LightFilter.Green,
            "none" or "无" => LightFilter.None,
            _ => (LightFilter)(-1),
        };
        if (l == (LightFilter)(-1))
        {
            return (null, $"参数 light 的值“{light}”无效，应为 red（红）、yellow（黄）、green（绿）或 none（无灯）。");
        }

        var p = 1;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out p) || p < 1))
        {
            return (null, $"参数 page 的值“{page}”无效，应为从 1 开始的页码。");
        }

        return (new BoardQuery(u, k, l, p), null);
    }

    public bool Matches(BoardItem item, bool withLight = true) =>
        (Unit is null || item.Unit == Unit)
        && (Kind is null || item.Kind == Kind)
        && (!withLight || Light is null || Light == Of(item.Light));

    public static LightFilter Of(TrafficLight? light) => light switch
    {
        TrafficLight.Red => LightFilter.Red,
        TrafficLight.Yellow => LightFilter.Yellow,
        TrafficLight.Green => LightFilter.Green,
        _ => LightFilter.None,
    };
}

/// <summary>One page of the board: its rows, how many rows match, and the counts per light (before the light filter).</summary>
internal sealed record BoardPage(IReadOnlyList<BoardItem> Rows, int Matching, int Page, int Pages, IReadOnlyDictionary<LightFilter, int> Counts)
{
    /// <summary>Filters <paramref name="items"/> (already in board order) and cuts the page; a page past the end is the last.</summary>
    public static BoardPage Of(IReadOnlyList<BoardItem> items, BoardQuery query)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(query);
        var counts = Enum.GetValues<LightFilter>().ToDictionary(l => l, _ => 0);
        var matching = new List<BoardItem>();
        foreach (var item in items)
        {
            if (!query.Matches(item, withLight: false))
            {
                continue;
            }

            var light = BoardQuery.Of(item.Light);
            counts[light]++;
            if (query.Light is null || query.Light == light)
            {
                matching.Add(item);
            }
        }

        var pages = Math.Max(1, (matching.Count + BoardQuery.PageSize - 1) / BoardQuery.PageSize);
        var page = Math.Min(query.Page, pages);
        return new BoardPage([.. matching.Skip((page - 1) * BoardQuery.PageSize).Take(BoardQuery.PageSize)], matching.Count, page, pages, counts);
    }
}
