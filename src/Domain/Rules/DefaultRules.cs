using System.Text.Json;

namespace Escalation.Domain.Rules;

/// <summary>The rule ladder of the specification, shipped as rows so that it goes through the same validation as admins' rules.</summary>
public static class DefaultRules
{
    private static readonly Lazy<IReadOnlyList<RuleRow>> LazyRows = new(LoadRows);

    /// <summary>The shipped rows, as an admin would see them in the rules table.</summary>
    public static IReadOnlyList<RuleRow> Rows => LazyRows.Value;

    /// <summary>The shipped rules, validated.</summary>
    public static IReadOnlyList<EscalationRule> All { get; } = Rows
        .Select(row => row.Parse().Rule ?? throw new InvalidOperationException($"Shipped rule {row.Id} is invalid: {string.Join("; ", row.Parse().Problems)}"))
        .ToList();

    private static List<RuleRow> LoadRows()
    {
        using var stream = ShippedData.Open("default-rules.json");
        return JsonSerializer.Deserialize<List<RuleRow>>(stream) ?? [];
    }
}
