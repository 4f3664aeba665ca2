using System.Text;
using System.Text.RegularExpressions;

namespace Escalation.Domain.Wording;

/// <summary>
/// The placeholder syntax of message templates: <c>{name}</c> for a value, <c>{{</c> and <c>}}</c> for literal braces
/// (as in .NET format strings, so that admins who know one know the other).
/// </summary>
internal static partial class TemplateText
{
    /// <summary>A run of literal text, or a placeholder's name.</summary>
    internal readonly record struct Token(bool IsPlaceholder, string Text);

    /// <summary>A syntax fault; <paramref name="Position"/> is 1-based, as an admin counts characters; the message is Chinese, for admins.</summary>
    internal readonly record struct Fault(int Position, string Message);

    /// <summary>
    /// Splits <paramref name="text"/> into literals and placeholders. A stray brace is reported and kept as a literal,
    /// so that every fault of a template is found in one pass.
    /// </summary>
    public static (IReadOnlyList<Token> Tokens, IReadOnlyList<Fault> Faults) Parse(string text)
    {
        var tokens = new List<Token>();
        var faults = new List<Fault>();
        var literal = new StringBuilder();

        void Flush()
        {
            if (literal.Length > 0)
            {
                tokens.Add(new Token(false, literal.ToString()));
                literal.Clear();
            }
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '{' && next == '{' || c == '}' && next == '}')
            {
                literal.Append(c);
                i += 2;
            }
            else if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                var open = text.IndexOf('{', i + 1);
                if (close < 0 || open >= 0 && open < close)
                {
                    faults.Add(new Fault(i + 1, "「{」没有对应的「}」。占位符应写成「{名称}」；如要显示大括号本身，请写成「{{」。"));
                    literal.Append(c);
                    i++;
                }
                else
                {
                    Flush();
                    tokens.Add(new Token(true, text[(i + 1)..close]));
                    i = close + 1;
                }
            }
            else if (c == '}')
            {
                faults.Add(new Fault(i + 1, "「}」没有对应的「{」。占位符应写成「{名称}」；如要显示大括号本身，请写成「}}」。"));
                literal.Append(c);
                i++;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        Flush();
        return (tokens, faults);
    }

    /// <summary>
    /// Fills the placeholders of a template that <see cref="MessageTemplate.Validate"/> accepted. A value placed inside
    /// the template's “…” has its own “…” written as 「…」 (“关于「一网通办」改革”), as Chinese nests quotation marks.
    /// </summary>
    public static string Render(string text, IReadOnlyDictionary<string, string> values, out bool onlyEmptyPlaceholders)
    {
        var (tokens, _) = Parse(text);
        var result = new StringBuilder(text.Length * 2);
        var placeholders = 0;
        var empty = 0;
        var depth = 0;
        foreach (var token in tokens)
        {
            if (token.IsPlaceholder)
            {
                var value = values[token.Text];
                placeholders++;
                empty += value.Length == 0 ? 1 : 0;
                result.Append(depth > 0 ? Nested(value) : value);
            }
            else
            {
                result.Append(token.Text);
                foreach (var c in token.Text)
                {
                    depth = c == '“' ? depth + 1 : c == '”' ? Math.Max(0, depth - 1) : depth;
                }
            }
        }

        onlyEmptyPlaceholders = placeholders > 0 && empty == placeholders;
        return empty > 0 ? Tidied(result.ToString()) : result.ToString();
    }

    /// <summary>
    /// A line with an empty placeholder without the punctuation that was there for its value: 「现予通报，{demand}。」
    /// reads 「现予通报。」, not 「现予通报，。」; empty （） and “” go, a comma run is one comma, and a comma at the start
    /// or end of the line, after an opening mark or before a stop or closing mark goes.
    /// </summary>
    internal static string Tidied(string line)
    {
        // Commas first, so that （，） is seen as empty; again after, for the comma an empty （） leaves before 。.
        return Commas(EmptyPair().Replace(Commas(line), ""));

        static string Commas(string text) => DanglingComma().Replace(CommaRun().Replace(text, "，"), "");
    }

    [GeneratedRegex("（\\s*）|“\\s*”|「\\s*」")]
    private static partial Regex EmptyPair();

    [GeneratedRegex("，(\\s*，)+")]
    private static partial Regex CommaRun();

    [GeneratedRegex("^\\s*，|(?<=[（「“：；。、])，|，(?=\\s*($|[。；！？、：）」”]))")]
    private static partial Regex DanglingComma();

    /// <summary>A value's double quotation marks as the inner marks 「」, for a value quoted with “”.</summary>
    public static string Nested(string value) =>
        value.Contains('“', StringComparison.Ordinal) || value.Contains('”', StringComparison.Ordinal)
            ? value.Replace('“', '「').Replace('”', '」')
            : value;

    /// <summary>“<paramref name="value"/>”, with the value's own “” as 「」.</summary>
    public static string Quoted(string value) => "“" + Nested(value) + "”";
}
