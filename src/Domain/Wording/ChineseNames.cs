using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Wording;

/// <summary>
/// The Chinese words for the engine's closed sets, as messages, the command line and exports show them to people. The
/// words admins may type in tables are parsed in <see cref="RuleRow"/>; these are the ones the engine writes.
/// </summary>
public static class ChineseNames
{
    public static string Of(EventLevel level) => level switch
    {
        EventLevel.Reminder => "提醒",
        EventLevel.Notice => "通报",
        EventLevel.Summons => "约谈",
        EventLevel.Accountability => "问责建议",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Not an event level."),
    };

    /// <summary>What kind of occurrence an event is about, as the log's export and previews name it.</summary>
    public static string Of(EventKind kind) => kind switch
    {
        EventKind.DueSoon => "节点临近",
        EventKind.DueToday => "节点当日",
        EventKind.Overdue => "逾期未完成",
        EventKind.ReportMissing => "未按时报送",
        EventKind.Lagging => "进度滞后",
        EventKind.DemandOverdue => "说明整改逾期",
        EventKind.StartMissed => "未按期开工",
        EventKind.ReportDueSoon => "报送临近",
        EventKind.IndicatorLagging => "指标落后",
        EventKind.TargetMissed => "未完成确保目标",
        EventKind.StretchMissed => "未达力争目标",
        EventKind.BelowEarlier => "低于前期",
        EventKind.YearEndRank => "年终排名靠后",
        EventKind.BottomRank => "低于平均且排名靠后",
        EventKind.Scoreboard => "成绩单",
        EventKind.ShareInvitation => "分享经验",
        EventKind.Pledge => "表态发言",
        EventKind.AnswerSubmitted => "答复提交",
        EventKind.AnswerDecided => "答复处理",
        EventKind.FalseRectification => "虚假整改",
        EventKind.ExemptionRequested => "豁免申请",
        EventKind.Unsigned => "未签收",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an event kind."),
    };

    public static string Of(RecipientRole role) => role switch
    {
        RecipientRole.Owner => "具体责任人",
        RecipientRole.UnitPrincipal => "主要负责人",
        RecipientRole.DeputyInCharge => "分管负责同志",
        RecipientRole.LeadOfficial => "包保领导",
        RecipientRole.SupervisionOffice => "督查室",
        RecipientRole.BuilderPrincipal => "建设单位主要负责人",
        RecipientRole.Named => "指定人员",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a recipient role."),
    };

    /// <summary>
    /// Why a person receives an event, as people read it: 「主要负责人」 for the item's unit, 「发改委主要负责人」 for a unit the
    /// rule names, 「指定人员」 for a person it names.
    /// </summary>
    public static string Of(Recipient recipient) =>
        recipient.Unit is { } unit ? (recipient.UnitName ?? unit.Value) + Of(recipient.Role) : Of(recipient.Role);

    /// <summary>
    /// A rule's recipient as admins read it back, with names and ids when the tables are given: 「主要负责人」,
    /// 「指定人员 陈主任（fgw-chen）」, 「发改委（fgw）主要负责人」. Without them (or for a reference not in them) the reference
    /// is shown as written.
    /// </summary>
    public static string Of(RecipientSpec spec, IReadOnlyDictionary<PersonId, Contact>? people = null, Roster? roster = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec)
        {
            case RecipientSpec.ByRole byRole:
                return Of(byRole.Role);
            case RecipientSpec.NamedPerson named:
                var person = Key.TryValidate(named.Reference) is null && people is not null && people.TryGetValue(new PersonId(named.Reference), out var contact) ? contact : null;
                return person is null ? $"{Of(RecipientRole.Named)}「{named.Reference}」" : $"{Of(RecipientRole.Named)} {person.Name}（{person.Id}）";
            case RecipientSpec.NamedUnitRole named:
                var unit = UnitId.IsValid(named.Unit) && roster is not null && roster.Units.TryGetValue(new UnitId(named.Unit), out var found) ? found : null;
                return unit is null ? $"单位「{named.Unit}」{Of(named.Role)}" : $"{unit.Name}（{unit.Id}）{Of(named.Role)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec, "Not a recipient spec.");
        }
    }

    public static string Of(Channel channel) => ChannelCatalog.Of(channel).ChineseName;

    public static string Of(DemandKind demand) => demand switch
    {
        DemandKind.Explanation => "书面说明",
        DemandKind.Rectification => "限期整改",
        DemandKind.SpecialExplanation => "专题说明",
        _ => throw new ArgumentOutOfRangeException(nameof(demand), demand, "Not a demand."),
    };

    public static string Of(PeriodKind period) => period switch
    {
        PeriodKind.Month => "月",
        PeriodKind.Xun => "旬",
        PeriodKind.Week => "周",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Not a period kind."),
    };

    public static string Of(Indicators.IndicatorPeriodKind period) => period switch
    {
        Indicators.IndicatorPeriodKind.Month => "月",
        Indicators.IndicatorPeriodKind.Quarter => "季",
        Indicators.IndicatorPeriodKind.Week => "周",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Not an indicator period kind."),
    };

    /// <summary>An indicator's or item's light: 红, 黄 or 绿 (messages add 灯: 亮黄灯).</summary>
    public static string Of(TrafficLight light) => light switch
    {
        TrafficLight.Green => "绿",
        TrafficLight.Yellow => "黄",
        TrafficLight.Red => "红",
        _ => throw new ArgumentOutOfRangeException(nameof(light), light, "Not a light."),
    };

    /// <summary>2024年6月7日: the form Chinese official documents use, no leading zeros.</summary>
    public static string Of(LocalDate date) => string.Create(CultureInfo.InvariantCulture, $"{date.Year}年{date.Month}月{date.Day}日");

    /// <summary>
    /// A rule's condition in one phrase, e.g. 「时间节点或截止日期前3个工作日未达目标」, 「时间节点或截止日期已过20个工作日仍未达目标」,
    /// 「连续 2 个月落后」.
    /// </summary>
    public static string Of(RuleTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var scope = trigger.Scope switch
        {
            CheckpointScope.Milestones => "时间节点",
            CheckpointScope.Deadline => "截止日期",
            _ => "时间节点或截止日期",
        };
        return trigger.Kind switch
        {
            TriggerKind.DueSoon => $"{scope}前{trigger.Days}未达目标",
            TriggerKind.Overdue => trigger.Days is { } delay ? $"{scope}已过{delay}仍未达目标" : $"{scope}已过仍未达目标",
            TriggerKind.ReportMissing => trigger.Days is { } delay ? $"进展报送到期{delay}仍未报" : "进展报送到期未报",
            TriggerKind.LagStreak => string.Create(CultureInfo.InvariantCulture,
                $"连续 {trigger.MinStreak} 个{Of(trigger.Period)}及以上落后{(trigger.LagTolerance > 0 ? $"（允差 {trigger.LagTolerance:0.#} 个百分点）" : "")}"),
            TriggerKind.DemandOverdue => trigger.Days is { } delay ? $"要求的说明或整改逾期{delay}仍未交" : "要求的说明或整改逾期未交",
            TriggerKind.StartMissed => "计划开工日期已过仍未开工（无经批准的客观原因）",
            TriggerKind.ReportDueSoon => trigger.Days is { Count: 0 }
                ? "进展报送截止当天仍未报送"
                : $"进展报送截止前{trigger.Days ?? DaySpan.Working(1)}仍未报送",
            TriggerKind.IndicatorLag => string.Create(CultureInfo.InvariantCulture, $"指标连续 {trigger.MinStreak} 期及以上落后") + After(trigger),
            TriggerKind.TargetMissed => "指标未完成确保目标" + After(trigger),
            TriggerKind.StretchMissed => "指标未达力争目标" + After(trigger),
            TriggerKind.BelowEarlier => "指标低于规定的前期水平（如一季度）" + After(trigger),
            TriggerKind.YearEndRank => "年终全省排名在第一方阵（前三分之一）之外" + After(trigger),
            TriggerKind.BottomRank => "低于全省平均且排在分组后列（并列计入）" + After(trigger),
            TriggerKind.Scoreboard => "每月成绩单" + After(trigger),
            TriggerKind.ShareInvitation => "成绩单排名前列，邀请分享经验" + After(trigger),
            TriggerKind.Pledge => "成绩单排名后列，要求表态发言" + After(trigger),
            TriggerKind.AnswerSubmitted => "单位提交说明、整改报告或专题说明",
            TriggerKind.AnswerDecided => "督查室处理答复或豁免申请（采纳、退回、销号、虚假整改、批准、不予批准）",
            TriggerKind.FalseRectification => "已销号的整改被认定为虚假整改",
            TriggerKind.ExemptionRequested => "单位以客观原因申请豁免",
            TriggerKind.Unsigned => $"通报、约谈通知送达后{trigger.Days ?? DaySpan.Working(1)}仍未签收",
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger.Kind, "Not a trigger kind."),
        };
    }

    /// <summary>An indicator rule's delay after publication, as the condition's tail: 「（数据发布后3个工作日）」, or nothing.</summary>
    private static string After(RuleTrigger trigger) => trigger.Days is { } delay ? $"（数据发布后{delay}）" : "";

    /// <summary>
    /// How often a rule repeats, e.g. 「一次」, 「提前一次、到期当天再一次」, 「每20个工作日重复，最多3次」,
    /// 「每15天重复，不限次数，直至升级」.
    /// </summary>
    public static string Of(Repeat repeat) => repeat.Kind switch
    {
        RepeatKind.Once => "一次",
        RepeatKind.OnDueDay => "提前一次、到期当天再一次",
        RepeatKind.EveryWorkingDays => string.Create(CultureInfo.InvariantCulture,
            $"每{repeat.Interval}重复，{(repeat.Max is { } max ? $"最多{max}次" : "不限次数")}{(repeat.UntilHigher ? "，直至升级" : "")}"),
        _ => throw new ArgumentOutOfRangeException(nameof(repeat), repeat.Kind, "Not a repeat kind."),
    };

    /// <summary>What a notice demands and by when, e.g. 「10个工作日内限期整改」, 「15天内书面说明（遇休息日顺延）」.</summary>
    public static string Of(DemandSpec demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var from = demand.From is [DemandSubmitter.Unit] ? ""
            : "（" + string.Join("、", demand.From.Select(f => f == DemandSubmitter.Builder ? "建设单位" : "责任单位")) + "分别提交）";
        return $"{demand.Days}内{Of(demand.Kind)}{(demand.Roll ? "（遇休息日顺延）" : "")}{from}";
    }
}
