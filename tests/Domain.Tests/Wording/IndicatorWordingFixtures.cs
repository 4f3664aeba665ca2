using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// Indicator events as <see cref="IndicatorEvaluator"/> raises them, with the figures of a realistic city: 固定资产投资增速
/// of 市发改委 (1–5月 5.2%, 全省第7位（共12个）, 全省平均5.8%, 保四争三奔第一), 外贸进出口 of 市商务局 against its annual
/// target, and the towns ranked by 资金拨付进度 and 重点项目投资完成率.
/// </summary>
internal static class IndicatorWordingFixtures
{
    public static readonly WordingSettings Settings = new WordingSettings("市政府督查室", "【市督查室】", "联系人：王某，电话：0755-12345678") with
    {
        UnitNames = new Dictionary<UnitId, string>
        {
            [new UnitId("fgw")] = "市发改委", [new UnitId("swuj")] = "市商务局",
            [new UnitId("town-a")] = "城关镇", [new UnitId("town-b")] = "东湖街道", [new UnitId("town-c")] = "西山镇",
            [new UnitId("town-d")] = "南港镇", [new UnitId("town-e")] = "北塘镇", [new UnitId("town-f")] = "青石镇",
        },
    };

    public static LocalDate D(int y, int m, int d) => new(y, m, d);

    /// <summary>固定资产投资增速 1–5月, published Thursday 2026-06-18.</summary>
    public static IndicatorFacts FixedInvestment(double value = 5.2, int rank = 7) =>
        new(new IndicatorId("gdtz-zs"), IndicatorPeriod.Parse("2026-05"), "2026年1–5月", "%", D(2026, 6, 18))
        {
            Value = value, ProvincialRank = rank, PeerCount = 12, ProvincialAverage = 5.8, Ranks = new RankTargets(4, 3, 1),
        };

    /// <summary>外贸进出口 1–5月 against 120 亿元 a year (planned 50): 46.3 亿元, yellow.</summary>
    public static IndicatorFacts Trade() =>
        new(new IndicatorId("wmjck"), IndicatorPeriod.Parse("2026-05"), "2026年1–5月", "亿元", D(2026, 6, 19))
        {
            Value = 46.3, Planned = 50, Light = TrafficLight.Yellow, ProvincialRank = 5, PeerCount = 12, ProvincialAverage = 41.2,
        };

    public static EscalationEvent Event(
        string rule, EventLevel level, EventKind kind, string indicator, string title, string unitId, IndicatorFacts facts,
        int? streak = null, Demand? demand = null, LocalDate? date = null, string? template = null)
    {
        var item = IndicatorItem.For(new IndicatorId(indicator));
        var occurrence = "occ:" + unitId + "/" + facts.Period.Key;
        var unitName = Settings.NameOf(new UnitId(unitId));
        return new EscalationEvent(
            EventId.For(new RuleId(rule), item, occurrence), new RuleId(rule), level, kind, item, new UnitId(unitId), date ?? facts.Published,
            occurrence, [new Recipient(RecipientRole.UnitPrincipal, new PersonId(unitId + "-principal"), IsCopy: false)], [Channel.Email, Channel.Sms],
            template ?? "no-such-template",
            new EventFacts(title, unitName, facts.Planned ?? 0, facts.Value ?? 0, Streak: streak, Period: facts.PeriodLabel, PeriodKey: facts.Period.Key) { Indicator = facts },
            demand);
    }

    /// <summary>The six towns ranked by 重点项目投资完成率 for 1–5月, best first (top three and bottom three of six).</summary>
    public static readonly Standing[] Towns =
    [
        new(new UnitId("town-b"), 52.6, 1, 6),
        new(new UnitId("town-a"), 48.1, 2, 5),
        new(new UnitId("town-c"), 45.0, 3, 4),
        new(new UnitId("town-d"), 40.3, 4, 3),
        new(new UnitId("town-e"), 36.8, 5, 2),
        new(new UnitId("town-f"), 31.5, 6, 1),
    ];

    /// <summary>The 1–5月 ranking of the towns by 重点项目投资完成率, published 2026-06-12.</summary>
    public static IndicatorFacts TownsGroup(Standing? standing = null) =>
        new(new IndicatorId("zdxm-wcl"), IndicatorPeriod.Parse("2026-05"), "2026年1–5月", "%", D(2026, 6, 12))
        {
            Value = standing?.Value, Group = new RankingGroupId("towns-xm"), GroupName = "各镇（街道）", GroupSize = Towns.Length,
            TopK = 3, BottomK = 3, Standing = standing, Standings = standing is null ? Towns : [],
        };
}
