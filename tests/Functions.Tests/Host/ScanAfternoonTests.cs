using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using NodaTime;
using static Escalation.Functions.Host.CustomHandler.Names;

namespace Escalation.Functions.Tests.Host;

/// <summary>ScanAfternoon: the second timer, its requests, its setting, and what check says about its time.</summary>
public sealed class ScanAfternoonTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public async Task ScanAfternoon_PublishesOneAfternoonRequestPerUnit_WhenTheSamplesHaveAnAfternoonRule()
    {
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.Post(ScanAfternoon, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("ScanAfternoon: 24 units to evaluate on 2026-06-01, 0 configuration problems open", Assert.Single(answer.Logs));
        var requests = handler.Publisher.To(ServiceBusEntities.EvaluateQueue);
        Assert.Equal(HandlerHarness.SampleUnits.Select(u => $"evaluate:2026-06-01:afternoon:{u}"), requests.Select(m => m.MessageId));
        Assert.All(requests, m => Assert.Equal("afternoon", JsonNode.Parse(m.Body.ToString())!["scan"]!.GetValue<string>()));
        Assert.All(requests, m => Assert.Equal(ScanSlot.Afternoon, EvaluateRequest.Parse(m.Body).Request!.Scan));
    }

    [Fact]
    public async Task ScanAfternoon_PublishesNothing_WhenNoEnabledRuleIsForTheAfternoon()
    {
        await using var handler = await HandlerHarness.Start();
        var r10 = DefaultRules.Rows.Single(r => r.Id == "R10") with { Enabled = "false" };
        await (await handler.Tables.Table(AdminTables.Rules.Schema.Name)).UpsertAll([AdminTables.Rules.ToEntity(r10)]);

        var answer = await handler.Post(ScanAfternoon, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("ScanAfternoon: 0 units to evaluate on 2026-06-01, 0 configuration problems open", Assert.Single(answer.Logs));
        Assert.Empty(handler.Publisher.Published);
    }

    [Fact]
    public async Task ScanDeadlines_StillPublishesMorningRequestsWithoutAScan_ForMessagesAlreadyQueued()
    {
        await using var handler = await HandlerHarness.Start();

        await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));

        var body = JsonNode.Parse(handler.Publisher.To(ServiceBusEntities.EvaluateQueue)[0].Body.ToString())!.AsObject();
        Assert.False(body.ContainsKey("scan"));
    }

    [Theory]
    [InlineData("""{"unitId":"jtj","date":"2026-06-01"}""", ScanSlot.Morning)]
    [InlineData("""{"unitId":"jtj","date":"2026-06-01","scan":"morning"}""", ScanSlot.Morning)]
    [InlineData("""{"unitId":"jtj","date":"2026-06-01","scan":"afternoon"}""", ScanSlot.Afternoon)]
    public void EvaluateRequest_ReadsTheScan_MorningWhenAbsent(string body, ScanSlot expected)
    {
        var (request, error) = EvaluateRequest.Parse(BinaryData.FromString(body));

        Assert.Null(error);
        Assert.Equal(expected, request!.Scan);
    }

    [Fact]
    public void EvaluateRequest_IsRefused_WhenTheScanIsUnknown()
    {
        var (request, error) = EvaluateRequest.Parse(BinaryData.FromString("""{"unitId":"jtj","date":"2026-06-01","scan":"evening"}"""));

        Assert.Null(request);
        Assert.Contains("scan 'evening'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionJson_ScanAfternoonRunsOnTheAfternoonScheduleSetting()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "src", "Functions", "FunctionApp", ScanAfternoon, "function.json")));

        var trigger = json.RootElement.GetProperty("bindings")[0];
        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(TimerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal($"%{EngineSettings.AfternoonScanScheduleKey}%", trigger.GetProperty("schedule").GetString());
        Assert.True(json.RootElement.TryGetProperty("retry", out _));
    }

    [Fact]
    public void From_DefaultsTheAfternoonScanTo1600Shanghai_AndWarnsOfNothing()
    {
        var (settings, errors) = EngineSettings.From(_ => null);

        Assert.Empty(errors);
        Assert.Equal(EngineSettings.DefaultAfternoonScanSchedule, settings!.AfternoonScanScheduleText);
        Assert.Equal(
            Instant.FromUtc(2026, 6, 1, 8, 0).ToDateTimeUtc(),
            settings.AfternoonScanSchedule.GetNextOccurrence(Instant.FromUtc(2026, 6, 1, 0, 0).ToDateTimeUtc()));
        Assert.Empty(settings.ScheduleWarnings(Instant.FromUtc(2026, 6, 1, 0, 0), Shanghai));
    }

    [Theory]
    [InlineData("0 0 8 * * ?")]
    [InlineData("every afternoon")]
    public void From_NamesTheKeyAndValue_WhenTheAfternoonScheduleIsNotNcrontab(string value)
    {
        var (settings, errors) = EngineSettings.From(key => key == EngineSettings.AfternoonScanScheduleKey ? value : null);

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains(EngineSettings.AfternoonScanScheduleKey, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduleWarnings_WarnsOfAnAfternoonScanAfterTheSendingWindowCloses()
    {
        // 10:30 UTC is 18:30 in Shanghai, after the default window closes at 18:00.
        var (settings, _) = EngineSettings.From(key => key == EngineSettings.AfternoonScanScheduleKey ? "0 30 10 * * *" : null);

        var warning = Assert.Single(settings!.ScheduleWarnings(Instant.FromUtc(2026, 6, 1, 0, 0), Shanghai));

        Assert.Contains(EngineSettings.AfternoonScanScheduleKey, warning, StringComparison.Ordinal);
        Assert.Contains("18:30", warning, StringComparison.Ordinal);
        Assert.Contains("18:00", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduleWarnings_WarnsOfAnAfternoonScanBeforeTheMorningScan()
    {
        // 23:00 UTC is 07:00 in Shanghai, before the morning scan at 08:30.
        var (settings, _) = EngineSettings.From(key => key == EngineSettings.AfternoonScanScheduleKey ? "0 0 23 * * *" : null);

        var warning = Assert.Single(settings!.ScheduleWarnings(Instant.FromUtc(2026, 6, 1, 0, 0), Shanghai));

        Assert.Contains(EngineSettings.ScanScheduleKey, warning, StringComparison.Ordinal);
        Assert.Contains("07:00", warning, StringComparison.Ordinal);
    }
}
