using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The Tencent Cloud SMS client against a loopback fake of SendSms and PullSmsSendStatusByPhoneNumber (2021-01-11).</summary>
public sealed class TencentSmsClientTests : IAsyncLifetime
{
    private const string A = "+8613800000001";
    private const string B = "+8613800000002";
    private const string C = "+8613800000003";
    private const string D = "+8613800000004";

    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 1, 30);

    private readonly FakeClock _clock = new(Now);
    private TencentSmsFake _fake = null!;

    public async Task InitializeAsync() => _fake = await TencentSmsFake.Start(_clock);

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task SendSms_PostsASignedRequestAsDocumented_WhenSending()
    {
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        var call = Assert.Single(_fake.Calls);
        Assert.Null(call.SignatureProblem);
        Assert.Equal("SendSms", call.Action);
        Assert.Equal("2021-01-11", call.Header("x-tc-version"));
        Assert.Equal("ap-guangzhou", call.Header("x-tc-region"));
        Assert.Equal("zh-CN", call.Header("x-tc-language"));
        Assert.Equal("1780277400", call.Header("x-tc-timestamp"));
        Assert.Equal("application/json; charset=utf-8", call.Header("content-type"));
        Assert.StartsWith("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-06-01/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=", call.Header("authorization"), StringComparison.Ordinal);
        var body = call.Json();
        Assert.Equal([A, B], body.GetProperty("PhoneNumberSet").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(TencentSmsFake.SdkAppId, body.GetProperty("SmsSdkAppId").GetString());
        Assert.Equal("某市督查室", body.GetProperty("SignName").GetString());
        Assert.Equal("1110", body.GetProperty("TemplateId").GetString());
        Assert.Equal(["城东片区改造", "3"], body.GetProperty("TemplateParamSet").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("e1:sms", body.GetProperty("SessionContext").GetString());
        Assert.Contains("某市督查室", System.Text.Encoding.UTF8.GetString(call.Body), StringComparison.Ordinal);

        // The fake answers in reverse order: results come back in the request's.
        Assert.Equal([A, B], results.Select(r => r.Address));
        Assert.All(results, r => Assert.Equal(GatewayOutcome.Sent, r.Outcome));
        Assert.Equal("Ok", results[0].Code);
        Assert.Equal("5000:0000000000000000000000000002", results[0].ProviderId);
        Assert.Equal("5000:0000000000000000000000000001", results[1].ProviderId);
    }

    [Fact]
    public async Task SendSms_ReadsEachNumbersResult_WhenTheBatchPartlyFails()
    {
        _fake.NumberCodes[B] = "LimitExceeded.PhoneNumberDailyLimit";
        _fake.NumberCodes[C] = "InvalidParameterValue.IncorrectPhoneNumber";
        _fake.NumberCodes[D] = "FailedOperation.PhoneNumberInBlacklist";
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B, C, D));

        Assert.Equal(
            [GatewayOutcome.Sent, GatewayOutcome.RetryLater, GatewayOutcome.InvalidAddress, GatewayOutcome.InvalidAddress],
            results.Select(r => r.Outcome));
        Assert.Equal([null, "LimitExceeded.PhoneNumberDailyLimit", "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist"], results.Skip(0).Select(r => r.Outcome == GatewayOutcome.Sent ? null : r.Code));
        Assert.All(results.Skip(1), r =>
        {
            Assert.Null(r.ProviderId);
            Assert.DoesNotContain("13800000", r.Message, StringComparison.Ordinal);
            Assert.Contains("腾讯云短信", r.Message, StringComparison.Ordinal);
        });
        Assert.False(TencentSmsClient.MayHaveBeenSent(results[1]));
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_RepeatsWithAFreshSignature_WhenTheApiRateIsExceeded()
    {
        _fake.Script(new TencentScript.Refuse("RequestLimitExceeded", "请求的次数超过了频率限制。"));
        _clock.AutoAdvance = Duration.FromSeconds(1);
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A));

        Assert.Equal(GatewayOutcome.Sent, Assert.Single(results).Outcome);
        var calls = _fake.Calls;
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Null(c.SignatureProblem));
        Assert.NotEqual(calls[0].Header("x-tc-timestamp"), calls[1].Header("x-tc-timestamp"));
        Assert.Equal(calls[0].Body, calls[1].Body);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLaterForEveryNumber_WhenTheApiRateStaysExceeded()
    {
        _fake.Script(
            new TencentScript.Refuse("RequestLimitExceeded", "请求的次数超过了频率限制。"),
            new TencentScript.Refuse("RequestLimitExceeded", "请求的次数超过了频率限制。"),
            new TencentScript.Refuse("RequestLimitExceeded", "请求的次数超过了频率限制。"));
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.RetryLater, r.Outcome);
            Assert.Equal("RequestLimitExceeded", r.Code);
            Assert.False(TencentSmsClient.MayHaveBeenSent(r));
        });
        Assert.Equal(3, _fake.Calls.Count);
    }

    [Fact]
    public async Task SendSms_ReturnsRejectedWithoutTheKey_WhenTheSignatureIsWrong()
    {
        using var client = Client(new TencentCredentials(TencentSmsFake.SecretId, "wrong-key-0123456789"));

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.Equal("AuthFailure.SignatureFailure", _fake.Calls.Single().SignatureProblem);
        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.Rejected, r.Outcome);
            Assert.Equal("AuthFailure.SignatureFailure", r.Code);
            Assert.Contains("SecretId/SecretKey", r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-key", r.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SendSms_ReturnsRejectedWithTheMaskedId_WhenTheKeyIdIsUnknown()
    {
        using var client = Client(new TencentCredentials("AKIDunknown0000000000000000000WXYZ", TencentSmsFake.SecretKey));

        var result = Assert.Single(await client.SendSms(Sms("e1:sms", A)));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("AuthFailure.SecretIdNotFound", result.Code);
        Assert.Contains("****WXYZ", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIDunknown", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_ReturnsRejected_WhenTheClockIsOffByMoreThanFiveMinutes()
    {
        using var client = Client(clock: new FakeClock(Now - Duration.FromMinutes(6)));

        var result = Assert.Single(await client.SendSms(Sms("e1:sms", A)));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("AuthFailure.SignatureExpire", result.Code);
        Assert.Contains("时钟", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FailedOperation.TemplateIncorrectOrUnapproved")]
    [InlineData("FailedOperation.SignatureIncorrectOrUnapproved")]
    [InlineData("InvalidParameterValue.TemplateParameterLengthLimit")]
    public async Task SendSms_ReturnsRejectedForEveryNumber_WhenTheTemplateOrSignatureIsRefused(string code)
    {
        _fake.Script(new TencentScript.Refuse(code, "模板未审批或内容不匹配"));
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.Rejected, r.Outcome);
            Assert.Equal(code, r.Code);
            Assert.Contains("控制台", r.Message, StringComparison.Ordinal);
        });
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_ReturnsRejected_WhenOneNumbersTemplateIsRefused()
    {
        _fake.NumberCodes[B] = "FailedOperation.TemplateIncorrectOrUnapproved";
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.Equal([GatewayOutcome.Sent, GatewayOutcome.Rejected], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task SendSms_SendsNumbersOneByOne_WhenTheWholeRequestIsRefusedForABadNumber()
    {
        _fake.Script(new TencentScript.Refuse("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"));
        _fake.NumberCodes[B] = "InvalidParameterValue.IncorrectPhoneNumber";
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.Equal([GatewayOutcome.Sent, GatewayOutcome.InvalidAddress], results.Select(r => r.Outcome));
        Assert.Equal([[A, B], [A], [B]], _fake.Calls.Select(c => c.Json().GetProperty("PhoneNumberSet").EnumerateArray().Select(n => n.GetString()).ToArray()));
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLaterOnceAndReconcileFindsIt_WhenTheConnectionClosesMidAnswer()
    {
        _fake.Script(new TencentScript.HangUpAfterSending());
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.RetryLater, r.Outcome);
            Assert.Null(r.Code);
            Assert.True(TencentSmsClient.MayHaveBeenSent(r));
            Assert.Contains("连接在应答读完之前断开", r.Message, StringComparison.Ordinal);
            Assert.Contains("对账", r.Message, StringComparison.Ordinal);
        });
        Assert.Single(_fake.Calls);

        _clock.Advance(Duration.FromSeconds(30));
        var reconciled = await client.Reconcile(A, "e1:sms", Now);

        Assert.Equal(TencentReconciliation.Delivered, reconciled.Verdict);
        Assert.Equal("e1:sms", reconciled.Receipt!.SessionContext);
        Assert.Equal(A, reconciled.Receipt.PhoneNumber);
        Assert.Equal("DELIVRD", reconciled.Receipt.Description);
        Assert.Equal(Now, reconciled.Receipt.ReceivedAt);
        var pull = _fake.Calls[^1];
        Assert.Null(pull.SignatureProblem);
        Assert.Equal("PullSmsSendStatusByPhoneNumber", pull.Action);
        var body = pull.Json();
        Assert.Equal((Now - TencentSmsClient.ReconcileSkew).ToUnixTimeSeconds(), body.GetProperty("BeginTime").GetInt64());
        Assert.Equal((Now + Duration.FromSeconds(30)).ToUnixTimeSeconds(), body.GetProperty("EndTime").GetInt64());
        Assert.Equal(0, body.GetProperty("Offset").GetInt32());
        Assert.Equal(100, body.GetProperty("Limit").GetInt32());
        Assert.Equal(TencentSmsFake.SdkAppId, body.GetProperty("SmsSdkAppId").GetString());
    }

    [Fact]
    public async Task Reconcile_ReturnsNoReceipt_WhenTheCarrierHasNotReportedYet()
    {
        _fake.ReportDeliveries = false;
        _fake.Script(new TencentScript.HangUpAfterSending());
        using var client = Client();
        await client.SendSms(Sms("e1:sms", A));

        var reconciled = await client.Reconcile(A, "e1:sms", Now);

        Assert.Equal(new TencentReconcileResult(TencentReconciliation.NoReceipt, null, null), reconciled);
    }

    [Fact]
    public async Task Reconcile_ReturnsDeliveryFailedAndIgnoresOtherSends_WhenTheCarrierFailedIt()
    {
        _fake.UndeliverableNumbers.Add(A);
        using var client = Client();
        await client.SendSms(Sms("e0:sms", A));
        await client.SendSms(Sms("e1:sms", A));

        var reconciled = await client.Reconcile(A, "e1:sms", Now);

        Assert.Equal(TencentReconciliation.DeliveryFailed, reconciled.Verdict);
        Assert.Equal("e1:sms", reconciled.Receipt!.SessionContext);
        Assert.False(reconciled.Receipt.Delivered);
    }

    [Fact]
    public async Task Reconcile_ReturnsQueryFailed_WhenThePullIsRefused()
    {
        _fake.Script(new TencentScript.Refuse("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SdkAppId 校验失败"));
        using var client = Client();

        var reconciled = await client.Reconcile(A, "e1:sms", Now);

        Assert.Equal(TencentReconciliation.QueryFailed, reconciled.Verdict);
        Assert.Contains("UnauthorizedOperation.SmsSdkAppIdVerifyFail", reconciled.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLaterWithAClearMessage_WhenTheAnswerIsNotJson()
    {
        _fake.Script(new TencentScript.Raw(200, "{\"Response\": {\"SendStatusSet\": [ oops"));
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.RetryLater, r.Outcome);
            Assert.True(TencentSmsClient.MayHaveBeenSent(r));
            Assert.Contains("不是文档所述的 JSON", r.Message, StringComparison.Ordinal);
        });
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLaterForTheMissingNumber_WhenTheAnswerLeavesOneOut()
    {
        _fake.Script(new TencentScript.Raw(200, $$$"""{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"{{{A}}}","Fee":1,"SessionContext":"e1:sms","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r-1"}}"""));
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", A, B));

        Assert.Equal(GatewayOutcome.Sent, results[0].Outcome);
        Assert.Equal(GatewayOutcome.RetryLater, results[1].Outcome);
        Assert.True(TencentSmsClient.MayHaveBeenSent(results[1]));
        Assert.Contains("r-1", results[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLaterWithoutRepeating_WhenTencentHasAnInternalError()
    {
        _fake.Script(new TencentScript.Refuse("InternalError.Timeout", "超时"));
        using var client = Client();

        var result = Assert.Single(await client.SendSms(Sms("e1:sms", A)));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.True(TencentSmsClient.MayHaveBeenSent(result));
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLater_WhenNoAnswerComesInTime()
    {
        _fake.Script(new TencentScript.Delay(TimeSpan.FromSeconds(5)));
        using var client = Client(timeout: TimeSpan.FromMilliseconds(300));

        var result = Assert.Single(await client.SendSms(Sms("e1:sms", A)));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.True(TencentSmsClient.MayHaveBeenSent(result));
        Assert.Contains("秒内没有应答", result.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_ReturnsRetryLater_WhenNothingListens()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client(endpoint: new Uri($"https://127.0.0.1:{port}/"));

        var result = Assert.Single(await client.SendSms(Sms("e1:sms", A)));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Contains("连不上", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_GivesInvalidAddressWithoutSendingIt_WhenANumberIsNotE164()
    {
        using var client = Client();

        var results = await client.SendSms(Sms("e1:sms", "13800000009", A));

        Assert.Equal([GatewayOutcome.InvalidAddress, GatewayOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal([A], _fake.Calls.Single().Json().GetProperty("PhoneNumberSet").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task SendSms_Throws_WhenTheRequestBreaksTheApisLimits()
    {
        using var client = Client();
        var many = Enumerable.Range(0, 201).Select(i => $"+86138{i:D8}").ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendSms(Sms("e1:sms", many)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendSms(Sms("e1:sms", A, "+14155550100")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendSms(Sms("e1:sms", A, A)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendSms(Sms(new string('x', 512), A)));
        Assert.Empty(_fake.Calls);
    }

    [Fact]
    public void Batches_SplitsMainlandFromInternationalByTwoHundred_WhenPlanning()
    {
        var numbers = Enumerable.Range(0, 250).Select(i => $"+86138{i:D8}").Append("+14155550100").Append("+8613800000000").ToList();

        var batches = TencentSmsClient.Batches(numbers);

        Assert.Equal([200, 50, 1], batches.Select(b => b.Count));
        Assert.Equal(["+14155550100"], batches[2]);
    }

    [Fact]
    public void Credentials_HideTheKeyAndMostOfTheId_WhenPrinted()
    {
        var text = new TencentCredentials("AKIDabcdefgh1234", "secret-key-value").ToString();

        Assert.Equal("TencentCredentials { SecretId = ****1234 }", text);
    }

    private TencentSmsClient Client(TencentCredentials? credentials = null, IClock? clock = null, TimeSpan? timeout = null, Uri? endpoint = null) =>
        TencentSmsClient.Create(
            credentials ?? new TencentCredentials(TencentSmsFake.SecretId, TencentSmsFake.SecretKey),
            new TencentSmsOptions
            {
                Endpoint = endpoint ?? _fake.Endpoint,
                SmsSdkAppId = TencentSmsFake.SdkAppId,
                SignName = "某市督查室",
                Handler = TencentSmsFake.Handler(),
                RetryDelay = TimeSpan.FromMilliseconds(10),
                AttemptTimeout = timeout ?? TimeSpan.FromSeconds(10),
            },
            clock ?? _clock);

    private static TencentSms Sms(string sessionContext, params string[] numbers) =>
        new("1110", ["城东片区改造", "3"], numbers, sessionContext);
}
