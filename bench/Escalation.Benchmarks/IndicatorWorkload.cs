using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// A deterministic city scoreboard: <c>count</c> monthly indicators, each published for the 20 units of one ranking
/// group (the <see cref="Workload"/>'s 200 units in ten groups of 20), twelve periods each (the twelve months up to the
/// latest one published by today), with provincial ranks (of 16 peers) and provincial averages on every value.
/// Four kinds of indicator, as a city's list mixes them: cumulative growth rates judged by provincial rank (保八争五奔第一)
/// with a floor and stretch every month, half of them 「不低于一季度」; cumulative amounts (亿元) judged against the
/// time-proportional plan with year-end floor and stretch; per-period caps where lower is better (能耗) with a floor every
/// month; cumulative completion rates with a year-end floor of 70 %. Each indicator publishes on its own day of the
/// following month (the 8th to the 25th), so on any day some indicators' latest values are inside the catch-up window and
/// raise events, and the rest only read. 0.3 % of (unit, period) pairs are exempt.
/// Everything derives from one seeded <see cref="Random"/>: the same arguments give the same values and events.
/// </summary>
public sealed class IndicatorWorkload
{
    public const int DefaultIndicatorCount = 10_000;
    public const int PeriodsPerIndicator = 12;
    public const int GroupSize = 20;
    public const int DefaultSeed = 20_260_618;

    private const int Peers = 16;

    private static readonly string[] Names =
    [
        "固定资产投资增速", "规上工业增加值增速", "社会消费品零售总额增速", "一般公共预算收入", "外贸进出口总额", "实际使用外资",
        "单位GDP能耗下降率", "重点项目投资完成率", "民间投资增速", "高新技术产业产值", "城镇新增就业人数", "资金拨付进度",
    ];

    /// <summary>
    /// A realistic indicator rule set, one ladder as an admin would write it: every one of the nine indicator triggers is
    /// enabled (the lag ladder with three rungs), several with demands, recipients by role and the supervision office.
    /// </summary>
    public static IReadOnlyList<EscalationRule> Rules { get; } =
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
        Rule("I10", "提醒", "share", "principal", days: "2"),
        Rule("I11", "通报", "pledge", "principal", days: "2"),
    ];

    private IndicatorWorkload(WorkingCalendar calendar, Roster roster, IndicatorInputs[] perIndicator, IndicatorInputs all, LocalDate today)
    {
        Calendar = calendar;
        Roster = roster;
        PerIndicator = perIndicator;
        All = all;
        Today = today;
    }

    public WorkingCalendar Calendar { get; }

    public Roster Roster { get; }

    /// <summary>One evaluate request's inputs per indicator: its definition, its 240 values, its group and its exemptions.</summary>
    public IndicatorInputs[] PerIndicator { get; }

    /// <summary>Everything in one: the whole city's indicators evaluated in a single call.</summary>
    public IndicatorInputs All { get; }

    public LocalDate Today { get; }

    public int IndicatorCount => PerIndicator.Length;

    public int ValueCount => All.Values.Count;

    /// <summary>An evaluator over this workload's calendar and roster with <see cref="Rules"/>.</summary>
    public IndicatorEvaluator CreateEvaluator() => new(Calendar, Rules, Roster);

    /// <summary>Evaluates every indicator as its own request (the city-wide step's shape) and counts events and problems.</summary>
    public (int Events, int Problems) EvaluateEach(IndicatorEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var events = 0;
        var problems = 0;
        foreach (var inputs in PerIndicator)
        {
            var result = evaluator.Evaluate(inputs, Today);
            events += result.Events.Count;
            problems += result.Problems.Count;
        }

        return (events, problems);
    }

    /// <summary>Builds <paramref name="count"/> indicators as the engine would read them on <paramref name="today"/>.</summary>
    public static IndicatorWorkload Create(LocalDate today, int count = DefaultIndicatorCount, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var calendar = ShippedCalendar.Default;

        // The task workload's roster (200 units; 2% without a deputy), so that both halves address the same people.
        var roster = Workload.Create(today, 0).Roster;
        var units = roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal).ToArray();
        var groups = units.Length / GroupSize;
        var rng = new Random(seed);

        var perIndicator = new IndicatorInputs[count];
        var definitions = new List<IndicatorDefinition>(count);
        var values = new List<IndicatorValue>(count * PeriodsPerIndicator * GroupSize);
        var rankingGroups = new List<RankingGroup>(count);
        var exemptions = new List<IndicatorExemption>();
        for (var i = 0; i < count; i++)
        {
            var members = units.AsSpan((i % groups) * GroupSize, GroupSize).ToArray();
            var (definition, scale) = CreateDefinition(i, rng, units[rng.Next(units.Length)]);
            var group = new RankingGroup(new RankingGroupId(Invariant($"grp-{i + 1:D5}")), Invariant($"第{(i % groups) + 1}组"), definition.Id, members);
            var own = new List<IndicatorValue>(PeriodsPerIndicator * GroupSize);
            var ownExemptions = new List<IndicatorExemption>();

            // Published on its own working day of the following month; the twelve months up to the latest published.
            var day = rng.Next(8, 26);
            LocalDate PublishedOn(IndicatorPeriod period) =>
                calendar.WorkingDayOnOrAfter(new LocalDate(period.Year, period.Number, 1).PlusMonths(1).PlusDays(day - 1));
            var latest = IndicatorPeriod.Month(today.Year, today.Month);
            while (PublishedOn(latest) > today)
            {
                latest = Previous(latest);
            }

            var periods = new IndicatorPeriod[PeriodsPerIndicator];
            periods[^1] = latest;
            for (var k = PeriodsPerIndicator - 2; k >= 0; k--)
            {
                periods[k] = Previous(periods[k + 1]);
            }

            // Each unit's performance: a little ahead of plan (1 = on plan), some behind; it drifts a little month to month.
            foreach (var unit in members)
            {
                var performance = 1.05 + ((rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 0.2);
                foreach (var period in periods)
                {
                    performance += (rng.NextDouble() - 0.5) * 0.03;
                    var value = ValueOf(definition, scale, period, performance);
                    var average = ValueOf(definition, scale, period, 1 + ((rng.NextDouble() - 0.5) * 0.02));
                    var rank = Math.Clamp(1 + (int)((1.25 - performance) / 0.5 * Peers), 1, Peers);
                    own.Add(new IndicatorValue(definition.Id, period, unit, Math.Round(value, 2), PublishedOn(period))
                    {
                        ProvincialRank = rank,
                        PeerCount = Peers,
                        ProvincialAverage = Math.Round(average, 2),
                    });
                    if (rng.NextDouble() < 0.003)
                    {
                        ownExemptions.Add(new IndicatorExemption(definition.Id, unit, period));
                    }
                }
            }

            perIndicator[i] = new IndicatorInputs([definition], own, [group], ownExemptions);
            definitions.Add(definition);
            values.AddRange(own);
            rankingGroups.Add(group);
            exemptions.AddRange(ownExemptions);
        }

        return new IndicatorWorkload(calendar, roster, perIndicator, new IndicatorInputs(definitions, values, rankingGroups, exemptions), today);
    }

    private static (IndicatorDefinition Definition, double Scale) CreateDefinition(int index, Random rng, UnitId owner)
    {
        var id = new IndicatorId(Invariant($"zb-{index + 1:D5}"));
        var name = Names[index % Names.Length] + Invariant($"（{index / Names.Length + 1}）");
        switch (rng.Next(4))
        {
            case 0:
            {
                // Cumulative growth rate (%), judged by provincial rank; floor and stretch every month.
                var rate = 4 + (rng.NextDouble() * 6);
                return (new IndicatorDefinition(id, owner, name, "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
                {
                    Targets = new ValueTargets(Floor: Math.Round(rate * 0.85, 1), Stretch: Math.Round(rate * 1.1, 1)),
                    Ranks = new RankTargets(Floor: 8, Goal: 5, Stretch: 1),
                    Lag = LagBasis.Rank,
                    NotLowerThan = rng.Next(2) == 0 ? new PeriodOfYear(IndicatorPeriodKind.Quarter, 1) : null,
                }, rate);
            }

            case 1:
            {
                // Cumulative amount (亿元) against the time-proportional plan; the annual floor and stretch at the year's end.
                var annual = Math.Round(20 + (rng.NextDouble() * 200), 0);
                return (new IndicatorDefinition(id, owner, name, "亿元", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
                {
                    Targets = new ValueTargets(Annual: annual, Floor: annual * 0.95, Stretch: annual * 1.05, CheckAt: TargetCheck.YearEnd),
                    Ranks = new RankTargets(Floor: 8),
                    Lag = LagBasis.TimeProportional,
                }, annual);
            }

            case 2:
            {
                // A per-period cap (lower is better), e.g. energy per unit of GDP; the floor (a looser cap) every month.
                var cap = Math.Round(0.3 + rng.NextDouble(), 2);
                return (new IndicatorDefinition(id, owner, name, "吨标准煤/万元", IndicatorDirection.LowerIsBetter, Accumulation.PerPeriod, IndicatorPeriodKind.Month)
                {
                    Targets = new ValueTargets(Annual: cap, Floor: Math.Round(cap * 1.1, 2)),
                    Lag = LagBasis.TimeProportional,
                    NotLowerThan = rng.Next(4) == 0 ? new PeriodOfYear(IndicatorPeriodKind.Quarter, 1) : null,
                }, cap);
            }

            default:
            {
                // A cumulative completion rate (%): 100 % a year, 70 % at least by the year's end; no lag judged.
                return (new IndicatorDefinition(id, owner, name, "%", IndicatorDirection.HigherIsBetter, Accumulation.Cumulative, IndicatorPeriodKind.Month)
                {
                    Targets = new ValueTargets(Annual: 100, Floor: 70, Stretch: 90, CheckAt: TargetCheck.YearEnd),
                    YellowRatio = 0.85,
                }, 100);
            }
        }
    }

    /// <summary>The value a unit performing at <paramref name="performance"/> (1 = on plan) publishes for <paramref name="period"/>.</summary>
    private static double ValueOf(IndicatorDefinition definition, double scale, IndicatorPeriod period, double performance)
    {
        if (definition.Direction == IndicatorDirection.LowerIsBetter)
        {
            return scale / Math.Max(performance, 0.1);
        }

        // Amounts and completion rates grow through the year; growth rates do not.
        return definition.Targets.Annual is not null && definition.IsCumulative
            ? scale * period.Number / period.PeriodsInYear * performance
            : scale * performance;
    }

    private static IndicatorPeriod Previous(IndicatorPeriod month) =>
        month.Number == 1 ? IndicatorPeriod.Month(month.Year - 1, 12) : IndicatorPeriod.Month(month.Year, month.Number - 1);

    private static EscalationRule Rule(string id, string level, string trigger, string to, string? copy = null, string? streak = null,
        string? demand = null, string? demandDays = null, string? days = null)
    {
        var (rule, problems) = new RuleRow
        {
            Id = id, Level = level, Trigger = trigger, To = to, Copy = copy, Streak = streak, Channels = "email",
            Template = "indicator", Demand = demand, DemandDays = demandDays, Days = days,
        }.Parse();
        return problems.Count == 0 && rule is not null
            ? rule
            : throw new InvalidOperationException($"benchmark rule {id} does not parse: {string.Join("; ", problems.Select(p => p.Reason))}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
