using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Evaluation;

/// <summary>
/// An item that needs a year whose holiday arrangement is not loaded, and what the evaluation did about it. Such an item
/// is never dropped: its plan is laid out with the missing years counted provisionally as Monday to Friday
/// (<see cref="WorkingCalendar.WithProvisionalYears"/>), what falls on loaded days is chased as usual, and every event
/// that would be dated by a day of a missing year (a checkpoint there, a demand due there, a report date rolled there) is
/// held back until the year is loaded. The gap is reported every run as the item's problem, so it stays open until then.
/// </summary>
/// <param name="Item">The item.</param>
/// <param name="Unit">Its unit (the problem's scope).</param>
/// <param name="Years">The missing years it needs, ascending.</param>
/// <param name="PlanField">
/// The item's field whose date makes its plan reach a missing year (<c>Deadline</c>, else <c>Start</c>), when it does:
/// the plan is then provisional. Null when the plan's years are all loaded and only events were held.
/// </param>
/// <param name="PlanDate">The date in that field.</param>
/// <param name="Held">Rules whose events for the item were held back on this run because they would be dated by a missing year.</param>
public sealed record CalendarGap(ItemId Item, UnitId Unit, IReadOnlyList<int> Years, string? PlanField, LocalDate? PlanDate, IReadOnlyList<RuleId> Held)
{
    /// <summary>The field of the item's problem when only events were held (its dates are all in loaded years).</summary>
    public const string HeldField = "CalendarYear";

    /// <summary>True when the item's plan reaches a missing year and is laid out provisionally.</summary>
    public bool ProvisionalPlan => PlanField is not null;

    /// <summary>
    /// The item's problem for the admins: one per item (table <c>tasks</c>, the item's id, the field whose date needs the
    /// year), saying what is chased meanwhile, what is held, and how to load the year.
    /// </summary>
    /// <param name="loadedYears">The years the calendar has.</param>
    /// <param name="catchUpWorkingDays">How long a held occurrence can still be raised once the year is loaded.</param>
    public Problem ToProblem(IReadOnlyList<int> loadedYears, int catchUpWorkingDays)
    {
        var years = MissingYear.Years(Years);
        var loaded = MissingYear.Loaded(loadedYears);
        var held = Held.Count == 0
            ? ""
            : $"本次暂缓的提醒：规则 {string.Join("、", Held)}（其日期会落在{years}）；补录后如仍在补发期（{catchUpWorkingDays.ToString(CultureInfo.InvariantCulture)}个工作日）内即补发，超过则不再补发。";
        if (PlanField is { } field && PlanDate is { } date)
        {
            var label = field == "Start" ? "开始日期" : "完成时限";
            return new Problem("tasks", Item.Value, field, IsoDate.Format(date),
                $"{label} {IsoDate.Format(date)} 使该任务的计划用到{years}，而该年的节假日安排尚未加载（已加载：{loaded}）。" +
                $"补录之前按暂定计划督办：{years}暂按周一至周五计算工作日，已加载年份内的时间节点照常提醒（补录后可能按实际放假安排前后移动）；" +
                $"落在{years}的节点、期限和说明整改日期一律暂不提醒。" + held + MissingYear.HowToLoad(Years));
        }

        return new Problem("tasks", Item.Value, HeldField, string.Join(", ", Years.Select(y => y.ToString(CultureInfo.InvariantCulture))),
            $"该任务本次有提醒要用到{years}的日期（如说明整改期限、顺延后的报送日），而该年的节假日安排尚未加载（已加载：{loaded}），已暂缓。" +
            held + MissingYear.HowToLoad(Years));
    }
}
