using System.Globalization;
using System.Net;
using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Sending.China;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// DeliverWeCom / DeliverDingTalk as in Azure: the engine's robot channels with webhooks in the settings, posting to the
/// loopback fakes of the two platforms (the WeCom key checked, the DingTalk signature recomputed and its keyword
/// required). The samples' robots (samples/robots.csv) are zjj's WeCom group and the office's DingTalk group (keyword
/// 督办); R5, R6 and R8 post to both. The event notice puts each event's robot delivery in the robot's message of the day;
/// the dispatch notice posts that message once, whatever redelivers it.
/// </summary>
public sealed partial class CustomHandlerTests
{
    private const string ZjjKey = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    private const string OfficeToken = "officetoken0123456789";
    private const string OfficeSecret = "SEC0fficeSecret0123456789abcdef";

    /// <summary>
    /// The handler's engine with the two robot channels besides email and SMS, their webhooks (and the DingTalk secret)
    /// as the settings <c>Escalation__Robots__{Id}__Webhook</c> / <c>__Secret</c> give them in Azure: no outbox.
    /// </summary>
    private static RobotChannel[] UseRobots(HandlerHarness handler, RobotFakeServer server, HttpClient http)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Escalation__Robots__zjj__Webhook"] = $"{server.BaseUri}cgi-bin/webhook/send?key={ZjjKey}",
            ["Escalation__Robots__office__Webhook"] = $"{server.BaseUri}robot/send?access_token={OfficeToken}",
            ["Escalation__Robots__office__Secret"] = OfficeSecret,
        };
        RobotChannel[] robots =
        [
            new(Channel.WeCom, settings.GetValueOrDefault, http, handler.Clock, null),
            new(Channel.DingTalk, settings.GetValueOrDefault, http, handler.Clock, null),
        ];
        var engine = new Engine(handler.Tables, handler.Publisher, new ChannelSet([new EmailChannel(handler.Email), new SmsChannel(handler.Sms), .. robots]),
            DeliveryOptions.Default, handler.Clock, HandlerHarness.Zone, NullLoggerFactory.Instance);
        handler.EngineFactory = () => engine;
        return robots;
    }

    /// <summary>Evaluates <paramref name="unit"/> on <paramref name="day"/> (the clock at 08:30 that day) and returns the event notices for <paramref name="channel"/>.</summary>
    private static async Task<List<OutgoingMessage>> EvaluateOn(HandlerHarness handler, string unit, LocalDate day, Channel channel)
    {
        var at = day.At(new LocalTime(8, 30)).InZoneStrictly(HandlerHarness.Zone).ToInstant();
        var date = day.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        handler.Clock.Reset(at);
        var request = HostPayloads.Message(
            EvaluateUnit,
            BinaryData.FromString($$"""{"unitId":"{{unit}}","date":"{{date}}"}"""),
            BodyForm.Base64,
            $"evaluate:{date}:{unit}",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = unit },
            at);
        var answer = await handler.Post(EvaluateUnit, request);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var notices = handler.Publisher.To(ServiceBusEntities.EventsTopic)
            .Where(m => m.Properties.GetValueOrDefault(ChannelSet.FilterProperty(channel)) == "true")
            .OrderBy(m => m.MessageId, StringComparer.Ordinal)
            .ToList();
        handler.Publisher.Clear();
        return notices;
    }

    /// <summary>The people of samples/people.csv: id → (unit, mobile).</summary>
    private static Dictionary<string, (string? Unit, string? Mobile)> SamplePeople() =>
        ImportSource.Read(Repo.Samples).Tables.Single(t => t.Schema.Name == "people").Rows
            .ToDictionary(r => r.Field("Id")!, r => (r.Field("Unit"), r.Field("Mobile")));

    // 2026-07-16: zjj-2026-08 (a builder project of zjj) has not started as planned: R8's start-missed notice, addressed
    // to zjj's principal and the builder's, the office in copy. On WeCom it goes to zjj's group as one post @-mentioning
    // zjj's addressed recipient by mobile (a text post: WeCom mentions by mobile only in text).
    [Fact]
    public async Task DeliverWeCom_PostsOneTextMentioningTheUnitsAddressedRecipients_AndNotTwice_WhenTheMessageIsHandedOverAgain()
    {
        await using var handler = await HandlerHarness.Start();
        var fake = new WeComRobotFake(ZjjKey, handler.Clock);
        await using var server = await RobotFakeServer.Start(fake.Answer);
        using var http = RobotFakeServer.Client();
        var robots = UseRobots(handler, server, http);
        try
        {
            var notices = await EvaluateOn(handler, "zjj", new LocalDate(2026, 7, 16), Channel.WeCom);
            var notice = Assert.Single(notices);

            var joined = await handler.Post(DeliverWeCom, Received(notice, DeliverWeCom));
            var dispatchNotices = TakeDispatchNotices(handler, Channel.WeCom);
            var sends = await DeliverWhenDue(handler, DeliverWeCom, dispatchNotices);
            var again = await DeliverWhenDue(handler, DeliverWeCom, dispatchNotices);
            var eventAgain = await handler.Post(DeliverWeCom, Received(notice, DeliverWeCom, deliveryCount: 2));

            var id = EventId.Parse(notice.MessageId);
            var entry = await handler.Log.Find(new UnitId("zjj"), id);
            var ledger = await handler.Ledger.OfEvent(id);
            Assert.Equal(HttpStatusCode.OK, joined.Status);
            Assert.Equal($"DeliverWeCom {notice.MessageId}: WeCom: 1 joined a message, {entry!.Event.Recipients.DistinctBy(r => r.Person).Count() - 1} skipped, 0 already done, 1 messages to look at", Assert.Single(joined.Logs));
            var dispatch = DispatchOf(Assert.Single(dispatchNotices));
            Assert.Equal("WeCom:robot-zjj:20260716:Notice:001", dispatch);
            Assert.Equal($"DeliverWeCom {dispatchNotices[0].MessageId}: WeCom: message {dispatch} with 1 events: Sent (attempt 1)", Assert.Single(Assert.Single(sends).Answer.Logs));
            var sent = Assert.Single(ledger, d => d.Status == DeliveryStatus.Sent);
            Assert.Equal(("robot-zjj", dispatch), (sent.Person.Value, sent.DispatchId));
            Assert.All(ledger.Where(d => d != sent), d => Assert.Equal(DeliveryStatus.Skipped, d.Status)); // the builder's and the office's groups have no WeCom robot

            var request = Assert.Single(server.Requests); // once, though the dispatch and the event were handed over again
            Assert.All(again, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
            Assert.Equal(HttpStatusCode.OK, eventAgain.Status);
            var people = SamplePeople();
            var mentioned = entry.Event.Recipients.Where(r => !r.IsCopy && people[r.Person.Value].Unit == "zjj").Select(r => people[r.Person.Value].Mobile!).ToList();
            Assert.NotEmpty(mentioned);
            var body = request.Json();
            Assert.Equal("text", body.GetProperty("msgtype").GetString());
            Assert.Equal(mentioned, body.GetProperty("text").GetProperty("mentioned_mobile_list").EnumerateArray().Select(m => m.GetString()));
            Assert.Contains(entry.Event.Facts.ItemTitle, body.GetProperty("text").GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.Equal((0, 0), (handler.Email.Sent, handler.Sms.Sent)); // only the robot's function was handed the notices
        }
        finally
        {
            foreach (var robot in robots)
            {
                robot.Dispose();
            }
        }
    }

    // 2026-06-02: the samples' lagging items of jtj raise R5 notices and R6 summonses, each copying the office. On
    // DingTalk each goes to the office's group: one signed post per level of the day carrying all of that level's events,
    // with the robot's keyword; nobody is @-ed (the office is only copied).
    [Fact]
    public async Task DeliverDingTalk_PostsOneSignedPostPerMergedMessage_AndNotTwice_WhenTheMessagesAreHandedOverAgain()
    {
        await using var handler = await HandlerHarness.Start();
        var fake = new DingTalkRobotFake(OfficeToken, OfficeSecret, "督办", handler.Clock);
        await using var server = await RobotFakeServer.Start(fake.Answer);
        using var http = RobotFakeServer.Client();
        var robots = UseRobots(handler, server, http);
        try
        {
            var notices = await EvaluateOn(handler, "jtj", new LocalDate(2026, 6, 2), Channel.DingTalk);
            Assert.True(notices.Count > 1, $"{notices.Count} DingTalk events");

            var joined = new List<HandlerAnswer>();
            foreach (var notice in notices)
            {
                joined.Add(await handler.Post(DeliverDingTalk, Received(notice, DeliverDingTalk)));
            }

            var dispatchNotices = TakeDispatchNotices(handler, Channel.DingTalk);
            var sends = await DeliverWhenDue(handler, DeliverDingTalk, dispatchNotices);
            var again = await DeliverWhenDue(handler, DeliverDingTalk, dispatchNotices);

            Assert.All(joined, j => Assert.Equal(HttpStatusCode.OK, j.Status));
            var messages = (await Dispatches(handler, Channel.DingTalk)).ToList();
            Assert.NotEmpty(messages);
            Assert.True(messages.Count < notices.Count, $"{messages.Count} posts for {notices.Count} events: not merged");
            Assert.All(messages, m => Assert.Equal(("robot-office", DispatchStatus.Sent, 1), (m.Key.Person.Value, m.Status, m.Attempts)));
            Assert.Equal(messages.Select(m => m.Key.Level).Distinct().Count(), messages.Count); // one per level of the day
            Assert.Equal(notices.Count, messages.Sum(m => m.Items.Count));
            // Each event joining a message schedules its dispatch notice (the same message id: Service Bus keeps one); handed
            // over every time here, the first sends the post and the others find it sent.
            var handed = sends.Concat(again).Select(s => (Dispatch: DispatchOf(s.Notice), Log: Assert.Single(s.Answer.Logs))).ToList();
            Assert.Equal(2 * notices.Count, handed.Count);
            Assert.All(messages, m => Assert.Equal(
                [$"message {m.Key.Id} with {m.Items.Count} events: Sent (attempt 1)"],
                handed.Where(h => h.Dispatch == m.Key.Id && !h.Log.EndsWith("was Sent already; its deliveries are in line", StringComparison.Ordinal)).Select(h => h.Log[(h.Log.IndexOf("message ", StringComparison.Ordinal))..])));

            var requests = server.Requests;
            Assert.Equal(messages.Count, requests.Count); // once each, though every dispatch notice was handed over twice
            Assert.All(again, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
            Assert.All(requests, r => Assert.Contains("&timestamp=", r.RawTarget, StringComparison.Ordinal)); // the fake verified each signature
            var counts = requests.Select(r => r.Json().GetProperty("markdown").GetProperty("text").GetString()!).Select(t => t.Split('\n').Count(l => l.Length > 2 && char.IsAsciiDigit(l[0]))).Order();
            Assert.Equal(messages.Select(m => m.Items.Count).Order(), counts);
            Assert.All(requests, r =>
            {
                var body = r.Json();
                Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
                Assert.Contains("督办", body.GetProperty("markdown").GetProperty("title").GetString(), StringComparison.Ordinal);
                Assert.Empty(body.GetProperty("at").GetProperty("atMobiles").EnumerateArray());
                Assert.False(body.GetProperty("at").GetProperty("isAtAll").GetBoolean());
            });
            var ledger = new List<Delivery>();
            foreach (var notice in notices)
            {
                ledger.AddRange(await handler.Ledger.OfEvent(EventId.Parse(notice.MessageId)));
            }

            Assert.Equal(notices.Count, ledger.Count(d => d.Person.Value == "robot-office" && d.Status == DeliveryStatus.Sent));
        }
        finally
        {
            foreach (var robot in robots)
            {
                robot.Dispose();
            }
        }
    }
}
