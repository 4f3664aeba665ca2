using System.Globalization;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The DingTalk custom robot client against a loopback fake that recomputes the 加签 signature.</summary>
public sealed class DingTalkRobotClientTests : IAsyncLifetime
{
    private const string Token = "dtk+Q7/zz9";
    private const string Secret = "SECabcdef0123456789";

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 1, 0));
    private readonly HttpClient _http = RobotFakeServer.Client();
    private DingTalkRobotFake _fake = null!;
    private RobotFakeServer _server = null!;
    private RobotRateLimiter _limiter = null!;

    public async Task InitializeAsync()
    {
        _fake = new DingTalkRobotFake(Uri.EscapeDataString(Token), Secret, null, _clock);
        _server = await RobotFakeServer.Start(r => _fake.Answer(r));
        _limiter = new RobotRateLimiter(_clock, maxWait: Duration.Zero);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    // The vectors of the research note (issue17-robots-research.md §2.3), computed with Python hmac/base64/quote_plus.
    [Theory]
    [InlineData(1700000000000L, "this is secret", "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0=", "sSFWELbV2YwjdDQhWZwTcWlX5BWUx5J6TPpsZmuPii0%3D")]
    [InlineData(1577836800000L, "SECabcdef0123456789", "CZTLPl9zaKSk19+DX8X2JaS7OLsU/uc7TQ/GUIXYNeU=", "CZTLPl9zaKSk19%2BDX8X2JaS7OLsU%2Fuc7TQ%2FGUIXYNeU%3D")]
    public void Sign_MatchesTheVectors_WhenGivenTimestampAndSecret(long timestamp, string secret, string base64, string encoded)
    {
        var sign = DingTalkRobotClient.Sign(timestamp, secret);

        Assert.Equal(base64, sign);
        Assert.Equal(encoded, Uri.EscapeDataString(sign));
    }

    [Fact]
    public async Task Post_SendsSignedMarkdownWithMentionsInTheText_WhenTheFakeChecksTheSignature()
    {
        var result = await Client().Post(RobotSamples.Notice(2, "+8613800001111"));

        Assert.Equal(new GatewayResult("office", GatewayOutcome.Sent, null, "0", "ok"), result);
        var request = Assert.Single(_server.Requests);
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            $"/robot/send?access_token=dtk%2BQ7%2Fzz9&timestamp={timestamp}&sign={Uri.EscapeDataString(DingTalkRobotClient.Sign(long.Parse(timestamp, CultureInfo.InvariantCulture), Secret))}",
            request.RawTarget);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        var body = request.Json();
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.Equal("督办提醒（2项）", body.GetProperty("markdown").GetProperty("title").GetString());
        Assert.EndsWith("\n\n@13800001111", body.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["13800001111"], body.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(m => m.GetString()));
        Assert.False(body.GetProperty("at").GetProperty("isAtAll").GetBoolean());
        Assert.Empty(_fake.UnmentionedMobiles);
        Assert.Contains("督办提醒", request.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SignsEachPostWithItsOwnTimestamp_WhenTheSignatureHasPlusAndSlash()
    {
        // 1577836800000 with this secret gives a signature with + and /, which must go as %2B and %2F.
        _clock.Reset(Instant.FromUnixTimeMilliseconds(1577836800000));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Sent, result.Outcome);
        Assert.EndsWith("&timestamp=1577836800000&sign=CZTLPl9zaKSk19%2BDX8X2JaS7OLsU%2Fuc7TQ%2FGUIXYNeU%3D", _server.Requests[0].RawTarget, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_RejectsWithoutShowingSecrets_WhenTheSecretIsWrong(bool chinese)
    {
        _fake.ChineseSignError = chinese;

        var result = await Client(Options() with { Secret = "SECwrong" }).Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("310000", result.Code);
        Assert.Contains("加签签名不匹配", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECwrong", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dtk", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReturnsRetryLater_WhenTheClockIsMoreThanAnHourOff()
    {
        var ahead = new FakeClock(_clock.GetCurrentInstant() + Duration.FromMinutes(61));

        var result = await new DingTalkRobotClient(Options(), _http, _limiter, ahead).Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("310000", result.Code);
        Assert.Contains("时钟", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PutsTheKeywordInTheTitle_WhenTheRobotRequiresOne()
    {
        _fake = new DingTalkRobotFake(Uri.EscapeDataString(Token), null, "督办通知", _clock);

        var without = await Client(new DingTalkRobotOptions("office", Token) { BaseUri = _server.BaseUri }).Post(RobotSamples.Notice(1));
        var with = await Client(new DingTalkRobotOptions("office", Token) { BaseUri = _server.BaseUri, Keyword = "督办通知" }).Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, without.Outcome);
        Assert.Contains("自定义关键词", without.Message, StringComparison.Ordinal);
        Assert.Equal(GatewayOutcome.Sent, with.Outcome);
        Assert.Equal("督办通知｜督办提醒（1项）", _server.Requests[1].Json().GetProperty("markdown").GetProperty("title").GetString());
        Assert.DoesNotContain("timestamp=", _server.Requests[1].RawTarget, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(310000, "ip 40.1.2.3 not in whitelist", GatewayOutcome.Rejected, "白名单")]
    [InlineData(310000, "something else", GatewayOutcome.Rejected, "安全设置")]
    [InlineData(400013, "群已被解散", GatewayOutcome.Rejected, "解散")]
    [InlineData(400101, "access_token不存在", GatewayOutcome.Rejected, "access_token")]
    [InlineData(400102, "机器人已停用", GatewayOutcome.Rejected, "停用")]
    [InlineData(400106, "机器人不存在", GatewayOutcome.Rejected, "重新添加")]
    [InlineData(430102, "含有不合适的文本", GatewayOutcome.Rejected, "不安全或不合适")]
    [InlineData(300005, "token is not exist", GatewayOutcome.Rejected, "access_token")]
    [InlineData(130101, "send too fast, exceed 20 times per minute", GatewayOutcome.RetryLater, "限流")]
    [InlineData(90030, "webhook over limit", GatewayOutcome.RetryLater, "限流")]
    [InlineData(-1, "系统繁忙", GatewayOutcome.RetryLater, "繁忙")]
    public async Task Post_MapsTheErrorCode_WhenDingTalkAnswersAnError(int code, string message, GatewayOutcome outcome, string explanation)
    {
        _fake.Next.Enqueue(DingTalkRobotFake.Error(code, message));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(code.ToString(CultureInfo.InvariantCulture), result.Code);
        Assert.Contains(explanation, result.Message, StringComparison.Ordinal);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    // 01:00:00  twenty posts go (the local limiter is set wider than the platform, to reach the platform's answer)
    // 01:00:00  the 21st: 410100, DingTalk throttles for 10 minutes; the client holds the robot as long
    // 01:05:00  held: no request
    // 01:10:00  goes again
    [Fact]
    public async Task Post_HoldsTheRobotForTenMinutes_WhenDingTalkThrottles()
    {
        _limiter = new RobotRateLimiter(_clock, count: 100, maxWait: Duration.Zero);
        var client = Client();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(GatewayOutcome.Sent, (await client.Post(RobotSamples.Notice(1))).Outcome);
        }

        var throttled = await client.Post(RobotSamples.Notice(1));
        _clock.Advance(Duration.FromMinutes(5));
        var held = await client.Post(RobotSamples.Notice(1));
        _clock.Advance(Duration.FromMinutes(5));
        var again = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(("410100", GatewayOutcome.RetryLater), (throttled.Code, throttled.Outcome));
        Assert.Equal(("RateLimited", GatewayOutcome.RetryLater), (held.Code, held.Outcome));
        Assert.Contains("约 300 秒后再试", held.Message, StringComparison.Ordinal);
        Assert.Equal(GatewayOutcome.Sent, again.Outcome);
        Assert.Equal(22, _server.Requests.Count);
    }

    [Fact]
    public async Task Post_ReturnsRetryLaterWithoutSending_WhenTheLocalBudgetIsSpent()
    {
        var client = Client();
        for (var i = 0; i < 20; i++)
        {
            await client.Post(RobotSamples.Notice(1));
        }

        var result = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(new GatewayResult("office", GatewayOutcome.RetryLater, null, "RateLimited", "钉钉机器人「office」已达本机限速（每分钟 20 条），约 60 秒后再试，未发送。"), result);
        Assert.Equal(20, _server.Requests.Count);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Post_RefusesWithoutSending_WhenASecretIsAnUnresolvedKeyVaultReference(bool webhook, bool secret)
    {
        const string Reference = "@Microsoft.KeyVault(VaultName=kv;SecretName=dingtalk-office)";
        var options = Options() with { Webhook = webhook ? Reference : Token, Secret = secret ? Reference : Secret };

        var result = await Client(options).Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("KeyVaultReferenceUnresolved", result.Code);
        Assert.Contains(secret ? "加签密钥设置" : "Webhook 设置", result.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Post_ReturnsRetryLater_WhenTheConnectionIsClosedMidAnswer()
    {
        _fake.Next.Enqueue(new FakeAnswer(200, """{"errcode":0,"errmsg":"ok"}""", HangUp: true));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(("ConnectionLost", GatewayOutcome.RetryLater), (result.Code, result.Outcome));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Post_ReturnsRetryLater_WhenTheAnswerIsNotJson()
    {
        _fake.Next.Enqueue(new FakeAnswer(200, """{"errcode":"""));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(("MalformedAnswer", GatewayOutcome.RetryLater), (result.Code, result.Outcome));
        Assert.Contains("{\"errcode\":", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_HidesTokenAndSecret_WhenTheErrorEchoesTheUrl()
    {
        _fake.Next.Enqueue(DingTalkRobotFake.Error(400101, $"access_token {Uri.EscapeDataString(Token)} / {Token} / {Secret} 不存在"));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.DoesNotContain("dtk", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Message, StringComparison.Ordinal);
        Assert.Contains("***", result.Message, StringComparison.Ordinal);
    }

    private DingTalkRobotOptions Options() => new("office", Token) { Secret = Secret, BaseUri = _server.BaseUri };

    private DingTalkRobotClient Client(DingTalkRobotOptions? options = null) => new(options ?? Options(), _http, _limiter, _clock);
}
