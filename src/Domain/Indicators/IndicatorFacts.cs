using Escalation.Domain.Evaluation;
using NodaTime;

namespace Escalation.Domain.Indicators;

/// <summary>
/// The figures behind an indicator event, for its message and the supervision office's log. Which optional ones are set
/// depends on the event's kind; every one that the indicator and its value have is set.
/// </summary>
/// <param name="Indicator">The indicator.</param>
/// <param name="Period">The period judged.</param>
/// <param name="PeriodLabel">The period in Chinese as statistics name it (2025年1–4月).</param>
/// <param name="MeasureUnit">The indicator's unit of measure (%, 亿元).</param>
/// <param name="Published">The day the data was published.</param>
public sealed record IndicatorFacts(IndicatorId Indicator, IndicatorPeriod Period, string PeriodLabel, string MeasureUnit, LocalDate Published)
{
    /// <summary>The unit's value; null for the scoreboard (see <see cref="Standings"/>).</summary>
    public double? Value { get; init; }

    /// <summary>The planned value for the period (time-proportional), when the indicator has an annual target.</summary>
    public double? Planned { get; init; }

    /// <summary>The value's light against plan, when the indicator has an annual target.</summary>
    public TrafficLight? Light { get; init; }

    /// <summary>The value target judged: the floor (确保) for target-missed, the stretch (力争) for stretch-missed, the earlier period's value for below-earlier.</summary>
    public double? Target { get; init; }

    /// <summary>For below-earlier: the earlier period compared with (e.g. 2025-03 for 一季度).</summary>
    public IndicatorPeriod? EarlierPeriod { get; init; }

    /// <summary>The unit's provincial rank, when published.</summary>
    public int? ProvincialRank { get; init; }

    /// <summary>How many the province ranked, when published.</summary>
    public int? PeerCount { get; init; }

    /// <summary>The provincial average, when published.</summary>
    public double? ProvincialAverage { get; init; }

    /// <summary>The indicator's rank targets (保 / 争 / 奔).</summary>
    public RankTargets? Ranks { get; init; }

    /// <summary>For year-end events: the last rank inside the first third, ⌈N/3⌉ (12 peers: 4).</summary>
    public int? FirstThird { get; init; }

    /// <summary>For group events: the ranking group.</summary>
    public RankingGroupId? Group { get; init; }

    /// <summary>For group events: its name.</summary>
    public string? GroupName { get; init; }

    /// <summary>For a unit's group event: its standing in the group.</summary>
    public Standing? Standing { get; init; }

    /// <summary>For group events: how many units were ranked.</summary>
    public int? GroupSize { get; init; }

    /// <summary>For group events: how many places at the top are invited to share (the group's <see cref="RankingGroup.TopK"/>).</summary>
    public int? TopK { get; init; }

    /// <summary>For group events: how many places at the bottom count as 后N位 (the group's <see cref="RankingGroup.BottomK"/>).</summary>
    public int? BottomK { get; init; }

    /// <summary>For bottom-rank events: how many consecutive ranked periods the unit has qualified in, this one included.</summary>
    public int? Consecutive { get; init; }

    /// <summary>For bottom-rank events: true when the summons moved up one level (the deputy in charge replaced by the principal).</summary>
    public bool Escalated { get; init; }

    /// <summary>True when the office approved an objective cause for the period: a year-end event is then logged only.</summary>
    public bool Exempt { get; init; }

    /// <summary>For the scoreboard: every unit's standing, best first.</summary>
    public IReadOnlyList<Standing> Standings { get; init; } = [];
}
