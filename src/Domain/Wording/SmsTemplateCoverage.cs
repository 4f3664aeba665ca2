using Escalation.Domain.Events;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Wording;

/// <summary>
/// Whether the <c>smstemplates</c> table covers what the rules send by SMS, when SMS goes through a mainland gateway
/// (which sends approved templates only): every (level, kind) an enabled SMS rule can raise needs its row or the level's
/// grouped row, and every level such rules raise needs a grouped row, since one person's items of a day at one level
/// go as one message.
/// </summary>
public static class SmsTemplateCoverage
{
    /// <summary>The event kinds <paramref name="rule"/> can raise.</summary>
    public static IReadOnlyList<EventKind> KindsOf(EscalationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Trigger.Kind switch
        {
            TriggerKind.DueSoon when rule.Repeat.Kind == RepeatKind.OnDueDay => [EventKind.DueSoon, EventKind.DueToday],
            TriggerKind.DueSoon => [EventKind.DueSoon],
            TriggerKind.Overdue => [EventKind.Overdue],
            TriggerKind.ReportMissing => [EventKind.ReportMissing],
            TriggerKind.LagStreak => [EventKind.Lagging],
            TriggerKind.DemandOverdue => [EventKind.DemandOverdue],
            TriggerKind.StartMissed => [EventKind.StartMissed],
            TriggerKind.ReportDueSoon => [EventKind.ReportDueSoon],
            TriggerKind.IndicatorLag => [EventKind.IndicatorLagging],
            TriggerKind.TargetMissed => [EventKind.TargetMissed],
            TriggerKind.StretchMissed => [EventKind.StretchMissed],
            TriggerKind.BelowEarlier => [EventKind.BelowEarlier],
            TriggerKind.YearEndRank => [EventKind.YearEndRank],
            TriggerKind.BottomRank => [EventKind.BottomRank],
            TriggerKind.Scoreboard => [EventKind.Scoreboard],
            TriggerKind.ShareInvitation => [EventKind.ShareInvitation],
            TriggerKind.Pledge => [EventKind.Pledge],
            TriggerKind.AnswerSubmitted => [EventKind.AnswerSubmitted],
            TriggerKind.AnswerDecided => [EventKind.AnswerDecided],
            TriggerKind.FalseRectification => [EventKind.FalseRectification],
            TriggerKind.ExemptionRequested => [EventKind.ExemptionRequested],
            TriggerKind.Unsigned => [EventKind.Unsigned],
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Trigger.Kind, "Unknown trigger."),
        };
    }

    /// <summary>
    /// What is missing for the enabled rules that send SMS: one problem per rule and kind without a row (table
    /// <c>rules</c>, the rule, field Channels), and one per level without a grouped row (table <c>smstemplates</c>, key
    /// <c>{Level}:grouped</c>). <paramref name="provider"/> names the gateway in the reasons, e.g. 阿里云短信.
    /// </summary>
    public static IReadOnlyList<Problem> Problems(IEnumerable<EscalationRule> rules, SmsTemplateMap map, string provider)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(map);
        var sending = rules.Where(r => r.Enabled && r.Channels.Contains(Channel.Sms)).ToList();
        var problems = new List<Problem>();
        foreach (var rule in sending)
        {
            var level = ChineseNames.Of(rule.Level);
            foreach (var kind in KindsOf(rule).Where(k => map.Find(rule.Level, k) is null && map.Find(rule.Level, null) is null))
            {
                var name = ChineseNames.Of(kind);
                problems.Add(new Problem("rules", rule.Id.Value, "Channels", "sms",
                    $"规则「{rule.Name}」以短信发送「{level}」级「{name}」事件，但短信经{provider}只能按审核通过的模板发送，短信模板表（smstemplates）既没有「{level} / {name}」行，也没有「{level} / grouped」（合并）行，这样的短信发不出去。" +
                    $"请在 smstemplates 表加上级别为「{level}」、事件类型为「{name}」（或 grouped）的行，填写审核通过的模板编号和模板变量后重新导入；或从这条规则的发送渠道中去掉 sms。"));
            }
        }

        foreach (var group in sending.GroupBy(r => r.Level).OrderBy(g => g.Key).Where(g => map.Find(g.Key, null) is null))
        {
            var level = ChineseNames.Of(group.Key);
            var ids = string.Join("、", group.Select(r => r.Id.Value));
            problems.Add(new Problem("smstemplates", SmsTemplateMap.KeyOf(group.Key.ToString(), SmsTemplateMap.Grouped), "Kind", null,
                $"规则 {ids} 以短信发送「{level}」级事件；同一人同一天同一级别的多个事项合并为一条短信，须用「{level} / grouped」（合并）行的模板经{provider}发送，但短信模板表（smstemplates）没有这一行，合并的短信发不出去。" +
                $"请加上级别为「{level}」、事件类型为 grouped 的行（模板变量可用 {{count}}、{{units}}、{{items}} 等），填写审核通过的模板编号后重新导入。"));
        }

        return problems;
    }
}
