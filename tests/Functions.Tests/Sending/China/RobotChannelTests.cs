using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Local;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>
/// The robot channels on the channel port: a parcel for a unit's or the office's group robot as a WeCom or DingTalk post
/// (against the loopback fakes that check the documented request, recompute DingTalk's signature and throttle), the
/// platform's answer as a SendResult, local mode's wecom.log / dingtalk.log, and what a missing webhook says.
/// </summary>
public sealed class RobotChannelTests : IAsyncLifetime, IDisposable
{
    private const string WeComKey = "5e1d2c3b-aaaa-4bbb-8ccc-0123456789ab";
    private const string DingTalkToken = "d7f0c0ffee0123456789";
    private const string DingTalkSecret = "SECf00d0123456789abcdef";

    private static readonly LocalDate Day = new(2026, 6, 2);

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 2, 1, 0));
    private readonly HttpClient _http = RobotFakeServer.Client();
    private readonly TempFolder _temp = new();
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private RobotFakeServer _server = null!;
    private WeComRobotFake _weCom = null!;
    private DingTalkRobotFake _dingTalk = null!;

    public async Task InitializeAsync()
    {
        _weCom = new WeComRobotFake(WeComKey, _clock);
        _dingTalk = new DingTalkRobotFake(DingTalkToken, DingTalkSecret, "督办", _clock);
        // One loopback host for both platforms: each fake answers its own documented path.
        _server = await RobotFakeServer.Start(r => r.Path.StartsWith("/robot/", StringComparison.Ordinal) ? _dingTalk.Answer(r) : _weCom.Answer(r));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    public void Dispose() => _temp.Dispose();

    private string Outbox => _temp["outbox"];

    /// <summary>zjj's WeCom group robot; posted to the fake's host (BaseUrl) with the key alone as its webhook.</summary>
    private Robot ZjjRobot => new("zjj", new UnitId("zjj"), Channel.WeCom, null, _server.BaseUri, "市住房城乡建设局企业微信群机器人");

    /// <summary>The office's DingTalk robot with the samples' keyword 督办; its webhook is a whole URL.</summary>
    private static Robot OfficeRobot(string? keyword = "督办") => new("office", null, Channel.DingTalk, keyword, null, "督查室钉钉群机器人");

    private static EscalationEvent Event(string item, string title, int streak = 2)
    {
        var rule = new RuleId("R5");
        var id = new ItemId(item);
        var facts = new EventFacts(title, "市住房城乡建设局", 60, 35, Streak: streak, Period: "2026年5月", PeriodKey: "2026-05");
        return new EscalationEvent(EventId.For(rule, id, "lag:2026-05"), rule, EventLevel.Notice, EventKind.Lagging, id, new UnitId("zjj"), Day,
            "lag:2026-05", [], [Channel.WeCom, Channel.DingTalk], "lag-notice", facts, null);
    }

    private static Parcel ParcelFor(Robot robot, IReadOnlyList<string> mentions, params EscalationEvent[] events) =>
        new($"{robot.Platform}:robot-{robot.Id}:20260602:Notice:001", robot.Id, robot.Name,
            new Letter(robot.Name, EventLevel.Notice, Day, [.. events.Select(e => new LetterItem(e, null, IsCopy: false))]), WordingSettings.Default, Instant.FromUtc(2026, 6, 2, 1, 0))
        {
            Robot = robot,
            Mentions = mentions,
        };

    private static Parcel TwoItems(Robot robot, params string[] mentions) =>
        ParcelFor(robot, mentions, Event("zjj-2026-01", "老旧小区改造提升工程"), Event("zjj-2026-02", "城中村改造安置房建设", streak: 3));

    private RobotChannel ChannelOf(Channel platform, string? outbox = null) =>
        new(platform, key => _settings.GetValueOrDefault(key), _http, _clock, outbox);

    private string DingTalkWebhook => $"{_server.BaseUri}robot/send?access_token={DingTalkToken}";

    private static List<JsonElement> Lines(string path) =>
        [.. File.ReadAllLines(path, Encoding.UTF8).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    // ---- indicator events ----

    // The scoreboard (成绩单) copied to the office's group: the post carries its short form, the top and the bottom three,
    // as the scoreboard's SMS does; the whole table is in the email.
    [Fact]
    public void Notice_PostsTheScoreboardsShortForm_TopAndBottomPlaces()
    {
        var towns = new (string Id, string Name, double Value)[] { ("town-dh", "东湖街道", 52.6), ("town-cg", "城关镇", 48.1), ("town-xs", "西山镇", 45), ("town-ng", "南港镇", 40.3), ("town-bt", "北塘镇", 36.8), ("town-qs", "青石镇", 31.5) };
        var standings = towns.Select((t, i) => new Standing(new UnitId(t.Id), t.Value, i + 1, towns.Length - i)).ToArray();
        var figures = new IndicatorFacts(new IndicatorId("zdxm-wcl"), IndicatorPeriod.Parse("2026-05"), "2026年1–5月", "%", new LocalDate(2026, 6, 10))
        {
            Group = new RankingGroupId("towns-xm"), GroupName = "各镇（街道）", GroupSize = 6, TopK = 3, BottomK = 3, Standings = standings,
        };
        var rule = new RuleId("I9");
        var item = IndicatorItem.For(figures.Indicator);
        var scoreboard = new EscalationEvent(EventId.For(rule, item, "scoreboard:towns-xm/2026-05"), rule, EventLevel.Notice, EventKind.Scoreboard, item, new UnitId("fgw"),
            Day, "scoreboard:towns-xm/2026-05", [], [Channel.DingTalk], "scoreboard",
            new EventFacts("重点项目投资完成率", "市发展改革委", 0, 0, Period: "2026年1–5月", PeriodKey: "2026-05") { Indicator = figures }, null);
        var parcel = ParcelFor(OfficeRobot(), [], scoreboard) with
        {
            Wording = WordingSettings.Default with { UnitNames = towns.ToDictionary(t => new UnitId(t.Id), t => t.Name) },
        };

        var item0 = Assert.Single(RobotChannel.Notice(parcel).Items);

        Assert.Equal("2026年1–5月成绩单：前三位东湖街道、城关镇、西山镇；后三位南港镇、北塘镇、青石镇", item0.WhatHappened);
        Assert.Equal(("市发展改革委", "重点项目投资完成率"), (item0.Unit, item0.Item));
    }

    // A notice's post quotes its reference (文号), as its email and SMS do; a reminder has none and says none.
    [Fact]
    public void Notice_PostsEachItemsReference_InMarkdownAndText()
    {
        var numbered = Event("zjj-2026-01", "老旧小区改造提升工程") with { Reference = "督办〔2026〕0123号" };
        var parcel = ParcelFor(OfficeRobot(), [], numbered, Event("zjj-2026-02", "城中村改造安置房建设"));

        var notice = RobotChannel.Notice(parcel);
        var markdown = RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Markdown, 4096);
        var text = RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Text, 4096);

        Assert.Equal(["督办〔2026〕0123号", null], notice.Items.Select(i => i.Reference));
        Assert.Contains("老旧小区改造提升工程，进度滞后（连续2期）（文号：督办〔2026〕0123号）", markdown, StringComparison.Ordinal);
        Assert.Contains("（文号：督办〔2026〕0123号）", text, StringComparison.Ordinal);
        Assert.Equal(2, markdown.Split("文号").Length);
    }

    // ---- local mode's outbox ----

    [Fact]
    public async Task Send_WritesOneUnescapedJsonLinePerPost_WhenTheRobotHasNoWebhookInLocalMode()
    {
        using var channel = ChannelOf(Channel.WeCom, Outbox);
        var parcel = TwoItems(ZjjRobot);

        var first = await channel.Send(parcel);
        var again = await channel.Send(parcel);
        var other = await channel.Send(parcel with { DispatchId = "WeCom:robot-zjj:20260602:Summons:001" });

        Assert.Equal([new SendResult.Sent("wecom.log"), new SendResult.Sent("wecom.log"), new SendResult.Sent("wecom.log")], new[] { first, again, other });
        Assert.Empty(_server.Requests);
        Assert.Equal(Path.Combine(Outbox, "wecom.log"), channel.LogFile);
        var text = File.ReadAllText(channel.LogFile!, Encoding.UTF8);
        Assert.Contains("市住房城乡建设局企业微信群机器人", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
        var lines = Lines(channel.LogFile!);
        Assert.Equal(["WeCom:robot-zjj:20260602:Notice:001", "WeCom:robot-zjj:20260602:Summons:001"], lines.Select(l => l.GetProperty("dispatchId").GetString()));
        var line = lines[0];
        Assert.Equal(
            ["at", "robot", "group", "dispatchId", "events", "request"],
            line.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("2026-06-02T01:00:00Z", "zjj", "市住房城乡建设局企业微信群机器人"), (line.GetProperty("at").GetString(), line.GetProperty("robot").GetString(), line.GetProperty("group").GetString()));
        Assert.Equal(parcel.Events, line.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        // The request is the body the robot's client would post: markdown, nobody mentioned.
        var request = line.GetProperty("request");
        Assert.Equal("markdown", request.GetProperty("msgtype").GetString());
        var content = request.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.StartsWith("### 督查督办通报（2026年6月2日，2项）\n", content, StringComparison.Ordinal);
        Assert.Contains("老旧小区改造提升工程", content, StringComparison.Ordinal);
        Assert.Contains("城中村改造安置房建设，进度滞后（连续3期）", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WritesTheDingTalkRequestWithMentionsAndKeyword_WhenTheOfficeRobotHasNoWebhookInLocalMode()
    {
        using var channel = ChannelOf(Channel.DingTalk, Outbox);

        var result = await channel.Send(TwoItems(OfficeRobot("督查提醒"), "+8613800001111"));

        Assert.Equal(new SendResult.Sent("dingtalk.log"), result);
        var request = Assert.Single(Lines(Path.Combine(Outbox, "dingtalk.log"))).GetProperty("request");
        Assert.Equal("markdown", request.GetProperty("msgtype").GetString());
        Assert.Equal("督查提醒｜督查督办通报（2026年6月2日，2项）", request.GetProperty("markdown").GetProperty("title").GetString());
        Assert.EndsWith("@13800001111", request.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["13800001111"], request.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(_server.Requests);
    }

    // ---- posting to the platforms ----

    [Fact]
    public async Task Send_PostsMarkdownToTheUnitsGroup_WhenNobodyIsMentioned()
    {
        _settings[Robot.WebhookSetting("zjj")] = WeComKey;
        using var channel = ChannelOf(Channel.WeCom, Outbox);

        var result = await channel.Send(TwoItems(ZjjRobot));

        Assert.IsType<SendResult.Sent>(result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/cgi-bin/webhook/send?key=" + WeComKey, request.RawTarget);
        var body = request.Json();
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.Contains("督查督办通报（2026年6月2日，2项）", body.GetProperty("markdown").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("老旧小区改造提升工程", request.Text, StringComparison.Ordinal); // UTF-8, not \u-escaped
        Assert.False(File.Exists(Path.Combine(Outbox, "wecom.log"))); // a configured webhook is posted to, not written to the outbox
    }

    [Fact]
    public async Task Send_PostsTextWithMentionedMobileList_WhenTheUnitsRecipientsAreMentioned()
    {
        _settings[Robot.WebhookSetting("zjj")] = WeComKey;
        using var channel = ChannelOf(Channel.WeCom);

        var result = await channel.Send(TwoItems(ZjjRobot, "+8613800001111", "+8613900002222"));

        Assert.IsType<SendResult.Sent>(result);
        var body = Assert.Single(_server.Requests).Json();
        Assert.Equal("text", body.GetProperty("msgtype").GetString());
        var text = body.GetProperty("text");
        Assert.Equal(["13800001111", "13900002222"], text.GetProperty("mentioned_mobile_list").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("城中村改造安置房建设", text.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("**", text.GetProperty("content").GetString(), StringComparison.Ordinal); // text, not markdown
    }

    [Fact]
    public async Task Send_PostsSignedMarkdownWithAtMobilesAndTheKeyword_WhenTheOfficeRobotSignsAndHasAKeyword()
    {
        _settings[Robot.WebhookSetting("office")] = DingTalkWebhook;
        _settings[Robot.SecretSetting("office")] = DingTalkSecret;
        using var channel = ChannelOf(Channel.DingTalk);

        var result = await channel.Send(TwoItems(OfficeRobot(), "+8613800001111"));

        Assert.IsType<SendResult.Sent>(result);
        var request = Assert.Single(_server.Requests);
        // The signature recomputed here from the documented recipe: Base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")), URL-encoded.
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + DingTalkSecret)));
        Assert.Equal($"/robot/send?access_token={DingTalkToken}&timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}", request.RawTarget);
        var body = request.Json();
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        var markdown = body.GetProperty("markdown");
        Assert.Contains("督办", markdown.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("督办", markdown.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["13800001111"], body.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(m => m.GetString()));
        Assert.False(body.GetProperty("at").GetProperty("isAtAll").GetBoolean());
        Assert.Empty(_dingTalk.UnmentionedMobiles);
    }

    // The same channel (a long-lived process) posts before and after the admin enters the robot's keyword in the table:
    // the robot's client is made anew for the changed row (it was kept by robot id and webhook only, keyword-less).
    [Fact]
    public async Task Send_PutsTheKeywordInThePost_WhenTheRobotsKeywordWasEnteredSinceItsLastPost()
    {
        _dingTalk = new DingTalkRobotFake(DingTalkToken, DingTalkSecret, "专项督查", _clock);
        _settings[Robot.WebhookSetting("office")] = DingTalkWebhook;
        _settings[Robot.SecretSetting("office")] = DingTalkSecret;
        using var channel = ChannelOf(Channel.DingTalk);

        var without = await channel.Send(TwoItems(OfficeRobot(keyword: null)));
        var with = await channel.Send(TwoItems(OfficeRobot("专项督查")));

        // The fake refuses a post without the keyword as DingTalk does (310000 keywords not in content).
        Assert.Contains("自定义关键词", Assert.IsType<SendResult.Rejected>(without).Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(with);
        Assert.StartsWith("专项督查｜", _server.Requests[1].Json().GetProperty("markdown").GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ReadsTheWebhookAndSecretFromTheLocalSecretsFile_WhenTheyAreNotInTheSettings()
    {
        var file = _temp["secrets.json"];
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            [Robot.WebhookSetting("office")] = DingTalkWebhook,
            [Robot.SecretSetting("office")] = DingTalkSecret,
        }));
        var secrets = LocalSecrets.Read(file);
        // As LocalSenders composes it: a setting of the same name wins over the file (none here).
        using var channel = new RobotChannel(Channel.DingTalk, key => _settings.GetValueOrDefault(key) ?? secrets.GetValueOrDefault(key), _http, _clock, Outbox);

        var result = await channel.Send(TwoItems(OfficeRobot()));

        Assert.IsType<SendResult.Sent>(result); // the fake checked the signature made with the file's secret
        Assert.Contains("&sign=", Assert.Single(_server.Requests).RawTarget, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Outbox, "dingtalk.log")));
    }

    [Fact]
    public void LocalSecrets_NamesTheFileAndShowsTheExpectedForm_WhenTheFileIsNotAnObjectOfStrings()
    {
        var file = _temp["secrets.json"];
        File.WriteAllText(file, """{"Escalation__Robots__office__Webhook": 42}""");

        var error = Assert.Throws<InvalidOperationException>(() => LocalSecrets.Read(file));

        Assert.Contains($"密钥文件 {Path.GetFullPath(file)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Escalation__Robots__zjj__Webhook", error.Message, StringComparison.Ordinal);
        Assert.Empty(LocalSecrets.Read(_temp["none.json"]));
    }

    // ---- the platforms' refusals ----

    [Fact]
    public async Task Send_ReturnsTransientAndHoldsTheRobot_WhenWeComAnswers45009()
    {
        _settings[Robot.WebhookSetting("zjj")] = WeComKey;
        using var channel = ChannelOf(Channel.WeCom);
        _weCom.Next.Enqueue(WeComRobotFake.Error(45009, "api freq out of limit"));

        var throttled = await channel.Send(TwoItems(ZjjRobot));
        _clock.Advance(Duration.FromMinutes(1)); // WeCom's hold is over: the next attempt posts
        var later = await channel.Send(TwoItems(ZjjRobot));

        var transient = Assert.IsType<SendResult.Transient>(throttled);
        Assert.Contains("限流", transient.Error, StringComparison.Ordinal);
        Assert.Contains("45009", transient.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(WeComKey, transient.Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(later);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_ReturnsTransientWithoutPostingAgain_WhileDingTalkThrottlesAfter130101()
    {
        _settings[Robot.WebhookSetting("office")] = DingTalkWebhook;
        _settings[Robot.SecretSetting("office")] = DingTalkSecret;
        using var channel = ChannelOf(Channel.DingTalk);
        _dingTalk.Next.Enqueue(DingTalkRobotFake.Error(130101, "send too fast, exceed 20 times per minute"));

        var throttled = await channel.Send(TwoItems(OfficeRobot()));
        _clock.Advance(Duration.FromMinutes(5));
        var held = await channel.Send(TwoItems(OfficeRobot()));
        _clock.Advance(Duration.FromMinutes(5)); // DingTalk's 10 minutes are over
        var later = await channel.Send(TwoItems(OfficeRobot()));

        Assert.Contains("限流", Assert.IsType<SendResult.Transient>(throttled).Error, StringComparison.Ordinal);
        Assert.Contains("正被钉钉限流", Assert.IsType<SendResult.Transient>(held).Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Sent>(later);
        Assert.Equal(2, _server.Requests.Count); // nothing posted while held
    }

    [Fact]
    public async Task Send_ReturnsTransientSayingItMayHaveBeenPosted_WhenTheConnectionIsLostMidAnswer()
    {
        _settings[Robot.WebhookSetting("zjj")] = WeComKey;
        using var channel = ChannelOf(Channel.WeCom);
        _weCom.Next.Enqueue(new FakeAnswer(200, """{"errcode":0,"errmsg":"ok"}""", HangUp: true));

        var result = await channel.Send(TwoItems(ZjjRobot));

        Assert.Contains("可能已发出", Assert.IsType<SendResult.Transient>(result).Error, StringComparison.Ordinal);
        Assert.Single(_server.Requests); // a hang-up after the request is not retried blindly by the client
    }

    [Fact]
    public async Task Send_RejectsNamingTheSetting_WhenAzureHasNoWebhookForTheRobot()
    {
        using var channel = ChannelOf(Channel.DingTalk, outbox: null);

        var result = await channel.Send(TwoItems(OfficeRobot()));

        var rejected = Assert.IsType<SendResult.Rejected>(result);
        Assert.Contains("督查室钉钉群机器人「office」没有配置 Webhook", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("请设置 Escalation__Robots__office__Webhook", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("Key Vault", rejected.Error, StringComparison.Ordinal);
        Assert.Null(channel.LogFile);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_RejectsWithoutPosting_WhenTheWebhookIsAnUnresolvedKeyVaultReference()
    {
        _settings[Robot.WebhookSetting("zjj")] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/robot-zjj/)";
        using var channel = ChannelOf(Channel.WeCom);

        var result = await channel.Send(TwoItems(ZjjRobot));

        Assert.Contains("Key Vault", Assert.IsType<SendResult.Rejected>(result).Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Send_Rejects_WhenTheParcelIsNotForARobotOfThisPlatform()
    {
        using var channel = ChannelOf(Channel.WeCom, Outbox);

        var person = await channel.Send(TwoItems(ZjjRobot) with { Robot = null });
        var otherPlatform = await channel.Send(TwoItems(OfficeRobot()));

        Assert.Contains("不在「robots」表中", Assert.IsType<SendResult.Rejected>(person).Error, StringComparison.Ordinal);
        Assert.IsType<SendResult.Rejected>(otherPlatform);
        Assert.False(File.Exists(Path.Combine(Outbox, "wecom.log")));
    }
}
