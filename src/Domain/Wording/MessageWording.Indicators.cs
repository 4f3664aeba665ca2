using System.Globalization;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Wording;

// Indicator events (指标落后, 确保/力争目标, 不低于前期, 年终排名, 低于平均且排名靠后, 成绩单, 分享经验, 表态发言): their
// placeholders, the figures of the facts table, what happened as a sentence or a table cell, and the scoreboard's table.
// An indicator event's item is the indicator (its title the indicator's name) and its unit the unit measured.
public static partial class MessageWording
{
    /// <summary>The columns of the scoreboard (成绩单) table, without 序号.</summary>
    private static readonly string[] StandingsColumns = ["名次", "单位", "数值", "备注"];

    /// <summary>The default 前N位 / 后N位 of a ranking group, when the facts do not say (groups default to 3).</summary>
    private const int DefaultPlaces = 3;

    /// <summary>The shipped template of an indicator event; null for a task event.</summary>
    private static string? IndicatorTemplateId(EscalationEvent e) => e.Kind switch
    {
        EventKind.IndicatorLagging => e.Level switch
        {
            EventLevel.Reminder => "indicator-lag-reminder",
            EventLevel.Notice => "indicator-lag-notice",
            _ => "indicator-lag-summons",
        },
        EventKind.TargetMissed => "indicator-target-missed",
        EventKind.StretchMissed => "indicator-stretch-missed",
        EventKind.BelowEarlier => "indicator-below-earlier",
        EventKind.YearEndRank => "indicator-year-end",
        EventKind.BottomRank => "indicator-bottom-rank",
        EventKind.Scoreboard => "scoreboard",
        EventKind.ShareInvitation => "scoreboard-share",
        EventKind.Pledge => "scoreboard-pledge",
        _ => null,
    };

    private static bool IsIndicator(EscalationEvent e) => e.Facts.Indicator is not null;

    /// <summary>
    /// An event about an indicator: one with its figures, or a follow-up of an indicator notice (an explanation overdue, a
    /// notice not signed for) on its <c>ind:{indicator}</c> item, which carries no figures and no progress.
    /// </summary>
    private static bool AboutIndicator(EscalationEvent e) => IsIndicator(e) || IndicatorItem.Is(e.Item);

    /// <summary>
    /// The placeholders of an indicator event, over the task ones: figures with the unit of measure (<c>{planned}</c> the
    /// time-proportional plan, <c>{reported}</c> and <c>{value}</c> the value, <c>{target}</c> the target judged), ranks,
    /// the group and the scoreboard. Empty for a task event, so that the same template text renders for both.
    /// </summary>
    private static void AddIndicatorValues(Dictionary<string, string> values, EscalationEvent e, WordingSettings wording)
    {
        var f = e.Facts.Indicator;
        values["value"] = f is null ? "" : Figure(f, f.Value);
        values["light"] = f?.Light is { } light ? ChineseNames.Of(light) + "灯" : "";
        values["rank"] = f is null ? "" : ProvincialRank(f);
        values["average"] = f is null ? "" : Figure(f, f.ProvincialAverage);
        values["earlier"] = f is null ? "" : EarlierLabel(f);
        values["rankTarget"] = f?.Ranks is { } ranks ? RankTargetWords(ranks) : "";
        values["firstThird"] = f?.FirstThird is { } third ? Places("前", third) : "";
        values["group"] = Text(f?.GroupName);
        values["groupRank"] = f is null ? "" : GroupRank(f);
        values["topK"] = f?.GroupName is null ? "" : Places("前", f.TopK ?? DefaultPlaces);
        values["bottomK"] = f?.GroupName is null ? "" : Places("后", f.BottomK ?? DefaultPlaces);
        values["top"] = f is null ? "" : string.Join("、", f.Standings.Where(s => s.InTop(f.TopK ?? DefaultPlaces)).Select(s => wording.NameOf(s.Unit)));
        values["bottom"] = f is null ? "" : string.Join("、", f.Standings.Where(s => !s.InTop(f.TopK ?? DefaultPlaces) && s.InBottom(f.BottomK ?? DefaultPlaces)).Select(s => wording.NameOf(s.Unit)));
        values["standings"] = f is null ? "" : string.Join("；", f.Standings.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Rank}.{wording.NameOf(s.Unit)}{Figure(f, s.Value)}")));
        values["escalation"] = f is { Escalated: true, Consecutive: { } n } && e.Kind == EventKind.BottomRank
            ? string.Create(CultureInfo.InvariantCulture, $"{Unit(e)}已连续{n}期低于全省平均且排名{Places("后", f.BottomK ?? DefaultPlaces)}，按规定提级约谈主要负责同志")
            : "";
        values["figures"] = f is null ? "" : Figures(f);
        if (f is not null)
        {
            values["planned"] = Figure(f, f.Planned);
            values["reported"] = Figure(f, f.Value);
            values["target"] = Figure(f, f.Target);
            values["gap"] = "";
        }
    }

    /// <summary>
    /// The figures of an indicator's value as a phrase continuing 「“{item}”{period}」: 为5.2%，居全省第7位（共12个），全省平均5.8%;
    /// 为52.3亿元，计划60亿元，亮黄灯. Only those the value has.
    /// </summary>
    private static string Figures(IndicatorFacts f) => f.Value is null ? "" : Joined("，",
        "为" + Figure(f, f.Value),
        Prefixed("计划", Figure(f, f.Planned)),
        f.Light is { } light ? "亮" + ChineseNames.Of(light) + "灯" : "",
        Prefixed("居", ProvincialRank(f)),
        Prefixed("全省平均", Figure(f, f.ProvincialAverage)));

    /// <summary>A figure with the indicator's unit of measure (5.2%, 52.3亿元); empty without a value.</summary>
    private static string Figure(IndicatorFacts f, double? value) => Number(value) is { Length: > 0 } n ? n + Text(f.MeasureUnit) : "";

    /// <summary>全省第6位（共12个）; 全省第6位 without the peer count; empty without a rank.</summary>
    private static string ProvincialRank(IndicatorFacts f) => f.ProvincialRank is not { } rank ? ""
        : f.PeerCount is { } peers ? string.Create(CultureInfo.InvariantCulture, $"全省第{rank}位（共{peers}个）")
        : string.Create(CultureInfo.InvariantCulture, $"全省第{rank}位");

    /// <summary>The unit's place in its group: 第9位（共10个）; empty for other events.</summary>
    private static string GroupRank(IndicatorFacts f) => f.Standing is not { } standing ? ""
        : f.GroupSize is { } size ? string.Create(CultureInfo.InvariantCulture, $"第{standing.Rank}位（共{size}个）")
        : string.Create(CultureInfo.InvariantCulture, $"第{standing.Rank}位");

    /// <summary>
    /// The earlier period as statistics name it within the year judged (「不低于一季度」): 一季度, 上半年, 前三季度 for a
    /// cumulative quarter's end, else the period's label without the year (1–4月, 5月, 第10周).
    /// </summary>
    private static string EarlierLabel(IndicatorFacts f)
    {
        if (f.EarlierPeriod is not { } earlier)
        {
            return "";
        }

        var cumulative = f.PeriodLabel == f.Period.Label(cumulative: true);
        var label = cumulative && earlier.Kind == IndicatorPeriodKind.Month && earlier.Number % 3 == 0
            ? IndicatorPeriod.Quarter(earlier.Year, earlier.Number / 3).Label(cumulative: true)
            : earlier.Label(cumulative);
        var year = earlier.Year.ToString(CultureInfo.InvariantCulture) + "年";
        return label.StartsWith(year, StringComparison.Ordinal) ? label[year.Length..] : label;
    }

    /// <summary>「保四争三奔第一」 from the rank floor, goal and stretch (those set); empty without any.</summary>
    private static string RankTargetWords(RankTargets ranks) =>
        (ranks.Floor is { } floor ? "保" + Numeral(floor) : "")
        + (ranks.Goal is { } goal ? "争" + Numeral(goal) : "")
        + (ranks.Stretch is { } stretch ? "奔第" + Numeral(stretch) : "");

    /// <summary>前三位, 后四位: a group's top or bottom places in Chinese numerals.</summary>
    private static string Places(string end, int count) => end + Numeral(count) + "位";

    /// <summary>一 to 十 for 1 to 10 (保四, 后三位), digits above.</summary>
    private static string Numeral(int n) => n is >= 1 and <= 10 ? "一二三四五六七八九十"[n - 1].ToString() : n.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// What happened to an indicator, continuing its period (「2025年1–5月」): 已连续4期落后（全省第7位，实际4.6%）,
    /// 未完成确保目标（实际4.8%，目标5.5%）, 低于全省平均（5.8%）且在各镇（街道）中排第9位（共10个），处于后三位 …; a table cell
    /// says the same more briefly (the table has the period and the streak).
    /// </summary>
    private static string IndicatorSituation(EscalationEvent e, IndicatorFacts facts, Style style = Style.Sentence)
    {
        string Figure(double? value) => MessageWording.Figure(facts, value);
        var rank = facts.ProvincialRank is { } r ? string.Create(CultureInfo.InvariantCulture, $"全省第{r}位") : "";
        var valueAndTarget = Joined("，", Prefixed("实际", Figure(facts.Value)), Prefixed("目标", Figure(facts.Target)));
        var group = Text(facts.GroupName) is { Length: > 0 } name ? name : "分组";
        var place = GroupRank(facts);
        return e.Kind switch
        {
            EventKind.IndicatorLagging => (style != Style.Cell && e.Facts.Streak is > 1 and var n ? string.Create(CultureInfo.InvariantCulture, $"已连续{n}期落后") : "指标落后")
                + Parenthesised(Joined("，", rank, Prefixed("实际", Figure(facts.Value)), Prefixed("计划", Figure(facts.Planned)))),
            EventKind.TargetMissed => "未完成确保目标" + Parenthesised(valueAndTarget),
            EventKind.StretchMissed => "未达力争目标" + Parenthesised(valueAndTarget),
            EventKind.BelowEarlier => "低于" + (EarlierLabel(facts) is { Length: > 0 } earlier ? earlier : "规定的前期") + "水平"
                + Parenthesised(Joined("，", Prefixed("本期", Figure(facts.Value)), Prefixed("前期", Figure(facts.Target)))),
            EventKind.YearEndRank => rank.Length > 0 && facts.FirstThird is { } third
                ? ProvincialRank(facts) + "，在第一方阵（" + Places("前", third).Replace("位", "名", StringComparison.Ordinal) + "）之外"
                : "年终排名在第一方阵之外",
            EventKind.BottomRank => "低于全省平均" + Parenthesised(Figure(facts.ProvincialAverage)) + "且在" + group + "中排" + (place.Length > 0 ? place : "名靠后")
                + "，处于" + Places("后", facts.BottomK ?? DefaultPlaces),
            EventKind.Scoreboard => group + "排名成绩单" + Parenthesised(facts.GroupSize is { } size ? string.Create(CultureInfo.InvariantCulture, $"共{size}个单位") : ""),
            EventKind.ShareInvitation => "在" + group + "中排" + place + "，居" + Places("前", facts.TopK ?? DefaultPlaces) + "，受邀分享经验",
            EventKind.Pledge => "在" + group + "中排" + place + "，居" + Places("后", facts.BottomK ?? DefaultPlaces) + "，须作表态发言",
            _ => ChineseNames.Of(e.Kind),
        };
    }

    /// <summary>The kind of trouble of an indicator event, as a subject names it; null for a task event.</summary>
    private static string? IndicatorTopic(EscalationEvent e) => e.Facts.Indicator is null ? null : e.Kind switch
    {
        EventKind.IndicatorLagging => e.Facts.Streak is > 1 ? "指标连续落后" : "指标落后",
        EventKind.TargetMissed => "未完成确保目标",
        EventKind.StretchMissed => "未达力争目标",
        EventKind.BelowEarlier => "低于前期水平",
        EventKind.YearEndRank => "年终排名在第一方阵之外",
        EventKind.BottomRank => "低于全省平均且排名靠后",
        EventKind.Scoreboard => "排名成绩单",
        EventKind.ShareInvitation => "排名靠前",
        EventKind.Pledge => "排名靠后",
        _ => ChineseNames.Of(e.Kind),
    };

    /// <summary>The rows of an indicator event's facts table after 单位: the indicator, the period and every figure it has.</summary>
    private static void IndicatorFactRows(EscalationEvent e, IndicatorFacts f, Action<string, string> row)
    {
        row("指标", Text(e.Facts.ItemTitle));
        row("期间", Text(f.PeriodLabel));
        row("数值", Figure(f, f.Value));
        row("计划值", Figure(f, f.Planned));
        row("亮灯", f.Light is { } light ? ChineseNames.Of(light) + "灯" : "");
        row("全省排名", ProvincialRank(f));
        row("全省平均", Figure(f, f.ProvincialAverage));
        row("名次目标", f.Ranks is { } ranks ? RankTargetWords(ranks) : "");
        var target = Figure(f, f.Target);
        switch (e.Kind)
        {
            case EventKind.TargetMissed:
                row("确保目标", target);
                break;
            case EventKind.StretchMissed:
                row("力争目标", target);
                break;
            case EventKind.BelowEarlier:
                row("对比基期", Joined(" ", EarlierLabel(f), target));
                break;
        }

        if (f.FirstThird is { } third)
        {
            row("第一方阵", Places("前", third).Replace("位", "名", StringComparison.Ordinal));
        }

        row("分组排名", f.Standing is null ? "" : Text(f.GroupName) + GroupRank(f));
        if (e.Kind == EventKind.BottomRank && f.Consecutive is { } consecutive)
        {
            row("连续排名靠后期数", consecutive.ToString(CultureInfo.InvariantCulture) + "期");
        }
    }

    /// <summary>
    /// The scoreboard (成绩单) as a table: every unit of the group in place order with its value, the top places marked
    /// 分享经验 and the bottom ones 表态发言 (ties at the boundary included); null when the event has no standings.
    /// </summary>
    private static EmailDocument.Table? StandingsTable(EscalationEvent e, WordingSettings wording)
    {
        if (e.Facts.Indicator is not { Standings.Count: > 0 } f)
        {
            return null;
        }

        var top = f.TopK ?? DefaultPlaces;
        var bottom = f.BottomK ?? DefaultPlaces;
        return new EmailDocument.Table(StandingsColumns,
        [
            .. f.Standings.Select(s => (IReadOnlyList<string>)
            [
                s.Rank.ToString(CultureInfo.InvariantCulture),
                wording.NameOf(s.Unit),
                Figure(f, s.Value),
                s.InTop(top) ? Places("前", top) + "，分享经验" : s.InBottom(bottom) ? Places("后", bottom) + "，表态发言" : "",
            ]),
        ]);
    }

    /// <summary>The caption above a scoreboard table: 附：各镇（街道）“重点项目投资完成率”2026年1–5月排名（成绩单）.</summary>
    private static string StandingsCaption(EscalationEvent e) =>
        "附：" + Text(e.Facts.Indicator?.GroupName) + Q(e.Facts.ItemTitle) + Text(e.Facts.Indicator?.PeriodLabel) + "排名（成绩单）";

    /// <summary>Adds the scoreboard table of each scoreboard event among <paramref name="items"/>, each with its caption.</summary>
    private static void AddStandings(EmailDocument document, IEnumerable<LetterItem> items, WordingSettings wording)
    {
        foreach (var item in items)
        {
            if (StandingsTable(item.Event, wording) is { } table)
            {
                document.Heading(StandingsCaption(item.Event)).Items(table);
            }
        }
    }

    /// <summary>
    /// An indicator event in one short line, for a chat robot's post or a list: the period and what happened
    /// (2026年第20周低于全省平均（41.5%）且在各镇（街道）中排第9位（共10个），处于后三位); for the scoreboard its short form
    /// (2026年1–5月成绩单：前三位东湖街道、城关镇、西山镇；后三位南港镇、北塘镇、青石镇). Null for a task's event.
    /// </summary>
    public static string? IndicatorBrief(EscalationEvent e, WordingSettings wording)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(wording);
        if (e.Facts.Indicator is not { } f)
        {
            return null;
        }

        if (e.Kind != EventKind.Scoreboard)
        {
            return Text(f.PeriodLabel) + IndicatorSituation(e, f, Style.Sms);
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        AddIndicatorValues(values, e, wording);
        return Text(f.PeriodLabel) + "成绩单：" + Joined("；", Prefixed(values["topK"], values["top"]), Prefixed(values["bottomK"], values["bottom"]));
    }

    /// <summary>项指标 when every item is an indicator, else 项重点工作: what a grouped letter counts.</summary>
    private static string Noun(IEnumerable<LetterItem> items) => items.All(i => AboutIndicator(i.Event)) ? "项指标" : "项重点工作";
}
