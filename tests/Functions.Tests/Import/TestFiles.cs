using System.Text;

namespace Escalation.Functions.Tests.Import;

/// <summary>A fresh temporary folder for one test's files, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "escalation-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder (a subfolder or file not created yet).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file of lines as UTF-8, with or without a byte order mark; returns its path.</summary>
    public string Write(string name, bool bom, params string[] lines)
    {
        var file = this[name];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, string.Join("\n", lines) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        return file;
    }

    /// <summary>Copies every file of <paramref name="source"/> into a new subfolder; returns the subfolder.</summary>
    public string CopyOf(string source, string name)
    {
        var target = this[name];
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        return target;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }
}
