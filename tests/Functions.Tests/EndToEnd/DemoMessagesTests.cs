using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The demo's four months (the shipped samples, 2026-04-01..07-31), as <c>demo</c> runs them: nobody gets more than one
/// message a day per channel, level and scan (morning, afternoon), and every event reaches each of its recipients on each channel in exactly one
/// message (or is recorded as not sent, when the person has no address for the channel).
/// </summary>
public sealed class DemoMessagesTests : IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Demo_SendsEachPersonAtMostOneMessageADayPerChannelAndLevel_AndEveryEventInExactlyOneOfThem()
    {
        var run = SimulatedRun.OfDemo(_temp);
        var messages = run.Emails.Select(m => (m.DispatchId, Day: Instant.FromDateTimeOffset(m.Message.Date).InZone(Zone).Date, m.Events))
            .Concat(run.GatewaySms.Select(s => (s.DispatchId, Day: Instant.FromDateTimeOffset(DateTimeOffset.Parse(s.At, System.Globalization.CultureInfo.InvariantCulture)).InZone(Zone).Date, s.Events)))
            .Select(m => (Key: DispatchKey.TryParse(m.DispatchId)!, m.Day, m.Events))
            .ToList();
        var tables = SqliteTables.Open(Path.Combine(run.Output, "store"), new SteppingClock(Instant.FromUtc(2026, 8, 1, 0, 0)));
        var ledger = await (await tables.Table(DeliveryLedger.TableName)).Query(EntityQuery.WholeTable()).Select(DeliveryLedger.FromEntity).ToListAsync();

        // At most one message per (recipient, day, channel, level, scan), by the day it was actually sent: the afternoon
        // scan's same-day chases (R10) go in a message of their own, since the morning's went out hours before.
        var afternoonEvents = run.Events.Where(e => e.Scan == "afternoon").Select(e => e.EventId).ToHashSet();
        Assert.NotEmpty(afternoonEvents);
        Assert.All(messages, m => Assert.True(m.Events.All(afternoonEvents.Contains) || !m.Events.Any(afternoonEvents.Contains), $"{m.Key} mixes the scans' events"));
        var perSlot = messages.GroupBy(m => (m.Key.Person, m.Day, m.Key.Channel, m.Key.Level, Afternoon: m.Events.Any(afternoonEvents.Contains)))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(perSlot);
        Assert.All(messages, m => Assert.Equal(m.Key.Day, m.Day));

        // Every delivery the ledger calls sent is in exactly one message to that person on that channel; nothing else is.
        var carried = messages.SelectMany(m => m.Events.Select(e => (Event: e, m.Key.Person, m.Key.Channel))).ToList();
        Assert.Equal(carried.Count, carried.Distinct().Count());
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).Select(d => (Event: d.Event.Value, d.Person, d.Channel)).ToHashSet();
        Assert.Equal(sent.OrderBy(s => s.ToString()), carried.OrderBy(c => c.ToString()));

        // Every event of events.jsonl was delivered: each of its deliveries is sent, or not sent on purpose (no address).
        // 149 of R1–R8 (zjj-2026-08, a builder project, adds R8's start-missed notice of 07-16 and R7's summons of 07-23:
        // the builder cjt explained on 07-20, zjj did not; R3's 15 calendar days moved R7's dates, not their count), 495 day-before reminders of R9 (the samples report on the due
        // day itself, so nearly every task is reminded each 旬) and 42 same-day afternoon chases of R10.
        Assert.Equal(686, run.Events.Count);
        Assert.Equal(149, run.Events.Count(e => e.RuleId is not ("R9" or "R10")));
        Assert.Single(run.Events, e => e.RuleId == "R8");
        Assert.Equal((495, 42), (run.Events.Count(e => e.RuleId == "R9"), run.Events.Count(e => e.RuleId == "R10")));
        Assert.All(run.Events, e => Assert.Equal(e.RuleId == "R10" ? "afternoon" : "morning", e.Scan));
        Assert.All(ledger, d => Assert.True(d.Status is DeliveryStatus.Sent or DeliveryStatus.Skipped, $"{d.Id} is {d.Status}"));
        // An event of an SMS-only rule (R10) to a person without a mobile number is recorded as not sent, and nothing else.
        Assert.All(run.Events, e => Assert.Contains(ledger, d => d.Event.Value == e.EventId
            && (d.Status == DeliveryStatus.Sent || (e.Channels is ["sms"] && d.Status == DeliveryStatus.Skipped))));
        foreach (var e in run.Events)
        {
            foreach (var r in e.Recipients.DistinctBy(r => r.Person))
            {
                foreach (var channel in e.Channels.Select(c => Enum.Parse<Channel>(c, ignoreCase: true)))
                {
                    Assert.Single(ledger, d => d.Event.Value == e.EventId && d.Person.Value == r.Person && d.Channel == channel);
                }
            }
        }

        // Grouping is real: far fewer messages than deliveries (985 for 1,469; below two thirds before R9 and R10, whose
        // reminders are mostly one task per owner a day and so group less).
        Assert.True(messages.Count < sent.Count * 7 / 10, $"{messages.Count} messages for {sent.Count} deliveries");
        Assert.Contains(messages, m => m.Events.Count > 1 && m.Events.Any(e => run.Events.Any(p => p.EventId == e && p.RuleId == "R9")));

        // The demo's SMS are mainland gateway requests (aliyun, as the demo sets it when no provider is set): the approved
        // signature, a template code of the samples' smstemplates and its variables, each within the 20-character limit;
        // the grouped template for several items. No free-text sms.log.
        Assert.Empty(run.Sms);
        Assert.Contains("sms-gateway.log", run.Stderr, StringComparison.Ordinal);
        var sms = run.GatewaySms;
        Assert.NotEmpty(sms);
        Assert.All(sms, s =>
        {
            Assert.Equal(("aliyun", "某市督查室", s.DispatchId), (s.Provider, s.SignName, s.OutId));
            Assert.Matches("^SMS_4900000(0[1-9]|1[0-3])$", s.TemplateCode);
            Assert.NotEmpty(s.TemplateParam);
            Assert.All(s.TemplateParam.Values, v => Assert.InRange(v.Length, 1, 20));
            Assert.Equal(s.Events.Count > 1, s.TemplateCode is "SMS_490000011" or "SMS_490000012" or "SMS_490000013");
        });
        Assert.Equal(sent.Count(s => s.Channel == Channel.Sms), sms.Sum(s => s.Events.Count));
        var lag = sms.First(s => s.TemplateCode == "SMS_490000009");
        Assert.Equal(["unit", "item", "streak"], lag.TemplateParam.Keys);
    }

    public void Dispose() => _temp.Dispose();
}
