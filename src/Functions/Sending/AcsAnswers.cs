using System.Globalization;
using System.Text.Json;
using Azure;
using Escalation.Domain.Delivery;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// What the Communication Services senders make of an answer they did not hope for: the error text (never with a
/// recipient in it), the requested wait, and whether it is the recipient's problem, a passing one or ours.
/// </summary>
internal static class AcsAnswers
{
    private const int MaxErrorLength = 300;
    private const string Hidden = "<recipient>";

    /// <summary>
    /// The result of a whole request that failed: 401/403/404 throw (a wrong key, a missing role or a wrong endpoint is
    /// a configuration fault, not the recipient's); 408, 429 and 5xx are transient (the pipeline has already retried
    /// them); any other status is a rejection of the request as it stands (400, 413, 422...).
    /// </summary>
    public static SendResult Failure(Response response, string what, IEnumerable<string> recipients)
    {
        var (code, text) = Error(response, recipients);
        var status = response.Status;
        if (status is 401 or 403 or 404)
        {
            throw new RequestFailedException(
                status,
                $"Communication Services refused the {what} request with {status} {response.ReasonPhrase} ({text}): check the endpoint, the access key or the role assignment.",
                code,
                innerException: null);
        }

        return IsTransient(status)
            ? new SendResult.Transient(text, RetryAfter(response))
            : new SendResult.Rejected(text);
    }

    public static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    /// <summary>
    /// A transport failure the pipeline's retries could not overcome: connection refused or reset (a
    /// <see cref="RequestFailedException"/> of status 0), or the network timeout (a cancellation nobody asked for).
    /// </summary>
    public static SendResult.Transient ConnectionFailed(Exception exception) => exception switch
    {
        // The pipeline's retry policy gathers the failure of every try; the last one says most.
        AggregateException { InnerExceptions.Count: > 0 } all => ConnectionFailed(all.InnerExceptions[^1]),
        OperationCanceledException => new("connection timed out"),
        _ => new($"connection failed ({exception.InnerException?.GetType().Name ?? exception.GetType().Name})"),
    };

    /// <summary>Whether <paramref name="exception"/> is a transport failure rather than a bug or the caller's cancellation.</summary>
    public static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException { Status: 0 } => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(e => IsConnectionFailure(e, cancellationToken)),
        _ => false,
    };

    /// <summary>The error code and a short text, <c>{status} {code}: {message}</c>, with the recipients hidden.</summary>
    public static (string? Code, string Text) Error(Response response, IEnumerable<string> recipients)
    {
        string? code = null;
        string? message = null;
        if (TryParse(response, out var document))
        {
            using (document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("error", out var error)
                    && error.ValueKind == JsonValueKind.Object)
                {
                    code = String(error, "code");
                    message = String(error, "message");
                }
            }
        }

        if (code is null && response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            code = headerCode;
        }

        var text = $"{response.Status.ToString(CultureInfo.InvariantCulture)} {code ?? response.ReasonPhrase}";
        if (!string.IsNullOrWhiteSpace(message))
        {
            text += $": {message}";
        }

        return (code, Hide(text, recipients));
    }

    /// <summary>Replaces each recipient (and, for a phone number, its digits without the plus) and cuts the text short.</summary>
    public static string Hide(string text, IEnumerable<string> recipients)
    {
        foreach (var recipient in recipients)
        {
            if (string.IsNullOrWhiteSpace(recipient))
            {
                continue;
            }

            text = text.Replace(recipient, Hidden, StringComparison.OrdinalIgnoreCase);
            if (recipient.StartsWith('+') && recipient.Length > 4)
            {
                text = text.Replace(recipient[1..], Hidden, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength] + "...";
    }

    /// <summary>The wait the service asked for: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c> in seconds.</summary>
    public static Duration? RetryAfter(Response response)
    {
        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(name, out var ms)
                && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return Duration.FromMilliseconds(milliseconds);
            }
        }

        // An HTTP-date Retry-After is not read: that would take a clock, and the service sends seconds.
        return response.Headers.TryGetValue("Retry-After", out var value)
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? Duration.FromSeconds(seconds)
            : null;
    }

    public static bool TryParse(Response response, out JsonDocument document)
    {
        document = null!;
        if (response.Content is null || response.Content.ToMemory().IsEmpty)
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(response.Content.ToMemory());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
