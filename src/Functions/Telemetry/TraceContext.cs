using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace Escalation.Functions.Telemetry;

/// <summary>
/// A trace context carried in a message's application properties: W3C <c>traceparent</c> (and <c>tracestate</c>), and
/// the same traceparent value under <c>Diagnostic-Id</c>, the property the Service Bus SDKs and the Functions host read
/// and write. Reading prefers <c>traceparent</c>, else a W3C-formatted <c>Diagnostic-Id</c> (an older SDK's hierarchical
/// id is not a W3C context and is ignored).
/// </summary>
public static class TraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string DiagnosticId = "Diagnostic-Id";

    private static readonly TraceContextPropagator Propagator = new();

    /// <summary>
    /// The properties with <paramref name="context"/> added; properties already there are kept (a message that already
    /// carries a context keeps it, as the Service Bus SDK does). The same dictionary when there is nothing to add.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Inject(ActivityContext context, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (context == default)
        {
            return properties;
        }

        var added = new Dictionary<string, string>(StringComparer.Ordinal);
        Propagator.Inject(new PropagationContext(context, default), added, static (carrier, key, value) => carrier[key] = value);
        if (added.TryGetValue(TraceParent, out var traceParent))
        {
            added[DiagnosticId] = traceParent;
        }

        var result = new Dictionary<string, string>(properties, StringComparer.Ordinal);
        foreach (var (key, value) in added)
        {
            result.TryAdd(key, value);
        }

        return result;
    }

    /// <summary>The context in <paramref name="properties"/>, or <c>default</c> when they carry none that is valid.</summary>
    public static ActivityContext Extract(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.ContainsKey(TraceParent))
        {
            var extracted = Propagator.Extract(default, properties, static (carrier, key) =>
                carrier.TryGetValue(key, out var value) ? [value] : []);
            if (extracted.ActivityContext != default)
            {
                return extracted.ActivityContext;
            }
        }

        return properties.TryGetValue(DiagnosticId, out var diagnosticId)
            && ActivityContext.TryParse(diagnosticId, properties.GetValueOrDefault(TraceState), isRemote: true, out var context)
            ? context
            : default;
    }
}
