using System.Text.Json.Nodes;
using Escalation.Functions.Host;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Tests.Host;

/// <summary>How a Service Bus body reaches the handler in <c>Data.message</c>.</summary>
public enum BodyForm
{
    /// <summary><c>dataType: binary</c> (what function.json asks for): the bytes, which the host's JSON formatter writes as base64.</summary>
    Base64,

    /// <summary>The body's JSON as plain text.</summary>
    JsonText,

    /// <summary><c>dataType: string</c>: the text serialized once more by the host, so a JSON string holding the JSON text.</summary>
    HostEncodedText,

    /// <summary>Already parsed into a JSON object.</summary>
    ParsedObject,
}

/// <summary>
/// Invocation requests shaped as the Functions host posts them to a custom handler.
/// <para>
/// Where the shapes come from (facts, not code):
/// the envelope and its encoding from azure-functions-host, src/WebJobs.Script/Workers/MessageExtensions/
/// ScriptInvocationContextExtensions.cs (<c>ToHttpScriptInvocationContext</c>, <c>GetHttpScriptInvocationContextValue</c>):
/// binding data and trigger values that are objects go through <c>JObject.FromObject</c> (TimerInfo, ApplicationProperties,
/// <c>sys</c>); anything else through <c>JsonConvert.SerializeObject</c>, so the string <c>abc</c> arrives as
/// <c>"\"abc\""</c> and the int 2 as <c>"2"</c> (the host's test <c>GetHttpScriptInvocationContextValueTest_String</c>
/// pins the first); a <c>byte[]</c> with <c>dataType: binary</c> is kept as bytes, which the request's
/// <c>JsonMediaTypeFormatter</c> writes as base64; DateTime and DateTimeOffset stay dates (ISO text); null values are
/// left out; trigger-named keys are not repeated in Metadata. Captured host requests in
/// ballerina-platform/module-ballerinax-azure.functions (ballerina-tests/tests/resources/timer.json: a timer's
/// <c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":…,"IsPastDue":false}</c> with <c>sys</c> metadata;
/// queue-string.json: <c>"DequeueCount": "1"</c>, <c>"Id": "\"a0004923-…\""</c>) show the same encoding.
/// The Service Bus metadata keys are those the trigger adds to its binding data (azure-sdk-for-net,
/// sdk/servicebus/Microsoft.Azure.WebJobs.Extensions.ServiceBus/src/Triggers/ServiceBusTriggerBindingStrategy.cs):
/// DeliveryCount, LockToken, ExpiresAtUtc/ExpiresAt, EnqueuedTimeUtc/EnqueuedTime, MessageId, ContentType,
/// SequenceNumber, CorrelationId, ApplicationProperties and UserProperties, and the MessageActions and Client objects.
/// </para>
/// </summary>
internal static class HostPayloads
{
    private const string Namespace = "sb-escalation-prod.servicebus.windows.net";

    /// <summary>The ScanDeadlines timer firing at <paramref name="at"/>: TimerInfo as an object, or as encoded JSON text.</summary>
    public static JsonObject Timer(Instant at, bool pastDue = false, bool asText = false)
    {
        var timerInfo = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = AtOffsetZero(at - Duration.FromDays(1)),
                ["Next"] = AtOffsetZero(at),
                ["LastUpdated"] = AtOffsetZero(at - Duration.FromDays(1)),
            },
            ["IsPastDue"] = pastDue,
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { [CustomHandler.Names.TimerBinding] = asText ? timerInfo.ToJsonString() : timerInfo },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(CustomHandler.Names.ScanDeadlines, at) },
        };
    }

    /// <summary>
    /// A Service Bus trigger's request for one message: the body in <paramref name="form"/>, and the metadata of a message
    /// received at <paramref name="at"/> (string and number metadata JSON-encoded a second time, objects as objects).
    /// </summary>
    public static JsonObject Message(
        string function,
        BinaryData body,
        BodyForm form,
        string messageId,
        IReadOnlyDictionary<string, string> properties,
        Instant at,
        int deliveryCount = 1,
        string? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(properties);
        var applicationProperties = new JsonObject();
        foreach (var (name, value) in properties)
        {
            applicationProperties[name] = value;
        }

        var enqueued = at - Duration.FromSeconds(2);
        var metadata = new JsonObject
        {
            ["MessageReceiver"] = new JsonObject(),
            ["MessageSession"] = new JsonObject(),
            ["MessageActions"] = new JsonObject(),
            ["SessionActions"] = new JsonObject(),
            ["ReceiveActions"] = new JsonObject(),
            ["Client"] = new JsonObject
            {
                ["FullyQualifiedNamespace"] = Namespace,
                ["IsClosed"] = false,
                ["TransportType"] = 0,
                ["Identifier"] = $"{Namespace}-5d3f7c2e-8d1b-4c51-9a0e-3b8f4f1c2a77",
            },
            ["DeliveryCount"] = Encoded(deliveryCount),
            ["LockToken"] = Encoded("0b7e1c5a-4d3f-4a2b-9c8d-7e6f5a4b3c2d"),
            ["ExpiresAtUtc"] = Utc(enqueued + Duration.FromDays(14)),
            ["ExpiresAt"] = AtOffsetZero(enqueued + Duration.FromDays(14)),
            ["EnqueuedTimeUtc"] = Utc(enqueued),
            ["EnqueuedTime"] = AtOffsetZero(enqueued),
            ["MessageId"] = Encoded(messageId),
            ["ContentType"] = Encoded("application/json"),
            ["SequenceNumber"] = Encoded(4127L),
            ["ApplicationProperties"] = applicationProperties,
            ["UserProperties"] = applicationProperties.DeepClone(),
            ["sys"] = Sys(function, at),
        };
        if (correlationId is not null)
        {
            metadata["CorrelationId"] = Encoded(correlationId);
        }

        return new JsonObject
        {
            ["Data"] = new JsonObject { [CustomHandler.Names.MessageBinding] = Body(body, form) },
            ["Metadata"] = metadata,
        };
    }

    /// <summary>The value of <c>Data.message</c> for a body in the given form.</summary>
    public static JsonNode Body(BinaryData body, BodyForm form)
    {
        ArgumentNullException.ThrowIfNull(body);
        return form switch
        {
            BodyForm.Base64 => JsonValue.Create(Convert.ToBase64String(body.ToArray())),
            BodyForm.JsonText => JsonValue.Create(body.ToString()),
            BodyForm.HostEncodedText => JsonValue.Create(Encoded(body.ToString())),
            BodyForm.ParsedObject => JsonNode.Parse(body.ToString())!,
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
    }

    /// <summary>A string or number as the host passes plain metadata: serialized to JSON, then sent as a JSON string.</summary>
    public static string Encoded(string text) => JsonValue.Create(text).ToJsonString();

    private static string Encoded(long number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Sys(string function, Instant at) => new()
    {
        ["MethodName"] = function,
        ["UtcNow"] = InstantPattern.ExtendedIso.Format(at + Duration.FromMilliseconds(12.3456)),
        ["RandGuid"] = "9cd4c06c-fc8f-4b63-af94-56bc75c3f0cb",
    };

    // DateTime values lose their kind on the way (DateTime.Parse(value.ToString())), so they carry no offset.
    private static string Utc(Instant at) => LocalDateTimePattern.ExtendedIso.Format(at.InUtc().LocalDateTime);

    private static string AtOffsetZero(Instant at) => OffsetDateTimePattern.ExtendedIso.Format(at.WithOffset(Offset.Zero));
}
