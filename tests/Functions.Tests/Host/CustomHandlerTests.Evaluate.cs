using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>EvaluateUnit: however the body arrives, each event is logged exactly once and published to the events topic.</summary>
public sealed partial class CustomHandlerTests
{
    [Theory]
    [MemberData(nameof(Forms))]
    public async Task EvaluateUnit_LogsTheSameEventsAsTheEngineGivenTheMessageDirectly_WhateverTheBodyForm(BodyForm form)
    {
        await using var reference = await HandlerHarness.Start();
        await reference.Engine.EvaluateUnit(new ReceivedMessage(
            $"evaluate:{Day}:{Unit}", BinaryData.FromString($$"""{"unitId":"{{Unit}}","date":"{{Day}}"}"""), 1, new Dictionary<string, string>()));
        var expected = await reference.LogRows(Unit);
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, form));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.Equal("EvaluateUnit evaluate:2026-06-01:wjw: unit wjw on 2026-06-01: 2 new events, 0 republished, 0 problems", Assert.Single(answer.Logs));
        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, await handler.LogRows(Unit));
    }

    [Fact]
    public async Task EvaluateUnit_LogsEachEventOnce_WhenTheSameRequestIsDeliveredAgainInEveryForm()
    {
        await using var handler = await HandlerHarness.Start();
        var first = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64));
        var rowsAfterFirst = await handler.LogRows(Unit);

        var again = new List<HandlerAnswer>();
        var deliveryCount = 1;
        foreach (var form in new[] { BodyForm.JsonText, BodyForm.HostEncodedText, BodyForm.ParsedObject })
        {
            again.Add(await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, form, ++deliveryCount)));
        }

        var rowsAfter = await handler.LogRows(Unit);
        Assert.Equal("EvaluateUnit evaluate:2026-06-01:wjw: unit wjw on 2026-06-01: 2 new events, 0 republished, 0 problems", Assert.Single(first.Logs));
        Assert.All(again, answer =>
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("EvaluateUnit evaluate:2026-06-01:wjw: unit wjw on 2026-06-01: 0 new events, 2 republished, 0 problems", Assert.Single(answer.Logs));
        });
        Assert.Equal(rowsAfterFirst, rowsAfter);
        Assert.All(rowsAfter, r => Assert.Equal(LogStatus.Published, r.Status));
        // Republishing the undelivered events reuses their ids, so the broker's duplicate detection keeps one of each.
        Assert.Equal(rowsAfter.Select(r => r.Id), handler.Publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EvaluateUnit_PublishesEachNewEventToTheEventsTopic_WithTheEventIdAndOnePropertyPerChannel()
    {
        await using var handler = await HandlerHarness.Start();

        await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64));

        var entries = await handler.LogEntries(Unit);
        var published = handler.Publisher.Published;
        Assert.Equal(2, entries.Count);
        Assert.All(published, p => Assert.Equal(ServiceBusEntities.EventsTopic, p.Entity));
        Assert.Equal(entries.Select(e => e.Event.Id.Value).Order(StringComparer.Ordinal), published.Select(p => p.Message.MessageId).Order(StringComparer.Ordinal));
        Assert.All(published, p =>
        {
            var e = Assert.Single(entries, x => x.Event.Id.Value == p.Message.MessageId).Event;
            var body = JsonNode.Parse(p.Message.Body.ToString())!;
            Assert.Equal([Channel.Email, Channel.Sms], e.Channels.Order());
            Assert.Equal("true", p.Message.Properties["Email"]);
            Assert.Equal("true", p.Message.Properties["Sms"]);
            Assert.Equal(Unit, p.Message.Properties["Unit"]);
            Assert.Equal((e.Id.Value, Unit), (body["eventId"]!.GetValue<string>(), body["unitId"]!.GetValue<string>()));
            Assert.Equal(e.Id.Value, p.Message.CorrelationId);
            Assert.Null(p.Message.ScheduledEnqueueTime);
        });
    }

    [Fact]
    public async Task EvaluateUnit_KeepsTheLogAheadOfTheTopicAndPublishesOnRedelivery_WhenServiceBusIsUnavailable()
    {
        await using var handler = await HandlerHarness.Start();
        handler.Publisher.FailNext(new RequestFailedException(503, "Service Bus answered 503 Service Unavailable to a send of 2 message(s) to 'events'."));

        var failed = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64, deliveryCount: 1));
        var rowsAfterFailure = await handler.LogRows(Unit);
        var redelivered = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64, deliveryCount: 2));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("{}", failed.Outputs.ToJsonString());
        Assert.Equal(
            "EvaluateUnit failed and will be retried: RequestFailedException: Service Bus answered 503 Service Unavailable to a send of 2 message(s) to 'events'.",
            Assert.Single(failed.Logs));
        Assert.Equal([LogStatus.Logged, LogStatus.Logged], rowsAfterFailure.Select(r => r.Status));
        Assert.Equal(HttpStatusCode.OK, redelivered.Status);
        Assert.Equal("EvaluateUnit evaluate:2026-06-01:wjw: unit wjw on 2026-06-01: 0 new events, 2 republished, 0 problems", Assert.Single(redelivered.Logs));
        Assert.Equal(rowsAfterFailure.Select(r => (r.Id, LogStatus.Published)), await handler.LogRows(Unit));
        Assert.Equal(rowsAfterFailure.Select(r => r.Id), handler.Publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId).Order(StringComparer.Ordinal));
    }
}
