using System.Diagnostics;
using System.Diagnostics.Metrics;
using Escalation.Domain.Calendar;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Host;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;

namespace Escalation.Functions.Telemetry;

/// <summary>
/// The engine's traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, and the few calls the pipeline makes. A reminder's path is one trace: <c>ScanDeadlines</c> (a
/// root span) → <c>send evaluate</c> → <c>EvaluateUnit</c> → <c>send events</c> → <c>DeliverEmail</c> / <c>DeliverSms</c>
/// (→ <c>send events</c> → the deferred or retried delivery), the context travelling in each message's
/// <c>traceparent</c> / <c>Diagnostic-Id</c> application properties (<see cref="TracingPublisher"/>).
/// <para>
/// Nothing personal goes into a span, an event or a tag: ids (event, unit, item, rule, message), levels, kinds, channels
/// and counts only; never a body, a name, an address or a phone number. Exceptions are recorded by type, not by message
/// (a provider's error text may quote an address). Without a listener (no exporter configured) no span is created.
/// </para>
/// </summary>
public static class EngineTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Escalation";

    /// <summary>The spans that start a function's work are named after the function (its folder in FunctionApp/).</summary>
    public const string ScanDeadlines = CustomHandler.Names.ScanDeadlines;
    public const string ScanAfternoon = CustomHandler.Names.ScanAfternoon;

    public const string EvaluateUnit = CustomHandler.Names.EvaluateUnit;

    /// <summary>Counter of events logged for the first time; tags <c>level</c>, <c>kind</c>.</summary>
    public const string EventsMetric = "escalation.events";

    /// <summary>Counter of delivery outcomes, per recipient; tags <c>channel</c>, <c>outcome</c> (<see cref="DeliveryOutcomes"/>).</summary>
    public const string DeliveriesMetric = "escalation.deliveries";

    /// <summary>Histogram of a scan's duration, in seconds.</summary>
    public const string ScanDurationMetric = "escalation.scan.duration";

    /// <summary>Histogram of a unit's evaluation, in seconds; tag <c>outcome</c> (completed, dead-lettered, failed).</summary>
    public const string EvaluateDurationMetric = "escalation.evaluate.duration";

    /// <summary>The name of the span event added for each event logged (on the EvaluateUnit span).</summary>
    public const string EventLoggedEvent = "escalation.event.logged";

    private static readonly ActivitySource Source = new(Name, typeof(EngineTelemetry).Assembly.GetName().Version?.ToString());
    private static readonly Meter Meter = new(Name, typeof(EngineTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(EventsMetric, "{event}", "Escalation events logged for the first time.");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(DeliveriesMetric, "{delivery}", "Delivery outcomes, one per recipient and attempt.");
    private static readonly Histogram<double> ScanDuration = Meter.CreateHistogram<double>(ScanDurationMetric, "s", "Duration of ScanDeadlines.");
    private static readonly Histogram<double> EvaluateDuration = Meter.CreateHistogram<double>(EvaluateDurationMetric, "s", "Duration of EvaluateUnit.");

    /// <summary>The outcomes <see cref="CountDelivery"/> counts.</summary>
    public static class DeliveryOutcomes
    {
        public const string Sent = "sent";
        public const string Deferred = "deferred";
        public const string Failed = "failed";
        public const string Skipped = "skipped";
        public const string Retry = "retry";
    }

    /// <summary>The function name of a delivery: <c>Deliver{Channel}</c>.</summary>
    public static string DeliverFunction(Channel channel) => Sending.ChannelSet.FunctionName(channel);

    /// <summary>
    /// Runs ScanDeadlines in a root span (kind server, trigger timer): a trace starts at each scan, not in whatever request
    /// carried the timer, which is linked instead. Records the scan's duration.
    /// </summary>
    public static async Task<ScanOutcome> Scan(Func<Task<ScanOutcome>> run) => await Scan(ScanDeadlines, run).ConfigureAwait(false);

    /// <summary>Runs a scan function (<see cref="ScanDeadlines"/> or <see cref="ScanAfternoon"/>) in a root span; see <see cref="Scan(Func{Task{ScanOutcome}})"/>.</summary>
    public static async Task<ScanOutcome> Scan(string function, Func<Task<ScanOutcome>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var watch = Stopwatch.StartNew();
        using var span = StartEntry(function, ActivityKind.Server, default, [new("faas.trigger", "timer")]);
        try
        {
            var outcome = await run().ConfigureAwait(false);
            span?.SetTag("escalation.scan.date", IsoDate.Format(outcome.Date))
                .SetTag("escalation.scan.units", outcome.Units)
                .SetTag("escalation.scan.indicators", outcome.Indicators)
                .SetTag("escalation.configuration.problems", outcome.ConfigurationProblems);
            ScanDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", "completed"));
            return outcome;
        }
        catch (Exception e)
        {
            Failed(span, e);
            ScanDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", "failed"));
            throw;
        }
    }

    /// <summary>Runs EvaluateUnit on <paramref name="message"/> (queue <c>evaluate</c>) in a consumer span; see <see cref="Consume"/>.</summary>
    public static Task<Settlement> Evaluate(ReceivedMessage message, Func<Task<Settlement>> handle) =>
        Consume(EvaluateUnit, ServiceBusEntities.EvaluateQueue, null, message, handle);

    /// <summary>Runs Deliver{Channel} on <paramref name="message"/> (topic <c>events</c>) in a consumer span; see <see cref="Consume"/>.</summary>
    public static Task<Settlement> Deliver(Channel channel, ReceivedMessage message, Func<Task<Settlement>> handle) =>
        Consume(
            DeliverFunction(channel),
            ServiceBusEntities.EventsTopic,
            Sending.ChannelSet.SubscriptionName(channel),
            message,
            handle);

    /// <summary>
    /// Runs a message trigger (EvaluateUnit, DeliverEmail, DeliverSms) in a consumer span whose parent is the context
    /// the message carries (<see cref="TraceContext.Extract"/>); a root, when it carries none. The span says how the
    /// message was settled; an exception marks it failed (by type) and goes on.
    /// </summary>
    /// <param name="function">The function's name, which names the span.</param>
    /// <param name="entity">The queue or topic the message came from.</param>
    /// <param name="subscription">The topic's subscription, or null for a queue.</param>
    /// <param name="message">The message received.</param>
    /// <param name="handle">The function's body.</param>
    private static async Task<Settlement> Consume(string function, string entity, string? subscription, ReceivedMessage message, Func<Task<Settlement>> handle)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(handle);
        var watch = Stopwatch.StartNew();
        List<KeyValuePair<string, object?>> tags =
        [
            new("faas.trigger", "pubsub"),
            new("messaging.system", TracingPublisher.MessagingSystem),
            new("messaging.operation.type", "process"),
            new("messaging.destination.name", entity),
            new("messaging.message.id", message.MessageId),
            new("messaging.servicebus.message.delivery_count", message.DeliveryCount),
        ];
        if (subscription is not null)
        {
            tags.Add(new("messaging.destination.subscription.name", subscription));
        }

        if (message.Properties.TryGetValue("Unit", out var unit))
        {
            tags.Add(new("escalation.unit.id", unit));
        }

        if (message.Properties.TryGetValue("Indicator", out var indicator))
        {
            tags.Add(new("escalation.indicator.id", indicator));
        }

        using var span = StartEntry(function, ActivityKind.Consumer, TraceContext.Extract(message.Properties), tags);
        var outcome = "failed";
        try
        {
            var settlement = await handle().ConfigureAwait(false);
            outcome = settlement is Settlement.DeadLetter ? "dead-lettered" : "completed";
            if (span is not null)
            {
                span.SetTag("escalation.outcome", outcome);
                if (settlement is Settlement.DeadLetter dead)
                {
                    span.SetStatus(ActivityStatusCode.Error, dead.Reason);
                }
            }

            return settlement;
        }
        catch (Exception e)
        {
            Failed(span, e);
            throw;
        }
        finally
        {
            if (function == EvaluateUnit)
            {
                EvaluateDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
            }
        }
    }

    /// <summary>An event logged for the first time: counted by level and kind, and noted on the current span by its ids.</summary>
    public static void EventLogged(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var level = e.Level.ToString();
        var kind = e.Kind.ToString();
        Events.Add(1, new KeyValuePair<string, object?>("level", level), new KeyValuePair<string, object?>("kind", kind));
        Activity.Current?.AddEvent(new ActivityEvent(EventLoggedEvent, tags: new ActivityTagsCollection
        {
            ["escalation.event.id"] = e.Id.Value,
            ["escalation.rule.id"] = e.Rule.Value,
            ["escalation.item.id"] = e.Item.Value,
            ["escalation.unit.id"] = e.Unit.Value,
            ["escalation.level"] = level,
            ["escalation.kind"] = kind,
        }));
    }

    /// <summary>One delivery's outcome on a channel (one of <see cref="DeliveryOutcomes"/>).</summary>
    public static void CountDelivery(Channel channel, string outcome) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel.ToString()), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A producer span for one publication to <paramref name="entity"/>.</summary>
    internal static Activity? StartProducer(string entity, IReadOnlyList<OutgoingMessage> messages)
    {
        List<KeyValuePair<string, object?>> tags =
        [
            new("messaging.system", TracingPublisher.MessagingSystem),
            new("messaging.operation.type", "send"),
            new("messaging.destination.name", entity),
            new("messaging.batch.message_count", messages.Count),
        ];
        if (messages.Count == 1)
        {
            tags.Add(new("messaging.message.id", messages[0].MessageId));
        }

        return Source.StartActivity($"send {entity}", ActivityKind.Producer, default(ActivityContext), tags);
    }

    /// <summary>
    /// A span that starts a function's work: a child of <paramref name="parent"/> when there is one, else a root; never a
    /// child of the ambient activity (the handler's HTTP request, which is not exported), which is linked instead.
    /// Activity.Current is cleared only inside the calling async method, so the caller's is untouched.
    /// </summary>
    private static Activity? StartEntry(string name, ActivityKind kind, ActivityContext parent, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var ambient = Activity.Current;
        ActivityLink[]? links = ambient is not null && ambient.Context != parent ? [new ActivityLink(ambient.Context)] : null;
        Activity.Current = null;
        return Source.StartActivity(name, kind, parent, tags, links);
    }

    private static void Failed(Activity? span, Exception e)
    {
        if (span is null)
        {
            return;
        }

        // The type only: a message may quote an address or a body.
        span.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        span.SetTag("error.type", e.GetType().FullName);
    }
}
