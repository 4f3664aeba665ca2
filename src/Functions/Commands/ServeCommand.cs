using System.Globalization;
using Azure.Core;
using Azure.Identity;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Digests;
using Escalation.Functions.Host;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Escalation.Functions.Cases;
using Escalation.Functions.Web;
using Escalation.Functions.Web.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>serve</c>: the custom handler the Functions host starts (host.json names this binary with the argument
/// <c>serve</c>). Listens on 127.0.0.1 at <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>; logs JSON to stdout, which the host
/// forwards to Application Insights. The Azure adapters are built on the first invocation, so that readiness answers at
/// once and a configuration fault shows in each invocation's logs instead of a handler that never starts.
/// </summary>
internal static class ServeCommand
{
    public const string PortKey = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static int Run(Settings settings, Func<string, string?> setting, IClock clock, TextWriter stderr)
    {
        var portText = setting(PortKey);
        if (!int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            stderr.WriteLine($"serve is started by the Functions host, which sets {PortKey} (got '{portText}'). To try the pipeline without Azure, use run, simulate or demo.");
            return Cli.UsageError;
        }

        var app = Build(settings, setting, clock, web => web.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")));
        app.Run();
        return Cli.Ok;
    }

    /// <summary>The handler application; <paramref name="configure"/> sets where it listens (a port, or a test server).</summary>
    public static WebApplication Build(Settings settings, Func<string, string?> setting, IClock clock, Action<IWebHostBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateSlimBuilder();
        // Each log line carries the trace and span it was written in (a scope), so that a line in the host's log leads to
        // the reminder's trace in Application Insights.
        builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true)
            .Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure(builder.WebHost);
        // One credential for the process (the managed identity), made only if something needs it: telemetry export,
        // Service Bus, Communication Services. It caches its tokens, so sharing it saves a token request per client.
        var credential = new Lazy<TokenCredential>(() => new DefaultAzureCredential(), LazyThreadSafetyMode.ExecutionAndPublication);

        // Built with the app and disposed with it (app.Run disposes the host), which flushes what is buffered.
        builder.Services.AddSingleton(_ => TelemetryExport.Start(TelemetryOptions.From(setting).Options, () => credential.Value));

        // The web pages read the same store as the engine, opened on first use (a page, or the key ring) and again on the
        // next use when it could not be (a fault that clears needs no restart). The web never creates an embedded store:
        // an empty one would only tell everyone 账号未登记.
        var tables = new RetryingLazy<IEntityTables>(() => OpenForWeb(setting, clock));
        WebSite.AddServices(builder.Services, () => tables.Value, secureCookies: true);
        var app = builder.Build();

        // App Service's front end takes HTTPS only (httpsOnly, requireHttps in the Bicep) and the Functions host forwards
        // to the handler over http://127.0.0.1: every request the handler sees was HTTPS in the browser. Said so, the
        // antiforgery cookie (SecurePolicy Always) is Secure and antiforgery's HTTPS check holds.
        app.Use((context, next) =>
        {
            context.Request.Scheme = Uri.UriSchemeHttps;
            return next(context);
        });
        _ = app.Services.GetRequiredService<TelemetryExport>();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var owned = new List<IAsyncDisposable>();
        var engine = new RetryingLazy<Engine>(() => Compose(settings, setting, clock, loggers, credential, owned.Add));
        CustomHandler.Map(app, () => engine.Value, readiness: false);
        var webLogger = loggers.CreateLogger("Escalation.Web");
        var board = new RetryingLazy<BoardCache>(() => BoardCache.For(tables.Value, clock, settings.Zone, e => WebCommand.BoardFailed(webLogger, e)));
        var digests = new DigestSource(EngineSettings.From(setting).Settings?.Digests ?? DigestOptions.Default, clock, settings.Zone);
        // The closed loop's web steps publish through the engine's publisher (Service Bus); its files go to the evidence container.
        var (uploads, uploadsError) = UploadPolicy.From(setting);
        var loop = new RetryingLazy<ClosedLoop>(() => uploads is null
            ? throw new InvalidOperationException(uploadsError)
            : new ClosedLoop(tables.Value, engine.Value.Publisher, clock, settings.Zone, loggers.CreateLogger("Escalation.ClosedLoop")));
        // PublicationOnly: a store that cannot be opened yet is tried again on the next upload, not kept as a failure.
        var evidence = new Lazy<IEvidenceStore?>(
            () => setting(BlobEvidenceStore.ContainerUrlKey) is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var container)
                ? BlobEvidenceStore.FromUri(container, credential.Value)
                : WebCommand.EvidenceStoreOf(_ => null, tables.Value),
            LazyThreadSafetyMode.PublicationOnly);
        new WebSite(new AppServicePrincipalSource(), () => board.Value, () => tables.Value, digests)
        {
            BaseUrl = WebBaseUrl(setting),
            Loop = () => loop.Value,
            Evidence = () => evidence.Value,
            Uploads = uploads ?? new UploadPolicy(),
        }.Map(app);
        new Api(null, () => board.Value, () => tables.Value).Map(app);

        // The board is not computed at start here: on Flex Consumption an instance is often started only for the engine's
        // timers and queues (functions scale apart from the HTTP ones), and would read the whole store for pages nobody
        // asks for. The first page computes it; the local `web` command, which serves nothing else, warms it at start.
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            if (board.IsValueCreated)
            {
                board.Value.Dispose();
            }
        });

        // The Service Bus connection is closed when the host stops the handler (a scale-in, a deployment), so that the
        // broker sees the links detach instead of waiting for the connection's idle timeout.
        app.Lifetime.ApplicationStopping.Register(() => Task.Run(async () =>
        {
            foreach (var resource in owned)
            {
                await resource.DisposeAsync().ConfigureAwait(false);
            }
        }).Wait(ShutdownGrace));
        return app;
    }

    /// <summary>
    /// The web's public address: <c>Escalation__Web__BaseUrl</c>, else https:// and the host name App Service gives the app
    /// (<c>WEBSITE_HOSTNAME</c>, set by the platform), else none (feeds then carry no links).
    /// </summary>
    internal static string? WebBaseUrl(Func<string, string?> setting) =>
        EngineSettings.From(setting).Settings?.WebBaseUrl
        ?? (setting(AppServiceHostNameKey) is { Length: > 0 } host && Uri.CheckHostName(host) != UriHostNameType.Unknown ? "https://" + host : null);

    /// <summary>The app's default host name, set by App Service (not an app setting of ours).</summary>
    internal const string AppServiceHostNameKey = "WEBSITE_HOSTNAME";

    /// <summary>
    /// The web's store, which must exist; else a <see cref="StoreUnavailableException"/> whose hint names the setting to
    /// fix, in Chinese (the pages show it under their 503).
    /// </summary>
    internal static IEntityTables OpenForWeb(Func<string, string?> setting, IClock clock)
    {
        var (opened, error) = StoreSettings.Open(Options.None, setting, clock);
        if (opened is not null)
        {
            return opened;
        }

        var configured = new[] { StoreSettings.ServiceUriKey, StoreSettings.ConnectionStringKey, StoreSettings.LocalStoreKey }
            .Any(key => setting(key) is { Length: > 0 });
        var hint = configured
            ? error!
            : $"函数应用没有配置数据存储：请在应用设置中设置 {StoreSettings.ServiceUriKey}（托管标识访问表存储）或 {StoreSettings.ConnectionStringKey}，保存后网页即可使用。";
        throw new StoreUnavailableException("The web's store could not be opened: " + error, hint);
    }

    /// <summary>How long the handler waits for its connections to close when it stops.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The Azure composition: Table Storage, Service Bus (the SDK, over AMQP), Communication Services (or SMTP) over the
    /// network. <paramref name="own"/> takes what must be disposed when the handler stops (the Service Bus client).
    /// </summary>
    internal static Engine Compose(
        Settings settings, Func<string, string?> setting, IClock clock, ILoggerFactory loggers, Lazy<TokenCredential> credential, Action<IAsyncDisposable> own)
    {
        var (engine, errors) = EngineSettings.From(setting);
        if (engine is null)
        {
            throw new InvalidOperationException("The handler's settings are not usable: " + string.Join(" ", errors));
        }

        var (tables, tablesError) = StoreSettings.OpenOrCreate(Options.None, setting, clock);
        if (tables is null)
        {
            throw new InvalidOperationException(tablesError);
        }

        var publisher = engine switch
        {
            { ServiceBusNamespace: { } ns } => ServiceBusPublisher.WithCredential(ns, credential.Value),
            { ServiceBusConnectionString: { } connection } => ServiceBusPublisher.FromConnectionString(connection),
            _ => throw new InvalidOperationException(
                $"No Service Bus: set {EngineSettings.ServiceBusNamespaceKey} (with the managed identity) or {EngineSettings.ServiceBusConnectionStringKey}."),
        };
        own(publisher);

        AcsAccess? acs = engine switch
        {
            { AcsEndpoint: { } endpoint } => AcsAccess.WithCredential(new Uri(endpoint), credential.Value),
            { AcsConnectionString: { } connection } => AcsAccess.FromConnectionString(connection, clock),
            _ => null,
        };

        IEmailSender email = (acs, engine.Smtp) switch
        {
            ({ } access, _) => AcsEmailSender.Create(access, engine.EmailSender),
            (null, { } smtp) => new SmtpEmailSender(smtp, clock),
            _ => new Unconfigured($"no email provider is configured ({EngineSettings.AcsEndpointKey} or {EngineSettings.SmtpHostKey})"),
        };
        ISmsSender sms = acs is not null && engine.SmsFrom is { } from
            ? AcsSmsSender.Create(acs, from)
            : new Unconfigured($"no SMS provider is configured ({EngineSettings.AcsEndpointKey} and {EngineSettings.SmsFromKey})");
        IChannelSender smsChannel = engine.SmsGateway switch
        {
            { IsGateway: false } => new SmsChannel(sms),
            var gateway => gateway.Channel(null, clock, d => own(new DisposedAtStop(d)))
                ?? new SmsChannel(new Unconfigured(
                    $"{gateway.ProviderName} has no credentials ({EngineSettings.SmsAccessKeyIdKey}, {EngineSettings.SmsAccessKeySecretKey}{(gateway.Provider == SmsProvider.Tencent ? ", " + EngineSettings.SmsSdkAppIdKey : "")})")),
        };
        // The group robots: webhooks and DingTalk secrets from the settings Escalation__Robots__{Id}__Webhook / __Secret.
        var robotHttp = new HttpClient();
        own(new DisposedAtStop(robotHttp));
        RobotChannel[] robots =
        [
            new(Channel.WeCom, engine.Robots, robotHttp, clock, null),
            new(Channel.DingTalk, engine.Robots, robotHttp, clock, null),
        ];
        foreach (var robot in robots)
        {
            own(new DisposedAtStop(robot));
        }

        return new Engine(tables, new TracingPublisher(publisher), new ChannelSet([new EmailChannel(email), smsChannel, .. robots]), engine.Delivery with { WebBaseUrl = WebBaseUrl(setting) }, clock, settings.Zone, loggers, engine.Digests);
    }

    /// <summary>
    /// A channel with no provider configured: every delivery on it fails with the reason, so that the log and the
    /// supervision office's digest show it instead of messages vanishing.
    /// </summary>
    private sealed class Unconfigured(string reason) : IEmailSender, ISmsSender
    {
        public string Describe => reason;

        public Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default) =>
            Task.FromResult<SendResult>(new SendResult.Rejected(reason));

        public Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SendResult>>([.. messages.Select(_ => new SendResult.Rejected(reason))]);
    }

    /// <summary>A disposable the handler closes when it stops.</summary>
    private sealed class DisposedAtStop(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
