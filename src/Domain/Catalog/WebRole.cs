using Escalation.Domain.Items;

namespace Escalation.Domain.Catalog;

/// <summary>What a person may do on the web (people column <c>Role</c>, 网页角色).</summary>
public enum WebRole
{
    /// <summary>无: no access to the web pages.</summary>
    None,

    /// <summary>督查室: the supervision office, sees and manages everything.</summary>
    Office,

    /// <summary>填报员: a unit's reporter, sees and answers only for their own unit.</summary>
    Reporter,

    /// <summary>领导: leadership, sees everything, changes nothing.</summary>
    Leader,
}

/// <summary>Parsing and defaulting of <see cref="WebRole"/>.</summary>
public static class WebRoles
{
    private static readonly Dictionary<string, WebRole> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["office"] = WebRole.Office, ["督查室"] = WebRole.Office,
        ["reporter"] = WebRole.Reporter, ["填报员"] = WebRole.Reporter,
        ["leader"] = WebRole.Leader, ["领导"] = WebRole.Leader,
        ["none"] = WebRole.None, ["无"] = WebRole.None,
    };

    /// <summary>The accepted words, for problem reports.</summary>
    public const string Accepted = "office/督查室、reporter/填报员、leader/领导 或 none/无";

    /// <summary>The role a cell names, or null when it names none (an empty cell is not a role either).</summary>
    public static WebRole? Parse(string? text) =>
        text is not null && Names.TryGetValue(text.Trim(), out var role) ? role : null;

    /// <summary>
    /// A person's role: the one written in the people table, else by default the supervision office's person is the
    /// office, a person with a unit is that unit's reporter, and a person without a unit is leadership. A reporter
    /// without a unit sees nothing (there is no unit to see), so that is <see cref="WebRole.None"/>; so is anyone whose
    /// Unit cell names no unit (<see cref="Contact.UnknownUnit"/>), whatever their role: a typo must not turn a unit's
    /// reporter into a leader who sees every unit, so access waits until the cell is corrected.
    /// </summary>
    public static WebRole Of(Contact person, PersonId? supervisionOffice)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (person.UnknownUnit is not null)
        {
            return WebRole.None;
        }

        var role = person.WebRole ?? (person.Id == supervisionOffice ? WebRole.Office : person.Unit is null ? WebRole.Leader : WebRole.Reporter);
        return role == WebRole.Reporter && person.Unit is null ? WebRole.None : role;
    }
}
