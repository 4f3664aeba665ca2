namespace Escalation.Domain.Catalog;

/// <summary>Which person of the people table a signed-in account is (<see cref="Accounts.Match"/>).</summary>
public abstract record AccountMatch
{
    private AccountMatch()
    {
    }

    /// <summary>No person has any of the account's names as Login or Email.</summary>
    public sealed record Nobody : AccountMatch;

    /// <summary>Exactly one person.</summary>
    public sealed record One(Contact Person) : AccountMatch;

    /// <summary>
    /// Several people at the same strength (several Logins, or no Login and several Emails): the account is refused
    /// rather than given whichever person sorts first, whose role may be another's.
    /// </summary>
    /// <param name="People">The people the account matched, by id.</param>
    /// <param name="ByLogin">True when they matched by Login, false by Email.</param>
    public sealed record Ambiguous(IReadOnlyList<Contact> People, bool ByLogin) : AccountMatch;
}

/// <summary>A sign-in name (Login or Email) that more than one person has at the same strength.</summary>
/// <param name="Name">The name as the first of them writes it.</param>
/// <param name="People">The people, by id.</param>
/// <param name="ByLogin">True for a Login, false for an Email no Login takes precedence over.</param>
public sealed record SharedAccount(string Name, IReadOnlyList<Contact> People, bool ByLogin);

/// <summary>
/// How a signed-in account's names map to people: a person whose <see cref="Contact.Login"/> equals one of the names
/// first (Login is the sign-in name written for that purpose), else a person whose <see cref="Contact.Email"/> does;
/// ignoring case. Two people at the same strength are a conflict, never a choice. Group robots are nobody.
/// </summary>
public static class Accounts
{
    public static AccountMatch Match(IEnumerable<Contact> people, IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(names);
        var set = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidates = people.Where(p => p.Robot is null).OrderBy(p => p.Id.Value, StringComparer.Ordinal).ToList();
        foreach (var byLogin in new[] { true, false })
        {
            var matched = candidates.Where(p => (byLogin ? p.Login : p.Email) is { } name && set.Contains(name)).ToList();
            switch (matched.Count)
            {
                case 1:
                    return new AccountMatch.One(matched[0]);
                case > 1:
                    return new AccountMatch.Ambiguous(matched, byLogin);
            }
        }

        return new AccountMatch.Nobody();
    }

    /// <summary>
    /// The names that would make <see cref="Match"/> refuse an account named so: a Login several people have, and an
    /// Email several people have that no one's Login is (a Login match comes first and settles it).
    /// </summary>
    public static IReadOnlyList<SharedAccount> Shared(IEnumerable<Contact> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var candidates = people.Where(p => p.Robot is null).OrderBy(p => p.Id.Value, StringComparer.Ordinal).ToList();
        var logins = candidates.Where(p => p.Login is not null).Select(p => p.Login!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        IEnumerable<SharedAccount> By(bool byLogin) => candidates
            .Where(p => (byLogin ? p.Login : p.Email) is not null)
            .GroupBy(p => byLogin ? p.Login! : p.Email!, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1 && (byLogin || !logins.Contains(g.Key)))
            .Select(g => new SharedAccount(byLogin ? g.First().Login! : g.First().Email!, [.. g], byLogin));
        return [.. By(byLogin: true), .. By(byLogin: false)];
    }
}
