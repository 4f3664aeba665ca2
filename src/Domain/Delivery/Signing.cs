using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Delivery;

/// <summary>Whether a person may sign for (签收) an event.</summary>
public enum SignRight
{
    /// <summary>They may: an addressee of it, or a reporter of the unit it is about.</summary>
    Allowed,

    /// <summary>Nobody signs for it: a reminder, an accountability recommendation (never sent to the unit) or an event logged only.</summary>
    NotSignable,

    /// <summary>It is signable, but not by them: the office and leadership do not sign on a unit's behalf, nor do copies.</summary>
    NotAddressee,
}

/// <summary>
/// 签收: every notice and summons sent is signed for once, by its addressee; the first signature stands. Pure rules, so
/// that the web page, the sign endpoint and the unsigned chase agree on what is signable and by whom.
/// </summary>
public static class Signing
{
    /// <summary>True for what is signed for: notices and summonses (not reminders, not accountability recommendations).</summary>
    public static bool IsSignable(EventLevel level) => level is EventLevel.Notice or EventLevel.Summons;

    /// <summary>True when the event is one its addressees sign for: a notice or summons that is sent (not logged only).</summary>
    public static bool IsSignable(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return IsSignable(e.Level) && !e.LogOnly;
    }

    /// <summary>
    /// Whether <paramref name="person"/> (of unit <paramref name="personUnit"/>, with web role <paramref name="role"/>) may
    /// sign for <paramref name="e"/>: an addressed (not copied) recipient may, whatever their role but none; so may a
    /// reporter of the event's unit, or of a unit it is addressed to or demands of (a builder owing a special
    /// explanation). The office and leadership, and anyone only copied, may not sign on a unit's behalf.
    /// </summary>
    public static SignRight Right(EscalationEvent e, PersonId person, UnitId? personUnit, WebRole role)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!IsSignable(e))
        {
            return SignRight.NotSignable;
        }

        if (role == WebRole.None)
        {
            return SignRight.NotAddressee;
        }

        if (e.Recipients.Any(r => !r.IsCopy && r.Person == person))
        {
            return SignRight.Allowed;
        }

        return role == WebRole.Reporter && personUnit is { } unit && UnitsAddressed(e).Contains(unit) ? SignRight.Allowed : SignRight.NotAddressee;
    }

    /// <summary>The units an event is addressed to: its own, those of addressed roles of named units, and those owing its demand.</summary>
    public static IReadOnlySet<UnitId> UnitsAddressed(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var units = new HashSet<UnitId> { e.Unit };
        foreach (var r in e.Recipients.Where(r => !r.IsCopy && r.Unit is not null))
        {
            units.Add(r.Unit!.Value);
        }

        if (e.Demand is { } demand)
        {
            units.UnionWith(demand.From);
        }

        return units;
    }
}
