using System.Globalization;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Wording;

/// <summary>An email ready to send: both bodies say the same, the HTML one with the facts as a table.</summary>
/// <param name="Subject">One line.</param>
/// <param name="PlainText">The body paragraphs, then the facts as 标签：值 lines.</param>
/// <param name="Html">A complete HTML document (zh-CN, UTF-8); every value and all template text escaped.</param>
public sealed record EmailMessage(string Subject, string PlainText, string Html);

/// <summary>A text message ready to send.</summary>
/// <param name="Text">Starts with the SMS signature (【督查室】), the only 【…】 in it.</param>
/// <param name="Segments">
/// How many parts it is billed as: ⌈length / 70⌉ in UTF-16 code units, as the specification states (70 Chinese
/// characters per SMS). Carriers that split long messages with a concatenation header carry 67 per part, so there
/// a 135..140-character message bills as 3 parts, not 2; default templates keep to one part for typical values.
/// </param>
public sealed record SmsMessage(string Text, int Segments);

/// <summary>
/// Turns events into the words people receive. A <see cref="Letter"/> (one person, channel, day and level) of one
/// addressed event reads through its admin-edited <see cref="MessageTemplate"/>; a copy (抄送) reads through wording
/// written for a copy; several events make one grouped message in 公文 style with a table of the items. Pure: the same
/// letter and settings give the same text, whatever the order of its items.
/// </summary>
public static partial class MessageWording
{
    /// <summary>The default SMS signature (短信签名); the SmsSignature setting replaces it.</summary>
    public const string SmsSignature = "【督查室】";

    /// <summary>Starts the subject of an email that only carries copies: 【抄送】.</summary>
    public const string CopyMark = "【抄送】";

    /// <summary>Starts the text of an SMS that only carries copies, after the signature (an SMS has one 【…】 only).</summary>
    public const string SmsCopyMark = "抄送：";

    /// <summary>The paragraph that says a copy is information.</summary>
    public const string CopyNote = "（此件抄送您知悉，无需办理。）";

    /// <summary>Characters per SMS segment, as the specification counts them.</summary>
    public const int SmsSegmentLength = 70;

    /// <summary>
    /// Renders the email of a letter: one addressed item through its template; one copied item in copy wording; several
    /// items as a grouped message (subject with level and count, one request, a table of the items, signature, date and
    /// contact line).
    /// </summary>
    /// <exception cref="ArgumentException">The letter has no item, or an item of another level (a bug of the caller).</exception>
    public static EmailMessage RenderEmail(Letter letter, WordingSettings wording)
    {
        var items = Checked(letter, wording);
        if (items.Count > 1)
        {
            return GroupedEmail(letter, items, wording);
        }

        return items[0].IsCopy ? CopyEmail(letter, items[0], wording) : TemplateEmail(letter, items[0], wording);
    }

    /// <summary>
    /// Renders the text message of a letter: the signature once, then one addressed item through its template, one copied
    /// item in copy wording (抄送：…), or several items in a short summary that refers to the email.
    /// </summary>
    /// <exception cref="ArgumentException">The letter has no item, or an item of another level (a bug of the caller).</exception>
    public static SmsMessage RenderSms(Letter letter, WordingSettings wording)
    {
        var items = Checked(letter, wording);
        if (items.Count > 1)
        {
            return GroupedSms(letter, items, wording);
        }

        return items[0].IsCopy ? CopySms(items[0].Event, wording) : TemplateSms(letter, items[0], wording);
    }

    /// <summary>
    /// Renders one event as the email of a one-item letter dated the event's date, signed with the default settings.
    /// <paramref name="template"/> must be valid (<see cref="MessageTemplate.Validate"/> empty); an invalid one is a bug of
    /// the caller, who validates admin templates when loading them.
    /// </summary>
    /// <param name="e">The event.</param>
    /// <param name="template">Usually the one named by <see cref="EscalationEvent.Template"/>.</param>
    /// <param name="recipientName">The addressed person's name for <c>{recipient}</c>; null or empty for none.</param>
    /// <param name="isCopy">True for a copy (抄送): copy wording, not the template's requests.</param>
    /// <param name="wording">Who signs and how; null for <see cref="WordingSettings.Default"/>.</param>
    public static EmailMessage RenderEmail(EscalationEvent e, MessageTemplate template, string? recipientName, bool isCopy = false, WordingSettings? wording = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        EnsureValid(template);
        return RenderEmail(new Letter(recipientName, e.Level, e.Date, [new LetterItem(e, template, isCopy)]), wording ?? WordingSettings.Default);
    }

    /// <summary>Renders one event as the text message of a one-item letter; same contract as the email overload.</summary>
    public static SmsMessage RenderSms(EscalationEvent e, MessageTemplate template, string? recipientName, bool isCopy = false, WordingSettings? wording = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        EnsureValid(template);
        return RenderSms(new Letter(recipientName, e.Level, e.Date, [new LetterItem(e, template, isCopy)]), wording ?? WordingSettings.Default);
    }

    /// <summary>⌈length / 70⌉ in UTF-16 code units; see <see cref="SmsMessage.Segments"/>.</summary>
    public static int Segments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (text.Length + SmsSegmentLength - 1) / SmsSegmentLength;
    }

    /// <summary>
    /// The order a letter lists its items in, each event once: addressed before copies, then by unit, item title and
    /// event id (ordinal), so that the same set always renders the same text.
    /// </summary>
    public static IReadOnlyList<LetterItem> Ordered(IEnumerable<LetterItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return
        [
            .. items
                .OrderBy(i => i.IsCopy)
                .ThenBy(i => i.Event.Facts.UnitName, StringComparer.Ordinal)
                .ThenBy(i => i.Event.Unit.Value, StringComparer.Ordinal)
                .ThenBy(i => i.Event.Facts.ItemTitle, StringComparer.Ordinal)
                .ThenBy(i => i.Event.Id.Value, StringComparer.Ordinal)
                .DistinctBy(i => i.Event.Id),
        ];
    }

    /// <summary>
    /// The wording an item reads through: its template when it validates, else the shipped template of the same id,
    /// else the shipped template for its kind and level.
    /// </summary>
    public static MessageTemplate TemplateFor(LetterItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Template is { } template && template.Validate().Count == 0)
        {
            return template;
        }

        return DefaultTemplates.ById.GetValueOrDefault(item.Event.Template) ?? DefaultTemplates.ById[ShippedTemplateId(item.Event)];
    }

    /// <summary>The rows of the facts table (附：有关情况), only those with a value: the reasons, in Chinese.</summary>
    /// <param name="e">The event.</param>
    /// <param name="wording">Names the units other than the item's that owe its demand; null for <see cref="WordingSettings.Default"/> (their ids).</param>
    public static IReadOnlyList<(string Label, string Value)> Facts(EscalationEvent e, WordingSettings? wording = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        wording ??= WordingSettings.Default;
        var facts = e.Facts;
        var rows = new List<(string, string)>();
        void Row(string label, string value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                rows.Add((label, value));
            }
        }

        Row(ReferenceLabel, Text(e.Reference));
        Row("单位", Text(facts.UnitName));
        if (facts.Indicator is { } indicator)
        {
            // The figures of an indicator are not progress: no 计划进度/实际进度 rows, and no milestone.
            IndicatorFactRows(e, indicator, Row);
        }
        else if (facts.Loop is { } loop)
        {
            // What was submitted or decided, not progress.
            Row("事项", Text(facts.ItemTitle));
            LoopFactRows(loop, Row);
        }
        else if (Indicators.IndicatorItem.Is(e.Item))
        {
            // A follow-up of an indicator notice: no figures, and no progress either.
            Row("事项", Text(facts.ItemTitle));
        }
        else
        {
            Row("事项", Text(facts.ItemTitle));
            Row("计划进度", Percent(facts.Planned));
            Row("实际进度", Percent(facts.Reported));
        }

        var checkpointDetails = Joined("，", Date(facts.CheckpointDue), Prefixed("目标进度", Percent(facts.CheckpointTarget)));
        var checkpoint = Text(facts.Checkpoint);
        Row("时间节点", checkpointDetails.Length == 0 ? checkpoint : checkpoint + "（" + checkpointDetails + "）");

        var streak = facts.Streak?.ToString(CultureInfo.InvariantCulture) ?? "";
        Row("连续落后期数", streak.Length == 0 ? "" : streak + "期" + Parenthesised(Prefixed("截至", Text(facts.Period))));
        Row("应报送日期", Date(facts.ReportDue));

        // 2026年6月16日前完成整改; 市住建局、市城市建设投资集团于2025年7月7日前分别报送专题说明 when others owe it too.
        var demand = e.Demand is { } d
            ? OwedByOthers(d, e.Unit) ? Demanded(d, e, wording, named: true) : By(d, e.Unit)
            : Date(facts.DemandDueBy) is { Length: > 0 } missed ? missed + "（已逾期）" : "";
        Row(DemandLabel, demand);
        if (facts.Accountability is { } accountability)
        {
            Row(BasisLabel, e.Rule.Value + (Text(accountability.RuleName) is { Length: > 0 } name && name != e.Rule.Value ? " " + name : ""));
            Row(RecommendationLabel, Recommendation(accountability));
        }

        return rows;
    }

    private const string DemandLabel = "说明/整改期限";

    /// <summary>The label of the reference (文号) in the facts and the grouped tables.</summary>
    private const string ReferenceLabel = "文号";

    /// <summary>
    /// The references of the items in brackets, to end a subject or a text message whose wording does not quote them:
    /// （督办〔2026〕0123号）, （督办〔2026〕0123号等3件） for several; empty when none has one.
    /// </summary>
    private static string ReferenceNote(IEnumerable<EscalationEvent> events)
    {
        var references = events.Select(e => Text(e.Reference)).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return references switch
        {
            [] => "",
            [var one] => "（" + one + "）",
            _ => string.Create(CultureInfo.InvariantCulture, $"（{references[0]}等{references.Count}件）"),
        };
    }

    /// <summary>The reference note of one event, unless the template text already quotes {reference}.</summary>
    private static string ReferenceNote(EscalationEvent e, string templateText) =>
        Uses(templateText, "reference") ? "" : ReferenceNote([e]);

    private static List<LetterItem> Checked(Letter letter, WordingSettings wording)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(wording);
        ArgumentNullException.ThrowIfNull(letter.Items);
        if (letter.Items.Count == 0)
        {
            throw new ArgumentException("A letter needs at least one item.", nameof(letter));
        }

        if (letter.Items.FirstOrDefault(i => i.Event.Level != letter.Level) is { } other)
        {
            throw new ArgumentException($"Event {other.Event.Id} is a {other.Event.Level}, in a letter of level {letter.Level}.", nameof(letter));
        }

        return [.. Ordered(letter.Items)];
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

    /// <summary>The shipped template that words an event of this kind and level, whatever template its rule named.</summary>
    private static string ShippedTemplateId(EscalationEvent e) => LoopTemplateId(e) ?? AccountabilityTemplateId(e) ?? IndicatorTemplateId(e) ?? e.Kind switch
    {
        EventKind.DueSoon or EventKind.DueToday => "due-soon",
        EventKind.Overdue => e.Level == EventLevel.Summons ? "overdue-summons" : "overdue",
        EventKind.ReportMissing => "report-missing",
        EventKind.ReportDueSoon => e.Facts.WorkingDaysLeft == 0 ? "report-due-today" : "report-due-soon",
        EventKind.DemandOverdue => "demand-overdue",
        EventKind.StartMissed => "start-missed",
        EventKind.Unsigned => "unsigned",
        _ => e.Level switch
        {
            EventLevel.Reminder => "lag-reminder",
            EventLevel.Notice => "lag-notice",
            _ => "lag-summons",
        },
    };

    // ---- One addressed item: its template -------------------------------------------------------------------------

    private static EmailMessage TemplateEmail(Letter letter, LetterItem item, WordingSettings wording)
    {
        var template = TemplateFor(item);
        var values = Values(item.Event, letter.RecipientName, letter.Day, wording);

        var subject = OneLine(TemplateText.Render(template.Subject, values, out _)) + ReferenceNote(item.Event, template.Subject);
        var paragraphs = Paragraphs(template.Body, values);

        // A template written before the ContactLine setting existed still carries it, last, as the shipped ones do.
        if (Contact(wording) is { Length: > 0 } contact && !Uses(template.Body, "contact"))
        {
            paragraphs.Add(contact);
        }

        var document = new EmailDocument().AddRange(paragraphs);
        AddStandings(document, [item], wording);
        var facts = Facts(item.Event, wording);
        document.Facts(SignLink(item.Event, wording) is { } link ? [.. facts, (SignLabel, link)] : facts);
        return new EmailMessage(subject, document.PlainText(), document.Html(subject));
    }

    /// <summary>The label of the sign link (签收：https://…/notices/ev-…) in an email's facts or lines.</summary>
    public const string SignLabel = "签收";

    /// <summary>
    /// The address of the page where the notice or summons <paramref name="e"/> is signed for (签收), for its addressee:
    /// {WebBaseUrl}/notices/{event id}; for an unsigned chase (未签收), the page of the notice it chases. Null when the
    /// WebBaseUrl setting is empty or nothing is signed for (reminders, accountability recommendations). The link opens
    /// the signed-in page; it carries no token.
    /// </summary>
    public static string? SignLink(EscalationEvent e, WordingSettings wording)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(wording);
        if (string.IsNullOrWhiteSpace(wording.WebBaseUrl))
        {
            return null;
        }

        var notice = e.Kind == EventKind.Unsigned ? e.Facts.DemandOf
            : Delivery.Signing.IsSignable(e) ? e.Id
            : null;
        return notice is { } id ? wording.WebBaseUrl.TrimEnd('/') + "/notices/" + id.Value : null;
    }

    private static SmsMessage TemplateSms(Letter letter, LetterItem item, WordingSettings wording)
    {
        var values = Values(item.Event, letter.RecipientName, letter.Day, wording);
        var sms = TemplateFor(item).Sms;
        var text = TemplateText.Render(sms, values, out _).Trim() + ReferenceNote(item.Event, sms);
        foreach (var signature in new[] { wording.SmsSignature, SmsSignature })
        {
            if (text.StartsWith(signature, StringComparison.Ordinal))
            {
                text = text[signature.Length..];
                break;
            }
        }

        return Sms(wording, text);
    }

    /// <summary>The signature, then the text with any other 【…】 as 「…」 (a leading one as …：): one 【…】 per SMS.</summary>
    private static SmsMessage Sms(WordingSettings wording, string text)
    {
        text = OneLine(text).Trim();
        if (text.StartsWith('【') && text.IndexOf('】', StringComparison.Ordinal) is > 1 and var close)
        {
            text = text[1..close] + "：" + text[(close + 1)..].TrimStart();
        }

        text = wording.SmsSignature + text.Replace('【', '「').Replace('】', '」');
        return new SmsMessage(text, Segments(text));
    }

    /// <summary>The value of every placeholder for this event; missing facts are empty strings.</summary>
    internal static IReadOnlyDictionary<string, string> Values(EscalationEvent e, string? recipientName, LocalDate day, WordingSettings wording)
    {
        var facts = e.Facts;
        var dueBy = e.Demand?.DueBy ?? facts.DemandDueBy;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["unit"] = Text(facts.UnitName),
            ["item"] = Text(facts.ItemTitle),
            ["recipient"] = Text(recipientName),
            ["level"] = ChineseNames.Of(e.Level),
            ["kind"] = ChineseNames.Of(e.Kind),
            ["date"] = Date(day),
            ["asOf"] = Date(e.Date),
            ["checkpoint"] = Text(facts.Checkpoint),
            ["due"] = Date(facts.CheckpointDue),
            ["deadline"] = Date(facts.CheckpointDue),
            ["target"] = Percent(facts.CheckpointTarget),
            ["planned"] = Percent(facts.Planned),
            ["reported"] = Percent(facts.Reported),
            ["gap"] = Number(facts.Planned - facts.Reported),
            ["when"] = When(e),
            ["daysLeft"] = facts.WorkingDaysLeft?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["streak"] = facts.Streak?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["period"] = Text(facts.Period),
            ["reportDue"] = Date(facts.ReportDue),
            ["demand"] = e.Demand is { } demand ? "请" + Demanded(demand, e, wording, named: false) : "",
            ["owedBy"] = facts.DemandFrom is { } owing ? Text(wording.NameOf(owing)) : Text(facts.UnitName),
            ["demandKind"] = e.Demand is { } d ? ChineseNames.Of(d.Kind) : "",
            ["dueBy"] = Date(dueBy),
            ["plannedStart"] = Date(facts.PlannedStart),
            ["cause"] = Text(facts.Cause),
            ["situation"] = Happened(e),
            ["rule"] = Text(facts.Accountability?.RuleName) is { Length: > 0 } rule ? rule : e.Rule.Value,
            ["consequence"] = Text(facts.Accountability?.Consequence),
            ["consequenceUnit"] = Text(facts.Accountability?.ExecutingUnitName),
            ["reference"] = Text(e.Reference),
            ["sender"] = Text(wording.SenderName),
            ["contact"] = Contact(wording),
        };
        AddIndicatorValues(values, e, wording);
        AddLoopValues(values, e);
        return values;
    }

    private static bool Uses(string text, string placeholder) =>
        TemplateText.Parse(text).Tokens.Any(t => t.IsPlaceholder && string.Equals(t.Text, placeholder, StringComparison.OrdinalIgnoreCase));

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

    private static string When(EscalationEvent e) => e.Kind switch
    {
        // A due date on a day off is reminded on the last working day before it: say which day it is.
        EventKind.DueToday when e.Facts.CheckpointDue is { } due && due != e.Date => "进入到期前最后一个工作日",
        EventKind.DueToday => "今天到期",
        EventKind.DueSoon when e.Facts.WorkingDaysLeft is { } left => string.Create(CultureInfo.InvariantCulture, $"还有{left}个工作日到期"),
        EventKind.ReportDueSoon when e.Facts.WorkingDaysLeft is 0 => "今天是报送截止日",
        EventKind.ReportDueSoon when e.Facts.WorkingDaysLeft is { } left => string.Create(CultureInfo.InvariantCulture, $"距报送截止还有{left}个工作日"),
        _ => "",
    };

    // The words of a demand, in one place: the copy, the facts table, {demand} and the grouped letters all say it so.

    /// <summary>
    /// 「于2026年7月23日前报送专题说明」, or, when <paramref name="named"/> or units other than the item's owe it (a
    /// builder too), with who owes it: 「市住房城乡建设局、市城市建设投资集团于2026年7月23日前分别报送专题说明」.
    /// </summary>
    private static string Demanded(Demand demand, EscalationEvent e, WordingSettings wording, bool named) =>
        (named || OwedByOthers(demand, e.Unit) ? Owing(demand, e, wording) : "") + "于" + By(demand, e.Unit);

    /// <summary>2026年7月23日前报送专题说明, with 分别 when several units owe it.</summary>
    private static string By(Demand demand, UnitId itemUnit) =>
        Date(demand.DueBy) + "前" + (demand.SubmittersOf(itemUnit).Count > 1 ? "分别" : "") + DemandAction(demand.Kind);

    /// <summary>报送书面说明, 报送专题说明 or 完成整改.</summary>
    private static string DemandAction(DemandKind kind) => kind switch
    {
        DemandKind.Explanation => "报送书面说明",
        DemandKind.SpecialExplanation => "报送专题说明",
        _ => "完成整改",
    };

    /// <summary>True when a unit other than the item's owes the demand (alone or with it): the words must name who owes it.</summary>
    private static bool OwedByOthers(Demand demand, UnitId itemUnit) => demand.SubmittersOf(itemUnit) is not [var only] || only != itemUnit;

    /// <summary>
    /// The units owing <paramref name="demand"/>, by name from the units table; the item's unit, when the table has no
    /// name for it, as the event names it.
    /// </summary>
    private static string Owing(Demand demand, EscalationEvent e, WordingSettings wording) =>
        string.Join("、", demand.SubmittersOf(e.Unit).Select(u =>
            u == e.Unit && !wording.UnitNames.ContainsKey(u) && Unit(e) is { Length: > 0 } name ? name : Text(wording.NameOf(u))));

    private static string Contact(WordingSettings wording) => Text(wording.ContactLine);

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
