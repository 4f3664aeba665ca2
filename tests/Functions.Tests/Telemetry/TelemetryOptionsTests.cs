using Escalation.Functions.Commands;
using Escalation.Functions.Telemetry;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>Where traces and metrics go, read from the three settings; a wrong value is refused with its key, like every setting.</summary>
public sealed class TelemetryOptionsTests
{
    private const string Connection = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://eastasia-0.in.applicationinsights.azure.com/";

    private static (TelemetryOptions Options, IReadOnlyList<string> Errors) Read(params (string Key, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        return TelemetryOptions.From(key => map.GetValueOrDefault(key));
    }

    [Fact]
    public void From_ExportsNothing_WhenNothingIsSet()
    {
        var (options, errors) = Read((EngineSettings.TelemetryConsoleKey, "false"), (EngineSettings.OtlpEndpointKey, " "));

        Assert.Empty(errors);
        Assert.False(options.Exports);
    }

    [Fact]
    public void From_ReadsEachExporter_WhenSet()
    {
        var (options, errors) = Read(
            (EngineSettings.ApplicationInsightsConnectionStringKey, Connection),
            (EngineSettings.OtlpEndpointKey, "http://localhost:4317"),
            (EngineSettings.TelemetryConsoleKey, "True"));

        Assert.Empty(errors);
        Assert.Equal(new TelemetryOptions(Connection, new Uri("http://localhost:4317"), true), options);
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "00000000-0000-0000-0000-000000000000")] // a bare instrumentation key
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4317")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://collector:4317")]
    [InlineData("Escalation__Telemetry__Console", "yes")]
    public void From_RefusesAValue_NamingTheKey_AndTheEngineSettingsRefuseItToo(string key, string value)
    {
        var (options, errors) = Read((key, value));
        var (engine, engineErrors) = EngineSettings.From(k => k == key ? value : null);

        Assert.Contains(key, Assert.Single(errors), StringComparison.Ordinal);
        Assert.False(options.Exports);
        Assert.Null(engine);
        Assert.Equal(errors, engineErrors);
    }
}
