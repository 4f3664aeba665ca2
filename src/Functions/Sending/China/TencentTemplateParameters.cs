using System.Globalization;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// Fits template parameters to a per-variable limit by rule, so that a long value is shortened before sending and never
/// refused at send time. Tencent counts characters (a Chinese character is one); the limit is a parameter because it
/// depends on the account: 12 for individual-verified accounts, none stated for enterprise-verified ones, 6 digits for
/// verification-code templates (https://tencentcloud.com/zh/document/product/382/40659).
/// </summary>
public static class TencentTemplateParameters
{
    /// <summary>The mark put at the end of a shortened value.</summary>
    public const string Ellipsis = "…";

    /// <summary>The limit of an individual-verified account, per variable.</summary>
    public const int IndividualAccountLimit = 12;

    /// <summary>
    /// <paramref name="value"/> if it has at most <paramref name="maxLength"/> characters; otherwise its longest start that,
    /// with <paramref name="ellipsis"/> appended, has at most <paramref name="maxLength"/>. Length is counted in UTF-16
    /// units (never fewer than the characters Tencent counts) and the cut never splits a character or a combining
    /// sequence. When the limit leaves no room for the ellipsis and one character, the value is cut without it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 1.</exception>
    public static string Truncate(string value, int maxLength, string ellipsis = Ellipsis)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(ellipsis);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (value.Length <= maxLength)
        {
            return value;
        }

        var mark = ellipsis.Length < maxLength ? ellipsis : "";
        var room = maxLength - mark.Length;
        var kept = 0;
        var elements = StringInfo.GetTextElementEnumerator(value);
        while (elements.MoveNext())
        {
            var next = kept + elements.GetTextElement().Length;
            if (next > room)
            {
                break;
            }

            kept = next;
        }

        return value[..kept] + mark;
    }

    /// <summary>Each value of <paramref name="values"/> put through <see cref="Truncate(string, int, string)"/>.</summary>
    public static IReadOnlyList<string> Truncate(IEnumerable<string> values, int maxLength, string ellipsis = Ellipsis)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(v => Truncate(v, maxLength, ellipsis)).ToList();
    }
}
