namespace Escalation.Functions.Commands;

/// <summary>The closest of some names to what someone typed: for "did you mean" hints on mistyped commands and options.</summary>
internal static class Suggestion
{
    /// <summary>
    /// The candidate with the smallest edit distance to <paramref name="typed"/> (case-insensitive), when that distance is
    /// small enough to be a typo (at most a third of the longer of the two, and at least 1); null otherwise.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance && distance <= Math.Max(1, Math.Max(typed.Length, candidate.Length) / 3))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Damerau–Levenshtein distance (optimal string alignment): a swapped pair of letters counts as one edit.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
