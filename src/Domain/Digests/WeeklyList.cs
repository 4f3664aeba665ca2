using Escalation.Domain.Evaluation;
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

/// <summary>Everything a weekly list is built from (the shell reads it; duplicates are fine, the builder removes them).</summary>
public sealed record WeeklyListInputs(
    IReadOnlyList<LightSighting> Lights,
    IReadOnlyList<DemandEntry> Demands,
    IReadOnlyList<FailedMessage> Failures,
    IReadOnlyDictionary<UnitId, string> UnitNames)
{
    /// <summary>The notices and summonses delivered and still unsigned on the issue day.</summary>
    public IReadOnlyList<UnsignedEntry> UnsignedNotices { get; init; } = [];
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

    public bool IsEmpty => Lights.Count == 0 && Demands.Count == 0 && Failures.Count == 0 && UnsignedNotices.Count == 0;

    /// <summary>The units that have anything in the list, by id.</summary>
    public IReadOnlyList<UnitId> Units =>
        [.. Lights.Select(l => l.Unit).Concat(Demands.Select(d => d.Unit)).Concat(Failures.Where(f => f.Unit is not null).Select(f => f.Unit!.Value))
            .Concat(UnsignedNotices.Select(u => u.Unit))
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
        return new WeeklyList(week, issuedOn, lights, demands, failures, inputs.UnitNames) { UnsignedNotices = unsigned };
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
        foreach (var state in items)
        {
            foreach (var demand in state.Demands)
            {
                if (demand.MetOn is { } met && met <= date || overdueOnly && date <= demand.DueBy)
                {
                    continue;
                }

                yield return new DemandEntry(demand.From ?? unit, state.Item.Id, state.Item.Title, demand.Reference ?? demand.Notice.Value, demand.Kind, demand.DueBy);
            }
        }
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
