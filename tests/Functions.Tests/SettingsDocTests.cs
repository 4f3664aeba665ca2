using System.Text.Json;
using Escalation.Functions.Commands;

namespace Escalation.Functions.Tests;

/// <summary>Every setting the app reads is named once and appears with the same key in the sample settings and the README.</summary>
public sealed class SettingsDocTests
{
    public static TheoryData<string> Keys => [.. EngineSettings.Keys];

    [Theory]
    [MemberData(nameof(Keys))]
    public void SampleSettings_HaveTheKey(string key)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.sample.json")));

        Assert.True(sample.RootElement.GetProperty("Values").TryGetProperty(key, out _), $"{key} is missing from local.settings.sample.json");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void ReadmeSettingsTable_HasTheKey(string key)
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));

        Assert.Contains($"| `{key}` |", readme, StringComparison.Ordinal);
    }
}
