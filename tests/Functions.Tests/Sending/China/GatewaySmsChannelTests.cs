using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The SMS channel through a mainland gateway: a letter as template code and variables, the gateway's answer as a SendResult; local mode's sms-gateway.log.</summary>
public sealed class GatewaySmsChannelTests : IAsyncLifetime
{
    private const string Sign = "市督查办";
    private const string Template = "SMS_100001";

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 23, 30));
    private readonly HttpClient _http = AliyunSmsFake.Client();
    private readonly string _outbox = Path.Combine(Path.GetTempPath(), "gateway-" + Guid.NewGuid().ToString("N"));
    private AliyunSmsFake _fake = null!;

    public async Task InitializeAsync() => _fake = await AliyunSmsFake.Start(_clock);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }

    private static SmsTemplateMap Map()
    {
        var problems = new List<Problem>();
        var map = SmsTemplateMap.Build([new SmsTemplateRow("通报", "进度滞后", Template, "unit={unit};item={item};streak={streak}")], problems);
        Assert.Empty(problems);
        return map;
    }

    private static Parcel ParcelOf(string to, EventKind kind = EventKind.Lagging)
    {
        var rule = new RuleId("R5");
        var item = new ItemId("wjw-01");
        var facts = new EventFacts("基层医疗卫生服务能力提升工程", "市卫健委", 50, 30, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05");
        var e = new EscalationEvent(EventId.For(rule, item, "lag:2026-05"), rule, EventLevel.Notice, kind, item, new UnitId("wjw"), new LocalDate(2026, 6, 2),
            "lag:2026-05", [], [Escalation.Domain.Rules.Channel.Sms], "lag-notice", facts, null);
        return new Parcel("Sms:wjw-zhang:20260602:Notice:001", to, "张局长", new Letter("张局长", EventLevel.Notice, new LocalDate(2026, 6, 2), [new LetterItem(e, null, false)]),
            WordingSettings.Default, Instant.FromUtc(2026, 6, 1, 23, 30)) { SmsTemplates = Map() };
    }

    private GatewaySmsChannel Gateway(int max = 20) => new(new AliyunSmsGateway(new AliyunSmsClient(_http, new AliyunCredentials(AliyunSmsFake.AccessKeyId, AliyunSmsFake.AccessKeySecret), _clock,
        options: new AliyunSmsOptions { Endpoint = _fake.BaseUri, RetryDelay = TimeSpan.FromMilliseconds(5) })), Sign, max, _clock);

    private Task<(Dispatch Final, List<SendResult> Results)> Attempts(GatewaySmsChannel channel, int attempts) =>
        GatewayAttempts.Run(channel, ParcelOf("+8613800000001"), _clock, attempts);

    [Fact]
    public async Task NextAttempt_FindsTheMessageByOutId_AndDoesNotSendItAgain_WhenTheAnswerWasLost()
    {
        _fake.After = (call, reply) => call.Action == "SendSms" ? reply with { HangUp = true } : reply;

        var (final, results) = await Attempts(Gateway(), 5);

        var first = Assert.IsType<SendResult.Transient>(results[0]);
        Assert.NotNull(first.UnconfirmedSince);
        Assert.Contains("可能已发出", first.Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(results[1]);
        Assert.Equal((DispatchStatus.Sent, 2, (Instant?)null), (final.Status, final.Attempts, final.UnconfirmedSince));
        Assert.Single(_fake.Accepted);
        Assert.Equal(["SendSms", "QuerySendDetails"], _fake.Calls.Select(c => c.Action));
        var query = _fake.Calls[1];
        Assert.Equal(("13800000001", "20260602"), (query["PhoneNumber"], query["SendDate"]));
    }

    [Fact]
    public async Task NextAttempt_AsksAgainWithinTheWait_ThenSendsAgain_WhenTheGatewayHasNoRecord()
    {
        // The connection is lost before the gateway takes the request: it has no record, and the message must still go once.
        var sends = 0;
        _fake.Before = call => call.Action == "SendSms" && sends++ == 0 ? new AliyunReply(200, "{\"Code\":", HangUp: true) : null;

        var (final, results) = await Attempts(Gateway(), 5);

        // 10:00 lost; 10:05 not found (within 10 minutes): ask again later; 10:15 still not found: send again.
        Assert.Equal(3, results.Count);
        Assert.Contains("暂未查到", Assert.IsType<SendResult.Transient>(results[1]).Error, StringComparison.Ordinal);
        Assert.Equal(results[0] is SendResult.Transient { UnconfirmedSince: { } lost } ? lost : default, ((SendResult.Transient)results[1]).UnconfirmedSince);
        Assert.IsType<SendResult.Sent>(results[2]);
        Assert.Equal(DispatchStatus.Sent, final.Status);
        Assert.Single(_fake.Accepted);
        Assert.Equal(["SendSms", "QuerySendDetails", "QuerySendDetails", "SendSms"], _fake.Calls.Select(c => c.Action));
    }

    [Fact]
    public async Task NextAttempt_DoesNotSend_WhenTheLookupFails()
    {
        _fake.After = (call, reply) => call.Action == "SendSms" ? reply with { HangUp = true } : reply;
        var channel = Gateway();
        var first = Assert.IsType<SendResult.Transient>(await channel.Send(ParcelOf("+8613800000001")));
        _fake.Before = call => call.Action == "QuerySendDetails" ? AliyunReply.Code("isv.SMS_SIGNATURE_ILLEGAL", "查询被拒") : null;
        _clock.Advance(Duration.FromMinutes(30));

        var second = await channel.Send(ParcelOf("+8613800000001") with { UnconfirmedSince = first.UnconfirmedSince });

        var transient = Assert.IsType<SendResult.Transient>(second);
        Assert.Equal(first.UnconfirmedSince, transient.UnconfirmedSince);
        Assert.Contains("核实时出错", transient.Error, StringComparison.Ordinal);
        Assert.Equal(1, _fake.Calls.Count(c => c.Action == "SendSms"));
    }

    [Fact]
    public async Task Send_SendsTheTemplateCodeAndVariables_WithTheDispatchIdAsOutId()
    {
        var result = await Gateway(12).Send(ParcelOf("+8613800000001"));

        var sent = Assert.IsType<SendResult.Sent>(result);
        var accepted = Assert.Single(_fake.Accepted);
        Assert.Equal(accepted.BizId, sent.ProviderId);
        Assert.Equal(("13800000001", Sign, Template, "Sms:wjw-zhang:20260602:Notice:001"), (accepted.PhoneNumber, accepted.SignName, accepted.TemplateCode, accepted.OutId));
        Assert.Contains("\"item\":\"基层医疗卫生服务能力提…\"", accepted.TemplateParam, StringComparison.Ordinal);
        Assert.Contains("\"streak\":\"2\"", accepted.TemplateParam, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_IsRejectedForThatRecipient_WhenTheNumberIsInvalid()
    {
        _fake.IllegalNumbers.Add("13800000002");

        var result = await Gateway().Send(ParcelOf("+8613800000002"));

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains("号码无效", rejected.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("13800000002", rejected.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_IsTransient_WhenTheGatewayThrottles()
    {
        _fake.Before = _ => AliyunReply.Code("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10");

        var result = await Gateway().Send(ParcelOf("+8613800000001"));

        Assert.Contains("isv.BUSINESS_LIMIT_CONTROL", Assert.IsType<SendResult.Transient>(result).Error, StringComparison.Ordinal);
        Assert.Empty(_fake.Accepted);
    }

    [Fact]
    public async Task Send_IsRejectedWithTheProvidersMessage_WhenTheTemplateIsRefused()
    {
        _fake.Before = _ => AliyunReply.Code("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法");

        var result = await Gateway().Send(ParcelOf("+8613800000001"));

        var error = Assert.IsType<SendResult.Rejected>(result).Error;
        Assert.Contains("isv.SMS_TEMPLATE_ILLEGAL", error, StringComparison.Ordinal);
        Assert.Contains("模板不合法", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_IsRejectedNamingTheMissingRow_WhenNoSmsTemplateFitsTheLetter()
    {
        var result = await Gateway().Send(ParcelOf("+8613800000001", EventKind.Overdue));

        var error = Assert.IsType<SendResult.Rejected>(result).Error;
        Assert.Contains("smstemplates", error, StringComparison.Ordinal);
        Assert.Contains("逾期未完成", error, StringComparison.Ordinal);
        Assert.Empty(_fake.Calls);
    }

    [Fact]
    public async Task Outbox_WritesOneJsonLinePerRequest_ChineseUnescaped_AndOnlyOncePerDispatch()
    {
        using var log = new OutboxSmsGateway(_outbox, "aliyun", _clock);
        var channel = new GatewaySmsChannel(log, Sign, 20, _clock);

        Assert.IsType<SendResult.Sent>(await channel.Send(ParcelOf("+8613800000001")));
        Assert.IsType<SendResult.Sent>(await channel.Send(ParcelOf("+8613800000001")));

        var line = Assert.Single(File.ReadAllLines(Path.Combine(_outbox, OutboxSmsGateway.FileName)));
        Assert.Contains("\"provider\":\"aliyun\"", line, StringComparison.Ordinal);
        Assert.Contains("\"templateCode\":\"SMS_100001\"", line, StringComparison.Ordinal);
        Assert.Contains("\"templateParam\":{\"unit\":\"市卫健委\",\"item\":\"基层医疗卫生服务能力提升工程\",\"streak\":\"2\"}", line, StringComparison.Ordinal);
        Assert.Contains("\"outId\":\"Sms:wjw-zhang:20260602:Notice:001\"", line, StringComparison.Ordinal);
        Assert.Contains("\"signName\":\"市督查办\"", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GatewayOutcome.Sent, typeof(SendResult.Sent))]
    [InlineData(GatewayOutcome.RetryLater, typeof(SendResult.Transient))]
    [InlineData(GatewayOutcome.InvalidAddress, typeof(SendResult.Rejected))]
    [InlineData(GatewayOutcome.Rejected, typeof(SendResult.Rejected))]
    public void Map_GivesTheEnginesResult_ForEachOutcome(GatewayOutcome outcome, Type expected) =>
        Assert.IsType(expected, GatewaySmsChannel.Map(new GatewayResult("+8613800000001", outcome, "biz", "code", "message")));
}
