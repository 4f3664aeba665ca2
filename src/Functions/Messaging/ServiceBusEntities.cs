namespace Escalation.Functions.Messaging;

/// <summary>
/// The Service Bus entities the engine uses, named once: function.json bindings, the Bicep and the local bus use the
/// same names (tests check the function folders against these).
/// </summary>
public static class ServiceBusEntities
{
    /// <summary>Queue of "evaluate this unit on this date" requests, one per unit per scan.</summary>
    public const string EvaluateQueue = "evaluate";

    /// <summary>
    /// Topic of events to deliver and of messages to send; one subscription per channel, named by
    /// <see cref="Sending.ChannelSet.SubscriptionName"/> and filtered on <see cref="Sending.ChannelSet.FilterProperty"/>.
    /// </summary>
    public const string EventsTopic = "events";

    /// <summary>Queue where messages that can never succeed (malformed, unknown event) are parked with the reason.</summary>
    public const string PoisonQueue = "poison";
}
