using Escalation.Domain.Items;
using NodaTime;

namespace Escalation.Domain.Indicators;

/// <summary>
/// One published figure: an indicator's value for one unit and period, with what the province published alongside it.
/// Rules read it from its publication date on (统计数据发布), never before, and due dates count from that date.
/// </summary>
/// <param name="Indicator">The indicator.</param>
/// <param name="Period">The period it is for (cumulative: the year up to and including it).</param>
/// <param name="Unit">The unit measured: the city (for a provincial ranking of cities) or a town, bureau, zone.</param>
/// <param name="Value">The figure, in the indicator's unit of measure (a growth of 6.9 % is 6.9).</param>
/// <param name="Published">The day it was published: the first day any rule may act on it.</param>
public sealed record IndicatorValue(IndicatorId Indicator, IndicatorPeriod Period, UnitId Unit, double Value, LocalDate Published)
{
    /// <summary>The unit's rank in the province for this period, 1 the best; null when not published.</summary>
    public int? ProvincialRank { get; init; }

    /// <summary>How many peers the province ranked (the N of 「全省第6/12」); null when not published.</summary>
    public int? PeerCount { get; init; }

    /// <summary>The provincial average (全省平均) of the same figure; null when not published.</summary>
    public double? ProvincialAverage { get; init; }

    /// <summary>Who entered it (录入人), for the record.</summary>
    public PersonId? EnteredBy { get; init; }

    /// <summary>The table values come from, as problems name it.</summary>
    public const string Table = "indicatorvalues";

    /// <summary>The value's row key in problems: indicator, unit and period.</summary>
    public string RowKey => $"{Indicator.Value}/{Unit.Value}/{Period.Key}";
}

/// <summary>A ranking group's id, e.g. <c>towns-zjbf</c>.</summary>
public readonly record struct RankingGroupId
{
    public RankingGroupId(string value) => Value = Key.Validate(value, "ranking group");

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>
/// Units ranked together for one indicator (排名分组): the towns for the weekly fund-disbursement ranking, the bureaus
/// for a monthly scoreboard. The group's bottom and top places, ties at the boundary included, drive the bottom-rank
/// summons and the scoreboard.
/// </summary>
/// <param name="Id">The group.</param>
/// <param name="Name">Its name as messages print it, e.g. 各镇（街道）.</param>
/// <param name="Indicator">The indicator its units are ranked by.</param>
/// <param name="Units">The units ranked together.</param>
public sealed record RankingGroup(RankingGroupId Id, string Name, IndicatorId Indicator, IReadOnlyList<UnitId> Units)
{
    /// <summary>How many places at the bottom count as 「后N位」 (default 3, 排在全市后三位).</summary>
    public int BottomK { get; init; } = 3;

    /// <summary>How many places at the top are invited to share (default 3).</summary>
    public int TopK { get; init; } = 3;

    /// <summary>The table groups come from, as problems name it.</summary>
    public const string Table = "rankinggroups";

    /// <summary>
    /// Why <paramref name="second"/> is not used (Chinese, for admins): it ranks <paramref name="unit"/> by the same
    /// indicator as <paramref name="first"/>, so the unit would be summoned, invited or called to pledge twice a period.
    /// </summary>
    public static string Overlap(string unitName, UnitId unit, string indicatorName, RankingGroup first, RankingGroup second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return $"单位「{unitName}」（{unit.Value}）已在指标「{indicatorName}」的排名分组「{first.Name}」（{first.Id.Value}）中，又列在排名分组「{second.Name}」（{second.Id.Value}）中。"
            + "同一指标下一个单位只能在一个排名分组中，否则同一期会被约谈、邀请两次。此分组未采用：请从其中一个分组中删去该单位，或为另一种排名另设一个指标。";
    }
}

/// <summary>
/// An exemption the supervision office approved for an objective cause (特殊客观原因) for one unit, indicator and period:
/// the period does not count in streaks, raises no shortfall event, and at the year's end the explanation is not owed
/// (the event is logged only).
/// </summary>
public sealed record IndicatorExemption(IndicatorId Indicator, UnitId Unit, IndicatorPeriod Period);
