using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Indicators;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.IndicatorWordingFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Templates can use every figure an indicator event has: each indicator placeholder renders its value.</summary>
public class IndicatorPlaceholderTests
{
    /// <summary>
    /// Every indicator fact at once (no real event has them all): a bottom-rank event of 青石镇 in the 1–5月 ranking of the
    /// towns, in its second consecutive period, with the city's figures and the group's standings.
    /// </summary>
    private static readonly EscalationEvent Rich = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zdxm-wcl", "重点项目投资完成率", "town-f",
        TownsGroup(Towns[5]) with
        {
            Planned = 41.666, Light = TrafficLight.Red, Target = 40, EarlierPeriod = IndicatorPeriod.Parse("2026-03"),
            ProvincialRank = 9, PeerCount = 12, ProvincialAverage = 38.25, Ranks = new RankTargets(4, 3, 1), FirstThird = 4,
            Consecutive = 2, Escalated = true, Standings = Towns,
        });

    public static TheoryData<string, string> Expected() => new()
    {
        { "value", "31.5%" },
        { "figures", "为31.5%，计划41.7%，亮红灯，居全省第9位（共12个），全省平均38.3%" },
        { "light", "红灯" },
        { "rank", "全省第9位（共12个）" },
        { "average", "38.3%" },
        { "rankTarget", "保四争三奔第一" },
        { "earlier", "一季度" },
        { "firstThird", "前四位" },
        { "group", "各镇（街道）" },
        { "groupRank", "第6位（共6个）" },
        { "topK", "前三位" },
        { "bottomK", "后三位" },
        { "top", "东湖街道、城关镇、西山镇" },
        { "bottom", "南港镇、北塘镇、青石镇" },
        { "standings", "1.东湖街道52.6%；2.城关镇48.1%；3.西山镇45%；4.南港镇40.3%；5.北塘镇36.8%；6.青石镇31.5%" },
        { "escalation", "青石镇已连续2期低于全省平均且排名后三位，按规定提级约谈主要负责同志" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Render_FillsTheIndicatorPlaceholder_WithTheEventsFigure(string placeholder, string expected)
    {
        var template = new MessageTemplate("probe", "{" + placeholder + "}", "{" + placeholder + "}", "{" + placeholder + "}");
        var letter = new Letter("张三", EventLevel.Summons, D(2026, 6, 15), [new LetterItem(Rich, template, IsCopy: false)]);

        var email = MessageWording.RenderEmail(letter, Settings);

        Assert.Equal(expected, email.Subject);
    }

    // The task placeholders an indicator template may use read the indicator's figures, with its unit of measure: the
    // plan, the value, the target judged; there is no gap in points.
    [Theory]
    [InlineData("{planned}", "41.7%")]
    [InlineData("{reported}", "31.5%")]
    [InlineData("{target}", "40%")]
    [InlineData("{gap}|{item}|{unit}|{period}", "|重点项目投资完成率|青石镇|2026年1–5月")]
    [InlineData("{situation}", "2026年1–5月低于全省平均（38.3%）且在各镇（街道）中排第6位（共6个），处于后三位")]
    public void Render_ReadsTheTaskPlaceholders_AsTheIndicatorsFigures(string text, string expected)
    {
        var template = new MessageTemplate("probe", text, text, text);
        var letter = new Letter("张三", EventLevel.Summons, D(2026, 6, 15), [new LetterItem(Rich, template, IsCopy: false)]);

        var email = MessageWording.RenderEmail(letter, Settings);

        Assert.Equal(expected, email.Subject);
    }

    [Fact]
    public void Render_UsesTheMeasureUnit_OfTheIndicator()
    {
        var e = Event("I3", EventLevel.Summons, EventKind.IndicatorLagging, "wmjck", "外贸进出口总额", "swuj", Trade(), streak: 3);
        var template = new MessageTemplate("probe", "{value}/{planned}/{average}/{light}", "{figures}", "{value}");

        var email = MessageWording.RenderEmail(new Letter(null, EventLevel.Summons, D(2026, 6, 19), [new LetterItem(e, template, IsCopy: false)]), Settings);

        Assert.Equal("46.3亿元/50亿元/41.2亿元/黄灯", email.Subject);
    }

    [Fact]
    public void IndicatorPlaceholders_AreEmpty_ForATasksEvent()
    {
        var task = LetterFixtures.Lag("全民健康信息平台建设");
        var all = string.Concat(Expected().Select(row => "{" + (string)row[0] + "}"));
        var template = new MessageTemplate("probe", "主题" + all, all, all);

        var email = MessageWording.RenderEmail(new Letter(null, task.Level, LetterFixtures.Today, [new LetterItem(task, template, IsCopy: false)]), Settings);

        Assert.Equal("主题", email.Subject);
    }
}
