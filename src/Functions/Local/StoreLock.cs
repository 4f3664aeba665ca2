using System.Diagnostics;
using System.Text.Json;
using NodaTime;

namespace Escalation.Functions.Local;

/// <summary>Who holds a store's lock, as the holder recorded it; <see cref="Since"/> is when it took the lock.</summary>
internal sealed record StoreHolder(int ProcessId, string Command, Instant? Since);

/// <summary>
/// The exclusive claim of one process on an embedded store folder: an operating-system lock on <c>{store}/run.lock</c>
/// (a <see cref="FileShare.None"/> open: <c>flock</c> on Linux and macOS, a sharing mode on Windows). The system drops it
/// when the process ends, however it ends, so a killed run never leaves a stale lock and the next run gets the store at
/// once. Next to it, <c>run.holder</c> names the holder (process id, command; its write time is when it took the lock)
/// for the message a refused run prints. The lock file itself is never deleted: a process waiting on it must lock the
/// same file the holder locked.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    public const string FileName = "run.lock";
    public const string HolderFileName = "run.holder";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _file;

    private StoreLock(string folder, FileStream file, bool isExclusive)
    {
        Folder = folder;
        _file = file;
        IsExclusive = isExclusive;
    }

    /// <summary>The store folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// True when the lock really keeps other processes out. False only where the runtime or the file system does not
    /// enforce file locks (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>, some network file systems): the caller must then
    /// behave as if the store were shared.
    /// </summary>
    public bool IsExclusive { get; }

    /// <summary>The lock and holder files, which clearing a store folder must leave in place.</summary>
    public static IReadOnlySet<string> Files { get; } = new HashSet<string>(StringComparer.Ordinal) { FileName, HolderFileName };

    /// <summary>Takes the lock if nobody holds it; otherwise null and who holds it (null when the holder left no record).</summary>
    public static (StoreLock? Lock, StoreHolder? Holder) TryAcquire(string folder, string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        if (ExclusiveFile.TryOpen(path) is not { } file)
        {
            return (null, Holder(folder));
        }

        // A second exclusive open must fail while the file is held; where it does not, locks are not enforced.
        using var probe = ExclusiveFile.TryOpen(path);
        var held = new StoreLock(folder, file, isExclusive: probe is null);
        held.WriteHolder(command);
        return (held, null);
    }

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> for its holder to finish (<paramref name="waiting"/> is told
    /// once, a moment into the wait). Null and the holder when it is still held after the wait.
    /// </summary>
    public static async Task<(StoreLock? Lock, StoreHolder? Holder)> Acquire(
        string folder, string command, Duration wait, Action<StoreHolder?>? waiting = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var (held, holder) = TryAcquire(folder, command);
            if (held is not null)
            {
                return (held, null);
            }

            // A holder that took the lock a moment ago may not have written its record yet: look again a little later.
            if (watch.Elapsed >= wait.ToTimeSpan())
            {
                if (holder is null)
                {
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                    holder = Holder(folder);
                }

                return (null, holder);
            }

            if (attempt == 2)
            {
                waiting?.Invoke(holder);
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        // The record goes first, so that no one reads it as this process's once the lock is free.
        try
        {
            File.Delete(Path.Combine(Folder, HolderFileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover record is harmless: it is read only while the lock is held, and the next holder replaces it.
        }

        _file.Dispose();
    }

    private void WriteHolder(string command)
    {
        var path = Path.Combine(Folder, HolderFileName);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new HolderRecord(Environment.ProcessId, command)));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The holder's record, read without touching the lock: null when there is none (or it cannot be read).</summary>
    public static StoreHolder? Holder(string folder)
    {
        var path = Path.Combine(Path.GetFullPath(folder), HolderFileName);
        try
        {
            var record = JsonSerializer.Deserialize<HolderRecord>(File.ReadAllText(path));
            var since = File.GetLastWriteTimeUtc(path);
            // A file removed between the two reads has the file system's "no time" (1601): then the time is unknown.
            return record is null ? null : new StoreHolder(record.ProcessId, record.Command, since > DateTime.UnixEpoch ? Instant.FromDateTimeUtc(since) : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Not written yet (the holder took the lock a moment ago) or removed: the holder is unknown.
            return null;
        }
    }

    private sealed record HolderRecord(int ProcessId, string Command);
}
