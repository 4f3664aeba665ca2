using System.Diagnostics;
using System.Text;
using Amqp.Framing;
using Amqp.Types;
using Azure.Messaging.ServiceBus;
using Escalation.Functions.Messaging;
using NodaTime;

namespace Escalation.Functions.Tests.Messaging;

/// <summary>
/// The Service Bus SDK publisher against a small AMQP 1.0 broker on a loopback port (<see cref="AmqpTestBroker"/>):
/// what arrives on the wire, how the SDK batches and splits, one link per entity, and how broker errors surface.
/// </summary>
public sealed class ServiceBusPublisherTests : IAsyncLifetime
{
    private AmqpTestBroker _broker = null!;

    public Task InitializeAsync()
    {
        _broker = AmqpTestBroker.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Publish_SendsIdBodyContentTypeAndBrokerProperties_WhenOneMessage()
    {
        await using var publisher = Publisher(_broker);
        var message = new OutgoingMessage(
            "evt-1",
            BinaryData.FromString("""{"event":"evt-1","text":"延迟"}"""),
            new Dictionary<string, string> { ["Email"] = "true", ["Unit"] = "Nord \"Ost\" 北" },
            ScheduledEnqueueTime: Instant.FromUtc(2026, 6, 2, 1, 30, 15) + Duration.FromMilliseconds(250),
            CorrelationId: "corr-1",
            TimeToLive: Duration.FromDays(2));

        await publisher.Publish("events", [message]);

        var received = Assert.Single(_broker.Messages);
        Assert.Equal("events", received.Entity);
        Assert.False(received.Batched);
        Assert.Equal("evt-1", received.MessageId);
        Assert.Equal("corr-1", received.CorrelationId);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("""{"event":"evt-1","text":"延迟"}""", Encoding.UTF8.GetString(received.Body));
        Assert.Equal("true", received.ApplicationProperties["Email"]);
        Assert.Equal("Nord \"Ost\" 北", received.ApplicationProperties["Unit"]);
        Assert.Equal(2, received.ApplicationProperties.Count);
        Assert.Equal(new DateTime(2026, 6, 2, 1, 30, 15, 250, DateTimeKind.Utc), ScheduledTime(received));
        Assert.Equal(TimeSpan.FromDays(2), received.TimeToLive);
    }

    [Fact]
    public async Task Publish_SendsASharedAccessTokenForTheEntityOverCbs_BeforeTheFirstTransfer()
    {
        await using var publisher = Publisher(_broker);

        await publisher.Publish("events", [Message("evt-1")]);
        await publisher.Publish("events", [Message("evt-2")]);

        var token = Assert.Single(_broker.Tokens);
        Assert.Equal($"amqp://localhost/events", token.Audience);
        Assert.Equal("servicebus.windows.net:sastoken", token.Type);
        Assert.StartsWith("SharedAccessSignature ", token.Token, StringComparison.Ordinal);
        Assert.Contains("skn=test-sender", token.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_LeavesOptionalFieldsUnset_WhenTheMessageHasNone()
    {
        await using var publisher = Publisher(_broker);

        await publisher.Publish("evaluate", [Message("evaluate:2026-06-01:u1")]);

        var received = Assert.Single(_broker.Messages);
        Assert.Equal("evaluate", received.Entity);
        Assert.Equal("evaluate:2026-06-01:u1", received.MessageId);
        Assert.Null(received.CorrelationId);
        Assert.Null(received.TimeToLive);
        Assert.Empty(received.ApplicationProperties);
        Assert.DoesNotContain(ScheduledAnnotation, received.MessageAnnotations.Keys);
    }

    [Fact]
    public async Task Publish_SendsOneBatchedTransfer_WhenSeveralMessagesFit()
    {
        await using var publisher = Publisher(_broker);
        OutgoingMessage[] messages =
        [
            Message("evt-1") with { Properties = new Dictionary<string, string> { ["Email"] = "true" } },
            Message("evt-2") with { ScheduledEnqueueTime = Instant.FromUtc(2026, 12, 24, 23, 59, 59), CorrelationId = "evt-0" },
            Message("evt-3") with { TimeToLive = Duration.FromSeconds(40), Properties = new Dictionary<string, string> { ["Sms"] = "true" } },
        ];

        await publisher.Publish("events", messages);

        Assert.Equal(1, _broker.Transfers);
        var received = _broker.Messages;
        Assert.Equal(["evt-1", "evt-2", "evt-3"], received.Select(m => m.MessageId));
        Assert.All(received, m => Assert.True(m.Batched));
        Assert.All(received, m => Assert.Equal("application/json", m.ContentType));
        Assert.Equal("""{"id":"evt-2"}""", Encoding.UTF8.GetString(received[1].Body));
        Assert.Equal("true", received[0].ApplicationProperties["Email"]);
        Assert.Equal(new DateTime(2026, 12, 24, 23, 59, 59, DateTimeKind.Utc), ScheduledTime(received[1]));
        Assert.Equal("evt-0", received[1].CorrelationId);
        Assert.Equal(TimeSpan.FromSeconds(40), received[2].TimeToLive);
        Assert.Equal("true", received[2].ApplicationProperties["Sms"]);
    }

    [Fact]
    public async Task Publish_SplitsIntoSeveralTransfersInOrder_WhenMessagesExceedTheBrokersMaxMessageSize()
    {
        await using var broker = AmqpTestBroker.Start(maxMessageSize: 64 * 1024);
        await using var publisher = Publisher(broker);
        var filler = new string('x', 20 * 1024);
        var messages = Enumerable.Range(1, 7)
            .Select(i => Message($"evt-{i}") with { Body = BinaryData.FromString($$"""{"id":"evt-{{i}}","filler":"{{filler}}"}""") })
            .ToList();

        await publisher.Publish("events", messages);

        Assert.InRange(broker.Transfers, 3, 7);
        Assert.All(broker.TransferSizes, size => Assert.InRange(size, 1, 64 * 1024));
        Assert.Equal(messages.Select(m => m.MessageId), broker.Messages.Select(m => m.MessageId));
        Assert.Equal(Enumerable.Range(0, broker.Transfers), broker.Messages.Select(m => m.Transfer).Distinct());
    }

    [Fact]
    public async Task Publish_ThrowsNamingTheMessageAndSendsNothing_WhenOneMessageIsLargerThanTheBrokerTakes()
    {
        await using var broker = AmqpTestBroker.Start(maxMessageSize: 16 * 1024);
        await using var publisher = Publisher(broker);
        var large = Message("evt-big") with { Body = BinaryData.FromString($$"""{"filler":"{{new string('x', 20 * 1024)}}"}""") };

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => publisher.Publish("events", [large, Message("evt-2")]));

        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);
        Assert.False(error.IsTransient);
        Assert.Contains("'evt-big'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, broker.Transfers);
    }

    [Fact]
    public async Task Publish_AttachesOneSenderLinkPerEntity_AcrossCallsAndConcurrentCalls()
    {
        await using var publisher = Publisher(_broker);

        await publisher.Publish("events", [Message("evt-1")]);
        await publisher.Publish("evaluate", [Message("evaluate-1"), Message("evaluate-2")]);
        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => publisher.Publish(i % 2 == 0 ? "events" : "poison", [Message($"m-{i}")])));
        await publisher.Publish("events", [Message("evt-2")]);

        Assert.Equal(3, _broker.SenderAttaches.Count);
        Assert.Equal(["evaluate", "events", "poison"], _broker.SenderAttaches.Order());
        Assert.Equal(12, _broker.Messages.Count);
    }

    [Fact]
    public async Task Publish_SendsNothing_WhenThereAreNoMessages()
    {
        await using var publisher = Publisher(_broker);

        await publisher.Publish("events", []);

        Assert.Empty(_broker.SenderAttaches);
        Assert.Empty(_broker.Tokens);
    }

    [Fact]
    public async Task Publish_ThrowsATransientServiceBusExceptionAfterTheRetries_WhenTheBrokerKeepsRejecting()
    {
        await using var publisher = Publisher(_broker);
        _broker.RejectWith = new Error(new Symbol("amqp:internal-error")) { Description = "The broker is restarting." };
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => publisher.Publish("events", [Message("evt-1")]));

        Assert.True(error.IsTransient, error.ToString());
        Assert.Equal("events", error.EntityPath);
        Assert.Contains("1 message(s) to 'events'", error.Message, StringComparison.Ordinal);
        Assert.Contains("The broker is restarting.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + FastRetries.MaxRetries, _broker.Rejected);
        Assert.Empty(_broker.Messages);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Publish_Succeeds_WhenTheBrokerRejectsOnceThenAccepts()
    {
        await using var publisher = Publisher(_broker);
        _broker.RejectWith = new Error(new Symbol("amqp:internal-error"));
        _broker.RejectOnce = true;

        await publisher.Publish("events", [Message("evt-1"), Message("evt-2")]);

        Assert.Equal(1, _broker.Rejected);
        Assert.Equal(["evt-1", "evt-2"], _broker.Messages.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Publish_ThrowsANonTransientErrorNamingTheFix_WhenTheEntityDoesNotExist()
    {
        await using var publisher = Publisher(_broker);
        _broker.Missing.Add("evaluate");

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => publisher.Publish("evaluate", [Message("evaluate-1")]));

        Assert.False(error.IsTransient);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, error.Reason);
        Assert.Contains("'evaluate'", error.Message, StringComparison.Ordinal);
        Assert.Contains("servicebus.bicep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_ThrowsUnauthorizedNamingTheRole_WhenTheBrokerRefusesTheToken()
    {
        await using var publisher = Publisher(_broker);
        _broker.TokenStatus = 401;

        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => publisher.Publish("events", [Message("evt-1")]));

        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Azure Service Bus Data Sender", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _broker.Transfers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Publish_ThrowsAndSendsNothing_WhenATimeToLiveIsNotPositive(int seconds)
    {
        await using var publisher = Publisher(_broker);
        OutgoingMessage[] messages = [Message("evt-1"), Message("evt-2") with { TimeToLive = Duration.FromSeconds(seconds) }];

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => publisher.Publish("events", messages));

        Assert.Contains("'evt-2'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _broker.Transfers);
    }

    [Fact]
    public async Task Publish_ThrowsAndSendsNothing_WhenAPropertyHasNoName()
    {
        await using var publisher = Publisher(_broker);
        var message = Message("evt-1") with { Properties = new Dictionary<string, string> { [""] = "x" } };

        await Assert.ThrowsAsync<ArgumentException>(() => publisher.Publish("events", [message]));

        Assert.Equal(0, _broker.Transfers);
    }

    [Theory]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + AmqpTestBroker.Key + ";Unknown")]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=" + AmqpTestBroker.Key)]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send")]
    public void FromConnectionString_ThrowsWithoutTheKey_WhenMalformed(string connectionString)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ServiceBusPublisher.FromConnectionString(connectionString));

        Assert.DoesNotContain(AmqpTestBroker.Key, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ns.servicebus.windows.net", "ns.servicebus.windows.net")]
    [InlineData(" ns.servicebus.windows.net/ ", "ns.servicebus.windows.net")]
    [InlineData("https://ns.servicebus.windows.net/", "ns.servicebus.windows.net")]
    [InlineData("sb://ns.servicebus.chinacloudapi.cn", "ns.servicebus.chinacloudapi.cn")]
    public void NamespaceHost_IsTheHostName_WhenGivenAHostOrAUri(string setting, string expected) =>
        Assert.Equal(expected, ServiceBusPublisher.NamespaceHost(setting));

    [Theory]
    [InlineData("http://ns.servicebus.windows.net/")]
    [InlineData("not a host")]
    public void NamespaceHost_Throws_WhenNotANamespace(string setting) =>
        Assert.Throws<ArgumentException>(() => ServiceBusPublisher.NamespaceHost(setting));

    private const string ScheduledAnnotation = "x-opt-scheduled-enqueue-time";

    /// <summary>Short retries, so that a failing send gives up within a second.</summary>
    private static readonly ServiceBusRetryOptions FastRetries = new()
    {
        Mode = ServiceBusRetryMode.Fixed,
        MaxRetries = 2,
        Delay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        TryTimeout = TimeSpan.FromSeconds(5),
    };

    private static ServiceBusPublisher Publisher(AmqpTestBroker broker)
    {
        var options = ServiceBusPublisher.DefaultOptions();
        options.RetryOptions = FastRetries;
        return ServiceBusPublisher.FromConnectionString(broker.ConnectionString, options);
    }

    private static OutgoingMessage Message(string id) =>
        new(id, BinaryData.FromString($$"""{"id":"{{id}}"}"""), new Dictionary<string, string>());

    private static DateTime ScheduledTime(BrokerMessage message) =>
        Assert.IsType<DateTime>(message.MessageAnnotations[ScheduledAnnotation]).ToUniversalTime();
}
