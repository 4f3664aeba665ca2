using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Catalog;

/// <summary>A notice already issued with a demand (from the escalation log), which explanations may meet.</summary>
/// <param name="Notice">The notice.</param>
/// <param name="Item">The item it was about.</param>
/// <param name="Kind">What it demands.</param>
/// <param name="DueBy">By when (inclusive).</param>
public sealed record IssuedDemand(EventId Notice, ItemId Item, DemandKind Kind, LocalDate DueBy)
{
    /// <summary>The rule of the notice; with <see cref="Occurrence"/>, tells the repeats of one notice apart (null: unknown).</summary>
    public RuleId? Rule { get; init; }

    /// <summary>The notice's occurrence, e.g. <c>overdue:2026-06-05</c> or, for its repeats, <c>overdue:2026-06-05:r1</c>.</summary>
    public string? Occurrence { get; init; }

    /// <summary>
    /// What the repeats of one notice share: its rule, its item, its occurrence without the round and the kind of demand. A
    /// notice repeated every N days demands one thing, whichever of its repeats the unit answers (null: no rule or occurrence
    /// known). The item is part of it: one rule's notices of two tasks on the same occurrence (lag:2026-04) are two threads.
    /// </summary>
    public (RuleId Rule, ItemId Item, string Occurrence, DemandKind Kind)? Thread =>
        Rule is { } rule && Occurrence is { } occurrence ? (rule, Item, OccurrenceKey.Split(occurrence).Base, Kind) : null;

    /// <summary>The round of a repeat (0 for the first notice).</summary>
    public int Round => Occurrence is { } o ? OccurrenceKey.Split(o).Round : 0;

    /// <summary>The units that owe it; empty for the item's unit alone (log rows written before several submitters existed).</summary>
    public IReadOnlyList<UnitId> From { get; init; } = [];

    /// <summary>The notice's reference (文号) as issued, which an explanation may quote in place of its event id; null for none.</summary>
    public string? Reference { get; init; }
}

/// <summary>
/// A notice or summons of the unit's log that was delivered (its status first became delivered or partly failed), read
/// with the demands for the unsigned chase (未签收).
/// </summary>
/// <param name="Notice">The event.</param>
/// <param name="Item">The item it was about.</param>
/// <param name="Level">Notice or summons.</param>
/// <param name="Kind">What it was about.</param>
/// <param name="DeliveredAt">When it was delivered (送达时间).</param>
public sealed record IssuedNotice(EventId Notice, ItemId Item, EventLevel Level, EventKind Kind, Instant DeliveredAt)
{
    /// <summary>When it was signed for (签收时间); null while unsigned.</summary>
    public Instant? SignedAt { get; init; }

    /// <summary>Its reference (文号) as issued; null for none.</summary>
    public string? Reference { get; init; }

    /// <summary>The title of the task or indicator it is about, as logged.</summary>
    public string Title { get; init; } = "";
}

/// <summary>One unit's rows: what a daily evaluation of that unit reads (one partition of each table).</summary>
public sealed record UnitRows(
    UnitId Unit,
    IReadOnlyList<TaskRow> Tasks,
    IReadOnlyList<MilestoneRow> Milestones,
    IReadOnlyList<ProgressRow> Progress,
    IReadOnlyList<ExemptionRow> Exemptions,
    IReadOnlyList<ExplanationRow> Explanations,
    IReadOnlyList<IssuedDemand> Demands)
{
    /// <summary>The office's decisions on the unit's answers and exemption requests (decisions, the unit's partition).</summary>
    public IReadOnlyList<Cases.Decision> Decisions { get; init; } = [];

    /// <summary>The unit's exemption requests (exemptionrequests, the unit's partition).</summary>
    public IReadOnlyList<Cases.ExemptionRequest> ExemptionRequests { get; init; } = [];

    /// <summary>The unit's delivered notices and summonses (from the escalation log), signed or not.</summary>
    public IReadOnlyList<IssuedNotice> Notices { get; init; } = [];
}

/// <summary>Turns one unit's rows into the items the evaluator judges, reporting and skipping faulty rows.</summary>
public static class UnitItems
{
    private static readonly Dictionary<string, ItemKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KeyTask"] = ItemKind.KeyTask, ["key-task"] = ItemKind.KeyTask, ["重点任务"] = ItemKind.KeyTask,
        ["KeyProject"] = ItemKind.KeyProject, ["key-project"] = ItemKind.KeyProject, ["重点项目"] = ItemKind.KeyProject,
        ["Livelihood"] = ItemKind.Livelihood, ["民生实事"] = ItemKind.Livelihood,
    };

    private static readonly Dictionary<string, ItemStatus> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Active"] = ItemStatus.Active, ["进行中"] = ItemStatus.Active, ["在办"] = ItemStatus.Active,
        ["Completed"] = ItemStatus.Completed, ["已完成"] = ItemStatus.Completed, ["办结"] = ItemStatus.Completed,
        ["Suspended"] = ItemStatus.Suspended, ["暂停"] = ItemStatus.Suspended, ["已暂停"] = ItemStatus.Suspended,
    };

    /// <summary>
    /// Validates the unit's rows against the configuration. A faulty task is skipped with everything that hangs on it;
    /// a faulty milestone, report, exemption or explanation is skipped alone.
    /// </summary>
    public static (IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> Problems) Build(Configuration configuration, UnitRows rows)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(rows);
        var problems = new List<Problem>();
        var tasks = new Dictionary<string, (TaskRow Row, SupervisedItem Item)>(StringComparer.Ordinal);
        foreach (var row in rows.Tasks)
        {
            if (Task(configuration, rows.Unit, row, problems) is { } item)
            {
                if (!tasks.TryAdd(item.Id.Value, (row, item)))
                {
                    problems.Add(new Problem(TaskRow.Table, row.Key, nameof(TaskRow.Id), row.Id, "本单位已有其他任务使用此编号，此行未采用。请为每个任务设置不同的编号。"));
                }
            }
        }

        var milestones = Milestones(rows.Milestones, tasks, problems);
        var reports = Reports(rows.Progress, tasks, configuration.People, problems);
        var exemptions = Exemptions([.. rows.Exemptions, .. ApprovedWithoutRow(configuration, rows)], tasks, configuration.People, problems);
        var met = MetDemands(ReadAnswers(configuration, rows.Unit, rows.Explanations, rows.Demands, tasks, problems), rows.Decisions);

        var items = new List<ItemState>(tasks.Count);
        foreach (var (id, (row, item)) in tasks)
        {
            var built = item;
            if (milestones.TryGetValue(id, out var list))
            {
                if (item.Plan.Template is not null)
                {
                    problems.Add(new Problem(TaskRow.Table, row.Key, nameof(TaskRow.PlanTemplate), row.PlanTemplate,
                        "该任务在「milestones」表中另有节点，现按这些节点计算，计划模板未采用。请清空「PlanTemplate」，或删除该任务的节点。"));
                }

                built = item with { Plan = Plan.WithMilestones([.. list.OrderBy(m => m.Due)]) };
            }

            // A demand owed by several units is met by each on its own. A notice repeated every N days demands one thing:
            // its first notice stands for the thread, and an answer to any of its repeats meets it.
            var demands = OpenDemands(rows.Demands.Where(d => d.Item.Value == id), built.Unit, met);
            var exempt = exemptions.TryGetValue(id, out var e) ? e : null;
            var state = ItemState.Of(built, reports.TryGetValue(id, out var r) ? r : null, exempt?.Periods, demands);
            if (rows.Notices.Count > 0)
            {
                state = state with
                {
                    Notices = Delivered(configuration, rows.Notices.Where(n => n.Item.Value == id)),
                };
            }

            if (exempt is not null)
            {
                state = state with
                {
                    ExemptCheckpoints = ExemptCheckpoints(configuration, built, exempt, problems),
                    StartCause = exempt.Start,
                };
            }

            items.Add(state);
        }

        return (items, problems);
    }

    /// <summary>
    /// The unit's usable answers (explanations rows), as <see cref="Build"/> reads them: for the closed loop's pages and
    /// events. Faulty rows are left out; <see cref="Build"/> reports them.
    /// </summary>
    public static IReadOnlyList<Cases.Answer> Answers(Configuration configuration, UnitRows rows)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(rows);
        var ignored = new List<Problem>();
        var tasks = new Dictionary<string, (TaskRow Row, SupervisedItem Item)>(StringComparer.Ordinal);
        foreach (var row in rows.Tasks)
        {
            if (Task(configuration, rows.Unit, row, ignored) is { } item)
            {
                tasks.TryAdd(item.Id.Value, (row, item));
            }
        }

        return ReadAnswers(configuration, rows.Unit, rows.Explanations, rows.Demands, tasks, ignored);
    }

    /// <summary>
    /// The follow-ups of the unit's indicator notices (<c>ind:{indicator}</c> items of its log): per indicator, the demands of
    /// its notices (met as a task's are, by answers the explanations rows record under the same item) and its delivered
    /// notices, for <see cref="Evaluator.EvaluateFollowUps"/>. Named with the indicator's name from the configuration, or as
    /// logged when the indicator is no longer configured (what its notices demanded is still owed). Faulty explanations rows
    /// are left out; <see cref="Build"/> reports them.
    /// </summary>
    public static IReadOnlyList<FollowUpState> FollowUps(Configuration configuration, UnitRows rows)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(rows);
        var indicators = rows.Demands.Select(d => d.Item).Concat(rows.Notices.Select(n => n.Item))
            .Where(Indicators.IndicatorItem.Is).Distinct().OrderBy(i => i.Value, StringComparer.Ordinal).ToList();
        if (indicators.Count == 0)
        {
            return [];
        }

        // Only answers to indicator notices meet these demands, and reading them needs no task: the unit's tasks are not
        // parsed again (Build did, and reports what is wrong with any row).
        var answers = ReadAnswers(configuration, rows.Unit, [.. rows.Explanations.Where(IsIndicatorAnswer)], rows.Demands, [], []);
        var met = MetDemands(answers, rows.Decisions);
        var result = new List<FollowUpState>(indicators.Count);
        foreach (var item in indicators)
        {
            var title = IndicatorOf(configuration, item)?.Name
                ?? rows.Notices.FirstOrDefault(n => n.Item == item && n.Title.Length > 0)?.Title
                ?? item.Value[Indicators.IndicatorItem.Prefix.Length..];
            result.Add(new FollowUpState(
                item,
                rows.Unit,
                title,
                [.. OpenDemands(rows.Demands.Where(d => d.Item == item), rows.Unit, met)],
                Delivered(configuration, rows.Notices.Where(n => n.Item == item))));
        }

        return result;
    }

    private static bool IsIndicatorAnswer(ExplanationRow row) =>
        row.Task?.Trim() is { } named && named.StartsWith(Indicators.IndicatorItem.Prefix, StringComparison.Ordinal);

    /// <summary>The configured indicator an <c>ind:{indicator}</c> item names, or null (a task, or an indicator no longer configured).</summary>
    public static Indicators.IndicatorDefinition? IndicatorOf(Configuration configuration, ItemId item)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!Indicators.IndicatorItem.Is(item))
        {
            return null;
        }

        var id = item.Value[Indicators.IndicatorItem.Prefix.Length..];
        return Indicators.IndicatorId.TryValidate(id) is null && configuration.Indicators.Definitions.TryGetValue(new Indicators.IndicatorId(id), out var definition)
            ? definition
            : null;
    }

    /// <summary>
    /// The open demands of one item's notices. A demand owed by several units is met by each on its own. A notice repeated
    /// every N days demands one thing: its first notice stands for the thread, and an answer to any of its repeats meets it.
    /// </summary>
    private static IEnumerable<OpenDemand> OpenDemands(
        IEnumerable<IssuedDemand> demands, UnitId unit, Dictionary<(string Notice, DemandKind Kind, string From), LocalDate> met)
    {
        // The earliest answer by `from` to any notice of a thread.
        LocalDate? MetOn(IReadOnlyList<EventId> notices, DemandKind kind, UnitId from)
        {
            LocalDate? earliest = null;
            foreach (var notice in notices)
            {
                if (met.TryGetValue((notice.Value, kind, from.Value), out var on) && (earliest is null || on < earliest))
                {
                    earliest = on;
                }
            }

            return earliest;
        }

        return Threads(demands)
            .SelectMany(t => (t.First.From.Count == 0 ? [unit] : t.First.From).Select(from =>
                new OpenDemand(t.First.Notice, t.First.Kind, t.First.DueBy, MetOn(t.Notices, t.First.Kind, from))
                {
                    From = from == unit ? null : from,
                    Reference = t.First.Reference,
                }));
    }

    /// <summary>One item's delivered notices as the unsigned chase judges them (local dates).</summary>
    private static DeliveredNotice[] Delivered(Configuration configuration, IEnumerable<IssuedNotice> notices) =>
        [.. notices.Select(n => new DeliveredNotice(n.Notice, n.Level, configuration.Calendar.DateAt(n.DeliveredAt))
        {
            SignedOn = n.SignedAt is { } signed ? configuration.Calendar.DateAt(signed) : null,
            Reference = n.Reference,
            Kind = n.Kind,
        })];

    /// <summary>
    /// The day each (notice, kind, submitting unit) was first met: its case's <see cref="Cases.LoopCase.MetOn"/>, the earliest
    /// answer that meets it (<see cref="Cases.LoopRules.Meets"/>: not rejected, not a rectification without evidence; an
    /// answer superseded by a newer one while pending meets it while that one does, <see cref="Cases.LoopRules.CaseOf"/>).
    /// A reopened case stays met.
    /// </summary>
    private static Dictionary<(string Notice, DemandKind Kind, string From), LocalDate> MetDemands(IReadOnlyList<Cases.Answer> answers, IReadOnlyList<Cases.Decision> decisions)
    {
        var result = new Dictionary<(string, DemandKind, string), LocalDate>();
        foreach (var c in Cases.LoopRules.Cases(answers, decisions))
        {
            if (c.MetOn is { } met)
            {
                result[(c.Id.Notice.Value, c.Id.Kind, c.Id.Unit.Value)] = met;
            }
        }

        return result;
    }

    /// <summary>
    /// The exemptions of task requests the office approved whose exemptions row is missing: the approval writes its decision
    /// first and the row after it, so a crash in between leaves an approved request without a row. The decision is the
    /// record; the period is exempt from the approval on, as if the row were there (the row, once written, is the same).
    /// </summary>
    private static IEnumerable<ExemptionRow> ApprovedWithoutRow(Configuration configuration, UnitRows rows)
    {
        if (rows.ExemptionRequests.Count == 0)
        {
            return [];
        }

        var written = rows.Exemptions.Where(e => !e.IsIndicator).Select(e => ((e.Task ?? "").Trim(), (e.Period ?? "").Trim())).ToHashSet();
        return rows.ExemptionRequests
            .Where(r => r.Task is not null && !written.Contains((r.Task.Value.Value, r.Period.Trim())))
            .Select(r => (Request: r, Decision: rows.Decisions
                .Where(d => d.Table == Cases.SubjectTable.ExemptionRequests && d.Subject == r.Key)
                .OrderBy(d => d.DecidedAt).LastOrDefault()))
            .Where(x => x.Decision is { Kind: Cases.LoopDecision.Approve })
            .Select(x => new ExemptionRow(rows.Unit.Value, x.Request.Task!.Value.Value, x.Request.Period, x.Decision!.DecidedBy.Value,
                IsoDate.Format(configuration.Calendar.DateAt(x.Decision.DecidedAt)), x.Request.Reason, "客观")
            {
                Request = x.Request.Key,
            });
    }

    /// <summary>The demands of an item, the repeats of one notice folded into its first: (first notice, every notice of the thread).</summary>
    private static IEnumerable<(IssuedDemand First, IReadOnlyList<EventId> Notices)> Threads(IEnumerable<IssuedDemand> demands) =>
        demands
            .GroupBy(d => d.Thread is { } thread ? (object)thread : d.Notice)
            .Select(g =>
            {
                var ordered = g.OrderBy(d => d.Round).ThenBy(d => d.Notice.Value, StringComparer.Ordinal).ToList();
                return (ordered[0], (IReadOnlyList<EventId>)[.. ordered.Select(d => d.Notice)]);
            });

    private static SupervisedItem? Task(Configuration configuration, UnitId unit, TaskRow row, List<Problem> problems)
    {
        var read = new FieldReader(TaskRow.Table, row.Key, problems);
        var id = read.Id(nameof(TaskRow.Id), row.Id, required: true);
        if (id is not null && id.StartsWith(Indicators.IndicatorItem.Prefix, StringComparison.Ordinal))
        {
            read.Fault(nameof(TaskRow.Id), row.Id, $"任务编号不能以「{Indicators.IndicatorItem.Prefix}」开头：这一前缀留给指标的督办记录。请改用其他编号。");
            id = null;
        }

        if (!configuration.Roster.Units.ContainsKey(unit))
        {
            read.Fault(nameof(TaskRow.Unit), row.Unit ?? unit.Value, Words.NoUnit(string.IsNullOrWhiteSpace(row.Unit) ? unit.Value : row.Unit.Trim()));
        }
        else if (!string.IsNullOrWhiteSpace(row.Unit) && row.Unit.Trim() != unit.Value)
        {
            read.Fault(nameof(TaskRow.Unit), row.Unit, $"此行存放在单位{Words.Quote(unit.Value)}下，与「Unit」不一致。请改正「Unit」，或把此行移到对应单位下。");
        }

        var title = read.Text(nameof(TaskRow.Title), row.Title, required: true);
        var kind = read.Enum(Kinds, nameof(TaskRow.Kind), row.Kind, required: true);
        var start = read.Date(nameof(TaskRow.Start), row.Start, required: true);
        var deadline = read.Date(nameof(TaskRow.Deadline), row.Deadline, required: true);
        if (start is { } s && deadline is { } d && d < s)
        {
            read.Fault(nameof(TaskRow.Deadline), row.Deadline, Words.DeadlineBeforeStart(IsoDate.Format(s)));
        }

        var owner = Person(read, configuration, nameof(TaskRow.Owner), row.Owner, required: true);
        var lead = Person(read, configuration, nameof(TaskRow.LeadOfficial), row.LeadOfficial, required: false);
        var plan = Plan.Linear;
        if (read.Id(nameof(TaskRow.PlanTemplate), row.PlanTemplate, required: false) is { } templateId)
        {
            if (configuration.PlanTemplates.TryGetValue(templateId, out var template))
            {
                plan = Plan.FromTemplate(template);
            }
            else
            {
                read.Fault(nameof(TaskRow.PlanTemplate), row.PlanTemplate, Words.NoSuchId(templateId, "计划模板", "plantemplates") + "不用模板时请清空此项。");
            }
        }

        var status = string.IsNullOrWhiteSpace(row.Status) ? ItemStatus.Active : read.Enum(Statuses, nameof(TaskRow.Status), row.Status, required: true);
        var cadence = Cadence(read, row.Cadence);
        var plannedStart = read.Date(nameof(TaskRow.PlannedStart), row.PlannedStart, required: false);
        var actualStart = read.Date(nameof(TaskRow.ActualStart), row.ActualStart, required: false);
        if (actualStart is not null && plannedStart is null && string.IsNullOrWhiteSpace(row.PlannedStart))
        {
            // Harmless (the task is kept), but an admin who fills one expects the start to be judged: say it is not.
            problems.Add(new Problem(TaskRow.Table, row.Key, nameof(TaskRow.ActualStart), row.ActualStart,
                "填写了实际开工日期，但没有填写计划开工日期，是否按期开工无从判断，不会督办开工。如需督办开工，请填写「PlannedStart」（计划开工日期）；否则可清空此项。"));
        }
        UnitId? builder = null;
        if (read.Id(nameof(TaskRow.Builder), row.Builder, required: false) is { } builderId)
        {
            if (configuration.Roster.Units.ContainsKey(new UnitId(builderId)))
            {
                builder = new UnitId(builderId);
            }
            else
            {
                read.Fault(nameof(TaskRow.Builder), row.Builder, Words.NoUnit(builderId) + "没有建设单位时请清空此项。");
            }
        }

        if (!read.Ok || id is null || title is null || kind is null || start is null || deadline is null || owner is null || status is null || cadence is null)
        {
            return null;
        }

        return new SupervisedItem(new ItemId(id), unit, title, kind.Value, start.Value, deadline.Value, owner.Value, plan, cadence, status.Value, lead)
        {
            PlannedStart = plannedStart,
            ActualStart = actualStart,
            Builder = builder,
        };
    }

    private static PersonId? Person(FieldReader read, Configuration configuration, string field, string? value, bool required)
    {
        if (read.Id(field, value, required) is not { } text)
        {
            return null;
        }

        if (configuration.People.ContainsKey(new PersonId(text)))
        {
            return new PersonId(text);
        }

        read.Fault(field, value, Words.NoPerson(text));
        return null;
    }

    /// <summary>旬/xun, 月/month, 周/week, none/不报送, or <c>every N</c>/<c>每N天</c>; empty is 旬.</summary>
    internal static ReportCadence? Cadence(FieldReader read, string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            return ReportCadence.Default;
        }

        if (text is "none" or "不报送" or "无")
        {
            return ReportCadence.None;
        }

        if (RuleRow.PeriodKinds.TryGetValue(text, out var period))
        {
            return new ReportCadence(CadenceKind.PeriodClose, period);
        }

        var days = text.StartsWith("every ", StringComparison.OrdinalIgnoreCase) ? text[6..].Trim()
            : text.StartsWith('每') && text.EndsWith('天') ? text[1..^1].Trim()
            : null;
        if (days is not null && int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 366)
        {
            return new ReportCadence(CadenceKind.EveryDays, Days: n);
        }

        read.Fault(nameof(TaskRow.Cadence), value, "无法识别的报送频次。请填写「旬」（xun，默认）、「月」（month）、「周」（week）、「不报送」（none），或「每N天」（every N，N 为 1 到 366）。");
        return null;
    }

    private static Dictionary<string, List<Milestone>> Milestones(
        IReadOnlyList<MilestoneRow> rows, Dictionary<string, (TaskRow Row, SupervisedItem Item)> tasks, List<Problem> problems)
    {
        var result = new Dictionary<string, List<Milestone>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var read = new FieldReader(MilestoneRow.Table, row.Key, problems);
            var item = KnownTask(read, tasks, nameof(MilestoneRow.Task), row.Task);
            var due = read.Date(nameof(MilestoneRow.Due), row.Due, required: true);
            var name = read.Text(nameof(MilestoneRow.Name), row.Name, required: true);
            var target = read.Number(nameof(MilestoneRow.Target), row.Target, required: true, 0, 100);
            if (item is not null && due is { } d)
            {
                if (d > item.Deadline)
                {
                    read.Fault(nameof(MilestoneRow.Due), row.Due, $"节点日期晚于任务的完成时限（{IsoDate.Format(item.Deadline)}）。请把节点日期改在完成时限之前，或修改任务的完成时限。");
                }
                else if (d < item.Start)
                {
                    read.Fault(nameof(MilestoneRow.Due), row.Due, $"节点日期早于任务的开始日期（{IsoDate.Format(item.Start)}）。请把节点日期改在开始日期之后，或修改任务的开始日期。");
                }
            }

            if (read.Ok && item is not null && due is not null && name is not null && target is not null)
            {
                var list = result.TryGetValue(item.Id.Value, out var found) ? found : result[item.Id.Value] = [];
                list.Add(new Milestone(name, due.Value, target.Value));
            }
        }

        return result;
    }

    private static Dictionary<string, List<ProgressReport>> Reports(
        IReadOnlyList<ProgressRow> rows,
        Dictionary<string, (TaskRow Row, SupervisedItem Item)> tasks,
        IReadOnlyDictionary<PersonId, Contact> people,
        List<Problem> problems)
    {
        var parsed = new List<(string Task, LocalDate On, int Seq, double Progress, ProgressRow Row, PersonId? By)>();
        foreach (var row in rows)
        {
            var read = new FieldReader(ProgressRow.Table, row.Key, problems);
            var item = KnownTask(read, tasks, nameof(ProgressRow.Task), row.Task);
            var on = read.Date(nameof(ProgressRow.ReportedOn), row.ReportedOn, required: true);
            var seq = read.Integer(nameof(ProgressRow.Seq), row.Seq, required: false, 1, 99) ?? 1;
            var progress = read.Number(nameof(ProgressRow.Progress), row.Progress, required: true, 0, 100);
            PersonId? by = null;
            if (read.Id(nameof(ProgressRow.ReportedBy), row.ReportedBy, required: false) is { } person)
            {
                if (people.ContainsKey(new PersonId(person)))
                {
                    by = new PersonId(person);
                }
                else
                {
                    read.Fault(nameof(ProgressRow.ReportedBy), row.ReportedBy, Words.NoPerson(person));
                }
            }

            if (read.Ok && item is not null && on is not null && progress is not null)
            {
                parsed.Add((item.Id.Value, on.Value, seq, progress.Value, row, by));
            }
        }

        var result = new Dictionary<string, List<ProgressReport>>(StringComparer.Ordinal);
        foreach (var report in parsed.OrderBy(p => p.Task, StringComparer.Ordinal).ThenBy(p => p.On).ThenBy(p => p.Seq))
        {
            var list = result.TryGetValue(report.Task, out var found) ? found : result[report.Task] = [];
            var note = report.Row.Note?.Trim();
            if (ProgressReport.GoingDownWithoutNote(list.Count > 0 ? list[^1] : null, report.Progress, note, nameof(ProgressRow.Note)) is { } refusal)
            {
                problems.Add(new Problem(ProgressRow.Table, report.Row.Key, nameof(ProgressRow.Progress), report.Row.Progress, refusal));
                continue;
            }

            list.Add(new ProgressReport(report.On, report.Progress, string.IsNullOrEmpty(note) ? null : note, report.By));
        }

        return result;
    }

    internal static readonly Dictionary<string, CauseKind> Causes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["objective"] = CauseKind.Objective, ["客观"] = CauseKind.Objective,
        ["subjective"] = CauseKind.Subjective, ["主观"] = CauseKind.Subjective,
    };

    /// <summary>True when an exemption's Cause cell names an objective cause (客观, objective).</summary>
    public static bool IsObjective(string? cause) => cause is not null && Causes.TryGetValue(cause.Trim(), out var kind) && kind == CauseKind.Objective;

    private const string OccurrenceForms =
        "请填写期次（「2026-05」月、「2026-05-X2」旬、「2026-W21」周）、「milestone:2026-06-30」或「节点:2026-06-30」（该日到期的节点）、「deadline」或「完成时限」、「start」或「开工」。";

    /// <summary>What one task's exemption rows exempt, before the milestone dates are checked against its plan.</summary>
    private sealed class TaskExemptions
    {
        public List<string> Periods { get; } = [];

        /// <summary>Objective milestone exemptions with the row that named them, checked once the plan is known.</summary>
        public List<(LocalDate Due, ExemptionRow Row)> Milestones { get; } = [];

        public bool Deadline { get; set; }

        public StartCause? Start { get; set; }
    }

    private static Dictionary<string, TaskExemptions> Exemptions(
        IReadOnlyList<ExemptionRow> rows,
        Dictionary<string, (TaskRow Row, SupervisedItem Item)> tasks,
        IReadOnlyDictionary<PersonId, Contact> people,
        List<Problem> problems)
    {
        var result = new Dictionary<string, TaskExemptions>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.IsIndicator)
            {
                // An indicator's exemption: read and checked with the indicator (IndicatorItems), not with the unit's tasks.
                continue;
            }

            var read = new FieldReader(ExemptionRow.Table, row.Key, problems);
            var item = KnownTask(read, tasks, nameof(ExemptionRow.Task), row.Task);
            var text = read.Text(nameof(ExemptionRow.Period), row.Period, required: true);
            var cause = string.IsNullOrWhiteSpace(row.Cause) ? CauseKind.Objective : read.Enum(Causes, nameof(ExemptionRow.Cause), row.Cause, required: true);
            var occurrence = text is null ? null : Occurrence(read, row, text, item);
            read.Date(nameof(ExemptionRow.ApprovedOn), row.ApprovedOn, required: false);
            if (!read.Ok || item is null || occurrence is not { } o || cause is not { } c)
            {
                continue;
            }

            // Who approved it is for the record: an unknown approver is reported, and the approved exemption still holds.
            if (!string.IsNullOrWhiteSpace(row.ApprovedBy) && (Key.TryValidate(row.ApprovedBy.Trim()) is not null || !people.ContainsKey(new PersonId(row.ApprovedBy.Trim()))))
            {
                problems.Add(new Problem(ExemptionRow.Table, row.Key, nameof(ExemptionRow.ApprovedBy), row.ApprovedBy,
                    Words.NoPerson(row.ApprovedBy.Trim()) + "豁免照常生效。请填写批准人在「people」表中的人员编号（如督查室的人员编号）。"));
            }

            var exempt = result.TryGetValue(item.Id.Value, out var found) ? found : result[item.Id.Value] = new TaskExemptions();
            if (o.Start)
            {
                // An objective cause wins over a subjective one recorded too.
                if (exempt.Start is not { Cause: CauseKind.Objective })
                {
                    exempt.Start = new StartCause(c, string.IsNullOrWhiteSpace(row.Reason) ? null : row.Reason.Trim());
                }
            }
            else if (c == CauseKind.Subjective)
            {
                // Recorded, exempts nothing.
            }
            else if (o.Period is { } period)
            {
                exempt.Periods.Add(period);
            }
            else if (o.Milestone is { } due)
            {
                exempt.Milestones.Add((due, row));
            }
            else
            {
                exempt.Deadline = true;
            }
        }

        return result;
    }

    /// <summary>Reads what an exemption row's Period names: a period key, a milestone, the deadline or the start.</summary>
    private static (string? Period, LocalDate? Milestone, bool Start)? Occurrence(FieldReader read, ExemptionRow row, string text, SupervisedItem? item)
    {
        if (ReportingPeriod.IsKey(text))
        {
            return (text, null, false);
        }

        if (text.Equals("deadline", StringComparison.OrdinalIgnoreCase) || text == "完成时限")
        {
            return (null, null, false);
        }

        if (text.Equals("start", StringComparison.OrdinalIgnoreCase) || text == "开工")
        {
            if (item is not null && item.PlannedStart is null)
            {
                read.Fault(nameof(ExemptionRow.Period), row.Period, "该任务没有填写计划开工日期（「PlannedStart」），不按开工时间督办，开工的豁免无从适用。请先在「tasks」表中填写计划开工日期，或删除此行。");
                return null;
            }

            return (null, null, true);
        }

        var colon = text.IndexOfAny([':', '：']);
        var word = colon < 0 ? "" : text[..colon].Trim();
        if (word.Equals("milestone", StringComparison.OrdinalIgnoreCase) || word == "节点")
        {
            if (IsoDate.TryParse(text[(colon + 1)..].Trim()) is { } due)
            {
                return (null, due, false);
            }

            read.Fault(nameof(ExemptionRow.Period), row.Period, "节点日期无法识别。请按「milestone:2026-06-30」或「节点:2026-06-30」填写，日期为 yyyy-MM-dd。");
            return null;
        }

        read.Fault(nameof(ExemptionRow.Period), row.Period, $"不是有效的期次，也不是节点、完成时限或开工：无法识别{Words.Quote(text)}。" + OccurrenceForms);
        return null;
    }

    /// <summary>
    /// The due dates the item's objective exemptions name, each checked against the item's checkpoints (explicit
    /// milestones, a template's stages, the deadline); a date that is none of them is reported and not used.
    /// </summary>
    private static HashSet<LocalDate> ExemptCheckpoints(Configuration configuration, SupervisedItem item, TaskExemptions exempt, List<Problem> problems)
    {
        var dates = new HashSet<LocalDate>();
        if (exempt.Deadline)
        {
            dates.Add(item.Deadline);
        }

        if (exempt.Milestones.Count == 0)
        {
            return dates;
        }

        var checkpoints = Checkpoints(configuration, item);
        foreach (var (due, row) in exempt.Milestones)
        {
            if (checkpoints is null || checkpoints.Any(c => c.Due == due))
            {
                dates.Add(due);
                continue;
            }

            var existing = string.Join("、", checkpoints.Select(c => IsoDate.Format(c.Due) + (c.IsDeadline ? "（完成时限）" : "")));
            problems.Add(new Problem(ExemptionRow.Table, row.Key, nameof(ExemptionRow.Period), row.Period,
                $"任务{Words.Quote(item.Id.Value)}没有在 {IsoDate.Format(due)} 到期的节点。该任务的节点日期为：{existing}。请填写其中之一。"));
        }

        return dates;
    }

    /// <summary>The item's checkpoints, or null when its plan cannot be laid out (the evaluator reports why).</summary>
    private static IReadOnlyList<Timelines.Checkpoint>? Checkpoints(Configuration configuration, SupervisedItem item)
    {
        try
        {
            return Timelines.Timeline.Build(item, configuration.Calendar).Timeline?.Checkpoints;
        }
        catch (CalendarYearNotLoadedException)
        {
            return null;
        }
    }

    /// <summary>The usable answers among the explanations rows; each faulty row is reported and left out.</summary>
    private static List<Cases.Answer> ReadAnswers(
        Configuration configuration,
        UnitId unit,
        IReadOnlyList<ExplanationRow> rows,
        IReadOnlyList<IssuedDemand> demands,
        Dictionary<string, (TaskRow Row, SupervisedItem Item)> tasks,
        List<Problem> problems)
    {
        var itemOfNotice = demands.GroupBy(d => d.Notice.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Item.Value, StringComparer.Ordinal);
        var submittersOf = demands.GroupBy(d => d.Notice.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(d => d.From.Count == 0 ? [unit] : d.From).ToHashSet(), StringComparer.Ordinal);
        var result = new List<Cases.Answer>();
        foreach (var row in rows)
        {
            var read = new FieldReader(ExplanationRow.Table, row.Key, problems);
            var notice = read.Text(nameof(ExplanationRow.Notice), row.Notice, required: true);
            if (notice is not null && !EventId.TryParse(notice, out _))
            {
                // A row written by hand may quote the notice's reference (文号): the unit's own notices name it.
                if (ReferenceNumber.TryParse(notice, out var reference))
                {
                    var quoted = notice;
                    notice = demands.FirstOrDefault(d => ReferenceNumber.TryParse(d.Reference, out var its) && its == reference)?.Notice.Value;
                    if (notice is null)
                    {
                        read.Fault(nameof(ExplanationRow.Notice), quoted,
                            $"本单位的督办记录中没有文号为 {reference.Format()} 且要求报送说明或整改的通报。请核对文号的年份和序号（可从通报邮件或督办记录中复制），或改填该通报的事件编号（「ev-」加 32 位十六进制数字）。");
                    }
                }
                else
                {
                    read.Fault(nameof(ExplanationRow.Notice), row.Notice, "不是有效的通报编号。请填写通报的文号（如 督办〔2026〕0123号），或从督办记录中复制该通报的事件编号（「ev-」加 32 位十六进制数字）。");
                }
            }

            // An answer to an indicator's notice names the indicator as its notices do (ind:{indicator}), not a task.
            var task = IsIndicatorAnswer(row)
                ? KnownIndicator(configuration, read, demands, row.Task)
                : KnownTask(read, tasks, nameof(ExplanationRow.Task), row.Task)?.Id;
            if (task is { } answered && notice is not null && itemOfNotice.TryGetValue(notice, out var noticed) && noticed != answered.Value)
            {
                // Most likely a copied row: it must not meet the demand on another task's notice.
                read.Fault(nameof(ExplanationRow.Task), row.Task, Indicators.IndicatorItem.Is(new ItemId(noticed))
                    ? $"通报{Words.Quote(notice)}针对的是指标{Words.Quote(noticed)}。请填写{Words.Quote(noticed)}，或改正通报编号。"
                    : $"通报{Words.Quote(notice)}针对的是任务{Words.Quote(noticed)}。请填写该任务的编号，或改正通报编号。");
            }

            var kind = read.Enum(RuleRow.Demands, nameof(ExplanationRow.Kind), row.Kind, required: true);
            var on = read.Date(nameof(ExplanationRow.SubmittedOn), row.SubmittedOn, required: true);
            var from = unit.Value;
            if (row.IsFromAnotherUnit && read.Id(nameof(ExplanationRow.From), row.From, required: false) is { } fromId)
            {
                from = fromId;
                if (!configuration.Roster.Units.ContainsKey(new UnitId(fromId)))
                {
                    read.Fault(nameof(ExplanationRow.From), row.From, Words.NoUnit(fromId) + "由本单位提交时请清空此项。");
                }
                else if (notice is not null && submittersOf.TryGetValue(notice, out var owing) && !owing.Contains(new UnitId(fromId)))
                {
                    read.Fault(nameof(ExplanationRow.From), row.From,
                        $"通报{Words.Quote(notice)}没有要求单位{Words.Quote(fromId)}提交。请填写该通报要求提交的单位（{Words.Choices(owing.Select(u => u.Value))}），由本单位提交时请清空此项。");
                }
            }

            var (evidence, evidenceProblem) = Cases.EvidenceColumn.Parse(row.Evidence);
            if (evidenceProblem is not null)
            {
                read.Fault(nameof(ExplanationRow.Evidence), row.Evidence, evidenceProblem);
            }

            var seq = read.Integer(nameof(ExplanationRow.Seq), row.Seq, required: false, 1, 99) ?? 1;
            PersonId? by = read.Id(nameof(ExplanationRow.SubmittedBy), row.SubmittedBy, required: false) is { } person ? new PersonId(person) : null;
            if (read.Ok && notice is not null && task is not null && kind is { } k && on is { } date && evidence is not null)
            {
                // 提交时间 is for the record: a cell retyped in Storage Explorer (a date) is reported, and the answer still counts.
                Instant? at = null;
                if (!string.IsNullOrWhiteSpace(row.SubmittedAt))
                {
                    if (NodaTime.Text.InstantPattern.ExtendedIso.Parse(row.SubmittedAt.Trim()) is { Success: true } parsed)
                    {
                        at = parsed.Value;
                    }
                    else
                    {
                        problems.Add(new Problem(ExplanationRow.Table, row.Key, nameof(ExplanationRow.SubmittedAt), row.SubmittedAt,
                            "提交时间不是 ISO 8601 格式的时刻（如 2026-06-05T02:30:00Z），已忽略，这份答复照常有效。请按此格式改正，或清空此项。"));
                    }
                }

                result.Add(new Cases.Answer(row.Key, unit, EventId.Parse(notice), task.Value, k, from == unit.Value ? null : new UnitId(from), seq, date, evidence)
                {
                    SubmittedAt = at,
                    SubmittedBy = by,
                    Text = string.IsNullOrWhiteSpace(row.Text) ? null : row.Text.Trim(),
                });
            }
        }

        return result;
    }

    /// <summary>
    /// The indicator item (<c>ind:{indicator}</c>) an explanations row's Task names: an indicator of the configuration, or
    /// one the unit's log holds a demand for (an indicator since removed still owes what its notices demanded).
    /// </summary>
    private static ItemId? KnownIndicator(Configuration configuration, FieldReader read, IReadOnlyList<IssuedDemand> demands, string? value)
    {
        if (read.Id(nameof(ExplanationRow.Task), value, required: true) is not { } id)
        {
            return null;
        }

        var item = new ItemId(id);
        if (IndicatorOf(configuration, item) is not null || demands.Any(d => d.Item == item))
        {
            return item;
        }

        read.Fault(nameof(ExplanationRow.Task), value,
            $"没有编号为{Words.Quote(id[Indicators.IndicatorItem.Prefix.Length..])}的指标，本单位的督办记录中也没有针对{Words.Quote(id)}的通报。请填写「ind:」加「indicators」表中的指标编号，或改填本单位「tasks」表中的任务编号。");
        return null;
    }

    private static SupervisedItem? KnownTask(FieldReader read, Dictionary<string, (TaskRow Row, SupervisedItem Item)> tasks, string field, string? value)
    {
        if (read.Id(field, value, required: true) is not { } id)
        {
            return null;
        }

        if (tasks.TryGetValue(id, out var task))
        {
            return task.Item;
        }

        read.Fault(field, value, $"本单位没有可用的编号为{Words.Quote(id)}的任务（如该任务本身有问题，请先查看并改正该任务的问题）。请填写本单位「tasks」表中的任务编号。");
        return null;
    }
}
