using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>
/// Publishes to a Service Bus queue or topic over its REST API ("Send Message", "Send Message Batch") on an Azure.Core
/// pipeline, which retries throttling and server errors and honours <c>Retry-After</c>. What the output binding cannot
/// do, this does: message id (duplicate detection), scheduled enqueue time, time to live and application properties.
/// </summary>
/// <remarks>
/// One message goes as the request body with a <c>BrokerProperties</c> header and one header per application property
/// (a JSON string, so quoted). Several go in the batch form, split so that no request has more than
/// <see cref="MaxBatchCount"/> messages or <see cref="MaxBatchBytes"/> bytes (the broker's limit is 256 KB on the
/// Standard tier). 201 is success; anything else, once the pipeline's retries are spent, throws
/// <see cref="RequestFailedException"/> with the status and the entity, never a body.
/// </remarks>
public sealed class ServiceBusRestPublisher : IMessagePublisher
{
    /// <summary>The Entra scope for Service Bus data-plane tokens.</summary>
    public const string Scope = "https://servicebus.azure.net/.default";

    /// <summary>At most this many messages per batch request.</summary>
    public const int MaxBatchCount = 100;

    /// <summary>At most this many bytes of JSON per batch request: well under the broker's 256 KB.</summary>
    public const int MaxBatchBytes = 192 * 1024;

    private const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    // The broker's own time limit for a send, in seconds ("timeout" query parameter of the REST API).
    private const int ServerTimeoutSeconds = 60;

    // Headers the publisher sets itself or that HTTP owns: an application property must not take their place.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "BrokerProperties", "Content-Type", "Content-Length", "Content-Encoding", "Host", "Connection",
        "Transfer-Encoding", "Expect", "Date", "User-Agent", "Accept", "x-ms-client-request-id", "x-ms-retrypolicy",
        "traceparent", "Request-Id",
    };

    // Header values must be ASCII: the default encoder escapes everything else as \uXXXX, which JSON readers undo.
    private static readonly JsonWriterOptions HeaderJson = new() { Encoder = JavaScriptEncoder.Default };

    // Bodies may carry any text as is; only what JSON requires (and HTML-sensitive characters) is escaped.
    private static readonly JsonWriterOptions BodyJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    private ServiceBusRestPublisher(HttpPipeline pipeline, Uri endpoint, string describe)
    {
        _pipeline = pipeline;
        _endpoint = endpoint;
        Describe = describe;
    }

    /// <summary>Where the messages go, for logs (no secrets).</summary>
    public string Describe { get; }

    /// <summary>
    /// With an Entra token (managed identity in Azure) for <see cref="Scope"/>: no secret in settings.
    /// </summary>
    /// <param name="namespaceEndpoint">The namespace, <c>https://{ns}.servicebus.windows.net/</c> (<c>sb://</c> is taken as <c>https://</c>).</param>
    /// <param name="credential">The token source, e.g. a <c>ManagedIdentityCredential</c>.</param>
    /// <param name="options">Retries, transport and diagnostics; null for the defaults.</param>
    public static ServiceBusRestPublisher WithCredential(Uri namespaceEndpoint, TokenCredential credential, ServiceBusRestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var endpoint = HttpsEndpoint(namespaceEndpoint);
        var pipeline = HttpPipelineBuilder.Build(options ?? new ServiceBusRestOptions(), new BearerTokenAuthenticationPolicy(credential, Scope));
        return new ServiceBusRestPublisher(pipeline, endpoint, $"Service Bus {endpoint.Authority} (Entra token)");
    }

    /// <summary>
    /// From a connection string <c>Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName=..;SharedAccessKey=..</c>,
    /// signing each request with a shared access token whose expiry is read from <paramref name="clock"/>.
    /// </summary>
    /// <param name="connectionString">The namespace's (or an entity's) shared access connection string.</param>
    /// <param name="clock">The clock token expiries are computed from.</param>
    /// <param name="options">Retries, transport, diagnostics and token lifetime; null for the defaults.</param>
    public static ServiceBusRestPublisher FromConnectionString(string connectionString, IClock clock, ServiceBusRestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var (endpoint, keyName, key) = ParseConnectionString(connectionString);
        options ??= new ServiceBusRestOptions();
        var pipeline = HttpPipelineBuilder.Build(options, new ServiceBusSasPolicy(keyName, key, clock, options.SasTokenLifetime));
        return new ServiceBusRestPublisher(pipeline, endpoint, $"Service Bus {endpoint.Authority} (shared access key {keyName})");
    }

    /// <inheritdoc />
    public async Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var uri = MessagesUri(entity);
        if (messages.Count == 1 && !NeedsBatchForm(messages[0]))
        {
            await Send(entity, uri, Single(messages[0]), 1, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var batch in Batches(messages))
        {
            var request = batch.Count == 1 && !NeedsBatchForm(messages[batch.First]) ? Single(messages[batch.First]) : Batch(batch);
            await Send(entity, uri, request, batch.Count, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A message carrying a trace context: its <c>traceparent</c> property cannot travel as a header (the request's own
    /// traceparent header is HttpClient's), so it goes in the batch form, as a batch of one, where properties are JSON.
    /// </summary>
    private static bool NeedsBatchForm(OutgoingMessage message) => message.Properties.ContainsKey("traceparent");

    /// <summary>Splits <paramref name="messages"/>, in order, into runs that fit one batch request each.</summary>
    internal static IReadOnlyList<BatchRun> Batches(IReadOnlyList<OutgoingMessage> messages)
    {
        var runs = new List<BatchRun>();
        var entries = new List<byte[]>();
        var first = 0;
        var bytes = 2; // the brackets
        for (var i = 0; i < messages.Count; i++)
        {
            var entry = BatchEntry(messages[i]);
            var added = entry.Length + (entries.Count > 0 ? 1 : 0);
            if (entries.Count > 0 && (entries.Count == MaxBatchCount || bytes + added > MaxBatchBytes))
            {
                runs.Add(new BatchRun(first, [.. entries]));
                entries.Clear();
                first = i;
                bytes = 2;
                added = entry.Length;
            }

            entries.Add(entry);
            bytes += added;
        }

        if (entries.Count > 0)
        {
            runs.Add(new BatchRun(first, [.. entries]));
        }

        return runs;
    }

    private async Task Send(string entity, Uri uri, OutgoingRequest outgoing, int count, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(uri);
        request.Headers.SetValue(HttpHeader.Names.ContentType, outgoing.ContentType);
        foreach (var (name, value) in outgoing.Headers)
        {
            request.Headers.SetValue(name, value);
        }

        request.Content = RequestContent.Create(outgoing.Body);

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AggregateException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The retry policy gathers every try's transport failure; callers get one RequestFailedException either way.
            throw new RequestFailedException(0, $"Service Bus could not be reached for a send of {count} message(s) to '{entity}'.", null, e);
        }

        var response = message.Response;
        if (response.Status != 201)
        {
            throw new RequestFailedException(
                response.Status,
                $"Service Bus answered {response.Status} {response.ReasonPhrase} to a send of {count} message(s) to '{entity}'.",
                errorCode: null,
                innerException: null);
        }
    }

    private Uri MessagesUri(string entity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        var segments = entity.Split('/');
        if (segments.Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw new ArgumentException($"'{entity}' is not a queue or topic name.", nameof(entity));
        }

        var path = string.Join('/', segments.Select(Uri.EscapeDataString));
        return new Uri(_endpoint, $"{path}/messages?timeout={ServerTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
    }

    private static OutgoingRequest Single(OutgoingMessage message)
    {
        var headers = new List<(string, string)> { ("BrokerProperties", Json(HeaderJson, w => WriteBrokerProperties(w, message))) };
        foreach (var (name, value) in message.Properties)
        {
            headers.Add((PropertyHeaderName(name), Json(HeaderJson, w => w.WriteStringValue(value))));
        }

        return new OutgoingRequest(OutgoingMessage.ContentType, headers, message.Body.ToArray());
    }

    private static OutgoingRequest Batch(BatchRun run)
    {
        var size = 2 + run.Entries.Sum(e => e.Length) + run.Entries.Count - 1;
        var body = new byte[size];
        var at = 0;
        body[at++] = (byte)'[';
        for (var i = 0; i < run.Entries.Count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)',';
            }

            run.Entries[i].CopyTo(body, at);
            at += run.Entries[i].Length;
        }

        body[at] = (byte)']';
        return new OutgoingRequest(BatchContentType, [], body);
    }

    /// <summary>One element of a batch body: <c>{"Body": "...", "BrokerProperties": {...}, "UserProperties": {...}}</c>.</summary>
    private static byte[] BatchEntry(OutgoingMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, BodyJson))
        {
            writer.WriteStartObject();
            writer.WriteString("Body", message.Body.ToString());
            writer.WritePropertyName("BrokerProperties");
            WriteBrokerProperties(writer, message);
            writer.WriteStartObject("UserProperties");
            foreach (var (name, value) in message.Properties)
            {
                writer.WriteString(PropertyName(name), value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteBrokerProperties(Utf8JsonWriter writer, OutgoingMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message.MessageId, nameof(message));
        writer.WriteStartObject();
        writer.WriteString("MessageId", message.MessageId);
        if (message.CorrelationId is { } correlationId)
        {
            writer.WriteString("CorrelationId", correlationId);
        }

        if (message.ScheduledEnqueueTime is { } scheduled)
        {
            writer.WriteString("ScheduledEnqueueTimeUtc", Rfc1123(scheduled));
        }

        if (message.TimeToLive is { } timeToLive)
        {
            if (timeToLive <= Duration.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(message), timeToLive, $"Message '{message.MessageId}' has a time to live that is not positive.");
            }

            writer.WriteNumber("TimeToLive", timeToLive.TotalSeconds);
        }

        writer.WriteEndObject();
    }

    private static string PropertyName(string name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("An application property has no name.", nameof(name)) : name;

    /// <summary>An application property travels as a header of its own name, so the name must be a valid, free header name.</summary>
    private static string PropertyHeaderName(string name)
    {
        PropertyName(name);
        if (!name.All(IsTokenChar) || ReservedHeaders.Contains(name))
        {
            throw new ArgumentException($"Application property '{name}' cannot travel as an HTTP header.", nameof(name));
        }

        return name;
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    internal static string Rfc1123(Instant instant) => instant.ToDateTimeOffset().ToString("R", CultureInfo.InvariantCulture);

    private static string Json(JsonWriterOptions options, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The namespace's HTTPS root; <c>sb://</c> becomes <c>https://</c>, and plain HTTP is refused (tokens would travel in clear).</summary>
    internal static Uri HttpsEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("sb" or "https"))
        {
            throw new ArgumentException($"'{endpoint}' is not a Service Bus namespace endpoint (https:// or sb://).", nameof(endpoint));
        }

        // sb:// has no default port, so its authority carries a port only when one was written, as https:// needs it.
        return new Uri($"https://{endpoint.Authority}/");
    }

    /// <summary>Reads the endpoint, key name and key; a malformed string is reported without echoing the key.</summary>
    internal static (Uri Endpoint, string KeyName, string Key) ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException("The Service Bus connection string has a part without 'name=value'.", nameof(connectionString));
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (parts.ContainsKey("SharedAccessSignature"))
        {
            throw new ArgumentException("A Service Bus connection string with a ready-made SharedAccessSignature is not supported; give SharedAccessKeyName and SharedAccessKey.", nameof(connectionString));
        }

        string Required(string name) =>
            parts.TryGetValue(name, out var value) && value.Length > 0
                ? value
                : throw new ArgumentException($"The Service Bus connection string has no {name}.", nameof(connectionString));

        var endpointText = Required("Endpoint");
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            throw new ArgumentException("The Service Bus connection string's Endpoint is not an absolute URI.", nameof(connectionString));
        }

        return (HttpsEndpoint(endpoint), Required("SharedAccessKeyName"), Required("SharedAccessKey"));
    }

    /// <summary>A run of consecutive messages, from index <see cref="First"/>, already serialized as batch entries.</summary>
    internal sealed record BatchRun(int First, IReadOnlyList<byte[]> Entries)
    {
        public int Count => Entries.Count;
    }

    private sealed record OutgoingRequest(string ContentType, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body);
}
