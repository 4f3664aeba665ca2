using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Escalation.Domain.Delivery;
using Escalation.Functions.Messaging;
using NodaTime;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// ScanDeadlines: the timer fans out one evaluate request per unit, and one per indicator (the samples enable indicator
/// rules), for the local date.
/// </summary>
public sealed partial class CustomHandlerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ScanDeadlines_PublishesOneEvaluateRequestPerUnitAndPerIndicator_WhenTheTimerFires(bool timerInfoAsText)
    {
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime, asText: timerInfoAsText));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.Equal("ScanDeadlines: 24 units and 9 indicators to evaluate on 2026-06-01, 0 configuration problems open", Assert.Single(answer.Logs));
        Assert.Null(answer.Body["ReturnValue"]);
        Assert.All(handler.Publisher.Published, p => Assert.Equal(ServiceBusEntities.EvaluateQueue, p.Entity));
        var requests = handler.Publisher.To(ServiceBusEntities.EvaluateQueue);
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01"), requests.Select(m => m.MessageId));
        var units = requests.Take(HandlerHarness.SampleUnits.Count).ToList();
        Assert.Equal(
            HandlerHarness.SampleUnits.Select(u => (u, "2026-06-01", u)),
            units.Select(m => JsonNode.Parse(m.Body.ToString())!).Zip(units, (body, m) =>
                (body["unitId"]!.GetValue<string>(), body["date"]!.GetValue<string>(), m.Properties["Unit"])));
        var indicators = requests.Skip(HandlerHarness.SampleUnits.Count).ToList();
        Assert.Equal(
            HandlerHarness.SampleIndicators.Select(i => (i, "2026-06-01", i)),
            indicators.Select(m => JsonNode.Parse(m.Body.ToString())!).Zip(indicators, (body, m) =>
                (body["indicatorId"]!.GetValue<string>(), body["date"]!.GetValue<string>(), m.Properties["Indicator"])));
    }

    [Fact]
    public async Task ScanDeadlines_SaysPastDueInTheLog_WhenTheHostRunsAMissedOccurrence()
    {
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime, pastDue: true));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("ScanDeadlines (past due): 24 units and 9 indicators to evaluate on 2026-06-01, 0 configuration problems open", Assert.Single(answer.Logs));
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01"), handler.Publisher.To(ServiceBusEntities.EvaluateQueue).Select(m => m.MessageId));
    }

    [Fact]
    public async Task ScanDeadlines_EvaluatesTheLocalDate_WhenItIsAlreadyTheNextDayInShanghai()
    {
        // 2026-06-01 16:30 UTC is 2026-06-02 00:30 in Asia/Shanghai: the schedule is UTC, the date is local.
        await using var handler = await HandlerHarness.Start();
        var at = Instant.FromUtc(2026, 6, 1, 16, 30);
        handler.Clock.Reset(at);

        var answer = await handler.Post(ScanDeadlines, HostPayloads.Timer(at));

        Assert.Equal("ScanDeadlines: 24 units and 9 indicators to evaluate on 2026-06-02, 0 configuration problems open", Assert.Single(answer.Logs));
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-02"), handler.Publisher.To(ServiceBusEntities.EvaluateQueue).Select(m => m.MessageId));
    }

    [Fact]
    public async Task ScanDeadlines_FailsForARetryThenAnswersTheNextRequest_WhenServiceBusIsUnavailable()
    {
        await using var handler = await HandlerHarness.Start();
        handler.Publisher.FailNext(new RequestFailedException(503, "Service Bus answered 503 Service Unavailable to a send of 33 message(s) to 'evaluate'."));

        var failed = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));
        var retried = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("{}", failed.Outputs.ToJsonString());
        Assert.Equal(
            "ScanDeadlines failed and will be retried: RequestFailedException: Service Bus answered 503 Service Unavailable to a send of 33 message(s) to 'evaluate'.",
            Assert.Single(failed.Logs));
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01"), handler.Publisher.To(ServiceBusEntities.EvaluateQueue).Select(m => m.MessageId));
    }

    [Fact]
    public async Task ScanDeadlines_FailsWithTheMissingYearInTheLog_WhenTheCalendarDoesNotHoldTheYear()
    {
        await using var handler = await HandlerHarness.Start();
        var at = Instant.FromUtc(2031, 6, 2, 0, 30);
        handler.Clock.Reset(at);

        var answer = await handler.Post(ScanDeadlines, HostPayloads.Timer(at));

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        var log = Assert.Single(answer.Logs);
        Assert.StartsWith("ScanDeadlines failed and will be retried: CalendarYearNotLoadedException:", log, StringComparison.Ordinal);
        Assert.Contains("2031", log, StringComparison.Ordinal);
        Assert.Empty(handler.Publisher.Published);
    }
}
