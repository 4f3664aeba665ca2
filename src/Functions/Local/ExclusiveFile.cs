using System.Diagnostics;

namespace Escalation.Functions.Local;

/// <summary>
/// A file opened for reading and writing with no sharing: on Linux and macOS .NET takes an exclusive <c>flock</c> on it,
/// on Windows the sharing mode refuses other opens. The lock goes with the handle, so a process that dies releases it.
/// </summary>
internal static class ExclusiveFile
{
    /// <summary>Opens (creating) <paramref name="path"/> exclusively; null when another open holds it, in this process or another.</summary>
    public static FileStream? TryOpen(string path)
    {
        try
        {
            // Unbuffered: each write is one system call, so a batch of lines reaches the file in one piece.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException))
        {
            // A plain IOException is the sharing violation (flock's EWOULDBLOCK on Unix); its subclasses (folder missing,
            // path too long) and access errors are faults and propagate.
            return null;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> exclusively, waiting up to <paramref name="wait"/> for whoever holds it; throws an
    /// <see cref="IOException"/> naming the file when it is still held then.
    /// </summary>
    public static async Task<FileStream> Open(string path, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (TryOpen(path) is { } file)
            {
                return file;
            }

            if (watch.Elapsed >= wait)
            {
                throw new IOException($"{path} stayed locked by another process for {wait.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25)), cancellationToken).ConfigureAwait(false);
        }
    }
}
