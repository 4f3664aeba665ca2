using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Evaluation;

/// <summary>A responsible unit and the people in its roles.</summary>
/// <param name="Id">The unit.</param>
/// <param name="Name">Its name as shown in messages, e.g. 商务局.</param>
/// <param name="Principal">主要负责人.</param>
/// <param name="DeputyInCharge">分管负责同志.</param>
/// <param name="LeadOfficial">分管市领导, used when an item names no sponsor of its own.</param>
public sealed record UnitRoster(UnitId Id, string Name, PersonId? Principal = null, PersonId? DeputyInCharge = null, PersonId? LeadOfficial = null)
{
    /// <summary>
    /// Who holds the unit's principal, deputy or lead-official role (null for an empty role or any other role). An item's
    /// own lead official may differ: this is the unit's, as a rule naming the unit (<c>unit:fgw/lead-official</c>) means.
    /// </summary>
    public PersonId? Holder(RecipientRole role) => role switch
    {
        RecipientRole.UnitPrincipal => Principal,
        RecipientRole.DeputyInCharge => DeputyInCharge,
        RecipientRole.LeadOfficial => LeadOfficial,
        _ => null,
    };
}

/// <summary>Who holds which role: the units' people and the supervision office's mailbox.</summary>
public sealed record Roster(IReadOnlyDictionary<UnitId, UnitRoster> Units, PersonId? SupervisionOffice)
{
    private static readonly IReadOnlyDictionary<PersonId, UnitId> NoMembers = new Dictionary<PersonId, UnitId>();

    /// <summary>
    /// The unit each person belongs to (the people table's <c>Unit</c>), for people who have one: the accountability level
    /// never reaches a person of the unit an event is about (<see cref="Accountability.AccountabilityLevel.Screen"/>).
    /// </summary>
    public IReadOnlyDictionary<PersonId, UnitId> Members { get; init; } = NoMembers;

    public static Roster Of(IEnumerable<UnitRoster> units, PersonId? supervisionOffice) =>
        new(units.ToDictionary(u => u.Id), supervisionOffice);
}

/// <summary>An explanation or rectification that a notice demanded of an item's unit.</summary>
/// <param name="Notice">The notice that demanded it.</param>
/// <param name="Kind">Explanation or rectification.</param>
/// <param name="DueBy">The last day it is on time.</param>
/// <param name="MetOn">The day it was submitted (and accepted), or null while outstanding.</param>
/// <remarks>A demand owed by several units is one <see cref="OpenDemand"/> per unit, each met on its own.</remarks>
public sealed record OpenDemand(EventId Notice, DemandKind Kind, LocalDate DueBy, LocalDate? MetOn = null)
{
    /// <summary>The unit that owes it; null for the item's unit.</summary>
    public UnitId? From { get; init; }

    /// <summary>The notice's reference (文号) as logged, for people to read; null when it has none (then its event id stands in).</summary>
    public string? Reference { get; init; }
}

/// <summary>
/// A notice or summons of an item delivered to its unit, and whether it was signed for (签收): what the unsigned chase
/// (<see cref="TriggerKind.Unsigned"/>) judges.
/// </summary>
/// <param name="Notice">The notice's event id.</param>
/// <param name="Level">Its level: only notices and summonses are signed for (<see cref="Delivery.Signing.IsSignable(EventLevel)"/>).</param>
/// <param name="DeliveredOn">The local date its status first became delivered (or partly failed).</param>
public sealed record DeliveredNotice(EventId Notice, EventLevel Level, LocalDate DeliveredOn)
{
    /// <summary>The local date it was signed for; null while unsigned. A signature after the evaluated day does not count yet.</summary>
    public LocalDate? SignedOn { get; init; }

    /// <summary>Its reference (文号) as issued; null when it has none.</summary>
    public string? Reference { get; init; }

    /// <summary>What it was about: an unsigned chase is never itself chased.</summary>
    public EventKind Kind { get; init; }
}

/// <summary>
/// What one unit still owes on an item that is not one of its tasks: the notices of an indicator (<c>ind:{indicator}</c>)
/// logged under the unit. Only the follow-up of its notices is judged (<see cref="Evaluator.EvaluateFollowUps"/>: the
/// demand-overdue and unsigned rules), never a plan, lights, reports or lag; the indicator's own rules judge its values.
/// </summary>
/// <param name="Item">The item its notices name, <c>ind:{indicator}</c>.</param>
/// <param name="Unit">The unit they were addressed to (the log's partition), which owes their demands and signs for them.</param>
/// <param name="Title">The indicator's name, as messages say it.</param>
/// <param name="Demands">Explanations demanded by its notices, each met by an answer (as a task's).</param>
/// <param name="Notices">Its notices and summonses delivered to the unit, signed or not.</param>
public sealed record FollowUpState(ItemId Item, UnitId Unit, string Title, IReadOnlyList<OpenDemand> Demands, IReadOnlyList<DeliveredNotice> Notices);

/// <summary>Whether a cause the supervision office recorded exempts anything: objective (客观) does, subjective (主观) does not.</summary>
public enum CauseKind
{
    /// <summary>客观: an approved objective cause; what it names raises nothing.</summary>
    Objective,

    /// <summary>主观: a subjective cause; recorded (and shown in a missed start's facts), exempts nothing.</summary>
    Subjective,
}

/// <summary>The cause recorded for an item's missed start.</summary>
/// <param name="Cause">Objective or subjective.</param>
/// <param name="Reason">The reason as the office wrote it, or null.</param>
public sealed record StartCause(CauseKind Cause, string? Reason);

/// <summary>Everything the engine knows of one item on evaluation day.</summary>
/// <param name="Item">The item and its plan.</param>
/// <param name="Progress">Its progress reports.</param>
/// <param name="ExemptPeriods">Keys of periods (e.g. <c>2024-05</c>) the supervision office exempted for special objective reasons: they neither count nor break a streak.</param>
/// <param name="Demands">Explanations and rectifications demanded by earlier notices.</param>
public sealed record ItemState(
    SupervisedItem Item,
    ProgressHistory Progress,
    IReadOnlySet<string> ExemptPeriods,
    IReadOnlyList<OpenDemand> Demands)
{
    private static readonly IReadOnlySet<string> NoPeriods = new HashSet<string>();

    /// <summary>
    /// The day the engine first saw the item (first imported, or first evaluated), local date. Lag streaks count only
    /// periods closed on or after it, unless a go-live date is set (<see cref="StreaksCountFrom"/>). Null when the
    /// caller does not know it: every period since the item's start then counts. The shell always passes it, using
    /// the evaluation day for an item it has never seen (<see cref="SeenBy"/>).
    /// </summary>
    public LocalDate? FirstSeen { get; init; }

    /// <summary>
    /// Due dates of checkpoints (milestones, a template's stages, the deadline) exempted for an objective cause: they raise
    /// nothing (due-soon, overdue and its repeats), and missing them does not make a period lag.
    /// </summary>
    public IReadOnlySet<LocalDate> ExemptCheckpoints { get; init; } = NoDates;

    /// <summary>The cause recorded for a missed start, or null when none is recorded (which counts as subjective).</summary>
    public StartCause? StartCause { get; init; }

    /// <summary>The item's notices and summonses delivered to its unit, signed or not, for the unsigned chase (未签收).</summary>
    public IReadOnlyList<DeliveredNotice> Notices { get; init; } = [];

    private static readonly IReadOnlySet<LocalDate> NoDates = new HashSet<LocalDate>();

    public static ItemState Of(
        SupervisedItem item,
        IEnumerable<ProgressReport>? reports = null,
        IEnumerable<string>? exemptPeriods = null,
        IEnumerable<OpenDemand>? demands = null,
        LocalDate? firstSeen = null) =>
        new(item,
            reports is null ? ProgressHistory.Empty : ProgressHistory.From(reports),
            exemptPeriods is null ? NoPeriods : exemptPeriods.ToHashSet(StringComparer.Ordinal),
            demands?.ToList() ?? [])
        {
            FirstSeen = firstSeen,
        };

    /// <summary>The item as a run on <paramref name="today"/> sees it: never seen before means first seen today.</summary>
    public ItemState SeenBy(LocalDate today) => FirstSeen is null ? this with { FirstSeen = today } : this;

    /// <summary>
    /// The first close date a lag streak of this item counts: the go-live date when one is set (it wins for every item,
    /// earlier or later than the item's first-seen date), else the first-seen date, else the start; never before the
    /// item's start. A period closed before it neither counts nor breaks a streak: the streak simply begins there.
    /// </summary>
    public LocalDate StreaksCountFrom(LocalDate? goLive)
    {
        var from = goLive ?? FirstSeen ?? Item.Start;
        return from > Item.Start ? from : Item.Start;
    }
}

/// <summary>Tunables of an evaluation run.</summary>
/// <param name="CatchUpWorkingDays">
/// A one-off occurrence (a milestone passing, a period closing, a report or demand falling due) is still raised this
/// many working days later, so that a run missed for an outage catches up; older ones are not raised, so that a first
/// run over historic data does not issue a year of notices at once.
/// </param>
/// <param name="Lights">The traffic-light thresholds.</param>
/// <param name="GoLive">
/// The go-live date (上线日期) an admin declared: lag streaks of every item count periods closed on or after it (or
/// after the item's start, if later), instead of after the day the engine first saw the item. Set it earlier than the
/// first import to count months the office already supervised by hand; null (the default) counts per item from its
/// first-seen date, so that a first run over imported history starts each unit at the bottom of the ladder.
/// </param>
/// <param name="LagGapForHeads">
/// The minimum lag gap for heads (通知单位负责人的最小落后幅度), in percentage points: a reminder-level lag event whose gap
/// (planned − reported, rounded to one decimal as messages show it) is below it goes to the item's owner only, whatever
/// roles its rule names, so that a unit head is not formally reminded of a lag of 0.1 points. At or above it, the rule's
/// recipients. Notices and summons always follow their rule: they are earned by the streak, not by the size of one gap.
/// </param>
public sealed record EvaluationOptions(int CatchUpWorkingDays = 10, TrafficLightPolicy? Lights = null, LocalDate? GoLive = null, double LagGapForHeads = 5)
{
    public static EvaluationOptions Default { get; } = new();

    /// <summary>The largest value <see cref="LagGapForHeads"/> may take.</summary>
    public const double MaxLagGapForHeads = 100;

    public TrafficLightPolicy LightPolicy => Lights ?? TrafficLightPolicy.Default;
}
