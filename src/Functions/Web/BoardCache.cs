using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// The board read model of this process: computed once (<see cref="BoardReader"/>, about a hundred thousand rows for a
/// city of ten thousand tasks) and shared by every request, so that a page is a filter and a render, not a read of the
/// store. It is recomputed on the first request after any of:
/// <list type="bullet">
/// <item>the store's change stamp changed: for the embedded store, the size and write time of <c>tables.db</c> and its
/// write-ahead log <c>tables.db-wal</c>, which every write by any process (<c>run</c>, <c>import</c>, the web's own forms)
/// touches; two file stats per request;</item>
/// <item><see cref="Invalidate"/> was called (the web's own writes, issue 16);</item>
/// <item>its time to live ran out: Azure Table Storage has no cheap change stamp, so in Azure the board is at most
/// <see cref="AzureTimeToLive"/> old (the daily run writes a few times a day); the local store also gets a new day's
/// lights after <see cref="LocalTimeToLive"/> at the latest;</item>
/// <item>the local date changed (the lights are for a date).</item>
/// </list>
/// One computation runs at a time; requests arriving meanwhile wait for it and share its result.
/// </summary>
internal sealed class BoardCache(Func<CancellationToken, Task<BoardSnapshot>> compute, Func<string?> changeStamp, IClock clock, Duration timeToLive) : IDisposable
{
    public static readonly Duration AzureTimeToLive = Duration.FromSeconds(60);
    public static readonly Duration LocalTimeToLive = Duration.FromMinutes(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Entry? _entry;

    private sealed record Entry(BoardSnapshot Snapshot, string? Stamp, Instant ComputedAt);

    /// <summary>How many times the board was computed (for tests and the harness).</summary>
    public int Computations { get; private set; }

    /// <summary>A cache over the tables: the embedded store gets its file stamp, Azure a time to live alone.</summary>
    public static BoardCache For(IEntityTables tables, IClock clock, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var reader = new BoardReader(tables, clock, zone);
        return tables is SqliteTables sqlite
            ? new BoardCache(reader.Read, () => FileStamp(sqlite.Path), clock, LocalTimeToLive)
            : new BoardCache(reader.Read, () => null, clock, AzureTimeToLive);
    }

    public async Task<BoardSnapshot> Get(CancellationToken cancellationToken = default)
    {
        if (Fresh(_entry) is { } fresh)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(_entry) is { } computed)
            {
                return computed;
            }

            // The stamp is taken before reading, so that a write during the read makes the next request compute again.
            var stamp = changeStamp();
            var at = clock.GetCurrentInstant();
            var snapshot = await compute(cancellationToken).ConfigureAwait(false);
            Computations++;
            _entry = new Entry(snapshot, stamp, at);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the board: the next request computes it again.</summary>
    public void Invalidate() => _entry = null;

    public void Dispose() => _gate.Dispose();

    private BoardSnapshot? Fresh(Entry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        var now = clock.GetCurrentInstant();
        if (now - entry.ComputedAt >= timeToLive || entry.Snapshot.Configuration.Calendar.DateAt(now) != entry.Snapshot.Today)
        {
            return null;
        }

        return string.Equals(changeStamp(), entry.Stamp, StringComparison.Ordinal) ? entry.Snapshot : null;
    }

    /// <summary>Size and write time of the database file and its write-ahead log.</summary>
    internal static string FileStamp(string databasePath)
    {
        static string Of(FileInfo file) => file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "-";
        return Of(new FileInfo(databasePath)) + "|" + Of(new FileInfo(databasePath + "-wal"));
    }
}
