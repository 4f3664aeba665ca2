using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NodaTime;

namespace Escalation.Functions.Sending.China;

/// <summary>One WeCom (企业微信, or a 政务微信 deployment) group robot.</summary>
/// <param name="RobotId">The robot's name in the configuration (what results and errors show; never the key).</param>
/// <param name="Webhook">The whole webhook URL (<c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…</c>) or its key alone: the secret, from Key Vault.</param>
public sealed record WeComRobotOptions(string RobotId, string Webhook)
{
    /// <summary>The host a bare key is posted to; another one for a 政务微信 deployment or a test.</summary>
    public Uri BaseUri { get; init; } = new("https://qyapi.weixin.qq.com/");

    /// <summary>The <c>markdown</c> content limit in UTF-8 bytes (4096 documented).</summary>
    public int MarkdownMaxBytes { get; init; } = 4096;

    /// <summary>The <c>text</c> content limit in UTF-8 bytes (2048 documented).</summary>
    public int TextMaxBytes { get; init; } = 2048;

    /// <summary>How long the robot is left alone after WeCom answered 45009/45033 (not documented; one minute is reported).</summary>
    public Duration ThrottleHold { get; init; } = Duration.FromMinutes(1);

    /// <summary>Timeout and connection retries.</summary>
    public RobotHttpOptions Http { get; init; } = RobotHttpOptions.Default;
}

/// <summary>
/// Posts to a WeCom group robot (<c>POST /cgi-bin/webhook/send?key=…</c>, developer.work.weixin.qq.com/document/path/91770).
/// Without mentions the post is <c>markdown</c> (4096 bytes); with mentions it is <c>text</c> (2048 bytes) with
/// <c>mentioned_mobile_list</c>, the only documented way to @ someone by mobile (<c>markdown</c> @s only by userid).
/// </summary>
/// <remarks>
/// Answers are HTTP 200 with <c>{errcode, errmsg}</c>: 0 → Sent; 45009/45033 (too fast) and -1 (busy) → RetryLater, and
/// the robot is held for <see cref="WeComRobotOptions.ThrottleHold"/>; 93000 (bad webhook, robot removed), 93004
/// (robot disabled), 93008 (not in the group) and any other code → Rejected. A webhook that is still a Key Vault
/// reference is refused before anything is sent. The key never appears in a result.
/// </remarks>
public sealed class WeComRobotClient
{
    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly WeComRobotOptions _options;
    private readonly RobotWebhook _webhook;
    private readonly RobotRateLimiter _limiter;
    private readonly IClock _clock;

    /// <param name="options">The robot.</param>
    /// <param name="http">The client to post with (its handler decides TLS trust and proxies).</param>
    /// <param name="limiter">This robot's budget (keep one per robot for the life of the process).</param>
    /// <param name="clock">The clock.</param>
    public WeComRobotClient(WeComRobotOptions options, HttpClient http, RobotRateLimiter limiter, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options;
        _webhook = new RobotWebhook(http, options.Http);
        _limiter = limiter;
        _clock = clock;
    }

    private string Who => $"企业微信机器人「{_options.RobotId}」";

    /// <summary>Posts <paramref name="notice"/>; the result's address is the robot id.</summary>
    public async Task<GatewayResult> Post(RobotNotice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (RobotWebhook.IsUnresolvedKeyVaultReference(_options.Webhook))
        {
            return Result(GatewayOutcome.Rejected, "KeyVaultReferenceUnresolved", RobotWebhook.KeyVaultMessage(Who, " Webhook 设置"));
        }

        if (string.IsNullOrWhiteSpace(_options.Webhook))
        {
            return Result(GatewayOutcome.Rejected, "WebhookMissing", $"{Who}没有配置 Webhook（完整地址或 key），未发送。请在设置中填写。");
        }

        if (await _limiter.Acquire(cancellationToken).ConfigureAwait(false) is { } wait)
        {
            return Result(GatewayOutcome.RetryLater, "RateLimited", RateLimited(wait));
        }

        var (url, key) = Url();
        var reply = await _webhook.Post(url, Body(notice), [_options.Webhook, key], cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            RobotReply.Failed failed => Result(failed.Outcome, failed.Code, $"{Who}：{failed.Message}"),
            RobotReply.Answered answered => Map(answered),
            _ => throw new InvalidOperationException($"Unknown reply {reply}."),
        };
    }

    /// <summary>The JSON body: <c>markdown</c>, or <c>text</c> with <c>mentioned_mobile_list</c> when someone is to be @-ed.</summary>
    internal byte[] Body(RobotNotice notice)
    {
        var mobiles = notice.Mobiles();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartObject();
            if (mobiles.Count == 0)
            {
                writer.WriteString("msgtype", "markdown");
                writer.WriteStartObject("markdown");
                writer.WriteString("content", RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Markdown, _options.MarkdownMaxBytes));
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("msgtype", "text");
                writer.WriteStartObject("text");
                writer.WriteString("content", RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Text, _options.TextMaxBytes));
                writer.WriteStartArray("mentioned_mobile_list");
                foreach (var mobile in mobiles)
                {
                    writer.WriteStringValue(mobile);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private (Uri Url, string? Key) Url()
    {
        var webhook = _options.Webhook.Trim();
        if (Uri.TryCreate(webhook, UriKind.Absolute, out var url) && url.Scheme is "https" or "http")
        {
            var key = url.Query.TrimStart('?').Split('&')
                .Select(p => p.Split('=', 2))
                .FirstOrDefault(p => p.Length == 2 && p[0] == "key")?[1];
            return (url, key);
        }

        return (new Uri(_options.BaseUri, "cgi-bin/webhook/send?key=" + Uri.EscapeDataString(webhook)), webhook);
    }

    private GatewayResult Map(RobotReply.Answered answer)
    {
        var code = answer.ErrCode.ToString(CultureInfo.InvariantCulture);
        var quoted = $"（errcode {code}：{answer.ErrMsg}）";
        switch (answer.ErrCode)
        {
            case 0:
                return Result(GatewayOutcome.Sent, code, answer.ErrMsg);
            case 45009 or 45033:
                var until = _clock.GetCurrentInstant() + _options.ThrottleHold;
                _limiter.HoldUntil(until);
                return Result(GatewayOutcome.RetryLater, code, $"{Who}发送过快被企业微信限流（每个机器人每分钟最多 20 条），{Seconds(_options.ThrottleHold)} 秒后再试{quoted}");
            case -1:
                return Result(GatewayOutcome.RetryLater, code, $"{Who}：企业微信系统繁忙，稍后重试{quoted}");
            case 93000:
                return Result(GatewayOutcome.Rejected, code, $"{Who}的 Webhook 无效，或机器人已被移出群：请在群里重新添加机器人并更新 Key Vault 中的 Webhook{quoted}");
            case 93004:
                return Result(GatewayOutcome.Rejected, code, $"{Who}已被停用：请群管理员在群设置中启用该机器人{quoted}");
            case 93008:
                return Result(GatewayOutcome.Rejected, code, $"{Who}不在群里：请把机器人重新加入群并更新 Webhook{quoted}");
            default:
                return Result(GatewayOutcome.Rejected, code, $"{Who}的消息被企业微信拒绝：请按错误码查 https://open.work.weixin.qq.com/devtool/query{quoted}");
        }
    }

    private string RateLimited(Duration wait) =>
        _limiter.HeldUntil is not null
            ? $"{Who}正被企业微信限流，约 {Seconds(wait)} 秒后再试，未发送。"
            : $"{Who}已达本机限速（每分钟 {_limiter.Count.ToString(CultureInfo.InvariantCulture)} 条），约 {Seconds(wait)} 秒后再试，未发送。";

    private static string Seconds(Duration duration) => Math.Ceiling(duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private GatewayResult Result(GatewayOutcome outcome, string code, string message) => new(_options.RobotId, outcome, null, code, message);
}
