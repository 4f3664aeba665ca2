using Escalation.Domain.Catalog;
using Escalation.Domain.Problems;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Import;

/// <summary>A person or unit as a reference may name it: its id, its name, and a detail telling namesakes apart.</summary>
public sealed record Named(string Id, string Name, string? Detail)
{
    public override string ToString() => Detail is null ? $"{Id}（{Name}）" : $"{Id}（{Name}，{Detail}）";
}

/// <summary>
/// The people and units an import knows (stored rows with the incoming ones in place of those with the same id), by id
/// and by name: admins often write 吴昊 where a person id is expected, or 商务局 for a unit id. A name that belongs to
/// exactly one person (or unit) stands for that id; otherwise the closest ids and names are suggested.
/// </summary>
public sealed class NameLookup
{
    private readonly Dictionary<Reference, Dictionary<string, Named>> _byId = new()
    {
        [Reference.Person] = new(StringComparer.Ordinal),
        [Reference.Unit] = new(StringComparer.Ordinal),
    };

    private readonly Dictionary<Reference, ILookup<string, Named>> _byName = [];

    private NameLookup(IEnumerable<UnitRow> units, IEnumerable<PersonRow> people)
    {
        foreach (var unit in units)
        {
            if (Clean(unit.Id) is { } id && Clean(unit.Name) is { } name)
            {
                _byId[Reference.Unit][id] = new Named(id, name, null);
            }
        }

        foreach (var person in people)
        {
            if (Clean(person.Id) is { } id && Clean(person.Name) is { } name)
            {
                var detail = string.Join(" ", new[] { Clean(person.Unit), Clean(person.Title) }.Where(d => d is not null));
                _byId[Reference.Person][id] = new Named(id, name, detail.Length == 0 ? null : detail);
            }
        }

        foreach (var (kind, byId) in _byId)
        {
            _byName[kind] = byId.Values.ToLookup(n => n.Name, StringComparer.Ordinal);
        }
    }

    /// <summary>The stored units and people, overridden by the incoming rows of the same id.</summary>
    public static NameLookup Of(AdminData stored, IEnumerable<SourceRow> incomingUnits, IEnumerable<SourceRow> incomingPeople)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new NameLookup(
            stored.Units.Concat(incomingUnits.Select(r => AdminTables.Units.Create(r.Field))),
            stored.People.Concat(incomingPeople.Select(r => AdminTables.People.Create(r.Field))));
    }

    /// <summary>The word for a kind of reference, as messages use it.</summary>
    public static string Word(Reference kind) => kind == Reference.Unit ? "单位" : "人员";

    public bool IsId(Reference kind, string value) => _byId[kind].ContainsKey(value);

    /// <summary>Everyone (or every unit) with this name.</summary>
    public IReadOnlyList<Named> WithName(Reference kind, string value) => [.. _byName[kind][value]];

    /// <summary>
    /// The ids and names closest to a value that is neither: those containing it or contained in it first, then those a
    /// typo away (<see cref="Suggestion"/>); at most three.
    /// </summary>
    public IReadOnlyList<Named> Closest(Reference kind, string value)
    {
        var scored = new List<(int Score, Named Named)>();
        foreach (var candidate in _byId[kind].Values)
        {
            var (score, text) = new[] { (Score(value, candidate.Id), candidate.Id), (Score(value, candidate.Name), candidate.Name) }.MinBy(s => s.Item1);
            if (score == 0 || Suggestion.IsTypo(value, text, score))
            {
                scored.Add((score, candidate));
            }
        }

        return [.. scored.OrderBy(s => s.Score).ThenBy(s => s.Named.Id, StringComparer.Ordinal).Take(Suggestion.Max).Select(s => s.Named)];
    }

    /// <summary>0 when one contains the other (two characters at least), else the edit distance.</summary>
    private static int Score(string value, string candidate) =>
        Math.Min(value.Length, candidate.Length) >= 2
        && (candidate.Contains(value, StringComparison.OrdinalIgnoreCase) || value.Contains(candidate, StringComparison.OrdinalIgnoreCase))
            ? 0
            : Suggestion.Distance(value, candidate);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
