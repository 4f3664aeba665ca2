using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Sending.China;

/// <summary>One line of a robot post: who (unit), what (item), how serious (level), what happened and by when.</summary>
/// <param name="Unit">The responsible unit, e.g. 市住建局.</param>
/// <param name="Item">The task or demand, e.g. 老旧小区改造.</param>
/// <param name="Level">The level as shown to people, e.g. 黄色预警; empty for none.</param>
/// <param name="WhatHappened">The event in a few words, e.g. 已逾期 3 个工作日.</param>
/// <param name="Due">The due date, when there is one.</param>
public sealed record RobotItem(string Unit, string Item, string Level, string WhatHappened, LocalDate? Due)
{
    /// <summary>The event's reference (文号), e.g. 督办〔2026〕0123号; null for none (reminders).</summary>
    public string? Reference { get; init; }

    /// <summary>
    /// The page where the notice is signed for (签收), an absolute http(s) address built from the Escalation__Web__BaseUrl
    /// setting; null for none (no setting, a copy, or nothing to sign).
    /// </summary>
    public string? SignLink { get; init; }
}

/// <summary>How a post is rendered: chat Markdown (headings, bold, a numbered list) or plain text.</summary>
public enum RobotFormat
{
    /// <summary>The Markdown subset both robots render (WeCom <c>markdown</c>, DingTalk <c>markdown</c>).</summary>
    Markdown,

    /// <summary>Plain text (WeCom <c>text</c>, the only WeCom type that @-mentions by mobile).</summary>
    Text,
}

/// <summary>
/// Renders a list of <see cref="RobotItem"/>s as one chat post that never exceeds a byte limit: a heading, one line per
/// item, and, when not every item fits, the tail 「…（共N项，其余见邮件）」 (N = all items). A closing block (the
/// @-mentions) is always kept whole. Items are dropped from the end, whole; only when not even the first fits is it cut
/// (on a character boundary, with 「…」).
/// </summary>
/// <remarks>
/// Values are escaped by replacing the characters that open Markdown or HTML markup (<c>* _ ` ~ [ ] &lt; &gt; # | \</c>)
/// with their full-width forms: neither vendor documents backslash escapes, and full-width punctuation reads naturally in
/// Chinese text, so the post shows the value as written whatever the renderer does. Line breaks and other control
/// characters in a value become spaces, so that a value cannot start a heading, quote or list item.
/// </remarks>
public static class RobotMarkdown
{
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    /// <summary>The tail added when items were left out; <paramref name="total"/> is the number of all items.</summary>
    public static string Tail(int total) => $"…（共{total.ToString(CultureInfo.InvariantCulture)}项，其余见邮件）";

    /// <summary>The value made safe to put inside a Markdown line (see the remarks on the class).</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '*' => '＊',
                '_' => '＿',
                '`' => '｀',
                '~' => '～',
                '[' => '［',
                ']' => '］',
                '<' => '＜',
                '>' => '＞',
                '#' => '＃',
                '|' => '｜',
                '\\' => '＼',
                _ when char.IsControl(c) => ' ',
                _ => c,
            });
        }

        return text.ToString().Trim();
    }

    /// <summary>
    /// The post: heading <paramref name="title"/>, the items numbered, the tail if some were left out, then
    /// <paramref name="closing"/> (e.g. <c>@13800001111</c>) after a blank line; at most <paramref name="maxBytes"/> UTF-8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The limit cannot hold the closing block and the tail (a configuration bug).</exception>
    public static string Render(string title, IReadOnlyList<RobotItem> items, RobotFormat format, int maxBytes, string? closing = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var markdown = format == RobotFormat.Markdown;
        var end = string.IsNullOrEmpty(closing) ? "" : "\n\n" + closing;
        var tail = "\n" + Tail(items.Count);
        var lines = items.Select((item, i) => "\n" + Line(item, i + 1, markdown)).ToList();

        var headingBudget = maxBytes - Bytes(end) - (items.Count == 0 ? 0 : Bytes(tail));
        var heading = Heading(title, markdown, headingBudget);
        var fixedBytes = Bytes(heading) + Bytes(end);
        if (fixedBytes + lines.Sum(Bytes) <= maxBytes)
        {
            return heading + string.Concat(lines) + end;
        }

        var budget = maxBytes - fixedBytes - Bytes(tail);
        var shown = new StringBuilder();
        foreach (var line in lines)
        {
            if (Bytes(line) > budget)
            {
                if (shown.Length == 0 && budget > Bytes("\n1. …"))
                {
                    shown.Append(Cut(line, budget - Bytes("…"))).Append('…');
                }

                break;
            }

            shown.Append(line);
            budget -= Bytes(line);
        }

        return heading + shown + tail + end;
    }

    /// <summary>One item's line, numbered: 「1. 【黄色预警】**市住建局**：老旧小区改造，已逾期（截止 2026-06-01）（文号：督办〔2026〕0123号）」.</summary>
    internal static string Line(RobotItem item, int number, bool markdown)
    {
        string Value(string? v) => markdown ? Escape(v) : Plain(v);
        var line = new StringBuilder();
        line.Append(number.ToString(CultureInfo.InvariantCulture)).Append(". ");
        if (Value(item.Level) is { Length: > 0 } level)
        {
            line.Append('【').Append(level).Append('】');
        }

        var unit = Value(item.Unit);
        if (unit.Length > 0)
        {
            line.Append(markdown ? $"**{unit}**" : unit).Append('：');
        }

        line.Append(Value(item.Item));
        if (Value(item.WhatHappened) is { Length: > 0 } what)
        {
            line.Append('，').Append(what);
        }

        if (item.Due is { } due)
        {
            line.Append("（截止 ").Append(DatePattern.Format(due)).Append('）');
        }

        if (Value(item.Reference) is { Length: > 0 } reference)
        {
            line.Append("（文号：").Append(reference).Append('）');
        }

        if (SafeLink(item.SignLink) is { } link)
        {
            line.Append(markdown ? $"（[签收]({link})）" : $"（签收：{link}）");
        }

        return line.ToString();
    }

    /// <summary>The link when it is an absolute http(s) address that cannot break out of a Markdown link; else null.</summary>
    private static string? SafeLink(string? link) =>
        link is not null && Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && !link.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '(' or ')' or '[' or ']' or '<' or '>')
            ? link
            : null;

    /// <summary>The longest prefix of whole text elements (no split surrogate pair or combining mark) within <paramref name="maxBytes"/>.</summary>
    internal static string Cut(string text, int maxBytes)
    {
        if (Bytes(text) <= maxBytes)
        {
            return text;
        }

        var used = 0;
        var end = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var size = Bytes(elements.GetTextElement());
            if (used + size > maxBytes)
            {
                break;
            }

            used += size;
            end = elements.ElementIndex + elements.GetTextElement().Length;
        }

        return text[..end];
    }

    internal static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    private static string Heading(string title, bool markdown, int budget)
    {
        var prefix = markdown ? "### " : "";
        var value = markdown ? Escape(title) : Plain(title);
        if (budget < Bytes(prefix))
        {
            throw new ArgumentException($"A robot post limit this small cannot hold the closing block and the tail (budget {budget.ToString(CultureInfo.InvariantCulture)} bytes for the heading).");
        }

        return prefix + (Bytes(prefix + value) <= budget ? value : Cut(value, budget - Bytes(prefix) - Bytes("…")) + "…");
    }

    private static string Plain(string? value) =>
        string.IsNullOrEmpty(value) ? "" : new string([.. value.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
}
