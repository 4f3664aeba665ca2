using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Delivery;

/// <summary>
/// Who an event goes to on a channel. On email and SMS: each recipient once (addressed before copied). On a robot channel
/// (WeCom, DingTalk) the group, not the person: each recipient maps to the robot of their unit's group on that platform
/// (the supervision office to the office's robot), and each robot gets the event once, addressed as the dispatch "person"
/// <c>robot-{id}</c>, so that one unit's posts merge per (channel, robot, day, level) like a person's messages. A
/// recipient whose group has no robot stays as themselves and is skipped (their contact has no address on the channel).
/// </summary>
public static class RobotAddressing
{
    /// <summary>Each person once per event: addressed before copied, first role named wins.</summary>
    public static IEnumerable<Recipient> Distinct(IEnumerable<Recipient> recipients) =>
        recipients.OrderBy(r => r.IsCopy).DistinctBy(r => r.Person);

    /// <summary>The recipients of <paramref name="e"/>'s deliveries on <paramref name="channel"/> (see the class).</summary>
    public static IReadOnlyList<Recipient> Targets(EscalationEvent e, Channel channel, Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(configuration);
        var people = Distinct(e.Recipients).ToList();
        if (!ChannelCatalog.IsRobot(channel))
        {
            return people;
        }

        // Addressed first, so that a robot is addressed when any of its unit's recipients is, a copy only when all are.
        return
        [
            .. people
                .Select(r => RobotOf(r, channel, configuration) is { } robot ? r with { Person = robot.Person, Unit = null, UnitName = null } : r)
                .DistinctBy(r => r.Person),
        ];
    }

    /// <summary>
    /// The robot that <paramref name="recipient"/>'s group has on <paramref name="platform"/>: the office's for the
    /// supervision office (role or person), else that of the person's unit (the people table's Unit, else the unit the
    /// rule named the role of); null when there is none.
    /// </summary>
    public static Robot? RobotOf(Recipient recipient, Channel platform, Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (recipient.Role == RecipientRole.SupervisionOffice || recipient.Person == configuration.Roster.SupervisionOffice)
        {
            return configuration.Robots.For(null, platform);
        }

        var unit = configuration.People.GetValueOrDefault(recipient.Person)?.Unit ?? recipient.Unit;
        return unit is null ? null : configuration.Robots.For(unit, platform);
    }

    /// <summary>
    /// The mobiles a post of <paramref name="robot"/> about <paramref name="events"/> @-mentions: those of the events'
    /// addressed recipients (not copies) whose group is the robot's, each once, in the order met.
    /// </summary>
    public static IReadOnlyList<string> Mentions(Robot robot, IEnumerable<EscalationEvent> events, Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(robot);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(configuration);
        return
        [
            .. events
                .SelectMany(e => Distinct(e.Recipients))
                .Where(r => !r.IsCopy && RobotOf(r, robot.Platform, configuration)?.Id == robot.Id)
                .Select(r => configuration.People.GetValueOrDefault(r.Person)?.Mobile)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal),
        ];
    }
}
