using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Digests;

/// <summary>
/// The salutation (称谓) a digest copy opens with, as a 公文 addresses its 主送机关: a copy that goes to a mailbox standing for
/// an office or a unit is addressed to the office or unit, never to a comrade by the mailbox's name.
/// <list type="bullet">
/// <item>the supervision office's copy (its person is often a shared mailbox, 公共邮箱): 「督查室：」;</item>
/// <item>a unit's part of the weekly list: 「{unit}：」 (a principal of several listed units, one copy with each unit's
/// part: joined with 、, in id order);</item>
/// <item>the monthly notice to a unit's principal: 「{unit}：」 (several units: joined with 、, in id order);</item>
/// <item>anyone else (a lead official): 「{name}同志：」.</item>
/// </list>
/// </summary>
public static class DigestGreeting
{
    /// <summary>The supervision office's salutation.</summary>
    public const string Office = "督查室：";

    /// <param name="person">The recipient.</param>
    /// <param name="name">The recipient's name in the people table (used only for a person addressed in person).</param>
    /// <param name="parts">The units whose parts of the weekly list the copy carries; empty for a whole digest.</param>
    /// <param name="roster">Who holds which role.</param>
    public static string For(PersonId person, string name, IReadOnlyCollection<UnitId> parts, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(roster);
        if (person == roster.SupervisionOffice)
        {
            return Office;
        }

        if (parts.Count > 0)
        {
            return $"{string.Join("、", parts.OrderBy(u => u.Value, StringComparer.Ordinal).Select(u => roster.Units.GetValueOrDefault(u)?.Name ?? u.Value))}：";
        }

        var led = roster.Units.Values.Where(u => u.Principal == person).OrderBy(u => u.Id.Value, StringComparer.Ordinal).Select(u => u.Name).ToList();
        return led.Count > 0 ? $"{string.Join("、", led)}：" : $"{name}同志：";
    }
}
