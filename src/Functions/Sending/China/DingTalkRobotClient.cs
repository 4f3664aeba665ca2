using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NodaTime;

namespace Escalation.Functions.Sending.China;

/// <summary>One DingTalk (钉钉, or a 浙政钉 deployment) custom robot.</summary>
/// <param name="RobotId">The robot's name in the configuration (what results and errors show; never the token).</param>
/// <param name="Webhook">The whole webhook URL (<c>https://oapi.dingtalk.com/robot/send?access_token=…</c>) or the access token alone: a secret, from Key Vault.</param>
public sealed record DingTalkRobotOptions(string RobotId, string Webhook)
{
    /// <summary>The 加签 secret (starts with <c>SEC</c>), when the robot's security setting is signing; a secret, from Key Vault.</summary>
    public string? Secret { get; init; }

    /// <summary>The robot's 自定义关键词, when its security setting is keywords: put in the title of any post that lacks it.</summary>
    public string? Keyword { get; init; }

    /// <summary>The host a bare token is posted to; another one for a 浙政钉 deployment or a test.</summary>
    public Uri BaseUri { get; init; } = new("https://oapi.dingtalk.com/");

    /// <summary>The <c>markdown.text</c> limit in UTF-8 bytes: DingTalk publishes none for robots, so this is kept short.</summary>
    public int MaxBytes { get; init; } = 4096;

    /// <summary>How long the robot is left alone after DingTalk answered "too fast" (documented: throttled for 10 minutes).</summary>
    public Duration ThrottleHold { get; init; } = Duration.FromMinutes(10);

    /// <summary>Timeout and connection retries.</summary>
    public RobotHttpOptions Http { get; init; } = RobotHttpOptions.Default;
}

/// <summary>
/// Posts to a DingTalk custom robot (<c>POST /robot/send?access_token=…[&amp;timestamp=…&amp;sign=…]</c>) as
/// <c>markdown</c> with <c>at.atMobiles</c>, each @-ed mobile also written as <c>@mobile</c> at the end of the text (the
/// platform only highlights mentions that appear in the text).
/// </summary>
/// <remarks>
/// Answers are HTTP 200 with <c>{errcode, errmsg}</c>: 0 → Sent; 410100, 130101, 90030 or an errmsg saying "too fast" →
/// RetryLater and the robot is held for <see cref="DingTalkRobotOptions.ThrottleHold"/>; -1 → RetryLater; 310000 is read
/// by its errmsg (IP allow-list, keyword, signature → Rejected; timestamp → RetryLater, a clock off by more than an
/// hour); 400xxx, 430xxx, 300005 and any other code → Rejected. A webhook or secret that is still a Key Vault reference
/// is refused before anything is sent. Neither token, secret nor signature appears in a result.
/// </remarks>
public sealed class DingTalkRobotClient
{
    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly DingTalkRobotOptions _options;
    private readonly RobotWebhook _webhook;
    private readonly RobotRateLimiter _limiter;
    private readonly IClock _clock;

    /// <param name="options">The robot.</param>
    /// <param name="http">The client to post with.</param>
    /// <param name="limiter">This robot's budget (keep one per robot for the life of the process).</param>
    /// <param name="clock">The clock: the signature's timestamp must be within an hour of DingTalk's.</param>
    public DingTalkRobotClient(DingTalkRobotOptions options, HttpClient http, RobotRateLimiter limiter, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options;
        _webhook = new RobotWebhook(http, options.Http);
        _limiter = limiter;
        _clock = clock;
    }

    private string Who => $"钉钉机器人「{_options.RobotId}」";

    /// <summary>
    /// The 加签 signature, not yet URL-encoded: Base64(HMAC-SHA256(key = UTF-8 secret, UTF-8 "{timestamp}\n{secret}")).
    /// </summary>
    /// <param name="timestampMs">Milliseconds since the Unix epoch.</param>
    /// <param name="secret">The whole secret, <c>SEC…</c> included.</param>
    public static string Sign(long timestampMs, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Encoding.UTF8.GetBytes(secret);
        var stringToSign = Encoding.UTF8.GetBytes(timestampMs.ToString(CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, stringToSign));
    }

    /// <summary>Posts <paramref name="notice"/>; the result's address is the robot id.</summary>
    public async Task<GatewayResult> Post(RobotNotice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (RobotWebhook.IsUnresolvedKeyVaultReference(_options.Webhook))
        {
            return Result(GatewayOutcome.Rejected, "KeyVaultReferenceUnresolved", RobotWebhook.KeyVaultMessage(Who, " Webhook 设置"));
        }

        if (RobotWebhook.IsUnresolvedKeyVaultReference(_options.Secret))
        {
            return Result(GatewayOutcome.Rejected, "KeyVaultReferenceUnresolved", RobotWebhook.KeyVaultMessage(Who, "加签密钥设置"));
        }

        if (string.IsNullOrWhiteSpace(_options.Webhook))
        {
            return Result(GatewayOutcome.Rejected, "WebhookMissing", $"{Who}没有配置 Webhook（完整地址或 access_token），未发送。请在设置中填写。");
        }

        if (await _limiter.Acquire(cancellationToken).ConfigureAwait(false) is { } wait)
        {
            return Result(GatewayOutcome.RetryLater, "RateLimited", RateLimited(wait));
        }

        var (url, token, sign) = Url();
        var reply = await _webhook.Post(url, Body(notice), [_options.Webhook, token, _options.Secret, sign], cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            RobotReply.Failed failed => Result(failed.Outcome, failed.Code, $"{Who}：{failed.Message}"),
            RobotReply.Answered answered => Map(answered),
            _ => throw new InvalidOperationException($"Unknown reply {reply}."),
        };
    }

    /// <summary>The JSON body: <c>markdown</c> {title, text} and <c>at</c> {atMobiles, isAtAll: false}.</summary>
    internal byte[] Body(RobotNotice notice)
    {
        var mobiles = notice.Mobiles();
        var title = notice.Title;
        if (!string.IsNullOrEmpty(_options.Keyword)
            && !title.Contains(_options.Keyword, StringComparison.Ordinal)
            && !notice.Items.Any(i => Contains(i, _options.Keyword)))
        {
            title = $"{_options.Keyword}｜{title}";
        }

        var closing = mobiles.Count == 0 ? null : string.Join(' ', mobiles.Select(m => "@" + m));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartObject();
            writer.WriteString("msgtype", "markdown");
            writer.WriteStartObject("markdown");
            writer.WriteString("title", title);
            writer.WriteString("text", RobotMarkdown.Render(title, notice.Items, RobotFormat.Markdown, _options.MaxBytes, closing));
            writer.WriteEndObject();
            writer.WriteStartObject("at");
            writer.WriteStartArray("atMobiles");
            foreach (var mobile in mobiles)
            {
                writer.WriteStringValue(mobile);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("isAtAll", false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool Contains(RobotItem item, string keyword) =>
        new[] { item.Unit, item.Item, item.Level, item.WhatHappened }.Any(v => v?.Contains(keyword, StringComparison.Ordinal) == true);

    private (Uri Url, string? Token, string? Sign) Url()
    {
        var webhook = _options.Webhook.Trim();
        string url;
        string? token;
        if (Uri.TryCreate(webhook, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            url = webhook;
            token = absolute.Query.TrimStart('?').Split('&')
                .Select(p => p.Split('=', 2))
                .FirstOrDefault(p => p.Length == 2 && p[0] == "access_token")?[1];
        }
        else
        {
            url = new Uri(_options.BaseUri, "robot/send").AbsoluteUri + "?access_token=" + Uri.EscapeDataString(webhook);
            token = webhook;
        }

        if (string.IsNullOrEmpty(_options.Secret))
        {
            return (new Uri(url), token, null);
        }

        var timestamp = _clock.GetCurrentInstant().ToUnixTimeMilliseconds();
        var sign = Sign(timestamp, _options.Secret);
        url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + "timestamp=" + timestamp.ToString(CultureInfo.InvariantCulture)
            + "&sign=" + Uri.EscapeDataString(sign);
        return (new Uri(url), token, sign);
    }

    private GatewayResult Map(RobotReply.Answered answer)
    {
        var code = answer.ErrCode.ToString(CultureInfo.InvariantCulture);
        var quoted = $"（errcode {code}：{answer.ErrMsg}）";
        var message = answer.ErrMsg.ToLowerInvariant();
        if (answer.ErrCode == 0)
        {
            return Result(GatewayOutcome.Sent, code, answer.ErrMsg);
        }

        if (answer.ErrCode is 410100 or 130101 or 90030
            || message.Contains("too fast", StringComparison.Ordinal)
            || message.Contains("over limit", StringComparison.Ordinal)
            || message.Contains("限流", StringComparison.Ordinal))
        {
            _limiter.HoldUntil(_clock.GetCurrentInstant() + _options.ThrottleHold);
            return Result(GatewayOutcome.RetryLater, code, $"{Who}发送过快被钉钉限流（每个机器人每分钟最多 20 条，超出后限流 10 分钟），{Math.Ceiling(_options.ThrottleHold.TotalMinutes).ToString(CultureInfo.InvariantCulture)} 分钟后再试{quoted}");
        }

        if (answer.ErrCode == -1)
        {
            return Result(GatewayOutcome.RetryLater, code, $"{Who}：钉钉系统繁忙，稍后重试{quoted}");
        }

        if (answer.ErrCode == 310000)
        {
            return Security(message, code, quoted);
        }

        var explanation = answer.ErrCode switch
        {
            400013 => "所在群已解散：请为该单位另建群和机器人并更新 Webhook",
            400101 or 300005 => "access_token 不存在：请在群设置中复制机器人的 Webhook，更新 Key Vault 中的值",
            400102 => "机器人已停用：请群管理员启用该机器人",
            400105 => "不支持的消息类型（程序缺陷，请报告）",
            400106 => "机器人不存在：请在群里重新添加机器人并更新 Webhook",
            >= 430000 and < 431000 => "消息内容被钉钉判定为不安全或不合适：请检查事项名称和链接",
            _ => "消息被钉钉拒绝：请按错误码查钉钉开放平台文档",
        };
        return Result(GatewayOutcome.Rejected, code, $"{Who}：{explanation}{quoted}");
    }

    /// <summary>310000 covers every security setting; only its errmsg tells which one failed.</summary>
    private GatewayResult Security(string message, string code, string quoted)
    {
        bool Says(params string[] words) => words.Any(w => message.Contains(w, StringComparison.Ordinal));
        if (Says("whitelist", "白名单", "not in ip"))
        {
            return Result(GatewayOutcome.Rejected, code, $"{Who}：函数应用的出站 IP 不在机器人安全设置的 IP 白名单中：请把出站 IP（段）加入白名单，或改用加签{quoted}");
        }

        if (Says("keyword", "关键词"))
        {
            return Result(GatewayOutcome.Rejected, code, $"{Who}：消息不含机器人安全设置中的自定义关键词：请在该机器人的关键词设置中填写其中一个关键词{quoted}");
        }

        if (Says("sign", "签名"))
        {
            return Result(GatewayOutcome.Rejected, code, $"{Who}：加签签名不匹配：请确认加签密钥（SEC 开头）与群里机器人安全设置中的一致，并更新 Key Vault 中的值{quoted}");
        }

        if (Says("timestamp", "时间戳"))
        {
            return Result(GatewayOutcome.RetryLater, code, $"{Who}：签名时间戳与钉钉服务器相差超过 1 小时：请检查函数应用的系统时钟，稍后重试{quoted}");
        }

        return Result(GatewayOutcome.Rejected, code, $"{Who}：未通过机器人安全设置（关键词、加签或 IP 白名单）的校验：请核对这三项设置{quoted}");
    }

    private string RateLimited(Duration wait) =>
        _limiter.HeldUntil is not null
            ? $"{Who}正被钉钉限流，约 {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} 秒后再试，未发送。"
            : $"{Who}已达本机限速（每分钟 {_limiter.Count.ToString(CultureInfo.InvariantCulture)} 条），约 {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} 秒后再试，未发送。";

    private GatewayResult Result(GatewayOutcome outcome, string code, string message) => new(_options.RobotId, outcome, null, code, message);
}
