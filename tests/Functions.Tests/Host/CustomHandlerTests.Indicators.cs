using System.Net;
using Escalation.Domain.Delivery;
using Escalation.Functions.Import;
using Escalation.Functions.Messaging;
using Escalation.Functions.Tests.Import;
using static Escalation.Functions.Host.CustomHandler.Names;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// The city-wide step over the wire: the ScanDeadlines timer fans out one request per indicator besides the units', and
/// the EvaluateUnit trigger (the same <c>evaluate</c> queue, no new function) evaluates an indicator's request however
/// the body arrives, logging each event once. The samples (24 units, 9 indicators, rules I1–I11) with 市发改委 (fgw)'s
/// 固定资产投资增速 entered again as a plain indicator ranked 6th of 12 for 1–3月 and 5th for 1–4月, the latter published
/// the day of the scan (2026-06-01), and one more notice rule at two lagging periods.
/// </summary>
public sealed partial class CustomHandlerTests
{
    private static readonly Dictionary<string, string[]> IndicatorData = new(StringComparer.Ordinal)
    {
        ["indicators.csv"] =
        [
            "Id,Name,Owner,MeasureUnit,Direction,Accumulation,PeriodKind,RankFloor,Lag",
            "gdtz-zs,固定资产投资增速,fgw,%,越高越好,累计,月,4,排名",
        ],
        ["indicatorvalues.csv"] =
        [
            "Indicator,Unit,Period,Value,Published,ProvincialRank,PeerCount,ProvincialAverage",
            "gdtz-zs,fgw,2026-03,5.9,2026-04-17,6,12,6.2",
            "gdtz-zs,fgw,2026-04,6.1,2026-06-01,5,12,6.0",
        ],
        ["rules.csv"] =
        [
            "Id,Name,Level,Trigger,Streak,To,Copy,Channels,Template,Demand,DemandDays",
            "H1,指标连续两期落后通报,notice,indicator-lag,2,principal,supervision-office,email,lag-notice,explanation,5",
        ],
    };

    [Fact]
    public async Task ScanDeadlines_PublishesOneRequestPerIndicatorBesidesTheUnits_WhenAnIndicatorRuleIsEnabled()
    {
        await using var handler = await WithIndicator();

        var answer = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("ScanDeadlines: 24 units and 9 indicators to evaluate on 2026-06-01, 0 configuration problems open", Assert.Single(answer.Logs));
        var requests = handler.Publisher.To(ServiceBusEntities.EvaluateQueue);
        Assert.Equal(HandlerHarness.SampleScanRequests("2026-06-01"), requests.Select(m => m.MessageId));
        Assert.Contains("evaluate-indicator:2026-06-01:gdtz-zs", requests.Select(m => m.MessageId));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task EvaluateUnit_LogsAnIndicatorsEventOnce_WhateverTheBodyForm_AndWhenDeliveredAgain(BodyForm form)
    {
        await using var handler = await WithIndicator();
        var request = new Escalation.Functions.Pipeline.EvaluateIndicatorRequest(new Domain.Indicators.IndicatorId("gdtz-zs"), new NodaTime.LocalDate(2026, 6, 1)).ToMessage();

        var first = await handler.Post(EvaluateUnit, HostPayloads.Message(EvaluateUnit, request.Body, form, request.MessageId, request.Properties, HandlerHarness.ScanTime));
        var again = await handler.Post(EvaluateUnit, HostPayloads.Message(EvaluateUnit, request.Body, form, request.MessageId, request.Properties, HandlerHarness.ScanTime, 2));
        var entries = await handler.LogEntries("fgw");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal("EvaluateUnit evaluate-indicator:2026-06-01:gdtz-zs: indicator gdtz-zs on 2026-06-01: 1 new events, 0 republished, 0 problems", Assert.Single(first.Logs));
        Assert.Equal("EvaluateUnit evaluate-indicator:2026-06-01:gdtz-zs: indicator gdtz-zs on 2026-06-01: 0 new events, 0 republished, 0 problems", Assert.Single(again.Logs));
        var entry = Assert.Single(entries, e => e.Event.Item.Value == "ind:gdtz-zs");
        Assert.Equal((LogStatus.Published, "ind-lag:fgw/2026-04", 5), (entry.Status, entry.Event.Occurrence, entry.Event.Facts.Indicator!.ProvincialRank));
        Assert.Equal([entry.Event.Id.Value], handler.Publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId));
    }

    /// <summary>The harness with the samples and <see cref="IndicatorData"/> imported on top (import adds, never deletes).</summary>
    private static async Task<HandlerHarness> WithIndicator()
    {
        var handler = await HandlerHarness.Start();
        using var data = new TempFolder();
        foreach (var (file, lines) in IndicatorData)
        {
            data.Write(file, bom: false, lines);
        }

        var report = await new Importer(handler.Tables, handler.Clock, HandlerHarness.Zone).Import(ImportSource.Read(data.Path));
        Assert.Empty(report.Rejected);
        return handler;
    }
}
