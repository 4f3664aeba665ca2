using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Escalation.Domain.Rules;
using Escalation.Domain.Delivery;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Telemetry;
using Escalation.Functions.Tests.Host;
using Microsoft.Extensions.Logging.Abstractions;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>
/// The Azure shell: the trace context reaches the handler in the host's metadata (the Service Bus trigger's
/// <c>ApplicationProperties</c>, and <c>UserProperties</c>, its back-compat name), and the engine continues it, as
/// ServeCommand composes it (the publisher wrapped in <see cref="TracingPublisher"/>).
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class HandlerTraceTests
{
    private const string Day = "2026-06-01";
    private const string Unit = "wjw";

    /// <summary>A context the scan's send span would have stamped on the evaluate message.</summary>
    private static readonly ActivityContext Sent = new(
        ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded, isRemote: true);

    public enum Metadata
    {
        /// <summary>Extension 5.x: both names, the same object.</summary>
        Both,

        /// <summary>Only the back-compat name (older extensions).</summary>
        UserPropertiesOnly,

        /// <summary>Only the current name.</summary>
        ApplicationPropertiesOnly,
    }

    public static TheoryData<Metadata, string> Cases => new()
    {
        { Metadata.Both, TraceContext.TraceParent },
        { Metadata.UserPropertiesOnly, TraceContext.TraceParent },
        { Metadata.ApplicationPropertiesOnly, TraceContext.TraceParent },
        { Metadata.Both, TraceContext.DiagnosticId },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostMetadata_CarriesTheTraceFromEvaluateUnitToDeliverEmail_AndOnToTheMessagesSend(Metadata metadata, string property)
    {
        using var capture = new TelemetryCapture();
        await using var handler = await HandlerHarness.Start();
        var engine = new Engine(handler.Tables, new TracingPublisher(handler.Publisher), ChannelSet.Of(handler.Email, handler.Sms), DeliveryOptions.Default, handler.Clock, HandlerHarness.Zone, NullLoggerFactory.Instance);
        handler.EngineFactory = () => engine;
        var w3c = $"00-{Sent.TraceId}-{Sent.SpanId}-01";
        var evaluate = HostPayloads.Message(
            EvaluateUnit,
            BinaryData.FromString($$"""{"unitId":"{{Unit}}","date":"{{Day}}"}"""),
            BodyForm.Base64,
            $"evaluate:{Day}:{Unit}",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = Unit, [property] = w3c },
            HandlerHarness.ScanTime);
        Shape(evaluate, metadata);

        var evaluated = await handler.Post(EvaluateUnit, evaluate);
        var notice = handler.Publisher.To(ServiceBusEntities.EventsTopic).OrderBy(m => m.MessageId, StringComparer.Ordinal).First();
        var deliver = HostPayloads.Message(DeliverEmail, notice.Body, BodyForm.Base64, notice.MessageId, notice.Properties, HandlerHarness.ScanTime, correlationId: notice.CorrelationId);
        Shape(deliver, metadata);
        var delivered = await handler.Post(DeliverEmail, deliver);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (evaluated.Status, delivered.Status));
        var spans = capture.Spans;
        var evaluation = Assert.Single(spans, s => s.DisplayName == EngineTelemetry.EvaluateUnit);
        Assert.Equal((Sent.TraceId, Sent.SpanId), (evaluation.TraceId, evaluation.ParentSpanId));
        Assert.Equal((Unit, "evaluate", 1), (evaluation.GetTagItem("escalation.unit.id"), evaluation.GetTagItem("messaging.destination.name"), evaluation.GetTagItem("messaging.servicebus.message.delivery_count")));
        var send = Assert.Single(spans, s => s.DisplayName == "send events" && s.ParentSpanId == evaluation.SpanId);
        Assert.Equal(evaluation.SpanId, send.ParentSpanId);
        Assert.Equal(send.Id, notice.Properties[TraceContext.TraceParent]);
        var email = Assert.Single(spans, s => s.DisplayName == EngineTelemetry.DeliverFunction(Channel.Email));
        Assert.Equal((Sent.TraceId, send.SpanId), (email.TraceId, email.ParentSpanId));
        Assert.Equal(("events", "email", notice.MessageId), (email.GetTagItem("messaging.destination.name"), email.GetTagItem("messaging.destination.subscription.name"), email.GetTagItem("messaging.message.id")));

        // The event joined its recipients' messages; each message goes at its time, in the same trace.
        var joined = Assert.Single(spans, s => s.DisplayName == "send events" && s.ParentSpanId == email.SpanId);
        var dispatch = handler.Publisher.To(ServiceBusEntities.EventsTopic).First(m => DispatchNotice.Is(m.Body) && m.Properties.ContainsKey(nameof(Channel.Email)));
        Assert.Equal(joined.Id, dispatch.Properties[TraceContext.TraceParent]);
        handler.Clock.Reset(dispatch.ScheduledEnqueueTime!.Value);
        var sendPayload = HostPayloads.Message(DeliverEmail, dispatch.Body, BodyForm.Base64, dispatch.MessageId, dispatch.Properties, dispatch.ScheduledEnqueueTime!.Value, correlationId: dispatch.CorrelationId);
        Shape(sendPayload, metadata);
        var sent = await handler.Post(DeliverEmail, sendPayload);

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Equal(1, handler.Email.Sent);
        var sending = Assert.Single(capture.Spans, s => s.DisplayName == EngineTelemetry.DeliverFunction(Channel.Email) && s.ParentSpanId == joined.SpanId);
        Assert.Equal(Sent.TraceId, sending.TraceId);
    }

    [Fact]
    public async Task AMessageWithoutContext_StartsATraceOfItsOwn_AndADeadLetterMarksTheSpanFailed()
    {
        using var capture = new TelemetryCapture();
        await using var handler = await HandlerHarness.Start();
        var request = HostPayloads.Message(
            EvaluateUnit, BinaryData.FromString("""{"unitId":"wjw","date":"the first of June"}"""), BodyForm.Base64, "evaluate:x", new Dictionary<string, string>(), HandlerHarness.ScanTime);

        var answer = await handler.Post(EvaluateUnit, request);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.Outputs.ContainsKey(PoisonBinding));
        var span = Assert.Single(capture.Spans);
        Assert.Equal((EngineTelemetry.EvaluateUnit, default(ActivitySpanId)), (span.DisplayName, span.ParentSpanId));
        Assert.Equal((ActivityStatusCode.Error, "dead-lettered"), (span.Status, span.GetTagItem("escalation.outcome")));
    }

    private static void Shape(JsonObject request, Metadata metadata)
    {
        var meta = request["Metadata"]!.AsObject();
        switch (metadata)
        {
            case Metadata.UserPropertiesOnly:
                meta.Remove("ApplicationProperties");
                break;
            case Metadata.ApplicationPropertiesOnly:
                meta.Remove("UserProperties");
                break;
        }
    }
}
