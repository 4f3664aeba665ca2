using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Storage;

/// <summary><see cref="EscalationLog.OfDates"/> over the embedded store, watching which partitions it reads.</summary>
public sealed class EscalationLogDatesTests : IDisposable
{
    private readonly TempFolder _files = new();

    // Logged:  2026-05-31 | 2026-06-01, 2026-06-15, 2026-06-30 | 2026-07-01 | 2026-09-10
    [Theory]
    [InlineData("2026-05-31", "2026-07-01", "2026-05,2026-06,2026-07", "2026-05-31,2026-06-01,2026-06-15,2026-06-30,2026-07-01")]
    [InlineData("2026-06-02", "2026-06-30", "2026-06", "2026-06-15,2026-06-30")]
    [InlineData("2026-06-29", "2026-07-05", "2026-06,2026-07", "2026-06-30,2026-07-01")]
    [InlineData("2026-07-02", "2026-09-09", "2026-07,2026-08,2026-09", "")]
    public async Task OfDates_ReadsOnlyTheMonthsTheDatesTouch_AndKeepsOnlyTheDates(string from, string to, string months, string dates)
    {
        var tables = new RecordingTables(SqliteTables.Open(_files["store"], new FakeClock(ExportData.Now)));
        var log = new EscalationLog(tables);
        foreach (var day in new[] { "2026-05-31", "2026-06-01", "2026-06-15", "2026-06-30", "2026-07-01", "2026-09-10" })
        {
            await log.Record(ExportData.Notice("lag:" + day, "fgw", D(day)), ExportData.Now);
        }

        tables.Queries.Clear();

        var read = await log.OfDates(new DateInterval(D(from), D(to))).ToListAsync();

        Assert.Equal(months.Split(','), tables.Queries.Select(q => $"{q.Table}:{q.Query.PartitionKey}").Select(q => q.Split(':')[1]));
        Assert.All(tables.Queries, q => Assert.Equal(EscalationLog.MonthTableName, q.Table));
        Assert.Equal(dates, string.Join(",", read.Select(e => Domain.Calendar.IsoDate.Format(e.Event.Date))));
    }

    [Fact]
    public async Task OfDates_ReadsTheUnitsRowKeyPrefix_WhenAUnitIsGiven()
    {
        var tables = new RecordingTables(SqliteTables.Open(_files["store"], new FakeClock(ExportData.Now)));
        var log = new EscalationLog(tables);
        await log.Record(ExportData.Notice("lag:a", "fgw", D("2026-06-02")), ExportData.Now);
        await log.Record(ExportData.Notice("lag:a", "zjj", D("2026-06-02")), ExportData.Now);
        tables.Queries.Clear();

        var read = await log.OfDates(new DateInterval(D("2026-06-01"), D("2026-06-07")), new UnitId("zjj")).ToListAsync();

        Assert.Equal("zjj", Assert.Single(read).Event.Unit.Value);
        Assert.Equal("zjj:", Assert.Single(tables.Queries).Query.RowKeyFrom);
    }

    public void Dispose() => _files.Dispose();

    private static LocalDate D(string iso) => Domain.Calendar.IsoDate.TryParse(iso)!.Value;

    /// <summary>Passes every call through and records each query with its table.</summary>
    private sealed class RecordingTables(IEntityTables inner) : IEntityTables
    {
        public List<(string Table, EntityQuery Query)> Queries { get; } = [];

        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
            new RecordingTable(await inner.Table(name, cancellationToken), Queries);
    }

    private sealed class RecordingTable(IEntityTable inner, List<(string Table, EntityQuery Query)> queries) : ForwardingTable(inner)
    {
        public override IAsyncEnumerable<Azure.Data.Tables.TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default)
        {
            lock (queries)
            {
                queries.Add((Name, query));
            }

            return Inner.Query(query, cancellationToken);
        }
    }
}
