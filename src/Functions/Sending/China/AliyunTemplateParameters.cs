using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// Template variables for Alibaba Cloud SMS, fitted to the per-variable length limit by rule so that a long value (a
/// task name, a unit) never gets a message refused at send time (<c>isv.PARAM_LENGTH_LIMIT</c>): a value longer than the
/// limit keeps its first <c>limit − 1</c> characters and ends in <c>…</c>, so the reader sees it was cut. Characters are
/// Unicode code points (a Chinese character is one; a surrogate pair is never split).
/// </summary>
/// <remarks>
/// The current per-type limits of notification variables were not readable in the research (issue 17, §1.3); an older
/// error text says "单个变量长度限制在20字符内", hence <see cref="DefaultMaxLength"/>. The limit is a parameter: set it from
/// the console's template rules once they are confirmed.
/// </remarks>
public static class AliyunTemplateParameters
{
    /// <summary>The per-variable limit when the provider's current one is not known: 20 characters.</summary>
    public const int DefaultMaxLength = 20;

    private const char Ellipsis = '…';

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>Each value fitted to <paramref name="maxLength"/> characters, and the names of those that were cut.</summary>
    public static FittedTemplateParameters Fit(IReadOnlyDictionary<string, string> values, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var fitted = new Dictionary<string, string>(values.Count, StringComparer.Ordinal);
        var truncated = new List<string>();
        foreach (var (name, value) in values)
        {
            var fit = Truncate(value ?? "", maxLength);
            fitted[name] = fit;
            if (!string.Equals(fit, value ?? "", StringComparison.Ordinal))
            {
                truncated.Add(name);
            }
        }

        return new FittedTemplateParameters(fitted, truncated);
    }

    /// <summary><paramref name="value"/> if it has at most <paramref name="maxLength"/> characters; else its start and <c>…</c>, <paramref name="maxLength"/> characters in all.</summary>
    public static string Truncate(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var runes = value.EnumerateRunes().ToList();
        if (runes.Count <= maxLength)
        {
            return value;
        }

        var keep = maxLength == 1 ? 1 : maxLength - 1;
        var text = new StringBuilder();
        foreach (var rune in runes.Take(keep))
        {
            text.Append(rune.ToString());
        }

        return maxLength == 1 ? text.ToString() : text.Append(Ellipsis).ToString();
    }

    /// <summary>The JSON object dysmsapi takes as <c>TemplateParam</c>: every value a string (<c>isv.INVALID_JSON_PARAM</c> otherwise), Chinese unescaped.</summary>
    public static string ToJson(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            Write(writer, values);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON array of objects, one per message, as <c>TemplateParamJson</c> of SendBatchSms.</summary>
    public static string ToJson(IEnumerable<IReadOnlyDictionary<string, string>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartArray();
            foreach (var values in batch)
            {
                Write(writer, values);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON array of strings (<c>PhoneNumberJson</c>, <c>SignNameJson</c>).</summary>
    internal static string ToJson(IEnumerable<string> strings)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartArray();
            foreach (var value in strings)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> values)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in values)
        {
            writer.WriteString(name, value ?? "");
        }

        writer.WriteEndObject();
    }
}

/// <summary>Template variables after <see cref="AliyunTemplateParameters.Fit"/>.</summary>
/// <param name="Values">Every variable, each within the limit.</param>
/// <param name="Truncated">The names of the variables that were cut (for <c>check</c> to warn about), in input order.</param>
public sealed record FittedTemplateParameters(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Truncated);
