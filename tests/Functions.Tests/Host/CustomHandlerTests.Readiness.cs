using System.Diagnostics;
using System.Net;
using Escalation.Domain.Delivery;
using Escalation.Functions.Commands;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime.Testing;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>Readiness: the host polls <c>GET /</c> until it answers, and must not wait for the engine to be built.</summary>
public sealed partial class CustomHandlerTests
{
    [Fact]
    public async Task GetRoot_AnswersReadyWithoutBuildingTheEngine_WhenTheEngineCannotBeBuilt()
    {
        var built = 0;
        var (app, client) = await HandlerHarness.Bare(() =>
        {
            Interlocked.Increment(ref built);
            throw new InvalidOperationException("The handler's settings are not usable.");
        });
        await using var _ = app;
        using var __ = client;
        var watch = Stopwatch.StartNew();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, built);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"readiness took {watch.Elapsed}");
    }

    [Fact]
    public async Task Invoke_FailsWithTheFaultInTheLogsAndStaysReady_WhenTheEngineCannotBeBuilt()
    {
        var (app, client) = await HandlerHarness.Bare(() => throw new InvalidOperationException("The handler's settings are not usable: no Service Bus."));
        await using var _ = app;
        using var __ = client;

        var answer = await HandlerHarness.Post(client, ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime).ToJsonString());
        using var ready = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.Equal(
            "ScanDeadlines failed and will be retried: InvalidOperationException: The handler's settings are not usable: no Service Bus.",
            Assert.Single(answer.Logs));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task ServeBuild_StampsEachLogLineWithItsTraceAndSpan_AsJsonScopes()
    {
        string? Setting(string key) => null;
        await using var app = ServeCommand.Build(Settings.From(Setting), Setting, new FakeClock(HandlerHarness.ScanTime), web => web.UseTestServer());

        var factory = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LoggerFactoryOptions>>().Value;
        var console = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>>()
            .CurrentValue;

        Assert.Equal(ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId, factory.ActivityTrackingOptions);
        Assert.True(console.IncludeScopes);
    }

    [Fact]
    public async Task ServeBuild_AnswersReadinessAndNamesTheBadSettingInEachInvocation_WhenASettingIsBad()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { [EngineSettings.MaxAttemptsKey] = "0" };
        string? Setting(string key) => values.GetValueOrDefault(key);
        await using var app = ServeCommand.Build(Settings.From(Setting), Setting, new FakeClock(HandlerHarness.ScanTime), web => web.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var ready = await client.GetAsync(new Uri("/", UriKind.Relative));
        var first = await HandlerHarness.Post(client, EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64).ToJsonString());
        var second = await HandlerHarness.Post(client, DeliverSms, EvaluateRequestFor(Unit, BodyForm.Base64).ToJsonString());

        // serve maps the web pages at /: the host's readiness poll, signed out, gets the board's 401, and any answer is ready.
        Assert.Equal(HttpStatusCode.Unauthorized, ready.StatusCode);
        Assert.All([first, second], answer =>
        {
            Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
            var log = Assert.Single(answer.Logs);
            Assert.Contains("settings are not usable", log, StringComparison.Ordinal);
            Assert.Contains($"{EngineSettings.MaxAttemptsKey} = '0'", log, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Invoke_AsksForTheEngineOnEachInvocation_WhenTheFactoryRecovers()
    {
        await using var handler = await HandlerHarness.Start();
        var working = handler.EngineFactory;
        handler.EngineFactory = () => throw new InvalidOperationException("Store not reachable yet.");

        var failed = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));
        handler.EngineFactory = working;
        var retried = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01"), handler.Publisher.To(Escalation.Functions.Messaging.ServiceBusEntities.EvaluateQueue).Select(m => m.MessageId));
    }
}
