using System.Globalization;
using System.Text;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Wording;

/// <summary>One variable of an approved gateway template: its name and what fills it (text with placeholders).</summary>
/// <param name="Name">The variable's name as the template declares it (Aliyun <c>${name}</c>; Tencent uses the order).</param>
/// <param name="Text">What fills it, e.g. <c>{unit}</c> or <c>{unit}“{item}”</c>.</param>
public sealed record SmsTemplateParameter(string Name, string Text);

/// <summary>The approved template for one level and kind (<see cref="SmsTemplateMap.Grouped"/> for several items).</summary>
/// <param name="Level">The level.</param>
/// <param name="Kind">The event kind; null for the grouped template.</param>
/// <param name="TemplateCode">The gateway's template code.</param>
/// <param name="Parameters">Its variables, in order.</param>
public sealed record SmsGatewayTemplate(EventLevel Level, EventKind? Kind, string TemplateCode, IReadOnlyList<SmsTemplateParameter> Parameters);

/// <summary>A letter as a gateway request: the template code and the variables' values, in order, each within the limit.</summary>
/// <param name="TemplateCode">The approved template code.</param>
/// <param name="Parameters">Name and value of each variable, in the template's order.</param>
/// <param name="Truncated">The names of the variables that were shortened to fit the limit.</param>
public sealed record SmsGatewayMessage(string TemplateCode, IReadOnlyList<KeyValuePair<string, string>> Parameters, IReadOnlyList<string> Truncated);

/// <summary>
/// The <c>smstemplates</c> table, validated: per (level, kind) the approved template of a mainland SMS gateway and how a
/// letter's facts fill its variables. A letter with one item uses its (level, kind) row; a letter with several uses the
/// level's <c>grouped</c> row. A value longer than the gateway's limit is shortened by rule (ending in …), never refused.
/// </summary>
public sealed class SmsTemplateMap
{
    /// <summary>The kind word of the row for letters with several items.</summary>
    public const string Grouped = "grouped";

    /// <summary>What ends a shortened value.</summary>
    public const string Ellipsis = "…";

    /// <summary>The placeholders only the grouped row has, besides the letter's own.</summary>
    public static IReadOnlyList<string> GroupedPlaceholders { get; } = ["count", "units", "items", "recipient", "level", "date", "sender", "contact", "references"];

    /// <summary>The placeholders of a one-item row: a message template's, plus count, units and items.</summary>
    public static IReadOnlyList<string> ItemPlaceholders { get; } = [.. MessageTemplate.Placeholders, "count", "units", "items"];

    private static readonly Dictionary<string, EventKind> KindWords = BuildKindWords();

    private static readonly HashSet<string> GroupedWords = new(StringComparer.OrdinalIgnoreCase) { Grouped, "合并", "多项" };

    private readonly Dictionary<(EventLevel, EventKind?), SmsGatewayTemplate> _templates;

    private SmsTemplateMap(Dictionary<(EventLevel, EventKind?), SmsGatewayTemplate> templates) => _templates = templates;

    /// <summary>A map without rows.</summary>
    public static SmsTemplateMap Empty { get; } = new([]);

    /// <summary>The templates, in no particular order.</summary>
    public IReadOnlyCollection<SmsGatewayTemplate> Templates => _templates.Values;

    /// <summary>The template for one level and kind (null kind: the grouped one), or null when no row has it.</summary>
    public SmsGatewayTemplate? Find(EventLevel level, EventKind? kind) => _templates.GetValueOrDefault((level, kind));

    /// <summary>The words admins may write in <c>Kind</c>, for problem reports.</summary>
    public static IReadOnlyList<string> KindChoices { get; } =
        [.. Enum.GetValues<EventKind>().Select(k => $"{Kebab(k)}/{ChineseNames.Of(k)}"), $"{Grouped}/合并"];

    /// <summary>The row key of a level and kind: canonical words when both are readable, else as written.</summary>
    public static string KeyOf(string? level, string? kind)
    {
        var l = RuleRow.ParseLevel(level);
        var grouped = kind is not null && GroupedWords.Contains(kind.Trim());
        var k = ParseKind(kind);
        var levelPart = l?.ToString() ?? level?.Trim() ?? "";
        var kindPart = grouped ? Grouped : k?.ToString() ?? kind?.Trim() ?? "";
        return UnitRow.KeyOf(levelPart + ":" + kindPart);
    }

    /// <summary>An event kind from an admin's word: due-soon, DueSoon or 节点临近; null otherwise (and for grouped).</summary>
    public static EventKind? ParseKind(string? text) =>
        text is not null && KindWords.TryGetValue(text.Trim(), out var kind) ? kind : null;

    /// <summary>Validates the rows: one problem per faulty field, naming table, key, field and value. Faulty rows are left out.</summary>
    public static SmsTemplateMap Build(IReadOnlyList<SmsTemplateRow> rows, List<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(problems);
        var templates = new Dictionary<(EventLevel, EventKind?), SmsGatewayTemplate>();
        foreach (var row in rows)
        {
            var key = string.IsNullOrWhiteSpace(row.Level) && string.IsNullOrWhiteSpace(row.Kind) ? Problem.NoKey : row.Key;
            var read = new FieldReader(SmsTemplateRow.Table, key, problems);
            var level = RuleRow.ParseLevel(row.Level);
            if (level is null)
            {
                read.Fault(nameof(SmsTemplateRow.Level), row.Level, string.IsNullOrWhiteSpace(row.Level)
                    ? Words.RequiredOneOf(["提醒", "通报", "约谈", "问责建议"])
                    : $"不是督办级别。可填 提醒、通报、约谈、问责建议（或 reminder、notice、summons、accountability）。");
            }

            var grouped = row.Kind is not null && GroupedWords.Contains(row.Kind.Trim());
            var kind = ParseKind(row.Kind);
            if (!grouped && kind is null)
            {
                read.Fault(nameof(SmsTemplateRow.Kind), row.Kind, string.IsNullOrWhiteSpace(row.Kind)
                    ? Words.RequiredOneOf(KindChoices)
                    : $"不是事件类型。可填：{Words.Choices(KindChoices)}；一条短信含多个事项时用「{Grouped}」（合并）这一行。");
            }

            var code = read.Text(nameof(SmsTemplateRow.TemplateCode), row.TemplateCode, required: true);
            if (code is not null && code.Any(char.IsWhiteSpace))
            {
                read.Fault(nameof(SmsTemplateRow.TemplateCode), row.TemplateCode, "模板编号不能含空格。请填写短信服务商审核通过的模板编号（阿里云如 SMS_154950909，腾讯云为数字模板 ID）。");
            }

            var parameters = ReadParameters(row, grouped, read);
            if (!read.Ok || level is null || code is null || parameters is null)
            {
                continue;
            }

            var template = new SmsGatewayTemplate(level.Value, grouped ? null : kind, code, parameters);
            if (!templates.TryAdd((level.Value, template.Kind), template))
            {
                read.Fault(nameof(SmsTemplateRow.Kind), row.Kind,
                    $"已有其他行用于{ChineseNames.Of(level.Value)}级别的{(grouped ? "合并短信" : ChineseNames.Of(kind!.Value))}，此行未采用。请删除重复的一行。");
            }
        }

        return new SmsTemplateMap(templates);
    }

    /// <summary>
    /// The gateway request of a letter: the one-item row of its (level, kind), or the level's grouped row when it carries
    /// several items; null when no row fits. Each value is shortened to <paramref name="maxLength"/> characters.
    /// </summary>
    public SmsGatewayMessage? Render(Letter letter, WordingSettings wording, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(wording);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var items = MessageWording.Ordered(letter.Items);
        if (items.Count == 0)
        {
            return null;
        }

        var template = TemplateOf(letter.Level, items);
        if (template is null)
        {
            return null;
        }

        var values = template.Kind is null ? GroupedValues(letter, items, wording) : ItemValues(letter, items, wording);
        var parameters = new List<KeyValuePair<string, string>>(template.Parameters.Count);
        var truncated = new List<string>();
        foreach (var parameter in template.Parameters)
        {
            var full = TemplateText.Render(parameter.Text, values, out _).Trim();
            var fitted = Truncate(full, maxLength);
            if (fitted.Length != full.Length)
            {
                truncated.Add(parameter.Name);
            }

            parameters.Add(new(parameter.Name, fitted));
        }

        return new SmsGatewayMessage(template.TemplateCode, parameters, truncated);
    }

    /// <summary>
    /// The row a letter of these items needs: (level, kind) for one item, else the level's grouped row (which also serves
    /// one item of a kind without a row of its own); (level, grouped) for several.
    /// </summary>
    public SmsGatewayTemplate? TemplateOf(EventLevel level, IReadOnlyList<LetterItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Count == 1 ? Find(level, items[0].Event.Kind) ?? Find(level, null) : Find(level, null);
    }

    /// <summary>
    /// <paramref name="value"/> in at most <paramref name="maxLength"/> characters (a surrogate pair counts as one, and is
    /// never split): unchanged when it fits, else cut and ended with <see cref="Ellipsis"/>.
    /// </summary>
    public static string Truncate(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var runes = value.EnumerateRunes().ToList();
        if (runes.Count <= maxLength)
        {
            return value;
        }

        var kept = new StringBuilder();
        foreach (var rune in runes.Take(maxLength - 1))
        {
            kept.Append(rune.ToString());
        }

        return kept.ToString().TrimEnd() + Ellipsis;
    }

    private static List<SmsTemplateParameter>? ReadParameters(SmsTemplateRow row, bool grouped, FieldReader read)
    {
        if (string.IsNullOrWhiteSpace(row.Params))
        {
            read.Fault(nameof(SmsTemplateRow.Params), row.Params,
                "此项必填。请按模板变量的顺序填写「变量名={占位符}」，多个用分号分隔，如「unit={unit};item={item};date={due}」。");
            return null;
        }

        var allowed = new HashSet<string>(grouped ? GroupedPlaceholders : ItemPlaceholders, StringComparer.OrdinalIgnoreCase);
        var list = string.Join("、", (grouped ? GroupedPlaceholders : ItemPlaceholders).Select(p => "{" + p + "}"));
        var parameters = new List<SmsTemplateParameter>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var part in row.Params.Split([';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOfAny(['=', '＝']);
            var name = equals > 0 ? part[..equals].Trim() : "";
            var text = equals > 0 ? part[(equals + 1)..].Trim() : "";
            if (name.Length == 0 || text.Length == 0)
            {
                read.Fault(nameof(SmsTemplateRow.Params), row.Params, $"「{part}」不是「变量名={{占位符}}」的形式。请写成如「item={{item}}」，多个用分号分隔。");
                ok = false;
                continue;
            }

            if (!names.Add(name))
            {
                read.Fault(nameof(SmsTemplateRow.Params), row.Params, $"变量「{name}」写了两次。每个模板变量只写一次。");
                ok = false;
                continue;
            }

            var (tokens, faults) = TemplateText.Parse(text);
            foreach (var fault in faults)
            {
                read.Fault(nameof(SmsTemplateRow.Params), row.Params, string.Create(CultureInfo.InvariantCulture, $"变量「{name}」的第 {fault.Position} 个字符处：{fault.Message}"));
                ok = false;
            }

            foreach (var placeholder in tokens.Where(t => t.IsPlaceholder).Select(t => t.Text).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!allowed.Contains(placeholder))
                {
                    read.Fault(nameof(SmsTemplateRow.Params), row.Params, grouped
                        ? $"变量「{name}」中的占位符「{{{placeholder}}}」不能用于合并短信（一条短信含多个事项）。合并短信可用：{list}。"
                        : $"变量「{name}」中的占位符「{{{placeholder}}}」无法识别。请改为以下占位符之一：{list}。");
                    ok = false;
                }
            }

            parameters.Add(new SmsTemplateParameter(name, text));
        }

        return ok ? parameters : null;
    }

    private static Dictionary<string, string> ItemValues(Letter letter, IReadOnlyList<LetterItem> items, WordingSettings wording)
    {
        var e = items[0].Event;
        var values = new Dictionary<string, string>(MessageWording.Values(e, letter.RecipientName, letter.Day, wording), StringComparer.OrdinalIgnoreCase)
        {
            ["count"] = "1",
            ["units"] = (e.Facts.UnitName ?? "").Trim(),
            ["items"] = (e.Facts.ItemTitle ?? "").Trim(),
        };
        return values;
    }

    private static Dictionary<string, string> GroupedValues(Letter letter, IReadOnlyList<LetterItem> items, WordingSettings wording)
    {
        var any = MessageWording.Values(items[0].Event, letter.RecipientName, letter.Day, wording);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["count"] = items.Count.ToString(CultureInfo.InvariantCulture),
            ["units"] = string.Join("、", items.Select(i => (i.Event.Facts.UnitName ?? "").Trim()).Where(u => u.Length > 0).Distinct(StringComparer.Ordinal)),
            ["items"] = string.Join("、", items.Select(i => (i.Event.Facts.ItemTitle ?? "").Trim()).Where(t => t.Length > 0)),
            ["recipient"] = any["recipient"],
            ["level"] = any["level"],
            ["date"] = any["date"],
            ["sender"] = any["sender"],
            ["contact"] = any["contact"],
            ["references"] = string.Join("、", items.Select(i => (i.Event.Reference ?? "").Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal)),
        };
    }

    private static Dictionary<string, EventKind> BuildKindWords()
    {
        var words = new Dictionary<string, EventKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            words[kind.ToString()] = kind;
            words[Kebab(kind)] = kind;
            words[ChineseNames.Of(kind)] = kind;
        }

        return words;
    }

    /// <summary>due-soon, report-missing, …</summary>
    public static string Kebab(EventKind kind)
    {
        var name = kind.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
