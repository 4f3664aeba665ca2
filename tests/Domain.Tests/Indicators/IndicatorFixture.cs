using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Indicators;

/// <summary>
/// The city of the indicator scenarios: 发改委 (fgw) owning the city's economic indicators, and seven towns 甲..庚 ranked
/// weekly by fund disbursement (资金拨付进度), each unit with a principal and a deputy in charge. The rules are an
/// indicator ladder as an admin would write it in the rules table.
/// </summary>
internal static class IndicatorFixture
{
    public static readonly UnitId Fgw = new("fgw");
    public static readonly PersonId FgwPrincipal = new("fgw-zhang");
    public static readonly PersonId FgwDeputy = new("fgw-li");
    public static readonly PersonId Office = new("dcs");

    public static readonly string[] TownNames = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"];

    public static UnitId Town(string name) => new("town-" + Array.IndexOf(TownNames, name));

    public static PersonId PrincipalOf(string town) => new(Town(town).Value + "-principal");

    public static PersonId DeputyOf(string town) => new(Town(town).Value + "-deputy");

    public static readonly Roster Roster = Roster.Of(
        [
            new UnitRoster(Fgw, "发改委", FgwPrincipal, FgwDeputy, new PersonId("city-wang")),
            .. TownNames.Select(t => new UnitRoster(Town(t), t + "镇", PrincipalOf(t), DeputyOf(t))),
        ],
        Office);

    public static LocalDate D(int y, int m, int d) => new(y, m, d);

    /// <summary>A rule as the rules table holds it, parsed as an import would.</summary>
    public static EscalationRule Rule(string id, string level, string trigger, string to, string? copy = null, string? streak = null,
        string? demand = null, string? demandDays = null, string? days = null, string? scan = null)
    {
        var (rule, problems) = new RuleRow
        {
            Id = id, Level = level, Trigger = trigger, To = to, Copy = copy, Streak = streak, Channels = "email",
            Template = "indicator", Demand = demand, DemandDays = demandDays, Days = days, Scan = scan,
        }.Parse();
        Assert.Empty(problems);
        return rule!;
    }

    /// <summary>The indicator ladder of the scenarios (I1..I11).</summary>
    public static readonly EscalationRule[] Rules =
    [
        Rule("I1", "提醒", "指标落后", "principal", streak: "1"),
        Rule("I2", "通报", "indicator-lag", "principal", copy: "督查室", streak: "2", demand: "说明", demandDays: "5"),
        Rule("I3", "约谈", "indicator-lag", "principal, deputy", copy: "lead-official, 督查室", streak: "3"),
        Rule("I4", "通报", "target-missed", "principal", copy: "督查室", demand: "说明", demandDays: "5"),
        Rule("I5", "提醒", "stretch-missed", "principal"),
        Rule("I6", "通报", "below-earlier", "principal", demand: "说明", demandDays: "5"),
        Rule("I7", "通报", "year-end-rank", "principal", copy: "督查室", demand: "说明", demandDays: "10"),
        Rule("I8", "约谈", "bottom-rank", "deputy", copy: "督查室"),
        Rule("I9", "通报", "scoreboard", "principal", copy: "督查室"),
        Rule("I10", "提醒", "share", "principal"),
        Rule("I11", "通报", "pledge", "principal"),
    ];

    public static IndicatorEvaluator Evaluator(IEnumerable<EscalationRule>? rules = null, EvaluationOptions? options = null) =>
        new(ShippedCalendar.Default, rules ?? Rules, Roster, options);

    /// <summary>固定资产投资增速: the city's monthly cumulative growth, ranked in the province, 保四争三奔第一, lag by rank.</summary>
    public static readonly IndicatorDefinition FixedInvestment = new(
        new IndicatorId("gdtz"), Fgw, "固定资产投资增速", "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
    {
        Ranks = new RankTargets(Floor: 4, Goal: 3, Stretch: 1),
        Lag = LagBasis.Rank,
    };

    /// <summary>资金拨付进度: each town's weekly cumulative disbursement (percent of the year's funds).</summary>
    public static readonly IndicatorDefinition Disbursement = new(
        new IndicatorId("zjbf"), Fgw, "资金拨付进度", "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Week);

    public static RankingGroup Towns(IndicatorDefinition indicator, params string[] towns) =>
        new(new RankingGroupId("towns"), "各镇", indicator.Id, [.. towns.Select(Town)]);

    public static IndicatorValue Value(IndicatorDefinition indicator, string period, UnitId unit, double value, LocalDate published,
        int? rank = null, int? peers = null, double? average = null) =>
        new(indicator.Id, IndicatorPeriod.Parse(period), unit, value, published) { ProvincialRank = rank, PeerCount = peers, ProvincialAverage = average };

    public static IReadOnlyList<EscalationEvent> Run(IndicatorEvaluator evaluator, LocalDate today, IndicatorInputs inputs) =>
        evaluator.Evaluate(inputs, today).Events;

    public static IndicatorInputs Inputs(IEnumerable<IndicatorDefinition> definitions, IEnumerable<IndicatorValue> values,
        IEnumerable<RankingGroup>? groups = null, IEnumerable<IndicatorExemption>? exemptions = null) =>
        new([.. definitions], [.. values], [.. groups ?? []], [.. exemptions ?? []]);
}
