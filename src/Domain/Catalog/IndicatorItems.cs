using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Catalog;

/// <summary>
/// Turns indicator rows into what <see cref="IndicatorEvaluator"/> judges, reporting and skipping faulty rows: the
/// definitions and ranking groups with the configuration (<see cref="Catalog"/>), then one indicator's values and
/// exemptions at a time (<see cref="Build"/>), as the indicator step reads them. A definition with a problem is left out,
/// and with it every value, group and exemption of that indicator (each reported).
/// </summary>
public static class IndicatorItems
{
    /// <summary>The largest provincial rank, peer count or group place accepted.</summary>
    public const int MaxRank = 1000;

    private static readonly Dictionary<string, IndicatorDirection> Directions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["higher"] = IndicatorDirection.HigherIsBetter, ["higher-is-better"] = IndicatorDirection.HigherIsBetter, ["越高越好"] = IndicatorDirection.HigherIsBetter, ["正向"] = IndicatorDirection.HigherIsBetter,
        ["lower"] = IndicatorDirection.LowerIsBetter, ["lower-is-better"] = IndicatorDirection.LowerIsBetter, ["越低越好"] = IndicatorDirection.LowerIsBetter, ["逆向"] = IndicatorDirection.LowerIsBetter,
    };

    private static readonly Dictionary<string, Accumulation> Accumulations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cumulative"] = Accumulation.Cumulative, ["累计"] = Accumulation.Cumulative,
        ["per-period"] = Accumulation.PerPeriod, ["当期"] = Accumulation.PerPeriod,
    };

    private static readonly Dictionary<string, IndicatorPeriodKind> PeriodKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["month"] = IndicatorPeriodKind.Month, ["月"] = IndicatorPeriodKind.Month, ["月度"] = IndicatorPeriodKind.Month, ["每月"] = IndicatorPeriodKind.Month,
        ["quarter"] = IndicatorPeriodKind.Quarter, ["季"] = IndicatorPeriodKind.Quarter, ["季度"] = IndicatorPeriodKind.Quarter, ["每季"] = IndicatorPeriodKind.Quarter,
        ["week"] = IndicatorPeriodKind.Week, ["周"] = IndicatorPeriodKind.Week, ["周度"] = IndicatorPeriodKind.Week, ["每周"] = IndicatorPeriodKind.Week,
    };

    private static readonly Dictionary<string, TargetCheck> Checks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["every-period"] = TargetCheck.EveryPeriod, ["每期"] = TargetCheck.EveryPeriod,
        ["year-end"] = TargetCheck.YearEnd, ["年末"] = TargetCheck.YearEnd, ["年底"] = TargetCheck.YearEnd,
    };

    private static readonly Dictionary<string, LagBasis> Lags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = LagBasis.None, ["不判定"] = LagBasis.None,
        ["rank"] = LagBasis.Rank, ["排名"] = LagBasis.Rank, ["名次"] = LagBasis.Rank,
        ["time"] = LagBasis.TimeProportional, ["时序"] = LagBasis.TimeProportional, ["时序进度"] = LagBasis.TimeProportional,
    };

    private static readonly char[] ListSeparators = [',', ';', '、', '，', '；', ' '];

    private const string PeriodForms = "月写「2025-05」，季写「2025-Q1」，周写「2025-W10」（ISO 周）";

    /// <summary>
    /// The usable definitions and groups, validated against the units (Configuration.Build calls it). A definition is
    /// checked field by field, then by <see cref="IndicatorDefinition.Check"/>; a group needs a usable indicator, at least
    /// two distinct known units (ids, or names only one unit has) and places between 1 and its size.
    /// </summary>
    internal static IndicatorCatalog Catalog(
        IReadOnlyList<IndicatorRow> rows, IReadOnlyList<RankingGroupRow> groupRows, IReadOnlyList<UnitRoster> units, List<Problem> problems)
    {
        if (rows.Count == 0 && groupRows.Count == 0)
        {
            return IndicatorCatalog.Empty;
        }

        var unitsById = units.ToDictionary(u => u.Id.Value, StringComparer.Ordinal);
        var definitions = new Dictionary<IndicatorId, IndicatorDefinition>();
        foreach (var row in rows)
        {
            if (Definition(row, unitsById, problems) is not { } definition)
            {
                continue;
            }

            if (!definitions.TryAdd(definition.Id, definition))
            {
                problems.Add(new Problem(IndicatorRow.Table, row.Key, nameof(IndicatorRow.Id), row.Id,
                    $"已有其他指标使用编号{Words.Quote(definition.Id.Value)}，此行未采用。请为每个指标设置不同的编号。"));
            }
        }

        var groups = new List<RankingGroup>();
        var groupIds = new HashSet<string>(StringComparer.Ordinal);
        var groupOf = new Dictionary<(IndicatorId, UnitId), RankingGroup>();
        foreach (var row in groupRows)
        {
            if (Group(row, definitions, units, unitsById, problems) is not { } group)
            {
                continue;
            }

            if (!groupIds.Add(group.Id.Value))
            {
                problems.Add(new Problem(RankingGroupRow.Table, row.Key, nameof(RankingGroupRow.Id), row.Id,
                    $"已有其他排名分组使用编号{Words.Quote(group.Id.Value)}，此行未采用。请为每个分组设置不同的编号。"));
                continue;
            }

            // One group per unit and indicator: first row wins, as for a repeated id.
            if (group.Units.Where(u => groupOf.ContainsKey((group.Indicator, u))).Select(u => (UnitId?)u).FirstOrDefault() is { } shared)
            {
                problems.Add(new Problem(RankingGroupRow.Table, row.Key, nameof(RankingGroupRow.Units), row.Units,
                    RankingGroup.Overlap(unitsById[shared.Value].Name, shared, definitions[group.Indicator].Name, groupOf[(group.Indicator, shared)], group)));
                continue;
            }

            foreach (var unit in group.Units)
            {
                groupOf.Add((group.Indicator, unit), group);
            }

            groups.Add(group);
        }

        return new IndicatorCatalog(definitions, groups);
    }

    /// <summary>
    /// One indicator's values and exemptions, checked against the configuration, as <see cref="IndicatorInputs"/> for
    /// <see cref="IndicatorEvaluator"/>: the indicator's definition, its usable values, its ranking groups and its
    /// objective exemptions. A faulty row is reported and left out; when the indicator itself is not usable (unknown, or
    /// its definition has a problem) every row is reported and the inputs are empty.
    /// </summary>
    public static (IndicatorInputs Inputs, IReadOnlyList<Problem> Problems) Build(Configuration configuration, IndicatorRows rows)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(rows);
        var problems = new List<Problem>();
        var definition = configuration.Indicators.Definitions.GetValueOrDefault(rows.Indicator);

        var values = new List<IndicatorValue>(rows.Values.Count);
        var seen = new HashSet<(UnitId, IndicatorPeriod)>();
        foreach (var row in rows.Values)
        {
            if (Value(configuration, rows.Indicator, definition, row, problems) is not { } value)
            {
                continue;
            }

            if (!seen.Add((value.Unit, value.Period)))
            {
                // Only a row edited by hand can do this: the storage keys of a value are its unit and period.
                problems.Add(new Problem(IndicatorValueRow.Table, row.Key, nameof(IndicatorValueRow.Period), row.Period,
                    "同一指标、单位和期次已有一行数据，此行未采用。请删除重复的行（更正数据请直接修改原行）。"));
                continue;
            }

            values.Add(value);
        }

        var exemptions = new List<IndicatorExemption>();
        foreach (var row in rows.Exemptions)
        {
            if (Exemption(configuration, rows.Indicator, definition, row, problems) is { } exemption)
            {
                exemptions.Add(exemption);
            }
        }

        var inputs = definition is null
            ? IndicatorInputs.Empty
            : new IndicatorInputs([definition], values, configuration.Indicators.GroupsOf(rows.Indicator), exemptions);
        return (inputs, problems);
    }

    /// <summary>
    /// The problems of every indicator's values and exemptions, whatever indicator they name (for imports, which validate
    /// whole tables): rows are grouped by their Indicator column and checked as <see cref="Build"/> checks them; a row whose
    /// Indicator cannot be an indicator id is reported on its own.
    /// </summary>
    public static IReadOnlyList<Problem> Check(Configuration configuration, IEnumerable<IndicatorValueRow> values, IEnumerable<ExemptionRow> exemptions)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<Problem>();
        var byIndicator = new Dictionary<string, (List<IndicatorValueRow> Values, List<ExemptionRow> Exemptions)>(StringComparer.Ordinal);
        (List<IndicatorValueRow>, List<ExemptionRow>)? Bucket(string table, string key, string? indicator)
        {
            var read = new FieldReader(table, key, problems);
            if (IndicatorText(read, indicator) is not { } id)
            {
                return null;
            }

            return byIndicator.TryGetValue(id, out var found) ? found : byIndicator[id] = ([], []);
        }

        foreach (var row in values)
        {
            Bucket(IndicatorValueRow.Table, row.Key, row.Indicator)?.Item1.Add(row);
        }

        foreach (var row in exemptions.Where(e => e.IsIndicator))
        {
            Bucket(ExemptionRow.Table, row.Key, row.Indicator)?.Item2.Add(row);
        }

        foreach (var (id, (v, e)) in byIndicator)
        {
            problems.AddRange(Build(configuration, new IndicatorRows(new IndicatorId(id), v, e)).Problems);
        }

        return problems;
    }

    private static IndicatorDefinition? Definition(IndicatorRow row, Dictionary<string, UnitRoster> units, List<Problem> problems)
    {
        var read = new FieldReader(IndicatorRow.Table, row.Key, problems);
        var id = IndicatorText(read, row.Id, nameof(IndicatorRow.Id));
        var name = read.Text(nameof(IndicatorRow.Name), row.Name, required: true);
        var owner = KnownUnit(read, units.ContainsKey, nameof(IndicatorRow.Owner), row.Owner);
        var direction = string.IsNullOrWhiteSpace(row.Direction)
            ? IndicatorDirection.HigherIsBetter
            : read.Enum(Directions, nameof(IndicatorRow.Direction), row.Direction, required: true);
        var accumulation = read.Enum(Accumulations, nameof(IndicatorRow.Accumulation), row.Accumulation, required: true);
        var kind = read.Enum(PeriodKinds, nameof(IndicatorRow.PeriodKind), row.PeriodKind, required: true);
        var annual = read.Number(nameof(IndicatorRow.AnnualTarget), row.AnnualTarget, required: false);
        var floor = read.Number(nameof(IndicatorRow.Floor), row.Floor, required: false);
        var stretch = read.Number(nameof(IndicatorRow.Stretch), row.Stretch, required: false);
        var checkAt = string.IsNullOrWhiteSpace(row.CheckAt) ? TargetCheck.EveryPeriod : read.Enum(Checks, nameof(IndicatorRow.CheckAt), row.CheckAt, required: true);
        var rankFloor = read.Integer(nameof(IndicatorRow.RankFloor), row.RankFloor, required: false, 1, MaxRank);
        var rankGoal = read.Integer(nameof(IndicatorRow.RankGoal), row.RankGoal, required: false, 1, MaxRank);
        var rankStretch = read.Integer(nameof(IndicatorRow.RankStretch), row.RankStretch, required: false, 1, MaxRank);
        PeriodOfYear? notLowerThan = null;
        if (!string.IsNullOrWhiteSpace(row.NotLowerThan))
        {
            notLowerThan = PeriodOfYear.TryParse(row.NotLowerThan);
            if (notLowerThan is null)
            {
                read.Fault(nameof(IndicatorRow.NotLowerThan), row.NotLowerThan,
                    "不是可用的基期。请填写同一年中的某一期：季度写「Q1」或「一季度」（也可写「上半年」「前三季度」），月份写「M3」或「3月」，周写「W10」或「第10周」。");
            }
        }

        var lag = string.IsNullOrWhiteSpace(row.Lag) ? LagBasis.None : read.Enum(Lags, nameof(IndicatorRow.Lag), row.Lag, required: true);
        var yellow = YellowRatio(read, row.YellowRatio);
        if (!read.Ok || id is null || name is null || owner is null || direction is not { } d || accumulation is not { } a || kind is not { } k
            || checkAt is not { } c || lag is not { } l)
        {
            return null;
        }

        var definition = new IndicatorDefinition(new IndicatorId(id), owner.Value, name, row.MeasureUnit?.Trim() ?? "", d, a, k)
        {
            Targets = new ValueTargets(annual, floor, stretch, c),
            Ranks = new RankTargets(rankFloor, rankGoal, rankStretch),
            NotLowerThan = notLowerThan,
            Lag = l,
            YellowRatio = yellow ?? IndicatorDefinition.DefaultYellowRatio,
        };

        // The definition's own consistency (rank order, a lag basis without what it needs, a base period that does not fit),
        // each problem showing the value as the admin wrote it (「排名」, 「一季度」), not as the definition holds it.
        var faults = definition.Check();
        problems.AddRange(faults.Select(p => Written(row, p.Field) is { } written ? p with { Value = written } : p));
        return faults.Count == 0 ? definition : null;
    }

    private static string? Written(IndicatorRow row, string field) => field switch
    {
        nameof(IndicatorRow.Name) => row.Name,
        nameof(IndicatorRow.Stretch) => row.Stretch,
        nameof(IndicatorRow.RankFloor) => row.RankFloor,
        nameof(IndicatorRow.RankGoal) => row.RankGoal,
        nameof(IndicatorRow.RankStretch) => row.RankStretch,
        nameof(IndicatorRow.NotLowerThan) => row.NotLowerThan,
        nameof(IndicatorRow.Lag) => row.Lag,
        nameof(IndicatorRow.YellowRatio) => row.YellowRatio,
        _ => null,
    };

    /// <summary>A ratio written <c>0.9</c> or <c>90%</c>, in (0, 1].</summary>
    private static double? YellowRatio(FieldReader read, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var percent = text.EndsWith('%') || text.EndsWith('％');
        if (double.TryParse(text.TrimEnd('%', '％').Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            var ratio = percent ? n / 100 : n;
            if (ratio > 0 && ratio <= 1)
            {
                return ratio;
            }
        }

        read.Fault(nameof(IndicatorRow.YellowRatio), value, "黄灯比例应大于 0、不大于 1：写「0.9」或「90%」，表示达到计划值的 90% 以上为黄灯。不填则按 0.9。");
        return null;
    }

    private static RankingGroup? Group(
        RankingGroupRow row,
        Dictionary<IndicatorId, IndicatorDefinition> definitions,
        IReadOnlyList<UnitRoster> units,
        Dictionary<string, UnitRoster> unitsById,
        List<Problem> problems)
    {
        var read = new FieldReader(RankingGroupRow.Table, row.Key, problems);
        var id = read.Id(nameof(RankingGroupRow.Id), row.Id, required: true);
        var name = read.Text(nameof(RankingGroupRow.Name), row.Name, required: true);
        IndicatorId? indicator = null;
        if (IndicatorText(read, row.Indicator) is { } text)
        {
            if (definitions.ContainsKey(new IndicatorId(text)))
            {
                indicator = new IndicatorId(text);
            }
            else
            {
                read.Fault(nameof(RankingGroupRow.Indicator), row.Indicator, NoIndicator(text) + "改正前此分组不排名。");
            }
        }

        var members = Members(read, row, units, unitsById);
        var bottom = read.Integer(nameof(RankingGroupRow.BottomK), row.BottomK, required: false, 1, MaxRank);
        var top = read.Integer(nameof(RankingGroupRow.TopK), row.TopK, required: false, 1, MaxRank);
        if (members is { Count: var size })
        {
            foreach (var (field, value, k, what) in new[] { (nameof(RankingGroupRow.BottomK), row.BottomK, bottom, "后"), (nameof(RankingGroupRow.TopK), row.TopK, top, "前") })
            {
                if (k > size)
                {
                    read.Fault(field, value, string.Create(CultureInfo.InvariantCulture,
                        $"分组只有 {size} 个单位，「{what}{k}位」超出了分组的单位数。请填写 1 到 {size} 之间的整数，或在「Units」中补充单位。"));
                }
            }
        }

        if (!read.Ok || id is null || name is null || indicator is not { } i || members is null)
        {
            return null;
        }

        if ((top ?? 3) + (bottom ?? 3) > members.Count)
        {
            // Reported, the group still ranked: a unit in both the top and the bottom places is called to pledge (or
            // summoned), never invited to share (IndicatorEvaluator).
            problems.Add(new Problem(RankingGroupRow.Table, row.Key, nameof(RankingGroupRow.TopK), row.TopK, string.Create(CultureInfo.InvariantCulture,
                $"分组只有 {members.Count} 个单位，「前{top ?? 3}位」和「后{bottom ?? 3}位」合计 {(top ?? 3) + (bottom ?? 3)} 个，有的单位会同时排在前几位和后几位（这样的单位只要求表态发言或约谈，不邀请分享经验）。请把「TopK」（前N位）与「BottomK」（后N位）之和改为不超过 {members.Count}，如各填 {members.Count / 2}。不填时各为 3。")));
        }

        return new RankingGroup(new RankingGroupId(id), name, i, members)
        {
            BottomK = bottom ?? 3,
            TopK = top ?? 3,
        };
    }

    /// <summary>The group's units: each an id, or a name exactly one unit has; at least two, none twice.</summary>
    private static List<UnitId>? Members(FieldReader read, RankingGroupRow row, IReadOnlyList<UnitRoster> units, Dictionary<string, UnitRoster> unitsById)
    {
        const string field = nameof(RankingGroupRow.Units);
        var parts = (row.Units ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            read.Fault(field, row.Units, "此项必填。请填写一起排名的单位编号（或单位名称），至少 2 个，用逗号或顿号分隔，如「town-jia、town-yi、town-bing」。");
            return null;
        }

        var members = new List<UnitId>(parts.Length);
        var ok = true;
        foreach (var part in parts)
        {
            List<UnitRoster> found = unitsById.TryGetValue(part, out var byId) ? [byId] : [.. units.Where(u => u.Name == part)];
            switch (found)
            {
                case [var one] when members.Contains(one.Id):
                    read.Fault(field, row.Units, $"单位{Words.Quote(part)}（{one.Id.Value}）写了两次。每个单位只写一次。");
                    ok = false;
                    break;
                case [var one]:
                    members.Add(one.Id);
                    break;
                case []:
                    read.Fault(field, row.Units, $"「units」表中没有编号或名称为{Words.Quote(part)}的单位。请填写已有单位的编号，或先在「units」表中添加此单位。");
                    ok = false;
                    break;
                default:
                    read.Fault(field, row.Units, $"「units」表中有 {found.Count} 个单位名为{Words.Quote(part)}（编号{Words.Choices(found.Select(u => u.Id.Value))}），无法确定是哪一个。请改用单位编号。");
                    ok = false;
                    break;
            }
        }

        if (ok && members.Count < 2)
        {
            read.Fault(field, row.Units, "排名分组至少要有 2 个单位。请补充一起排名的单位。");
            return null;
        }

        return ok ? members : null;
    }

    private static IndicatorValue? Value(Configuration configuration, IndicatorId indicator, IndicatorDefinition? definition, IndicatorValueRow row, List<Problem> problems)
    {
        var read = new FieldReader(IndicatorValueRow.Table, row.Key, problems);
        SameIndicator(read, indicator, definition, row.Indicator);
        var unit = KnownUnit(read, t => configuration.Roster.Units.ContainsKey(new UnitId(t)), nameof(IndicatorValueRow.Unit), row.Unit);
        var period = Period(read, definition, nameof(IndicatorValueRow.Period), row.Period);
        var value = read.Number(nameof(IndicatorValueRow.Value), row.Value, required: true);
        var published = read.Date(nameof(IndicatorValueRow.Published), row.Published, required: true);
        if (period is { } p && published is { } on && on < Start(p))
        {
            read.Fault(nameof(IndicatorValueRow.Published), row.Published,
                $"发布日期早于期次{p.Key}的开始（{IsoDate.Format(Start(p))}）：数据只能在该期开始后发布。请核对发布日期和期次。");
        }

        var rank = read.Integer(nameof(IndicatorValueRow.ProvincialRank), row.ProvincialRank, required: false, 1, MaxRank);
        var peers = read.Integer(nameof(IndicatorValueRow.PeerCount), row.PeerCount, required: false, 1, MaxRank);
        if (rank > peers)
        {
            read.Fault(nameof(IndicatorValueRow.ProvincialRank), row.ProvincialRank, string.Create(CultureInfo.InvariantCulture,
                $"全省排名第 {rank} 名，大于参与排名数 {peers}。请核对全省排名和参与排名数（如「全省第5/12」填 5 和 12）。"));
        }

        var average = read.Number(nameof(IndicatorValueRow.ProvincialAverage), row.ProvincialAverage, required: false);
        var enteredBy = read.Id(nameof(IndicatorValueRow.EnteredBy), row.EnteredBy, required: false);
        if (!read.Ok || definition is null || unit is null || period is not { } pk || value is not { } v || published is not { } day)
        {
            return null;
        }

        PersonId? by = null;
        if (enteredBy is not null)
        {
            if (configuration.People.ContainsKey(new PersonId(enteredBy)))
            {
                by = new PersonId(enteredBy);
            }
            else
            {
                // Who entered it is for the record: the value still counts.
                problems.Add(new Problem(IndicatorValueRow.Table, row.Key, nameof(IndicatorValueRow.EnteredBy), row.EnteredBy,
                    Words.NoPerson(enteredBy) + "这一行的数据照常采用。"));
            }
        }

        return new IndicatorValue(indicator, pk, unit.Value, v, day)
        {
            ProvincialRank = rank,
            PeerCount = peers,
            ProvincialAverage = average,
            EnteredBy = by,
        };
    }

    private static IndicatorExemption? Exemption(Configuration configuration, IndicatorId indicator, IndicatorDefinition? definition, ExemptionRow row, List<Problem> problems)
    {
        var read = new FieldReader(ExemptionRow.Table, row.Key, problems);
        SameIndicator(read, indicator, definition, row.Indicator);
        if (!string.IsNullOrWhiteSpace(row.Task))
        {
            read.Fault(nameof(ExemptionRow.Task), row.Task,
                "同一行不能既填任务编号又填指标编号：任务的豁免只填「Task」，指标的豁免只填「Indicator」。请删除其中一项，或分成两行。");
        }

        var unit = KnownUnit(read, t => configuration.Roster.Units.ContainsKey(new UnitId(t)), nameof(ExemptionRow.Unit), row.Unit);
        var period = Period(read, definition, nameof(ExemptionRow.Period), row.Period);
        var cause = string.IsNullOrWhiteSpace(row.Cause) ? CauseKind.Objective : read.Enum(UnitItems.Causes, nameof(ExemptionRow.Cause), row.Cause, required: true);
        read.Date(nameof(ExemptionRow.ApprovedOn), row.ApprovedOn, required: false);
        if (!read.Ok || definition is null || unit is null || period is not { } p || cause is not { } c)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(row.ApprovedBy) && (Key.TryValidate(row.ApprovedBy.Trim()) is not null || !configuration.People.ContainsKey(new PersonId(row.ApprovedBy.Trim()))))
        {
            problems.Add(new Problem(ExemptionRow.Table, row.Key, nameof(ExemptionRow.ApprovedBy), row.ApprovedBy,
                Words.NoPerson(row.ApprovedBy.Trim()) + "豁免照常生效。请填写批准人在「people」表中的人员编号（如督查室的人员编号）。"));
        }

        // A subjective cause is recorded only: it exempts nothing.
        return c == CauseKind.Objective ? new IndicatorExemption(indicator, unit.Value, p) : null;
    }

    /// <summary>Reports a row whose Indicator is not the indicator it was read with, or names an indicator that is not usable.</summary>
    private static void SameIndicator(FieldReader read, IndicatorId indicator, IndicatorDefinition? definition, string? written)
    {
        if (IndicatorText(read, written) is not { } text)
        {
            return;
        }

        if (text != indicator.Value)
        {
            read.Fault("Indicator", written,
                $"此行存放在指标{Words.Quote(indicator.Value)}之下（PartitionKey），「Indicator」却是{Words.Quote(text)}。请改正「Indicator」，或把此行移到该指标之下。");
        }
        else if (definition is null)
        {
            read.Fault("Indicator", written, NoIndicator(text) + "改正前这一行不采用。");
        }
    }

    /// <summary>The written text if it can be an indicator id; otherwise reports it (required) and returns null.</summary>
    private static string? IndicatorText(FieldReader read, string? value, string field = "Indicator")
    {
        if (read.Id(field, value, required: true) is not { } id)
        {
            return null;
        }

        if (IndicatorId.TryValidate(id) is { } reason)
        {
            read.Fault(field, value, $"不能用作指标编号：{reason}。");
            return null;
        }

        return id;
    }

    private static UnitId? KnownUnit(FieldReader read, Func<string, bool> exists, string field, string? value)
    {
        if (read.Id(field, value, required: true) is not { } text)
        {
            return null;
        }

        if (exists(text))
        {
            return new UnitId(text);
        }

        read.Fault(field, value, Words.NoUnit(text));
        return null;
    }

    /// <summary>A period key of the indicator's kind (any kind when the indicator is unknown).</summary>
    private static IndicatorPeriod? Period(FieldReader read, IndicatorDefinition? definition, string field, string? value)
    {
        if (read.Text(field, value, required: true) is not { } text)
        {
            return null;
        }

        if (IndicatorPeriod.TryParse(text) is not { } period)
        {
            read.Fault(field, value, $"不是有效的期次。{PeriodForms}。");
            return null;
        }

        if (definition is not null && period.Kind != definition.PeriodKind)
        {
            read.Fault(field, value,
                $"指标{Words.Quote(definition.Name)}按{ChineseNames.Of(definition.PeriodKind)}发布，{period.Key}却是{ChineseNames.Of(period.Kind)}的期次。请按{ChineseNames.Of(definition.PeriodKind)}填写期次（{PeriodForms}），或改正该指标的「PeriodKind」。");
            return null;
        }

        return period;
    }

    private static string NoIndicator(string id) =>
        $"「indicators」表中没有可用的编号为{Words.Quote(id)}的指标（没有此编号，或该指标有问题未采用）。请填写「indicators」表中已有的指标编号，或先改正该指标的问题。";

    /// <summary>The period's first day: the month's or quarter's first day, the ISO week's Monday.</summary>
    private static LocalDate Start(IndicatorPeriod period) => period.Kind switch
    {
        IndicatorPeriodKind.Month => new LocalDate(period.Year, period.Number, 1),
        IndicatorPeriodKind.Quarter => new LocalDate(period.Year, ((period.Number - 1) * 3) + 1, 1),
        _ => LocalDate.FromWeekYearWeekAndDay(period.Year, period.Number, IsoDayOfWeek.Monday),
    };
}
