using System.Globalization;
using System.Text.RegularExpressions;

namespace Escalation.Domain.Events;

/// <summary>
/// How an occurrence key names the round of a repeat: <c>overdue:2026-06-05</c> for the first event, then
/// <c>overdue:2026-06-05:r1</c>, <c>:r2</c>, ... The one place that writes the suffix and reads it back.
/// </summary>
public static partial class OccurrenceKey
{
    /// <summary>The key of round <paramref name="round"/> of <paramref name="occurrence"/> (round 0 is the key itself).</summary>
    public static string WithRound(string occurrence, int round) =>
        round == 0 ? occurrence : occurrence + ":r" + round.ToString(CultureInfo.InvariantCulture);

    /// <summary>The occurrence without its round, and the round (0 for the first event).</summary>
    public static (string Base, int Round) Split(string occurrence)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        return RoundSuffix().Match(occurrence) is { Success: true } m
            ? (occurrence[..m.Index], int.Parse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture))
            : (occurrence, 0);
    }

    [GeneratedRegex(@":r([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RoundSuffix();
}
