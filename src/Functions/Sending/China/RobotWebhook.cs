using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Escalation.Functions.Sending.China;

/// <summary>How a robot client talks HTTP: the per-attempt timeout and the retries of a connection that never opened.</summary>
/// <param name="Timeout">How long one attempt may take, answer included.</param>
/// <param name="ConnectRetries">Retries when the connection could not be opened (name resolution, refused): nothing was sent then, so a retry cannot post twice.</param>
/// <param name="ConnectRetryDelay">The first wait before such a retry (doubled each time).</param>
public sealed record RobotHttpOptions(TimeSpan Timeout, int ConnectRetries, TimeSpan ConnectRetryDelay)
{
    /// <summary>15 s per attempt, 2 connection retries from 0.5 s.</summary>
    public static RobotHttpOptions Default { get; } = new(TimeSpan.FromSeconds(15), 2, TimeSpan.FromMilliseconds(500));
}

/// <summary>What the robot endpoint answered: its <c>{errcode, errmsg}</c>, or why there is no such answer.</summary>
internal abstract record RobotReply
{
    /// <summary>An HTTP 200 with the JSON both platforms answer, errors included.</summary>
    public sealed record Answered(long ErrCode, string ErrMsg) : RobotReply;

    /// <summary>No readable answer: the outcome and a code and Chinese text for the operator (secrets hidden).</summary>
    public sealed record Failed(GatewayOutcome Outcome, string Code, string Message) : RobotReply;
}

/// <summary>
/// The part both robot clients share: the check for an unresolved Key Vault reference, the hiding of secrets, and one
/// JSON POST through a Polly pipeline (a timeout per attempt; retries only when the connection never opened, because the
/// robot APIs have no idempotency key and a post that reached the platform must not be repeated blindly).
/// </summary>
internal sealed class RobotWebhook
{
    /// <summary>What an App Service setting holds when its Key Vault reference did not resolve: the reference itself.</summary>
    public const string KeyVaultReferencePrefix = "@Microsoft.KeyVault(";

    private const string Hidden = "***";
    private const int MaxQuoted = 200;

    private readonly HttpClient _http;
    private readonly RobotHttpOptions _options;
    private readonly ResiliencePipeline _pipeline;

    public RobotWebhook(HttpClient http, RobotHttpOptions? options)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? RobotHttpOptions.Default;
        var builder = new ResiliencePipelineBuilder();
        if (_options.ConnectRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(NeverConnected),
                MaxRetryAttempts = _options.ConnectRetries,
                Delay = _options.ConnectRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            });
        }

        _pipeline = builder.AddTimeout(_options.Timeout).Build();
    }

    /// <summary>Whether a setting's value is a Key Vault reference the platform could not resolve.</summary>
    public static bool IsUnresolvedKeyVaultReference(string? value) =>
        value is not null && value.TrimStart().StartsWith(KeyVaultReferencePrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The operator's message for a setting that is still a Key Vault reference; the reference is not repeated.</summary>
    public static string KeyVaultMessage(string who, string setting) =>
        $"{who}的{setting}仍是 Key Vault 引用原文（@Microsoft.KeyVault(...)），说明引用没有解析成功，未发送任何消息。"
        + "请在 Azure 门户函数应用的该应用设置处查看引用状态（如 SecretNotFound、AccessToKeyVaultDenied），"
        + "确认机密名称正确、函数应用的托管标识在该 Key Vault 有「Key Vault 机密用户」角色，修复后重启函数应用。";

    /// <summary>Replaces every secret (webhook, key, token, signing secret, signature) in <paramref name="text"/>.</summary>
    public static string Hide(string text, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).OrderByDescending(s => s!.Length))
        {
            text = text.Replace(secret!, Hidden, StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret!);
            if (escaped != secret)
            {
                text = text.Replace(escaped, Hidden, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>POSTs <paramref name="json"/> to <paramref name="url"/> and reads the <c>{errcode, errmsg}</c> answer.</summary>
    /// <param name="url">The webhook with its credentials (never logged or returned).</param>
    /// <param name="json">The UTF-8 body.</param>
    /// <param name="secrets">What to hide in any text returned.</param>
    /// <param name="cancellationToken">The caller's cancellation (rethrown, never turned into an outcome).</param>
    public async Task<RobotReply> Post(Uri url, byte[] json, IReadOnlyList<string?> secrets, CancellationToken cancellationToken)
    {
        byte[] body;
        int status;
        try
        {
            (status, body) = await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url);
                    request.Content = new ByteArrayContent(json);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    var bytes = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                    return ((int)response.StatusCode, bytes);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return new RobotReply.Failed(
                GatewayOutcome.RetryLater,
                "Timeout",
                $"等待答复超过 {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} 秒：消息可能已发出，也可能没有（机器人接口没有去重编号，重试可能在群里重复出现）。");
        }
        catch (HttpRequestException e) when (NeverConnected(e))
        {
            return new RobotReply.Failed(
                GatewayOutcome.RetryLater,
                "ConnectionFailed",
                $"无法连接 {url.Host}（{e.HttpRequestError}）：消息未发出。请检查函数应用的出站网络和该机器人的 Base URL 设置。");
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new RobotReply.Failed(
                GatewayOutcome.RetryLater,
                "ConnectionLost",
                $"连接在答复前或答复途中断开（{e.HttpRequestError}）：消息可能已发出，也可能没有（机器人接口没有去重编号，重试可能在群里重复出现）。");
        }

        var text = System.Text.Encoding.UTF8.GetString(body);
        if (status != 200)
        {
            var transient = status is 408 or 429 or >= 500;
            return new RobotReply.Failed(
                transient ? GatewayOutcome.RetryLater : GatewayOutcome.Rejected,
                $"HTTP {status.ToString(CultureInfo.InvariantCulture)}",
                $"接口答复 HTTP {status.ToString(CultureInfo.InvariantCulture)}"
                    + (transient ? "（暂时性故障，稍后重试）" : "（请求被拒绝，请检查该机器人的 Base URL 设置）")
                    + $"：{Quote(text, secrets)}");
        }

        return Parse(text, secrets);
    }

    private static RobotReply Parse(string text, IReadOnlyList<string?> secrets)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("errcode", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt64(out var errcode))
            {
                var errmsg = root.TryGetProperty("errmsg", out var message) && message.ValueKind == JsonValueKind.String
                    ? message.GetString() ?? ""
                    : "";
                return new RobotReply.Answered(errcode, Hide(errmsg, secrets));
            }
        }
        catch (JsonException)
        {
            // Falls through to the malformed answer below.
        }

        return new RobotReply.Failed(
            GatewayOutcome.RetryLater,
            "MalformedAnswer",
            $"HTTP 200 的答复不是预期的 JSON {{\"errcode\":…,\"errmsg\":…}}，无法判断是否已发出（可能是网关或代理的页面），稍后重试：{Quote(text, secrets)}");
    }

    private static string Quote(string text, IReadOnlyList<string?> secrets)
    {
        text = Hide(text, secrets).ReplaceLineEndings(" ").Trim();
        if (text.Length == 0)
        {
            return "（空）";
        }

        return text.Length <= MaxQuoted ? text : text[..MaxQuoted] + "…";
    }

    /// <summary>The connection was never opened, so the request was not sent: safe to retry.</summary>
    private static bool NeverConnected(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.NameResolutionError
        || (exception.HttpRequestError is HttpRequestError.ConnectionError && exception.InnerException is SocketException);
}
