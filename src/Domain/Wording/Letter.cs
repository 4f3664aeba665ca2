using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Wording;

/// <summary>One item of a letter: an event, how it is worded, and whether this person receives it as a copy (抄送).</summary>
/// <param name="Event">The event.</param>
/// <param name="Template">
/// The template its rule names, or null when that template does not exist: the letter then uses the shipped template
/// of the same id, or else the shipped wording for its kind and level. A template that does not validate is treated
/// the same way: rendering never fails for want of wording.
/// </param>
/// <param name="IsCopy">True when this person receives it as a copy (抄送), for information, not to act on.</param>
public sealed record LetterItem(EscalationEvent Event, MessageTemplate? Template, bool IsCopy);

/// <summary>
/// What one message to one person, on one channel, on one day, at one level says: all the events due to them that day
/// at that level, addressed and copied.
/// </summary>
/// <param name="RecipientName">The person's name for the salutation (张三同志：); null or empty for none.</param>
/// <param name="Level">The level of every item.</param>
/// <param name="Day">The working day it is delivered: the letter is dated and signed with it.</param>
/// <param name="Items">At least one; any order (the wording orders them); the same event twice counts once.</param>
public sealed record Letter(string? RecipientName, EventLevel Level, LocalDate Day, IReadOnlyList<LetterItem> Items)
{
    /// <summary>
    /// The channels this person receives these items on; null when not known (then an email is assumed). A grouped text
    /// message points to the email (详见邮件) only when there is one.
    /// </summary>
    public IReadOnlyList<Channel>? ReachedBy { get; init; }

    /// <summary>True unless the person is known to get no email about these items.</summary>
    public bool HasEmail => ReachedBy is null || ReachedBy.Contains(Channel.Email);
}
