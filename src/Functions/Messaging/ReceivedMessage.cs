namespace Escalation.Functions.Messaging;

/// <summary>A message as a trigger hands it over: from the Functions host (Service Bus) or from the in-process bus.</summary>
/// <param name="MessageId">The broker's message id (may be empty when the host did not pass it).</param>
/// <param name="Body">The body bytes.</param>
/// <param name="DeliveryCount">How many times it has been handed over, this time included.</param>
/// <param name="Properties">Application properties.</param>
public sealed record ReceivedMessage(string MessageId, BinaryData Body, int DeliveryCount, IReadOnlyDictionary<string, string> Properties);

/// <summary>
/// How a trigger ends for a message that was understood: completed, or parked as a dead letter because it can never
/// succeed (malformed, or naming something that does not exist). Failures that may pass are exceptions instead, so the
/// message is abandoned and delivered again.
/// </summary>
public abstract record Settlement
{
    private Settlement()
    {
    }

    /// <summary>Done; <paramref name="Summary"/> says what was done, for the invocation's log.</summary>
    public sealed record Completed(string Summary) : Settlement;

    /// <summary>Can never succeed: park it with the reason.</summary>
    public sealed record DeadLetter(string Reason) : Settlement;
}
