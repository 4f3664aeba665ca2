using Escalation.Functions.Messaging;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>Forwards to the bus, but publishing to <paramref name="failing"/> throws: the process dying right before it.</summary>
internal sealed class FailingPublisher(IMessagePublisher inner, string failing) : IMessagePublisher
{
    /// <summary>How many publications to the failing entity were refused.</summary>
    public int Refused { get; private set; }

    public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        if (entity == failing)
        {
            Refused++;
            throw new InvalidOperationException($"simulated crash before publishing to '{entity}'");
        }

        return inner.Publish(entity, messages, cancellationToken);
    }
}
