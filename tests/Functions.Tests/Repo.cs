namespace Escalation.Functions.Tests;

/// <summary>The repository, found by walking up from the test binaries to Escalation.sln, and the folders tests read.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string Samples => Path.Combine(Root, "samples");

    public static string Broken => Path.Combine(Root, "samples", "broken");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Escalation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Escalation.sln above {AppContext.BaseDirectory}.");
    }
}
