using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.EndToEnd;
using Escalation.Functions.Tests.Import;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The city-wide step: the scan publishes one evaluate request per indicator besides one per unit, on the same queue,
/// and the indicator's handler (EvaluateUnit, told by the body's kind) logs each event once by its deterministic id
/// (insert-if-absent), whatever the redeliveries and concurrent handlers, publishes the new ones, and records its
/// problems under the indicator's scope. Data: EndToEnd/Scenarios/indicator-bottom-rank (seven towns ranked weekly by
/// 资金拨付进度, provincial average 65, rule B1: a summons to the deputy, moving up to the principal the next week).
/// </summary>
public sealed class IndicatorStepTests : IDisposable
{
    //  2025 March   Mo Tu We Th Fr Sa Su
    //               10 11 12 13 14 15 16     W10 published Mo 10: 己 64 < 65 and last of seven: summons its deputy (ji-wu)
    //               17 18 19 20 21 22 23     W11 published Mo 17: 己 64.5, again: summons its principal (ji-zhou)
    // On 03-17 both are due (W10 within the catch-up window): two events.
    private static readonly Instant Monday17 = Sandbox.At(2025, 3, 17, 8, 30);

    private static readonly string[] Units = ["czj", "town-bing", "town-ding", "town-geng", "town-ji", "town-jia", "town-wu", "town-yi"];

    private readonly TempFolder _temp = new();

    private static string Towns => SimulatedRun.Scenario("indicator-bottom-rank");

    [Fact]
    public async Task Scan_PublishesOneRequestPerIndicator_BesidesOneRequestPerUnitInTheirOldFormat_WhenAnIndicatorRuleIsEnabled()
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);
        var publisher = new RecordingPublisher();

        var outcome = await new DailyScan(sandbox.Tables, publisher, sandbox.Clock, Sandbox.Zone, NullLogger.Instance).Run();

        Assert.Equal((8, 1), (outcome.Units, outcome.Indicators));
        var requests = publisher.On(ServiceBusEntities.EvaluateQueue);
        Assert.Equal([.. Units.Select(u => "evaluate:2025-03-17:" + u), "evaluate-indicator:2025-03-17:zjbf-jd"], requests.Select(m => m.MessageId));
        Assert.Equal("""{"unitId":"czj","date":"2025-03-17"}""", requests[0].Body.ToString());
        Assert.Equal("""{"kind":"indicator","indicatorId":"zjbf-jd","date":"2025-03-17"}""", requests[^1].Body.ToString());
        Assert.Equal(("indicator", "zjbf-jd"), (requests[^1].Properties["Kind"], requests[^1].Properties["Indicator"]));
        Assert.All(requests.SkipLast(1), m => Assert.Equal([m.MessageId.Split(':')[^1]], [EvaluateMessage.Parse(m.Body).Unit!.Unit.Value]));
        Assert.Equal(new EvaluateIndicatorRequest(new IndicatorId("zjbf-jd"), new LocalDate(2025, 3, 17)), EvaluateMessage.Parse(requests[^1].Body).Indicator);
    }

    [Fact]
    public async Task Scan_PublishesAnIndicatorRequestOnlyInTheSlotOfAnIndicatorRule()
    {
        var data = _temp.CopyOf(Towns, "afternoon");
        File.WriteAllText(Path.Combine(data, "rules.csv"), """
            Id,Name,Level,Trigger,To,Copy,Channels,Template,Scan
            B1,低于全省平均且排名后三位约谈,summons,bottom-rank,deputy,supervision-office,"email,sms",ind-bottom-summons,afternoon
            """);
        using var sandbox = await Sandbox.WithData(data, Monday17);
        var publisher = new RecordingPublisher();
        var scan = new DailyScan(sandbox.Tables, publisher, sandbox.Clock, Sandbox.Zone, NullLogger.Instance);

        var morning = await scan.Run(ScanSlot.Morning);
        var afternoon = await scan.Run(ScanSlot.Afternoon);

        Assert.Equal((8, 0), (morning.Units, morning.Indicators));
        Assert.Equal((8, 1), (afternoon.Units, afternoon.Indicators));
        var request = Assert.Single(publisher.On(ServiceBusEntities.EvaluateQueue), m => m.MessageId.StartsWith("evaluate-indicator:", StringComparison.Ordinal));
        Assert.Equal("evaluate-indicator:2025-03-17:afternoon:zjbf-jd", request.MessageId);
        Assert.Equal(ScanSlot.Afternoon, EvaluateMessage.Parse(request.Body).Indicator!.Scan);
    }

    [Fact]
    public async Task EvaluateUnit_LogsAndPublishesEachIndicatorEventOnce_WhenTheRequestIsDeliveredTwice()
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);
        var publisher = new RecordingPublisher();
        var engine = Engine(sandbox, publisher);
        var logged = new List<EscalationEvent>();
        engine.Logged += logged.Add;
        var message = Received(new EvaluateIndicatorRequest(new IndicatorId("zjbf-jd"), new LocalDate(2025, 3, 17)).ToMessage());

        var first = await engine.EvaluateUnit(message);
        var second = await engine.EvaluateUnit(message with { DeliveryCount = 2 });
        var log = await sandbox.Log();

        Assert.Equal("indicator zjbf-jd on 2025-03-17: 2 new events, 0 republished, 0 problems", Assert.IsType<Settlement.Completed>(first).Summary);
        Assert.Equal("indicator zjbf-jd on 2025-03-17: 0 new events, 0 republished, 0 problems", Assert.IsType<Settlement.Completed>(second).Summary);
        Assert.Equal(["ind-bottom:towns/town-ji/2025-W10", "ind-bottom:towns/town-ji/2025-W11"], logged.Select(e => e.Occurrence).Order(StringComparer.Ordinal));
        Assert.Equal(logged.Select(e => e.Id.Value).Order(), log.Select(e => e.Event.Id.Value).Order());
        Assert.All(log, e => Assert.Equal((LogStatus.Published, "town-ji"), (e.Status, e.Event.Unit.Value)));
        Assert.Equal(logged.Select(e => e.Id.Value).Order(), publisher.On(ServiceBusEntities.EventsTopic).Select(m => m.MessageId).Order());
        var w11 = log.Single(e => e.Event.Occurrence.EndsWith("W11", StringComparison.Ordinal)).Event;
        Assert.Equal([("ji-zhou", false), ("dcs-office", true)], w11.Recipients.Select(r => (r.Person.Value, r.IsCopy)));
        Assert.Equal((2, true, 7), (w11.Facts.Indicator!.Consecutive, w11.Facts.Indicator.Escalated, w11.Facts.Indicator.Standing!.Value.Rank));
    }

    [Fact]
    public async Task EvaluateUnit_LogsAndPublishesEachIndicatorEventOnce_WhenTwoHandlersRunAtOnce()
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);
        var publisher = new RecordingPublisher();

        // Both handlers have read the log (nothing logged yet) and decided before either inserts: only the conditional
        // insert keeps each event once.
        var tables = new RendezvousTables(sandbox.Tables, EscalationLog.TableName, parties: 2);
        var (a, b) = (Engine(sandbox, publisher, tables), Engine(sandbox, publisher, tables));
        var (loggedA, loggedB) = (new List<EscalationEvent>(), new List<EscalationEvent>());
        a.Logged += loggedA.Add;
        b.Logged += loggedB.Add;
        var message = Received(new EvaluateIndicatorRequest(new IndicatorId("zjbf-jd"), new LocalDate(2025, 3, 17)).ToMessage());

        var settlements = await Task.WhenAll(Task.Run(() => a.EvaluateUnit(message)), Task.Run(() => b.EvaluateUnit(message with { MessageId = message.MessageId + "-copy" })));
        var log = await sandbox.Log();

        Assert.True(tables.Met, "the two handlers never inserted at the same time");
        Assert.All(settlements, s => Assert.IsType<Settlement.Completed>(s));
        Assert.Equal(2, loggedA.Count + loggedB.Count);
        Assert.Equal(2, loggedA.Concat(loggedB).Select(e => e.Id).Distinct().Count());
        Assert.Equal(2, log.Count);
        Assert.All(log, e => Assert.Equal(LogStatus.Published, e.Status));
        Assert.Equal(loggedA.Concat(loggedB).Select(e => e.Id.Value).Order(), publisher.On(ServiceBusEntities.EventsTopic).Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task Cycle_DeliversAnIndicatorEventLoggedButNotPublished_ThroughItsUnitsEvaluationTheNextRun()
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);
        var (bus, engine) = sandbox.Compose(DeliveryOptions.Default with { Lease = Duration.Zero }, b => new FailingPublisher(b, ServiceBusEntities.EventsTopic));
        await engine.ScanDeadlines();
        await bus.Drain(Monday17, sandbox.Clock.AdvanceTo);
        var before = await sandbox.Log();

        var second = sandbox.Local();
        var loggedAgain = new List<EscalationEvent>();
        second.OnLogged(loggedAgain.Add);
        await sandbox.Cycle(second, Monday17 + Duration.FromMinutes(5));
        var after = await sandbox.Log();

        Assert.Equal(2, before.Count);
        Assert.All(before, e => Assert.Equal(LogStatus.Logged, e.Status));
        Assert.Contains(bus.DeadLetters, d => d.MessageId == "evaluate-indicator:2025-03-17:zjbf-jd");
        Assert.Empty(loggedAgain);
        Assert.All(after, e => Assert.Equal(LogStatus.Delivered, e.Status));
        Assert.Equal(["ji-wu", "ji-zhou"], sandbox.Email.Calls.Where(c => c.Email.DispatchId.Contains(":Summons:", StringComparison.Ordinal))
            .Select(c => c.Email.DispatchId.Split(':')[1]).Where(p => p.StartsWith("ji-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EvaluateUnit_LogsALogOnlyEventOnce_AndNeitherItsHandlerNorItsUnitsEvaluationPublishesIt()
    {
        using var sandbox = await Sandbox.WithData(SimulatedRun.Scenario("indicator-year-end"), Sandbox.At(2026, 1, 20, 8, 30));
        var publisher = new RecordingPublisher();
        var engine = Engine(sandbox, publisher);
        var logged = new List<EscalationEvent>();
        engine.Logged += logged.Add;

        await engine.EvaluateUnit(Received(new EvaluateIndicatorRequest(new IndicatorId("sbxf-zs"), new LocalDate(2026, 1, 20)).ToMessage()));
        var unit = await engine.EvaluateUnit(Received(new EvaluateRequest(new Domain.Items.UnitId("swj"), new LocalDate(2026, 1, 20)).ToMessage()));
        var entry = Assert.Single(await sandbox.Log());

        var e = Assert.Single(logged);
        Assert.True(e.LogOnly);
        Assert.Equal(("ind-yearend:swj/2025-12", LogStatus.LogOnly), (entry.Event.Occurrence, entry.Status));
        Assert.True(entry.Event.Facts.Indicator!.Exempt);
        Assert.Equal("unit swj on 2026-01-20: 0 new events, 0 republished, 0 problems", Assert.IsType<Settlement.Completed>(unit).Summary);
        Assert.Empty(publisher.On(ServiceBusEntities.EventsTopic));
    }

    [Fact]
    public async Task EvaluateUnit_RecordsAnIndicatorsProblemsUnderItsScope_AndResolvesThemOnceFixed()
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);
        var engine = Engine(sandbox, new RecordingPublisher());
        var values = await sandbox.Tables.Table("indicatorvalues");
        var row = (await values.Find("zjbf-jd", "town-jia:2025-W11"))!;
        Assert.True(await values.Delete("zjbf-jd", "town-jia:2025-W11", ETag.All));
        var message = Received(new EvaluateIndicatorRequest(new IndicatorId("zjbf-jd"), new LocalDate(2025, 3, 17)).ToMessage());

        var missing = await engine.EvaluateUnit(message);
        var open = await new ProblemLog(sandbox.Tables).Of("ind:zjbf-jd");
        await values.UpsertAll([row]);
        sandbox.Clock.AdvanceTo(Monday17 + Duration.FromMinutes(2));
        await Engine(sandbox, new RecordingPublisher()).EvaluateUnit(message);
        var after = await new ProblemLog(sandbox.Tables).Of("ind:zjbf-jd");

        Assert.Equal("indicator zjbf-jd on 2025-03-17: 1 new events, 0 republished, 1 problems", Assert.IsType<Settlement.Completed>(missing).Summary);
        var problem = Assert.Single(open);
        Assert.True(problem.Open);
        Assert.Equal(("indicatorvalues", "zjbf-jd/2025-W11", "Unit", "town-jia"), (problem.Problem.Table, problem.Problem.Key, problem.Problem.Field, problem.Problem.Value));
        Assert.Contains("缺少这些单位的数据", problem.Problem.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(after).Open);
    }

    [Theory]
    [InlineData("""{"kind":"city","indicatorId":"zjbf-jd","date":"2025-03-17"}""", "kind 'city' is not a kind of evaluate request")]
    [InlineData("""{"kind":"indicator","indicatorId":"a/b","date":"2025-03-17"}""", "indicatorId 'a/b' is not an indicator id.")]
    [InlineData("""{"kind":"indicator","indicatorId":"zjbf-jd","date":"2025/03/17"}""", "date '2025/03/17' is not an ISO date (yyyy-MM-dd).")]
    [InlineData("""{"kind":"indicator","indicatorId":"zjbf-jd","date":"2025-03-17","scan":"evening"}""", "scan 'evening' is not a scan slot (morning or afternoon).")]
    public async Task EvaluateUnit_DeadLettersAnIndicatorRequestItCannotRead(string body, string reason)
    {
        using var sandbox = await Sandbox.WithData(Towns, Monday17);

        var settlement = await Engine(sandbox, new RecordingPublisher()).EvaluateUnit(new ReceivedMessage("m-1", BinaryData.FromString(body), 1, new Dictionary<string, string>()));

        Assert.StartsWith(reason, Assert.IsType<Settlement.DeadLetter>(settlement).Reason, StringComparison.Ordinal);
        Assert.Empty(await sandbox.Log());
    }

    [Fact]
    public void IndicatorRequest_KeepsItsMessageIdWithinServiceBussLimit_ForTheLongestIndicatorId()
    {
        var id = new IndicatorId(new string('x', IndicatorId.MaxLength));

        var message = new EvaluateIndicatorRequest(id, new LocalDate(2025, 3, 17), ScanSlot.Afternoon).ToMessage();

        Assert.True(message.MessageId.Length <= 128, message.MessageId);
        Assert.StartsWith("evaluate-indicator:2025-03-17:afternoon:h-", message.MessageId, StringComparison.Ordinal);
        Assert.Equal(id, EvaluateMessage.Parse(message.Body).Indicator!.Indicator);
        Assert.Equal(
            "evaluate-indicator:2025-03-17:zjbf-jd",
            new EvaluateIndicatorRequest(new IndicatorId("zjbf-jd"), new LocalDate(2025, 3, 17)).ToMessage().MessageId);
    }

    public void Dispose() => _temp.Dispose();

    private static Engine Engine(Sandbox sandbox, IMessagePublisher publisher, IEntityTables? tables = null) =>
        new(tables ?? sandbox.Tables, publisher, sandbox.Channels, DeliveryOptions.Default, sandbox.Clock, Sandbox.Zone, NullLoggerFactory.Instance);

    private static ReceivedMessage Received(OutgoingMessage message) => new(message.MessageId, message.Body, 1, message.Properties);

    private sealed class RecordingPublisher : IMessagePublisher
    {
        private readonly List<(string Entity, OutgoingMessage Message)> _published = [];
        private readonly Lock _gate = new();

        public IReadOnlyList<OutgoingMessage> On(string entity)
        {
            lock (_gate)
            {
                return [.. _published.Where(p => p.Entity == entity).Select(p => p.Message)];
            }
        }

        public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                _published.AddRange(messages.Select(m => (entity, m)));
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The tables, except that the first insert-if-absent into <paramref name="table"/> of each of <paramref name="parties"/>
    /// callers waits until all of them have reached theirs: handlers that each decided and read the log before any wrote.
    /// </summary>
    private sealed class RendezvousTables(IEntityTables inner, string table, int parties) : IEntityTables
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        /// <summary>True once every party arrived together.</summary>
        public bool Met => _all.Task.IsCompletedSuccessfully;

        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default)
        {
            var found = await inner.Table(name, cancellationToken);
            return name == table ? new Gated(found, this) : found;
        }

        private async Task Arrive()
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.SetResult();
            }

            await _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        private sealed class Gated(IEntityTable inner, RendezvousTables owner) : Storage.ForwardingTable(inner)
        {
            public override async Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default)
            {
                if (!owner.Met)
                {
                    await owner.Arrive();
                }

                return await Inner.AddIfAbsent(entity, cancellationToken);
            }
        }
    }
}
