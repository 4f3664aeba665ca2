using System.Globalization;
using System.Text;
using System.Text.Json;
using Escalation.Functions.Messaging;

namespace Escalation.Functions.Host;

/// <summary>
/// The Functions host's invocation request to a custom handler: <c>{"Data": {binding: value}, "Metadata": {...}}</c>.
/// Read tolerantly, as the host encodes things in more than one way: string and number metadata arrive JSON-encoded a
/// second time (<c>"MessageId": "\"abc\""</c>, <c>"DeliveryCount": "2"</c>), objects arrive as objects, and a Service Bus
/// body arrives base64-encoded (<c>dataType: binary</c>), as a JSON string, or already parsed as a JSON object.
/// </summary>
internal sealed class HostPayload
{
    private readonly JsonElement _data;
    private readonly JsonElement _metadata;

    private HostPayload(JsonElement data, JsonElement metadata)
    {
        _data = data;
        _metadata = metadata;
    }

    /// <summary>Null with a reason when the request is not an invocation request at all.</summary>
    public static (HostPayload? Payload, string? Error) Parse(ReadOnlySpan<byte> json)
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException e)
        {
            return (null, $"the invocation request is not JSON ({e.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "the invocation request is not a JSON object");
        }

        var data = Property(root, "Data");
        var metadata = Property(root, "Metadata");
        return (new HostPayload(data ?? default, metadata ?? default), null);
    }

    /// <summary>A metadata value as text, with one level of JSON string encoding removed.</summary>
    public string? Metadata(string name)
    {
        if (_metadata.ValueKind != JsonValueKind.Object || Property(_metadata, name) is not { } value)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Unwrap(value.GetString()!),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }

    /// <summary>A metadata object (e.g. ApplicationProperties, TimerInfo), whether sent as an object or as encoded JSON text.</summary>
    public JsonElement? MetadataObject(string name)
    {
        if (_metadata.ValueKind != JsonValueKind.Object || Property(_metadata, name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? TryParse(value.GetString()!) : value;
    }

    /// <summary>The binding's value as an object (a timer's TimerInfo), whether sent as an object or as encoded JSON text.</summary>
    public JsonElement? DataObject(string binding)
    {
        if (_data.ValueKind != JsonValueKind.Object || Property(_data, binding) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? TryParse(value.GetString()!) : value;
    }

    /// <summary>
    /// A Service Bus trigger's message: body bytes and the metadata the engine logs (message id, delivery count,
    /// application properties). Null with a reason when the binding holds nothing usable.
    /// </summary>
    public (ReceivedMessage? Message, string? Error) Message(string binding)
    {
        if (_data.ValueKind != JsonValueKind.Object || Property(_data, binding) is not { } value)
        {
            return (null, $"the request has no '{binding}' in Data");
        }

        BinaryData? body = value.ValueKind switch
        {
            JsonValueKind.String => BodyFromText(value.GetString()!),
            JsonValueKind.Object or JsonValueKind.Array => BinaryData.FromString(value.GetRawText()),
            _ => null,
        };
        if (body is null)
        {
            return (null, $"Data.{binding} is {value.ValueKind}, not a message body");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        // Extension 5.x sends the properties twice, as ApplicationProperties and (for back-compat) UserProperties; older
        // ones only as UserProperties. They carry the subscription filters' flags and the trace context (traceparent).
        if ((MetadataObject("ApplicationProperties") ?? MetadataObject("UserProperties")) is { ValueKind: JsonValueKind.Object } props)
        {
            foreach (var p in props.EnumerateObject())
            {
                properties[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        var deliveryCount = int.TryParse(Metadata("DeliveryCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
        return (new ReceivedMessage(Metadata("MessageId") ?? "", body, deliveryCount, properties), null);
    }

    /// <summary>
    /// A string body: JSON text as is (<c>dataType: string</c>, or a JSON string the host encoded once more); otherwise
    /// base64 (<c>dataType: binary</c>); otherwise the text's own bytes, for the parser to refuse with a reason.
    /// </summary>
    private static BinaryData BodyFromText(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            return BinaryData.FromString(text);
        }

        if (trimmed.StartsWith('"') && TryParse(text) is { ValueKind: JsonValueKind.String } inner)
        {
            return BodyFromText(inner.GetString()!);
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written)
            ? new BinaryData(buffer.AsMemory(0, written))
            : BinaryData.FromString(text);
    }

    private static string Unwrap(string text)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"' && TryParse(text) is { ValueKind: JsonValueKind.String } inner)
        {
            return inner.GetString()!;
        }

        return text;
    }

    private static JsonElement? TryParse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <summary>The text of a body for a dead letter: as is when it is UTF-8, else base64.</summary>
    public static string Describe(BinaryData body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.ToMemory().Span);
        }
        catch (DecoderFallbackException)
        {
            return Convert.ToBase64String(body.ToMemory().Span);
        }
    }
}
