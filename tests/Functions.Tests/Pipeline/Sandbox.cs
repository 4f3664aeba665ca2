using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Text;

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

    /// <summary>
    /// The samples imported once per test run into a store of their own, which each sandbox copies: importing 1,700
    /// progress rows is most of a test's time otherwise.
    /// </summary>
    private static readonly Lazy<Task<string>> SamplesTemplate = new(ImportSamples);

    private Sandbox(Instant start, string template)
    {
        Clock = new SteppingClock(start);
        Directory.CreateDirectory(_folder["store"]);
        File.Copy(template, Path.Combine(_folder["store"], Path.GetFileName(template)));
        Tables = SqliteTables.Open(_folder["store"], Clock);
        Held = StoreLock.TryAcquire(_folder["store"], "test").Lock ?? throw new InvalidOperationException("A fresh sandbox's store is locked.");
        Email = new RecordingEmailSender(Clock);
        Sms = new RecordingSmsSender(Clock);
        _weCom = new RobotChannel(Channel.WeCom, _ => null, RobotHttp, Clock, _folder["outbox"]);
        _dingTalk = new RobotChannel(Channel.DingTalk, _ => null, RobotHttp, Clock, _folder["outbox"]);
        WeCom = new RecordingChannel(_weCom, Clock);
        DingTalk = new RecordingChannel(_dingTalk, Clock);
    }

    /// <summary>Never used to post: the sandbox's robots have no webhook, so their posts go to its outbox (wecom.log, dingtalk.log).</summary>
    private static readonly HttpClient RobotHttp = new();

    private readonly RobotChannel _weCom;
    private readonly RobotChannel _dingTalk;

    /// <summary>
    /// The samples' WeCom robot posts, recorded as they are handed to the real robot channel, which writes them to the
    /// sandbox's outbox (<see cref="RobotLog"/>) as local mode does without a webhook.
    /// </summary>
    public RecordingChannel WeCom { get; }

    /// <summary>The samples' DingTalk robot posts, likewise.</summary>
    public RecordingChannel DingTalk { get; }

    /// <summary>The outbox file a robot channel's posts are written to (wecom.log, dingtalk.log).</summary>
    public string RobotLog(Channel channel) => (channel == Channel.WeCom ? _weCom : _dingTalk).LogFile!;

    /// <summary>How many messages were handed to a provider, on every channel (each attempt counts).</summary>
    public int CallCount => Email.Calls.Count + Sms.Calls.Count + WeCom.Calls.Count + DingTalk.Calls.Count;

    /// <summary>When each message was handed to a provider, on every channel.</summary>
    public IEnumerable<Instant> CallTimes =>
        Email.Calls.Select(c => c.At).Concat(Sms.Calls.Select(c => c.At)).Concat(WeCom.Calls.Select(c => c.At)).Concat(DingTalk.Calls.Select(c => c.At));

    public SteppingClock Clock { get; }

    public SqliteTables Tables { get; }

    /// <summary>The store's lock, held for the sandbox's life as <c>run</c> holds it: local mode then claims without a lease.</summary>
    public StoreLock Held { get; }

    public RecordingEmailSender Email { get; }

    public RecordingSmsSender Sms { get; }

    /// <summary>A sandbox holding the shipped samples, its clock at <paramref name="start"/>.</summary>
    public static async Task<Sandbox> WithSamples(Instant start) => new(start, await SamplesTemplate.Value);

    /// <summary>
    /// A sandbox holding the data folder <paramref name="data"/> (imported for it alone), its clock at <paramref name="start"/>.
    /// The data is imported at <paramref name="imported"/>, by default on 2025-01-01, before any scenario's first
    /// publication: its tasks and indicators are first seen then (their whole history counts), unless a test says otherwise.
    /// </summary>
    public static async Task<Sandbox> WithData(string data, Instant start, Instant? imported = null) =>
        new(start, await Import(data, imported ?? Instant.FromUtc(2024, 12, 31, 16, 0)));

    /// <summary>A local time in Asia/Shanghai as an instant.</summary>
    public static Instant At(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(Zone).ToInstant();

    /// <summary>A local time in Asia/Shanghai written <c>yyyy-MM-ddTHH:mm</c>, as an instant.</summary>
    public static Instant At(string localDateTime) =>
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm").Parse(localDateTime).GetValueOrThrow().InZoneStrictly(Zone).ToInstant();

    /// <summary>The recording senders as the engine's channels.</summary>
    public ChannelSet Channels => new([new EmailChannel(Email), new SmsChannel(Sms), WeCom, DingTalk]);

    /// <summary>Local mode as <c>run</c> composes it; over <paramref name="tables"/> (wrapping <see cref="Tables"/>) when given.</summary>
    public LocalMode Local(DeliveryOptions? options = null, IEntityTables? tables = null) =>
        LocalMode.Create(tables ?? Tables, Held, Clock, options ?? DeliveryOptions.Default, Zone, Channels, NullLoggerFactory.Instance);

    /// <summary>
    /// Local mode composed by hand, as <see cref="LocalMode.Create"/> does, for what it does not let a test change: the
    /// engine publishes through <paramref name="publisher"/> (given the bus), and its lease is the options' own.
    /// </summary>
    public (InProcessBus Bus, Engine Engine) Compose(DeliveryOptions options, Func<InProcessBus, IMessagePublisher>? publisher = null)
    {
        var bus = new InProcessBus(Clock);
        var engine = new Engine(Tables, publisher?.Invoke(bus) ?? bus, Channels, options, Clock, Zone, NullLoggerFactory.Instance);
        LocalMode.Wire(bus, engine);
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

    /// <summary>Every message (dispatch) in the store.</summary>
    public async Task<IReadOnlyList<Dispatch>> Dispatches()
    {
        var table = await Tables.Table(DispatchStore.TableName);
        return [.. await table.Query(EntityQuery.WholeTable()).Select(DispatchStore.FromEntity).ToListAsync()];
    }

    /// <summary>Every delivery in the ledger.</summary>
    public async Task<IReadOnlyList<Delivery>> Ledger()
    {
        var table = await Tables.Table(DeliveryLedger.TableName);
        return [.. await table.Query(EntityQuery.WholeTable()).Select(DeliveryLedger.FromEntity).ToListAsync()];
    }

    public void Dispose()
    {
        Held.Dispose();
        _weCom.Dispose();
        _dingTalk.Dispose();
        _folder.Dispose();
    }

    private static Task<string> ImportSamples() => Import(Repo.Samples, Instant.FromUtc(2026, 1, 1, 0, 0));

    private static async Task<string> Import(string data, Instant at)
    {
        var folder = new TempFolder();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        var clock = new SteppingClock(at);
        var tables = SqliteTables.Open(folder["store"], clock);
        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(data));
        if (report.Rejected.Count > 0)
        {
            throw new InvalidOperationException($"{data} did not import cleanly: {report.Rejected[0].Location}: {report.Rejected[0].Problem.Reason}");
        }

        // Everything into the database file itself, so that copying that one file copies the store.
        using (var connection = new SqliteConnection($"Data Source={tables.Path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        return tables.Path;
    }
}
