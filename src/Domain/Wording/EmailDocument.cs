using System.Globalization;
using System.Net;
using System.Text;

namespace Escalation.Domain.Wording;

/// <summary>
/// The body of an email as blocks, written out twice: as plain text and as an HTML document. Every text is escaped in
/// the HTML, template text and values alike.
/// </summary>
internal sealed class EmailDocument
{
    private const string Cell = "border:1px solid #999;padding:4px 8px";

    private readonly List<Block> _blocks = [];

    private abstract record Block;

    private sealed record Paragraph(string Text, bool Heading) : Block;

    /// <summary>附：有关情况: one event's facts, a row per fact.</summary>
    private sealed record FactsTable(IReadOnlyList<(string Label, string Value)> Rows) : Block;

    /// <summary>Several events, a row per event and a column per fact; a numbered list in plain text.</summary>
    private sealed record ItemsTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;

    /// <summary>The columns (without 序号, which is added) and one row per item, a cell per column (empty when the fact does not apply).</summary>
    public sealed record Table(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

    public EmailDocument Add(string paragraph)
    {
        _blocks.Add(new Paragraph(paragraph, Heading: false));
        return this;
    }

    public EmailDocument AddRange(IEnumerable<string> paragraphs)
    {
        foreach (var paragraph in paragraphs)
        {
            Add(paragraph);
        }

        return this;
    }

    /// <summary>A section heading, e.g. 一、请办理事项: a line of its own in plain text, bold in HTML.</summary>
    public EmailDocument Heading(string text)
    {
        _blocks.Add(new Paragraph(text, Heading: true));
        return this;
    }

    public EmailDocument Facts(IReadOnlyList<(string Label, string Value)> rows)
    {
        if (rows.Count > 0)
        {
            _blocks.Add(new FactsTable(rows));
        }

        return this;
    }

    public EmailDocument Items(Table table)
    {
        _blocks.Add(new ItemsTable(table.Columns, table.Rows));
        return this;
    }

    /// <summary>Paragraphs a line each; a table set off by blank lines; a numbered list item per row, 标签：值 lines.</summary>
    public string PlainText()
    {
        var lines = new List<string>();
        var blankBefore = false;
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Paragraph p:
                    if (blankBefore)
                    {
                        lines.Add("");
                        blankBefore = false;
                    }

                    lines.Add(p.Text);
                    break;
                case FactsTable facts:
                    Separate();
                    lines.Add("附：有关情况");
                    lines.AddRange(facts.Rows.Select(f => f.Label + "：" + f.Value));
                    break;
                case ItemsTable items:
                    Separate();
                    for (var i = 0; i < items.Rows.Count; i++)
                    {
                        if (i > 0)
                        {
                            lines.Add("");
                        }

                        var number = (i + 1).ToString(CultureInfo.InvariantCulture) + ". ";
                        var first = true;
                        for (var c = 0; c < items.Columns.Count; c++)
                        {
                            if (items.Rows[i][c].Length == 0)
                            {
                                continue;
                            }

                            lines.Add((first ? number : new string(' ', number.Length)) + items.Columns[c] + "：" + items.Rows[i][c]);
                            first = false;
                        }
                    }

                    break;
            }
        }

        return string.Join('\n', lines) + "\n";

        void Separate()
        {
            if (lines.Count > 0)
            {
                lines.Add("");
            }

            blankBefore = true;
        }
    }

    /// <summary>A complete HTML document (zh-CN, UTF-8) titled <paramref name="subject"/>.</summary>
    public string Html(string subject)
    {
        static string H(string text) => WebUtility.HtmlEncode(text);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(H(subject)).Append("</title>\n</head>\n");
        html.Append("<body style=\"font-family:sans-serif;line-height:1.6\">\n");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Paragraph { Heading: true } p:
                    html.Append("<p><strong>").Append(H(p.Text)).Append("</strong></p>\n");
                    break;
                case Paragraph p:
                    html.Append("<p>").Append(H(p.Text)).Append("</p>\n");
                    break;
                case FactsTable facts:
                    html.Append("<table style=\"border-collapse:collapse\">\n<caption style=\"text-align:left\">附：有关情况</caption>\n");
                    foreach (var (label, value) in facts.Rows)
                    {
                        html.Append("<tr><th scope=\"row\" style=\"text-align:left;").Append(Cell).Append("\">").Append(H(label))
                            .Append("</th><td style=\"").Append(Cell).Append("\">").Append(H(value)).Append("</td></tr>\n");
                    }

                    html.Append("</table>\n");
                    break;
                case ItemsTable items:
                    html.Append("<table style=\"border-collapse:collapse\">\n<thead>\n<tr>");
                    foreach (var column in items.Columns.Prepend("序号"))
                    {
                        html.Append("<th scope=\"col\" style=\"text-align:left;").Append(Cell).Append("\">").Append(H(column)).Append("</th>");
                    }

                    html.Append("</tr>\n</thead>\n<tbody>\n");
                    for (var i = 0; i < items.Rows.Count; i++)
                    {
                        html.Append("<tr>");
                        foreach (var value in items.Rows[i].Prepend((i + 1).ToString(CultureInfo.InvariantCulture)))
                        {
                            html.Append("<td style=\"").Append(Cell).Append("\">").Append(H(value)).Append("</td>");
                        }

                        html.Append("</tr>\n");
                    }

                    html.Append("</tbody>\n</table>\n");
                    break;
            }
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }
}
