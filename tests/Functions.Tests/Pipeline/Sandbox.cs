using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// One test's local pipeline: the embedded store in a temporary folder, a stepping clock, and recording senders.
/// <see cref="Local"/> composes local mode over them the way <c>run</c> does; calling it again is a restarted process
/// over the same store.
/// </summary>
internal sealed class Sandbox : IDisposable
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private readonly TempFolder _folder = new();

    private Sandbox(Instant start)
    {
        Clock = new SteppingClock(start);
        Tables = SqliteTables.Open(_folder["store"], Clock);
        Email = new RecordingEmailSender(Clock);
        Sms = new RecordingSmsSender(Clock);
    }

    public SteppingClock Clock { get; }

    public SqliteTables Tables { get; }

    public RecordingEmailSender Email { get; }

    public RecordingSmsSender Sms { get; }

    /// <summary>A sandbox holding the shipped samples, its clock at <paramref name="start"/>.</summary>
    public static async Task<Sandbox> WithSamples(Instant start)
    {
        var sandbox = new Sandbox(start);
        var (sources, notes) = ImportSource.Read(Repo.Samples);
        var report = await new Importer(new AdminStore(sandbox.Tables), new ProblemLog(sandbox.Tables), sandbox.Clock, Zone).Import(sources, notes);
        Assert.Empty(report.Rejected);
        return sandbox;
    }

    /// <summary>A local time in Asia/Shanghai as an instant.</summary>
    public static Instant At(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Zone).ToInstant();

    public LocalMode Local(DeliveryOptions? options = null) =>
        LocalMode.Create(Tables, Clock, options ?? DeliveryOptions.Default, Zone, Email, Sms, NullLoggerFactory.Instance);

    /// <summary>
    /// Local mode composed by hand, as <see cref="LocalMode.Create"/> does, for what it does not let a test change: the
    /// engine publishes through <paramref name="publisher"/> (given the bus), and its lease is the options' own.
    /// </summary>
    public (InProcessBus Bus, Engine Engine) Compose(DeliveryOptions options, Func<InProcessBus, IMessagePublisher>? publisher = null)
    {
        var bus = new InProcessBus(Clock);
        var engine = new Engine(Tables, publisher?.Invoke(bus) ?? bus, Email, Sms, options, Clock, Zone, NullLoggerFactory.Instance);
        bus.Queue(ServiceBusEntities.EvaluateQueue, engine.EvaluateUnit);
        bus.Subscription(ServiceBusEntities.EventsTopic, ServiceBusEntities.EmailSubscription, nameof(Channel.Email), (m, ct) => engine.Deliver(m, Channel.Email, ct));
        bus.Subscription(ServiceBusEntities.EventsTopic, ServiceBusEntities.SmsSubscription, nameof(Channel.Sms), (m, ct) => engine.Deliver(m, Channel.Sms, ct));
        return (bus, engine);
    }

    /// <summary>One daily cycle at <paramref name="at"/>, the clock stepping to each message's time, as <c>simulate</c> does.</summary>
    public Task<ScanOutcome> Cycle(LocalMode local, Instant at) => local.Cycle(at, Clock.AdvanceTo);

    /// <summary>Hands over what is due by <paramref name="until"/>, the clock stepping to each message's time.</summary>
    public Task<int> Drain(LocalMode local, Instant until) => local.Bus.Drain(until, Clock.AdvanceTo);

    /// <summary>Every event in the escalation log.</summary>
    public async Task<IReadOnlyList<LogEntry>> Log()
    {
        var table = await Tables.Table(EscalationLog.TableName);
        return [.. await table.Query(EntityQuery.WholeTable()).Select(EscalationLog.FromEntity).ToListAsync()];
    }

    /// <summary>Every delivery in the ledger.</summary>
    public async Task<IReadOnlyList<Delivery>> Ledger()
    {
        var table = await Tables.Table(DeliveryLedger.TableName);
        return [.. await table.Query(EntityQuery.WholeTable()).Select(DeliveryLedger.FromEntity).ToListAsync()];
    }

    public void Dispose() => _folder.Dispose();
}
