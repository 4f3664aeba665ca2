namespace Escalation.Domain.Problems;

/// <summary>
/// The names closest to what someone typed, for "did you mean" hints: a mistyped command or option, an unknown task id,
/// a person or unit written wrongly. One rule everywhere: case-insensitive Levenshtein distance (Quickenshtein), close
/// enough to be a typo when it is at most a third of the longer of the two, and always when it is at most 2.
/// </summary>
public static class Suggestion
{
    /// <summary>How many suggestions a list offers at most.</summary>
    public const int Max = 3;

    /// <summary>The closest candidate close enough to be a typo of <paramref name="typed"/>; null when none is.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates) => Nearest(typed, candidates, 1) is [var best] ? best : null;

    /// <summary>Up to <paramref name="max"/> candidates close enough to be a typo of <paramref name="typed"/>, closest first.</summary>
    public static IReadOnlyList<string> Nearest(string typed, IEnumerable<string> candidates, int max = Max)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        var wanted = typed.Trim();
        return [.. candidates
            .Select(c => (Candidate: c, Distance: Distance(wanted, c)))
            .Where(c => IsTypo(wanted, c.Candidate, c.Distance))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Take(max)
            .Select(c => c.Candidate)];
    }

    /// <summary>Case-insensitive Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Quickenshtein.Levenshtein.GetDistance(a.ToUpperInvariant(), b.ToUpperInvariant());
    }

    /// <summary>Whether <paramref name="distance"/> edits between the two are few enough to call one a typo of the other.</summary>
    public static bool IsTypo(string typed, string candidate, int distance)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidate);
        return distance <= Math.Max(2, Math.Max(typed.Length, candidate.Length) / 3);
    }
}
