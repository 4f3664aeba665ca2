using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using Escalation.Domain.Delivery;
using Escalation.Domain.Items;
using Escalation.Functions.Host;
using Escalation.Functions.Import;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using NodaTime.Testing;
using NodaTime;

namespace Escalation.Functions.Tests.Host;

/// <summary>What the handler answered: the status and, when the body is JSON, <c>{Outputs, Logs, ReturnValue}</c>.</summary>
internal sealed record HandlerAnswer(HttpStatusCode Status, string Text)
{
    public JsonObject Body => JsonNode.Parse(Text) is JsonObject body ? body : throw new InvalidOperationException($"Not a JSON object: {Text}");

    public JsonObject Outputs => Body[nameof(Outputs)]!.AsObject();

    public IReadOnlyList<string> Logs => [.. Body[nameof(Logs)]!.AsArray().Select(l => l!.GetValue<string>())];

    /// <summary>The dead letter in <c>Outputs.poison</c>, parsed from the JSON string the output binding takes.</summary>
    public JsonObject Poison => JsonNode.Parse(Outputs[CustomHandler.Names.PoisonBinding]!.GetValue<string>())!.AsObject();
}

/// <summary>
/// The handler on a test server over a real engine: the embedded store seeded with samples/, a recording publisher, and
/// the local senders writing to an outbox folder (wrapped to count what they are handed). The clock stands at Monday
/// 2026-06-01 08:30 Asia/Shanghai: a working day, the scan's time and the opening of the sending window.
/// </summary>
internal sealed class HandlerHarness : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> SeededStore = new(SeedOnce);

    private readonly TempFolder _folder;
    private readonly OutboxSmsSender _smsOutbox;
    private readonly WebApplication _app;

    private HandlerHarness(TempFolder folder, IEntityTables tables, FakeClock clock)
    {
        _folder = folder;
        Clock = clock;
        Tables = tables;
        Outbox = folder["outbox"];
        Email = new CountingEmailSender(new OutboxEmailSender(Outbox, clock));
        _smsOutbox = new OutboxSmsSender(Outbox, clock);
        Sms = new CountingSmsSender(_smsOutbox);
        Engine = new Engine(tables, Publisher, ChannelSet.Of(Email, Sms), DeliveryOptions.Default, clock, Zone, NullLoggerFactory.Instance);
        EngineFactory = () => Engine;
        _app = Build(() => EngineFactory());
    }

    public static DateTimeZone Zone { get; } = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Monday 2026-06-01 08:30 Asia/Shanghai (00:30 UTC).</summary>
    public static Instant ScanTime { get; } = Instant.FromUtc(2026, 6, 1, 0, 30);

    /// <summary>The units of samples/units.csv.</summary>
    public static IReadOnlyList<string> SampleUnits { get; } = ["cgj", "cjt", "czj", "fgw", "gxj", "jtj", "jyj", "rsj", "sthjj", "swj", "swuj", "town-bs", "town-bt", "town-cg", "town-dh", "town-jq", "town-lw", "town-ng", "town-qs", "town-sm", "town-xs", "wjw", "zjj", "zrzyj"];

    /// <summary>The indicators of samples/indicators.csv, in the order the scan publishes their requests (ordinal).</summary>
    public static IReadOnlyList<string> SampleIndicators { get; } = ["czxz-jy", "gdtz-zs", "gygz-zs", "shxf-zs", "wmjck", "ybgg-zs", "zdxm-wcl", "zjbf-jd", "zsyz-dw"];

    /// <summary>
    /// The evaluate requests of a morning scan of the samples on <paramref name="date"/>, in the order published: one per
    /// unit, then one per indicator (the samples' indicator rules are enabled).
    /// </summary>
    public static IReadOnlyList<string> SampleScanRequests(string date) =>
        [.. SampleUnits.Select(u => $"evaluate:{date}:{u}"), .. SampleIndicators.Select(i => $"evaluate-indicator:{date}:{i}")];

    public FakeClock Clock { get; }

    public IEntityTables Tables { get; }

    public RecordingPublisher Publisher { get; } = new();

    public CountingEmailSender Email { get; }

    public CountingSmsSender Sms { get; }

    public string Outbox { get; }

    public Engine Engine { get; }

    /// <summary>What the handler asks for on each invocation; the harness's engine unless a test swaps it.</summary>
    public Func<Engine> EngineFactory { get; set; }

    public HttpClient Client { get; private set; } = null!;

    public EscalationLog Log => new(Tables);

    public DeliveryLedger Ledger => new(Tables);

    /// <summary>A handler over a fresh copy of the seeded store.</summary>
    public static async Task<HandlerHarness> Start()
    {
        var folder = await SeededCopy();
        var clock = new FakeClock(ScanTime);
        var harness = new HandlerHarness(folder, SqliteTables.Open(folder["store"], clock), clock);
        await harness._app.StartAsync();
        harness.Client = harness._app.GetTestClient();
        return harness;
    }

    /// <summary>A temporary folder whose <c>store</c> is a fresh copy of the embedded store seeded with samples/.</summary>
    public static async Task<TempFolder> SeededCopy()
    {
        var seeded = await SeededStore.Value;
        var folder = new TempFolder();
        var store = folder["store"];
        Directory.CreateDirectory(store);
        foreach (var file in Directory.EnumerateFiles(seeded))
        {
            File.Copy(file, Path.Combine(store, Path.GetFileName(file)));
        }

        return folder;
    }

    /// <summary>The handler alone, over whatever <paramref name="engine"/> gives (or throws).</summary>
    public static async Task<(WebApplication App, HttpClient Client)> Bare(Func<Engine> engine)
    {
        var app = Build(engine);
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    public Task<HandlerAnswer> Post(string function, JsonNode request) => Post(Client, function, request.ToJsonString());

    public Task<HandlerAnswer> PostText(string function, string content) => Post(Client, function, content);

    public static async Task<HandlerAnswer> Post(HttpClient client, string function, string content)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var body = new StringContent(content, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(function, UriKind.Relative), body);
        return new HandlerAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The unit's log rows as (event id, status), in id order.</summary>
    public async Task<IReadOnlyList<(string Id, LogStatus Status)>> LogRows(string unit)
    {
        var rows = new List<(string, LogStatus)>();
        await foreach (var entry in Log.OfUnit(new UnitId(unit)))
        {
            rows.Add((entry.Event.Id.Value, entry.Status));
        }

        return [.. rows.OrderBy(r => r.Item1, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<LogEntry>> LogEntries(string unit)
    {
        var entries = new List<LogEntry>();
        await foreach (var entry in Log.OfUnit(new UnitId(unit)))
        {
            entries.Add(entry);
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _smsOutbox.Dispose();
        _folder.Dispose();
    }

    private static WebApplication Build(Func<Engine> engine)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        CustomHandler.Map(app, engine);
        return app;
    }

    /// <summary>Imports samples/ once into a store that each harness copies, so that tests do not pay for the import each.</summary>
    private static async Task<string> SeedOnce()
    {
        var folder = Path.Combine(Path.GetTempPath(), "escalation-tests", "host-seed-" + Guid.NewGuid().ToString("N"));
        var clock = new FakeClock(ScanTime);
        var tables = SqliteTables.Open(folder, clock);
        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        if (report.Rejected.Count > 0)
        {
            throw new InvalidOperationException($"samples/ did not import cleanly: {report.Rejected[0].Location}: {report.Rejected[0].Problem.Reason}");
        }

        // Closing the pooled connections checkpoints the write-ahead log into the database file, which is then whole.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        };
        return folder;
    }
}
