namespace Escalation.Functions.Sending.China;

/// <summary>One post to a group robot: a title, the items, and the people to @ by mobile.</summary>
/// <param name="Title">The heading, e.g. 督办提醒（3项）; DingTalk also shows it in the conversation list.</param>
/// <param name="Items">The items, rendered one per line within the platform's size limit.</param>
/// <param name="MentionMobiles">Mobiles of the people to @ (E.164 +86… or 11 digits); they must be members of the group.</param>
public sealed record RobotNotice(string Title, IReadOnlyList<RobotItem> Items, IReadOnlyList<string> MentionMobiles)
{
    /// <summary>The mobiles as both platforms take them: digits only, a mainland number without +86, each once.</summary>
    internal IReadOnlyList<string> Mobiles() =>
        MentionMobiles
            .Select(m => new string([.. (m ?? "").Where(c => char.IsAsciiDigit(c) || c == '+')]))
            .Select(m => m.StartsWith("+86", StringComparison.Ordinal) ? m[3..] : m.StartsWith("0086", StringComparison.Ordinal) ? m[4..] : m.TrimStart('+'))
            .Where(m => m.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
