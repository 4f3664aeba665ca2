using System.Diagnostics;
using System.Text.RegularExpressions;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Telemetry;
using Escalation.Functions.Tests.Pipeline;
using NodaTime;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>
/// Local mode (the same engine and in-process bus as <c>run</c>) under the app's telemetry with in-memory exporters:
/// a reminder's path from the scan to each delivery is one trace, the context rides in the messages' properties, the
/// metrics count events, deliveries and the scan, and nothing personal reaches a span.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed partial class PipelineTraceTests
{
    // SampleMonday: the run at 10:00 evaluates 24 units and 9 indicators; three R3 notices of tasks and four events of
    // indicators (I1, I2, I4 by email; I8 by email and SMS): 16 email deliveries and 7 SMS sent, 4 SMS skipped (the
    // office has no mobile number), in 11 emails and 6 SMS.
    private static readonly Instant Run = SampleMonday.Run;
    private const string CaoEmail = "caofang@jtj.gov.example";

    [GeneratedRegex(@"[^\s@<>""']+@[^\s@<>""']+\.[^\s@<>""']+")]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"\d{11,}")]
    private static partial Regex ElevenDigits();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    [Fact]
    public async Task ATrace_RunsFromScanDeadlinesThroughEvaluateUnitAndThePublishesToDeliverEmail_ForEveryReminder()
    {
        using var capture = new TelemetryCapture();
        using var sandbox = await Sandbox.WithSamples(Run);
        var local = sandbox.Local();
        var received = Tap(local.Bus);
        var logged = new List<EscalationEvent>();
        local.OnLogged(logged.Add);

        await sandbox.Cycle(local, Run);
        var spans = capture.Spans;

        // One root: the scan. Every span of the cycle is in its trace.
        var scan = Assert.Single(spans, s => s.DisplayName == EngineTelemetry.ScanDeadlines);
        Assert.Equal((ActivityKind.Server, default(ActivitySpanId)), (scan.Kind, scan.ParentSpanId));
        Assert.All(spans, s => Assert.Equal(scan.TraceId, s.TraceId));
        Assert.Equal("2026-06-01", scan.GetTagItem("escalation.scan.date"));
        var byId = spans.ToDictionary(s => s.SpanId);
        Activity ParentOf(Activity s) => byId[s.ParentSpanId];

        // ScanDeadlines -> send evaluate -> EvaluateUnit (one per unit, and one per indicator: the city-wide step)
        var sendEvaluate = Assert.Single(spans, s => s.DisplayName == "send evaluate");
        Assert.Equal((ActivityKind.Producer, scan.SpanId), (sendEvaluate.Kind, sendEvaluate.ParentSpanId));
        var evaluations = spans.Where(s => s.DisplayName == EngineTelemetry.EvaluateUnit).ToList();
        Assert.Equal((24, 9), (scan.GetTagItem("escalation.scan.units"), scan.GetTagItem("escalation.scan.indicators")));
        Assert.Equal(24, evaluations.Count(e => e.GetTagItem("escalation.unit.id") is not null && e.GetTagItem("escalation.indicator.id") is null));
        Assert.Equal(9, evaluations.Count(e => e.GetTagItem("escalation.indicator.id") is not null && e.GetTagItem("escalation.unit.id") is null));
        Assert.Equal(33, evaluations.Count);
        Assert.Equal(33, sendEvaluate.GetTagItem("messaging.batch.message_count"));
        Assert.All(evaluations, e => Assert.Equal((ActivityKind.Consumer, sendEvaluate.SpanId), (e.Kind, e.ParentSpanId)));

        // EvaluateUnit -> send events -> DeliverEmail, for each event (it joins its recipients' messages): a unit's event
        // from its unit's evaluation, an indicator's from its indicator's.
        var emails = spans.Where(s => s.DisplayName == "DeliverEmail" && ((string)s.GetTagItem("messaging.message.id")!).StartsWith("ev-", StringComparison.Ordinal)).ToList();
        Assert.Equal(SampleMonday.Events.Order(), logged.Select(e => e.Id.Value).Order());
        Assert.Equal(logged.Select(e => e.Id.Value).Order(), emails.Select(s => (string)s.GetTagItem("messaging.message.id")!).Order());
        var byEvent = logged.ToDictionary(e => e.Id.Value);
        Assert.All(emails, email =>
        {
            var send = ParentOf(email);
            var evaluation = ParentOf(send);
            var e = byEvent[(string)email.GetTagItem("messaging.message.id")!];
            Assert.Equal(ActivityKind.Consumer, email.Kind);
            Assert.Equal(("send events", ActivityKind.Producer), (send.DisplayName, send.Kind));
            Assert.Equal(EngineTelemetry.EvaluateUnit, evaluation.DisplayName);
            Assert.Equal(sendEvaluate.SpanId, evaluation.ParentSpanId);
            Assert.Equal(e.Unit.Value, email.GetTagItem("escalation.unit.id"));
            if (IndicatorItem.Is(e.Item))
            {
                Assert.Equal(e.Item.Value[IndicatorItem.Prefix.Length..], evaluation.GetTagItem("escalation.indicator.id"));
            }
            else
            {
                Assert.Equal(e.Unit.Value, evaluation.GetTagItem("escalation.unit.id"));
            }

            Assert.Equal("completed", email.GetTagItem("escalation.outcome"));
        });
        Assert.Equal(SampleMonday.IndicatorEvents.Count, emails.Count(email => ParentOf(ParentOf(email)).GetTagItem("escalation.indicator.id") is not null));

        // DeliverEmail (the event) -> send events -> DeliverEmail (the message that carries it, sent)
        var messages = spans.Where(s => s.DisplayName == "DeliverEmail" && ((string)s.GetTagItem("messaging.message.id")!).StartsWith("dispatch-", StringComparison.Ordinal)).ToList();
        Assert.Equal(sandbox.Email.Sent.Count, messages.Count);
        Assert.All(messages, m =>
        {
            var send = ParentOf(m);
            Assert.Equal(("send events", ActivityKind.Producer), (send.DisplayName, send.Kind));
            Assert.Contains(ParentOf(send), emails);
        });
        var smsEvents = logged.Count(e => e.Channels.Contains(Channel.Sms));
        Assert.Equal(4, smsEvents); // R3's three notices and I8's summons
        Assert.Equal(smsEvents + sandbox.Sms.Sent.Count, spans.Count(s => s.DisplayName == "DeliverSms"));
        Assert.Equal(
            logged.Select(e => e.Id.Value).Order(),
            evaluations.SelectMany(e => e.Events).Where(e => e.Name == EngineTelemetry.EventLoggedEvent)
                .Select(e => (string)e.Tags.Single(t => t.Key == "escalation.event.id").Value!).Order());

        // Every message was received with the context of the span that sent it, under both names.
        Assert.Equal(evaluations.Count + logged.Count + smsEvents + sandbox.Email.Sent.Count + sandbox.Sms.Sent.Count, received.Count);
        Assert.All(received, m =>
        {
            var traceparent = m.Properties[TraceContext.TraceParent];
            Assert.Equal(traceparent, m.Properties[TraceContext.DiagnosticId]);
            var context = TraceContext.Extract(m.Properties);
            Assert.Equal(scan.TraceId, context.TraceId);
            Assert.StartsWith("send ", byId[context.SpanId].DisplayName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Metrics_CountEventsByLevelAndDeliveriesByOutcome_AndTimeTheScan()
    {
        using var capture = new TelemetryCapture();
        using var sandbox = await Sandbox.WithSamples(Run);
        var local = sandbox.Local();
        var logged = new List<EscalationEvent>();
        local.OnLogged(logged.Add);

        await sandbox.Cycle(local, Run);
        var metrics = capture.Metrics();

        var events = metrics[EngineTelemetry.EventsMetric];
        Assert.Equal(
            logged.GroupBy(e => (e.Level.ToString(), e.Kind.ToString())).Select(g => (g.Key, (double)g.Count())).Order(),
            events.Select(p => ((p.Tags["level"], p.Tags["kind"]), p.Value)).Order());
        Assert.Equal(SampleMonday.Events.Count, events.Sum(p => p.Value));
        var deliveries = metrics[EngineTelemetry.DeliveriesMetric].ToDictionary(p => (p.Tags["channel"], p.Tags["outcome"]), p => p.Value);
        Assert.Equal(
            new Dictionary<(string, string), double> { [("Email", "sent")] = 16, [("Sms", "sent")] = 7, [("Sms", "skipped")] = SampleMonday.SkippedDeliveries },
            deliveries);
        Assert.Equal(SampleMonday.SentDeliveries, deliveries.Where(d => d.Key.Item2 == "sent").Sum(d => d.Value));
        Assert.Equal((SampleMonday.Emails, SampleMonday.Sms), (sandbox.Email.Sent.Count, sandbox.Sms.Sent.Count)); // one message per person, channel and level
        var scans = Assert.Single(metrics[EngineTelemetry.ScanDurationMetric]);
        Assert.Equal(("completed", 1d), (scans.Tags["outcome"], scans.Value));
        Assert.Equal(24 + 9, metrics[EngineTelemetry.EvaluateDurationMetric].Sum(p => p.Value)); // one evaluation per unit and per indicator
    }

    //  10:00  DeliverEmail (event) -> send events -> DeliverEmail (jtj-cao's message): busy -> send events (scheduled 10:05)
    //  10:05  DeliverEmail (the message again): sent -> the same trace, a child of that send
    [Fact]
    public async Task ARetriedDelivery_ContinuesTheTraceOfItsScan_AndIsCountedAsARetry()
    {
        using var capture = new TelemetryCapture();
        using var sandbox = await Sandbox.WithSamples(Run);
        sandbox.Email.Script(CaoEmail, new SendResult.Transient("busy"));
        var local = sandbox.Local();

        await sandbox.Cycle(local, Run);
        await sandbox.Drain(local, Run + Duration.FromHours(1));
        var spans = capture.Spans;
        var metrics = capture.Metrics();

        var scan = Assert.Single(spans, s => s.DisplayName == EngineTelemetry.ScanDeadlines);
        Assert.All(spans, s => Assert.Equal(scan.TraceId, s.TraceId));
        var byId = spans.ToDictionary(s => s.SpanId);
        static bool IsMessage(Activity s) => s.DisplayName == "DeliverEmail" && ((string)s.GetTagItem("messaging.message.id")!).StartsWith("dispatch-", StringComparison.Ordinal);

        // The retry is a message notice sent by the failed attempt (itself a message notice sent by the event's delivery).
        var retried = Assert.Single(spans, s => IsMessage(s) && byId[s.ParentSpanId] is var send && IsMessage(byId[send.ParentSpanId]));
        var reschedule = byId[retried.ParentSpanId];
        var first = byId[reschedule.ParentSpanId];
        var joined = byId[first.ParentSpanId];
        var eventDelivery = byId[joined.ParentSpanId];
        Assert.Equal(("send events", "send events"), (reschedule.DisplayName, joined.DisplayName));
        Assert.Equal(("DeliverEmail", EngineTelemetry.EvaluateUnit), (eventDelivery.DisplayName, byId[byId[eventDelivery.ParentSpanId].ParentSpanId].DisplayName));
        var deliveries = metrics[EngineTelemetry.DeliveriesMetric].ToDictionary(p => (p.Tags["channel"], p.Tags["outcome"]), p => p.Value);
        Assert.Equal(16d, deliveries[("Email", "sent")]);
        Assert.True(deliveries[("Email", "retry")] >= 1);
        AssertNothingPersonal(spans, sandbox);
    }

    [Fact]
    public async Task AFailedScan_EndsItsSpanInErrorByExceptionType_AndIsTimedAsFailed()
    {
        using var capture = new TelemetryCapture();
        var inAYearWithoutCalendar = Sandbox.At(2027, 6, 1, 10, 0);
        using var sandbox = await Sandbox.WithSamples(inAYearWithoutCalendar);
        var local = sandbox.Local();

        await Assert.ThrowsAsync<Domain.Calendar.CalendarYearNotLoadedException>(() => sandbox.Cycle(local, inAYearWithoutCalendar));
        var metrics = capture.Metrics();

        var scan = Assert.Single(capture.Spans);
        Assert.Equal((EngineTelemetry.ScanDeadlines, ActivityStatusCode.Error, "CalendarYearNotLoadedException"), (scan.DisplayName, scan.Status, scan.StatusDescription));
        Assert.Equal(typeof(Domain.Calendar.CalendarYearNotLoadedException).FullName, scan.GetTagItem("error.type"));
        var duration = Assert.Single(metrics[EngineTelemetry.ScanDurationMetric]);
        Assert.Equal(("failed", 1d), (duration.Tags["outcome"], duration.Value));
    }

    [Fact]
    public async Task Spans_HoldNoAddressNoPhoneNumberAndNoMessageText()
    {
        using var capture = new TelemetryCapture();
        using var sandbox = await Sandbox.WithSamples(Run);
        var local = sandbox.Local();

        await sandbox.Cycle(local, Run);

        Assert.NotEmpty(sandbox.Email.Sent);
        Assert.NotEmpty(sandbox.Sms.Sent);
        AssertNothingPersonal(capture.Spans, sandbox);
    }

    /// <summary>Every name, tag, span event, link and status of every span, as text.</summary>
    private static IEnumerable<string> Texts(Activity span)
    {
        yield return span.DisplayName;
        yield return span.OperationName;
        yield return span.StatusDescription ?? "";
        foreach (var tag in span.TagObjects)
        {
            yield return $"{tag.Key}={tag.Value}";
        }

        foreach (var e in span.Events)
        {
            yield return e.Name;
            foreach (var tag in e.Tags)
            {
                yield return $"{tag.Key}={tag.Value}";
            }
        }

        foreach (var link in span.Links)
        {
            foreach (var tag in link.Tags ?? [])
            {
                yield return $"{tag.Key}={tag.Value}";
            }
        }
    }

    private static void AssertNothingPersonal(IReadOnlyList<Activity> spans, Sandbox sandbox)
    {
        // A dispatch notice's message id is a hash of the message id (hex may hold a long run of digits by chance): not personal.
        var texts = spans.SelectMany(Texts).Select(t => t.StartsWith("messaging.message.id=dispatch-", StringComparison.Ordinal) ? "messaging.message.id=dispatch-…" : t).ToList();
        var addresses = sandbox.Email.Calls.Select(c => c.Email.To).Concat(sandbox.Sms.Calls.Select(c => c.Sms.To)).Distinct().ToList();
        var bodies = sandbox.Email.Calls.SelectMany(c => new[] { c.Email.Subject, c.Email.PlainText }).Concat(sandbox.Sms.Calls.Select(c => c.Sms.Text)).ToList();
        var names = sandbox.Email.Calls.Select(c => c.Email.ToName).OfType<string>().Distinct().ToList();

        Assert.NotEmpty(addresses);
        Assert.All(texts, text =>
        {
            Assert.DoesNotMatch(EmailAddress(), text);
            Assert.DoesNotMatch(ElevenDigits(), text);
            Assert.DoesNotMatch(Chinese(), text);
            Assert.All(addresses, a => Assert.DoesNotContain(a.TrimStart('+'), text, StringComparison.OrdinalIgnoreCase));
            Assert.All(names, n => Assert.DoesNotContain(n, text, StringComparison.Ordinal));
        });
        Assert.All(bodies, b => Assert.Matches(Chinese(), b)); // the check above would have caught them
    }

    /// <summary>
    /// A second receiver on the evaluate queue and on each subscription of the events topic (the in-process bus hands
    /// each receiver its own copy): what the engine's triggers were handed, properties included.
    /// </summary>
    private static List<ReceivedMessage> Tap(InProcessBus bus)
    {
        var received = new List<ReceivedMessage>();
        Task<Settlement> Record(ReceivedMessage m, CancellationToken _)
        {
            received.Add(m);
            return Task.FromResult<Settlement>(new Settlement.Completed("tapped"));
        }

        bus.Queue(ServiceBusEntities.EvaluateQueue, Record);
        bus.Subscription(ServiceBusEntities.EventsTopic, "tap-email", "Email", Record);
        bus.Subscription(ServiceBusEntities.EventsTopic, "tap-sms", "Sms", Record);
        return received;
    }
}
