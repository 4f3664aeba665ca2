using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Azure.Core.Pipeline;
using Azure.Core;
using Azure;
using Escalation.Domain.Delivery;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Sends email through Communication Services (<c>POST /emails:send</c>). The <c>Operation-Id</c> header is the
/// delivery's <see cref="DeliveryUuid"/>, so a retried delivery names the same operation and is not sent twice. The
/// service answers 202 with an <c>Operation-Location</c>, which is polled (honouring <c>retry-after</c>) for at most
/// <see cref="AcsOptions.EmailPollLimit"/>.
/// </summary>
/// <remarks>
/// Outcomes: Succeeded → <see cref="SendResult.Sent"/> with the operation id; Failed or Canceled →
/// <see cref="SendResult.Rejected"/> with the service's error code and message; still running when polling stops →
/// <see cref="SendResult.Sent"/> (it was accepted). A refused send: 429, 408 and 5xx (after the pipeline's own retries)
/// → <see cref="SendResult.Transient"/> with the <c>Retry-After</c>; 401, 403 and 404 throw
/// <see cref="RequestFailedException"/> (configuration, not the recipient); other statuses (400, 413, 422...) →
/// <see cref="SendResult.Rejected"/>. No error text carries the recipient's address.
/// </remarks>
public sealed class AcsEmailSender : IEmailSender
{
    /// <summary>The Email API version used.</summary>
    public const string ApiVersion = "2025-09-01";

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _senderAddress;
    private readonly AcsOptions _options;

    private AcsEmailSender(HttpPipeline pipeline, Uri endpoint, string senderAddress, AcsOptions options, string describe)
    {
        _pipeline = pipeline;
        _endpoint = endpoint;
        _senderAddress = senderAddress;
        _options = options;
        Describe = describe;
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>A sender from <paramref name="senderAddress"/> (an address of a domain connected to the resource).</summary>
    /// <param name="access">The resource and its authentication.</param>
    /// <param name="senderAddress">The From address, e.g. <c>DoNotReply@{domain}</c>.</param>
    /// <param name="options">Retries, transport, polling; null for the defaults.</param>
    public static AcsEmailSender Create(AcsAccess access, string senderAddress, AcsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        options ??= new AcsOptions();
        if (options.EmailPollInterval <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EmailPollInterval, "The email poll interval must be positive.");
        }

        return new AcsEmailSender(access.Pipeline(options), access.Endpoint, senderAddress, options, $"email from {senderAddress} via {access.Describe}");
    }

    /// <inheritdoc />
    public async Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var operationId = DeliveryUuid.From(email.DispatchId).ToString("D");
        string[] recipients = [email.To];

        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        // "./": a bare "emails:send" would read as a URI of scheme "emails".
        message.Request.Uri.Reset(new Uri(_endpoint, $"./emails:send?api-version={ApiVersion}"));
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Headers.SetValue("Operation-Id", operationId);
        message.Request.Content = RequestContent.Create(Body(email));
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AcsAnswers.IsConnectionFailure(e, cancellationToken))
        {
            return AcsAnswers.ConnectionFailed(e);
        }

        var response = message.Response;
        if (response.Status != 202)
        {
            return AcsAnswers.Failure(response, "email send", recipients);
        }

        var operation = Operation.Read(response) ?? new Operation(operationId, "Running", null, null) { RetryAfter = AcsAnswers.RetryAfter(response) };
        var location = PollUri(response, operation.Id);
        var waited = Duration.Zero;
        while (true)
        {
            switch (operation.Status)
            {
                case "Succeeded":
                    return new SendResult.Sent(operation.Id);
                case "Failed" or "Canceled":
                    var error = $"{operation.Status} {operation.ErrorCode ?? "(no code)"}: {operation.ErrorMessage ?? "(no message)"}";
                    return new SendResult.Rejected(AcsAnswers.Hide(error, recipients));
            }

            // A zero wait would poll without end and without the limit ever being reached.
            var wait = operation.RetryAfter is { } asked && asked > Duration.Zero ? asked : _options.EmailPollInterval;
            if (waited + wait > _options.EmailPollLimit)
            {
                return new SendResult.Sent(operation.Id);
            }

            await _options.Delay(wait.ToTimeSpan(), cancellationToken).ConfigureAwait(false);
            waited += wait;
            var next = await Poll(location, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                // Accepted, but the status cannot be read now: the send is the service's from here on.
                return new SendResult.Sent(operation.Id);
            }

            operation = next;
        }
    }

    private async Task<Operation?> Poll(Uri location, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(location);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AcsAnswers.IsConnectionFailure(e, cancellationToken))
        {
            return null;
        }

        var response = message.Response;
        if (response.Status is 401 or 403)
        {
            throw new RequestFailedException(response.Status, $"Communication Services refused to read an email send operation with {response.Status} {response.ReasonPhrase}: check the access key or the role assignment.");
        }

        return response.Status == 200 ? Operation.Read(response) : null;
    }

    /// <summary>
    /// The <c>Operation-Location</c> when it points at this resource; otherwise the documented
    /// <c>/emails/operations/{id}</c> (credentials are not sent to another host).
    /// </summary>
    private Uri PollUri(Response response, string operationId)
    {
        if (response.Headers.TryGetValue("Operation-Location", out var header)
            && Uri.TryCreate(header, UriKind.Absolute, out var location)
            && location.Scheme == _endpoint.Scheme
            && string.Equals(location.Authority, _endpoint.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return location;
        }

        return new Uri(_endpoint, $"emails/operations/{Uri.EscapeDataString(operationId)}?api-version={ApiVersion}");
    }

    private byte[] Body(EmailToSend email)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartObject();
            writer.WriteString("senderAddress", _senderAddress);
            writer.WriteStartObject("content");
            writer.WriteString("subject", email.Subject);
            writer.WriteString("plainText", email.PlainText);
            writer.WriteString("html", email.Html);
            writer.WriteEndObject();
            writer.WriteStartObject("recipients");
            writer.WriteStartArray("to");
            writer.WriteStartObject();
            writer.WriteString("address", email.To);
            if (!string.IsNullOrWhiteSpace(email.ToName))
            {
                writer.WriteString("displayName", email.ToName);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            if (email.Attachments.Count > 0)
            {
                // EmailMessage.attachments: name, contentType, contentInBase64 (emails:send, 2023-03-31 and later).
                writer.WriteStartArray("attachments");
                foreach (var attachment in email.Attachments)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", attachment.Name);
                    writer.WriteString("contentType", attachment.ContentType);
                    writer.WriteBase64String("contentInBase64", attachment.Content.Span);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteBoolean("userEngagementTrackingDisabled", true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An email send operation's state as the service reports it (<c>EmailSendResult</c>).</summary>
    private sealed record Operation(string Id, string Status, string? ErrorCode, string? ErrorMessage)
    {
        public Duration? RetryAfter { get; init; }

        public static Operation? Read(Response response)
        {
            if (!AcsAnswers.TryParse(response, out var document))
            {
                return null;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || AcsAnswers.String(root, "id") is not { } id
                    || AcsAnswers.String(root, "status") is not { } status)
                {
                    return null;
                }

                string? code = null;
                string? message = null;
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = AcsAnswers.String(error, "code");
                    message = AcsAnswers.String(error, "message");
                }

                return new Operation(id, status, code, message) { RetryAfter = AcsAnswers.RetryAfter(response) };
            }
        }
    }
}
