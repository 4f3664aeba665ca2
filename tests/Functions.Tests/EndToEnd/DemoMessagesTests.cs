using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The demo's four months (the shipped samples, 2026-04-01..07-31), as <c>demo</c> runs them: nobody gets more than one
/// message a day per channel, level and scan (morning, afternoon), and every event reaches each of its recipients on each channel in exactly one
/// message (or is recorded as not sent, when the person has no address for the channel). On the robot channels the group
/// is the recipient: each event reaches the robot of each recipient's group once (wecom.log, dingtalk.log).
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
            .Concat(run.GatewaySms.Select(s => (s.DispatchId, Day: DayOf(s.At), s.Events)))
            .Concat(run.RobotPosts.Select(p => (p.DispatchId, Day: DayOf(p.At), p.Events)))
            .Select(m => (Key: DispatchKey.TryParse(m.DispatchId)!, m.Day, m.Events))
            .ToList();
        var tables = SqliteTables.Open(Path.Combine(run.Output, "store"), new SteppingClock(Instant.FromUtc(2026, 8, 1, 0, 0)));
        var ledger = await (await tables.Table(DeliveryLedger.TableName)).Query(EntityQuery.WholeTable()).Select(DeliveryLedger.FromEntity).ToListAsync();

        // At most one message per (recipient, day, channel, level, scan), by the day it was actually sent: the afternoon
        // scan's same-day chases (R10) go in a message of their own, since the morning's went out hours before.
        var afternoonEvents = run.Events.Where(e => e.Scan == "afternoon").Select(e => e.EventId).ToHashSet();
        Assert.NotEmpty(afternoonEvents);
        Assert.All(messages, m => Assert.True(m.Events.All(afternoonEvents.Contains) || !m.Events.Any(afternoonEvents.Contains), $"{m.Key} mixes the scans' events"));
        // The closed loop's messages (R12, R13, R14, R16) are no scan's: each step tells the other side at once, in a message
        // of its own (the office hears of two exemption requests of 06-22 in two messages, an hour apart), never mixed with a scan's.
        var immediate = run.Events.Where(e => e.RuleId is "R12" or "R13" or "R14" or "R16").Select(e => e.EventId).ToHashSet();
        Assert.All(messages, m => Assert.True(m.Events.All(immediate.Contains) || !m.Events.Any(immediate.Contains), $"{m.Key} mixes a scan's events with the closed loop's"));
        var perSlot = messages.Where(m => !m.Events.Any(immediate.Contains))
            .GroupBy(m => (m.Key.Person, m.Day, m.Key.Channel, m.Key.Level, Afternoon: m.Events.Any(afternoonEvents.Contains)))
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(perSlot);
        Assert.All(messages, m => Assert.Equal(m.Key.Day, m.Day));

        // Every delivery the ledger calls sent is in exactly one message to that person on that channel; nothing else is.
        var carried = messages.SelectMany(m => m.Events.Select(e => (Event: e, m.Key.Person, m.Key.Channel))).ToList();
        Assert.Equal(carried.Count, carried.Distinct().Count());
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).Select(d => (Event: d.Event.Value, d.Person, d.Channel)).ToHashSet();
        Assert.Equal(sent.OrderBy(s => s.ToString()), carried.OrderBy(c => c.ToString()));

        // Every event of events.jsonl was delivered: each of its deliveries is sent, or not sent on purpose (no address).
        // 146 of R1–R8 (zjj-2026-08, a builder project, adds R8's start-missed notice of 07-16 and R7's summons of 07-23:
        // the builder cjt explained on 07-20, zjj did not; R3's 15 calendar days moved R7's dates, not their count; the
        // closed loop's script, samples/loop/actions.csv, answered three demands in time, so R7 does not summon jtj-2026-04
        // and wjw-2026-04, and approved wjw-2026-05's exemption for June, so R6 does not summon it on 07-01), 495 day-before
        // reminders of R9 (the samples report on the due day itself, so nearly every task is reminded each 旬), 42 same-day
        // afternoon chases of R10 and 20 accountability recommendations of R11 (a demand still unmet 10 working days after
        // its date), to the office and lead officials only; 42 events of the indicators (I1–I11, below), all raised by the
        // morning scan; the closed loop's (LoopScriptDemoTests tells the story): R12 6 answers told to the office (5 of the
        // script and the builder cjt's special explanation of 07-20, samples/explanations.csv), R13 8 decisions told to the
        // units, R14 1 accountability recommendation (the false rectification), R16 2 exemption requests told to the office;
        // and the unsigned chases of R15: nobody signs in the demo, so each notice and summons is chased once, to its unit's
        // principal, the working day after it was delivered. An indicator notice is followed up as a task notice is (38
        // events on ind: items): nobody answers the indicators' explanations (I2 twice, I4, I6), so R7 summons each unit
        // once and R11 recommends accountability 10 working days later; 30 of R15 chase the indicator notices and summonses.
        Assert.Equal(871, run.Events.Count);
        Assert.Equal(146, run.Events.Count(e => e.RuleId.StartsWith('R') && !e.TaskId.StartsWith("ind:", StringComparison.Ordinal)
            && e.RuleId is not ("R9" or "R10" or "R11" or "R12" or "R13" or "R14" or "R15" or "R16")));
        Assert.Equal(
            [("R11", 4), ("R15", 30), ("R7", 4)],
            run.Events.Where(e => e.RuleId.StartsWith('R') && e.TaskId.StartsWith("ind:", StringComparison.Ordinal)).CountBy(e => e.RuleId).Select(c => (c.Key, c.Value)).Order());
        Assert.Equal(
            [("R12", 6), ("R13", 8), ("R14", 1), ("R16", 2)],
            run.Events.Where(e => e.RuleId is "R12" or "R13" or "R14" or "R16").CountBy(e => e.RuleId).Select(c => (c.Key, c.Value)).Order());
        Assert.Contains(run.Events, e => e.RuleId == "R12" && (e.Kind, e.Date, e.TaskId) == ("answer-submitted", "2026-07-20", "zjj-2026-08"));
        Assert.Equal(24, run.Events.Count(e => e.RuleId == "R11"));
        Assert.Equal(101, run.Events.Count(e => e.RuleId == "R15"));
        Assert.All(run.Events.Where(e => e.RuleId == "R15"), e => Assert.Equal(("reminder", "unit-principal"), (e.Level, Assert.Single(e.Recipients).Role)));
        Assert.All(run.Events.Where(e => e.RuleId == "R11"), e =>
        {
            Assert.Equal("accountability", e.Level);
            Assert.All(e.Recipients, r => Assert.True(r.Role is "supervision-office" or "lead-official", $"{e} goes to {r.Role}"));
        });
        Assert.Single(run.Events, e => e.RuleId == "R8");
        Assert.Equal((495, 42), (run.Events.Count(e => e.RuleId == "R9"), run.Events.Count(e => e.RuleId == "R10")));
        // The indicators (samples/README.md tells their story): 固定资产投资增速 of fgw climbs the lag ladder, I1 on 04-20
        // (1–3月), I2 on 05-20 (1–4月), I3's summons on 06-18 (1–5月, with I6: below its 一季度 level); swuj's 社会消费品零售总额增速
        // misses its floor (I4, 1–4月) then its stretch (I5, 1–5月) and its 外贸进出口总额 lags its plan (I1, then I2);
        // czj's 一般公共预算收入增速 lags in 1–6月 (I1). Weekly 资金拨付进度 puts a town below the provincial average in the
        // bottom three five times (I8; town-qs twice running, so its second summons goes to the principal). Each month the
        // towns' 重点项目投资完成率 is ranked (I9's scoreboard, 4 months), the top three are asked to share (I10) and the
        // bottom three to pledge (I11). No year end in the window: no I7.
        Assert.Equal(
            [("I1", 3), ("I10", 12), ("I11", 12), ("I2", 2), ("I3", 1), ("I4", 1), ("I5", 1), ("I6", 1), ("I8", 5), ("I9", 4)],
            run.Events.Where(e => e.RuleId.StartsWith('I')).CountBy(e => e.RuleId).Select(c => (c.Key, c.Value)).Order());
        Assert.All(run.Events.Where(e => e.RuleId.StartsWith('I') || e.TaskId.StartsWith("ind:", StringComparison.Ordinal)), e => Assert.StartsWith("ind:", e.TaskId, StringComparison.Ordinal));
        Assert.Equal(
            [("town-qs-guo", "ind-bottom:towns-zjbf/town-qs/2026-W16"), ("town-qs-ren", "ind-bottom:towns-zjbf/town-qs/2026-W17")],
            run.Events.Where(e => e.RuleId == "I8" && e.Occurrence is "ind-bottom:towns-zjbf/town-qs/2026-W16" or "ind-bottom:towns-zjbf/town-qs/2026-W17")
                .Select(e => (e.Recipients.Single(r => !r.Copy).Person, e.Occurrence)).Order());
        Assert.All(run.Events, e => Assert.Equal(e.RuleId == "R10" ? "afternoon" : "morning", e.Scan));
        Assert.All(ledger, d => Assert.True(d.Status is DeliveryStatus.Sent or DeliveryStatus.Skipped, $"{d.Id} is {d.Status}"));
        // An event of an SMS-only rule (R10) to a person without a mobile number is recorded as not sent, and nothing else.
        Assert.All(run.Events, e => Assert.Contains(ledger, d => d.Event.Value == e.EventId
            && (d.Status == DeliveryStatus.Sent || (e.Channels is ["sms"] && d.Status == DeliveryStatus.Skipped))));
        // A person channel has one delivery per (event, recipient); a robot channel one per (event, robot of a recipient's
        // group), the robot as the person, and a recipient whose group has no robot on that platform is recorded as not sent.
        var robotOf = Robots();
        foreach (var e in run.Events)
        {
            foreach (var channel in e.Channels.Select(c => ChannelCatalog.ByWord[c]))
            {
                if (!ChannelCatalog.IsRobot(channel))
                {
                    foreach (var r in e.Recipients.DistinctBy(r => r.Person))
                    {
                        Assert.Single(ledger, d => d.Event.Value == e.EventId && d.Person.Value == r.Person && d.Channel == channel);
                    }

                    continue;
                }

                var targets = e.Recipients.DistinctBy(r => r.Person)
                    .Select(r => robotOf(r, channel) is { } robot ? (Person: "robot-" + robot, Skipped: false) : (r.Person, Skipped: true))
                    .Distinct().ToList();
                // The office is on every robot rule (R5, R6, R8) and has a DingTalk robot; only zjj has a WeCom robot.
                Assert.Equal(channel == Channel.DingTalk || e.UnitId == "zjj", targets.Any(t => !t.Skipped));
                Assert.Equal(
                    targets.Select(t => (t.Person, t.Skipped ? DeliveryStatus.Skipped : DeliveryStatus.Sent)).Order(),
                    ledger.Where(d => d.Event.Value == e.EventId && d.Channel == channel).Select(d => (d.Person.Value, d.Status)).Order());
            }
        }

        // Grouping is real: far fewer messages than deliveries (912 for 1,380 sent: 670 emails, 231 SMS, 1 WeCom and 10
        // DingTalk posts carrying 34 robot deliveries; below two thirds before R9 and R10, whose reminders are mostly one
        // task per owner a day and so group less).
        Assert.True(messages.Count < sent.Count * 7 / 10, $"{messages.Count} messages for {sent.Count} deliveries");
        Assert.Contains(messages, m => m.Events.Count > 1 && m.Events.Any(e => run.Events.Any(p => p.EventId == e && p.RuleId == "R9")));

        // The closed loop's messages went out the day the step happened (the web's immediate message, not the next scan):
        // the office is told of each answer, the unit of each decision, and the false rectification's accountability
        // recommendation reaches the office and the lead official only, never 交通运输局 (jtj), whose case it is.
        var byId = run.Events.ToDictionary(e => e.EventId);
        var loopMail = run.Emails.Where(m => m.Events.Any(e => byId[e].RuleId is "R12" or "R13" or "R14" or "R16")).ToList();
        Assert.All(loopMail, m => Assert.All(m.Events.Where(e => byId[e].RuleId is "R12" or "R13" or "R14" or "R16"),
            e => Assert.Equal(byId[e].Date, IsoDate.Format(Instant.FromDateTimeOffset(m.Message.Date).InZone(Zone).Date))));
        var falseRectification = Assert.Single(run.Events, e => e.RuleId == "R14");
        Assert.Equal(("accountability", "false-rectification", "2026-05-20", "jtj-2026-04"), (falseRectification.Level, falseRectification.Kind, falseRectification.Date, falseRectification.TaskId));
        var told = run.Emails.Where(m => m.Events.Contains(falseRectification.EventId)).SelectMany(m => m.Message.To.Mailboxes.Concat(m.Message.Cc.Mailboxes).Select(a => a.Address)).Order().ToList();
        Assert.Equal(["dcs@szf.gov.example", "wangjianguo@szf.gov.example"], told);
        Assert.DoesNotContain(told, a => a.EndsWith("@jtj.gov.example", StringComparison.Ordinal));
        Assert.Equal(
            [("2026-04-10", "reject"), ("2026-04-14", "accept"), ("2026-05-11", "accept"), ("2026-05-12", "reject"), ("2026-05-14", "accept"), ("2026-05-20", "reopen"), ("2026-06-24", "approve"), ("2026-06-24", "deny")],
            run.Events.Where(e => e.RuleId == "R13").Select(e => (e.Date, Decision: e.Decision!)).Order());

        // The demo's SMS are mainland gateway requests (aliyun, as the demo sets it when no provider is set): the approved
        // signature, a template code of the samples' smstemplates and its variables, each within the 20-character limit;
        // the grouped template for several items; the indicators' summonses (I3, I8) their own templates. No free-text sms.log.
        Assert.Empty(run.Sms);
        Assert.Contains("sms-gateway.log", run.Stderr, StringComparison.Ordinal);
        var sms = run.GatewaySms;
        Assert.NotEmpty(sms);
        Assert.All(sms, s =>
        {
            Assert.Equal(("aliyun", "某市督查室", s.DispatchId), (s.Provider, s.SignName, s.OutId));
            Assert.Matches("^SMS_4900000(0[1-9]|1[0-7])$", s.TemplateCode);
            Assert.NotEmpty(s.TemplateParam);
            Assert.All(s.TemplateParam.Values, v => Assert.InRange(v.Length, 1, 20));
            Assert.Equal(s.Events.Count > 1, s.TemplateCode is "SMS_490000011" or "SMS_490000012" or "SMS_490000013");
        });
        Assert.Equal(sent.Count(s => s.Channel == Channel.Sms), sms.Sum(s => s.Events.Count));
        var lag = sms.First(s => s.TemplateCode == "SMS_490000009");
        Assert.Equal(["unit", "item", "streak"], lag.TemplateParam.Keys);
        var indicatorLag = Assert.Single(sms, s => s.TemplateCode == "SMS_490000014");
        Assert.Equal(("市发展改革委", "固定资产投资增速", "3"), (indicatorLag.TemplateParam["unit"], indicatorLag.TemplateParam["item"], indicatorLag.TemplateParam["streak"]));
        var bottom = sms.Where(s => s.TemplateCode == "SMS_490000015").ToList();
        Assert.NotEmpty(bottom);
        Assert.All(bottom, s => Assert.Equal(["unit", "item", "period", "value", "average"], s.TemplateParam.Keys));

        // The robot posts (samples/robots.csv: zjj's WeCom group, the office's DingTalk group whose keyword is 督办), one
        // line each in wecom.log / dingtalk.log: each post once, the request as the platform takes it, in Chinese.
        var posts = run.RobotPosts;
        Assert.Equal(posts.Count, posts.Select(p => p.DispatchId).Distinct().Count());
        Assert.Equal(
            messages.Where(m => ChannelCatalog.IsRobot(m.Key.Channel)).Select(m => m.Key.Id).Order(StringComparer.Ordinal),
            ledger.Where(d => ChannelCatalog.IsRobot(d.Channel) && d.Status == DeliveryStatus.Sent).Select(d => d.DispatchId).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(posts, p => p.Channel == Channel.WeCom);
        Assert.Contains(posts, p => p.Channel == Channel.DingTalk);
        Assert.All(posts, p =>
        {
            Assert.Equal(("robot-" + p.Robot, p.Channel == Channel.WeCom ? "zjj" : "office"), (DispatchKey.TryParse(p.DispatchId)!.Person.Value, p.Robot));
            var type = p.Request.GetProperty("msgtype").GetString()!;
            if (p.Channel == Channel.DingTalk)
            {
                Assert.Equal("markdown", type);
                var markdown = p.Request.GetProperty("markdown");
                Assert.Contains("督办", markdown.GetProperty("title").GetString() + markdown.GetProperty("text").GetString(), StringComparison.Ordinal);
                Assert.False(p.Request.GetProperty("at").GetProperty("isAtAll").GetBoolean());
            }
            else
            {
                // WeCom @-mentions by mobile only in a text post.
                Assert.Equal(p.Request.GetProperty(type).TryGetProperty("mentioned_mobile_list", out _), type == "text");
            }

            Assert.Contains("督查督办", p.Request.GetProperty(type).GetProperty(type == "markdown" && p.Channel == Channel.DingTalk ? "text" : "content").GetString(), StringComparison.Ordinal);
        });
    }

    private static LocalDate DayOf(string at) =>
        Instant.FromDateTimeOffset(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)).InZone(Zone).Date;

    /// <summary>
    /// The robot of a recipient's group on a platform, read from the samples themselves (robots.csv, people.csv): the
    /// office's for the supervision office, else that of the person's unit; null when there is none.
    /// </summary>
    private static Func<PrintedRecipient, Channel, string?> Robots()
    {
        var input = ImportSource.Read(Repo.Samples);
        var robots = input.Tables.Single(t => t.Schema.Name == "robots").Rows
            .ToDictionary(r => (r.Field("Unit")!, ChannelCatalog.ByWord[r.Field("Platform")!]), r => r.Field("Id")!);
        var units = input.Tables.Single(t => t.Schema.Name == "people").Rows
            .ToDictionary(r => r.Field("Id")!, r => r.Field("Unit"));
        return (r, channel) =>
        {
            var group = r.Role == "supervision-office" || r.Person == "dcs-office" ? "督查室" : units.GetValueOrDefault(r.Person) is { Length: > 0 } unit ? unit : r.Unit;
            return group is null ? null : robots.GetValueOrDefault((group, channel));
        };
    }

    public void Dispose() => _temp.Dispose();
}
