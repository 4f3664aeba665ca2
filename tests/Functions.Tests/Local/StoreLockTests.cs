using System.Diagnostics;
using Escalation.Functions.Local;
using Escalation.Functions.Tests.Import;
using NodaTime;

namespace Escalation.Functions.Tests.Local;

/// <summary>
/// The lock on an embedded store, within one process: each open of the lock file is its own OS lock, so two
/// acquisitions here contend as two processes would. Across real processes (and a killed holder): OverlappingRunTests.
/// </summary>
public sealed class StoreLockTests : IDisposable
{
    private readonly TempFolder _store = new();

    [Fact]
    public void TryAcquire_RefusesAndNamesTheHolder_WhenTheStoreIsHeld()
    {
        using var first = StoreLock.TryAcquire(_store.Path, "run").Lock;

        var (second, holder) = StoreLock.TryAcquire(_store.Path, "simulate");

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.NotNull(holder);
        Assert.Equal((Environment.ProcessId, "run"), (holder.ProcessId, holder.Command));
        Assert.NotNull(holder.Since);
    }

    [Fact]
    public void TryAcquire_TakesTheStore_WhenTheHolderReleasedIt()
    {
        StoreLock.TryAcquire(_store.Path, "run").Lock!.Dispose();

        var (again, holder) = StoreLock.TryAcquire(_store.Path, "run");

        using (again)
        {
            Assert.NotNull(again);
            Assert.Null(holder);
            Assert.True(again.IsExclusive);
        }

        Assert.True(File.Exists(Path.Combine(_store.Path, StoreLock.FileName)));
        Assert.False(File.Exists(Path.Combine(_store.Path, StoreLock.HolderFileName)));
    }

    [Fact]
    public async Task Acquire_TakesTheStoreOnceTheHolderLetsGo_WhenThatIsWithinTheWait()
    {
        var first = StoreLock.TryAcquire(_store.Path, "run").Lock!;
        var toldToWait = new List<StoreHolder?>();
        var release = Task.Run(async () =>
        {
            await Task.Delay(500);
            first.Dispose();
        });

        var (second, _) = await StoreLock.Acquire(_store.Path, "run", Duration.FromSeconds(30), toldToWait.Add);
        await release;

        using (second)
        {
            Assert.NotNull(second);
            Assert.Equal(Environment.ProcessId, Assert.Single(toldToWait)?.ProcessId);
        }
    }

    [Fact]
    public async Task Acquire_RefusesAfterTheWait_WhenTheHolderKeepsTheStore()
    {
        using var first = StoreLock.TryAcquire(_store.Path, "demo").Lock;
        var watch = Stopwatch.StartNew();

        var (second, holder) = await StoreLock.Acquire(_store.Path, "run", Duration.FromMilliseconds(600));

        Assert.Null(second);
        Assert.Equal("demo", holder?.Command);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Acquire_RefusesAtOnce_WhenTheWaitIsZero()
    {
        using var first = StoreLock.TryAcquire(_store.Path, "run").Lock;
        var watch = Stopwatch.StartNew();

        var (second, holder) = await StoreLock.Acquire(_store.Path, "run", Duration.Zero);

        Assert.Null(second);
        Assert.NotNull(holder);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Lease_IsZero_WhenTheStoreIsHeldExclusively()
    {
        using var held = StoreLock.TryAcquire(_store.Path, "run").Lock;

        Assert.Equal(Duration.Zero, LocalMode.Lease(held, Duration.FromMinutes(2)));
    }

    [Fact]
    public void Lease_IsTheConfiguredOne_WhenTheTablesAreShared()
    {
        Assert.Equal(Duration.FromMinutes(2), LocalMode.Lease(null, Duration.FromMinutes(2)));
    }

    public void Dispose() => _store.Dispose();
}
