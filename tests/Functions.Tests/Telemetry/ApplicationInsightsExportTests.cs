using System.IO.Compression;
using System.Text;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Telemetry;
using Escalation.Functions.Tests.Rest;
using NodaTime;

namespace Escalation.Functions.Tests.Telemetry;

/// <summary>
/// The Azure path as the handler starts it: with <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> set, spans reach the
/// ingestion endpoint it names (a loopback server standing in for Application Insights' <c>v2.1/track</c>) with an
/// Entra token for Azure Monitor, the only authentication the deployed resource accepts; and none is sampled away.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class ApplicationInsightsExportTests
{
    [Fact]
    public async Task Export_SendsTheSpansToTheIngestionEndpoint_WithAnEntraTokenForAzureMonitor()
    {
        await using var server = await LoopbackServer.Start();
        server.AnswerWith(_ => Answer.Json(200, """{"itemsReceived":0,"itemsAccepted":0,"errors":[]}"""));
        var credential = new FakeTokenCredential("entra-token-for-monitor");
        var asked = 0;
        var endpoint = server.BaseUri.ToString();
        var options = new TelemetryOptions($"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={endpoint};LiveEndpoint={endpoint}", null, false);

        using (var export = TelemetryExport.Start(options, () => { asked++; return credential; }, azureMonitor: o =>
        {
            o.Transport = LoopbackServer.Transport();
            o.DisableOfflineStorage = true;
        }))
        {
            await EngineTelemetry.Scan(() => Task.FromResult(new ScanOutcome(new LocalDate(2026, 6, 1), 10, 0)));
        }

        var tracks = server.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/v2.1/track", StringComparison.Ordinal)).ToList();
        Assert.Equal(1, asked);
        Assert.NotEmpty(tracks);
        Assert.All(tracks, r => Assert.Equal("Bearer entra-token-for-monitor", r.Header("Authorization")));
        Assert.Contains("https://monitor.azure.com//.default", credential.Scopes);
        var items = string.Join('\n', tracks.Select(Text));
        Assert.Contains("\"RequestData\"", items, StringComparison.Ordinal); // the exporter's default sampler (traces per second) dropped it
        Assert.Contains("\"name\":\"ScanDeadlines\"", items, StringComparison.Ordinal);
        Assert.Contains("\"ai.cloud.role\":\"escalation-engine\"", items, StringComparison.Ordinal);
    }

    private static string Text(RecordedRequest request)
    {
        if (request.Header("Content-Encoding") is not "gzip")
        {
            return request.Text;
        }

        using var gzip = new GZipStream(new MemoryStream(request.Body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
