using System.Net;
using System.Net.Sockets;
using System.Text;
using Escalation.Functions.Sending.China;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The WeCom group robot client against a loopback fake of the documented webhook (path/91770).</summary>
public sealed class WeComRobotClientTests : IAsyncLifetime
{
    private const string Key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 1, 0));
    private readonly List<Duration> _waits = [];
    private readonly HttpClient _http = RobotFakeServer.Client();
    private WeComRobotFake _fake = null!;
    private RobotFakeServer _server = null!;
    private RobotRateLimiter _limiter = null!;

    public async Task InitializeAsync()
    {
        _fake = new WeComRobotFake(Key, _clock);
        _server = await RobotFakeServer.Start(r => _fake.Answer(r));
        _limiter = new RobotRateLimiter(_clock, delay: (wait, _) =>
        {
            _waits.Add(wait);
            _clock.Advance(wait);
            return Task.CompletedTask;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Post_SendsMarkdownInUnescapedChinese_WhenNobodyIsMentioned()
    {
        var result = await Client().Post(RobotSamples.Notice(2));

        Assert.Equal(new GatewayResult("unit-a", GatewayOutcome.Sent, null, "0", "ok"), result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/cgi-bin/webhook/send?key=" + Key, request.RawTarget);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Contains("\"content\":\"### 督办提醒（2项）\\n1. 【黄色预警】**单位1**：", request.Text, StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.False(body.GetProperty("markdown").TryGetProperty("mentioned_mobile_list", out _));
    }

    [Fact]
    public async Task Post_SendsTextWithMentionedMobiles_WhenPeopleAreMentioned()
    {
        var result = await Client().Post(RobotSamples.Notice(100, "+8613800001111", "139 0000 2222", "+8613800001111"));

        Assert.Equal(GatewayOutcome.Sent, result.Outcome);
        var body = Assert.Single(_server.Requests).Json();
        Assert.Equal("text", body.GetProperty("msgtype").GetString());
        var text = body.GetProperty("text");
        Assert.Equal(["13800001111", "13900002222"], text.GetProperty("mentioned_mobile_list").EnumerateArray().Select(m => m.GetString()));
        var content = text.GetProperty("content").GetString()!;
        Assert.True(Encoding.UTF8.GetByteCount(content) <= 2048);
        Assert.EndsWith("…（共100项，其余见邮件）", content, StringComparison.Ordinal);
        Assert.DoesNotContain("**", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_StaysWithinTheMarkdownLimit_WhenTheListIsLong()
    {
        var result = await Client().Post(RobotSamples.Notice(300));

        Assert.Equal(GatewayOutcome.Sent, result.Outcome);
        var content = Assert.Single(_server.Requests).Json().GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 3800, 4096);
        Assert.EndsWith("…（共300项，其余见邮件）", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UsesTheWholeWebhook_WhenTheSettingIsAUrl()
    {
        var client = Client(new WeComRobotOptions("unit-a", new Uri(_server.BaseUri, "cgi-bin/webhook/send?key=" + Key).AbsoluteUri)
        {
            BaseUri = new Uri("https://qyapi.weixin.qq.com/"),
        });

        var result = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Sent, result.Outcome);
        Assert.Equal("/cgi-bin/webhook/send?key=" + Key, Assert.Single(_server.Requests).RawTarget);
    }

    [Theory]
    [InlineData(93000, "invalid webhook url", "移出群")]
    [InlineData(93004, "robot disabled", "停用")]
    [InlineData(93008, "not in group", "不在群里")]
    [InlineData(40058, "markdown.content exceed max length 4096", "拒绝")]
    public async Task Post_Rejects_WhenWeComRefusesTheRobotOrTheContent(int code, string message, string explanation)
    {
        _fake.Next.Enqueue(WeComRobotFake.Error(code, message));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Code);
        Assert.Contains("企业微信机器人「unit-a」", result.Message, StringComparison.Ordinal);
        Assert.Contains(explanation, result.Message, StringComparison.Ordinal);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Rejects_WhenTheKeyIsWrong()
    {
        var result = await Client(new WeComRobotOptions("unit-a", "wrong-key") { BaseUri = _server.BaseUri }).Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("93000", result.Code);
        Assert.DoesNotContain("wrong-key", result.Message, StringComparison.Ordinal);
    }

    // 01:00:00  45009: the robot is held for a minute
    // 01:00:00  the next post waits the minute out (within the limiter's one-minute MaxWait), then goes
    [Fact]
    public async Task Post_ReturnsRetryLaterAndHoldsTheRobot_WhenWeComSaysTooFast()
    {
        _fake.Next.Enqueue(WeComRobotFake.Error(45009, "api freq out of limit"));
        var client = Client();

        var throttled = await client.Post(RobotSamples.Notice(1));
        var next = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, throttled.Outcome);
        Assert.Equal("45009", throttled.Code);
        Assert.Contains("api freq out of limit, hint: [", throttled.Message, StringComparison.Ordinal);
        Assert.Equal(GatewayOutcome.Sent, next.Outcome);
        Assert.Equal([Duration.FromMinutes(1)], _waits);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Post_ReturnsRetryLaterWithoutSending_WhenTheHoldIsLongerThanMaxWait()
    {
        _fake.Next.Enqueue(WeComRobotFake.Error(45009, "api freq out of limit"));
        var client = Client(Options() with { ThrottleHold = Duration.FromMinutes(2) });

        await client.Post(RobotSamples.Notice(1));
        var held = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(new GatewayResult("unit-a", GatewayOutcome.RetryLater, null, "RateLimited", "企业微信机器人「unit-a」正被企业微信限流，约 120 秒后再试，未发送。"), held);
        Assert.Single(_server.Requests);
        Assert.Empty(_waits);
    }

    [Fact]
    public async Task Post_WaitsForTheWindow_WhenTwentyOneArePostedInAMinute()
    {
        var client = Client();

        var results = new List<GatewayResult>();
        for (var i = 0; i < 21; i++)
        {
            results.Add(await client.Post(RobotSamples.Notice(1)));
        }

        Assert.All(results, r => Assert.Equal(GatewayOutcome.Sent, r.Outcome));
        Assert.Equal([Duration.FromMinutes(1)], _waits);
        Assert.Equal(21, _server.Requests.Count);
    }

    [Fact]
    public async Task Post_RefusesWithoutSending_WhenTheWebhookIsAnUnresolvedKeyVaultReference()
    {
        var client = Client(new WeComRobotOptions("unit-a", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/wecom-unit-a)") { BaseUri = _server.BaseUri });

        var result = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.Rejected, result.Outcome);
        Assert.Equal("KeyVaultReferenceUnresolved", result.Code);
        Assert.Contains("Key Vault 引用", result.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault 机密用户", result.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Post_ReturnsRetryLater_WhenTheConnectionIsClosedMidAnswer()
    {
        _fake.Next.Enqueue(new FakeAnswer(200, """{"errcode":0,"errmsg":"ok"}""", HangUp: true));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("ConnectionLost", result.Code);
        Assert.Contains("可能已发出", result.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Post_ReturnsRetryLaterWithAClearMessage_WhenTheAnswerIsNotJson()
    {
        _fake.Next.Enqueue(new FakeAnswer(200, "<html>gateway key=" + Key + "</html>"));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("MalformedAnswer", result.Code);
        Assert.Contains("不是预期的 JSON", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(502, GatewayOutcome.RetryLater)]
    [InlineData(404, GatewayOutcome.Rejected)]
    public async Task Post_ReadsTheStatus_WhenTheAnswerIsNotHttp200(int status, GatewayOutcome outcome)
    {
        _fake.Next.Enqueue(new FakeAnswer(status, "bad gateway"));

        var result = await Client().Post(RobotSamples.Notice(1));

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal($"HTTP {status}", result.Code);
    }

    [Fact]
    public async Task Post_ReturnsRetryLater_WhenTheAnswerTakesTooLong()
    {
        _fake.Next.Enqueue(new FakeAnswer(200, """{"errcode":0,"errmsg":"ok"}""", Delay: TimeSpan.FromSeconds(10)));
        var client = Client(Options() with { Http = new RobotHttpOptions(TimeSpan.FromMilliseconds(300), 2, TimeSpan.FromMilliseconds(10)) });

        var result = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("Timeout", result.Code);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Post_RetriesThenReturnsRetryLater_WhenNothingListens()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = Client(new WeComRobotOptions("unit-a", Key)
        {
            BaseUri = new Uri($"https://127.0.0.1:{port}/"),
            Http = new RobotHttpOptions(TimeSpan.FromSeconds(5), 2, TimeSpan.FromMilliseconds(10)),
        });

        var result = await client.Post(RobotSamples.Notice(1));

        Assert.Equal(GatewayOutcome.RetryLater, result.Outcome);
        Assert.Equal("ConnectionFailed", result.Code);
        Assert.Contains("消息未发出", result.Message, StringComparison.Ordinal);
    }

    private WeComRobotOptions Options() => new("unit-a", Key) { BaseUri = _server.BaseUri };

    private WeComRobotClient Client(WeComRobotOptions? options = null) => new(options ?? Options(), _http, _limiter, _clock);
}
