using System.Reflection;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Escalation.Functions.Commands;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Escalation.Functions.Telemetry;

/// <summary>Where the engine's traces and metrics go, read from the settings (keys in <see cref="EngineSettings"/>).</summary>
/// <param name="ApplicationInsights">The Application Insights connection string: export there, signing in with Entra ID.</param>
/// <param name="Otlp">An OTLP/gRPC endpoint (a collector, Jaeger, the Aspire dashboard): export there.</param>
/// <param name="Console">Print spans and metrics on stdout.</param>
internal sealed record TelemetryOptions(string? ApplicationInsights, Uri? Otlp, bool Console)
{
    public static TelemetryOptions None { get; } = new(null, null, false);

    /// <summary>True when anything is exported; otherwise no provider is built and no span is even created.</summary>
    public bool Exports => ApplicationInsights is not null || Otlp is not null || Console;

    /// <summary>Reads the settings; each fault names the key, the value and what is expected (the options then export less).</summary>
    public static (TelemetryOptions Options, IReadOnlyList<string> Errors) From(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var errors = new List<string>();
        string? Get(string key) => setting(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var connection = Get(EngineSettings.ApplicationInsightsConnectionStringKey);
        if (connection is not null && !connection.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"设置 {EngineSettings.ApplicationInsightsConnectionStringKey} 不是 Application Insights 连接字符串：应含 InstrumentationKey=…;IngestionEndpoint=…，可在 Application Insights 资源的“概述”页复制；不需要时留空。");
            connection = null;
        }

        Uri? otlp = null;
        if (Get(EngineSettings.OtlpEndpointKey) is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                otlp = uri;
            }
            else
            {
                errors.Add($"设置 {EngineSettings.OtlpEndpointKey} = '{endpoint}' 不是 http(s) 地址：应写成 OTLP/gRPC 接收端的地址，如 http://localhost:4317；不需要时留空。");
            }
        }

        var console = false;
        if (Get(EngineSettings.TelemetryConsoleKey) is { } consoleText && !bool.TryParse(consoleText, out console))
        {
            errors.Add($"设置 {EngineSettings.TelemetryConsoleKey} = '{consoleText}' 只能是 true 或 false。");
        }

        return (new TelemetryOptions(connection, otlp, console), errors);
    }
}

/// <summary>
/// The trace and meter providers of one process, listening to <see cref="EngineTelemetry.Name"/> and exporting where
/// <see cref="TelemetryOptions"/> say. Disposing flushes what is buffered: the handler disposes it when the host stops it,
/// a local command when it ends.
/// </summary>
internal sealed class TelemetryExport : IDisposable
{
    /// <summary>The <c>service.name</c> of the spans and metrics (Application Insights' cloud role name).</summary>
    public const string ServiceName = "escalation-engine";

    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private TelemetryExport(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    /// <summary>
    /// Starts the providers. <paramref name="credential"/> is asked for only when exporting to Application Insights, whose
    /// ingestion accepts Entra tokens only (local auth is disabled). <paramref name="traces"/> and
    /// <paramref name="metrics"/> add more (the tests' in-memory exporters), <paramref name="azureMonitor"/> adjusts the
    /// Azure Monitor exporter's client options (the tests' loopback transport). Nothing is built when nothing exports.
    /// </summary>
    public static TelemetryExport Start(
        TelemetryOptions options,
        Func<TokenCredential> credential,
        Action<TracerProviderBuilder>? traces = null,
        Action<MeterProviderBuilder>? metrics = null,
        Action<AzureMonitorExporterOptions>? azureMonitor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        if (!options.Exports && traces is null && metrics is null)
        {
            return new TelemetryExport(null, null);
        }

        var version = typeof(TelemetryExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var traceBuilder = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: version))
            .AddSource(EngineTelemetry.Name);
        var meterBuilder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: version))
            .AddMeter(EngineTelemetry.Name);

        if (options.ApplicationInsights is { } connection)
        {
            var token = credential();
            void Configure(AzureMonitorExporterOptions o)
            {
                o.ConnectionString = connection;

                // Every span: a few hundred a day, and a trace sampled per process (the exporter's default limits traces
                // per second, decided anew in each invocation) would lose the deliveries of the scans it keeps.
                o.TracesPerSecond = null;
                o.SamplingRatio = 1.0F;
                azureMonitor?.Invoke(o);
            }

            traceBuilder.AddAzureMonitorTraceExporter(Configure, token);
            meterBuilder.AddAzureMonitorMetricExporter(Configure, token);
        }

        if (options.Otlp is { } endpoint)
        {
            traceBuilder.AddOtlpExporter(o => o.Endpoint = endpoint);
            meterBuilder.AddOtlpExporter(o => o.Endpoint = endpoint);
        }

        if (options.Console)
        {
            traceBuilder.AddConsoleExporter();
            meterBuilder.AddConsoleExporter();
        }

        traces?.Invoke(traceBuilder);
        metrics?.Invoke(meterBuilder);
        return new TelemetryExport(traceBuilder.Build(), meterBuilder.Build());
    }

    /// <summary>Exports what is buffered now (a test reads its in-memory exporters after this).</summary>
    public void Flush()
    {
        _traces?.ForceFlush();
        _metrics?.ForceFlush();
    }

    public void Dispose()
    {
        _traces?.Dispose();
        _metrics?.Dispose();
    }
}
