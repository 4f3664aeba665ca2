using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;

namespace Escalation.Domain.Indicators;

/// <summary>An indicator's id, e.g. <c>gdtz-zs</c> (固定资产投资增速).</summary>
public readonly record struct IndicatorId
{
    public IndicatorId(string value)
    {
        Key.Validate(value, "indicator");
        Value = value.Length <= MaxLength
            ? value
            : throw new ArgumentException($"'{value}' is not a valid indicator id: longer than {MaxLength} characters.", nameof(value));
    }

    /// <summary>Longest id: the id becomes <c>ind:</c> + id as an event's item, which must stay a valid key.</summary>
    public const int MaxLength = Key.MaxLength - 4;

    /// <summary>Why the value cannot be an indicator id (Chinese, for admins), or null when it can.</summary>
    public static string? TryValidate(string? value) =>
        Key.TryValidate(value) ?? (value!.Length > MaxLength ? $"指标编号超过 {MaxLength} 个字符，请缩短" : null);

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>
/// How indicator events name their item in the escalation log: <c>ind:</c> and the indicator's id, a prefix no task id may
/// use (the tasks table refuses it), so that an indicator's events never mix with a task's.
/// </summary>
public static class IndicatorItem
{
    /// <summary>The reserved prefix of indicator item ids.</summary>
    public const string Prefix = "ind:";

    /// <summary>The item id of <paramref name="indicator"/>'s events.</summary>
    public static ItemId For(IndicatorId indicator) => new(Prefix + indicator.Value);

    /// <summary>True when <paramref name="item"/> names an indicator rather than a task.</summary>
    public static bool Is(ItemId item) => item.Value.StartsWith(Prefix, StringComparison.Ordinal);
}

/// <summary>Which way is better.</summary>
public enum IndicatorDirection
{
    /// <summary>越高越好: growth, revenue, completion rate.</summary>
    HigherIsBetter,

    /// <summary>越低越好: energy per unit of GDP, accident rate; every comparison (targets, lights, ranks, averages) inverts.</summary>
    LowerIsBetter,
}

/// <summary>Whether a value covers the year so far or one period.</summary>
public enum Accumulation
{
    /// <summary>累计: the value for <c>2025-05</c> covers 1–5月; the annual target is planned in proportion to the periods elapsed.</summary>
    Cumulative,

    /// <summary>当期: the value covers its period alone; the target applies to each period as it is.</summary>
    PerPeriod,
}

/// <summary>What makes an indicator lag (指标落后) for the lag ladder.</summary>
public enum LagBasis
{
    /// <summary>The indicator is never judged lagging (its other rules still apply).</summary>
    None,

    /// <summary>Ranked in the province worse than <see cref="RankTargets.Floor"/> (保四: 5th or worse lags).</summary>
    Rank,

    /// <summary>Below the planned value (<see cref="IndicatorDefinition.PlannedFor"/>; 时间过半、任务过半).</summary>
    TimeProportional,
}

/// <summary>When a value target is judged.</summary>
public enum TargetCheck
{
    /// <summary>Every published period's value (a growth rate that must stay above its floor all year).</summary>
    EveryPeriod,

    /// <summary>The year's last period only (a completion rate that must reach 70 % by the year's end).</summary>
    YearEnd,
}

/// <summary>
/// An indicator's value targets. "X% 以上" includes X: a value equal to a target meets it (for lower-is-better, a value
/// equal to the cap meets it).
/// </summary>
/// <param name="Annual">
/// The target the plan is built on: for a cumulative indicator the annual target, planned in proportion to the periods
/// elapsed (120 亿元 a year: 60 after six months); for a per-period indicator each period's target. Null: no plan, no
/// light, no time-proportional lag.
/// </param>
/// <param name="Floor">确保: missing it is a failure (a notice). Compared with the value as published.</param>
/// <param name="Stretch">力争: missing it only earns a reminder. Compared with the value as published.</param>
/// <param name="CheckAt">Whether the floor and stretch are judged every period or at the year's end only.</param>
public sealed record ValueTargets(double? Annual = null, double? Floor = null, double? Stretch = null, TargetCheck CheckAt = TargetCheck.EveryPeriod)
{
    public static ValueTargets None { get; } = new();
}

/// <summary>
/// Provincial rank targets, 1 the best: 「保四争三奔第一」 is <c>Floor 4, Goal 3, Stretch 1</c>. A rank equal to a target
/// meets it. The floor defines rank lag (<see cref="LagBasis.Rank"/>); the goal and the stretch are shown with the
/// facts (no rule judges them).
/// </summary>
public sealed record RankTargets(int? Floor = null, int? Goal = null, int? Stretch = null)
{
    public static RankTargets None { get; } = new();
}

/// <summary>
/// An indicator (指标): a figure a unit (its owner, 行业主管部门) answers for, published per period for one or more units
/// (the city, or each town), judged against its targets, its province and its peers.
/// </summary>
/// <param name="Id">The indicator.</param>
/// <param name="Owner">The unit that answers for it (行业主管部门); the scoreboard's events are filed under it.</param>
/// <param name="Name">Its name, e.g. 固定资产投资增速.</param>
/// <param name="MeasureUnit">计量单位 as messages print it after a value: <c>%</c>, <c>亿元</c>; empty for none.</param>
/// <param name="Direction">Higher or lower is better.</param>
/// <param name="Accumulation">Cumulative (1–N月) or per period.</param>
/// <param name="PeriodKind">Month, quarter or week.</param>
public sealed record IndicatorDefinition(
    IndicatorId Id,
    UnitId Owner,
    string Name,
    string MeasureUnit,
    IndicatorDirection Direction,
    Accumulation Accumulation,
    IndicatorPeriodKind PeriodKind)
{
    /// <summary>The default <see cref="YellowRatio"/>: yellow down to 90 % of plan.</summary>
    public const double DefaultYellowRatio = 0.9;

    /// <summary>The annual, floor (确保) and stretch (力争) values.</summary>
    public ValueTargets Targets { get; init; } = ValueTargets.None;

    /// <summary>The provincial rank floor, goal and stretch (保四争三奔第一).</summary>
    public RankTargets Ranks { get; init; } = RankTargets.None;

    /// <summary>「不低于一季度」: each later period of a year must be at least this period's value of the same year (equal passes).</summary>
    public PeriodOfYear? NotLowerThan { get; init; }

    /// <summary>What makes it lag for the lag ladder.</summary>
    public LagBasis Lag { get; init; } = LagBasis.None;

    /// <summary>Light: green at or above plan, yellow at or above this share of plan, red below. Between 0 (exclusive) and 1.</summary>
    public double YellowRatio { get; init; } = DefaultYellowRatio;

    /// <summary>True when a value covers the year so far.</summary>
    public bool IsCumulative => Accumulation == Accumulation.Cumulative;

    /// <summary>
    /// The planned value for <paramref name="period"/>: for a cumulative indicator the annual target × elapsed periods /
    /// periods in the year (120 × 6 / 12 = 60), for a per-period one the target itself; null without an annual target.
    /// </summary>
    public double? PlannedFor(IndicatorPeriod period) => Targets.Annual is not { } annual ? null
        : IsCumulative ? annual * period.Number / period.PeriodsInYear
        : annual;

    /// <summary>True when <paramref name="value"/> meets <paramref name="target"/>: at least it (higher is better) or at most it (lower is better).</summary>
    public bool Meets(double value, double target) =>
        Direction == IndicatorDirection.HigherIsBetter ? value >= target - Tolerance : value <= target + Tolerance;

    /// <summary>True when <paramref name="value"/> is strictly worse than <paramref name="other"/>.</summary>
    public bool IsWorse(double value, double other) => !Meets(value, other);

    /// <summary>
    /// The light of <paramref name="value"/> for <paramref name="period"/>: green when it meets the plan, yellow when it
    /// misses the plan by at most |plan| × (1 − <see cref="YellowRatio"/>) (plan 60, ratio 0.9: down to 54; lower is
    /// better: up to 66; a plan of −3: down to −3.3), red beyond; null without a plan. The band is measured on the plan's
    /// magnitude so that a negative plan (a fall written as a negative growth) has a yellow band too, and a plan of 0 none.
    /// </summary>
    public TrafficLight? LightOf(double value, IndicatorPeriod period)
    {
        if (PlannedFor(period) is not { } planned)
        {
            return null;
        }

        if (Meets(value, planned))
        {
            return TrafficLight.Green;
        }

        var band = Math.Abs(planned) * (1 - YellowRatio);
        var yellow = Direction == IndicatorDirection.HigherIsBetter
            ? value >= planned - band - Tolerance
            : value <= planned + band + Tolerance;
        return yellow ? TrafficLight.Yellow : TrafficLight.Red;
    }

    /// <summary>
    /// True when <paramref name="value"/> lags by <see cref="Lag"/>: ranked worse than the rank floor, or below plan. False
    /// when it does not, and also when it cannot be told (<see cref="Lagging"/> null). Never for <see cref="LagBasis.None"/>.
    /// </summary>
    public bool IsLagging(IndicatorValue value) => Lagging(value) == true;

    /// <summary>
    /// Whether <paramref name="value"/> lags by <see cref="Lag"/>: true when ranked worse than the rank floor (or below
    /// plan), false when not, null when it cannot be told: lag by rank and the value has no provincial rank (not published,
    /// or not entered), or there is no floor or plan to compare with. An unknown period is no evidence either way: it neither
    /// counts in a lag streak nor breaks it. False for <see cref="LagBasis.None"/>.
    /// </summary>
    public bool? Lagging(IndicatorValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Lag switch
        {
            LagBasis.Rank => value.ProvincialRank is { } rank && Ranks.Floor is { } floor ? rank > floor : null,
            LagBasis.TimeProportional => PlannedFor(value.Period) is { } planned ? !Meets(value.Value, planned) : null,
            _ => false,
        };
    }

    /// <summary>The table indicator definitions come from, as problems name it.</summary>
    public const string Table = "indicators";

    /// <summary>
    /// What makes this definition unusable, one problem per field (Chinese, for admins): a lag basis without what it needs,
    /// rank targets out of order, a yellow ratio outside (0, 1], an earlier period that does not fit the period kind.
    /// </summary>
    public IReadOnlyList<Problem> Check()
    {
        var problems = new List<Problem>();
        void Fault(string field, string? value, string reason) => problems.Add(new Problem(Table, Id.Value, field, value, reason));

        if (string.IsNullOrWhiteSpace(Name))
        {
            Fault(nameof(Name), Name, "指标名称为空，请填写指标名称（如「固定资产投资增速」）。");
        }

        if (!(YellowRatio > 0 && YellowRatio <= 1))
        {
            Fault(nameof(YellowRatio), Format(YellowRatio), "黄灯比例应大于 0、不大于 1（如 0.9 表示达到计划的 90% 以上为黄灯），请改正。");
        }

        foreach (var (field, rank) in new[] { ("RankFloor", Ranks.Floor), ("RankGoal", Ranks.Goal), ("RankStretch", Ranks.Stretch) })
        {
            if (rank is < 1)
            {
                Fault(field, Format(rank), "名次目标应为不小于 1 的整数（第一名为 1），请改正。");
            }
        }

        // Each rank out of order is reported on its own field: a goal worse than the floor on RankGoal, a stretch worse than
        // the goal or the floor on RankStretch.
        const string RankOrder = "名次目标顺序不对：应为 保（底线）≥ 争（目标）≥ 奔（力争），如「保四争三奔第一」为 4、3、1。请改正。";
        if (Ranks is { Floor: { } f, Goal: { } g } && g > f)
        {
            Fault("RankGoal", Format(Ranks.Goal), RankOrder);
        }

        if (Ranks is { Goal: { } g2, Stretch: { } s } && s > g2 || Ranks is { Floor: { } f2, Stretch: { } s2 } && s2 > f2)
        {
            Fault("RankStretch", Format(Ranks.Stretch), RankOrder);
        }

        if (Targets is { Floor: { } floor, Stretch: { } stretch } && !Meets(stretch, floor))
        {
            Fault("Stretch", Format(stretch), "力争目标比确保目标还低，请检查两项目标和「指标方向」（越高越好/越低越好）。");
        }

        if (Lag == LagBasis.Rank && Ranks.Floor is null)
        {
            Fault("Lag", "rank", "落后按名次判定，但没有填写名次底线（「保」几）。请填写名次底线，或改为按时序目标判定。");
        }

        if (Lag == LagBasis.TimeProportional && Targets.Annual is null)
        {
            Fault("Lag", "time", "落后按时序目标判定（时间过半、任务过半），但没有填写年度目标。请填写年度目标，或改为按名次判定。");
        }

        if (NotLowerThan is { } baseline && !baseline.Fits(PeriodKind))
        {
            Fault(nameof(NotLowerThan), baseline.ToString(), $"「不低于」的基期{baseline}与指标的发布周期（按{Wording.ChineseNames.Of(PeriodKind)}）对不上。月度指标可写季度（如 Q1，即1–3月）或月份（M3），季度指标可写季度或季末月份，周指标只能写周（如 W10）。");
        }

        return problems;
    }

    private static string Format(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Format(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Values are compared to this precision, so that 120 × 6 / 12 meets 60 whatever the rounding.</summary>
    private const double Tolerance = 1e-9;
}
