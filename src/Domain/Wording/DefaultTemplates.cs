using System.Text.Json;

namespace Escalation.Domain.Wording;

/// <summary>
/// The wording shipped for the default rules, one template per id they name; admins override them by id.
/// Validated on load: a shipped template that does not validate is a bug, not admin input.
/// </summary>
public static class DefaultTemplates
{
    /// <summary>The shipped templates, in file order.</summary>
    public static IReadOnlyList<MessageTemplate> All { get; } = Load();

    /// <summary>The shipped templates by id (ordinal, as rules name them).</summary>
    public static IReadOnlyDictionary<string, MessageTemplate> ById { get; } = All.ToDictionary(t => t.Id, StringComparer.Ordinal);

    private static List<MessageTemplate> Load()
    {
        using var stream = ShippedData.Open("default-templates.json");
        var templates = JsonSerializer.Deserialize<List<MessageTemplate>>(stream) ?? [];
        foreach (var template in templates)
        {
            if (template.Validate() is { Count: > 0 } problems)
            {
                throw new InvalidOperationException($"Shipped template {template.Id} is invalid: {string.Join("; ", problems)}");
            }
        }

        return templates;
    }
}
