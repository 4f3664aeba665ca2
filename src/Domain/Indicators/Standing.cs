using Escalation.Domain.Items;

namespace Escalation.Domain.Indicators;

/// <summary>
/// A unit's place in its ranking group for one period. Ties share a place and the next place is skipped (competition
/// ranking: 1, 2, 2, 4), from either end: <see cref="Rank"/> counts the units strictly better plus one,
/// <see cref="RankFromBottom"/> the units strictly worse plus one. So "top k" (<c>Rank ≤ k</c>) and "bottom k"
/// (<c>RankFromBottom ≤ k</c>) include every unit tied at the boundary: with 60, 62, 63, 63 at the bottom, four units
/// are in the bottom three.
/// </summary>
/// <param name="Unit">The unit.</param>
/// <param name="Value">Its value.</param>
/// <param name="Rank">Its place from the top, 1 the best.</param>
/// <param name="RankFromBottom">Its place from the bottom, 1 the worst.</param>
public readonly record struct Standing(UnitId Unit, double Value, int Rank, int RankFromBottom)
{
    /// <summary>True when the unit is among the top <paramref name="k"/>, ties at the boundary included.</summary>
    public bool InTop(int k) => Rank <= k;

    /// <summary>True when the unit is among the bottom <paramref name="k"/>, ties at the boundary included.</summary>
    public bool InBottom(int k) => RankFromBottom <= k;
}

/// <summary>Ranks a group's values for one period.</summary>
public static class Ranking
{
    /// <summary>Values closer than this are tied: 63 and 63.0000000001 share a place.</summary>
    private const double Tolerance = 1e-9;

    /// <summary>
    /// The standings of <paramref name="values"/>, best first (ties in unit id order, for a stable scoreboard), in
    /// O(n log n). Higher values are better unless <paramref name="direction"/> says lower.
    /// </summary>
    public static Standing[] Rank(ReadOnlySpan<(UnitId Unit, double Value)> values, IndicatorDirection direction)
    {
        var sorted = values.ToArray();
        var sign = direction == IndicatorDirection.HigherIsBetter ? -1 : 1;
        Array.Sort(sorted, (a, b) =>
        {
            var c = (sign * a.Value).CompareTo(sign * b.Value);
            return c != 0 ? c : string.CompareOrdinal(a.Unit.Value, b.Unit.Value);
        });

        var n = sorted.Length;
        var standings = new Standing[n];
        for (var i = 0; i < n; i++)
        {
            var rank = i > 0 && Tied(sorted[i].Value, sorted[i - 1].Value) ? standings[i - 1].Rank : i + 1;
            standings[i] = new Standing(sorted[i].Unit, sorted[i].Value, rank, 0);
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var fromBottom = i < n - 1 && Tied(sorted[i].Value, sorted[i + 1].Value) ? standings[i + 1].RankFromBottom : n - i;
            standings[i] = standings[i] with { RankFromBottom = fromBottom };
        }

        return standings;
    }

    private static bool Tied(double a, double b) => Math.Abs(a - b) <= Tolerance;
}
