using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// The board read model of this process: computed from the whole store (<see cref="BoardReader"/>, about a hundred
/// thousand rows for a city of ten thousand tasks) and shared by every request, so that a page is a filter and a render,
/// not a read of the store. Pages never wait for a recomputation, except the very first requests after a cold start
/// that arrive before the warm-up (<see cref="Warm"/>, at start) has finished: once a model exists, a request gets it at
/// once and, when it is out of date, starts a recomputation in the background; the page says how old it is
/// (<see cref="BoardSnapshot.ComputedAt"/>, 「数据截至 HH:mm」). The model is out of date after any of:
/// <list type="bullet">
/// <item>the store's change stamp changed: for the embedded store, the size and write time of <c>tables.db</c> and its
/// write-ahead log <c>tables.db-wal</c>, which every write by any process (<c>run</c>, <c>import</c>, the web's own forms)
/// touches. The local store is also watched (<see cref="Watch"/>: two file stats every few seconds), so that a change is
/// recomputed before the next page asks;</item>
/// <item><see cref="Invalidate"/> was called (the web's own writes, issue 16: await <see cref="Current"/> to see them);</item>
/// <item>its time to live ran out: Azure Table Storage has no cheap change stamp, so in Azure the board is recomputed
/// when a request finds it older than <see cref="AzureTimeToLive"/> (the daily run writes a few times a day); the local
/// store also gets a new day's lights after <see cref="LocalTimeToLive"/> at the latest;</item>
/// <item>the local date changed (the lights are for a date).</item>
/// </list>
/// One computation runs at a time, on the cache's own cancellation (a request that gives up does not cancel it).
/// </summary>
internal sealed class BoardCache(
    Func<CancellationToken, Task<BoardSnapshot>> compute, Func<string?> changeStamp, IClock clock, Duration timeToLive, Action<Exception>? failed = null)
    : IDisposable
{
    public static readonly Duration AzureTimeToLive = Duration.FromSeconds(60);
    public static readonly Duration LocalTimeToLive = Duration.FromMinutes(10);

    /// <summary>How often the local store's change stamp is looked at.</summary>
    public static readonly TimeSpan LocalWatchInterval = TimeSpan.FromSeconds(2);

    /// <summary>After a failed computation, requests serve the previous model and try again no sooner than this.</summary>
    public static readonly Duration RetryAfterFailure = Duration.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Entry? _entry;
    private Task<BoardSnapshot>? _running;
    private int _version;
    private int _computations;
    private Instant? _failedAt;

    private sealed record Entry(BoardSnapshot Snapshot, string? Stamp, Instant ComputedAt, int Version);

    /// <summary>How many times the board was computed (for tests and the harness).</summary>
    public int Computations => Volatile.Read(ref _computations);

    /// <summary>True once a model exists (the warm-up finished, or a first request computed it).</summary>
    public bool Warmed => Volatile.Read(ref _entry) is not null;

    /// <summary>
    /// A cache over the tables: the embedded store gets its file stamp (and is watched), Azure a time to live alone.
    /// <paramref name="failed"/> hears of a computation that failed (the previous model stays served).
    /// </summary>
    public static BoardCache For(IEntityTables tables, IClock clock, DateTimeZone zone, Action<Exception>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var reader = new BoardReader(tables, clock, zone);
        if (tables is SqliteTables sqlite)
        {
            var local = new BoardCache(reader.Read, () => FileStamp(sqlite.Path), clock, LocalTimeToLive, failed);
            local.Watch(LocalWatchInterval);
            return local;
        }

        return new BoardCache(reader.Read, () => null, clock, AzureTimeToLive, failed);
    }

    /// <summary>
    /// The model to serve: the current one, or the previous one while a newer is computed in the background. Waits only
    /// when there is none yet (a cold start before the warm-up finished).
    /// </summary>
    public async Task<BoardSnapshot> Get(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _entry) is not { } entry)
        {
            return await Refresh().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!IsFresh(entry) && MayRetry())
        {
            Background();
        }

        return entry.Snapshot;
    }

    /// <summary>The current model: waits for a recomputation when the one held is out of date (tests, and a page that must show its own write).</summary>
    public async Task<BoardSnapshot> Current(CancellationToken cancellationToken = default)
    {
        // A computation that started before the model went out of date (a write during it) is followed by another.
        for (var attempt = 0; ; attempt++)
        {
            if (Volatile.Read(ref _entry) is { } entry && IsFresh(entry))
            {
                return entry.Snapshot;
            }

            var snapshot = await Refresh().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (attempt > 0)
            {
                return snapshot;
            }
        }
    }

    /// <summary>Starts computing the model now (at start, so that the first page finds it ready); failures go to the callback.</summary>
    public void Warm() => Background();

    /// <summary>Marks the model out of date and recomputes it in the background; pages serve the previous one meanwhile.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        Background();
    }

    /// <summary>
    /// Looks at the change stamp every <paramref name="interval"/> and recomputes in the background when the store changed
    /// (or the model's time ran out, or the date changed), so that the next page finds the new model ready.
    /// </summary>
    public void Watch(TimeSpan interval)
    {
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
                {
                    if (Volatile.Read(ref _entry) is { } entry && !IsFresh(entry) && MayRetry())
                    {
                        Background();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>The running computation, or a new one.</summary>
    private Task<BoardSnapshot> Refresh()
    {
        lock (_lock)
        {
            return _running ??= Compute();
        }
    }

    /// <summary>A computation nobody awaits: its failure is reported, not thrown.</summary>
    private void Background()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _ = Refresh().ContinueWith(
            t => failed?.Invoke(t.Exception!.GetBaseException()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<BoardSnapshot> Compute()
    {
        // Off the caller's thread: a request that starts the computation in the background returns at once.
        await Task.Yield();
        try
        {
            // The stamp and version are taken before reading, so that a write during the read makes the model out of date.
            var version = Volatile.Read(ref _version);
            var stamp = changeStamp();
            var at = clock.GetCurrentInstant();
            var snapshot = await compute(_stopping.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _computations);
            Volatile.Write(ref _entry, new Entry(snapshot, stamp, at, version));
            _failedAt = null;
            return snapshot;
        }
        catch (Exception) when (!_stopping.IsCancellationRequested)
        {
            _failedAt = clock.GetCurrentInstant();
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _running = null;
            }
        }
    }

    private bool MayRetry() => _failedAt is not { } failedAt || clock.GetCurrentInstant() - failedAt >= RetryAfterFailure;

    private bool IsFresh(Entry entry)
    {
        var now = clock.GetCurrentInstant();
        return entry.Version == Volatile.Read(ref _version)
            && now - entry.ComputedAt < timeToLive
            && entry.Snapshot.Configuration.Calendar.DateAt(now) == entry.Snapshot.Today
            && string.Equals(changeStamp(), entry.Stamp, StringComparison.Ordinal);
    }

    /// <summary>Size and write time of the database file and its write-ahead log.</summary>
    internal static string FileStamp(string databasePath)
    {
        static string Of(FileInfo file) => file.Exists ? $"{file.Length}:{file.LastWriteTimeUtc.Ticks}" : "-";
        return Of(new FileInfo(databasePath)) + "|" + Of(new FileInfo(databasePath + "-wal"));
    }
}
