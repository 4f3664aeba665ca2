using Escalation.Domain.Indicators;

namespace Escalation.Domain.Catalog;

// Indicator rows as admins write them: every field a string, as typed (see AdminRows.cs). The column names are the
// property names of IndicatorDefinition, IndicatorValue and RankingGroup where they exist, so that the problems the
// indicator domain reports name the same fields as the problems found here.

/// <summary>An indicator (指标): its owner, how it is published, its targets and what makes it lag.</summary>
public sealed record IndicatorRow
{
    public const string Table = IndicatorDefinition.Table;

    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>The owning unit (主管部门).</summary>
    public string? Owner { get; init; }

    public string? MeasureUnit { get; init; }

    /// <summary>越高越好 (default) or 越低越好.</summary>
    public string? Direction { get; init; }

    /// <summary>累计 or 当期.</summary>
    public string? Accumulation { get; init; }

    /// <summary>月, 季 or 周.</summary>
    public string? PeriodKind { get; init; }

    public string? AnnualTarget { get; init; }

    /// <summary>确保.</summary>
    public string? Floor { get; init; }

    /// <summary>力争.</summary>
    public string? Stretch { get; init; }

    /// <summary>每期 (default) or 年末.</summary>
    public string? CheckAt { get; init; }

    public string? RankFloor { get; init; }

    public string? RankGoal { get; init; }

    public string? RankStretch { get; init; }

    /// <summary>An earlier period of the same year, e.g. 一季度 or Q1.</summary>
    public string? NotLowerThan { get; init; }

    /// <summary>排名, 时序 or 不判定 (default).</summary>
    public string? Lag { get; init; }

    /// <summary>0.9 or 90%.</summary>
    public string? YellowRatio { get; init; }

    public string Key => UnitRow.KeyOf(Id);
}

/// <summary>One published value of an indicator for a unit and period, with what the province published alongside it.</summary>
public sealed record IndicatorValueRow(
    string? Indicator,
    string? Unit,
    string? Period,
    string? Value,
    string? Published,
    string? ProvincialRank = null,
    string? PeerCount = null,
    string? ProvincialAverage = null,
    string? EnteredBy = null)
{
    public const string Table = IndicatorValue.Table;

    /// <summary>
    /// <c>{indicator}/{unit}/{period}</c>, as problems name a value (<see cref="IndicatorValue.RowKey"/>): the indicator
    /// first, because the table is partitioned by it. Stored under PartitionKey = indicator, RowKey = <c>{unit}:{period}</c>.
    /// </summary>
    public string Key => $"{UnitRow.KeyOf(Indicator)}/{UnitRow.KeyOf(Unit)}/{Period?.Trim()}";
}

/// <summary>Units ranked together by one indicator (排名分组).</summary>
/// <param name="Id">The group's id.</param>
/// <param name="Name">Its name as messages print it.</param>
/// <param name="Indicator">The indicator it ranks by.</param>
/// <param name="Units">Unit ids or names, separated by commas, 、, semicolons or spaces.</param>
/// <param name="BottomK">How many places at the bottom count (default 3).</param>
/// <param name="TopK">How many places at the top are invited to share (default 3).</param>
public sealed record RankingGroupRow(string? Id, string? Name, string? Indicator, string? Units, string? BottomK = null, string? TopK = null)
{
    public const string Table = RankingGroup.Table;

    public string Key => UnitRow.KeyOf(Id);
}

/// <summary>The rows of one indicator, as the indicator step reads them: its values and the exemptions for it.</summary>
/// <param name="Indicator">The indicator.</param>
/// <param name="Values">Its values (every unit, every period): one partition of <c>indicatorvalues</c>.</param>
/// <param name="Exemptions">The rows of <c>exemptions</c> for it (<see cref="ExemptionRow.IsIndicator"/>).</param>
public sealed record IndicatorRows(IndicatorId Indicator, IReadOnlyList<IndicatorValueRow> Values, IReadOnlyList<ExemptionRow> Exemptions);

/// <summary>
/// The usable indicators and ranking groups of the configuration: definitions that passed every check, and groups whose
/// indicator and units all exist. Values and exemptions are read per indicator (<see cref="IndicatorItems.Build"/>).
/// </summary>
public sealed class IndicatorCatalog
{
    private readonly ILookup<IndicatorId, RankingGroup> _groupsByIndicator;

    public IndicatorCatalog(IReadOnlyDictionary<IndicatorId, IndicatorDefinition> definitions, IReadOnlyList<RankingGroup> groups)
    {
        Definitions = definitions ?? throw new ArgumentNullException(nameof(definitions));
        Groups = groups ?? throw new ArgumentNullException(nameof(groups));
        _groupsByIndicator = groups.ToLookup(g => g.Indicator);
    }

    public static IndicatorCatalog Empty { get; } = new(new Dictionary<IndicatorId, IndicatorDefinition>(), []);

    /// <summary>The usable definitions by id.</summary>
    public IReadOnlyDictionary<IndicatorId, IndicatorDefinition> Definitions { get; }

    /// <summary>The usable ranking groups.</summary>
    public IReadOnlyList<RankingGroup> Groups { get; }

    /// <summary>The groups ranked by <paramref name="indicator"/>.</summary>
    public IReadOnlyList<RankingGroup> GroupsOf(IndicatorId indicator) => [.. _groupsByIndicator[indicator]];
}
