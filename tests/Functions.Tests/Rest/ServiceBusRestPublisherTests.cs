using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Escalation.Functions.Messaging;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Rest;

/// <summary>The Service Bus REST publisher against a loopback server, checked against "Send Message" and "Send Message Batch".</summary>
public sealed class ServiceBusRestPublisherTests : IAsyncLifetime
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 8, 0));
    private readonly FakeTokenCredential _credential = new("fake-entra-token");
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.Start();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Publish_SendsBodyBrokerPropertiesAndQuotedPropertyHeaders_WhenOneMessage()
    {
        _server.Answer(Answer.Empty(201));
        var message = new OutgoingMessage(
            "evt-1",
            BinaryData.FromString("""{"event":"evt-1","text":"延迟"}"""),
            new Dictionary<string, string> { ["Email"] = "true", ["Unit"] = "Nord \"Ost\" 北" },
            ScheduledEnqueueTime: Instant.FromUtc(2026, 6, 2, 1, 30),
            CorrelationId: "corr-1",
            TimeToLive: Duration.FromDays(2));

        await Publisher().Publish("events", [message]);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/events/messages", request.Path);
        Assert.Equal("?timeout=60", request.Query);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Bearer fake-entra-token", request.Header("Authorization"));
        Assert.Equal([ServiceBusRestPublisher.Scope], _credential.Scopes.Distinct());
        Assert.Equal("""{"event":"evt-1","text":"延迟"}""", request.Text);
        var broker = JsonDocument.Parse(request.Header("BrokerProperties")!).RootElement;
        Assert.Equal("evt-1", broker.GetProperty("MessageId").GetString());
        Assert.Equal("corr-1", broker.GetProperty("CorrelationId").GetString());
        Assert.Equal("Tue, 02 Jun 2026 01:30:00 GMT", broker.GetProperty("ScheduledEnqueueTimeUtc").GetString());
        Assert.Equal(172800, broker.GetProperty("TimeToLive").GetDouble());
        Assert.Equal("\"true\"", request.Header("Email"));
        Assert.StartsWith("\"", request.Header("Unit"), StringComparison.Ordinal);
        Assert.Equal("Nord \"Ost\" 北", JsonSerializer.Deserialize<string>(request.Header("Unit")!));
        Assert.True(request.Header("Unit")!.All(char.IsAscii));
    }

    [Fact]
    public async Task Publish_SendsOnlyTheMessageId_WhenOptionalPropertiesAreUnset()
    {
        _server.Answer(Answer.Empty(201));

        await Publisher().Publish("evaluate", [Message("evt-2")]);

        var broker = JsonDocument.Parse(Assert.Single(_server.Requests).Header("BrokerProperties")!).RootElement;
        Assert.Equal(["MessageId"], broker.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Publish_SendsOneBatchOfEntries_WhenSeveralMessages()
    {
        _server.Answer(Answer.Empty(201));
        OutgoingMessage[] messages =
        [
            Message("evt-1") with { Properties = new Dictionary<string, string> { ["Email"] = "true" } },
            Message("evt-2") with { ScheduledEnqueueTime = Instant.FromUtc(2026, 12, 24, 23, 59, 59), CorrelationId = "evt-0" },
            Message("evt-3") with { TimeToLive = Duration.FromSeconds(40) },
        ];

        await Publisher().Publish("events", messages);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/events/messages", request.Path);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        Assert.Null(request.Header("BrokerProperties"));
        var entries = request.Json().EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal("""{"id":"evt-1"}""", entries[0].GetProperty("Body").GetString());
        Assert.Equal("evt-1", entries[0].GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        Assert.Equal("true", entries[0].GetProperty("UserProperties").GetProperty("Email").GetString());
        Assert.Equal("Thu, 24 Dec 2026 23:59:59 GMT", entries[1].GetProperty("BrokerProperties").GetProperty("ScheduledEnqueueTimeUtc").GetString());
        Assert.Equal("evt-0", entries[1].GetProperty("BrokerProperties").GetProperty("CorrelationId").GetString());
        Assert.Equal(40, entries[2].GetProperty("BrokerProperties").GetProperty("TimeToLive").GetDouble());
    }

    [Fact]
    public async Task Publish_SplitsIntoRequestsOfAtMostHundred_WhenMoreMessages()
    {
        _server.AnswerWith(_ => Answer.Empty(201));
        var messages = Enumerable.Range(1, 250).Select(i => Message($"evt-{i}")).ToList();

        await Publisher().Publish("evaluate", messages);

        var batches = _server.Requests.Select(r => r.Json().EnumerateArray().Select(MessageId).ToList()).ToList();
        Assert.Equal([100, 100, 50], batches.Select(b => b.Count));
        Assert.Equal(messages.Select(m => m.MessageId), batches.SelectMany(b => b));
    }

    [Fact]
    public async Task Publish_SplitsBySize_WhenBodiesWouldExceedTheLimit()
    {
        _server.AnswerWith(_ => Answer.Empty(201));
        var filler = new string('x', 60 * 1024);
        var messages = Enumerable.Range(1, 7)
            .Select(i => Message($"evt-{i}") with { Body = BinaryData.FromString($$"""{"id":"evt-{{i}}","filler":"{{filler}}"}""") })
            .ToList();

        await Publisher().Publish("events", messages);

        var requests = _server.Requests;
        Assert.True(requests.Count >= 3, $"{requests.Count} requests");
        Assert.All(requests, r => Assert.True(r.Body.Length <= ServiceBusRestPublisher.MaxBatchBytes, $"{r.Body.Length} bytes"));
        var sent = requests.SelectMany(r => r.Header("BrokerProperties") is { } single
            ? [JsonDocument.Parse(single).RootElement.GetProperty("MessageId").GetString()!]
            : r.Json().EnumerateArray().Select(MessageId)).ToList();
        Assert.Equal(messages.Select(m => m.MessageId), sent);
    }

    [Fact]
    public async Task Publish_SignsWithASharedAccessSignature_WhenGivenAConnectionString()
    {
        _server.Answer(Answer.Empty(201));
        var publisher = ServiceBusRestPublisher.FromConnectionString(
            $"Endpoint=sb://{_server.Authority}/;SharedAccessKeyName=send-only;SharedAccessKey={Key}", _clock, Options());

        await publisher.Publish("events", [Message("evt-1")]);

        var authorization = Assert.Single(_server.Requests).Header("Authorization")!;
        Assert.StartsWith("SharedAccessSignature ", authorization, StringComparison.Ordinal);
        var fields = authorization["SharedAccessSignature ".Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["sr", "sig", "se", "skn"], fields.Keys);
        var resource = WebUtility.UrlEncode($"https://{_server.Authority}/events");
        Assert.Equal(resource, fields["sr"]);
        var expiry = (_clock.GetCurrentInstant() + Duration.FromHours(1)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(expiry, fields["se"]);
        Assert.Equal("send-only", fields["skn"]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes($"{resource}\n{expiry}")));
        Assert.Equal(expected, WebUtility.UrlDecode(fields["sig"]));
    }

    [Fact]
    public async Task Publish_MakesANewSharedAccessSignature_WhenTheOldOneNearsExpiry()
    {
        _server.AnswerWith(_ => Answer.Empty(201));
        var publisher = ServiceBusRestPublisher.FromConnectionString(
            $"Endpoint=sb://{_server.Authority}/;SharedAccessKeyName=send-only;SharedAccessKey={Key}", _clock, Options());

        await publisher.Publish("events", [Message("evt-1")]);
        _clock.Advance(Duration.FromMinutes(30));
        await publisher.Publish("events", [Message("evt-2")]);
        _clock.Advance(Duration.FromMinutes(26));
        await publisher.Publish("events", [Message("evt-3")]);

        var tokens = _server.Requests.Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
        var renewedExpiry = (_clock.GetCurrentInstant() + Duration.FromHours(1)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Contains($"&se={renewedExpiry}&", tokens[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_Succeeds_WhenThrottledOnceWithRetryAfter()
    {
        _server.Answer(Answer.Empty(429, ("Retry-After", "1")), Answer.Empty(201));
        var watch = Stopwatch.StartNew();

        await Publisher().Publish("events", [Message("evt-1")]);

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}, not after Retry-After");
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Header("BrokerProperties"), requests[1].Header("BrokerProperties"));
    }

    [Fact]
    public async Task Publish_ThrowsRequestFailedWithStatusAndEntity_WhenTheServiceStaysUnavailable()
    {
        _server.AnswerWith(_ => Answer.Json(503, """{"detail":"secret-ish detail"}"""));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Publisher().Publish("events", [Message("evt-1")]));

        Assert.Equal(503, error.Status);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evt-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ish", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Publish_ThrowsRequestFailedWithStatusZero_WhenTheConnectionIsRefused()
    {
        var closed = await LoopbackServer.Start();
        var publisher = ServiceBusRestPublisher.WithCredential(closed.BaseUri, _credential, Options());
        await closed.DisposeAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => publisher.Publish("events", [Message("evt-1")]));

        Assert.Equal(0, error.Status);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_EscapesTheEntityName_WhenItHasReservedCharacters()
    {
        _server.Answer(Answer.Empty(201));

        await Publisher().Publish("team queue#1", [Message("evt-1")]);

        Assert.Equal("/team%20queue%231/messages?timeout=60", Assert.Single(_server.Requests).RawTarget);
    }

    [Fact]
    public async Task Publish_SendsAMessageWithATraceContextAsABatchOfOne_SinceTraceparentCannotBeAPropertyHeader()
    {
        _server.Answer(Answer.Empty(201));
        const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var message = Message("evt-1") with
        {
            Properties = new Dictionary<string, string> { ["Email"] = "true", ["traceparent"] = TraceParent, ["Diagnostic-Id"] = TraceParent },
        };

        await Publisher().Publish("events", [message]);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
        var entry = Assert.Single(request.Json().EnumerateArray().ToList());
        Assert.Equal("evt-1", entry.GetProperty("BrokerProperties").GetProperty("MessageId").GetString());
        var properties = entry.GetProperty("UserProperties");
        Assert.Equal(("true", TraceParent, TraceParent), (properties.GetProperty("Email").GetString(), properties.GetProperty("traceparent").GetString(), properties.GetProperty("Diagnostic-Id").GetString()));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("BrokerProperties")]
    [InlineData("Has Space")]
    public async Task Publish_Throws_WhenAPropertyCannotBeAHeader(string name)
    {
        var message = Message("evt-1") with { Properties = new Dictionary<string, string> { [name] = "x" } };

        await Assert.ThrowsAsync<ArgumentException>(() => Publisher().Publish("events", [message]));

        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send")]
    [InlineData("Endpoint=http://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + Key)]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=" + Key)]
    public void FromConnectionString_ThrowsWithoutTheKey_WhenMalformed(string connectionString)
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceBusRestPublisher.FromConnectionString(connectionString, _clock));

        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    private ServiceBusRestPublisher Publisher() => ServiceBusRestPublisher.WithCredential(_server.BaseUri, _credential, Options());

    private static ServiceBusRestOptions Options()
    {
        var options = new ServiceBusRestOptions { Transport = LoopbackServer.Transport() };
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private static OutgoingMessage Message(string id) =>
        new(id, BinaryData.FromString($$"""{"id":"{{id}}"}"""), new Dictionary<string, string>());

    private static string MessageId(JsonElement entry) => entry.GetProperty("BrokerProperties").GetProperty("MessageId").GetString()!;
}
