using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Digests;

/// <summary>One unit's lights at the month's close: how many of its tasks and indicators are red, yellow and green, and the red and yellow ones.</summary>
public sealed record UnitLights(UnitId Unit, string Name, int Red, int Yellow, int Green, IReadOnlyList<LightSighting> Items);

/// <summary>A unit's place on a ranking group's scoreboard for the month: invited to share (top k), to pledge (bottom k), or neither.</summary>
public sealed record ScoreboardLine(UnitId Unit, string Name, double Value, int Rank, bool Share, bool Pledge);

/// <summary>One ranking group's scoreboard (成绩单) for the month's period of its indicator.</summary>
/// <param name="Group">The group's name.</param>
/// <param name="Indicator">The indicator's name.</param>
/// <param name="MeasureUnit">计量单位, e.g. %.</param>
/// <param name="Period">The period ranked: the month, or the quarter the month closes.</param>
/// <param name="Lines">Best first.</param>
public sealed record Scoreboard(string Group, string Indicator, string MeasureUnit, string Period, IReadOnlyList<ScoreboardLine> Lines);

/// <summary>A lag streak logged in the month: the item, how many periods in a row, and the level it reached.</summary>
public sealed record StreakEntry(UnitId Unit, ItemId Item, string Title, int Streak, string Period, EventLevel Level, string Notice);

/// <summary>A summons (约谈) issued in the month.</summary>
public sealed record SummonsEntry(UnitId Unit, ItemId Item, string Title, string Notice, string Reason, LocalDate On);

/// <summary>What a monthly notice is built from (the shell reads it).</summary>
/// <param name="Lights">Every task's and indicator's light at the month's close, green included (for the counts).</param>
/// <param name="Definitions">The indicators.</param>
/// <param name="Values">Their values (those of the month's periods are ranked; values published after the issue day are not).</param>
/// <param name="Groups">The ranking groups.</param>
/// <param name="Streaks">Lag-streak events logged in the month.</param>
/// <param name="Summonses">Summonses logged in the month.</param>
/// <param name="OpenDemands">Demands not yet met on the issue day.</param>
/// <param name="UnitNames">Every unit, by id (units without anything still appear in the lights, all zero).</param>
public sealed record MonthlyNoticeInputs(
    IReadOnlyList<LightSighting> Lights,
    IReadOnlyList<IndicatorDefinition> Definitions,
    IReadOnlyList<IndicatorValue> Values,
    IReadOnlyList<RankingGroup> Groups,
    IReadOnlyList<StreakEntry> Streaks,
    IReadOnlyList<SummonsEntry> Summonses,
    IReadOnlyList<DemandEntry> OpenDemands,
    IReadOnlyDictionary<UnitId, string> UnitNames);

/// <summary>
/// 月度通报: every unit's lights (counts and the red and yellow items), the month's scoreboards (ranks; the top k invited
/// to share, the bottom k to pledge, ties at the boundary included), the lag streaks and summonses of the month, the
/// demands still open, and the data missing when it was issued. One notice for the whole city, to every unit's principal
/// and the lead officials.
/// </summary>
public sealed record MonthlyNotice(
    DigestPeriod Period,
    LocalDate IssuedOn,
    IReadOnlyList<UnitLights> Units,
    IReadOnlyList<Scoreboard> Scoreboards,
    IReadOnlyList<StreakEntry> Streaks,
    IReadOnlyList<SummonsEntry> Summonses,
    IReadOnlyList<DemandEntry> OpenDemands,
    IReadOnlyList<MissingData> Missing,
    IReadOnlyDictionary<UnitId, string> UnitNames)
{
    /// <summary>The unit's name, or its id when it has none.</summary>
    public string NameOf(UnitId unit) => UnitNames.GetValueOrDefault(unit) ?? unit.Value;

    public static MonthlyNotice Build(DigestPeriod month, LocalDate issuedOn, MonthlyNoticeInputs inputs, IReadOnlyList<MissingData> missing)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(missing);
        if (month.Kind != DigestKind.MonthlyNotice)
        {
            throw new ArgumentException($"{month.Key} is not a month.", nameof(month));
        }

        string Name(UnitId unit) => inputs.UnitNames.GetValueOrDefault(unit) ?? unit.Value;

        // One sighting per item (the latest), then counted per unit; every known unit appears, all zero if need be.
        var latest = inputs.Lights
            .GroupBy(l => (l.Unit, l.Item))
            .Select(g => g.OrderByDescending(l => l.On).First())
            .ToLookup(l => l.Unit);
        var units = inputs.UnitNames.Keys.Concat(latest.Select(g => g.Key)).Distinct()
            .Select(u =>
            {
                var items = latest[u].ToList();
                return new UnitLights(u, Name(u),
                    items.Count(i => i.Light == TrafficLight.Red),
                    items.Count(i => i.Light == TrafficLight.Yellow),
                    items.Count(i => i.Light == TrafficLight.Green),
                    [.. items.Where(i => i.Light != TrafficLight.Green).OrderByDescending(i => i.Light).ThenBy(i => i.IsIndicator).ThenBy(i => i.Title, StringComparer.Ordinal)]);
            })
            .OrderByDescending(u => u.Red).ThenByDescending(u => u.Yellow).ThenBy(u => u.Unit.Value, StringComparer.Ordinal)
            .ToList();

        return new MonthlyNotice(
            month,
            issuedOn,
            units,
            RankMonth(month.Period, issuedOn, inputs, Name),
            [.. inputs.Streaks.DistinctBy(s => (s.Unit, s.Item, s.Period)).OrderByDescending(s => s.Streak).ThenBy(s => s.Unit.Value, StringComparer.Ordinal).ThenBy(s => s.Title, StringComparer.Ordinal)],
            [.. inputs.Summonses.DistinctBy(s => s.Notice).OrderBy(s => s.On).ThenBy(s => s.Unit.Value, StringComparer.Ordinal)],
            [.. inputs.OpenDemands.DistinctBy(d => (d.Unit, d.Notice)).OrderBy(d => d.DueBy).ThenBy(d => d.Unit.Value, StringComparer.Ordinal)],
            missing,
            inputs.UnitNames);
    }

    /// <summary>
    /// Each group's standings for the month's period of its indicator (a monthly indicator: the month; a quarterly one:
    /// the quarter the month closes; weekly ones have no monthly scoreboard), from the values published by the issue day.
    /// </summary>
    private static List<Scoreboard> RankMonth(IndicatorPeriod month, LocalDate issuedOn, MonthlyNoticeInputs inputs, Func<UnitId, string> name)
    {
        var definitions = inputs.Definitions.ToDictionary(d => d.Id);
        var values = inputs.Values.Where(v => v.Published <= issuedOn).ToLookup(v => (v.Indicator, v.Period));
        var boards = new List<Scoreboard>();
        foreach (var group in inputs.Groups.OrderBy(g => g.Id.Value, StringComparer.Ordinal))
        {
            if (!definitions.TryGetValue(group.Indicator, out var definition))
            {
                continue;
            }

            if (DigestPeriod.ClosedBy(month, definition.PeriodKind) is not { } p)
            {
                continue;
            }

            var members = group.Units.ToHashSet();
            var ranked = values[(group.Indicator, p)].Where(v => members.Contains(v.Unit)).DistinctBy(v => v.Unit).Select(v => (v.Unit, v.Value)).ToArray();
            if (ranked.Length == 0)
            {
                continue;
            }

            var standings = Ranking.Rank(ranked, definition.Direction);
            boards.Add(new Scoreboard(group.Name, definition.Name, definition.MeasureUnit, p.Label(definition.IsCumulative),
                [.. standings.Select(s => new ScoreboardLine(s.Unit, name(s.Unit), s.Value, s.Rank, s.InTop(group.TopK), !s.InTop(group.TopK) && s.InBottom(group.BottomK)))]));
        }

        return boards;
    }
}
