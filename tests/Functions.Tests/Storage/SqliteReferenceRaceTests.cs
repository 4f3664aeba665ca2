using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Storage;

/// <summary>Reference numbers (文号) on the embedded store when two processes (two connections to one file) number at once.</summary>
public sealed class SqliteReferenceRaceTests(SqliteBackend backend) : IClassFixture<SqliteBackend>
{
    // Two allocators on two connections to one embedded store, racing for 40 events and twice for each, hand out 40
    // distinct numbers, one per event, and each event keeps the number it got first.
    [Fact]
    public async Task Assign_GivesDistinctNumbers_AndOnePerEvent_UnderARaceOnTwoConnections()
    {
        var first = backend.Fresh();
        var path = ((SqliteTables)first).Path;
        var second = SqliteTables.Open(Path.GetDirectoryName(path)!, SqliteBackend.Clock);
        var events = Enumerable.Range(1, 40).Select(i => EventId.For(new RuleId("R5"), new ItemId("fgw-2026-01"), $"lag:{i}")).ToList();

        var results = await Task.WhenAll(events.SelectMany(e => new[] { first, second }.Select(t => Task.Run(() => new ReferenceNumbers(t).Assign(e, 2026, "督办")))));
        var byEvent = new List<string?>();
        foreach (var e in events)
        {
            byEvent.Add(await new ReferenceNumbers(first).Of(e));
        }

        Assert.Equal(40, byEvent.Distinct().Count());
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(results[2 * i], results[(2 * i) + 1]);
            Assert.Equal(byEvent[i], results[2 * i]);
            Assert.Equal(events[i], await new ReferenceNumbers(second).Resolve(ReferenceNumber.Parse(results[2 * i])));
        }
    }
}
