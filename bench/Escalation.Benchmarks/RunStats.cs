using System.Globalization;
using System.Text;
using Escalation.Domain.Evaluation;

namespace Escalation.Benchmarks;

/// <summary>What one evaluation run decided, summarised: how many events, for how many items, by rule.</summary>
public sealed record RunStats(int Items, int Events, int ItemsWithEvents, int Problems, IReadOnlyList<(string Rule, int Count)> ByRule)
{
    public double ItemsWithEventsPercent => Items == 0 ? 0 : 100.0 * ItemsWithEvents / Items;

    public static RunStats Of(IReadOnlyCollection<ItemState> items, EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(result);
        var itemsWithEvents = result.Events.Select(e => e.Item).Distinct().Count();
        var byRule = result.Events
            .GroupBy(e => e.Rule.Value, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .ToList();
        return new RunStats(items.Count, result.Events.Count, itemsWithEvents, result.Problems.Count, byRule);
    }

    /// <summary>The same for an indicator run: an item is an indicator (its events name it as <c>ind:</c> + id).</summary>
    public static RunStats OfIndicators(int indicators, EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var byRule = result.Events
            .GroupBy(e => e.Rule.Value, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .ToList();
        return new RunStats(indicators, result.Events.Count, result.Events.Select(e => e.Item).Distinct().Count(), result.Problems.Count, byRule);
    }

    public static string Describe(IReadOnlyCollection<ItemState> items, EvaluationResult result) => Of(items, result).ToString();

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"events per run: {Events:N0} for {ItemsWithEvents:N0} of {Items:N0} items ({ItemsWithEventsPercent:F2}%); problems: {Problems}; by rule:");
        foreach (var (rule, count) in ByRule)
        {
            text.Append(CultureInfo.InvariantCulture, $" {rule}={count:N0}");
        }

        return text.ToString();
    }
}
