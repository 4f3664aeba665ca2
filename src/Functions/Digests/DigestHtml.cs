using System.Net;
using System.Text;
using Escalation.Domain.Digests;
using Escalation.Domain.Wording;

namespace Escalation.Functions.Digests;

/// <summary>
/// A digest as an HTML fragment in the 公文 layout: the red header (红头) and its red rule, the 文号 line, the centred
/// title, the opening paragraph, numbered sections with tables, the 落款 and the date. Inline styles only, so that the
/// fragment renders the same in a mail client and inside a web page (which wraps it in its own layout). A pure function
/// of the model; every text is HTML-encoded.
/// </summary>
public static class DigestHtml
{
    private const string Cell = "border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top";

    /// <summary>Short cells (a number, a date, 任务, 红) never wrap: a narrow column broke them in two.</summary>
    private const string NoWrap = ";white-space:nowrap";

    private static string Short(string text) => text.Length <= 10 ? NoWrap : "";

    /// <summary>The fragment of a weekly list (the office's whole list, or a unit's part).</summary>
    public static string Render(WeeklyList list, DigestLetterhead letterhead) => Render(DigestDocument.Of(list), letterhead);

    /// <summary>The fragment of a monthly notice.</summary>
    public static string Render(MonthlyNotice notice, DigestLetterhead letterhead) => Render(DigestDocument.Of(notice), letterhead);

    /// <summary>The fragment of a digest document: one <c>&lt;article class="digest"&gt;</c>.</summary>
    public static string Render(DigestDocument document, DigestLetterhead letterhead)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(letterhead);
        var h = new StringBuilder();
        h.Append("<article class=\"digest\" style=\"max-width:960px;margin:0 auto;font-family:'FangSong','仿宋','SimSun',serif;font-size:16px;line-height:1.7;color:#000\">");
        h.Append("<header style=\"text-align:center\">");
        h.Append("<div class=\"digest-office\" style=\"color:#c00;font-size:32px;font-weight:bold;letter-spacing:4px;font-family:'SimSun','宋体',serif\">").Append(E(letterhead.Office)).Append("</div>");
        h.Append("<div class=\"digest-kind\" style=\"color:#c00;font-size:28px;font-weight:bold;letter-spacing:8px;font-family:'SimSun','宋体',serif\">").Append(E(document.Kind)).Append("</div>");
        h.Append("<div class=\"digest-number\" style=\"margin-top:8px\">").Append(E(document.Number)).Append("</div>");
        h.Append("<hr style=\"border:0;border-top:3px solid #c00;margin:8px 0 24px\">");
        h.Append("<h1 class=\"digest-title\" style=\"font-size:22px;text-align:center;font-family:'SimHei','黑体',sans-serif;margin:0 0 16px\">").Append(E(document.Title)).Append("</h1>");
        h.Append("</header>");
        h.Append("<p style=\"text-indent:2em\">").Append(E(document.Opening)).Append("</p>");
        for (var i = 0; i < document.Sections.Count; i++)
        {
            var section = document.Sections[i];
            h.Append("<section class=\"digest-section\">");
            h.Append("<h2 style=\"font-size:17px;font-family:'SimHei','黑体',sans-serif;margin:16px 0 8px\">").Append(DigestDocument.ChineseNumber(i + 1)).Append('、').Append(E(section.Title)).Append("</h2>");
            Body(h, section);
            foreach (var sub in section.Subtables)
            {
                h.Append("<h3 style=\"font-size:16px;font-weight:bold;margin:12px 0 6px\">").Append(E(sub.Title)).Append("</h3>");
                Body(h, sub);
            }

            h.Append("</section>");
        }

        h.Append("<footer style=\"text-align:right;margin-top:32px\">");
        h.Append("<div class=\"digest-signature\">").Append(E(letterhead.Signature)).Append("</div>");
        h.Append("<div class=\"digest-date\">").Append(E(ChineseNames.Of(document.IssuedOn))).Append("</div>");
        h.Append("</footer></article>");
        return h.ToString();
    }

    /// <summary>A whole HTML document around the fragment, for an email body.</summary>
    public static string Document(DigestDocument document, DigestLetterhead letterhead, string? greeting)
    {
        ArgumentNullException.ThrowIfNull(document);
        var greet = greeting is null ? "" : $"<p style=\"max-width:960px;margin:0 auto 16px;font-size:15px\">{E(greeting)}</p>";
        return $"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{E(document.Title)}</title></head><body style=\"margin:16px\">{greet}{Render(document, letterhead)}</body></html>";
    }

    /// <summary>The same document as plain text: the headings, each row as a numbered line of 列名：值 pairs.</summary>
    public static string PlainText(DigestDocument document, DigestLetterhead letterhead, string? greeting)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(letterhead);
        var t = new StringBuilder();
        if (greeting is not null)
        {
            t.AppendLine(greeting).AppendLine();
        }

        t.AppendLine(letterhead.Office).AppendLine(document.Kind).AppendLine(document.Number).AppendLine().AppendLine(document.Title).AppendLine();
        t.AppendLine("    " + document.Opening);
        for (var i = 0; i < document.Sections.Count; i++)
        {
            var section = document.Sections[i];
            t.AppendLine().Append(DigestDocument.ChineseNumber(i + 1)).Append('、').AppendLine(section.Title);
            Lines(t, section);
            foreach (var sub in section.Subtables)
            {
                t.AppendLine(sub.Title);
                Lines(t, sub);
            }
        }

        t.AppendLine().AppendLine(letterhead.Signature).AppendLine(ChineseNames.Of(document.IssuedOn));
        return t.ToString();
    }

    private static void Body(StringBuilder h, DigestSection section)
    {
        if (section.Rows.Count == 0)
        {
            if (section.Subtables.Count == 0 && section.Empty.Length > 0)
            {
                h.Append("<p style=\"text-indent:2em\">").Append(E(section.Empty)).Append("</p>");
            }

            return;
        }

        h.Append("<table style=\"border-collapse:collapse;width:100%;font-size:14px;font-family:'SimSun','宋体',serif\"><thead><tr>");
        h.Append("<th style=\"").Append(Cell).Append(NoWrap).Append(";background:#f2f2f2\">序号</th>");
        foreach (var column in section.Columns)
        {
            h.Append("<th style=\"").Append(Cell).Append(Short(column)).Append(";background:#f2f2f2\">").Append(E(column)).Append("</th>");
        }

        h.Append("</tr></thead><tbody>");
        for (var r = 0; r < section.Rows.Count; r++)
        {
            h.Append("<tr><td style=\"").Append(Cell).Append(NoWrap).Append("\">").Append(r + 1).Append("</td>");
            foreach (var cell in section.Rows[r])
            {
                var text = DigestDocument.Text(cell);
                var color = text switch { "红" => ";color:#c00;font-weight:bold", "黄" => ";color:#b8860b;font-weight:bold", "绿" => ";color:#080", _ => "" };
                h.Append("<td style=\"").Append(Cell).Append(Short(text)).Append(color).Append("\">").Append(E(text)).Append("</td>");
            }

            h.Append("</tr>");
        }

        h.Append("</tbody></table>");
    }

    private static void Lines(StringBuilder t, DigestSection section)
    {
        if (section.Rows.Count == 0)
        {
            if (section.Subtables.Count == 0 && section.Empty.Length > 0)
            {
                t.AppendLine("    " + section.Empty);
            }

            return;
        }

        for (var r = 0; r < section.Rows.Count; r++)
        {
            var pairs = section.Columns.Zip(section.Rows[r]).Select(p => $"{p.First}：{DigestDocument.Text(p.Second)}").Where(p => !p.EndsWith('：'));
            t.Append("  ").Append(r + 1).Append(". ").AppendLine(string.Join("；", pairs));
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
