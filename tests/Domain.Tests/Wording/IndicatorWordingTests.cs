using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.IndicatorWordingFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// What units, the office and the towns read about indicators: the shipped templates of every indicator event, in 公文
/// style with the figures (value and unit of measure, plan and light, provincial rank among N, provincial average, the
/// target judged), the bottom-rank summons stating both of its facts, and the scoreboard as a public table.
/// </summary>
public class IndicatorWordingTests
{
    private static readonly Demand Explanation = new(DemandKind.Explanation, D(2026, 6, 25));

    private static (EmailMessage Mail, SmsMessage Sms) Render(EscalationEvent e, bool isCopy = false, WordingSettings? settings = null)
    {
        var letter = new Letter("杨雪梅", e.Level, D(2026, 6, 19), [new LetterItem(e, null, isCopy)]);
        return (MessageWording.RenderEmail(letter, settings ?? Settings), MessageWording.RenderSms(letter, settings ?? Settings));
    }

    private static EscalationEvent LagOf(EventLevel level, int streak, IndicatorFacts? facts = null, Demand? demand = null) =>
        Event(level switch { EventLevel.Reminder => "I1", EventLevel.Notice => "I2", _ => "I3" }, level, EventKind.IndicatorLagging,
            "gdtz-zs", "固定资产投资增速", "fgw", facts ?? FixedInvestment(), streak: streak, demand: demand);

    // ---- The lag ladder ------------------------------------------------------------------------------------------------

    [Fact]
    public void LagReminder_StatesTheValueTheProvincialRankAmongNAndTheAverage_AndTheRankTargets()
    {
        var (mail, sms) = Render(LagOf(EventLevel.Reminder, 1));

        Assert.Equal("【督查提醒】市发改委“固定资产投资增速”2026年1–5月指标落后", mail.Subject);
        Assert.StartsWith(
            "杨雪梅同志：\n经对2026年1–5月主要指标运行情况分析，市发改委负责的“固定资产投资增速”为5.2%，居全省第7位（共12个），全省平均5.8%，指标落后。\n"
            + "该指标全省排名目标为“保四争三奔第一”。\n请认真分析原因，采取有效措施，推动指标尽快进位提升。\n市政府督查室\n2026年6月19日\n",
            mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”2026年1–5月为5.2%，居全省第7位（共12个），全省平均5.8%，指标落后，请加力推进。", sms.Text);
    }

    [Fact]
    public void LagNotice_SaysTwoConsecutivePeriods_AndDemandsTheExplanation()
    {
        var (mail, sms) = Render(LagOf(EventLevel.Notice, 2, demand: Explanation));

        Assert.Equal("【督查通报】市发改委“固定资产投资增速”连续2期指标落后", mail.Subject);
        Assert.Contains("为5.2%，居全省第7位（共12个），全省平均5.8%，已连续2期落后，现予通报。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("请于2026年6月25日前报送书面说明，内容包括落后原因、整改措施和进位目标。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("如继续落后，将按规定开展约谈警示。", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”已连续2期指标落后，现予通报，请于2026年6月25日前报送书面说明。", sms.Text);
    }

    [Fact]
    public void LagSummons_ByTimeProportionalPlan_StatesThePlanAndTheLight_AndLeavesOutTheRankTargetLine()
    {
        var e = Event("I3", EventLevel.Summons, EventKind.IndicatorLagging, "wmjck", "外贸进出口总额", "swuj", Trade(), streak: 3);

        var (mail, sms) = Render(e);

        Assert.Equal("【约谈通知】市商务局“外贸进出口总额”连续3期指标落后", mail.Subject);
        Assert.Contains("市商务局负责的“外贸进出口总额”为46.3亿元，计划50亿元，亮黄灯，居全省第5位（共12个），全省平均41.2亿元，已连续3期落后。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("拟对市商务局主要负责同志、分管负责同志开展约谈警示，具体时间、地点另行通知。", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("排名目标", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("计划值：50亿元\n亮灯：黄灯\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市商务局“外贸进出口总额”已连续3期指标落后，拟对你单位开展约谈警示，具体时间另行通知。", sms.Text);
    }

    // ---- Targets ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void TargetMissed_NamesTheFloorTarget_AsANotice()
    {
        var e = Event("I4", EventLevel.Notice, EventKind.TargetMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment() with { Target = 6.5 }, demand: Explanation);

        var (mail, sms) = Render(e);

        Assert.Equal("【督查通报】市发改委“固定资产投资增速”2026年1–5月未完成确保目标", mail.Subject);
        Assert.Contains("全省平均5.8%，低于确保目标6.5%，现予通报。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("确保目标：6.5%", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”2026年1–5月为5.2%，未完成确保目标6.5%，请于2026年6月25日前报送书面说明。", sms.Text);
    }

    [Fact]
    public void StretchMissed_SaysTheFloorIsMet_AndOnlyReminds()
    {
        var e = Event("I5", EventLevel.Reminder, EventKind.StretchMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment(7.0, 3) with { Target = 7.5 });

        var (mail, sms) = Render(e);

        Assert.Equal("【督查提醒】市发改委“固定资产投资增速”2026年1–5月未达力争目标", mail.Subject);
        Assert.Contains("为7%，居全省第3位（共12个），全省平均5.8%，已完成确保目标，但未达到力争目标7.5%。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("力争目标：7.5%", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("通报", mail.PlainText + sms.Text, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”2026年1–5月为7%，未达力争目标7.5%，请加力推进。", sms.Text);
    }

    [Fact]
    public void BelowEarlier_NamesTheFirstQuarter_AsStatisticsNameIt()
    {
        var facts = FixedInvestment() with { Target = 6.1, EarlierPeriod = IndicatorPeriod.Parse("2026-03") };
        var e = Event("I6", EventLevel.Notice, EventKind.BelowEarlier, "gdtz-zs", "固定资产投资增速", "fgw", facts, demand: Explanation);

        var (mail, sms) = Render(e);

        Assert.Equal("【督查通报】市发改委“固定资产投资增速”2026年1–5月低于一季度水平", mail.Subject);
        Assert.Contains("低于一季度的6.1%，未达到“不低于一季度”的要求，现予通报。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("对比基期：一季度 6.1%", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”2026年1–5月为5.2%，低于一季度的6.1%，请于2026年6月25日前报送书面说明。", sms.Text);
    }

    [Fact]
    public void YearEnd_StatesTheRankAmongNAndTheFirstThird()
    {
        var facts = FixedInvestment(5.9, 6) with { Period = IndicatorPeriod.Parse("2026-12"), PeriodLabel = "2026年1–12月", FirstThird = 4 };
        var e = Event("I7", EventLevel.Notice, EventKind.YearEndRank, "gdtz-zs", "固定资产投资增速", "fgw", facts, demand: new Demand(DemandKind.Explanation, D(2027, 2, 3)));

        var (mail, sms) = Render(e);

        Assert.Equal("【督查通报】市发改委“固定资产投资增速”2026年1–12月全省排名在第一方阵之外", mail.Subject);
        Assert.Contains("市发改委负责的“固定资产投资增速”2026年1–12月为5.9%，居全省第6位（共12个），在全省第一方阵（前四位）之外。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("请于2027年2月3日前报送书面说明，内容包括排名靠后的原因和下一年度的进位措施。", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】市发改委“固定资产投资增速”2026年1–12月全省第6位（共12个），在第一方阵外，请于2027年2月3日前报送书面说明。", sms.Text);
    }

    // ---- Rankings of units -----------------------------------------------------------------------------------------------

    private static IndicatorFacts Week20(int consecutive) =>
        new(new IndicatorId("zjbf-jd"), IndicatorPeriod.Parse("2026-W20"), "2026年第20周", "%", D(2026, 5, 19))
        {
            Value = 38.2, ProvincialAverage = 41.5, Group = new RankingGroupId("towns-zjbf"), GroupName = "各镇（街道）", GroupSize = 10,
            TopK = 3, BottomK = 3, Standing = new Standing(new UnitId("town-f"), 38.2, 9, 2), Consecutive = consecutive, Escalated = consecutive > 1,
        };

    [Fact]
    public void BottomRank_StatesBothFacts_BelowTheProvincialAverageAndInTheBottomThree()
    {
        var e = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", Week20(1));

        var (mail, sms) = Render(e);

        Assert.Equal("【约谈通知】青石镇“资金拨付进度”2026年第20周低于全省平均且排名后三位", mail.Subject);
        Assert.Contains("2026年第20周，青石镇“资金拨付进度”为38.2%，低于全省平均（41.5%），在各镇（街道）中排第9位（共10个），处于后三位。", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("拟对青石镇开展约谈，具体时间、地点另行通知。", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("提级", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("全省平均：41.5%\n分组排名：各镇（街道）第9位（共10个）\n连续排名靠后期数：1期", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】青石镇“资金拨付进度”2026年第20周为38.2%，低于全省平均41.5%且排名后三位，拟予约谈，时间另行通知。", sms.Text);
    }

    [Fact]
    public void BottomRank_SaysTheSummonsMovedUpToThePrincipal_InTheSecondConsecutivePeriod()
    {
        var e = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", Week20(2));

        var (mail, _) = Render(e);

        Assert.Contains("处于后三位。\n青石镇已连续2期低于全省平均且排名后三位，按规定提级约谈主要负责同志。\n", mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void BottomRankCopy_NamesTheTownAndBothFacts()
    {
        var e = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", Week20(1));

        var (_, sms) = Render(e, isCopy: true);

        Assert.Equal("【市督查室】抄送：青石镇“资金拨付进度”2026年第20周低于全省平均（41.5%）且在各镇（街道）中排第9位（共10个），处于后三位，拟对青石镇开展约谈警示，具体时间另行通知。", sms.Text);
    }

    [Fact]
    public void Scoreboard_IsAPublicTableOfTheGroup_WithTheTopAndBottomThreeNamed()
    {
        var e = Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup());

        var (mail, sms) = Render(e);

        Assert.Equal("【督查通报】各镇（街道）“重点项目投资完成率”2026年1–5月排名成绩单", mail.Subject);
        Assert.Contains("现将2026年1–5月各镇（街道）“重点项目投资完成率”排名情况（成绩单）通报如下。\n排名前三位：东湖街道、城关镇、西山镇。\n排名后三位：南港镇、北塘镇、青石镇。\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("附：各镇（街道）“重点项目投资完成率”2026年1–5月排名（成绩单）\n\n1. 名次：1\n   单位：东湖街道\n   数值：52.6%\n   备注：前三位，分享经验\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("6. 名次：6\n   单位：青石镇\n   数值：31.5%\n   备注：后三位，表态发言\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\" style=\"text-align:left;border:1px solid #999;padding:4px 8px\">名次</th>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("<td style=\"border:1px solid #999;padding:4px 8px\">南港镇</td><td style=\"border:1px solid #999;padding:4px 8px\">40.3%</td>", mail.Html, StringComparison.Ordinal);
        Assert.Equal("【市督查室】各镇（街道）“重点项目投资完成率”2026年1–5月成绩单：前三位东湖街道、城关镇、西山镇；后三位南港镇、北塘镇、青石镇。", sms.Text);
    }

    [Fact]
    public void Scoreboard_PlacesTiedUnitsAlike_AndNamesEveryTiedUnitAtTheBottom()
    {
        Standing[] tied =
        [
            new(new UnitId("town-a"), 50, 1, 4), new(new UnitId("town-b"), 48, 2, 3), new(new UnitId("town-c"), 45, 3, 2),
            new(new UnitId("town-d"), 45, 3, 2), new(new UnitId("town-e"), 30, 5, 1),
        ];
        var e = Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup() with { Standings = tied, GroupSize = 5, TopK = 2, BottomK = 2 });

        var (mail, _) = Render(e);

        Assert.Contains("排名前二位：城关镇、东湖街道。\n排名后二位：西山镇、南港镇、北塘镇。\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("4. 名次：3\n   单位：南港镇\n", mail.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void ShareInvitation_InvitesThePrincipalToShare()
    {
        var e = Event("I10", EventLevel.Reminder, EventKind.ShareInvitation, "zdxm-wcl", "重点项目投资完成率", "town-b", TownsGroup(Towns[0]));

        var (mail, sms) = Render(e);

        Assert.Equal("【督查提醒】东湖街道“重点项目投资完成率”2026年1–5月排名前三位，请作经验交流发言", mail.Subject);
        Assert.Contains("2026年1–5月各镇（街道）“重点项目投资完成率”排名中，东湖街道为52.6%，排第1位（共6个），居前三位，成绩突出。\n请东湖街道主要负责同志在月度工作推进会上作经验交流发言", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】东湖街道“重点项目投资完成率”2026年1–5月排各镇（街道）第1位（共6个），居前三位，请准备经验交流发言，时间另行通知。", sms.Text);
    }

    [Fact]
    public void Pledge_AsksThePrincipalToPledge()
    {
        var e = Event("I11", EventLevel.Notice, EventKind.Pledge, "zdxm-wcl", "重点项目投资完成率", "town-f", TownsGroup(Towns[5]));

        var (mail, sms) = Render(e);

        Assert.Equal("【督查通报】青石镇“重点项目投资完成率”2026年1–5月排名后三位，请作表态发言", mail.Subject);
        Assert.Contains("青石镇为31.5%，排第6位（共6个），居后三位，现予通报。\n请青石镇主要负责同志在月度工作推进会上作表态发言，说明差距原因、整改措施和赶超目标", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】青石镇“重点项目投资完成率”2026年1–5月排各镇（街道）第6位（共6个），居后三位，请准备表态发言，时间另行通知。", sms.Text);
    }

    [Fact]
    public void IndicatorBrief_SaysThePeriodAndWhatHappened_InOneLine_AndNothingForATask()
    {
        var bottom = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", Week20(1));
        var scoreboard = Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup());

        Assert.Equal("2026年第20周低于全省平均（41.5%）且在各镇（街道）中排第9位（共10个），处于后三位", MessageWording.IndicatorBrief(bottom, Settings));
        Assert.Equal("2026年1–5月成绩单：前三位东湖街道、城关镇、西山镇；后三位南港镇、北塘镇、青石镇", MessageWording.IndicatorBrief(scoreboard, Settings));
        Assert.Null(MessageWording.IndicatorBrief(LetterFixtures.Lag("全民健康信息平台建设"), Settings));
    }

    // ---- Every template ------------------------------------------------------------------------------------------------

    /// <summary>One event of each indicator template, with realistic figures and the default signature.</summary>
    public static TheoryData<string> Templates() => new(Typical.Keys);

    private static readonly Dictionary<string, EscalationEvent> Typical = new()
    {
        ["indicator-lag-reminder"] = LagOf(EventLevel.Reminder, 1),
        ["indicator-lag-notice"] = LagOf(EventLevel.Notice, 2, demand: Explanation),
        ["indicator-lag-summons"] = LagOf(EventLevel.Summons, 3),
        ["indicator-target-missed"] = Event("I4", EventLevel.Notice, EventKind.TargetMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment() with { Target = 6.5 }, demand: Explanation),
        ["indicator-stretch-missed"] = Event("I5", EventLevel.Reminder, EventKind.StretchMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment(7.0, 3) with { Target = 7.5 }),
        ["indicator-below-earlier"] = Event("I6", EventLevel.Notice, EventKind.BelowEarlier, "gdtz-zs", "固定资产投资增速", "fgw",
            FixedInvestment() with { Target = 6.1, EarlierPeriod = IndicatorPeriod.Parse("2026-03") }, demand: Explanation),
        ["indicator-year-end"] = Event("I7", EventLevel.Notice, EventKind.YearEndRank, "gdtz-zs", "固定资产投资增速", "fgw",
            FixedInvestment(5.9, 12) with { Period = IndicatorPeriod.Parse("2026-12"), PeriodLabel = "2026年1–12月", FirstThird = 4 }, demand: new Demand(DemandKind.Explanation, D(2027, 12, 31))),
        ["indicator-bottom-rank"] = Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", Week20(2)),
        ["scoreboard"] = Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup()),
        ["scoreboard-share"] = Event("I10", EventLevel.Reminder, EventKind.ShareInvitation, "zdxm-wcl", "重点项目投资完成率", "town-b", TownsGroup(Towns[0])),
        ["scoreboard-pledge"] = Event("I11", EventLevel.Notice, EventKind.Pledge, "zdxm-wcl", "重点项目投资完成率", "town-f", TownsGroup(Towns[5])),
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void TemplateFor_PicksTheIndicatorTemplate_ByKindAndLevel_WhenTheRulesTemplateIsMissing(string id)
    {
        var template = MessageWording.TemplateFor(new LetterItem(Typical[id], null, IsCopy: false));

        Assert.Equal(id, template.Id);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Render_FitsOneSmsSegment_AndLeavesNoPlaceholderNorProgressRow(string id)
    {
        var e = Typical[id];

        var (mail, sms) = Render(e, settings: Settings with { SmsSignature = MessageWording.SmsSignature });

        Assert.True(sms.Segments == 1, $"{sms.Text.Length} characters: {sms.Text}");
        foreach (var text in new[] { mail.Subject, mail.PlainText, mail.Html, sms.Text })
        {
            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            Assert.DoesNotContain("，，", text, StringComparison.Ordinal);
            Assert.DoesNotContain("，。", text, StringComparison.Ordinal);
            Assert.DoesNotContain("计划进度", text, StringComparison.Ordinal);
            Assert.DoesNotContain("实际进度", text, StringComparison.Ordinal);
            Assert.DoesNotContain("：0%", text, StringComparison.Ordinal);
            Assert.DoesNotContain("为0%", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void ShippedTemplate_ValidatesAndIsDefault(string id)
    {
        Assert.Empty(DefaultTemplates.ById[id].Validate());
    }

    // ---- Grouped letters -----------------------------------------------------------------------------------------------

    [Fact]
    public void GroupedLetter_OfIndicatorsOnly_CountsIndicators_AndTablesTheirFigures()
    {
        EscalationEvent[] notices = [Typical["indicator-lag-notice"], Typical["indicator-target-missed"], Typical["indicator-below-earlier"]];
        var letter = new Letter("杨雪梅", EventLevel.Notice, D(2026, 6, 19), [.. notices.Select(e => new LetterItem(e, null, IsCopy: false))]);

        var mail = MessageWording.RenderEmail(letter, Settings);
        var sms = MessageWording.RenderSms(letter, Settings);

        Assert.Equal("【督查通报】关于3项指标推进中存在问题的通报", mail.Subject);
        Assert.StartsWith("杨雪梅同志：\n经对2026年1–5月主要指标运行情况分析，你单位承担的以下3项指标推进中存在问题。根据督查工作有关规定，现予通报。请于2026年6月25日前报送书面说明，内容包括原因分析、整改措施和完成时限。\n",
            mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("   情形：未完成确保目标（实际5.2%，目标6.5%）\n   期间：2026年1–5月\n   数值：5.2%\n   全省排名：全省第7位（共12个）\n   全省平均：5.8%\n", mail.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("计划进度", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("你单位3项指标", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedLetter_OfATaskAndAnIndicator_ListsBothUnderTheirOwnColumns()
    {
        var task = LetterFixtures.Lag("全民健康信息平台建设", unit: "市发改委", unitId: "fgw", level: EventLevel.Reminder);
        var letter = new Letter("杨雪梅", EventLevel.Reminder, LetterFixtures.Today, [new LetterItem(task, null, false), new LetterItem(Typical["indicator-lag-reminder"], null, false)]);

        var mail = MessageWording.RenderEmail(letter, Settings);

        Assert.Contains("项重点工作", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("事项：全民健康信息平台建设\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("计划进度：50%\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("事项：固定资产投资增速\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("情形：截至2026年6月18日，指标落后（全省第7位，实际5.2%）\n", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\" style=\"text-align:left;border:1px solid #999;padding:4px 8px\">全省排名</th>", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupedLetter_WithAScoreboardAndAPledge_KeepsTheScoreboardsTable()
    {
        var pledge = Event("I11", EventLevel.Notice, EventKind.Pledge, "zdxm-wcl", "重点项目投资完成率", "town-f", TownsGroup(Towns[5]));
        var scoreboard = Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup());
        var letter = new Letter("林海", EventLevel.Notice, D(2026, 6, 15), [new LetterItem(pledge, null, false), new LetterItem(scoreboard, null, false)]);

        var mail = MessageWording.RenderEmail(letter, Settings);

        Assert.Contains("附：各镇（街道）“重点项目投资完成率”2026年1–5月排名（成绩单）", mail.PlainText, StringComparison.Ordinal);
        Assert.Contains("   单位：青石镇\n   数值：31.5%\n   备注：后三位，表态发言\n", mail.PlainText, StringComparison.Ordinal);
    }

    // ---- Through the evaluator -----------------------------------------------------------------------------------------

    private static readonly (string, double)[] SevenTowns = [("甲", 82.0), ("乙", 75.0), ("丙", 71.0), ("丁", 69.5), ("戊", 66.0), ("己", 64.0), ("庚", 73.0)];

    [Fact]
    public void EvaluatorsBottomRankSummons_ReadsWithBothFactsAndTheTownsName()
    {
        // 己 is the lowest of seven towns in week 2025-W10 (64 against a provincial average of 70), published Tue 03-11.
        var engine = Indicators.IndicatorFixture.Evaluator();
        var towns = SevenTowns;
        var inputs = Indicators.IndicatorFixture.Inputs(
            [Indicators.IndicatorFixture.Disbursement],
            towns.Select(t => Indicators.IndicatorFixture.Value(Indicators.IndicatorFixture.Disbursement, "2025-W10", Indicators.IndicatorFixture.Town(t.Item1), t.Item2, D(2025, 3, 11), average: 70)),
            [Indicators.IndicatorFixture.Towns(Indicators.IndicatorFixture.Disbursement, [.. towns.Select(t => t.Item1)])]);

        var summons = engine.Evaluate(inputs, D(2025, 3, 11)).Events.Single(e => e.Kind == EventKind.BottomRank && e.Unit == Indicators.IndicatorFixture.Town("己"));
        var (mail, sms) = Render(summons with { Template = "indicator" });

        Assert.Equal("【约谈通知】己镇“资金拨付进度”2025年第10周低于全省平均且排名后三位", mail.Subject);
        Assert.Contains("己镇“资金拨付进度”为64%，低于全省平均（70%），在各镇中排第7位（共7个），处于后三位。", mail.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】己镇“资金拨付进度”2025年第10周为64%，低于全省平均70%且排名后三位，拟予约谈，时间另行通知。", sms.Text);
    }
}
