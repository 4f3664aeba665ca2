using Escalation.Domain.Timelines;

namespace Escalation.Domain.Evaluation;

/// <summary>红黄绿: an item's status at a glance.</summary>
public enum TrafficLight
{
    /// <summary>On or ahead of plan.</summary>
    Green,

    /// <summary>Behind plan by no more than the yellow band.</summary>
    Yellow,

    /// <summary>Further behind, or a milestone overdue.</summary>
    Red,
}

/// <summary>
/// Green when reported progress is at least planned; yellow when behind by up to <see cref="YellowWithin"/> points;
/// red when further behind or when a milestone is overdue.
/// </summary>
public sealed record TrafficLightPolicy(double YellowWithin = 10)
{
    public static TrafficLightPolicy Default { get; } = new();

    public TrafficLight Classify(double planned, double reported, bool milestoneOverdue)
    {
        if (milestoneOverdue)
        {
            return TrafficLight.Red;
        }

        if (!Timeline.IsBelow(reported, planned))
        {
            return TrafficLight.Green;
        }

        return Timeline.IsBelow(reported, planned - YellowWithin) ? TrafficLight.Red : TrafficLight.Yellow;
    }
}
