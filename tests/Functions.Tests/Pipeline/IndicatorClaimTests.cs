using Azure.Data.Tables;
using Escalation.Domain.Items;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// An indicator event is logged once whatever unit it is decided for: its id does not depend on the unit, which can change
/// between days (a new owner, a unit joining or leaving a ranking group), so the claim in indicatorclaims, written
/// insert-if-absent before the log row, fixes the partition; a crash between the two writes is finished under the claim's
/// unit. The commit is the one an indicator's evaluation makes: dedup read (<see cref="EscalationLog.States"/>), then
/// <see cref="EventOutbox.Commit"/>.
/// </summary>
public sealed class IndicatorClaimTests : IDisposable
{
    private static readonly UnitId A = new("town-ji");
    private static readonly UnitId B = new("town-geng");

    private readonly SqliteBackend _backend = new();

    private static EscalationEvent DecidedFor(UnitId unit, int day) =>
        IndicatorEvents.BottomRank() with { Unit = unit, Date = new LocalDate(2025, 3, day) };

    /// <summary>Commits the decided events as IndicatorEvaluation.Run does: known ones, stranded (Logged) ones republished.</summary>
    private static async Task<CommitOutcome> Commit(IEntityTables tables, RecordingPublisher publisher, params EscalationEvent[] decided)
    {
        var log = new EscalationLog(tables);
        var known = await log.States(decided);
        var stranded = decided
            .Where(e => known.TryGetValue(e.Id.Value, out var s) && s.Status == LogStatus.Logged)
            .Select(e => (known[e.Id.Value].Unit ?? e.Unit, e.Id, known[e.Id.Value]))
            .ToList();
        return await new EventOutbox(log, publisher, NullLogger.Instance).Commit(decided, known, stranded, ExportData.Now, ReferenceNumber.DefaultPrefix);
    }

    private static async Task<List<TableEntity>> Rows(IEntityTables tables, string table) =>
        await (await tables.Table(table)).Query(EntityQuery.WholeTable()).ToListAsync();

    [Fact]
    public async Task Commit_LogsAndPublishesOnce_UnderTheFirstUnit_WhenTheSameEventIsDecidedForAnotherUnitTheNextDay()
    {
        var tables = _backend.Fresh();
        var publisher = new RecordingPublisher();
        var day1 = DecidedFor(A, 17);
        var day2 = DecidedFor(B, 18);
        Assert.Equal(day1.Id, day2.Id);

        var first = await Commit(tables, publisher, day1);
        var second = await Commit(tables, publisher, day2);

        Assert.Equal((1, 0), (first.Logged.Count, first.Republished));
        Assert.Equal((0, 0), (second.Logged.Count, second.Republished));
        var row = Assert.Single(await Rows(tables, EscalationLog.TableName));
        Assert.Equal((A.Value, day1.Id.Value, A.Value, "Published"), (row.PartitionKey, row.RowKey, row.GetString("Unit"), row.GetString("Status")));
        Assert.Single(await Rows(tables, EscalationLog.MonthTableName));
        Assert.Equal([day1.Id.Value], publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId));
        var claim = Assert.Single(await Rows(tables, EscalationLog.ClaimTableName));
        Assert.Equal((day1.Item.Value, day1.Id.Value, A.Value), (claim.PartitionKey, claim.RowKey, claim.GetString("Unit")));
        Assert.Null(await new EscalationLog(tables).Find(B, day1.Id));
    }

    [Fact]
    public async Task States_FindsTheEventUnderTheClaimsUnit_AndSaysWhichUnitThatIs()
    {
        var tables = _backend.Fresh();
        await Commit(tables, new RecordingPublisher(), DecidedFor(A, 17));

        var states = await new EscalationLog(tables).States([DecidedFor(B, 18)]);

        var state = Assert.Single(states).Value;
        Assert.Equal((LogStatus.Published, true, (UnitId?)A), (state.Status, state.Indexed, state.Unit));
    }

    [Theory]
    [InlineData("town-ji")]
    [InlineData("town-geng")]
    public async Task Commit_WritesTheRowUnderTheClaimsUnit_AndPublishesOnce_AfterACrashBetweenTheClaimAndTheRow(string nextDayUnit)
    {
        var tables = _backend.Fresh();
        var day1 = DecidedFor(A, 17);
        var crashing = new CrashingLogTables(tables);
        await Assert.ThrowsAsync<IOException>(() => Commit(crashing, new RecordingPublisher(), day1));
        Assert.Single(await Rows(tables, EscalationLog.ClaimTableName));
        Assert.Empty(await Rows(tables, EscalationLog.TableName));
        var publisher = new RecordingPublisher();

        var next = await Commit(tables, publisher, DecidedFor(new UnitId(nextDayUnit), 18));
        var again = await Commit(tables, publisher, DecidedFor(B, 19));

        var logged = Assert.Single(next.Logged);
        Assert.Equal(A, logged.Unit);
        Assert.Equal((0, 0), (again.Logged.Count, again.Republished));
        var row = Assert.Single(await Rows(tables, EscalationLog.TableName));
        Assert.Equal((A.Value, day1.Id.Value, A.Value, "Published", true), (row.PartitionKey, row.RowKey, row.GetString("Unit"), row.GetString("Status"), row.GetBoolean("Indexed")));
        var copy = Assert.Single(await Rows(tables, EscalationLog.MonthTableName));
        Assert.Equal($"{A.Value}:{day1.Id.Value}", copy.RowKey);
        Assert.Equal([day1.Id.Value], publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId));
        Assert.Equal(A, EventNotice.Parse(publisher.To(ServiceBusEntities.EventsTopic)[0].Body).Notice!.Unit);
    }

    [Fact]
    public async Task Record_LogsATasksEvent_WithoutAClaim()
    {
        var tables = _backend.Fresh();
        var notice = ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2));

        Assert.True(await new EscalationLog(tables).Record(notice, ExportData.Now));

        Assert.Empty(await Rows(tables, EscalationLog.ClaimTableName));
        Assert.Single(await Rows(tables, EscalationLog.TableName));
    }

    public void Dispose() => _backend.Dispose();

    /// <summary>The store as a crash right after the claim leaves it: inserting the log row fails, nothing written.</summary>
    private sealed class CrashingLogTables(IEntityTables inner) : IEntityTables
    {
        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default)
        {
            var table = await inner.Table(name, cancellationToken);
            return name == EscalationLog.TableName ? new Crashing(table) : table;
        }

        private sealed class Crashing(IEntityTable inner) : ForwardingTable(inner)
        {
            public override Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default) =>
                throw new IOException("The process stopped before the log row was written.");
        }
    }
}
