using System.Text.Json;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The Alibaba Cloud SMS client against a loopback dysmsapi that recomputes every signature.</summary>
public sealed class AliyunSmsClientTests : IAsyncLifetime
{
    private const string Sign = "市督查办";
    private const string Template = "SMS_100001";

    // 2026-06-01 23:30 UTC is 2026-06-02 07:30 in Beijing: the SendDate is the 2nd.
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 23, 30));
    private readonly HttpClient _http = AliyunSmsFake.Client();
    private AliyunSmsFake _fake = null!;
    private int _nonces;

    public async Task InitializeAsync() => _fake = await AliyunSmsFake.Start(_clock);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task SendSms_SendsSignedQueryAndReturnsTheBizIdPerNumber_WhenAccepted()
    {
        var results = await Client().SendSms(
            ["+8613800000001", "13800000002", "+8613800000001"],
            Sign,
            Template,
            new Dictionary<string, string> { ["task"] = "老旧小区改造", ["days"] = "3" },
            "e1:sms:a");

        var call = Assert.Single(_fake.Calls);
        Assert.Equal("SendSms", call.Action);
        Assert.Equal("13800000001,13800000002", call["PhoneNumbers"]);
        Assert.Equal("""{"task":"老旧小区改造","days":"3"}""", call["TemplateParam"]);
        Assert.Equal("e1:sms:a", call["OutId"]);
        Assert.Equal("2026-06-01T23:30:00Z", call.Headers["x-acs-date"]);
        Assert.StartsWith("/?OutId=e1%3Asms%3Aa&PhoneNumbers=13800000001%2C13800000002&SignName=", call.RawTarget, StringComparison.Ordinal);
        Assert.False(call.Headers.ContainsKey("content-type"));
        Assert.Empty(_fake.Refusals);
        Assert.Equal(["13800000001", "13800000002"], _fake.Accepted.Select(a => a.PhoneNumber));
        Assert.Equal(["+8613800000001", "13800000002", "+8613800000001"], results.Select(r => r.Address));
        Assert.All(results, r =>
        {
            Assert.Equal(GatewayOutcome.Sent, r.Outcome);
            Assert.Equal(_fake.Accepted[0].BizId, r.ProviderId);
            Assert.Equal("OK", r.Code);
        });
    }

    [Fact]
    public async Task SendSms_FitsLongVariables_InsteadOfBeingRefused()
    {
        var results = await Client().SendSms(
            ["+8613800000001"], Sign, Template, new Dictionary<string, string> { ["task"] = "城市更新重点项目老旧小区综合整治第三批" + "（二期）" }, "e1:sms:a");

        Assert.Equal(GatewayOutcome.Sent, Assert.Single(results).Outcome);
        var sent = JsonDocument.Parse(_fake.Accepted[0].TemplateParam!).RootElement.GetProperty("task").GetString()!;
        Assert.Equal(20, sent.Length);
        Assert.EndsWith("…", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_SendsOnlyMainlandMobiles_WhenSomeNumbersAreNot()
    {
        var results = await Client().SendSms(["+8613800000001", "+14155550100", "0571-8888888", ""], Sign, Template, new Dictionary<string, string>(), "e1:sms:a");

        Assert.Equal("13800000001", Assert.Single(_fake.Calls)["PhoneNumbers"]);
        Assert.False(_fake.Calls[0].Parameters.ContainsKey("TemplateParam"));
        Assert.Equal(
            [GatewayOutcome.Sent, GatewayOutcome.InvalidAddress, GatewayOutcome.InvalidAddress, GatewayOutcome.InvalidAddress],
            results.Select(r => r.Outcome));
        Assert.Contains("大陆手机号", results[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_FindsTheIllegalNumberBySendingEachAlone_WhenTheRequestIsRefusedForOne()
    {
        _fake.IllegalNumbers.Add("13800000002");

        var results = await Client().SendSms(["+8613800000001", "+8613800000002", "+8613800000003"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a");

        Assert.Equal(4, _fake.Calls.Count);
        Assert.Equal(["13800000001", "13800000003"], _fake.Accepted.Select(a => a.PhoneNumber));
        Assert.Equal([GatewayOutcome.Sent, GatewayOutcome.InvalidAddress, GatewayOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal("isv.MOBILE_NUMBER_ILLEGAL", results[1].Code);
        Assert.DoesNotContain("13800000002", results[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_RetriesLaterWithoutRepeating_WhenTheNumberIsFlowControlled()
    {
        _fake.Before = _ => AliyunReply.Code("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10");

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Single(_fake.Calls);
        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("isv.BUSINESS_LIMIT_CONTROL", result.Code);
        Assert.Contains("触发天级流控", result.Message, StringComparison.Ordinal);
        Assert.False(AliyunSmsClient.NeedsReconciliation(result));
    }

    [Fact]
    public async Task SendSms_RepeatsWithANewNonceAndDate_WhenTheGatewayThrottlesTheApi()
    {
        var throttled = 0;
        _fake.Before = _ => throttled++ < 2 ? AliyunReply.Code("Throttling.User", "Request was denied due to user flow control.", 400) : null;

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.Sent, result.Outcome);
        Assert.Equal(3, _fake.Calls.Count);
        Assert.Equal(3, _fake.Calls.Select(c => c.Headers["x-acs-signature-nonce"]).Distinct().Count());
        Assert.Single(_fake.Accepted);
    }

    [Fact]
    public async Task SendSms_RetriesLater_WhenTheGatewayThrottlesEveryAttempt()
    {
        _fake.Before = _ => AliyunReply.Code("Throttling.Api", "Request was denied due to api flow control.", 400);

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("Throttling.Api", result.Code);
        Assert.Equal(3, _fake.Calls.Count);
    }

    [Theory]
    [InlineData("isv.DAY_LIMIT_CONTROL", 200, GatewayOutcome.RetryLater)]
    [InlineData("isv.AMOUNT_NOT_ENOUGH", 200, GatewayOutcome.RetryLater)]
    [InlineData("isv.MOBILE_NUMBER_ILLEGAL", 200, GatewayOutcome.InvalidAddress)]
    [InlineData("isv.SMS_CONTENT_ILLEGAL", 200, GatewayOutcome.Rejected)]
    [InlineData("isv.DENY_IP_RANGE", 200, GatewayOutcome.Rejected)]
    [InlineData("isv.SOMETHING_NEW", 200, GatewayOutcome.Rejected)]
    [InlineData("isv.SMS_TEMPLATE_ILLEGAL", 400, GatewayOutcome.Rejected)]
    public async Task SendSms_MapsTheCode_WhateverTheHttpStatus(string code, int status, GatewayOutcome expected)
    {
        _fake.Before = _ => AliyunReply.Code(code, "说明", status);

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(code, result.Code);
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_IsRejected_WhenTheSignatureOrTemplateIsNotApproved()
    {
        var client = Client();

        var sign = Assert.Single(await client.SendSms(["+8613800000001"], "未报备签名", Template, new Dictionary<string, string>(), "e1:sms:a"));
        var template = Assert.Single(await client.SendSms(["+8613800000001"], Sign, "SMS_999", new Dictionary<string, string>(), "e1:sms:b"));

        Assert.Equal((GatewayOutcome.Rejected, "isv.SMS_SIGNATURE_ILLEGAL"), (sign.Outcome, sign.Code));
        Assert.Equal((GatewayOutcome.Rejected, "isv.SMS_TEMPLATE_ILLEGAL"), (template.Outcome, template.Code));
        Assert.Empty(_fake.Accepted);
    }

    [Fact]
    public async Task SendSms_IsRejectedWithoutTheSecret_WhenTheSecretIsWrong()
    {
        var client = Client(new AliyunCredentials(AliyunSmsFake.AccessKeyId, "WrongSecret-abcdef"));

        var result = Assert.Single(await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal((GatewayOutcome.Rejected, "SignatureDoesNotMatch"), (result.Outcome, result.Code));
        Assert.DoesNotContain("WrongSecret", result.Message, StringComparison.Ordinal);
        Assert.Equal(["SignatureDoesNotMatch"], _fake.Refusals);
    }

    [Fact]
    public async Task SendSms_IsRejected_WhenTheAccessKeyIsUnknown()
    {
        var client = Client(new AliyunCredentials("LTAI5tSomebodyElse01", AliyunSmsFake.AccessKeySecret));

        var result = Assert.Single(await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal((GatewayOutcome.Rejected, "InvalidAccessKeyId.NotFound"), (result.Outcome, result.Code));
    }

    [Fact]
    public async Task SendSms_IsRejected_WhenTheClockIsFarOff()
    {
        // The fake reads _clock; the client's clock is 16 minutes behind (Alibaba allows 15).
        var behind = new AliyunSmsClient(_http, Credentials, new FakeClock(_clock.GetCurrentInstant().Minus(Duration.FromMinutes(16))), Nonce, Options());

        var result = Assert.Single(await behind.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal((GatewayOutcome.Rejected, "InvalidTimeStamp.Expired"), (result.Outcome, result.Code));
    }

    [Fact]
    public async Task SendSms_RetriesLaterAndAsksToReconcile_WhenTheConnectionIsClosedMidAnswer()
    {
        _fake.After = (_, reply) => reply with { HangUp = true };

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Null(result.Code);
        Assert.True(AliyunSmsClient.NeedsReconciliation(result));
        Assert.Contains("QuerySendDetails", result.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Calls);
        Assert.Single(_fake.Accepted);
    }

    [Fact]
    public async Task FindByOutId_FindsTheSend_AfterTheAnswerWasLost()
    {
        var client = Client();
        await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e0:sms:a");
        _fake.After = (call, reply) => call.Action == "SendSms" ? reply with { HangUp = true } : reply;
        var lost = Assert.Single(await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        var found = await client.FindByOutId(lost.Address, AliyunSmsClient.SendDateOf(_clock.GetCurrentInstant()), "e1:sms:a");
        var missing = await client.FindByOutId(lost.Address, AliyunSmsClient.SendDateOf(_clock.GetCurrentInstant()), "e2:sms:a");

        var detail = Assert.IsType<AliyunReconciliation.Found>(found).Detail;
        Assert.Equal(("13800000001", AliyunSendStatus.Delivered, "DELIVERED", "e1:sms:a"), (detail.PhoneNumber, detail.Status, detail.ErrCode, detail.OutId));
        Assert.Equal("2026-06-02 07:30:00", detail.SendDate);
        Assert.Equal(2, Assert.IsType<AliyunReconciliation.NotFound>(missing).Checked);
        var query = _fake.Calls.First(c => c.Action == "QuerySendDetails");
        Assert.Equal(("13800000001", "20260602", "50", "1"), (query["PhoneNumber"], query["SendDate"], query["PageSize"], query["CurrentPage"]));
    }

    [Fact]
    public async Task FindByOutId_ReadsEveryPage_WhenTheNumberHadManyMessages()
    {
        var client = Client();
        for (var i = 0; i < 51; i++)
        {
            await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), $"e{i}:sms:a");
        }

        var found = await client.FindByOutId("+8613800000001", new LocalDate(2026, 6, 2), "e50:sms:a");

        Assert.Equal("e50:sms:a", Assert.IsType<AliyunReconciliation.Found>(found).Detail.OutId);
        Assert.Equal(["1", "2"], _fake.Calls.Where(c => c.Action == "QuerySendDetails").Select(c => c["CurrentPage"]));
    }

    [Fact]
    public async Task QuerySendDetails_FiltersByBizIdAndRepeats_WhenTheFirstAnswerIsLost()
    {
        var client = Client();
        var first = Assert.Single(await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));
        _fake.UndeliveredNumbers.Add("13800000001");
        await client.SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e2:sms:a");
        var hangUps = 0;
        _fake.After = (call, reply) => call.Action == "QuerySendDetails" && hangUps++ == 0 ? reply with { HangUp = true } : reply;

        var result = await client.QuerySendDetails("+8613800000001", new LocalDate(2026, 6, 2), first.ProviderId);

        var answered = Assert.IsType<AliyunQueryResult.Answered>(result);
        Assert.Equal(1, answered.TotalCount);
        var detail = Assert.Single(answered.Details);
        Assert.Equal((AliyunSendStatus.Failed, "e1:sms:a"), (detail.Status, detail.OutId));
        Assert.Equal(2, _fake.Calls.Count(c => c.Action == "QuerySendDetails"));
        Assert.Equal(first.ProviderId, _fake.Calls[^1]["BizId"]);
    }

    [Fact]
    public async Task SendSms_RetriesLaterWithAClearMessage_WhenTheAnswerIsNotJson()
    {
        _fake.After = (_, _) => new AliyunReply(200, "<html>502 Bad Gateway</html>");

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Contains("无法读取", result.Message, StringComparison.Ordinal);
        Assert.Contains("不是 JSON", result.Message, StringComparison.Ordinal);
        Assert.True(AliyunSmsClient.NeedsReconciliation(result));
    }

    [Fact]
    public async Task SendSms_RetriesLater_WhenTheJsonHasNoCode()
    {
        _fake.After = (_, _) => new AliyunReply(200, """{"RequestId":"X"}""");

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Contains("没有 Code", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSms_RetriesLaterAndAsksToReconcile_WhenNoAnswerComesInTime()
    {
        _fake.After = (_, reply) => reply with { Delay = TimeSpan.FromSeconds(5) };

        var result = Assert.Single(await Client(timeout: TimeSpan.FromMilliseconds(300)).SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.True(AliyunSmsClient.NeedsReconciliation(result));
        Assert.Contains("无应答", result.Message, StringComparison.Ordinal);
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendSms_AsksToReconcile_WhenAlibabaReportsASystemError()
    {
        _fake.Before = _ => AliyunReply.Code("isp.SYSTEM_ERROR", "系统错误", 500);

        var result = Assert.Single(await Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), "e1:sms:a"));

        Assert.Equal((GatewayOutcome.RetryLater, "isp.SYSTEM_ERROR"), (result.Outcome, result.Code));
        Assert.True(AliyunSmsClient.NeedsReconciliation(result));
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task SendBatchSms_SendsEachNumbersSignatureAndVariables_InOneRequest()
    {
        _fake.Signatures.Add("区住建局");

        var results = await Client().SendBatchSms(
            [
                new("+8613800000001", Sign, new Dictionary<string, string> { ["name"] = "张三", ["task"] = "道路整治" }),
                new("+8613800000002", "区住建局", new Dictionary<string, string> { ["name"] = "李四", ["task"] = "一二三四五六七八九十一二三四五六七八九十一" }),
                new("12345", Sign, new Dictionary<string, string>()),
            ],
            Template,
            "e1:sms");

        var call = Assert.Single(_fake.Calls);
        Assert.Equal("SendBatchSms", call.Action);
        Assert.Equal("""["13800000001","13800000002"]""", call["PhoneNumberJson"]);
        Assert.Equal("""["市督查办","区住建局"]""", call["SignNameJson"]);
        Assert.Equal("""[{"name":"张三","task":"道路整治"},{"name":"李四","task":"一二三四五六七八九十一二三四五六七八九…"}]""", call["TemplateParamJson"]);
        Assert.Equal("e1:sms", call["OutId"]);
        Assert.Equal([GatewayOutcome.Sent, GatewayOutcome.Sent, GatewayOutcome.InvalidAddress], results.Select(r => r.Outcome));
        Assert.Equal(results[0].ProviderId, results[1].ProviderId);
    }

    [Fact]
    public async Task SendBatchSms_SplitsIntoRequestsOfAHundred_WhenGivenMore()
    {
        var messages = Enumerable.Range(0, 150).Select(i => new AliyunBatchMessage($"+86139{i:D8}", Sign, new Dictionary<string, string> { ["n"] = $"{i}" })).ToList();

        var results = await Client().SendBatchSms(messages, Template, "e1:sms");

        Assert.Equal([100, 50], _fake.Calls.Select(c => JsonSerializer.Deserialize<string[]>(c["PhoneNumberJson"])!.Length));
        Assert.All(_fake.Calls, c =>
        {
            // Too long for a query string: the parameters travel as a signed form body.
            Assert.Equal("/", c.RawTarget);
            Assert.Equal("application/x-www-form-urlencoded", c.Headers["content-type"]);
        });
        Assert.All(results, r => Assert.Equal(GatewayOutcome.Sent, r.Outcome));
        Assert.Equal(150, _fake.Accepted.Count);
    }

    [Fact]
    public async Task SendBatchSms_FindsTheIllegalNumber_WhenTheBatchIsRefusedForOne()
    {
        _fake.IllegalNumbers.Add("13800000001");

        var results = await Client().SendBatchSms(
            [new("+8613800000001", Sign, new Dictionary<string, string>()), new("+8613800000002", Sign, new Dictionary<string, string>())], Template, "e1:sms");

        Assert.Equal([GatewayOutcome.InvalidAddress, GatewayOutcome.Sent], results.Select(r => r.Outcome));
        Assert.Equal(["13800000002"], _fake.Accepted.Select(a => a.PhoneNumber));
    }

    [Fact]
    public async Task SendSms_Throws_WhenTheOutIdIsTooLong()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client().SendSms(["+8613800000001"], Sign, Template, new Dictionary<string, string>(), new string('x', 256)));
    }

    [Fact]
    public void Describe_ShowsNeitherTheSecretNorTheWholeKeyId()
    {
        var client = Client();

        Assert.DoesNotContain(AliyunSmsFake.AccessKeySecret, client.Describe, StringComparison.Ordinal);
        Assert.DoesNotContain(AliyunSmsFake.AccessKeyId, client.Describe, StringComparison.Ordinal);
        Assert.Contains("LTAI****0001", client.Describe, StringComparison.Ordinal);
        Assert.DoesNotContain(AliyunSmsFake.AccessKeySecret, Credentials.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+8613800000001", "13800000001")]
    [InlineData("008613800000001", "13800000001")]
    [InlineData("8613800000001", "13800000001")]
    [InlineData("138 0000-0001", "13800000001")]
    [InlineData("13800000001", "13800000001")]
    [InlineData("+14155550100", null)]
    [InlineData("23800000001", null)]
    [InlineData("1380000000", null)]
    [InlineData("+86１3800000001", null)]
    public void Normalize_KeepsMainlandMobilesOnly(string input, string? expected)
    {
        Assert.Equal(expected, AliyunSmsClient.Normalize(input));
    }

    [Fact]
    public void SendDateOf_IsTheBeijingDate()
    {
        Assert.Equal(new LocalDate(2026, 6, 2), AliyunSmsClient.SendDateOf(Instant.FromUtc(2026, 6, 1, 16, 0)));
        Assert.Equal(new LocalDate(2026, 6, 1), AliyunSmsClient.SendDateOf(Instant.FromUtc(2026, 6, 1, 15, 59, 59)));
    }

    private static AliyunCredentials Credentials => new(AliyunSmsFake.AccessKeyId, AliyunSmsFake.AccessKeySecret);

    private AliyunSmsOptions Options(TimeSpan? timeout = null) => new()
    {
        Endpoint = _fake.BaseUri,
        AttemptTimeout = timeout ?? TimeSpan.FromSeconds(10),
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(5),
    };

    private string Nonce() => $"nonce-{Interlocked.Increment(ref _nonces):D4}";

    private AliyunSmsClient Client(AliyunCredentials? credentials = null, TimeSpan? timeout = null) =>
        new(_http, credentials ?? Credentials, _clock, Nonce, Options(timeout));
}
