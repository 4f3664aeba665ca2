using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Sasl;
using Amqp.Types;

namespace Escalation.Functions.Tests.Messaging;

/// <summary>One message as the broker received it: a transfer's own message, or one message inside a batched transfer.</summary>
/// <param name="Entity">The sender link's target address without the leading slash (the queue or topic).</param>
/// <param name="Transfer">Which transfer (counted from 0 over the broker's life) carried it.</param>
/// <param name="Batched">Whether the transfer was an AMQP batch (message format 0x80013700).</param>
/// <param name="MessageId">The properties section's message-id.</param>
/// <param name="CorrelationId">The properties section's correlation-id.</param>
/// <param name="ContentType">The properties section's content-type.</param>
/// <param name="Body">The data section(s), concatenated.</param>
/// <param name="ApplicationProperties">The application-properties section.</param>
/// <param name="MessageAnnotations">The message-annotations section (x-opt-scheduled-enqueue-time and the like).</param>
/// <param name="TimeToLive">The header's ttl; null when absent.</param>
public sealed record BrokerMessage(
    string Entity,
    int Transfer,
    bool Batched,
    string? MessageId,
    string? CorrelationId,
    string? ContentType,
    byte[] Body,
    IReadOnlyDictionary<string, object?> ApplicationProperties,
    IReadOnlyDictionary<string, object?> MessageAnnotations,
    TimeSpan? TimeToLive);

/// <summary>A CBS put-token request as the broker received it.</summary>
public sealed record BrokerToken(string Audience, string Type, string Token);

/// <summary>
/// A small AMQP 1.0 broker on a loopback port, enough for the Service Bus SDK to send to it as it sends to the Service Bus
/// emulator (plain AMQP, connection string with <c>UseDevelopmentEmulator=true</c>):
/// <list type="bullet">
/// <item>SASL with the SDK's <c>MSSBCBS</c> mechanism (an anonymous exchange: authorization comes afterwards over CBS);</item>
/// <item>the <c>$cbs</c> node, a request/response link pair, answering <c>put-token</c> with status code 202;</item>
/// <item>sender links to any other address (the entity), answered with <see cref="MaxMessageSize"/> so that the SDK's
/// batches are sized by it, and every transfer accepted and recorded, or rejected with <see cref="RejectWith"/>.</item>
/// </list>
/// Receiving links are refused: nothing here delivers messages.
/// </summary>
public sealed class AmqpTestBroker : IAsyncDisposable
{
    /// <summary>The message format of an AMQP batch: each data section holds one encoded message.</summary>
    public const uint BatchFormat = 0x80013700;

    private const string CbsNode = "$cbs";

    private readonly ContainerHost _host;
    private readonly ConcurrentQueue<BrokerMessage> _messages = new();
    private readonly ConcurrentQueue<string> _attaches = new();
    private readonly ConcurrentQueue<BrokerToken> _tokens = new();
    private readonly ConcurrentQueue<int> _sizes = new();
    private int _transfers = -1;
    private int _rejected;
    private int _detaches;

    private AmqpTestBroker(ContainerHost host, int port, uint maxMessageSize)
    {
        _host = host;
        Port = port;
        MaxMessageSize = maxMessageSize;
    }

    public int Port { get; }

    /// <summary>The max-message-size the broker announces on sender links (what one transfer may hold, in bytes).</summary>
    public uint MaxMessageSize { get; }

    /// <summary>A connection string the SDK accepts for this broker: plain AMQP to the port, as with the emulator.</summary>
    public string ConnectionString =>
        $"Endpoint=sb://localhost:{Port};SharedAccessKeyName=test-sender;SharedAccessKey={Key};UseDevelopmentEmulator=true";

    /// <summary>A made-up shared access key (the broker does not check signatures).</summary>
    public const string Key = "dGhlLWJyb2tlci1kb2VzLW5vdC1jaGVjay1pdA==";

    /// <summary>When set, every transfer is rejected with this error instead of being recorded.</summary>
    public Error? RejectWith { get; set; }

    /// <summary>With <see cref="RejectWith"/>: reject one transfer only, then accept again.</summary>
    public bool RejectOnce { get; set; }

    /// <summary>When set, put-token requests are answered with this status code (e.g. 401) instead of 202.</summary>
    public int? TokenStatus { get; set; }

    /// <summary>Entities that do not exist: a sender link to one is refused with <c>amqp:not-found</c>, as Service Bus does.</summary>
    public ISet<string> Missing { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The encoded size of each transfer's message, in order of arrival (accepted or rejected).</summary>
    public IReadOnlyList<int> TransferSizes => [.. _sizes];

    /// <summary>Transfers rejected so far.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    public IReadOnlyList<BrokerMessage> Messages => [.. _messages];

    /// <summary>The entities of the sender links attached, in order (one per link).</summary>
    public IReadOnlyList<string> SenderAttaches => [.. _attaches];

    public IReadOnlyList<BrokerToken> Tokens => [.. _tokens];

    /// <summary>Sender links closed so far.</summary>
    public int SenderDetaches => Volatile.Read(ref _detaches);

    /// <summary>
    /// <see cref="SenderDetaches"/> once it reaches <paramref name="count"/>, or after <paramref name="timeout"/>: the
    /// broker counts a detach on its own I/O thread, which may run after the client's close has returned.
    /// </summary>
    public async Task<int> SenderDetachesReaching(int count, TimeSpan timeout)
    {
        var step = TimeSpan.FromMilliseconds(20);
        for (var waited = TimeSpan.Zero; SenderDetaches < count && waited < timeout; waited += step)
        {
            await Task.Delay(step);
        }

        return SenderDetaches;
    }

    /// <summary>Transfers received (accepted or rejected).</summary>
    public int Transfers => Volatile.Read(ref _transfers) + 1;

    /// <summary>Starts a broker on a free loopback port.</summary>
    public static AmqpTestBroker Start(uint maxMessageSize = 256 * 1024)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var host = new ContainerHost(new Address($"amqp://127.0.0.1:{port}"));
            var broker = new AmqpTestBroker(host, port, maxMessageSize);
            host.Listeners[0].SASL.EnableMechanism(new Symbol(CbsSaslProfile.Name), new CbsSaslProfile());
            host.RegisterRequestProcessor(CbsNode, new CbsProcessor(broker));
            host.RegisterLinkProcessor(new EntityLinks(broker));
            try
            {
                host.Open();
                return broker;
            }
            catch (SocketException) when (attempt < 5)
            {
                // Another process took the port between the probe and the bind: take another one.
                host.Close();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _host.Close();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void Receive(string entity, MessageContext context)
    {
        var transfer = Interlocked.Increment(ref _transfers);
        _sizes.Enqueue(context.Message.Encode().Length);
        if (RejectWith is { } error)
        {
            Interlocked.Increment(ref _rejected);
            if (RejectOnce)
            {
                RejectWith = null;
            }

            context.Complete(error);
            return;
        }

        var message = context.Message;
        if (message.Format == BatchFormat)
        {
            foreach (var section in DataSections(message))
            {
                var inner = Message.Decode(new ByteBuffer(section, 0, section.Length, section.Length));
                _messages.Enqueue(Record(entity, transfer, batched: true, inner));
            }
        }
        else
        {
            _messages.Enqueue(Record(entity, transfer, batched: false, message));
        }

        context.Complete();
    }

    private static IEnumerable<byte[]> DataSections(Message message) => message.BodySection switch
    {
        DataList list => Enumerable.Range(0, list.Count).Select(i => list[i].Binary),
        Data data => [data.Binary],
        var other => throw new InvalidDataException($"A batch whose body is {other?.GetType().Name ?? "empty"}, not data sections."),
    };

    private static BrokerMessage Record(string entity, int transfer, bool batched, Message message) => new(
        entity,
        transfer,
        batched,
        message.Properties?.GetMessageId()?.ToString(),
        message.Properties?.GetCorrelationId()?.ToString(),
        message.Properties?.ContentType,
        message.BodySection switch
        {
            Data data => data.Binary,
            DataList list => [.. Enumerable.Range(0, list.Count).SelectMany(i => list[i].Binary)],
            null => [],
            var other => throw new InvalidDataException($"A message whose body is {other.GetType().Name}, not data."),
        },
        Map(message.ApplicationProperties?.Map),
        Map(message.MessageAnnotations?.Map),
        message.Header is { Ttl: > 0 and var ttl } ? TimeSpan.FromMilliseconds(ttl) : null);

    private static Dictionary<string, object?> Map(Amqp.Types.Map? map) =>
        map is null ? [] : map.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => (object?)map[k]);

    /// <summary>
    /// The SDK's SASL mechanism: an anonymous exchange (init, then outcome ok) under the name <c>MSSBCBS</c>, which tells
    /// the service that authorization follows over CBS.
    /// </summary>
    private sealed class CbsSaslProfile() : SaslProfile(new Symbol(Name))
    {
        public const string Name = "MSSBCBS";

        protected override ITransport UpgradeTransport(ITransport transport) => transport;

        protected override DescribedList GetStartCommand(string hostname) => throw new InvalidOperationException("The broker never starts SASL.");

        protected override DescribedList OnCommand(DescribedList command) =>
            command is SaslInit ? new SaslOutcome { Code = SaslCode.Ok } : throw new AmqpException(ErrorCode.NotAllowed, command.Descriptor.Name);
    }

    /// <summary>Answers put-token requests on <c>$cbs</c>: records the token and accepts it (202).</summary>
    private sealed class CbsProcessor(AmqpTestBroker broker) : IRequestProcessor
    {
        public int Credit => 100;

        public void Process(RequestContext requestContext)
        {
            var request = requestContext.Message;
            var properties = request.ApplicationProperties;
            var operation = properties?["operation"] as string;
            Message response;
            if (operation == "put-token")
            {
                broker._tokens.Enqueue(new BrokerToken(
                    properties!["name"] as string ?? "",
                    properties["type"] as string ?? "",
                    request.Body as string ?? ""));
                response = broker.TokenStatus is { } status ? Status(status, "Refused by the test broker.") : Status(202, "Accepted");
            }
            else
            {
                response = Status(400, $"Operation '{operation}' is not supported by the test broker.");
            }

            requestContext.Complete(response);
        }

        private static Message Status(int code, string description) => new()
        {
            ApplicationProperties = new ApplicationProperties { ["status-code"] = code, ["status-description"] = description },
        };
    }

    /// <summary>Sender links to an entity: answered with the broker's max message size, each transfer recorded.</summary>
    private sealed class EntityLinks(AmqpTestBroker broker) : ILinkProcessor
    {
        public void Process(AttachContext attachContext)
        {
            var attach = attachContext.Attach;
            if (attach.Role)
            {
                attachContext.Complete(new Error(ErrorCode.NotImplemented) { Description = "The test broker does not deliver messages." });
                return;
            }

            var entity = ((Target)attach.Target).Address.TrimStart('/');
            if (broker.Missing.Contains(entity))
            {
                attachContext.Complete(new Error(ErrorCode.NotFound) { Description = $"The messaging entity '{entity}' could not be found." });
                return;
            }

            broker._attaches.Enqueue(entity);
            attach.MaxMessageSize = broker.MaxMessageSize;
            attachContext.Complete(new EntityEndpoint(broker, entity, attachContext.Link), 300);
        }
    }

    /// <summary>Counts the sender links that close (a client that disposes its sender or its connection detaches them).</summary>
    private sealed class EntityEndpoint(AmqpTestBroker broker, string entity, ListenerLink link)
        : TargetLinkEndpoint(new EntityProcessor(broker, entity), link)
    {
        public override void OnLinkClosed(ListenerLink link, Error error)
        {
            Interlocked.Increment(ref broker._detaches);
            base.OnLinkClosed(link, error);
        }
    }

    private sealed class EntityProcessor(AmqpTestBroker broker, string entity) : IMessageProcessor
    {
        public int Credit => 300;

        public void Process(MessageContext messageContext) => broker.Receive(entity, messageContext);
    }
}
