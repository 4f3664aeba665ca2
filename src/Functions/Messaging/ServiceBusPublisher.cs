using System.Collections.Concurrent;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>
/// Publishes to Service Bus queues and topics with the Azure.Messaging.ServiceBus SDK over AMQP: one
/// <see cref="ServiceBusClient"/> (one AMQP connection) for the process's life and one <see cref="ServiceBusSender"/>
/// (one AMQP link) per entity, created on first use and reused. What the output binding cannot do, this does: message id
/// (duplicate detection), scheduled enqueue time, time to live and application properties.
/// </summary>
/// <remarks>
/// Messages go out in order, in <see cref="ServiceBusMessageBatch"/>es sized by the broker's own limit (the link's
/// max-message-size: 256 KB on the Standard tier): a message that does not fit closes the batch, which is sent before a
/// new one starts. The SDK retries what may pass (throttling, a broker restart, a dropped connection) under
/// <see cref="DefaultOptions"/>'s retry policy; when its retries are spent, a <see cref="ServiceBusException"/> with
/// <see cref="ServiceBusException.IsTransient"/> set propagates, so that the invocation fails and the host retries it.
/// What cannot pass (no such entity, no send right, a message larger than the broker takes) throws too, naming the
/// entity and what to fix. Messages already sent in an earlier batch stay sent; re-publishing them is harmless, as the
/// broker's duplicate detection keys on the message id.
/// </remarks>
public sealed class ServiceBusPublisher : IMessagePublisher, IAsyncDisposable
{
    private readonly ServiceBusClient _client;
    private readonly ConcurrentDictionary<string, Lazy<ServiceBusSender>> _senders = new(StringComparer.Ordinal);

    private ServiceBusPublisher(ServiceBusClient client, string describe)
    {
        _client = client;
        Describe = describe;
    }

    /// <summary>Where the messages go, for logs (no secrets).</summary>
    public string Describe { get; }

    /// <summary>
    /// Client options for the engine: AMQP over TCP (port 5671), and exponential retries, five of them from one second
    /// up to thirty, each try bounded by thirty seconds: a broker restart or throttling usually passes within that, and
    /// the worst case (about four minutes) stays well inside a function's time limit.
    /// </summary>
    public static ServiceBusClientOptions DefaultOptions() => new()
    {
        TransportType = ServiceBusTransportType.AmqpTcp,
        RetryOptions = new ServiceBusRetryOptions
        {
            Mode = ServiceBusRetryMode.Exponential,
            MaxRetries = 5,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
            TryTimeout = TimeSpan.FromSeconds(30),
        },
    };

    /// <summary>With an Entra token (managed identity in Azure): no secret in settings.</summary>
    /// <param name="fullyQualifiedNamespace">The namespace host, <c>{ns}.servicebus.windows.net</c>; an <c>sb://</c> or <c>https://</c> URI of it is taken too.</param>
    /// <param name="credential">The token source, e.g. a <c>DefaultAzureCredential</c> that finds the managed identity.</param>
    /// <param name="options">Transport and retries; null for <see cref="DefaultOptions"/>.</param>
    public static ServiceBusPublisher WithCredential(string fullyQualifiedNamespace, TokenCredential credential, ServiceBusClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var host = NamespaceHost(fullyQualifiedNamespace);
        return new ServiceBusPublisher(new ServiceBusClient(host, credential, options ?? DefaultOptions()), $"Service Bus {host} (Entra token)");
    }

    /// <summary>
    /// From a connection string <c>Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName=..;SharedAccessKey=..</c>
    /// (or the emulator's, with <c>UseDevelopmentEmulator=true</c>, which the SDK reaches over plain AMQP).
    /// </summary>
    /// <param name="connectionString">The namespace's (or an entity's) shared access connection string.</param>
    /// <param name="options">Transport and retries; null for <see cref="DefaultOptions"/>.</param>
    public static ServiceBusPublisher FromConnectionString(string connectionString, ServiceBusClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ServiceBusConnectionStringProperties properties;
        try
        {
            properties = ServiceBusConnectionStringProperties.Parse(connectionString);
        }
        catch (FormatException e)
        {
            // The SDK's message names the part that is wrong, never the key.
            throw new ArgumentException($"The Service Bus connection string is malformed: {e.Message}", nameof(connectionString), e);
        }

        var client = new ServiceBusClient(connectionString, options ?? DefaultOptions());
        return new ServiceBusPublisher(client, $"Service Bus {properties.Endpoint?.Authority} (shared access key {properties.SharedAccessKeyName})");
    }

    /// <inheritdoc />
    public async Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        // Every message is checked before the first send, so that a bad one does not leave half of the list published.
        var outgoing = messages.Select(Map).ToList();
        var sender = Sender(entity);
        ServiceBusException? tooLarge = null;
        try
        {
            ServiceBusMessageBatch? batch = null;
            try
            {
                batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < outgoing.Count; i++)
                {
                    if (batch.TryAddMessage(outgoing[i]))
                    {
                        continue;
                    }

                    if (batch.Count == 0)
                    {
                        throw tooLarge = TooLarge(entity, messages[i], batch.MaxSizeInBytes);
                    }

                    await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Dispose();
                    batch = null;
                    batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                    if (!batch.TryAddMessage(outgoing[i]))
                    {
                        throw tooLarge = TooLarge(entity, messages[i], batch.MaxSizeInBytes);
                    }
                }

                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                batch?.Dispose();
            }
        }
        catch (ServiceBusException e) when (e != tooLarge)
        {
            throw new ServiceBusException(e.IsTransient, Explain(entity, messages.Count, e), entity, e.Reason, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(
                $"Service Bus refused a send of {messages.Count} message(s) to '{entity}': {e.Message} Give the app's identity the role " +
                "'Azure Service Bus Data Sender' on the namespace (infra/bicep/modules/servicebus.bicep does), or check the connection string's key.",
                e);
        }
    }

    /// <summary>Closes every sender's link, then the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values.Where(s => s.IsValueCreated))
        {
            await sender.Value.DisposeAsync().ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The entity's sender, made once: creating it costs nothing, its link opens on the first send.</summary>
    private ServiceBusSender Sender(string entity) =>
        _senders.GetOrAdd(entity, name => new Lazy<ServiceBusSender>(() => _client.CreateSender(name), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>The SDK message for one outgoing message: body as JSON, the broker properties and the application properties.</summary>
    internal static ServiceBusMessage Map(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.MessageId, nameof(message));
        var mapped = new ServiceBusMessage(message.Body)
        {
            MessageId = message.MessageId,
            ContentType = OutgoingMessage.ContentType,
        };

        if (message.CorrelationId is { } correlationId)
        {
            mapped.CorrelationId = correlationId;
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            mapped.ScheduledEnqueueTime = scheduled.ToDateTimeOffset();
        }

        if (message.TimeToLive is { } timeToLive)
        {
            if (timeToLive <= Duration.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(message), timeToLive, $"Message '{message.MessageId}' has a time to live that is not positive.");
            }

            mapped.TimeToLive = timeToLive.ToTimeSpan();
        }

        foreach (var (name, value) in message.Properties)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"Message '{message.MessageId}' has an application property without a name.", nameof(message));
            }

            mapped.ApplicationProperties[name] = value;
        }

        return mapped;
    }

    /// <summary>The namespace's host name from a host name or a URI of it (<c>sb://</c>, <c>https://</c>).</summary>
    internal static string NamespaceHost(string fullyQualifiedNamespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullyQualifiedNamespace);
        var text = fullyQualifiedNamespace.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("sb" or "https" or "amqps"))
            {
                throw new ArgumentException($"'{fullyQualifiedNamespace}' is not a Service Bus namespace (write {{ns}}.servicebus.windows.net).", nameof(fullyQualifiedNamespace));
            }

            text = uri.Host;
        }

        text = text.TrimEnd('/');
        if (Uri.CheckHostName(text) is UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{fullyQualifiedNamespace}' is not a Service Bus namespace (write {{ns}}.servicebus.windows.net).", nameof(fullyQualifiedNamespace));
        }

        return text;
    }

    private static ServiceBusException TooLarge(string entity, OutgoingMessage message, long maxBytes) => new(
        isTransient: false,
        $"Message '{message.MessageId}' ({message.Body.ToMemory().Length} bytes of body) is larger than what '{entity}' accepts in one send " +
        $"({maxBytes} bytes with its properties): it was not sent. Make the message smaller (the Standard tier takes 256 KB).",
        entity,
        ServiceBusFailureReason.MessageSizeExceeded);

    private static string Explain(string entity, int count, ServiceBusException e)
    {
        var fix = e.Reason switch
        {
            ServiceBusFailureReason.MessagingEntityNotFound =>
                "The queue or topic does not exist: deploy infra/bicep (modules/servicebus.bicep creates it) or check the namespace setting.",
            ServiceBusFailureReason.MessagingEntityDisabled => "The queue or topic is disabled: enable it in the portal.",
            ServiceBusFailureReason.QuotaExceeded => "The entity is full or the namespace quota is spent: check that its consumers run.",
            ServiceBusFailureReason.ServiceBusy => "Service Bus is throttling: the invocation will be retried.",
            ServiceBusFailureReason.ServiceTimeout or ServiceBusFailureReason.ServiceCommunicationProblem =>
                "Service Bus could not be reached in time: the invocation will be retried; if it persists, check the network path to the namespace (AMQP, TCP port 5671).",
            _ when e.IsTransient => "The failure may pass: the invocation will be retried.",
            _ => "Check the namespace setting and the entity.",
        };

        var retried = e.IsTransient ? " after the SDK's retries" : "";
        return $"A send of {count} message(s) to '{entity}' failed{retried}: {Cause(e)} {fix}";
    }

    /// <summary>
    /// The SDK's own words without the suffix it adds to every message (entity, reason, troubleshooting link), which the
    /// wrapping exception adds again.
    /// </summary>
    private static string Cause(ServiceBusException e)
    {
        var message = e.Message;
        foreach (var suffix in new[] { $" ({e.EntityPath} - {e.Reason})", $" ({e.Reason})" })
        {
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at > 0)
            {
                return message[..at];
            }
        }

        return message;
    }
}
