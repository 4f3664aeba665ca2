using System.Globalization;
using System.Text;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Domain.Calendar;

/// <summary>
/// What the admins are told about a year the engine needs whose holiday arrangement is not loaded: in their words
/// (Chinese), naming the year and exactly how to load it. One place, so that the problems table, <c>check</c> and the
/// run's summary give the same instructions.
/// </summary>
public static class MissingYear
{
    /// <summary>How to load <paramref name="years"/>: rows of the <c>calendar</c> table (or an import file), or a release that ships them.</summary>
    public static string HowToLoad(IReadOnlyList<int> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        ArgumentOutOfRangeException.ThrowIfZero(years.Count);
        var y = years[0].ToString(CultureInfo.InvariantCulture);
        var list = Years(years);
        return $"补录办法：在 calendar（日历调整）表中加一行“日期={y}，类型=全年，名称=国务院办公厅关于{y}年部分节假日安排的通知”，" +
               "再按通知逐日加入放假日（类型=休）和调休上班日（类型=班）；也可用 import 导入 calendar.csv（表头：日期,类型,名称），" +
               $"例如“{y},全年,国务院办公厅关于{y}年部分节假日安排的通知”和“{y}-01-01,休,元旦”。" +
               $"或者升级到已内置{list}安排的版本。补录后运行 check 核对。";
    }

    /// <summary>The problem that stops a day's run: the day's own year has no arrangement, so nothing can be evaluated.</summary>
    public static Problem StopsTheRun(LocalDate today, IReadOnlyList<int> loadedYears)
    {
        ArgumentNullException.ThrowIfNull(loadedYears);
        var year = today.Year;
        return new Problem("calendar", year.ToString(CultureInfo.InvariantCulture), "Year", null,
            $"今天（{IsoDate.Format(today)}）所在的{year}年没有节假日安排（已加载：{Loaded(loadedYears)}），" +
            $"每日运行已停止：补录之前不评估任何任务，也不发任何提醒。" + HowToLoad([year]));
    }

    /// <summary>The loaded years as runs, e.g. <c>2019–2026年</c>; <c>无</c> when none.</summary>
    public static string Loaded(IReadOnlyList<int> loadedYears)
    {
        ArgumentNullException.ThrowIfNull(loadedYears);
        if (loadedYears.Count == 0)
        {
            return "无";
        }

        var text = new StringBuilder();
        for (var i = 0; i < loadedYears.Count;)
        {
            var j = i;
            while (j + 1 < loadedYears.Count && loadedYears[j + 1] == loadedYears[j] + 1)
            {
                j++;
            }

            text.Append(text.Length == 0 ? "" : "、").Append(loadedYears[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                text.Append('–').Append(loadedYears[j].ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return text.Append('年').ToString();
    }

    /// <summary>Years as the admins write them: <c>2027年</c>, <c>2027年、2028年</c>.</summary>
    public static string Years(IEnumerable<int> years) =>
        string.Join("、", years.Select(y => y.ToString(CultureInfo.InvariantCulture) + "年"));
}
