using System.Diagnostics;
using Escalation.Functions.Messaging;

namespace Escalation.Functions.Telemetry;

/// <summary>
/// Publishes through <paramref name="inner"/> in a producer span (<c>send {entity}</c>), and stamps each message with
/// that span's context (<see cref="TraceContext"/>), so that the function the message triggers continues the trace.
/// Without a span (no exporter configured) it stamps the ambient context, if any, and otherwise passes the messages
/// through untouched. Both shells wrap their publisher with it: the Service Bus publisher in Azure, the in-process bus
/// locally.
/// </summary>
public sealed class TracingPublisher(IMessagePublisher inner) : IMessagePublisher
{
    /// <summary>The OpenTelemetry <c>messaging.system</c> of Azure Service Bus.</summary>
    public const string MessagingSystem = "servicebus";

    public async Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var span = EngineTelemetry.StartProducer(entity, messages);
        var context = span?.Context ?? Activity.Current?.Context ?? default;
        var stamped = context == default
            ? messages
            : [.. messages.Select(m => m with { Properties = TraceContext.Inject(context, m.Properties) })];
        try
        {
            await inner.Publish(entity, stamped, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            span?.SetTag("error.type", e.GetType().FullName);
            throw;
        }
    }
}
