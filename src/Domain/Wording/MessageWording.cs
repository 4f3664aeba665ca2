using System.Globalization;
using System.Net;
using System.Text;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Wording;

/// <summary>An email ready to send: both bodies say the same, the HTML one with the facts as a table.</summary>
/// <param name="Subject">One line.</param>
/// <param name="PlainText">The body paragraphs, then the facts as 标签：值 lines.</param>
/// <param name="Html">A complete HTML document (zh-CN, UTF-8); every value and all template text escaped.</param>
public sealed record EmailMessage(string Subject, string PlainText, string Html);

/// <summary>A text message ready to send.</summary>
/// <param name="Text">Starts with the 【督查室】 signature.</param>
/// <param name="Segments">
/// How many parts it is billed as: ⌈length / 70⌉ in UTF-16 code units, as the specification states (70 Chinese
/// characters per SMS). Carriers that split long messages with a concatenation header carry 67 per part, so there
/// a 135..140-character message bills as 3 parts, not 2; default templates keep to one part for typical values.
/// </param>
public sealed record SmsMessage(string Text, int Segments);

/// <summary>
/// Turns an <see cref="EscalationEvent"/> into the words people receive, through an admin-edited
/// <see cref="MessageTemplate"/>. Pure: same event, template and name, same text.
/// </summary>
public static class MessageWording
{
    /// <summary>The signature every text message starts with (短信签名).</summary>
    public const string SmsSignature = "【督查室】";

    /// <summary>Marks a copy's subject and SMS: 【抄送】.</summary>
    public const string CopyMark = "【抄送】";

    /// <summary>The first paragraph of a copy's email.</summary>
    public const string CopyNote = "（此件抄送您知悉，无需办理。）";

    /// <summary>Characters per SMS segment, as the specification counts them.</summary>
    public const int SmsSegmentLength = 70;

    /// <summary>
    /// Renders the email. <paramref name="template"/> must be valid (<see cref="MessageTemplate.Validate"/> empty);
    /// an invalid one is a bug of the caller, who validates admin templates when loading them.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <param name="template">Usually the one named by <see cref="EscalationEvent.Template"/>.</param>
    /// <param name="recipientName">The addressed person's name for <c>{recipient}</c>; null or empty for none.</param>
    /// <param name="isCopy">
    /// True for a copy (抄送): the subject starts with <see cref="CopyMark"/> and the body with <see cref="CopyNote"/>, so
    /// that a copied leader or the supervision office reads it as information, not as addressed to them.
    /// </param>
    public static EmailMessage RenderEmail(EscalationEvent e, MessageTemplate template, string? recipientName, bool isCopy = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        EnsureValid(template);
        var values = Values(e, recipientName);

        var subject = OneLine(TemplateText.Render(template.Subject, values, out _));
        var paragraphs = Paragraphs(template.Body, values);
        if (isCopy)
        {
            subject = CopyMark + subject;
            paragraphs.Insert(paragraphs.Count > 0 && paragraphs[0].EndsWith('：') ? 1 : 0, CopyNote);
        }

        var facts = Facts(e);

        var plain = new StringBuilder();
        plain.AppendJoin('\n', paragraphs);
        if (facts.Count > 0)
        {
            plain.Append("\n\n附：有关情况\n");
            plain.AppendJoin('\n', facts.Select(f => f.Label + "：" + f.Value));
        }

        plain.Append('\n');
        return new EmailMessage(subject, plain.ToString(), Html(subject, paragraphs, facts));
    }

    /// <summary>
    /// Renders the text message: the signature, then the template's <see cref="MessageTemplate.Sms"/> text
    /// (the signature is not doubled when the template already starts with it). Same contract as <see cref="RenderEmail"/>.
    /// </summary>
    public static SmsMessage RenderSms(EscalationEvent e, MessageTemplate template, string? recipientName, bool isCopy = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        EnsureValid(template);
        var values = Values(e, recipientName);

        var text = TemplateText.Render(template.Sms, values, out _).Trim();
        if (text.StartsWith(SmsSignature, StringComparison.Ordinal))
        {
            text = text[SmsSignature.Length..];
        }

        text = SmsSignature + (isCopy ? CopyMark : "") + text;

        return new SmsMessage(text, Segments(text));
    }

    /// <summary>⌈length / 70⌉ in UTF-16 code units; see <see cref="SmsMessage.Segments"/>.</summary>
    public static int Segments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (text.Length + SmsSegmentLength - 1) / SmsSegmentLength;
    }

    private static void EnsureValid(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var problems = template.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Template '{template.Id}' cannot be rendered: {string.Join("; ", problems)}", nameof(template));
        }
    }

    /// <summary>The value of every placeholder for this event; missing facts are empty strings.</summary>
    internal static IReadOnlyDictionary<string, string> Values(EscalationEvent e, string? recipientName)
    {
        var facts = e.Facts;
        var dueBy = e.Demand?.DueBy ?? facts.DemandDueBy;
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["unit"] = Text(facts.UnitName),
            ["item"] = Text(facts.ItemTitle),
            ["level"] = LevelName(e.Level),
            ["date"] = Date(e.Date),
            ["checkpoint"] = Text(facts.Checkpoint),
            ["due"] = Date(facts.CheckpointDue),
            ["target"] = Percent(facts.CheckpointTarget),
            ["planned"] = Percent(facts.Planned),
            ["reported"] = Percent(facts.Reported),
            ["gap"] = Number(facts.Planned - facts.Reported),
            ["when"] = When(e),
            ["streak"] = facts.Streak?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["period"] = Text(facts.Period),
            ["reportDue"] = Date(facts.ReportDue),
            ["demand"] = DemandText(e.Demand),
            ["dueBy"] = Date(dueBy),
            ["recipient"] = Text(recipientName),
        };
    }

    /// <summary>The rows of the facts table (附：有关情况), only those with a value: the reasons, in Chinese.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var facts = e.Facts;
        var rows = new List<(string, string)>();
        void Row(string label, string value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                rows.Add((label, value));
            }
        }

        Row("单位", Text(facts.UnitName));
        Row("事项", Text(facts.ItemTitle));
        Row("计划进度", Percent(facts.Planned));
        Row("实际进度", Percent(facts.Reported));

        var checkpointDetails = Joined("，", Date(facts.CheckpointDue), Prefixed("目标进度", Percent(facts.CheckpointTarget)));
        var checkpoint = Text(facts.Checkpoint);
        Row("时间节点", checkpointDetails.Length == 0 ? checkpoint : checkpoint + "（" + checkpointDetails + "）");

        var streak = facts.Streak?.ToString(CultureInfo.InvariantCulture) ?? "";
        Row("连续落后期数", streak.Length == 0 ? "" : streak + "期" + Parenthesised(Prefixed("截至", Text(facts.Period))));
        Row("应报送日期", Date(facts.ReportDue));

        var demand = e.Demand is { } d
            ? Date(d.DueBy) + (d.Kind == DemandKind.Explanation ? "前报送书面说明" : "前完成整改")
            : Date(facts.DemandDueBy) is { Length: > 0 } missed ? missed + "（已逾期）" : "";
        Row("说明/整改期限", demand);
        return rows;
    }

    private static List<string> Paragraphs(string body, IReadOnlyDictionary<string, string> values)
    {
        var paragraphs = new List<string>();
        foreach (var line in body.ReplaceLineEndings("\n").Split('\n'))
        {
            var rendered = TemplateText.Render(line, values, out var onlyEmpty).Trim();
            if (!onlyEmpty && rendered.Length > 0)
            {
                paragraphs.Add(rendered);
            }
        }

        return paragraphs;
    }

    private static string Html(string subject, IReadOnlyList<string> paragraphs, IReadOnlyList<(string Label, string Value)> facts)
    {
        static string H(string text) => WebUtility.HtmlEncode(text);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(H(subject)).Append("</title>\n</head>\n");
        html.Append("<body style=\"font-family:sans-serif;line-height:1.6\">\n");
        foreach (var paragraph in paragraphs)
        {
            html.Append("<p>").Append(H(paragraph)).Append("</p>\n");
        }

        if (facts.Count > 0)
        {
            html.Append("<table style=\"border-collapse:collapse\">\n<caption style=\"text-align:left\">附：有关情况</caption>\n");
            foreach (var (label, value) in facts)
            {
                html.Append("<tr><th scope=\"row\" style=\"text-align:left;border:1px solid #999;padding:4px 8px\">").Append(H(label))
                    .Append("</th><td style=\"border:1px solid #999;padding:4px 8px\">").Append(H(value)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string LevelName(EventLevel level) => ChineseNames.Of(level);

    private static string When(EscalationEvent e) => e.Kind switch
    {
        // A due date on a day off is reminded on the last working day before it: say which day it is.
        EventKind.DueToday when e.Facts.CheckpointDue is { } due && due != e.Date => "进入到期前最后一个工作日",
        EventKind.DueToday => "今天到期",
        EventKind.DueSoon when e.Facts.WorkingDaysLeft is { } left => string.Create(CultureInfo.InvariantCulture, $"还有{left}个工作日到期"),
        _ => "",
    };

    private static string DemandText(Demand? demand) => demand switch
    {
        null => "",
        { Kind: DemandKind.Explanation } => "请于" + Date(demand.DueBy) + "前报送书面说明",
        _ => "请于" + Date(demand.DueBy) + "前完成整改",
    };

    /// <summary>2024年6月7日: the form Chinese official documents use, no leading zeros.</summary>
    private static string Date(LocalDate? date) =>
        date is { } d ? ChineseNames.Of(d) : "";

    private static string Percent(double? value) => Number(value) is { Length: > 0 } n ? n + "%" : "";

    /// <summary>At most one decimal, half away from zero (41.666 → 41.7, 45 → 45); never "-0"; empty when not a number.</summary>
    private static string Number(double? value)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return "";
        }

        var rounded = Math.Round(v, 1, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.#", CultureInfo.InvariantCulture);
    }

    private static string Text(string? value) => value?.Trim() ?? "";

    private static string OneLine(string text) =>
        string.Join(' ', text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Prefixed(string prefix, string value) => value.Length == 0 ? "" : prefix + value;

    private static string Parenthesised(string value) => value.Length == 0 ? "" : "（" + value + "）";

    private static string Joined(string separator, params string[] parts) =>
        string.Join(separator, parts.Where(p => p.Length > 0));
}
