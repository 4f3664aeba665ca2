using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;

namespace Escalation.Functions.Commands;

/// <summary>
/// The items that need a year without calendar, as <c>check</c> and the local runs tell the admins (in Chinese): how
/// many, which, what is provisional or held for each, and how to load the year.
/// </summary>
internal static class CalendarGapReport
{
    public static void Print(IEnumerable<CalendarGap> gaps, TextWriter w)
    {
        // A simulation sees an item once a day: one line per item, with everything it needed on any day.
        var items = gaps
            .GroupBy(g => (Unit: g.Unit.Value, Item: g.Item.Value))
            .OrderBy(g => g.Key.Unit, StringComparer.Ordinal).ThenBy(g => g.Key.Item, StringComparer.Ordinal)
            .Select(g => (g.Key.Unit, g.Key.Item, Plan: g.LastOrDefault(x => x.ProvisionalPlan), Years: g.SelectMany(x => x.Years).Distinct().Order().ToList(),
                Held: g.SelectMany(x => x.Held).Select(r => r.Value).Distinct().Order(StringComparer.Ordinal).ToList()))
            .ToList();
        if (items.Count == 0)
        {
            return;
        }

        var years = items.SelectMany(i => i.Years).Distinct().Order().ToList();
        var named = MissingYear.Years(years);
        w.WriteLine($"注意：{items.Count} 项任务用到尚未加载节假日安排的{named}。补录之前，这些任务按暂定计划（{named}暂按周一至周五）督办已加载年份内的节点；" +
                    $"日期会落在{named}的提醒一律暂缓，不会发出。每次运行和 check 都会报告，直到补录为止（详见 problems 表）：");
        foreach (var (unit, item, plan, _, held) in items)
        {
            var parts = new List<string>();
            if (plan is { PlanField: { } field, PlanDate: { } date })
            {
                parts.Add($"计划暂排（{(field == "Start" ? "开始日期" : "完成时限")} {IsoDate.Format(date)}）");
            }

            if (held.Count > 0)
            {
                parts.Add($"暂缓规则 {string.Join("、", held)}");
            }

            w.WriteLine($"  {unit}/{item}：{string.Join("；", parts)}");
        }

        w.WriteLine(MissingYear.HowToLoad(years));
    }
}
