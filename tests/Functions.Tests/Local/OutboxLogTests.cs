using Escalation.Functions.Local;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Local;

/// <summary>
/// The local outbox logs of the gateway and robot channels (one JSON line per message): each open of the file is its own
/// OS lock, so writers here contend as processes sharing one outbox would.
/// </summary>
public sealed class OutboxLogTests : IDisposable
{
    private readonly TempFolder _outbox = new();

    [Fact]
    public async Task AppendOnce_WritesEachMessageOnceAndWhole_WhenManyWritersAppendTheSameMessagesTogether()
    {
        var path = _outbox["wecom.log"];
        var ids = Enumerable.Range(1, 20).Select(i => $"WeCom:robot-zjj:20260716:Notice:{i:000}").ToList();

        var written = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var count = 0;
            foreach (var id in ids)
            {
                count += await OutboxLog.AppendOnce(path, id, $$"""{"dispatchId":"{{id}}","text":"市住房城乡建设局：督办"}""") ? 1 : 0;
            }

            return count;
        })));

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(20, written.Sum());
        Assert.Equal(ids, lines.Select(l => OutboxLog.DispatchIdOf(l) ?? "(torn)").Order(StringComparer.Ordinal).ToList());
        Assert.All(lines, l => Assert.Contains("市住房城乡建设局", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppendOnce_StartsOnANewLine_WhenACrashLeftATornLine()
    {
        var path = _outbox["dingtalk.log"];
        await File.WriteAllTextAsync(path, """{"dispatchId":"DingTalk:robot-office:20260506:Notice:001"}""" + "\n" + """{"dispatchId":"DingTalk:robot-of""");

        Assert.True(await OutboxLog.AppendOnce(path, "DingTalk:robot-office:20260506:Notice:002", """{"dispatchId":"DingTalk:robot-office:20260506:Notice:002"}"""));
        Assert.False(await OutboxLog.AppendOnce(path, "DingTalk:robot-office:20260506:Notice:001", """{"dispatchId":"DingTalk:robot-office:20260506:Notice:001"}"""));

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(["DingTalk:robot-office:20260506:Notice:001", null, "DingTalk:robot-office:20260506:Notice:002"], lines.Select(OutboxLog.DispatchIdOf));
    }

    [Fact]
    public async Task GatewayOutbox_WritesARequestOnceAndFindsIt_WhenTwoGatewaysShareOneOutbox()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 5, 6, 0, 30));
        using var first = new OutboxSmsGateway(_outbox.Path, "aliyun", clock);
        using var second = new OutboxSmsGateway(_outbox.Path, "aliyun", clock);
        var sms = new GatewaySms("Sms:jtj-wang:20260506:Reminder:001", "+8614000000016", "某市督查室", "SMS_490000004", [new("unit", "市交通运输局")], ["ev-1"]);

        var results = await Task.WhenAll(first.Send(sms), second.Send(sms), first.Send(sms), second.Send(sms));

        Assert.All(results, r => Assert.Equal(GatewayOutcome.Sent, r.Outcome));
        Assert.Single(await File.ReadAllLinesAsync(first.LogFile));
        Assert.Equal(GatewayLookupVerdict.Found, (await second.Find(sms.DispatchId, sms.To, clock.GetCurrentInstant())).Verdict);
        Assert.Equal(GatewayLookupVerdict.NotFound, (await second.Find("Sms:jtj-wang:20260506:Reminder:002", sms.To, clock.GetCurrentInstant())).Verdict);
    }

    public void Dispose() => _outbox.Dispose();
}
