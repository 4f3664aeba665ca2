using System.Text.Json;
using Azure;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Rest;

/// <summary>The Communication Services SMS sender against a loopback server, checked against the SMS REST API (2021-03-07).</summary>
public sealed class AcsSmsSenderTests : IAsyncLifetime
{
    private const string From = "+18005550100";

    private static readonly Instant FirstAttempt = Instant.FromUtc(2026, 6, 1, 8, 0, 5);

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 9, 0));
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.Start();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Requests_GroupsByTextAndNeverRepeatsANumber_WhenPlanning()
    {
        SmsToSend[] messages =
        [
            Sms("e1:sms:a", "+8613800000001", "Text X"), // 0
            Sms("e1:sms:b", "+8613800000002", "Text Y"), // 1
            Sms("e2:sms:c", "+8613800000003", "Text X"), // 2
            Sms("e3:sms:a", "+8613800000001", "Text X"), // 3: same number, same text, another delivery
            Sms("e4:sms:a", "+8613800000001", "Text Y"), // 4
        ];

        var requests = AcsSmsSender.Requests(messages);

        Assert.Equal([[0, 2], [1, 4], [3]], requests.Select(r => r.ToArray()));
    }

    [Fact]
    public void Requests_TakesAtMostHundredRecipients_WhenManyShareTheText()
    {
        var messages = Enumerable.Range(0, 250).Select(i => Sms($"e:sms:{i}", $"+86138{i:D8}", "Same")).ToList();

        var requests = AcsSmsSender.Requests(messages);

        Assert.Equal([100, 100, 50], requests.Select(r => r.Count));
        Assert.Equal(Enumerable.Range(0, 250), requests.SelectMany(r => r));
    }

    [Fact]
    public async Task Send_PostsOneRequestPerTextWithRepeatabilityFields_WhenSending()
    {
        _server.AnswerWith(AllSuccessful);
        SmsToSend[] messages =
        [
            Sms("e1:sms:a", "+8613800000001", "逾期提醒 X"),
            Sms("e1:sms:b", "+8613800000002", "Other text"),
            Sms("e1:sms:c", "+8613800000003", "逾期提醒 X") with { FirstAttemptAt = Instant.FromUtc(2026, 5, 31, 23, 59, 59) },
        ];

        await Sender().Send(messages);

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/sms?api-version=2021-03-07", r.RawTarget);
            Assert.Equal("application/json", r.Header("Content-Type"));
        });
        var first = requests[0].Json();
        Assert.Equal(From, first.GetProperty("from").GetString());
        Assert.Equal("逾期提醒 X", first.GetProperty("message").GetString());
        Assert.False(first.GetProperty("smsSendOptions").GetProperty("enableDeliveryReport").GetBoolean());
        var recipients = first.GetProperty("smsRecipients").EnumerateArray().ToList();
        Assert.Equal(["+8613800000001", "+8613800000003"], recipients.Select(r => r.GetProperty("to").GetString()));
        Assert.Equal(DeliveryUuid.From("e1:sms:a").ToString("D"), recipients[0].GetProperty("repeatabilityRequestId").GetString());
        Assert.Equal(DeliveryUuid.From("e1:sms:c").ToString("D"), recipients[1].GetProperty("repeatabilityRequestId").GetString());
        Assert.Equal("Mon, 01 Jun 2026 08:00:05 GMT", recipients[0].GetProperty("repeatabilityFirstSent").GetString());
        Assert.Equal("Sun, 31 May 2026 23:59:59 GMT", recipients[1].GetProperty("repeatabilityFirstSent").GetString());
        Assert.Equal("Other text", requests[1].Json().GetProperty("message").GetString());
    }

    [Fact]
    public async Task Send_ReadsEachRecipientsResultInInputOrder_WhenTheAnswerIsMixed()
    {
        _server.Answer(Answer.Json(202, """
            {"value":[
              {"to":"+8613800000003","httpStatusCode":503,"errorMessage":"ServiceUnavailable","successful":false},
              {"to":"+8613800000002","httpStatusCode":400,"errorMessage":"Invalid To phone number 8613800000002.","successful":false},
              {"to":"+8613800000001","messageId":"Outgoing_1","httpStatusCode":202,"repeatabilityResult":"accepted","successful":true},
              {"to":"+8613800000004","httpStatusCode":429,"errorMessage":"Throttled","successful":false}
            ]}
            """));
        SmsToSend[] messages =
        [
            Sms("e1:sms:a", "+8613800000001", "Same"),
            Sms("e1:sms:b", "+8613800000002", "Same"),
            Sms("e1:sms:c", "+8613800000003", "Same"),
            Sms("e1:sms:d", "+8613800000004", "Same"),
        ];

        var results = await Sender().Send(messages);

        Assert.Equal(4, results.Count);
        Assert.Equal(new SendResult.Sent("Outgoing_1"), results[0]);
        var rejected = Assert.IsType<SendResult.Rejected>(results[1]);
        Assert.Contains("400", rejected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("8613800000002", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("503", Assert.IsType<SendResult.Transient>(results[2]).Error, StringComparison.Ordinal);
        Assert.Contains("429", Assert.IsType<SendResult.Transient>(results[3]).Error, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_ReturnsEveryMessageTransient_WhenTheWholeRequestStaysUnavailable()
    {
        _server.AnswerWith(_ => Answer.Empty(503, ("retry-after-ms", "20")));
        SmsToSend[] messages = [Sms("e1:sms:a", "+8613800000001", "Same"), Sms("e1:sms:b", "+8613800000002", "Same")];

        var results = await Sender().Send(messages);

        Assert.All(results, r => Assert.Equal(Duration.FromMilliseconds(20), Assert.IsType<SendResult.Transient>(r).RetryAfter));
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_ReturnsEveryMessageRejectedWithoutNumbers_WhenTheRequestIsInvalid()
    {
        _server.Answer(Answer.Json(400, """{"error":{"code":"BadRequest","message":"Bad numbers +8613800000001, +8613800000002"}}"""));
        SmsToSend[] messages = [Sms("e1:sms:a", "+8613800000001", "Same"), Sms("e1:sms:b", "+8613800000002", "Same")];

        var results = await Sender().Send(messages);

        Assert.All(results, r =>
        {
            var rejected = Assert.IsType<SendResult.Rejected>(r);
            Assert.Contains("BadRequest", rejected.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("13800000", rejected.Error, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Send_ReturnsEveryMessageTransient_WhenTheServiceDoesNotAnswerInTime()
    {
        _server.AnswerWith(_ => Answer.Empty(202) with { Delay = TimeSpan.FromSeconds(5) });
        SmsToSend[] messages = [Sms("e1:sms:a", "+8613800000001", "Same"), Sms("e1:sms:b", "+8613800000002", "Other")];

        var results = await Sender(TimeSpan.FromMilliseconds(200)).Send(messages);

        Assert.All(results, r => Assert.Contains("timed out", Assert.IsType<SendResult.Transient>(r).Error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Send_Throws_WhenAuthenticationIsRefused(int status)
    {
        _server.Answer(Answer.Empty(status));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Sender().Send([Sms("e1:sms:a", "+8613800000001", "Same")]));

        Assert.Equal(status, error.Status);
    }

    [Fact]
    public async Task Send_ReturnsNothing_WhenGivenNoMessages()
    {
        var results = await Sender().Send([]);

        Assert.Empty(results);
        Assert.Empty(_server.Requests);
    }

    private static Answer AllSuccessful(RecordedRequest request)
    {
        var items = request.Json().GetProperty("smsRecipients").EnumerateArray()
            .Select(r => new { to = r.GetProperty("to").GetString(), messageId = "Outgoing_" + r.GetProperty("to").GetString(), httpStatusCode = 202, successful = true });
        return Answer.Json(202, JsonSerializer.Serialize(new { value = items }));
    }

    private AcsSmsSender Sender(TimeSpan? networkTimeout = null)
    {
        var options = new AcsOptions { Transport = LoopbackServer.Transport() };
        options.Retry.NetworkTimeout = networkTimeout ?? options.Retry.NetworkTimeout;
        options.Retry.MaxRetries = networkTimeout is null ? 2 : 0;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        var access = AcsAccess.FromConnectionString($"endpoint=https://{_server.Authority}/;accesskey={Convert.ToBase64String(new byte[32])}", _clock);
        return AcsSmsSender.Create(access, From, options);
    }

    private static SmsToSend Sms(string dispatchId, string to, string text) => new(dispatchId, to, text, FirstAttempt);
}
