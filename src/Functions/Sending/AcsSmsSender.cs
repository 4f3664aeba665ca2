using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Azure.Core.Pipeline;
using Azure.Core;
using Azure;
using Escalation.Domain.Delivery;

namespace Escalation.Functions.Sending;

/// <summary>
/// Sends SMS through Communication Services (<c>POST /sms</c>). Messages with the same text share a request (at most
/// <see cref="MaxRecipients"/> recipients, never one number twice); each recipient carries the delivery's
/// <see cref="DeliveryUuid"/> as <c>repeatabilityRequestId</c> and its first attempt as <c>repeatabilityFirstSent</c>,
/// so a repeated attempt is not sent twice.
/// </summary>
/// <remarks>
/// The 202 answer has one result per recipient, read one by one: <c>successful</c> → <see cref="SendResult.Sent"/> with
/// the message id; a 429, 408 or 5xx status → <see cref="SendResult.Transient"/>; any other →
/// <see cref="SendResult.Rejected"/> with the service's error message. A whole request refused with 429, 408 or 5xx
/// (after the pipeline's retries) makes each of its messages transient; 400 and the like, rejected; 401, 403 and 404
/// throw <see cref="RequestFailedException"/>. No error text carries a phone number.
/// </remarks>
public sealed class AcsSmsSender : ISmsSender
{
    /// <summary>The SMS API version used.</summary>
    public const string ApiVersion = "2021-03-07";

    /// <summary>The most recipients the service takes in one request.</summary>
    public const int MaxRecipients = 100;

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _from;
    private readonly AcsOptions _options;

    private AcsSmsSender(HttpPipeline pipeline, Uri endpoint, string from, AcsOptions options, string describe)
    {
        _pipeline = pipeline;
        _endpoint = endpoint;
        _from = from;
        _options = options;
        Describe = describe;
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>A sender from <paramref name="fromNumber"/> (a number, or an alphanumeric sender id, of the resource).</summary>
    /// <param name="access">The resource and its authentication.</param>
    /// <param name="fromNumber">The sender, E.164 (e.g. +18005550100).</param>
    /// <param name="options">Retries, transport, delivery reports; null for the defaults.</param>
    public static AcsSmsSender Create(AcsAccess access, string fromNumber, AcsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentException.ThrowIfNullOrWhiteSpace(fromNumber);
        options ??= new AcsOptions();
        return new AcsSmsSender(access.Pipeline(options), access.Endpoint, fromNumber, options, $"SMS from {fromNumber} via {access.Describe}");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new SendResult[messages.Count];
        foreach (var request in Requests(messages))
        {
            await Send(messages, request, results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// Groups the messages into requests, as lists of indexes: one text per request, at most <see cref="MaxRecipients"/>
    /// recipients, a number at most once (its results are matched back by number). Requests come in the order of their
    /// first message.
    /// </summary>
    internal static IReadOnlyList<IReadOnlyList<int>> Requests(IReadOnlyList<SmsToSend> messages)
    {
        var requests = new List<(string Text, List<int> Indexes, HashSet<string> Numbers)>();
        for (var i = 0; i < messages.Count; i++)
        {
            var sms = messages[i];
            var open = requests.FirstOrDefault(r =>
                string.Equals(r.Text, sms.Text, StringComparison.Ordinal) && r.Indexes.Count < MaxRecipients && !r.Numbers.Contains(sms.To));
            if (open.Indexes is null)
            {
                open = (sms.Text, [], new HashSet<string>(StringComparer.Ordinal));
                requests.Add(open);
            }

            open.Indexes.Add(i);
            open.Numbers.Add(sms.To);
        }

        return requests.Select(r => (IReadOnlyList<int>)r.Indexes).ToList();
    }

    private async Task Send(IReadOnlyList<SmsToSend> messages, IReadOnlyList<int> indexes, SendResult[] results, CancellationToken cancellationToken)
    {
        var numbers = indexes.Select(i => messages[i].To).ToList();

        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(new Uri(_endpoint, $"sms?api-version={ApiVersion}"));
        message.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        message.Request.Content = RequestContent.Create(Body(messages, indexes));
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AcsAnswers.IsConnectionFailure(e, cancellationToken))
        {
            SetAll(results, indexes, AcsAnswers.ConnectionFailed(e));
            return;
        }

        var response = message.Response;
        if (response.Status is < 200 or >= 300)
        {
            SetAll(results, indexes, AcsAnswers.Failure(response, "SMS send", numbers));
            return;
        }

        var items = Items(response);
        var retryAfter = AcsAnswers.RetryAfter(response);
        foreach (var i in indexes)
        {
            results[i] = items.TryGetValue(messages[i].To, out var item)
                ? Result(item, numbers, retryAfter)
                : new SendResult.Transient($"{response.Status.ToString(CultureInfo.InvariantCulture)} answer without a result for this recipient");
        }
    }

    private static SendResult Result(Item item, IReadOnlyList<string> numbers, NodaTime.Duration? retryAfter)
    {
        if (item.Successful)
        {
            return new SendResult.Sent(item.MessageId);
        }

        var error = AcsAnswers.Hide(
            $"{item.HttpStatusCode.ToString(CultureInfo.InvariantCulture)} {item.ErrorMessage ?? "(no message)"}"
                + (item.RepeatabilityResult is { } repeatability ? $" (repeatability {repeatability})" : ""),
            numbers);
        return AcsAnswers.IsTransient(item.HttpStatusCode)
            ? new SendResult.Transient(error, retryAfter)
            : new SendResult.Rejected(error);
    }

    private static void SetAll(SendResult[] results, IReadOnlyList<int> indexes, SendResult result)
    {
        foreach (var i in indexes)
        {
            results[i] = result;
        }
    }

    private byte[] Body(IReadOnlyList<SmsToSend> messages, IReadOnlyList<int> indexes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartObject();
            writer.WriteString("from", _from);
            writer.WriteStartArray("smsRecipients");
            foreach (var i in indexes)
            {
                var sms = messages[i];
                writer.WriteStartObject();
                writer.WriteString("to", sms.To);
                writer.WriteString("repeatabilityRequestId", DeliveryUuid.From(sms.DispatchId).ToString("D"));
                writer.WriteString("repeatabilityFirstSent", sms.FirstAttemptAt.ToDateTimeOffset().ToString("R", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("message", messages[indexes[0]].Text);
            writer.WriteStartObject("smsSendOptions");
            writer.WriteBoolean("enableDeliveryReport", _options.SmsDeliveryReport);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The per-recipient results of a 202 answer, by number; an unreadable answer gives none.</summary>
    private static Dictionary<string, Item> Items(Response response)
    {
        var items = new Dictionary<string, Item>(StringComparer.Ordinal);
        if (!AcsAnswers.TryParse(response, out var document))
        {
            return items;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("value", out var value)
                || value.ValueKind != JsonValueKind.Array)
            {
                return items;
            }

            foreach (var element in value.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object || AcsAnswers.String(element, "to") is not { } to)
                {
                    continue;
                }

                var status = element.TryGetProperty("httpStatusCode", out var code) && code.TryGetInt32(out var number) ? number : 0;
                var successful = element.TryGetProperty("successful", out var flag) && flag.ValueKind == JsonValueKind.True;
                items[to] = new Item(
                    successful,
                    status,
                    AcsAnswers.String(element, "messageId"),
                    AcsAnswers.String(element, "errorMessage"),
                    AcsAnswers.String(element, "repeatabilityResult"));
            }
        }

        return items;
    }

    private sealed record Item(bool Successful, int HttpStatusCode, string? MessageId, string? ErrorMessage, string? RepeatabilityResult);
}
