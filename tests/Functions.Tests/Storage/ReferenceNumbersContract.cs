using Azure.Data.Tables;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// References (文号) are assigned once per event and never twice per number, on Azurite and on the embedded store alike:
/// sequential per year, stable across retries, crashes between steps and allocators racing.
/// </summary>
public abstract class ReferenceNumbersContract<TBackend>(TBackend backend)
    where TBackend : IBackend
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 2, 0, 30);

    private static EventId Id(string occurrence) => EventId.For(new RuleId("R5"), new ItemId("fgw-2026-01"), occurrence);

    private static EscalationEvent Event(EventLevel level, string occurrence = "lag:2026-05", bool logOnly = false) =>
        StoreContract<TBackend>.Notice(occurrence) with
        {
            Id = Id(occurrence),
            Level = level,
            Channels = logOnly ? [] : [Channel.Email],
            Recipients = logOnly ? [] : StoreContract<TBackend>.Notice().Recipients,
        };

    [Fact]
    public async Task Assign_NumbersEachYearFromOne_InOrder()
    {
        var references = new ReferenceNumbers(backend.Fresh());

        var first = await references.Assign(Id("a"), 2026, "督办");
        var second = await references.Assign(Id("b"), 2026, "督办");
        var otherYear = await references.Assign(Id("c"), 2027, "督办");
        var third = await references.Assign(Id("d"), 2026, "督办");

        Assert.Equal(["督办〔2026〕0001号", "督办〔2026〕0002号", "督办〔2027〕0001号", "督办〔2026〕0003号"], [first, second, otherYear, third]);
        Assert.Equal(3, await references.Last(2026));
        Assert.Equal(1, await references.Last(2027));
    }

    [Fact]
    public async Task Assign_GivesTheSameReferenceAgain_WhateverThePrefixNow()
    {
        var references = new ReferenceNumbers(backend.Fresh());
        var first = await references.Assign(Id("a"), 2026, "督办");

        var again = await references.Assign(Id("a"), 2026, "市督");
        var read = await references.Of(Id("a"));

        Assert.Equal("督办〔2026〕0001号", first);
        Assert.Equal(first, again);
        Assert.Equal(first, read);
        Assert.Equal(1, await references.Last(2026));
    }

    [Fact]
    public async Task Resolve_FindsTheEvent_InEveryWrittenForm_AndNothingForANumberNeverGiven()
    {
        var references = new ReferenceNumbers(backend.Fresh());
        await references.Assign(Id("a"), 2026, "督办");
        await references.Assign(Id("b"), 2026, "督办");

        foreach (var text in new[] { "督办〔2026〕0002号", "督办[2026]2号", "2026-0002", "2026〔0002〕" })
        {
            Assert.Equal(Id("b"), await references.Resolve(ReferenceNumber.Parse(text)));
        }

        Assert.Null(await references.Resolve(new ReferenceNumber(2026, 3)));
        Assert.Null(await references.Resolve(new ReferenceNumber(2025, 1)));
    }

    [Fact]
    public async Task Assign_NeverGivesANumberTwice_WhenManyAllocatorsRun()
    {
        var tables = backend.Fresh();
        var ids = Enumerable.Range(0, 12).Select(i => Id("race-" + i)).ToList();

        var assigned = await Task.WhenAll(ids.Select(id => Task.Run(() => new ReferenceNumbers(tables).Assign(id, 2026, "督办"))));

        Assert.Equal(ids.Count, assigned.Distinct(StringComparer.Ordinal).Count());
        var references = new ReferenceNumbers(tables);
        foreach (var (id, text) in ids.Zip(assigned))
        {
            Assert.Equal(id, await references.Resolve(ReferenceNumber.Parse(text)));
        }
    }

    [Fact]
    public async Task Assign_GivesBothRacersTheSameReference_WhenTwoAllocatorsNumberOneEvent_AndTheLosersNumberIsAGap()
    {
        var gate = new Rendezvous(backend.Fresh(), entity => entity.PartitionKey == ReferenceNumbers.EventPartition, 2);

        var both = await Task.WhenAll(Task.Run(() => new ReferenceNumbers(gate).Assign(Id("a"), 2026, "督办")), Task.Run(() => new ReferenceNumbers(gate).Assign(Id("a"), 2026, "督办")));

        Assert.True(gate.Met);
        Assert.Equal(both[0], both[1]);
        var references = new ReferenceNumbers(gate);
        Assert.Equal(2, await references.Last(2026));
        var numbers = new[] { new ReferenceNumber(2026, 1), new ReferenceNumber(2026, 2) };
        var resolved = new List<EventId?>();
        foreach (var number in numbers)
        {
            resolved.Add(await references.Resolve(number));
        }

        // One number names the event, the other is a gap: never two numbers for one event.
        Assert.Single(resolved, r => r == Id("a"));
        Assert.Single(resolved, r => r is null);
        Assert.Equal(Id("a"), await references.Resolve(ReferenceNumber.Parse(both[0])));
    }

    [Fact]
    public async Task Assign_LeavesAGap_NeverADuplicate_WhenItCrashesBetweenTheNumberAndTheEventRow()
    {
        var tables = backend.Fresh();
        var crashing = new CrashOnce(tables, entity => entity.PartitionKey == ReferenceNumbers.EventPartition);

        await Assert.ThrowsAsync<TimeoutException>(() => new ReferenceNumbers(crashing).Assign(Id("a"), 2026, "督办"));
        var retried = await new ReferenceNumbers(crashing).Assign(Id("a"), 2026, "督办");
        var again = await new ReferenceNumbers(tables).Assign(Id("a"), 2026, "督办");
        var next = await new ReferenceNumbers(tables).Assign(Id("b"), 2026, "督办");

        Assert.Equal("督办〔2026〕0002号", retried);
        Assert.Equal(retried, again);
        Assert.Equal("督办〔2026〕0003号", next);
        var references = new ReferenceNumbers(tables);
        Assert.Null(await references.Resolve(new ReferenceNumber(2026, 1)));
        Assert.Equal(Id("a"), await references.Resolve(new ReferenceNumber(2026, 2)));
    }

    [Fact]
    public async Task Assign_LeavesAGap_WhenItCrashesAfterTakingTheNumber_AndTakesTheNextOne_WhenTheCounterIsBehind()
    {
        var tables = backend.Fresh();
        var crashing = new CrashOnce(tables, entity => entity.PartitionKey == "2026");
        await Assert.ThrowsAsync<TimeoutException>(() => new ReferenceNumbers(crashing).Assign(Id("a"), 2026, "督办"));
        var afterCrash = await new ReferenceNumbers(tables).Assign(Id("a"), 2026, "督办");

        // A counter set back (a restored backup) may give a number never written (the crash's), and moves past those given.
        var table = await tables.Table(ReferenceNumbers.TableName);
        await table.UpsertAll([new TableEntity(ReferenceNumbers.CounterPartition, "2026") { ["Last"] = 0 }]);
        var afterReset = await new ReferenceNumbers(tables).Assign(Id("b"), 2026, "督办");
        var past = await new ReferenceNumbers(tables).Assign(Id("c"), 2026, "督办");

        Assert.Equal("督办〔2026〕0002号", afterCrash);
        Assert.Equal("督办〔2026〕0001号", afterReset);
        Assert.Equal("督办〔2026〕0003号", past);
        Assert.Equal(Id("a"), await new ReferenceNumbers(tables).Resolve(new ReferenceNumber(2026, 2)));
    }

    [Fact]
    public async Task Log_NumbersNoticesSummonsesAndRecommendations_NotRemindersNorEventsLoggedOnly()
    {
        var log = new EscalationLog(backend.Fresh());
        var events = new[]
        {
            Event(EventLevel.Notice, "n"), Event(EventLevel.Reminder, "r"), Event(EventLevel.Summons, "s"),
            Event(EventLevel.Accountability, "a"), Event(EventLevel.Notice, "o", logOnly: true),
        };

        var logged = new List<EscalationEvent?>();
        foreach (var e in events)
        {
            logged.Add(await log.Log(e, Now));
        }

        Assert.Equal(["督办〔2026〕0001号", null, "督办〔2026〕0002号", "督办〔2026〕0003号", null], logged.Select(e => e!.Reference));
        foreach (var e in logged)
        {
            var read = await log.Find(e!.Unit, e.Id);
            Assert.Equal(e.Reference, read!.Event.Reference);
            var copy = Assert.Single(await log.OfMonth("2026-06", e.Unit).ToListAsync(), c => c.Event.Id == e.Id);
            Assert.Equal(e.Reference, copy.Event.Reference);
        }
    }

    [Fact]
    public async Task Log_KeepsTheReference_WhenItCrashesBeforeTheLogRow_AndWritesItOnce()
    {
        var tables = backend.Fresh();
        var crashing = new CrashOnce(tables, entity => entity.GetString("Rule") == "R5" && entity.PartitionKey == "fgw");
        var notice = Event(EventLevel.Notice);

        await Assert.ThrowsAsync<TimeoutException>(() => new EscalationLog(crashing).Log(notice, Now, "督办"));
        var retried = await new EscalationLog(tables).Log(notice, Now, "市督");
        var again = await new EscalationLog(tables).Log(notice, Now);

        Assert.Equal("督办〔2026〕0001号", retried!.Reference);
        Assert.Null(again);
        Assert.Equal(1, await new ReferenceNumbers(tables).Last(2026));
        Assert.Equal("督办〔2026〕0001号", (await new EscalationLog(tables).Find(notice.Unit, notice.Id))!.Event.Reference);
    }

    [Fact]
    public async Task Log_RaisesOneReference_WhenTwoRunsLogTheSameNoticeAtOnce()
    {
        var gate = new Rendezvous(backend.Fresh(), entity => entity.PartitionKey == ReferenceNumbers.EventPartition, 2);
        var notice = Event(EventLevel.Notice);

        var both = await Task.WhenAll(Task.Run(() => new EscalationLog(gate).Log(notice, Now)), Task.Run(() => new EscalationLog(gate).Log(notice, Now)));

        var winner = Assert.Single(both, e => e is not null);
        var read = await new EscalationLog(gate).Find(notice.Unit, notice.Id);
        Assert.Equal(winner!.Reference, read!.Event.Reference);
        Assert.Equal(notice.Id, await new ReferenceNumbers(gate).Resolve(ReferenceNumber.Parse(read.Event.Reference!)));
    }

    /// <summary>The first insert-if-absent the predicate picks throws before it is written: the process dying there.</summary>
    private sealed class CrashOnce(IEntityTables inner, Func<TableEntity, bool> at) : IEntityTables
    {
        private int _crashed;

        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
            new Crashing(await inner.Table(name, cancellationToken), this);

        private bool Crashes(TableEntity entity) => at(entity) && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0;

        private sealed class Crashing(IEntityTable inner, CrashOnce owner) : ForwardingTable(inner)
        {
            public override Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default) =>
                owner.Crashes(entity) ? throw new TimeoutException("crash") : Inner.AddIfAbsent(entity, cancellationToken);
        }
    }

    /// <summary>
    /// The first insert-if-absent the predicate picks, of each of <paramref name="parties"/> callers, waits until all of them
    /// reached theirs: allocators that each read and took their number before any wrote.
    /// </summary>
    private sealed class Rendezvous(IEntityTables inner, Func<TableEntity, bool> at, int parties) : IEntityTables
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public bool Met => _all.Task.IsCompletedSuccessfully;

        private bool Picks(TableEntity entity) => at(entity);

        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
            new Gated(await inner.Table(name, cancellationToken), this);

        private async Task Arrive()
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.SetResult();
            }

            await _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        private sealed class Gated(IEntityTable inner, Rendezvous owner) : ForwardingTable(inner)
        {
            public override async Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default)
            {
                if (owner.Picks(entity) && !owner.Met)
                {
                    await owner.Arrive();
                }

                return await Inner.AddIfAbsent(entity, cancellationToken);
            }
        }
    }
}

public sealed class AzuriteReferenceNumbersTests() : ReferenceNumbersContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteReferenceNumbersTests(SqliteBackend backend) : ReferenceNumbersContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
