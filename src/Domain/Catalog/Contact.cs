using System.Text.RegularExpressions;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Catalog;

/// <summary>How to reach a person. Addresses are validated and normalized: mobiles in E.164 (<c>+8613812345678</c>).</summary>
public sealed record Contact(PersonId Id, string Name, UnitId? Unit, string? Title, string? Email, string? Mobile, IReadOnlyList<Channel> Channels)
{
    /// <summary>The address for a channel, or null when the person has none or does not take that channel.</summary>
    public string? AddressFor(Channel channel) => Channels.Contains(channel) ? ChannelCatalog.Of(channel).Address(this) : null;

    /// <summary>
    /// For the contact of a group robot (robots table, person id <c>robot-{id}</c>): the robot's id, its address on its
    /// platform's channel. Null for people.
    /// </summary>
    public string? Robot { get; init; }

    /// <summary>The role written in the people table (网页角色), or null for the default (<see cref="WebRoles.Of"/>).</summary>
    public WebRole? WebRole { get; init; }

    /// <summary>The sign-in name (登录账号) when it is not <see cref="Email"/>, or null.</summary>
    public string? Login { get; init; }

    /// <summary>
    /// The people table's Unit cell when it names no unit (a typo), or null. Such a person has no <see cref="Unit"/> and,
    /// until the cell is corrected, no web access (<see cref="WebRoles.Of"/>): without it the default would make a unit's
    /// reporter a leader who sees every unit.
    /// </summary>
    public string? UnknownUnit { get; init; }
}

/// <summary>Address formats the engine accepts.</summary>
public static partial class ContactAddress
{
    /// <summary>A plain mailbox <c>local@domain.tld</c>; display names and lists are not addresses.</summary>
    public static bool IsEmail(string text) => text.Length <= 254 && EmailPattern().IsMatch(text);

    /// <summary>
    /// A mainland mobile (11 digits starting 13–19, optionally with +86/86/0086 and spaces or dashes) or any E.164 number;
    /// returns it in E.164, or null when it is neither.
    /// </summary>
    public static string? NormalizeMobile(string text)
    {
        var compact = string.Concat(text.Where(c => c is not (' ' or '-' or '(' or ')')));
        if (compact.StartsWith("0086", StringComparison.Ordinal))
        {
            compact = "+86" + compact[4..];
        }

        if (MainlandPattern().IsMatch(compact))
        {
            return "+86" + compact;
        }

        if (compact.StartsWith("86", StringComparison.Ordinal) && compact.Length == 13 && MainlandPattern().IsMatch(compact[2..]))
        {
            return "+" + compact;
        }

        if (compact.StartsWith("+86", StringComparison.Ordinal))
        {
            return MainlandPattern().IsMatch(compact[3..]) ? compact : null;
        }

        return E164Pattern().IsMatch(compact) ? compact : null;
    }

    /// <summary>An address with most of it hidden, for logs and exports: <c>zh***@example.gov.cn</c>, <c>+86138****5678</c>.</summary>
    public static string Mask(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "";
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            return address[..Math.Min(2, at)] + "***" + address[at..];
        }

        return address.Length <= 8 ? "****" : address[..6] + "****" + address[^4..];
    }

    [GeneratedRegex(@"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex MainlandPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164Pattern();
}
