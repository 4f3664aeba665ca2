using System.Diagnostics;

namespace Escalation.Web.Tests;

/// <summary>
/// A local store holding the sample city (samples/*.csv), imported with the engine's own <c>import</c> command into a
/// fresh temporary folder, for the pages to serve (<c>web --store DIR --port P</c>, through <see cref="AppProcess.App"/>).
/// </summary>
public sealed class SampleStore : IDisposable
{
    private SampleStore(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>The repository's samples folder (beside src/ and tests/).</summary>
    public static string SamplesFolder
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Escalation.sln")))
            {
                folder = folder.Parent;
            }

            return folder is null
                ? throw new DirectoryNotFoundException($"No Escalation.sln above {AppContext.BaseDirectory}.")
                : Path.Combine(folder.FullName, "samples");
        }
    }

    /// <summary>Imports the samples into a new store; fails with the import's output when it does not succeed.</summary>
    public static async Task<SampleStore> Import()
    {
        var folder = Path.Combine(Path.GetTempPath(), "escalation-web-tests", Guid.NewGuid().ToString("N"));
        await AppProcess.RunEngine(["import", SamplesFolder, "--store", folder]).ConfigureAwait(false);
        return new SampleStore(folder);
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
