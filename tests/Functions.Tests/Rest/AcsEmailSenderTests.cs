using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Rest;

/// <summary>The Communication Services email sender against a loopback server, checked against the Email REST API (2025-09-01).</summary>
public sealed class AcsEmailSenderTests : IAsyncLifetime
{
    private const string SenderAddress = "DoNotReply@notify.example.org";

    private static readonly byte[] AccessKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 9, 15, 30));
    private readonly List<TimeSpan> _delays = [];
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.Start();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Send_PostsTheDocumentedRequest_WhenSendingAnEmail()
    {
        var email = Email("evt-1:email:alice");
        var operationId = DeliveryUuid.From(email.DispatchId).ToString("D");
        _server.Answer(Answer.Json(202, $$"""{"id":"{{operationId}}","status":"Succeeded"}"""));

        var result = await Sender().Send(email);

        Assert.Equal(new SendResult.Sent(operationId), result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/emails:send?api-version=2025-09-01", request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(operationId, request.Header("Operation-Id"));
        var body = request.Json();
        Assert.Equal(SenderAddress, body.GetProperty("senderAddress").GetString());
        Assert.Equal("进度落后：第 3 周", body.GetProperty("content").GetProperty("subject").GetString());
        Assert.Equal("Plain text", body.GetProperty("content").GetProperty("plainText").GetString());
        Assert.Equal("<p>HTML</p>", body.GetProperty("content").GetProperty("html").GetString());
        var to = Assert.Single(body.GetProperty("recipients").GetProperty("to").EnumerateArray());
        Assert.Equal("alice@example.com", to.GetProperty("address").GetString());
        Assert.Equal("Alice Wang", to.GetProperty("displayName").GetString());
        Assert.True(body.GetProperty("userEngagementTrackingDisabled").GetBoolean());
    }

    [Fact]
    public async Task Send_SignsEachRequestWithHmac_WhenGivenAConnectionString()
    {
        var email = Email("evt-1:email:alice");
        var operationId = DeliveryUuid.From(email.DispatchId).ToString("D");
        _server.Answer(
            Answer.Json(202, $$"""{"id":"{{operationId}}","status":"Running"}""", ("Operation-Location", Location(operationId)), ("retry-after", "1")),
            Answer.Json(200, $$"""{"id":"{{operationId}}","status":"Succeeded"}"""));

        await Sender().Send(email);

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        var date = _clock.GetCurrentInstant().ToDateTimeOffset().ToString("R", CultureInfo.InvariantCulture);
        Assert.All(requests, request =>
        {
            Assert.Equal(date, request.Header("x-ms-date"));
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(request.Body)), request.Header("x-ms-content-sha256"));
            Assert.Equal(_server.Authority, request.Header("Host"));
            Assert.Contains(':', request.Header("Host")!);
            var signed = $"{request.Method}\n{request.RawTarget}\n{date};{_server.Authority};{request.Header("x-ms-content-sha256")}";
            var signature = Convert.ToBase64String(HMACSHA256.HashData(AccessKey, Encoding.UTF8.GetBytes(signed)));
            Assert.Equal($"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}", request.Header("Authorization"));
        });
        Assert.Equal("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", requests[1].Header("x-ms-content-sha256"));
    }

    [Fact]
    public async Task Send_SendsABearerToken_WhenGivenACredential()
    {
        var credential = new FakeTokenCredential("fake-acs-token");
        _server.Answer(Answer.Json(202, """{"id":"x","status":"Succeeded"}"""));
        var sender = AcsEmailSender.Create(AcsAccess.WithCredential(_server.BaseUri, credential), SenderAddress, Options());

        await sender.Send(Email("evt-1:email:alice"));

        Assert.Equal("Bearer fake-acs-token", Assert.Single(_server.Requests).Header("Authorization"));
        Assert.Equal([AcsAccess.Scope], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task Send_KeepsTheOperationId_WhenTheSameDeliveryIsRetried()
    {
        _server.Answer(
            Answer.Empty(503), Answer.Empty(503), Answer.Empty(503),
            Answer.Json(202, """{"id":"a","status":"Succeeded"}"""),
            Answer.Json(202, """{"id":"b","status":"Succeeded"}"""));
        var sender = Sender();

        var first = await sender.Send(Email("evt-1:email:alice"));
        var retried = await sender.Send(Email("evt-1:email:alice"));
        var other = await sender.Send(Email("evt-1:email:bob"));

        Assert.IsType<SendResult.Transient>(first);
        Assert.IsType<SendResult.Sent>(retried);
        Assert.IsType<SendResult.Sent>(other);
        var ids = _server.Requests.Select(r => r.Header("Operation-Id")).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Single(ids.Take(4).Distinct());
        Assert.Equal(DeliveryUuid.From("evt-1:email:alice").ToString("D"), ids[0]);
        Assert.NotEqual(ids[0], ids[4]);
    }

    [Fact]
    public async Task Send_PollsUntilSucceeded_WhenTheOperationIsRunning()
    {
        var email = Email("evt-2:email:alice");
        var operationId = DeliveryUuid.From(email.DispatchId).ToString("D");
        _server.Answer(
            Answer.Json(202, $$"""{"id":"{{operationId}}","status":"Running"}""", ("Operation-Location", Location(operationId)), ("retry-after", "3")),
            Answer.Json(200, $$"""{"id":"{{operationId}}","status":"NotStarted"}""", ("retry-after", "2")),
            Answer.Json(200, $$"""{"id":"{{operationId}}","status":"Running"}"""),
            Answer.Json(200, $$"""{"id":"{{operationId}}","status":"Succeeded"}"""));

        var result = await Sender().Send(email);

        Assert.Equal(new SendResult.Sent(operationId), result);
        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)], _delays);
        Assert.All(_server.Requests.Skip(1), poll =>
        {
            Assert.Equal("GET", poll.Method);
            Assert.Equal($"/emails/operations/{operationId}?api-version=2025-09-01", poll.RawTarget);
        });
    }

    [Fact]
    public async Task Send_ReturnsSentWithTheOperationId_WhenStillRunningAtThePollLimit()
    {
        _server.Answer(Answer.Json(202, """{"id":"op-1","status":"Running"}""", ("retry-after", "4")));
        _server.AnswerWith(_ => Answer.Json(200, """{"id":"op-1","status":"Running"}""", ("retry-after", "4")));

        var result = await Sender().Send(Email("evt-3:email:alice"));

        Assert.Equal(new SendResult.Sent("op-1"), result);
        Assert.Equal([TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)], _delays);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_WaitsThePollInterval_WhenRetryAfterIsZero()
    {
        _server.Answer(
            Answer.Json(202, """{"id":"op-5","status":"Running"}""", ("retry-after", "0")),
            Answer.Json(200, """{"id":"op-5","status":"Succeeded"}"""));

        var result = await Sender().Send(Email("evt-11:email:alice"));

        Assert.Equal(new SendResult.Sent("op-5"), result);
        Assert.Equal([TimeSpan.FromSeconds(1)], _delays);
    }

    [Fact]
    public async Task Send_PollsTheDocumentedPath_WhenTheOperationLocationPointsElsewhere()
    {
        _server.Answer(
            Answer.Json(202, """{"id":"op-9","status":"Running"}""", ("Operation-Location", "https://elsewhere.example.net/emails/operations/op-9?api-version=2025-09-01")),
            Answer.Json(200, """{"id":"op-9","status":"Succeeded"}"""));

        var result = await Sender().Send(Email("evt-4:email:alice"));

        Assert.Equal(new SendResult.Sent("op-9"), result);
        Assert.Equal("/emails/operations/op-9?api-version=2025-09-01", _server.Requests[1].RawTarget);
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Canceled")]
    public async Task Send_ReturnsRejectedWithoutTheAddress_WhenTheOperationEndsUnsent(string status)
    {
        _server.Answer(
            Answer.Json(202, """{"id":"op-2","status":"Running"}"""),
            Answer.Json(200, $$$"""{"id":"op-2","status":"{{{status}}}","error":{"code":"EmailDropped","message":"Mail to Alice@Example.com was dropped."}}"""));

        var result = await Sender().Send(Email("evt-5:email:alice"));

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains(status, rejected.Error, StringComparison.Ordinal);
        Assert.Contains("EmailDropped", rejected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", rejected.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Send_ReturnsTransientWithRetryAfter_WhenThrottled()
    {
        _server.Answer(Answer.Json(429, """{"error":{"code":"TooManyRequests","message":"Slow down for alice@example.com"}}""", ("Retry-After", "30")));
        var options = Options();
        options.Retry.MaxRetries = 0;

        var result = await AcsEmailSender.Create(Access(), SenderAddress, options).Send(Email("evt-6:email:alice"));

        var transient = Assert.IsType<SendResult.Transient>(result);
        Assert.Equal(Duration.FromSeconds(30), transient.RetryAfter);
        Assert.Contains("TooManyRequests", transient.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", transient.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Sends_WhenThrottledOnceThenAccepted()
    {
        _server.Answer(Answer.Empty(429, ("retry-after-ms", "20")), Answer.Json(202, """{"id":"op-3","status":"Succeeded"}"""));

        var result = await Sender().Send(Email("evt-7:email:alice"));

        Assert.Equal(new SendResult.Sent("op-3"), result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Header("Operation-Id"), _server.Requests[1].Header("Operation-Id"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task Send_ReturnsRejectedWithoutTheAddress_WhenTheRequestIsRefused(int status)
    {
        _server.Answer(Answer.Json(status, """{"error":{"code":"InvalidRecipient","message":"Recipient alice@example.com is invalid."}}"""));

        var result = await Sender().Send(Email("evt-8:email:alice"));

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains("InvalidRecipient", rejected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", rejected.Error, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_ReturnsTransient_WhenTheConnectionIsRefused()
    {
        var closed = await LoopbackServer.Start();
        var access = AcsAccess.FromConnectionString($"endpoint=https://{closed.Authority}/;accesskey={Convert.ToBase64String(AccessKey)}", _clock);
        await closed.DisposeAsync();

        var result = await AcsEmailSender.Create(access, SenderAddress, Options()).Send(Email("evt-10:email:alice"));

        Assert.Contains("connection failed", Assert.IsType<SendResult.Transient>(result).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Send_Throws_WhenAuthenticationIsRefused(int status)
    {
        _server.Answer(Answer.Json(status, """{"error":{"code":"Denied","message":"Denied."}}"""));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Sender().Send(Email("evt-9:email:alice")));

        Assert.Equal(status, error.Status);
        Assert.DoesNotContain("alice@example.com", error.Message, StringComparison.Ordinal);
    }

    private AcsEmailSender Sender() => AcsEmailSender.Create(Access(), SenderAddress, Options());

    private AcsAccess Access() =>
        AcsAccess.FromConnectionString($"endpoint=https://{_server.Authority}/;accesskey={Convert.ToBase64String(AccessKey)}", _clock);

    private AcsOptions Options()
    {
        var options = new AcsOptions
        {
            Transport = LoopbackServer.Transport(),
            EmailPollInterval = Duration.FromSeconds(1),
            EmailPollLimit = Duration.FromSeconds(10),
            Delay = (wait, _) =>
            {
                _delays.Add(wait);
                return Task.CompletedTask;
            },
        };
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private string Location(string operationId) => $"https://{_server.Authority}/emails/operations/{operationId}?api-version=2025-09-01";

    private static EmailToSend Email(string dispatchId) =>
        new(dispatchId, dispatchId.EndsWith("bob", StringComparison.Ordinal) ? "bob@example.com" : "alice@example.com", "Alice Wang", "进度落后：第 3 周", "Plain text", "<p>HTML</p>");
}
