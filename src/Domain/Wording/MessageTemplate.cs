using System.Globalization;
using Escalation.Domain.Problems;

namespace Escalation.Domain.Wording;

/// <summary>
/// The wording of one kind of message, as admins edit it: text with placeholders in braces, e.g.
/// <c>【督查提醒】{unit}“{item}”…</c>. <c>{{</c> and <c>}}</c> stand for literal braces. Placeholder names are
/// those of <see cref="Placeholders"/>, matched without regard to case. Rules name a template by <see cref="Id"/>.
/// </summary>
/// <param name="Id">The id rules refer to, e.g. <c>lag-notice</c>.</param>
/// <param name="Subject">The email subject (one line; line breaks become spaces).</param>
/// <param name="Body">
/// The email body, one paragraph per line. A line whose placeholders all come out empty is left out, so that
/// a salutation <c>{recipient}同志：</c> or a line holding only <c>{demand}</c> disappears when there is nothing to say.
/// </param>
/// <param name="Sms">
/// The text message, without the SMS signature (【督查室】, the SmsSignature setting), which is added when rendering; any
/// other 【…】 in it is rewritten (a leading 【提醒】 as 提醒：, any other as 「…」), since a text message carries exactly one.
/// </param>
public sealed record MessageTemplate(string Id, string Subject, string Body, string Sms)
{
    /// <summary>The table templates come from, as named in problem reports.</summary>
    public const string Table = "templates";

    /// <summary>
    /// The placeholders a template may use, in the order they are listed to admins:
    /// <list type="table">
    /// <item><term>unit</term><description>the responsible unit's name</description></item>
    /// <item><term>item</term><description>the item's title</description></item>
    /// <item><term>recipient</term><description>the addressed person's name, as the caller gives it; may be empty</description></item>
    /// <item><term>level</term><description>提醒, 通报, 约谈 or 问责建议</description></item>
    /// <item><term>kind</term><description>what happened, e.g. 进度滞后, 逾期未完成 (<see cref="ChineseNames"/>)</description></item>
    /// <item><term>date</term><description>the message's date: the working day it is delivered, e.g. 2024年6月7日 (for the signature)</description></item>
    /// <item><term>asOf</term><description>the date the facts are stated as of (截至…): the day the event was raised</description></item>
    /// <item><term>checkpoint</term><description>the milestone's name (due-soon and overdue events)</description></item>
    /// <item><term>due</term><description>the milestone's due date</description></item>
    /// <item><term>deadline</term><description>the same date as <c>due</c>, under the name admins try first</description></item>
    /// <item><term>target</term><description>the milestone's target, e.g. 60%</description></item>
    /// <item><term>planned</term><description>planned progress, e.g. 41.7%</description></item>
    /// <item><term>reported</term><description>reported progress, e.g. 35%</description></item>
    /// <item><term>gap</term><description>planned minus reported, in points without a % sign, e.g. 6.7</description></item>
    /// <item><term>when</term><description>还有3个工作日到期 (due soon), 今天到期 (due today) or 进入到期前最后一个工作日 (due on a day off, reminded the working day before); empty otherwise</description></item>
    /// <item><term>daysLeft</term><description>working days until the milestone's due date, e.g. 3 (due-soon events)</description></item>
    /// <item><term>streak</term><description>consecutive lagging periods (lag events)</description></item>
    /// <item><term>period</term><description>the lagging period, e.g. 2024年5月</description></item>
    /// <item><term>reportDue</term><description>the missed report's due date</description></item>
    /// <item><term>demand</term><description>请于2024年6月7日前报送书面说明, 请于…前完成整改 or 请于…前报送专题说明; a demand owed by several units names them (请市住房城乡建设局、市城市建设投资集团于…前分别报送专题说明); empty without a demand</description></item>
    /// <item><term>demandKind</term><description>书面说明, 限期整改 or 专题说明; empty without a demand</description></item>
    /// <item><term>dueBy</term><description>the demand's date; for demand-overdue events the date that was missed</description></item>
    /// <item><term>owedBy</term><description>for demand-overdue events, the unit that owes what is overdue: the item's unit, or another submitter such as the builder (建设单位)</description></item>
    /// <item><term>plannedStart</term><description>the planned start a start-missed event is about</description></item>
    /// <item><term>cause</term><description>the cause recorded for a missed start, or 未记录原因，按主观原因处理</description></item>
    /// <item><term>situation</term><description>what happened, as a sentence continues 「{unit}承担的“{item}”」: “完成方案报批”时间节点逾期未完成, 已连续4期进度落后12.5个百分点, 应于2026年6月19日前办结的说明或整改逾期未办结; for indicators 2025年1–5月已连续4期落后（全省第7位）</description></item>
    /// <item><term>rule</term><description>the name of the rule that raised the event, for accountability-level events (依据督办规则“…”); else the rule's id</description></item>
    /// <item><term>consequence</term><description>for a consequence notice (后果通知): the consequence the office recommends, e.g. 核减前期费; empty otherwise</description></item>
    /// <item><term>consequenceUnit</term><description>for a consequence notice: the unit that executes it, e.g. 市发改委; empty otherwise</description></item>
    /// <item><term>reference</term><description>the reference (文号) of a notice, summons or accountability recommendation, e.g. 督办〔2026〕0123号; empty for reminders. A template that does not use it gets it anyway: after the subject and at the end of the SMS, in brackets, and as the first row of the facts table</description></item>
    /// <item><term>value</term><description>indicator events: the value with its unit of measure, e.g. 5.2% or 52.3亿元 (<c>{reported}</c> says the same, <c>{planned}</c> the time-proportional plan, <c>{target}</c> the target judged, each with the unit)</description></item>
    /// <item><term>figures</term><description>indicator events: every figure of the value as a phrase continuing 「“{item}”{period}」, e.g. 为5.2%，居全省第7位（共12个），全省平均5.8%</description></item>
    /// <item><term>light</term><description>indicator events: 红灯, 黄灯 or 绿灯 against the plan; empty without an annual target</description></item>
    /// <item><term>rank</term><description>indicator events: the provincial rank, e.g. 全省第6位（共12个）</description></item>
    /// <item><term>average</term><description>indicator events: the provincial average, e.g. 5.8%</description></item>
    /// <item><term>rankTarget</term><description>indicator events: the rank targets, e.g. 保四争三奔第一</description></item>
    /// <item><term>earlier</term><description>below-earlier events: the earlier period compared with, e.g. 2026年1–3月</description></item>
    /// <item><term>firstThird</term><description>year-end events: the province's first third, e.g. 前四位</description></item>
    /// <item><term>group</term><description>group events: the ranking group's name, e.g. 各镇（街道）</description></item>
    /// <item><term>groupRank</term><description>a unit's group event: its place in the group, e.g. 第9位（共10个）</description></item>
    /// <item><term>topK</term><description>group events: the places invited to share, e.g. 前三位</description></item>
    /// <item><term>bottomK</term><description>group events: the places counted as lagging, e.g. 后三位</description></item>
    /// <item><term>top</term><description>the scoreboard: the units in the top places, e.g. 甲镇、乙镇、丙街道</description></item>
    /// <item><term>bottom</term><description>the scoreboard: the units in the bottom places (ties included)</description></item>
    /// <item><term>standings</term><description>the scoreboard in one line, e.g. 1.甲镇95.2%；2.乙镇91%；…</description></item>
    /// <item><term>escalation</term><description>bottom-rank events of a second consecutive period: that the summons moved up to the principal; empty otherwise</description></item>
    /// <item><term>answer</term><description>closed-loop events: what was submitted or decided, 情况说明, 整改报告, 专题说明 or 豁免申请</description></item>
    /// <item><term>decision</term><description>answer-decided events: 采纳, 采纳（销号）, 退回, 认定虚假整改（重新打开）, 批准 or 不予批准</description></item>
    /// <item><term>reason</term><description>closed-loop events: the decision's reason, or an exemption request's cause</description></item>
    /// <item><term>actor</term><description>closed-loop events: who submitted, requested or decided (the name)</description></item>
    /// <item><term>evidence</term><description>closed-loop events: the evidence files' names, e.g. 整改照片.jpg、验收报告.pdf</description></item>
    /// <item><term>notice</term><description>closed-loop events: the reference (文号) of the notice answered</description></item>
    /// <item><term>exemptPeriod</term><description>exemption events: the period or milestone named, e.g. 2026-05, milestone:2026-06-30</description></item>
    /// <item><term>sender</term><description>the signature (落款), the SenderName setting, e.g. 督查室</description></item>
    /// <item><term>contact</term><description>the ContactLine setting, e.g. 联系人：王某，电话：0755-12345678; may be empty</description></item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<string> Placeholders { get; } =
    [
        "unit", "item", "recipient", "level", "kind", "date", "asOf", "checkpoint", "due", "deadline", "target", "planned",
        "reported", "gap", "when", "daysLeft", "streak", "period", "reportDue", "demand", "demandKind", "dueBy", "owedBy", "sender", "contact",
        "plannedStart", "cause", "situation", "rule", "consequence", "consequenceUnit", "reference",
        "value", "figures", "light", "rank", "average", "rankTarget", "earlier", "firstThird", "group", "groupRank", "topK", "bottomK",
        "top", "bottom", "standings", "escalation",
        "answer", "decision", "reason", "actor", "evidence", "notice", "exemptPeriod",
    ];

    private static readonly HashSet<string> Known = new(Placeholders, StringComparer.OrdinalIgnoreCase);

    private static readonly string KnownList = string.Join("、", Placeholders.Select(p => "{" + p + "}"));

    /// <summary>
    /// Checks the template as admin input: a missing id or text, unknown placeholders and unbalanced braces,
    /// one <see cref="Problem"/> each (all of them, not just the first). An empty list means the template can be rendered.
    /// </summary>
    public IReadOnlyList<Problem> Validate()
    {
        var problems = new List<Problem>();
        var key = string.IsNullOrWhiteSpace(Id) ? Problem.NoKey : Id.Trim();
        if (string.IsNullOrWhiteSpace(Id))
        {
            problems.Add(new Problem(Table, key, nameof(Id), Id, "模板缺少编号，规则无法引用。请填写模板编号，规则的「Template」列填的就是它。"));
        }

        Check(nameof(Subject), Subject);
        Check(nameof(Body), Body);
        Check(nameof(Sms), Sms);
        return problems;

        void Check(string field, string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add(new Problem(Table, key, field, text, "此项必填，请填写消息内容。"));
                return;
            }

            var (tokens, faults) = TemplateText.Parse(text);
            foreach (var fault in faults)
            {
                problems.Add(new Problem(Table, key, field, text, string.Create(CultureInfo.InvariantCulture, $"第 {fault.Position} 个字符处：{fault.Message}")));
            }

            foreach (var name in tokens.Where(t => t.IsPlaceholder).Select(t => t.Text).Distinct(StringComparer.Ordinal))
            {
                if (!Known.Contains(name))
                {
                    problems.Add(new Problem(Table, key, field, text, $"无法识别占位符「{{{name}}}」。请改为以下占位符之一：{KnownList}。"));
                }
            }
        }
    }
}
