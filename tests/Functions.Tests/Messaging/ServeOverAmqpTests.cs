using System.Net;
using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Host;
using Microsoft.AspNetCore.TestHost;
using NodaTime.Testing;
using static Escalation.Functions.Host.CustomHandler.Names;

namespace Escalation.Functions.Tests.Messaging;

/// <summary>
/// <c>serve</c> composed from settings as in Azure, with <c>ServiceBusConnection</c> pointing at the loopback AMQP
/// broker: the handler's publishes travel through the SDK, and its connection closes when the host stops it.
/// </summary>
public sealed class ServeOverAmqpTests
{
    [Fact]
    public async Task ScanDeadlines_PublishesOneEvaluateMessagePerUnitAndPerIndicatorOverAmqp_AndClosesTheLinkWhenTheHandlerStops()
    {
        await using var broker = AmqpTestBroker.Start();
        using var folder = await HandlerHarness.SeededCopy();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EngineSettings.ServiceBusConnectionStringKey] = broker.ConnectionString,
            [StoreSettings.LocalStoreKey] = folder["store"],
        };
        string? Setting(string key) => values.GetValueOrDefault(key);
        var app = ServeCommand.Build(Settings.From(Setting), Setting, new FakeClock(HandlerHarness.ScanTime), web => web.UseTestServer());
        await app.StartAsync();
        using var client = app.GetTestClient();

        var answer = await HandlerHarness.Post(client, ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime).ToJsonString());
        var attachedWhileRunning = broker.SenderAttaches;
        var detachedWhileRunning = broker.SenderDetaches;
        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01").Order(StringComparer.Ordinal), broker.Messages.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        Assert.All(broker.Messages, m => Assert.Equal("evaluate", m.Entity));
        Assert.Equal(1, broker.Transfers);
        Assert.Equal(["evaluate"], attachedWhileRunning);
        Assert.Equal(0, detachedWhileRunning);
        Assert.Equal(1, await broker.SenderDetachesReaching(1, TimeSpan.FromSeconds(5)));
    }
}
