using System.Diagnostics;
using Escalation.Functions.Messaging;
using Escalation.Functions.Telemetry;
using Escalation.Functions.Tests.Host;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>
/// The propagation decorator alone: each published message carries the producer span's context as W3C
/// <c>traceparent</c> and as the Service Bus <c>Diagnostic-Id</c>, and a receiver reads it back.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class TracingPublisherTests
{
    private static OutgoingMessage Message(string id, params (string Key, string Value)[] properties) =>
        new(id, BinaryData.FromString("{}"), properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    [Fact]
    public async Task Publish_StampsEachMessageWithTheProducerSpansContext_AsTraceparentAndDiagnosticId()
    {
        using var capture = new TelemetryCapture();
        var inner = new RecordingPublisher();
        var publisher = new TracingPublisher(inner);

        await publisher.Publish("events", [Message("ev-1", ("Unit", "jtj"), ("Email", "true")), Message("ev-2", ("Unit", "wjw"), ("Sms", "true"))]);

        var span = Assert.Single(capture.Spans);
        Assert.Equal(("send events", ActivityKind.Producer), (span.DisplayName, span.Kind));
        Assert.Equal("servicebus", span.GetTagItem("messaging.system"));
        Assert.Equal("events", span.GetTagItem("messaging.destination.name"));
        Assert.Equal(2, span.GetTagItem("messaging.batch.message_count"));
        var expected = span.Id; // W3C: 00-{trace id}-{span id}-{flags}
        var published = inner.To("events");
        Assert.Equal(["ev-1", "ev-2"], published.Select(m => m.MessageId));
        Assert.StartsWith($"00-{span.TraceId}-{span.SpanId}-", expected, StringComparison.Ordinal);
        Assert.All(published, m =>
        {
            Assert.Equal(expected, m.Properties[TraceContext.TraceParent]);
            Assert.Equal(expected, m.Properties[TraceContext.DiagnosticId]);
            Assert.Equal(span.Context.TraceId, TraceContext.Extract(m.Properties).TraceId);
            Assert.Equal(span.Context.SpanId, TraceContext.Extract(m.Properties).SpanId);
        });
        Assert.Equal(("jtj", "true"), (published[0].Properties["Unit"], published[0].Properties["Email"]));
        Assert.Equal(("wjw", "true"), (published[1].Properties["Unit"], published[1].Properties["Sms"]));
    }

    [Fact]
    public async Task Publish_ContinuesTheCallersTrace_AndKeepsAContextTheMessageAlreadyCarries()
    {
        using var capture = new TelemetryCapture();
        using var source = new ActivitySource(EngineTelemetry.Name);
        var inner = new RecordingPublisher();
        const string Earlier = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        using (var caller = source.StartActivity("caller"))
        {
            await new TracingPublisher(inner).Publish("evaluate", [Message("evaluate:2026-06-01:jtj", (TraceContext.TraceParent, Earlier))]);
        }

        var send = capture.Spans.Single(s => s.Kind == ActivityKind.Producer);
        var caller2 = capture.Spans.Single(s => s.DisplayName == "caller");
        Assert.Equal(caller2.SpanId, send.ParentSpanId);
        Assert.Equal(caller2.TraceId, send.TraceId);
        Assert.Equal("evaluate:2026-06-01:jtj", send.GetTagItem("messaging.message.id"));
        var message = Assert.Single(inner.To("evaluate"));
        Assert.Equal(Earlier, message.Properties[TraceContext.TraceParent]);
    }

    [Fact]
    public async Task Publish_PassesTheMessagesThroughUntouched_WhenNothingListens()
    {
        var inner = new RecordingPublisher();
        var message = Message("ev-1", ("Unit", "jtj"));

        await new TracingPublisher(inner).Publish("events", [message]);

        Assert.Same(message, Assert.Single(inner.To("events")));
    }

    [Theory]
    [InlineData("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")]
    [InlineData("Diagnostic-Id", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")]
    [InlineData("Diagnostic-Id", "|4bf92f3577b34da6a3ce929d0e0e4736.00f067aa0ba902b7.", null, null)] // an old SDK's hierarchical id
    [InlineData("traceparent", "00-not-a-context-01", null, null)]
    [InlineData("Unit", "jtj", null, null)]
    public void Extract_ReadsTraceparentElseAW3CDiagnosticId(string key, string value, string? traceId, string? spanId)
    {
        var context = TraceContext.Extract(new Dictionary<string, string>(StringComparer.Ordinal) { [key] = value });

        Assert.Equal((traceId, spanId), traceId is null
            ? ((string?)null, (string?)null)
            : (context.TraceId.ToHexString(), context.SpanId.ToHexString()));
        Assert.Equal(traceId is null, context == default);
    }

    [Fact]
    public void Extract_PrefersTraceparent_WhenBothAreThere()
    {
        var context = TraceContext.Extract(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TraceContext.DiagnosticId] = "00-11111111111111111111111111111111-2222222222222222-01",
            [TraceContext.TraceParent] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            [TraceContext.TraceState] = "congo=t61rcWkgMzE",
        });

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", context.TraceId.ToHexString());
        Assert.Equal("congo=t61rcWkgMzE", context.TraceState);
        Assert.True(context.IsRemote);
    }
}
