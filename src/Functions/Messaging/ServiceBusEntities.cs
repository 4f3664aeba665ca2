namespace Escalation.Functions.Messaging;

/// <summary>
/// The Service Bus entities the engine uses, named once: function.json bindings, the Bicep and the local bus use the
/// same names (tests check the function folders against these).
/// </summary>
public static class ServiceBusEntities
{
    /// <summary>Queue of "evaluate this unit on this date" requests, one per unit per scan.</summary>
    public const string EvaluateQueue = "evaluate";

    /// <summary>Topic of events to deliver; one subscription per channel.</summary>
    public const string EventsTopic = "events";

    /// <summary>Subscription of <see cref="EventsTopic"/> taking messages whose <c>Email</c> property is <c>true</c>.</summary>
    public const string EmailSubscription = "email";

    /// <summary>Subscription of <see cref="EventsTopic"/> taking messages whose <c>Sms</c> property is <c>true</c>.</summary>
    public const string SmsSubscription = "sms";

    /// <summary>Queue where messages that can never succeed (malformed, unknown event) are parked with the reason.</summary>
    public const string PoisonQueue = "poison";
}
