using Azure;
using Azure.Data.Tables;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// What every table backend must do, as the stores rely on it. The same tests run against Azurite and the embedded
/// SQLite store (the two classes at the bottom).
/// </summary>
public abstract class EntityTableContract<TBackend>(TBackend backend)
    where TBackend : IBackend
{
    private async Task<IEntityTable> Table() => await backend.Fresh().Table("contract");

    [Fact]
    public async Task AddIfAbsent_InsertsOnceAndKeepsTheFirst_WhenTheKeyExists()
    {
        var table = await Table();

        var first = await table.AddIfAbsent(new TableEntity("p", "r") { ["Value"] = "first" });
        var second = await table.AddIfAbsent(new TableEntity("p", "r") { ["Value"] = "second" });

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("first", (await table.Find("p", "r"))!.GetString("Value"));
    }

    [Fact]
    public async Task AddIfAbsent_LetsExactlyOneWriterWin_WhenManyRace()
    {
        var table = await Table();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => table.AddIfAbsent(new TableEntity("p", "race") { ["Writer"] = i }))));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task UpsertAll_WritesEveryEntityInKeyOrder_WhenMoreThanOneBatchAndPartition()
    {
        var table = await Table();
        var entities = Enumerable.Range(0, 250)
            .Select(i => new TableEntity(i % 2 == 0 ? "even" : "odd", $"{249 - i:D4}") { ["N"] = i })
            .ToList();

        await table.UpsertAll(entities);
        var even = await table.Query(EntityQuery.Partition("even")).ToListAsync();

        Assert.Equal(125, even.Count);
        Assert.Equal(even.Select(e => e.RowKey).Order(StringComparer.Ordinal), even.Select(e => e.RowKey));
        Assert.Equal(250, await table.Query(EntityQuery.WholeTable()).CountAsync());
    }

    [Fact]
    public async Task UpsertAll_ReplacesWholeEntities_WhenKeysExist()
    {
        var table = await Table();
        await table.UpsertAll([new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" }]);

        await table.UpsertAll([new TableEntity("p", "r") { ["A"] = "changed" }]);
        var found = await table.Find("p", "r");

        Assert.Equal("changed", found!.GetString("A"));
        Assert.False(found.ContainsKey("B"));
    }

    [Fact]
    public async Task ReplaceIfMatch_Fails_WhenSomeoneElseChangedTheEntityFirst()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "r") { ["Status"] = "new" });
        var read = (await table.Find("p", "r"))!;

        var mine = await table.ReplaceIfMatch(new TableEntity("p", "r") { ["Status"] = "mine" }, read.ETag);
        var theirs = await table.ReplaceIfMatch(new TableEntity("p", "r") { ["Status"] = "theirs" }, read.ETag);

        Assert.True(mine);
        Assert.False(theirs);
        Assert.Equal("mine", (await table.Find("p", "r"))!.GetString("Status"));
    }

    // A delivery claim: every runner read the same version and tries to claim it; the store lets exactly one through.
    [Fact]
    public async Task ReplaceIfMatch_LetsExactlyOneWriterWin_WhenManyReplaceTheSameVersionAtOnce()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "claim") { ["Status"] = "Pending" });
        var read = (await table.Find("p", "claim"))!;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => table.ReplaceIfMatch(new TableEntity("p", "claim") { ["Status"] = "Pending", ["Claimant"] = i }, read.ETag))));

        Assert.Single(results, r => r);
        Assert.Equal(Array.IndexOf(results, true), (await table.Find("p", "claim"))!.GetInt32("Claimant"));
    }

    [Fact]
    public async Task ReplaceIfMatch_Fails_WhenTheEntityIsGone()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "r"));
        var read = (await table.Find("p", "r"))!;
        await table.Delete("p", "r", ETag.All);

        var replaced = await table.ReplaceIfMatch(new TableEntity("p", "r") { ["Status"] = "late" }, read.ETag);

        Assert.False(replaced);
        Assert.Null(await table.Find("p", "r"));
    }

    [Fact]
    public async Task Delete_HonoursTheETag_AndSaysWhenNothingWasThere()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "r"));
        var read = (await table.Find("p", "r"))!;
        await table.ReplaceIfMatch(new TableEntity("p", "r") { ["V"] = 1 }, read.ETag);

        var stale = await table.Delete("p", "r", read.ETag);
        var any = await table.Delete("p", "r", ETag.All);
        var missing = await table.Delete("p", "r", ETag.All);

        Assert.False(stale);
        Assert.True(any);
        Assert.False(missing);
    }

    [Fact]
    public async Task Find_ReadsOnlyTheSelectedProperties_AndAlwaysTheKeys()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "r") { ["Wanted"] = "yes", ["Other"] = "no" });

        var found = await table.Find("p", "r", ["Wanted"]);

        Assert.Equal("yes", found!.GetString("Wanted"));
        Assert.False(found.ContainsKey("Other"));
        Assert.Equal(("p", "r"), (found.PartitionKey, found.RowKey));
        Assert.NotEqual(default, found.ETag);
    }

    [Fact]
    public async Task Find_ReturnsNull_WhenAbsent()
    {
        var table = await Table();

        Assert.Null(await table.Find("p", "nobody"));
    }

    [Fact]
    public async Task Query_ReturnsOnlyThePrefix_WhenARowKeyRangeIsGiven()
    {
        var table = await Table();
        await table.UpsertAll([
            new TableEntity("u", "task-1:2026-01-10:01"), new TableEntity("u", "task-1:2026-01-20:01"),
            new TableEntity("u", "task-10:2026-01-10:01"), new TableEntity("u", "task-2:2026-01-10:01"), new TableEntity("v", "task-1:x"),
        ]);

        var rows = await table.Query(EntityQuery.Prefix("u", "task-1:")).Select(e => e.RowKey).ToListAsync();

        Assert.Equal(["task-1:2026-01-10:01", "task-1:2026-01-20:01"], rows);
    }

    [Fact]
    public async Task Query_FiltersOnAStringProperty_AndProjects()
    {
        var table = await Table();
        await table.UpsertAll([
            new TableEntity("m", "a") { ["Status"] = "Open", ["Big"] = new string('x', 2000) },
            new TableEntity("m", "b") { ["Status"] = "Resolved" },
            new TableEntity("m", "c") { ["Status"] = "Open's", ["Big"] = "y" },
        ]);

        var open = await table.Query(EntityQuery.Partition("m", ["Status"]).WhereEquals("Status", "Open")).ToListAsync();
        var quoted = await table.Query(EntityQuery.Partition("m").WhereEquals("Status", "Open's")).ToListAsync();

        Assert.Equal("a", Assert.Single(open).RowKey);
        Assert.False(open[0].ContainsKey("Big"));
        Assert.Equal("c", Assert.Single(quoted).RowKey);
    }

    [Fact]
    public async Task Query_PagesThroughLargePartitions()
    {
        var table = await Table();
        await table.UpsertAll([.. Enumerable.Range(0, 1234).Select(i => new TableEntity("big", $"{i:D5}"))]);

        var count = await table.Query(EntityQuery.Partition("big", ["RowKey"])).CountAsync();

        Assert.Equal(1234, count);
    }

    [Fact]
    public async Task Properties_KeepTheirTypes_ThroughTheRoundTrip()
    {
        var table = await Table();
        var when = new DateTimeOffset(2026, 6, 1, 0, 30, 15, 123, TimeSpan.Zero);
        var id = Guid.Parse("7d8a0cbe-1b1f-4a59-9f65-8a3b5f0c2d11");
        await table.AddIfAbsent(new TableEntity("p", "r")
        {
            ["Text"] = "市发展改革委：城市更新“一号工程”",
            ["Int"] = 42,
            ["Long"] = 1L << 40,
            ["Double"] = 37.5,
            ["Flag"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 1, 2, 3 },
        });

        var found = (await table.Find("p", "r"))!;

        Assert.Equal("市发展改革委：城市更新“一号工程”", found.GetString("Text"));
        Assert.Equal(42, found.GetInt32("Int"));
        Assert.Equal(1L << 40, found.GetInt64("Long"));
        Assert.Equal(37.5, found.GetDouble("Double"));
        Assert.Equal(true, found.GetBoolean("Flag"));
        Assert.Equal(when, found.GetDateTimeOffset("When"));
        Assert.Equal(id, found.GetGuid("Id"));
        Assert.Equal(new byte[] { 1, 2, 3 }, found.GetBinary("Bytes"));
        Assert.NotNull(found.Timestamp);
    }

    [Fact]
    public async Task Merge_AddsAndChangesPropertiesAndKeepsTheRest_CreatingWhenAbsent()
    {
        var table = await Table();
        await table.AddIfAbsent(new TableEntity("p", "r") { ["Keep"] = "kept", ["Change"] = "old" });

        await table.Merge(new TableEntity("p", "r") { ["Change"] = "new", ["Add"] = 1 });
        await table.Merge(new TableEntity("p", "created") { ["Add"] = 2 });
        var merged = (await table.Find("p", "r"))!;

        Assert.Equal(("kept", "new", 1), (merged.GetString("Keep"), merged.GetString("Change"), merged.GetInt32("Add")));
        Assert.Equal(2, (await table.Find("p", "created"))!.GetInt32("Add"));
    }
}

public sealed class AzuriteEntityTableTests() : EntityTableContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteEntityTableTests(SqliteBackend backend) : EntityTableContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
