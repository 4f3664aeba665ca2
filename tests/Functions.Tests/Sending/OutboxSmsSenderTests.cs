using System.Text;
using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Functions.Sending;
using Escalation.Functions.Tests.Import;

namespace Escalation.Functions.Tests.Sending;

/// <summary>Local mode's SMS: JSON lines in {outbox}/sms.log, one per delivery.</summary>
public sealed class OutboxSmsSenderTests : IDisposable
{
    private readonly TempFolder _outbox = new();

    private string Log => Path.Combine(_outbox.Path, "sms.log");

    [Fact]
    public async Task Send_AppendsOneJsonLinePerMessage_WhenTheLogIsNew()
    {
        using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());
        var messages = new[] { Mails.Sms("ev-1:Sms:jtj-wang"), Mails.Sms("ev-1:Sms:jtj-li", new string('字', 71), "+8613900001111") };

        var results = await sender.Send(messages);

        Assert.All(results, r => Assert.Equal("sms.log", Assert.IsType<SendResult.Sent>(r).ProviderId));
        var lines = Lines();
        Assert.Equal(2, lines.Count);
        Assert.Equal("2026-06-01T01:30:00Z", lines[0].GetProperty("at").GetString());
        Assert.Equal("ev-1:Sms:jtj-wang", lines[0].GetProperty("dispatchId").GetString());
        Assert.Equal("+8613812345678", lines[0].GetProperty("to").GetString());
        Assert.Equal(messages[0].Text, lines[0].GetProperty("text").GetString());
        Assert.Equal(1, lines[0].GetProperty("segments").GetInt32());
        Assert.Equal(2, lines[1].GetProperty("segments").GetInt32());
    }

    [Fact]
    public async Task Send_WritesChineseAndPlusSignsUnescaped_WhenTheTextIsChinese()
    {
        using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());

        await sender.Send([Mails.Sms("ev-1:Sms:jtj-wang", "【督查室】请于6月3日前报送“情况说明”。")]);

        var raw = await File.ReadAllTextAsync(Log, Encoding.UTF8);
        Assert.Contains("\"text\":\"【督查室】请于6月3日前报送“情况说明”。\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"to\":\"+8613812345678\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", raw, StringComparison.Ordinal);
        Assert.EndsWith("}\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_DoesNotAppendAgain_WhenTheDeliveryIdIsAlreadyInTheLog()
    {
        using (var before = new OutboxSmsSender(_outbox.Path, Mails.Clock()))
        {
            await before.Send([Mails.Sms("ev-1:Sms:jtj-wang")]);
        }

        using var afterRestart = new OutboxSmsSender(_outbox.Path, Mails.Clock());

        var results = await afterRestart.Send([Mails.Sms("ev-1:Sms:jtj-wang"), Mails.Sms("ev-2:Sms:jtj-wang"), Mails.Sms("ev-2:Sms:jtj-wang")]);
        var again = await afterRestart.Send([Mails.Sms("ev-2:Sms:jtj-wang")]);

        Assert.All(results.Concat(again), r => Assert.IsType<SendResult.Sent>(r));
        Assert.Equal(["ev-1:Sms:jtj-wang", "ev-2:Sms:jtj-wang"], Lines().Select(l => l.GetProperty("dispatchId").GetString()));
    }

    [Fact]
    public async Task Send_RecordsEveryDeliveryOnce_WhenSendsRunConcurrently()
    {
        using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());
        var ids = Enumerable.Range(0, 40).Select(i => $"ev-{i % 20}:Sms:jtj-wang").ToList();

        var results = await Task.WhenAll(ids.Select(id => Task.Run(() => sender.Send([Mails.Sms(id)]))));

        Assert.All(results, r => Assert.IsType<SendResult.Sent>(Assert.Single(r)));
        var logged = Lines().Select(l => l.GetProperty("dispatchId").GetString()).ToList();
        Assert.Equal(20, logged.Count);
        Assert.Equal(ids.Distinct().Order(), logged.Order());
    }

    [Fact]
    public async Task Send_StartsANewLine_WhenTheLogEndsWithHalfALine()
    {
        await File.WriteAllTextAsync(Log, "{\"at\":\"2026-06-01T01:00:00Z\",\"dispatchId\":\"ev-0:Sms:jtj-wang\",\"to\":\"+86138", Encoding.UTF8);
        using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());

        await sender.Send([Mails.Sms("ev-1:Sms:jtj-wang")]);

        var raw = await File.ReadAllLinesAsync(Log, Encoding.UTF8);
        Assert.Equal(2, raw.Length);
        Assert.Equal("ev-1:Sms:jtj-wang", JsonDocument.Parse(raw[1]).RootElement.GetProperty("dispatchId").GetString());
    }

    [Fact]
    public async Task Send_AppendsAgain_WhenTheLogWasDeletedMeanwhile()
    {
        using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());
        await sender.Send([Mails.Sms("ev-1:Sms:jtj-wang")]);
        File.Delete(Log);

        await sender.Send([Mails.Sms("ev-1:Sms:jtj-wang")]);

        Assert.Equal("ev-1:Sms:jtj-wang", Assert.Single(Lines()).GetProperty("dispatchId").GetString());
    }

    [Fact]
    public async Task Send_ReturnsTransientForEachMessage_WhenTheOutboxCannotBeCreated()
    {
        var notAFolder = _outbox.Write("occupied", bom: false, "a file where the outbox should be");
        using var sender = new OutboxSmsSender(notAFolder, Mails.Clock());

        var results = await sender.Send([Mails.Sms("ev-1:Sms:jtj-wang"), Mails.Sms("ev-1:Sms:jtj-li")]);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.DoesNotContain("13812345678", Assert.IsType<SendResult.Transient>(r).Error, StringComparison.Ordinal));
    }

    // Separate senders on one log stand for separate processes (each run has its own): every open of the log is its own
    // OS lock, so they contend as processes do. Like two runs on one store, each sends the same deliveries in the same
    // order at the same moment, a batch (one event's SMS) at a time. Real processes: OverlappingRunTests.
    [Fact]
    public async Task Send_WritesEveryLineWholeAndOnce_WhenSendersOfSeveralProcessesAppendAtOnce()
    {
        const int Senders = 4;
        var batches = Enumerable.Range(0, 60)
            .Select(b => Enumerable.Range(0, 3).Select(i => Mails.Sms($"ev-{b}:Sms:person-{i}", new string('督', 150))).ToList())
            .ToList();
        using var start = new Barrier(Senders);

        var results = await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Factory.StartNew(
            () =>
            {
                using var sender = new OutboxSmsSender(_outbox.Path, Mails.Clock());
                start.SignalAndWait();
                return batches.SelectMany(batch => sender.Send(batch).GetAwaiter().GetResult()).ToList();
            },
            TaskCreationOptions.LongRunning)));

        Assert.All(results.SelectMany(r => r), r => Assert.IsType<SendResult.Sent>(r));
        var lines = File.ReadAllLines(Log, Encoding.UTF8);
        Assert.All(lines, l => Assert.StartsWith("{\"at\":", l, StringComparison.Ordinal));
        var ids = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("dispatchId").GetString()).ToList();
        Assert.Equal(batches.SelectMany(b => b).Select(m => m.DispatchId).Order(), ids.Order());
    }

    private List<JsonElement> Lines() =>
        File.ReadAllLines(Log, Encoding.UTF8).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public void Dispose() => _outbox.Dispose();
}
