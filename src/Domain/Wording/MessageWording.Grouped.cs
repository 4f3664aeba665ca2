using System.Globalization;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Wording;

// Copies (抄送) and grouped letters: wording of the engine, not of admin templates, since a template is written for one
// addressed event and its requests (请于…前报送…, 请提前做好…) must not reach a person who only receives a copy.
public static partial class MessageWording
{
    private const string SummonsAction = "主要负责同志、分管负责同志开展约谈警示";

    /// <summary>The table columns of a grouped letter, in this order, each shown when some item has a value for it.</summary>
    private static readonly string[] Columns = [ReferenceLabel, "单位", "事项", "情形", "期间", "数值", "全省排名", "全省平均", "计划进度", "实际进度", "时间节点", "连续落后期数", "应报送日期", DemandLabel, RecommendationLabel];

    private enum Style
    {
        /// <summary>The 情形 cell of a table: short, the other columns say the rest.</summary>
        Cell,

        /// <summary>A sentence of an email.</summary>
        Sentence,

        /// <summary>A text message: short, but self-contained.</summary>
        Sms,
    }

    // ---- One copied item ------------------------------------------------------------------------------------------

    private static EmailMessage CopyEmail(Letter letter, LetterItem item, WordingSettings wording)
    {
        var e = item.Event;
        var values = Values(e, letter.RecipientName, letter.Day, wording);
        var template = TemplateFor(item).Subject;
        var subject = CopyMark + OneLine(TemplateText.Render(template, values, out _)) + ReferenceNote(e, template);

        var document = new EmailDocument();
        Salutation(document, letter);
        document.Add(CopyNote)
            .Add(Statement(e) + "，" + CopyAction(e, Style.Sentence, wording) + "。");
        Signature(document, letter, wording);
        document.Facts(Facts(e, wording));
        return new EmailMessage(subject, document.PlainText(), document.Html(subject));
    }

    private static SmsMessage CopySms(EscalationEvent e, WordingSettings wording) =>
        Sms(wording, SmsCopyMark + Unit(e) + Q(e.Facts.ItemTitle) + Situation(e, Style.Sms) + "，" + CopyAction(e, Style.Sms, wording) + "。" + ReferenceNote([e]));

    /// <summary>What happened, as of when: 截至2024年6月3日，商务局承担的“…”“…”时间节点逾期未完成.</summary>
    private static string Statement(EscalationEvent e)
    {
        var since = e.Kind == EventKind.Lagging && Text(e.Facts.Period) is { Length: > 0 } period
            ? "经对" + period + "重点工作推进情况分析，"
            : "截至" + Date(e.Date) + "，";
        return since + Unit(e) + "承担的" + Q(e.Facts.ItemTitle) + Happened(e);
    }

    /// <summary>What the office did about it, for someone who is only told: 已发出督查提醒 / 现予通报… / 拟对…开展约谈警示….</summary>
    private static string CopyAction(EscalationEvent e, Style style, WordingSettings wording) => e.Level switch
    {
        EventLevel.Reminder => "已发出督查提醒",
        EventLevel.Notice => "现予通报" + (e.Demand is { } d ? "，要求" + Demanded(d, e, wording, named: style != Style.Sms) : ""),
        EventLevel.Accountability => AccountabilityCopyAction(e, style),
        _ => style == Style.Sms
            ? "拟对" + Unit(e) + "开展约谈警示，具体时间另行通知"
            : "拟对" + Unit(e) + SummonsAction + "，具体时间、地点另行通知",
    };

    /// <summary>What is wrong with the item (情形).</summary>
    private static string Situation(EscalationEvent e, Style style)
    {
        var facts = e.Facts;
        if (facts.Indicator is { } indicator)
        {
            // A table has a column for the period; a sentence starts with it (2026年1–5月已连续3期落后…).
            return (style == Style.Cell ? "" : Text(indicator.PeriodLabel)) + IndicatorSituation(e, indicator, style);
        }

        if (LoopSituation(e, style) is { } loopSituation)
        {
            return loopSituation;
        }

        var checkpoint = style == Style.Cell || Text(facts.Checkpoint).Length == 0 ? "" : Q(facts.Checkpoint);
        var node = style == Style.Sms ? "节点" : "时间节点";
        switch (e.Kind)
        {
            case EventKind.DueSoon or EventKind.DueToday:
                var when = When(e) is { Length: > 0 } w ? w : "临近到期";
                return checkpoint + node + when + (style == Style.Sms ? "" : "，尚未达到节点目标进度");
            case EventKind.Overdue:
                return checkpoint + node + "逾期未完成";
            case EventKind.ReportDueSoon:
                return style == Style.Cell || facts.ReportDue is null ? "进展情况临近报送截止" : "进展情况应于" + Date(facts.ReportDue) + "报送，" + When(e) + "，尚未报送";
            case EventKind.ReportMissing:
                return style == Style.Cell || facts.ReportDue is null ? "进展情况未按时报送" : "应于" + Date(facts.ReportDue) + "报送的进展情况未按时报送";
            case EventKind.DemandOverdue:
                return style == Style.Cell || facts.DemandDueBy is null ? "说明或整改逾期未办结" : "应于" + Date(facts.DemandDueBy) + "前办结的说明或整改逾期未办结";
            case EventKind.StartMissed:
                return style == Style.Cell || facts.PlannedStart is null ? "未按期开工" : "计划于" + Date(facts.PlannedStart) + "开工，未按期开工";
            case EventKind.Unsigned:
                return UnsignedSituation(facts.UnsignedNotice, style);
            default:
                var gap = Math.Round(facts.Planned - facts.Reported, 1, MidpointRounding.AwayFromZero) > 0 ? Number(facts.Planned - facts.Reported) + "个百分点" : "";
                var streak = facts.Streak is { } n && n > 1 ? string.Create(CultureInfo.InvariantCulture, $"已连续{n}期") : "";
                var period = style == Style.Sms && streak.Length == 0 ? Text(facts.Period) : "";
                // A table has a column for the streak: its cell says by how much.
                return (style == Style.Cell ? "" : streak) + period + "进度落后" + gap;
        }
    }

    /// <summary>
    /// 督办〔2026〕0012号通报（2026年6月2日送达）尚未签收; the cell of a table leaves out the delivery date, and a notice without a
    /// reference is named by its level alone.
    /// </summary>
    private static string UnsignedSituation(UnsignedFacts? facts, Style style)
    {
        if (facts is null)
        {
            return "通报尚未签收";
        }

        var what = Text(facts.Reference) + ChineseNames.Of(facts.Level) + (facts.Level == EventLevel.Summons ? "通知" : "");
        return what + (style == Style.Cell ? "" : "（" + Date(facts.DeliveredOn) + "送达）") + "尚未签收";
    }

    /// <summary>The kind of trouble, as a subject names it: 进度落后, 时间节点逾期未完成, ….</summary>
    private static string Topic(EscalationEvent e) => LoopTopic(e) ?? IndicatorTopic(e) ?? e.Kind switch
    {
        EventKind.DueSoon or EventKind.DueToday => "时间节点临近到期",
        EventKind.Overdue => "时间节点逾期未完成",
        EventKind.ReportMissing => "进展情况未按时报送",
        EventKind.ReportDueSoon => "进展情况临近报送截止",
        EventKind.DemandOverdue => "说明或整改逾期未办结",
        EventKind.StartMissed => "未按期开工",
        EventKind.Unsigned => "通报未签收",
        _ => e.Facts.Streak is > 1 ? "进度连续落后" : "进度落后",
    };

    private static string Topic(IReadOnlyList<LetterItem> items)
    {
        var topics = items.Select(i => Topic(i.Event)).Distinct(StringComparer.Ordinal).ToList();
        return topics.Count == 1 ? topics[0] : "推进中存在问题";
    }

    // ---- Several items --------------------------------------------------------------------------------------------

    private static EmailMessage GroupedEmail(Letter letter, List<LetterItem> items, WordingSettings wording)
    {
        var addressed = items.Where(i => !i.IsCopy).ToList();
        var copies = items.Where(i => i.IsCopy).ToList();
        var subject = OneLine(GroupSubject(letter.Level, addressed, copies)) + ReferenceNote(items.Select(i => i.Event));

        var document = new EmailDocument();
        Salutation(document, letter);
        if (addressed.Count > 0 && copies.Count > 0)
        {
            document.Heading("一、请办理事项")
                .Add(Request(letter.Level, addressed, wording))
                .Items(Table(addressed, wording))
                .Heading("二、抄送知悉事项")
                .Add("以下事项抄送您知悉，无需办理。" + Summary(letter.Level, copies))
                .Items(Table(copies, wording));
        }
        else if (addressed.Count > 0)
        {
            document.Add(Request(letter.Level, addressed, wording)).Items(Table(addressed, wording));
        }
        else
        {
            document.Add(CopyNote).Add(Summary(letter.Level, copies)).Items(Table(copies, wording));
        }

        AddStandings(document, items, wording);
        foreach (var item in addressed)
        {
            // One line per notice the addressee signs for: 签收（督办〔2026〕0012号）：https://…/notices/ev-….
            if (SignLink(item.Event, wording) is { } link)
            {
                document.Add(SignLabel + Parenthesised(Text(item.Event.Reference) is { Length: > 0 } reference ? reference : Text(item.Event.Facts.ItemTitle)) + "：" + link);
            }
        }

        Signature(document, letter, wording);
        return new EmailMessage(subject, document.PlainText(), document.Html(subject));
    }

    private static SmsMessage GroupedSms(Letter letter, List<LetterItem> items, WordingSettings wording)
    {
        var addressed = items.Where(i => !i.IsCopy).ToList();
        var copies = items.Where(i => i.IsCopy).ToList();
        var level = letter.Level;

        string Compose(bool titled)
        {
            if (addressed.Count > 0)
            {
                var units = Units(addressed);
                var scope = units.Count > 1 ? Count(addressed) + Noun(addressed)
                    : addressed.Count == 1 ? YourUnit(addressed) + Q(addressed[0].Event.Facts.ItemTitle)
                    : YourUnit(addressed) + Count(addressed) + Noun(addressed);
                var titles = titled && addressed.Count > 1 ? Titles(addressed) : "";
                var ask = level switch
                {
                    EventLevel.Reminder => "请抓紧推进并及时报送进展",
                    EventLevel.Notice => "现予通报，" + (SmsDemand(addressed, wording) ?? "请认真查找原因、制定整改措施"),
                    EventLevel.Accountability => AccountabilitySmsAsk(addressed),
                    _ => "拟对" + (units.Count > 1 ? "有关单位" : YourUnit(addressed)) + "开展约谈警示，具体时间另行通知",
                };
                var salutation = Name(letter.RecipientName) is { Length: > 0 } name ? name + "同志：" : "";
                var also = copies.Count > 0 ? "；另抄送" + Count(copies) + "项" : "";
                return salutation + scope + titles + Topic(addressed) + "，" + ask + also + SeeEmail();
            }

            var copied = Units(copies);
            if (copied.Count > 1)
            {
                return SmsCopyMark + "今日共对" + Count(copied) + "个单位的" + Count(copies) + Noun(copies) + Issued(level) + SeeEmail();
            }

            var unit = copied[0];
            var action = level switch
            {
                EventLevel.Reminder => "已发出督查提醒",
                EventLevel.Notice => "已予通报",
                EventLevel.Accountability => "已提出问责建议",
                _ => "拟对" + unit + "开展约谈警示，具体时间另行通知",
            };
            return SmsCopyMark + unit + Count(copies) + Noun(copies) + (titled ? Titles(copies) : "") + Topic(copies) + "，" + action + SeeEmail();
        }

        // Only a person who also gets the email is sent to it.
        string SeeEmail() => letter.HasEmail ? "，详见邮件。" : "。";

        var references = ReferenceNote(items.Select(i => i.Event));
        var plain = Sms(wording, Compose(titled: false) + references);
        var titledSms = Sms(wording, Compose(titled: true) + references);
        return titledSms.Segments <= plain.Segments ? titledSms : plain;
    }

    private static string GroupSubject(EventLevel level, List<LetterItem> addressed, List<LetterItem> copies)
    {
        var items = addressed.Count > 0 ? addressed : copies;
        var units = Units(items);
        var whom = addressed.Count > 0
            ? units.Count > 1 ? Count(units) + "个单位" : YourUnit(addressed)
            : units.Count > 1 ? Count(units) + "个单位" : units[0];
        var about = level == EventLevel.Accountability ? AccountabilityAbout(whom, items)
            : level == EventLevel.Summons
            ? "关于对" + whom + "开展约谈警示的通知（涉及" + Count(items) + (items.All(i => AboutIndicator(i.Event)) ? "项指标" : "项任务") + "）"
            : "关于" + (addressed.Count > 0 && units.Count == 1 ? "" : whom) + Count(items) + Noun(items) + Topic(items) + "的" + (level == EventLevel.Reminder ? "提醒" : "通报");
        var also = addressed.Count > 0 && copies.Count > 0 ? "（另抄送" + Count(copies) + "项）" : "";
        return (addressed.Count > 0 ? "" : CopyMark) + Tag(level, items) + about + also;
    }

    /// <summary>The paragraph that says what the addressee is asked to do about the listed items.</summary>
    private static string Request(EventLevel level, List<LetterItem> items, WordingSettings wording)
    {
        var events = items.Select(i => i.Event).ToList();
        var periods = events.Select(e => Text(e.Facts.Period)).Distinct(StringComparer.Ordinal).ToList();
        var intro = events.All(e => e.Kind == EventKind.Lagging) && periods is [{ Length: > 0 } period]
            ? "经对" + period + "重点工作推进情况分析，"
            : items.All(i => IsIndicator(i.Event)) && periods is [{ Length: > 0 } indicatorPeriod]
            ? "经对" + indicatorPeriod + "主要指标运行情况分析，"
            : events.Select(e => e.Date).Distinct().Count() == 1 ? "截至" + Date(events[0].Date) + "，" : "经督查，";
        var units = Units(items);
        var scope = units.Count > 1 ? "有关单位承担的以下" + Count(items) + Noun(items)
            : items.Count == 1 ? YourUnit(items) + "承担的" + Q(events[0].Facts.ItemTitle)
            : YourUnit(items) + "承担的以下" + Count(items) + Noun(items);
        var demand = DemandSentence(events, wording);
        var ask = level switch
        {
            EventLevel.Reminder => "请认真分析原因，采取有效措施抓紧推进，并及时报送进展情况。" + demand,
            EventLevel.Notice => "根据督查工作有关规定，现予通报。" + (demand.Length > 0 ? demand : "请认真查找原因，制定整改措施。"),
            EventLevel.Accountability => AccountabilityAsk(items, units, wording),
            _ => "根据督查工作有关规定，拟对" + (units.Count > 1 ? "有关单位" : YourUnit(items)) + SummonsAction + "，具体时间、地点另行通知。请提前做好原因分析，并形成整改措施。" + demand,
        };
        return intro + scope + Topic(items) + "。" + ask;
    }

    /// <summary>
    /// The items' demands in one sentence, worded as each demands (报送书面说明, 报送专题说明, 完成整改) and naming the units
    /// that owe them when not the item's alone: their one wording when they share it, else a pointer to the table;
    /// empty without any.
    /// </summary>
    private static string DemandSentence(List<EscalationEvent> events, WordingSettings wording)
    {
        if (Demands(events, wording) is not var (words, kinds))
        {
            return "";
        }

        if (words is { } shared)
        {
            var content = events.All(e => e.Kind == EventKind.StartMissed) ? "未按期开工的原因、整改措施和开工时间" : "原因分析、整改措施和完成时限";
            return "请" + shared + (kinds is [DemandKind.Rectification]
                ? "，并将整改情况书面报送" + Text(wording.SenderName) + "。"
                : "，内容包括" + content + "。");
        }

        return "请按下表“" + DemandLabel + "”所列时限" + string.Join("或", kinds.Select(DemandAction))
            + (kinds.Contains(DemandKind.Rectification) ? "，并书面报送" + Text(wording.SenderName) : "") + "。";
    }

    private static string? SmsDemand(List<LetterItem> items, WordingSettings wording) =>
        Demands([.. items.Select(i => i.Event)], wording) is var (words, kinds)
            ? words is { } shared ? "请" + shared : "请按要求限期" + string.Join("或", kinds.Select(DemandAction))
            : null;

    /// <summary>
    /// What the events demand: the one wording (于…前…, with the owing units when not the item's alone) when every
    /// event demands the same, else null; and the kinds demanded. Null when none demands anything.
    /// </summary>
    private static (string? Shared, List<DemandKind> Kinds)? Demands(List<EscalationEvent> events, WordingSettings wording)
    {
        var demanded = events.Where(e => e.Demand is not null).ToList();
        if (demanded.Count == 0)
        {
            return null;
        }

        var words = demanded.Select(e => Demanded(e.Demand!, e, wording, named: false)).Distinct(StringComparer.Ordinal).ToList();
        var kinds = demanded.Select(e => e.Demand!.Kind).Distinct().Order().ToList();
        return (demanded.Count == events.Count && words is [var shared] ? shared : null, kinds);
    }

    /// <summary>
    /// 你单位 for the one unit of a letter's items, unless the letter may reach someone of another unit about them: the
    /// builder's principal addressed about a missed start, or a unit owing the demand of another unit's item. A letter
    /// does not know its recipient's unit, so those name the unit (市住建局承担的以下2项重点工作), true for every reader.
    /// </summary>
    private static string YourUnit(List<LetterItem> items) =>
        items.Any(i => i.Event.Level == EventLevel.Accountability || i.Event.Kind == EventKind.StartMissed || i.Event.Demand is { } d && OwedByOthers(d, i.Event.Unit))
            ? Units(items)[0]
            : "你单位";

    /// <summary>What the copies are about, for the office's daily summary and the copy section: 今日共对N个单位的M项重点工作….</summary>
    private static string Summary(EventLevel level, List<LetterItem> copies)
    {
        var units = Units(copies);
        var whom = units.Count > 1 ? "今日共对" + Count(units) + "个单位的" : "今日对" + units[0] + "的";
        var summons = level == EventLevel.Summons ? "，拟对" + (units.Count > 1 ? "有关单位" : units[0]) + SummonsAction : "";
        return whom + Count(copies) + Noun(copies) + Issued(level) + summons + "，情况如下：";
    }

    /// <summary>A row per item, a column per fact that some item has; 情形 says as of when if the items differ in date.</summary>
    private static EmailDocument.Table Table(List<LetterItem> items, WordingSettings wording)
    {
        var dated = items.Select(i => i.Event.Date).Distinct().Count() > 1;
        var rows = items.Select(i =>
        {
            var e = i.Event;
            var cells = Facts(e, wording).ToDictionary(f => f.Label, f => f.Value, StringComparer.Ordinal);
            if (cells.Remove("指标", out var indicator))
            {
                cells["事项"] = indicator;
            }

            cells["情形"] = (dated ? "截至" + Date(e.Date) + "，" : "") + Situation(e, Style.Cell);
            return Columns.Select(c => cells.GetValueOrDefault(c, "")).ToArray();
        }).ToList();
        var shown = Enumerable.Range(0, Columns.Length).Where(c => rows.Any(r => r[c].Length > 0)).ToList();
        return new EmailDocument.Table(
            [.. shown.Select(c => Columns[c])],
            [.. rows.Select(r => (IReadOnlyList<string>)[.. shown.Select(c => r[c])])]);
    }

    private static void Salutation(EmailDocument document, Letter letter)
    {
        if (Name(letter.RecipientName) is { Length: > 0 } name)
        {
            document.Add(name + "同志：");
        }
    }

    /// <summary>落款, the letter's day, and the contact line when set.</summary>
    private static void Signature(EmailDocument document, Letter letter, WordingSettings wording)
    {
        document.Add(Text(wording.SenderName)).Add(Date(letter.Day));
        if (Contact(wording) is { Length: > 0 } contact)
        {
            document.Add(contact);
        }
    }

    private static string Tag(EventLevel level) => level switch
    {
        EventLevel.Reminder => "【督查提醒】",
        EventLevel.Notice => "【督查通报】",
        EventLevel.Accountability => "【问责建议】",
        _ => "【约谈通知】",
    };

    private static string Issued(EventLevel level) => level switch
    {
        EventLevel.Reminder => "发出督查提醒",
        EventLevel.Notice => "予以通报",
        EventLevel.Accountability => "提出问责建议",
        _ => "发出约谈通知",
    };

    /// <summary>The items' units by name, each once, in the items' order.</summary>
    private static List<string> Units(List<LetterItem> items) =>
        [.. items.DistinctBy(i => i.Event.Unit).Select(i => Unit(i.Event))];

    private static string Unit(EscalationEvent e) => OneLine(Text(e.Facts.UnitName));

    private static string Titles(List<LetterItem> items) => "（" + string.Concat(items.Select(i => Q(i.Event.Facts.ItemTitle))) + "）";

    private static string Q(string? text) => TemplateText.Quoted(OneLine(Text(text)));

    private static string Count<T>(IReadOnlyCollection<T> items) => items.Count.ToString(CultureInfo.InvariantCulture);

    private static string Name(string? value) => OneLine(Text(value));
}
