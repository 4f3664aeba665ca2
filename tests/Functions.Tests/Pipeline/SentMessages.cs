using Escalation.Domain.Delivery;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>One message a provider accepted: its dispatch id and the ids of the events it carried.</summary>
internal sealed record SentMessage(string DispatchId, IReadOnlyList<string> Events)
{
    /// <summary>The delivery ids it stands for: <c>{event}:{channel}:{person}</c> for each event it carried.</summary>
    public IEnumerable<string> DeliveryIds
    {
        get
        {
            var key = DispatchKey.TryParse(DispatchId) ?? throw new InvalidOperationException($"'{DispatchId}' is not a dispatch id.");
            return Events.Select(e => $"{e}:{key.Partition}");
        }
    }
}

/// <summary>
/// "Each delivery sent once" for messages that carry several events: the ledger's Sent rows and the messages the providers
/// accepted agree one to one.
/// </summary>
internal static class SentMessages
{
    /// <summary>What the sandbox's recording senders answered Sent, on both channels.</summary>
    public static IReadOnlyList<SentMessage> Accepted(Sandbox sandbox) =>
    [
        .. sandbox.Email.Sent.Select(c => new SentMessage(c.Email.DispatchId, c.Email.Events)),
        .. sandbox.Sms.Sent.Select(c => new SentMessage(c.Sms.DispatchId, c.Sms.Events)),
    ];

    /// <summary>
    /// Every Sent delivery is carried by exactly one accepted message to its person on its channel, the one its
    /// <see cref="Delivery.DispatchId"/> names; every event an accepted message carries is a Sent delivery; and no message
    /// id was accepted twice.
    /// </summary>
    public static void AssertEachSentDeliveryCarriedOnce(IEnumerable<Delivery> ledger, IReadOnlyCollection<SentMessage> accepted)
    {
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).ToList();

        Assert.All(accepted.CountBy(m => m.DispatchId), c => Assert.True(c.Value == 1, $"Message {c.Key} was accepted {c.Value} times."));
        Assert.Equal(
            sent.Select(d => d.Id).Order(StringComparer.Ordinal),
            accepted.SelectMany(m => m.DeliveryIds).Order(StringComparer.Ordinal));
        var carrier = accepted.SelectMany(m => m.DeliveryIds.Select(id => (Id: id, m.DispatchId))).ToDictionary(c => c.Id, c => c.DispatchId, StringComparer.Ordinal);
        Assert.All(sent, d => Assert.Equal(carrier[d.Id], d.DispatchId));
    }
}
