using Escalation.Domain.Cases;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Digests;

/// <summary>A task's or an indicator's light as seen on one day (the evaluator's snapshot, or an indicator's latest value).</summary>
/// <param name="Unit">The unit that answers for it.</param>
/// <param name="Item">The task, or <c>ind:{indicator}</c>.</param>
/// <param name="Title">Its name.</param>
/// <param name="Light">Its light that day.</param>
/// <param name="Status">What the light rests on, in Chinese: 计划 60.0%，实际 45.0%; 2026年1–5月 53亿元，计划 60亿元，全省第6位.</param>
/// <param name="On">The day it was seen.</param>
public sealed record LightSighting(UnitId Unit, ItemId Item, string Title, TrafficLight Light, string Status, LocalDate On)
{
    /// <summary>True for an indicator (<see cref="Indicators.IndicatorItem"/>), false for a task.</summary>
    public bool IsIndicator => Indicators.IndicatorItem.Is(Item);
}

/// <summary>An explanation or rectification a notice demanded and nobody has yet had accepted (the weekly list: only those past their due date).</summary>
/// <param name="Unit">The unit that owes it.</param>
/// <param name="Item">The task or indicator it is about.</param>
/// <param name="Title">Its name.</param>
/// <param name="Notice">The notice (its reference when it has one, else its event id).</param>
/// <param name="Kind">Explanation or rectification.</param>
/// <param name="DueBy">The last day it was on time.</param>
public sealed record DemandEntry(UnitId Unit, ItemId Item, string Title, string Notice, DemandKind Kind, LocalDate DueBy);

/// <summary>A message that failed for good or was rejected by its provider.</summary>
/// <param name="Message">The message's id (the dispatch id).</param>
/// <param name="Unit">The unit of the events it carried (the first one), or null.</param>
/// <param name="Person">Who it was for (name).</param>
/// <param name="Channel">The channel.</param>
/// <param name="Error">The provider's or the engine's reason.</param>
/// <param name="On">The day it was meant to go.</param>
public sealed record FailedMessage(string Message, UnitId? Unit, string Person, Channel Channel, string Error, LocalDate On);

/// <summary>A notice or summons delivered to a unit and not signed for (未签收) on the day judged.</summary>
/// <param name="Unit">The unit it was sent to (whose log holds it).</param>
/// <param name="Item">The task or indicator it is about.</param>
/// <param name="Title">Its name.</param>
/// <param name="Notice">The notice (its reference when it has one, else its event id).</param>
/// <param name="Level">Notice or summons.</param>
/// <param name="DeliveredOn">The local date it was delivered.</param>
public sealed record UnsignedEntry(UnitId Unit, ItemId Item, string Title, string Notice, EventLevel Level, LocalDate DeliveredOn);

/// <summary>What a line of 本周答复和处理 records: a unit's answer, a unit's exemption request, or the office's decision on either.</summary>
public enum LoopActivityKind
{
    /// <summary>An answer submitted (说明, 整改, 专题说明).</summary>
    Answer,

    /// <summary>An exemption request made (豁免申请).</summary>
    Request,

    /// <summary>A decision made (采纳, 退回, 销号, 虚假整改, 批准, 不予批准).</summary>
    Decision,
}

/// <summary>An answer submitted, an exemption requested or a decision made in the list's window (本周答复和处理).</summary>
/// <param name="Unit">The unit whose part it belongs to: the unit that answered or requested (a builder for its own answers), and for a decision the unit of what was decided.</param>
/// <param name="Kind">What it records.</param>
/// <param name="Key">The row key of the record (explanations, exemptionrequests or decisions): with <paramref name="Kind"/> and <paramref name="Unit"/>, what makes it one line.</param>
/// <param name="Item">The task, or <c>ind:{indicator}</c>; null for a decision whose subject is no longer readable and which names none.</param>
/// <param name="Title">Its name (empty without an item).</param>
/// <param name="What">In Chinese: 提交整改报告（第2次）, 豁免申请（2026-05）, 采纳整改报告（销号）, 退回情况说明, 认定虚假整改（重新打开）, 批准豁免申请（2026-05）.</param>
/// <param name="Notice">The notice answered: its reference (文号) when it has one, else its event id; null for an exemption request and its decision.</param>
/// <param name="By">Who (the person's name, or their id when the people table no longer has them).</param>
/// <param name="On">The local date it happened.</param>
/// <param name="At">The local time it happened; null for an answer written into the table by hand (it has a date only).</param>
/// <param name="Evidence">How many evidence files the answer or request named; null for a decision.</param>
/// <param name="Reason">The decision's reason or the request's objective cause; null for an answer.</param>
public sealed record LoopActivity(
    UnitId Unit, LoopActivityKind Kind, string Key, ItemId? Item, string Title, string What, string? Notice, string By, LocalDate On, LocalDateTime? At, int? Evidence, string? Reason);

/// <summary>Everything a weekly list is built from (the shell reads it; duplicates are fine, the builder removes them).</summary>
public sealed record WeeklyListInputs(
    IReadOnlyList<LightSighting> Lights,
    IReadOnlyList<DemandEntry> Demands,
    IReadOnlyList<FailedMessage> Failures,
    IReadOnlyDictionary<UnitId, string> UnitNames)
{
    /// <summary>The notices and summonses delivered and still unsigned on the issue day.</summary>
    public IReadOnlyList<UnsignedEntry> UnsignedNotices { get; init; } = [];

    /// <summary>The answers, exemption requests and decisions of the list's window (<see cref="LoopActivities.Window"/>).</summary>
    public IReadOnlyList<LoopActivity> LoopActivities { get; init; } = [];
}

/// <summary>
/// 每周督查清单: every red or yellow task and indicator, every overdue demand, every failed message of the week, one entry
/// per item (an item red all week appears once, with its worst light and latest status). The office receives the whole
/// list; each unit its own part (<see cref="Part(UnitId)"/>).
/// </summary>
/// <param name="Period">The week.</param>
/// <param name="IssuedOn">The day it is issued.</param>
/// <param name="Lights">Red, then yellow; by unit and title.</param>
/// <param name="Demands">By due date.</param>
/// <param name="Failures">By day.</param>
/// <param name="UnitNames">Unit names, for every unit named in the list.</param>
public sealed record WeeklyList(
    DigestPeriod Period,
    LocalDate IssuedOn,
    IReadOnlyList<LightSighting> Lights,
    IReadOnlyList<DemandEntry> Demands,
    IReadOnlyList<FailedMessage> Failures,
    IReadOnlyDictionary<UnitId, string> UnitNames)
{
    /// <summary>
    /// The units this part is for, by id: one for a unit's part, several when one person heads several listed units (they
    /// receive one copy holding each unit's entries); empty for the office's whole list.
    /// </summary>
    public IReadOnlyList<UnitId> PartOf { get; init; } = [];

    /// <summary>未签收的通报和约谈: notices and summonses delivered and still unsigned on the issue day, by delivery date.</summary>
    public IReadOnlyList<UnsignedEntry> UnsignedNotices { get; init; } = [];

    /// <summary>本周答复和处理: the answers submitted, exemptions requested and decisions made in the list's window, oldest first.</summary>
    public IReadOnlyList<LoopActivity> LoopActivities { get; init; } = [];

    public bool IsEmpty => Lights.Count == 0 && Demands.Count == 0 && Failures.Count == 0 && UnsignedNotices.Count == 0 && LoopActivities.Count == 0;

    /// <summary>The units that have anything in the list, by id.</summary>
    public IReadOnlyList<UnitId> Units =>
        [.. Lights.Select(l => l.Unit).Concat(Demands.Select(d => d.Unit)).Concat(Failures.Where(f => f.Unit is not null).Select(f => f.Unit!.Value))
            .Concat(UnsignedNotices.Select(u => u.Unit)).Concat(LoopActivities.Select(a => a.Unit))
            .Distinct().OrderBy(u => u.Value, StringComparer.Ordinal)];

    /// <summary>The unit's own part: its entries only.</summary>
    public WeeklyList Part(UnitId unit) => Part([unit]);

    /// <summary>The part of several units (a principal heading them all): their entries only, in the list's order.</summary>
    public WeeklyList Part(IEnumerable<UnitId> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var set = units.Distinct().OrderBy(u => u.Value, StringComparer.Ordinal).ToList();
        if (set.Count == 0)
        {
            throw new ArgumentException("A part is of at least one unit.", nameof(units));
        }

        return this with
        {
            PartOf = set,
            Lights = [.. Lights.Where(l => set.Contains(l.Unit))],
            Demands = [.. Demands.Where(d => set.Contains(d.Unit))],
            Failures = [.. Failures.Where(f => f.Unit is { } u && set.Contains(u))],
            UnsignedNotices = [.. UnsignedNotices.Where(u => set.Contains(u.Unit))],
            LoopActivities = [.. LoopActivities.Where(a => set.Contains(a.Unit))],
        };
    }

    /// <summary>The unit's name, or its id when it has none.</summary>
    public string NameOf(UnitId unit) => UnitNames.GetValueOrDefault(unit) ?? unit.Value;

    /// <summary>Builds the list of <paramref name="week"/> from what the shell read: green dropped, one entry per item.</summary>
    public static WeeklyList Build(DigestPeriod week, LocalDate issuedOn, WeeklyListInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (week.Kind != DigestKind.WeeklyList)
        {
            throw new ArgumentException($"{week.Key} is not a week.", nameof(week));
        }

        // One entry per item: its worst light of the week, and of the sightings with that light the latest.
        var lights = inputs.Lights
            .Where(l => l.Light != TrafficLight.Green)
            .GroupBy(l => (l.Unit, l.Item))
            .Select(g => g.OrderByDescending(l => l.Light).ThenByDescending(l => l.On).First())
            .OrderByDescending(l => l.Light).ThenBy(l => l.Unit.Value, StringComparer.Ordinal).ThenBy(l => l.IsIndicator).ThenBy(l => l.Title, StringComparer.Ordinal)
            .ToList();
        var demands = inputs.Demands
            .GroupBy(d => (d.Unit, d.Notice))
            .Select(g => g.First())
            .OrderBy(d => d.DueBy).ThenBy(d => d.Unit.Value, StringComparer.Ordinal).ThenBy(d => d.Notice, StringComparer.Ordinal)
            .ToList();
        var failures = inputs.Failures
            .GroupBy(f => f.Message, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(f => f.On).First())
            .OrderBy(f => f.On).ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToList();
        var unsigned = inputs.UnsignedNotices
            .GroupBy(u => (u.Unit, u.Notice))
            .Select(g => g.First())
            .OrderBy(u => u.DeliveredOn).ThenBy(u => u.Unit.Value, StringComparer.Ordinal).ThenBy(u => u.Notice, StringComparer.Ordinal)
            .ToList();
        var activities = inputs.LoopActivities
            .GroupBy(a => (a.Unit, a.Kind, a.Key))
            .Select(g => g.First())
            .OrderBy(a => a.At ?? a.On.AtMidnight()).ThenBy(a => a.Unit.Value, StringComparer.Ordinal).ThenBy(a => a.Kind).ThenBy(a => a.Key, StringComparer.Ordinal)
            .ToList();
        return new WeeklyList(week, issuedOn, lights, demands, failures, inputs.UnitNames) { UnsignedNotices = unsigned, LoopActivities = activities };
    }
}

/// <summary>The demands of a unit's items as digests list them, judged as the demand-overdue rule judges them.</summary>
public static class DemandEntries
{
    /// <summary>
    /// The demands not met by <paramref name="date"/> (no accepted submission on or before it); with
    /// <paramref name="overdueOnly"/>, only those whose due date passed before it, as the demand-overdue rule chases them.
    /// </summary>
    /// <param name="unit">The unit whose items these are (a demand owed by another unit names that one).</param>
    /// <param name="items">The unit's items, with the demands their notices made.</param>
    /// <param name="date">The day judged.</param>
    /// <param name="overdueOnly">True: only past their due date.</param>
    /// <remarks>A notice is shown by its reference (文号) when the log row has one, else by its event id.</remarks>
    public static IEnumerable<DemandEntry> Open(UnitId unit, IEnumerable<ItemState> items, LocalDate date, bool overdueOnly)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Open(unit, items.Select(DemandSource.Of), date, overdueOnly);
    }

    /// <summary>As <see cref="Open(UnitId, IEnumerable{ItemState}, LocalDate, bool)"/>, for tasks and indicator notices alike.</summary>
    public static IEnumerable<DemandEntry> Open(UnitId unit, IEnumerable<DemandSource> sources, LocalDate date, bool overdueOnly)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var source in sources)
        {
            foreach (var demand in source.Demands)
            {
                if (demand.MetOn is { } met && met <= date || overdueOnly && date <= demand.DueBy)
                {
                    continue;
                }

                yield return new DemandEntry(demand.From ?? unit, source.Item, source.Title, demand.Reference ?? demand.Notice.Value, demand.Kind, demand.DueBy);
            }
        }
    }
}

/// <summary>
/// What the demands of one item's notices are listed under: a task (<see cref="ItemState"/>) or the follow-ups of an
/// indicator's notices (<see cref="FollowUpState"/>, item <c>ind:{indicator}</c>).
/// </summary>
/// <param name="Item">The task, or <c>ind:{indicator}</c>.</param>
/// <param name="Title">The task's or the indicator's name.</param>
/// <param name="Demands">What its notices demanded.</param>
public sealed record DemandSource(ItemId Item, string Title, IReadOnlyList<OpenDemand> Demands)
{
    /// <summary>A task's demands.</summary>
    public static DemandSource Of(ItemState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new DemandSource(state.Item.Id, state.Item.Title, state.Demands);
    }

    /// <summary>An indicator's notices' demands.</summary>
    public static DemandSource Of(FollowUpState followUp)
    {
        ArgumentNullException.ThrowIfNull(followUp);
        return new DemandSource(followUp.Item, followUp.Title, followUp.Demands);
    }
}

/// <summary>The notices and summonses a digest lists as unsigned (未签收), judged as of one day.</summary>
public static class UnsignedEntries
{
    /// <summary>
    /// Those of <paramref name="notices"/> delivered on or before <paramref name="date"/> and not signed for by then (a
    /// signature after it does not count for a list of that day); only what is signed for (notices and summonses), never
    /// the chases themselves.
    /// </summary>
    public static IEnumerable<UnsignedEntry> Open(IEnumerable<(UnitId Unit, ItemId Item, string Title, string Notice, EventLevel Level, Events.EventKind Kind, LocalDate DeliveredOn, LocalDate? SignedOn)> notices, LocalDate date)
    {
        ArgumentNullException.ThrowIfNull(notices);
        foreach (var n in notices)
        {
            if (Delivery.Signing.IsSignable(n.Level) && n.Kind != Events.EventKind.Unsigned && n.DeliveredOn <= date && !(n.SignedOn is { } signed && signed <= date))
            {
                yield return new UnsignedEntry(n.Unit, n.Item, n.Title, n.Notice, n.Level, n.DeliveredOn);
            }
        }
    }
}

/// <summary>
/// The closed loop's records a weekly list shows (本周答复和处理): every answer submitted, exemption requested and decision
/// made in the list's window, read from the explanations, exemptionrequests and decisions tables.
/// </summary>
public static class LoopActivities
{
    /// <summary>
    /// The days a list issued on <paramref name="issuedOn"/> covers: the seven days before it (the issue day belongs to the
    /// next list), so that consecutive Monday lists cover each day once and a list rendered again later says the same.
    /// </summary>
    public static DateInterval Window(LocalDate issuedOn) => new(issuedOn.PlusDays(-7), issuedOn.PlusDays(-1));

    /// <summary>The answers, requests and decisions of one partition (a unit's rows) dated within <paramref name="window"/>.</summary>
    /// <param name="answers">The unit's usable answers (explanations).</param>
    /// <param name="requests">The unit's exemption requests.</param>
    /// <param name="decisions">The unit's decisions (on its answers and requests).</param>
    /// <param name="window">The days listed (<see cref="Window"/>).</param>
    /// <param name="zone">The zone instants are dated in.</param>
    /// <param name="titleOf">The name of a task or <c>ind:{indicator}</c>; null when unknown (the id is shown).</param>
    /// <param name="referenceOf">A notice's reference (文号); null when it has none (the event id is shown).</param>
    /// <param name="nameOf">A person's name.</param>
    public static IEnumerable<LoopActivity> Of(
        IReadOnlyList<Answer> answers,
        IReadOnlyList<ExemptionRequest> requests,
        IReadOnlyList<Decision> decisions,
        DateInterval window,
        DateTimeZone zone,
        Func<ItemId, string?> titleOf,
        Func<EventId, string?> referenceOf,
        Func<PersonId, string> nameOf)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(titleOf);
        ArgumentNullException.ThrowIfNull(referenceOf);
        ArgumentNullException.ThrowIfNull(nameOf);
        string Title(ItemId item) => titleOf(item) ?? item.Value;
        string Notice(EventId notice) => referenceOf(notice) ?? notice.Value;

        foreach (var a in answers)
        {
            var at = a.SubmittedAt?.InZone(zone).LocalDateTime;
            var on = at?.Date ?? a.SubmittedOn;
            if (window.Contains(on))
            {
                var seq = a.Seq > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"（第{a.Seq}次）") : "";
                yield return new LoopActivity(a.Submitter, LoopActivityKind.Answer, a.Key, a.Item, Title(a.Item), $"提交{LoopRules.AnswerName(a.Kind)}{seq}",
                    Notice(a.Notice), a.SubmittedBy is { } by ? nameOf(by) : "", on, at, a.Evidence.Count, null);
            }
        }

        foreach (var r in requests)
        {
            var at = r.RequestedAt.InZone(zone).LocalDateTime;
            if (window.Contains(at.Date))
            {
                yield return new LoopActivity(r.Unit, LoopActivityKind.Request, r.Key, r.Item, Title(r.Item), $"豁免申请（{r.Period}）",
                    null, nameOf(r.RequestedBy), at.Date, at, r.Evidence.Count, r.Reason);
            }
        }

        foreach (var d in decisions)
        {
            var at = d.DecidedAt.InZone(zone).LocalDateTime;
            if (!window.Contains(at.Date))
            {
                continue;
            }

            if (d.Table == SubjectTable.Explanations)
            {
                var answer = answers.FirstOrDefault(a => a.Key == d.Subject);
                var item = answer?.Item ?? d.Task;
                var notice = answer?.Notice ?? d.Notice;
                var what = d.Kind switch
                {
                    LoopDecision.Reopen => "认定虚假整改（重新打开）",
                    LoopDecision.Accept when answer?.Kind == DemandKind.Rectification => "采纳整改报告（销号）",
                    _ => LoopRules.Words(d.Kind) + (answer is null ? "答复" : LoopRules.AnswerName(answer.Kind)),
                };
                yield return new LoopActivity(answer?.Submitter ?? d.Unit, LoopActivityKind.Decision, d.Key, item,
                    item is { } i ? Title(i) : "", what, notice is { } n ? Notice(n) : null, nameOf(d.DecidedBy), at.Date, at, null, d.Reason);
            }
            else
            {
                var request = requests.FirstOrDefault(r => r.Key == d.Subject);
                var item = request?.Item ?? d.Task;
                yield return new LoopActivity(request?.Unit ?? d.Unit, LoopActivityKind.Decision, d.Key, item,
                    item is { } i ? Title(i) : "", $"{LoopRules.Words(d.Kind)}豁免申请{(request is null ? "" : "（" + request.Period + "）")}",
                    null, nameOf(d.DecidedBy), at.Date, at, null, d.Reason);
            }
        }
    }
}
