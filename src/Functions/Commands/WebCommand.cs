using System.Globalization;
using Escalation.Functions.Digests;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Web;
using Escalation.Functions.Web.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>web [--store DIR] [--port N] [--at yyyy-MM-dd]</c>: the web pages over the embedded store (or the store the
/// settings name), on 127.0.0.1 only, with the development sign-in (pick a person) that <c>serve</c> never offers.
/// <c>--at</c> (embedded store only) judges the pages as of that date, at noon in the deployment's zone, on a clock that
/// keeps ticking from there (<see cref="AsOfClock"/>): the demo's store as the demo left it.
/// </summary>
internal static class WebCommand
{
    public const int DefaultPort = 7071;

    private static readonly LocalDatePattern AtPattern = LocalDatePattern.Iso;

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var port = DefaultPort;
        if (options.Get("port") is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            stderr.WriteLine($"错误：--port 的值“{portText}”不是端口号，应为 1 到 65535 之间的整数（默认 {DefaultPort}）。");
            return Cli.UsageError;
        }

        if (options.Get("at") is { } atText)
        {
            if (AtPattern.Parse(atText) is not { Success: true } parsed)
            {
                stderr.WriteLine($"错误：--at 的值“{atText}”不是日期，应写成 yyyy-MM-dd，例如 --at 2026-07-31（网页按该日判定灯色，不带 --at 时按今天）。");
                return Cli.UsageError;
            }

            clock = new AsOfClock(clock, parsed.Value.At(new LocalTime(12, 0)).InZone(settings.Zone, Resolvers.LenientResolver).ToInstant());
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        if (options.Get("at") is not null && tables is not SqliteTables)
        {
            stderr.WriteLine($"错误：--at 只用于本地嵌入式存储（--store 目录），而本次的存储是 {tables.Describe}。请去掉 --at，或用 --store 指定一个本地存储（例如 demo 留下的 .local/demo/store）。");
            return Cli.UsageError;
        }

        var (uploads, uploadsError) = UploadPolicy.From(setting);
        if (uploads is null)
        {
            stderr.WriteLine("错误：" + uploadsError);
            return Cli.UsageError;
        }

        var engine = EngineSettings.From(setting).Settings;
        var digests = engine?.Digests ?? DigestOptions.Default;

        // Answers and decisions tell the other side at once, through the same local senders as `run` (the outbox folder).
        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole().AddFilter("Microsoft", LogLevel.Warning));
        using var loop = engine is null ? null : LocalLoop.Create(tables, clock, settings.Zone, engine, Path.GetFullPath(engine.Outbox), loggers);

        var address = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        var evidence = EvidenceStoreOf(setting, tables);
        using var app = Build(tables, clock, settings.Zone, web => web.UseUrls(address), digests, loop?.Loop, evidence, uploads);
        stdout.WriteLine($"网页已启动：{address}/ （挂图作战）。存储：{tables.Describe}");
        if (options.Get("at") is not null)
        {
            stdout.WriteLine($"网页按 {clock.GetCurrentInstant().InZone(settings.Zone).Date:yyyy-MM-dd} 判定灯色、督查清单和通报（--at）。");
        }

        if (loop is not null)
        {
            stdout.WriteLine($"网页上的答复、处理决定和豁免申请当即发消息告知对方，写入本地发件箱 {Path.GetFullPath(engine!.Outbox)}（可用设置 Escalation__Outbox 更改）。");
        }

        stdout.WriteLine($"首次打开会转到开发用登录页 {address}/signin ，选择一位人员即以其身份和角色查看。按 Ctrl+C 停止。");
        app.Run();
        return Cli.Ok;
    }

    /// <summary>
    /// The local web application over <paramref name="tables"/>; <paramref name="configure"/> sets where it listens.
    /// <paramref name="loop"/>, when given, is the closed loop's service the pages use (registered as a singleton).
    /// </summary>
    /// <paramref name="evidence"/> is where uploaded evidence goes (default: the folder <c>evidence</c> of an embedded store);
    /// <paramref name="uploads"/> which files it takes (default: 20 MB).
    public static WebApplication Build(
        IEntityTables tables, IClock clock, DateTimeZone zone, Action<IWebHostBuilder> configure, DigestOptions? digests = null, Cases.ClosedLoop? loop = null,
        IEvidenceStore? evidence = null, UploadPolicy? uploads = null)
    {
        evidence ??= EvidenceStoreOf(_ => null, tables);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().AddFilter("Microsoft", LogLevel.Warning);
        configure(builder.WebHost);
        WebSite.AddServices(builder.Services, () => tables);
        if (loop is not null)
        {
            builder.Services.AddSingleton(loop);
        }

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Escalation.Web");
        var board = BoardCache.For(tables, clock, zone, e => BoardFailed(logger, e));
        var principals = new DevelopmentPrincipalSource(app.Services.GetRequiredService<IDataProtectionProvider>());
        new WebSite(principals, () => board, () => tables, new DigestSource(digests ?? DigestOptions.Default, clock, zone))
        {
            Loop = loop is null ? null : () => loop,
            Evidence = evidence is null ? null : () => evidence,
            Uploads = uploads ?? new UploadPolicy(),
        }.Map(app);
        new Api(principals, () => board, () => tables).Map(app);
        // The board is computed at start, so that the first page finds it ready.
        app.Lifetime.ApplicationStarted.Register(board.Warm);
        app.Lifetime.ApplicationStopped.Register(board.Dispose);
        return app;
    }

    /// <summary>
    /// Where evidence files go: the Blob container <c>Escalation__Web__EvidenceContainerUrl</c> names (with the managed
    /// identity, or az login), else the folder <c>evidence</c> beside an embedded store; null when neither applies.
    /// </summary>
    internal static IEvidenceStore? EvidenceStoreOf(Func<string, string?> setting, IEntityTables tables)
    {
        if (setting(BlobEvidenceStore.ContainerUrlKey) is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var container))
        {
            return BlobEvidenceStore.FromUri(container, new Azure.Identity.DefaultAzureCredential());
        }

        return tables is SqliteTables embedded ? new FolderEvidenceStore(Path.Combine(embedded.Folder, "evidence")) : null;
    }

    private static readonly Action<ILogger, Exception?> BoardFailedMessage = LoggerMessage.Define(LogLevel.Error, new EventId(1, "BoardFailed"),
        "挂图作战的数据计算失败，网页继续显示上一次的数据，稍后自动重试");

    internal static void BoardFailed(ILogger logger, Exception exception) => BoardFailedMessage(logger, exception);
}
