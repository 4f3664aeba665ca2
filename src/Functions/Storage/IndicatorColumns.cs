using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;

namespace Escalation.Functions.Storage;

/// <summary>
/// The columns of an indicator event's log row: every figure of <see cref="IndicatorFacts"/>, so that delivery words the
/// message from the row alone. The period is the row's <c>PeriodKey</c> (and its label <c>Period</c>), as for a task's lag
/// event; a unit's standing in its group is <c>GroupRank</c>/<c>GroupRankFromBottom</c> with the row's unit and value; the
/// scoreboard's standings are one JSON column. Rows of task events have none of these columns.
/// </summary>
internal static class IndicatorColumns
{
    public static void Write(IndicatorFacts f, Action<string, object?> set)
    {
        set("Indicator", f.Indicator.Value);
        set("Period", f.PeriodLabel);
        set("PeriodKey", f.Period.Key);
        set("MeasureUnit", f.MeasureUnit);
        set("Published", IsoDate.Format(f.Published));
        set("IndicatorValue", f.Value);
        set("IndicatorPlanned", f.Planned);
        set("Light", f.Light?.ToString());
        set("Target", f.Target);
        set("EarlierPeriod", f.EarlierPeriod?.Key);
        set("ProvincialRank", f.ProvincialRank);
        set("PeerCount", f.PeerCount);
        set("ProvincialAverage", f.ProvincialAverage);
        set("RankTargets", f.Ranks is { } r ? $"{Text(r.Floor)}/{Text(r.Goal)}/{Text(r.Stretch)}" : null);
        set("FirstThird", f.FirstThird);
        set("RankingGroup", f.Group?.Value);
        set("RankingGroupName", f.GroupName);
        set("GroupSize", f.GroupSize);
        set("GroupRank", f.Standing?.Rank);
        set("GroupRankFromBottom", f.Standing?.RankFromBottom);
        set("TopK", f.TopK);
        set("BottomK", f.BottomK);
        set("Consecutive", f.Consecutive);
        set("Escalated", f.Escalated ? true : null);
        set("Exempt", f.Exempt ? true : null);
        set("Standings", f.Standings.Count == 0 ? null : JsonSerializer.Serialize(f.Standings.Select(s => new object[] { s.Unit.Value, s.Value, s.Rank, s.RankFromBottom })));
    }

    /// <summary>The facts of an indicator event's row; null for a task event's (no <c>Indicator</c> column).</summary>
    public static IndicatorFacts? Read(TableEntity e, string? periodKey, string? periodLabel)
    {
        if (e.GetString("Indicator") is not { Length: > 0 } id)
        {
            return null;
        }

        var period = IndicatorPeriod.TryParse(periodKey)
            ?? throw new InvalidDataException($"Log row {e.RowKey} of indicator {id} has no readable PeriodKey ('{periodKey}').");
        var published = IsoDate.TryParse(e.GetString("Published"))
            ?? throw new InvalidDataException($"Log row {e.RowKey} of indicator {id} has no readable Published date.");
        var value = e.GetDouble("IndicatorValue");
        return new IndicatorFacts(new IndicatorId(id), period, periodLabel ?? period.Key, e.GetString("MeasureUnit") ?? "", published)
        {
            Value = value,
            Planned = e.GetDouble("IndicatorPlanned"),
            Light = Enum.TryParse<TrafficLight>(e.GetString("Light"), out var light) ? light : null,
            Target = e.GetDouble("Target"),
            EarlierPeriod = IndicatorPeriod.TryParse(e.GetString("EarlierPeriod")),
            ProvincialRank = e.GetInt32("ProvincialRank"),
            PeerCount = e.GetInt32("PeerCount"),
            ProvincialAverage = e.GetDouble("ProvincialAverage"),
            Ranks = Ranks(e.GetString("RankTargets")),
            FirstThird = e.GetInt32("FirstThird"),
            Group = e.GetString("RankingGroup") is { Length: > 0 } group ? new RankingGroupId(group) : null,
            GroupName = e.GetString("RankingGroupName"),
            GroupSize = e.GetInt32("GroupSize"),
            Standing = e.GetInt32("GroupRank") is { } rank && e.GetInt32("GroupRankFromBottom") is { } fromBottom
                ? new Standing(new UnitId(e.GetString("Unit")), value ?? 0, rank, fromBottom)
                : null,
            TopK = e.GetInt32("TopK"),
            BottomK = e.GetInt32("BottomK"),
            Consecutive = e.GetInt32("Consecutive"),
            Escalated = e.GetBoolean("Escalated") ?? false,
            Exempt = e.GetBoolean("Exempt") ?? false,
            Standings = Standings(e.GetString("Standings")),
        };
    }

    private static string Text(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary><c>4/3/1</c> (floor/goal/stretch, empty for none) as <see cref="RankTargets"/>.</summary>
    private static RankTargets? Ranks(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('/');
        int? At(int i) => i < parts.Length && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new RankTargets(At(0), At(1), At(2));
    }

    /// <summary><c>[["b1",9.5,1,4],…]</c> as standings, best first.</summary>
    private static Standing[] Standings(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return
        [
            .. document.RootElement.EnumerateArray().Select(s =>
                new Standing(new UnitId(s[0].GetString()!), s[1].GetDouble(), s[2].GetInt32(), s[3].GetInt32())),
        ];
    }
}
