using System.Globalization;
using Escalation.Domain.Events;
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
        EventKind.ReportDueSoon => "报送临近",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an event kind."),
    };

    public static string Of(RecipientRole role) => role switch
    {
        RecipientRole.Owner => "具体责任人",
        RecipientRole.UnitPrincipal => "主要负责人",
        RecipientRole.DeputyInCharge => "分管负责同志",
        RecipientRole.LeadOfficial => "包保领导",
        RecipientRole.SupervisionOffice => "督查室",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a recipient role."),
    };

    public static string Of(Channel channel) => ChannelCatalog.Of(channel).ChineseName;

    public static string Of(DemandKind demand) => demand switch
    {
        DemandKind.Explanation => "书面说明",
        DemandKind.Rectification => "限期整改",
        _ => throw new ArgumentOutOfRangeException(nameof(demand), demand, "Not a demand."),
    };

    public static string Of(PeriodKind period) => period switch
    {
        PeriodKind.Month => "月",
        PeriodKind.Xun => "旬",
        PeriodKind.Week => "周",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Not a period kind."),
    };

    /// <summary>2024年6月7日: the form Chinese official documents use, no leading zeros.</summary>
    public static string Of(LocalDate date) => string.Create(CultureInfo.InvariantCulture, $"{date.Year}年{date.Month}月{date.Day}日");

    /// <summary>A rule's condition in one phrase, e.g. 「节点或截止日期前 3 个工作日未达目标」, 「连续 2 个月落后」.</summary>
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
            TriggerKind.DueSoon => string.Create(CultureInfo.InvariantCulture, $"{scope}前 {trigger.WorkingDays} 个工作日未达目标"),
            TriggerKind.Overdue => $"{scope}已过仍未达目标",
            TriggerKind.ReportMissing => "进展报送到期未报",
            TriggerKind.LagStreak => string.Create(CultureInfo.InvariantCulture,
                $"连续 {trigger.MinStreak} 个{Of(trigger.Period)}及以上落后{(trigger.LagTolerance > 0 ? $"（允差 {trigger.LagTolerance:0.#} 个百分点）" : "")}"),
            TriggerKind.DemandOverdue => "要求的说明或整改逾期未交",
            TriggerKind.ReportDueSoon => trigger.WorkingDays == 0
                ? "进展报送截止当天仍未报送"
                : string.Create(CultureInfo.InvariantCulture, $"进展报送截止前 {trigger.WorkingDays} 个工作日仍未报送"),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger.Kind, "Not a trigger kind."),
        };
    }

    /// <summary>How often a rule repeats, e.g. 「一次」, 「提前一次、到期当天再一次」, 「每 5 个工作日一次」.</summary>
    public static string Of(Repeat repeat) => repeat.Kind switch
    {
        RepeatKind.Once => "一次",
        RepeatKind.OnDueDay => "提前一次、到期当天再一次",
        RepeatKind.EveryWorkingDays => string.Create(CultureInfo.InvariantCulture, $"每 {repeat.EveryWorkingDays} 个工作日一次"),
        _ => throw new ArgumentOutOfRangeException(nameof(repeat), repeat.Kind, "Not a repeat kind."),
    };
}
