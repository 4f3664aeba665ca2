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

/// <summary>
/// The SMS channel end to end through Tencent Cloud SMS: a letter rendered by the smstemplates table, sent by
/// <see cref="TencentSmsClient"/> to the loopback fake (signature recomputed there), results as the engine's, and a lost
/// answer reconciled by SessionContext before any resend.
/// </summary>
public sealed class TencentGatewayChannelTests : IAsyncLifetime
{
    private const string Number = "+8613800000001";
    private const string DispatchId = "Sms:wjw-zhang:20260602:Notice:001";

    private readonly FakeClock _clock = new(GatewayAttempts.Start);
    private TencentSmsFake _fake = null!;
    private TencentSmsClient _client = null!;

    public async Task InitializeAsync()
    {
        _fake = await TencentSmsFake.Start(_clock);
        _client = TencentSmsClient.Create(
            new TencentCredentials(TencentSmsFake.SecretId, TencentSmsFake.SecretKey),
            new TencentSmsOptions
            {
                Endpoint = _fake.Endpoint,
                SmsSdkAppId = TencentSmsFake.SdkAppId,
                SignName = "某市督查室",
                Handler = TencentSmsFake.Handler(),
                RetryDelay = TimeSpan.FromMilliseconds(10),
            },
            _clock);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _fake.DisposeAsync();
    }

    private GatewaySmsChannel Channel() => new(new TencentSmsGateway(_client), "某市督查室", 12, _clock);

    private static Parcel ParcelOf(string to = Number)
    {
        var problems = new List<Problem>();
        var map = SmsTemplateMap.Build([new SmsTemplateRow("通报", "进度滞后", "1110", "unit={unit};item={item};streak={streak}")], problems);
        Assert.Empty(problems);
        var rule = new RuleId("R5");
        var item = new ItemId("wjw-01");
        var facts = new EventFacts("基层医疗卫生服务能力提升工程", "市卫健委", 50, 30, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05");
        var e = new EscalationEvent(EventId.For(rule, item, "lag:2026-05"), rule, EventLevel.Notice, EventKind.Lagging, item, new UnitId("wjw"), new LocalDate(2026, 6, 2),
            "lag:2026-05", [], [Escalation.Domain.Rules.Channel.Sms], "lag-notice", facts, null);
        return new Parcel(DispatchId, to, "张局长", new Letter("张局长", EventLevel.Notice, new LocalDate(2026, 6, 2), [new LetterItem(e, null, false)]),
            WordingSettings.Default, GatewayAttempts.Start) { SmsTemplates = map };
    }

    [Fact]
    public async Task Send_PostsTheTemplateIdAndOrderedParameters_WithTheDispatchIdAsSessionContext()
    {
        var result = await Channel().Send(ParcelOf());

        var sent = Assert.IsType<SendResult.Sent>(result);
        Assert.Equal("5000:0000000000000000000000000001", sent.ProviderId);
        var call = Assert.Single(_fake.Calls);
        Assert.Null(call.SignatureProblem);
        Assert.Equal("SendSms", call.Action);
        var body = call.Json();
        Assert.Equal("1110", body.GetProperty("TemplateId").GetString());
        Assert.Equal(["市卫健委", "基层医疗卫生服务能力提…", "2"], body.GetProperty("TemplateParamSet").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal([Number], body.GetProperty("PhoneNumberSet").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(DispatchId, body.GetProperty("SessionContext").GetString());
        Assert.Equal("某市督查室", body.GetProperty("SignName").GetString());
    }

    [Theory]
    [InlineData("LimitExceeded.PhoneNumberDailyLimit", typeof(SendResult.Transient))]
    [InlineData("InvalidParameterValue.IncorrectPhoneNumber", typeof(SendResult.Rejected))]
    [InlineData("FailedOperation.PhoneNumberInBlacklist", typeof(SendResult.Rejected))]
    public async Task Send_MapsTheNumbersStatus_ToTheEnginesResult(string code, Type expected)
    {
        _fake.NumberCodes[Number] = code;

        var result = await Channel().Send(ParcelOf());

        Assert.IsType(expected, result);
        Assert.Null((result as SendResult.Transient)?.UnconfirmedSince);
    }

    [Fact]
    public async Task NextAttempt_FindsTheReceiptBySessionContext_AndDoesNotSendAgain_WhenTheAnswerWasLost()
    {
        _fake.Script(new TencentScript.HangUpAfterSending());

        var (final, results) = await GatewayAttempts.Run(Channel(), ParcelOf(), _clock, 5);

        Assert.NotNull(Assert.IsType<SendResult.Transient>(results[0]).UnconfirmedSince);
        Assert.Equal("5000:0000000000000000000000000001", Assert.IsType<SendResult.Sent>(results[1]).ProviderId);
        Assert.Equal((DispatchStatus.Sent, 2), (final.Status, final.Attempts));
        Assert.Equal(["SendSms", "PullSmsSendStatusByPhoneNumber"], _fake.Calls.Select(c => c.Action));
        Assert.All(_fake.Calls, c => Assert.Null(c.SignatureProblem));
    }

    [Fact]
    public async Task NextAttempt_SendsAgainAfterTheWait_WhenNoReceiptComes_TheDocumentedDuplicateRisk()
    {
        // The carrier never reports: after the bounded wait the message is sent again, and since the first did go,
        // the phone gets it twice. This is the residual risk the README states.
        _fake.ReportDeliveries = false;
        _fake.Script(new TencentScript.HangUpAfterSending());

        var (final, results) = await GatewayAttempts.Run(Channel(), ParcelOf(), _clock, 5);

        Assert.Equal(3, results.Count);
        Assert.Contains("暂未查到", Assert.IsType<SendResult.Transient>(results[1]).Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(results[2]);
        Assert.Equal(DispatchStatus.Sent, final.Status);
        Assert.Equal(["SendSms", "PullSmsSendStatusByPhoneNumber", "PullSmsSendStatusByPhoneNumber", "SendSms"], _fake.Calls.Select(c => c.Action));
    }
}
