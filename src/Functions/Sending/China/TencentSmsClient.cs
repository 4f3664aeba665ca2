using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using NodaTime;
using Polly;
using Polly.Retry;

namespace Escalation.Functions.Sending.China;

/// <summary>One SendSms request: one approved template with its parameters, to up to 200 numbers of one kind.</summary>
/// <param name="TemplateId">The approved template's id.</param>
/// <param name="TemplateParameters">The values of <c>{1}</c>, <c>{2}</c>… in order; as many as the template has.</param>
/// <param name="PhoneNumbers">E.164 numbers (<c>+8613800000000</c>), all mainland (+86) or all international, each once.</param>
/// <param name="SessionContext">Our dispatch id, echoed in the answer and in delivery receipts; under 512 bytes.</param>
public sealed record TencentSms(string TemplateId, IReadOnlyList<string> TemplateParameters, IReadOnlyList<string> PhoneNumbers, string SessionContext);

/// <summary>A delivery receipt from PullSmsSendStatusByPhoneNumber.</summary>
/// <param name="PhoneNumber">The number, E.164.</param>
/// <param name="SerialNo">The send's serial number, as SendSms gave it.</param>
/// <param name="SessionContext">The SessionContext of the send.</param>
/// <param name="Delivered">The carrier reported delivery (<c>ReportStatus</c> SUCCESS), or failure (FAIL).</param>
/// <param name="Description">The carrier's status, e.g. <c>DELIVRD</c>.</param>
/// <param name="ReceivedAt">When the phone received it (<c>UserReceiveTime</c>), if given.</param>
public sealed record TencentReceipt(string PhoneNumber, string? SerialNo, string? SessionContext, bool Delivered, string? Description, Instant? ReceivedAt);

/// <summary>What reconciling a send whose answer was lost found.</summary>
public enum TencentReconciliation
{
    /// <summary>A receipt with our SessionContext says delivered: it was sent, do not send it again.</summary>
    Delivered,

    /// <summary>A receipt with our SessionContext says the carrier failed it: it was sent (and billed) and did not arrive.</summary>
    DeliveryFailed,

    /// <summary>No receipt with our SessionContext (yet): not a proof that nothing was sent, since receipts come late.</summary>
    NoReceipt,

    /// <summary>The pull itself failed; see the error.</summary>
    QueryFailed,
}

/// <summary>The verdict of <see cref="TencentSmsClient.Reconcile"/>, with the receipt found or the reason the query failed.</summary>
public sealed record TencentReconcileResult(TencentReconciliation Verdict, TencentReceipt? Receipt, string? Error);

/// <summary>
/// Tencent Cloud SMS (API 2021-01-11) over HTTPS with TC3-HMAC-SHA256 signing: <c>SendSms</c> with per-number results,
/// and <c>PullSmsSendStatusByPhoneNumber</c> to reconcile a send whose answer was lost.
/// Contracts: https://cloud.tencent.com/document/api/382/55981 (SendSms), https://tencentcloud.com/document/api/382/40518
/// (PullSmsSendStatusByPhoneNumber), https://cloud.tencent.com/document/api/382/38780 (errors).
/// </summary>
/// <remarks>
/// <para>Idempotency: Tencent states none. SendSms has no idempotency key and nothing says a repeated SessionContext is
/// deduplicated; the docs only say it comes back unchanged. So a request is repeated by this client only when it cannot
/// have been sent: the connection was never made, or Tencent refused the call for its rate (<c>RequestLimitExceeded</c>)
/// before looking at it. A lost answer (hang-up, timeout), an unreadable one or <c>InternalError</c> gives
/// <see cref="GatewayOutcome.RetryLater"/> at once; <see cref="MayHaveBeenSent"/> tells those apart, and the caller must
/// <see cref="Reconcile"/> before sending them again.</para>
/// <para>No message text carries a phone number of the request or the key; results are matched back by number.</para>
/// </remarks>
public sealed partial class TencentSmsClient : IDisposable
{
    /// <summary>The API version used.</summary>
    public const string ApiVersion = "2021-01-11";

    /// <summary>The most numbers one SendSms takes.</summary>
    public const int MaxNumbers = 200;

    /// <summary>The largest SessionContext, in UTF-8 bytes ("less than 512 bytes").</summary>
    public const int MaxSessionContextBytes = 511;

    /// <summary>The most receipts one pull returns.</summary>
    public const int MaxPullRecords = 100;

    /// <summary>How far before the send a reconciling pull starts, for clock skew between us and Tencent.</summary>
    public static readonly Duration ReconcileSkew = Duration.FromMinutes(5);

    internal const string Service = "sms";
    internal const string ContentType = "application/json; charset=utf-8";
    private const string Source = "腾讯云短信";
    private const string HiddenNumber = "<号码>";

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly HttpClient _http;
    private readonly TencentCredentials _credentials;
    private readonly TencentSmsOptions _options;
    private readonly IClock _clock;
    private readonly ResiliencePipeline<Attempt> _send;
    private readonly ResiliencePipeline<Attempt> _read;

    private TencentSmsClient(HttpClient http, TencentCredentials credentials, TencentSmsOptions options, IClock clock)
    {
        _http = http;
        _credentials = credentials;
        _options = options;
        _clock = clock;
        _send = Pipeline(options, a => a is Attempt.NotSent || a is Attempt.Failed f && TencentSmsCodes.IsRateLimit(f.Code));

        // A read may be repeated after anything passing: repeating it sends nothing.
        _read = Pipeline(options, a => a is Attempt.NotSent or Attempt.Unknown
            || a is Attempt.Failed f && (TencentSmsCodes.IsRateLimit(f.Code) || TencentSmsCodes.MayHaveBeenSent(f.Code)));
    }

    /// <summary>Describes the client for logs: endpoint, region, app, masked key id.</summary>
    public string Describe => $"Tencent Cloud SMS {_options.Endpoint.Authority} ({_options.Region}, app {_options.SmsSdkAppId}, key {_credentials.MaskedSecretId})";

    /// <summary>A client; <paramref name="clock"/> gives every attempt its timestamp.</summary>
    public static TencentSmsClient Create(TencentCredentials credentials, TencentSmsOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.SecretId);
        ArgumentException.ThrowIfNullOrWhiteSpace(credentials.SecretKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SmsSdkAppId);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Region);
        if (options.Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"{Source}：接口地址 {options.Endpoint} 不是 HTTPS，腾讯云 API 只接受 HTTPS。请改为 https:// 开头的地址。", nameof(options));
        }

        // Timeouts are the pipeline's, per attempt.
        var http = options.Handler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new TencentSmsClient(http, credentials, options, clock);
    }

    /// <summary>
    /// Whether a result may hide a message that went out: retry-later with no code from Tencent (no answer, an unreadable
    /// one, none for this number) or an <c>InternalError</c>. Reconcile such a result before sending it again.
    /// </summary>
    public static bool MayHaveBeenSent(GatewayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome == GatewayOutcome.RetryLater && (result.Code is null || TencentSmsCodes.MayHaveBeenSent(result.Code));
    }

    /// <summary>Whether <paramref name="number"/> is E.164: a plus, a country code not starting with 0, 7 to 15 digits in all.</summary>
    public static bool IsE164(string number) => number is not null && E164().IsMatch(number);

    /// <summary>Whether <paramref name="number"/> (E.164) is a mainland China number.</summary>
    public static bool IsMainland(string number) => number.StartsWith("+86", StringComparison.Ordinal);

    /// <summary>
    /// Splits numbers into SendSms batches: each number once, mainland and international apart, at most
    /// <see cref="MaxNumbers"/> a batch, in the order given.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Batches(IEnumerable<string> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var distinct = numbers.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Where(IsMainland).Chunk(MaxNumbers)
            .Concat(distinct.Where(n => !IsMainland(n)).Chunk(MaxNumbers))
            .Select(chunk => (IReadOnlyList<string>)chunk)
            .ToList();
    }

    /// <summary>
    /// Sends one SendSms and returns one result per number, in the order of <see cref="TencentSms.PhoneNumbers"/>. A number
    /// that is not E.164 is an invalid address without being sent; a request refused as a whole is that outcome for every
    /// number, except that one refused for a bad number is sent again number by number (nothing of it went out), so that
    /// only that number fails.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxNumbers"/> numbers, a number twice, mainland mixed with
    /// international, or a SessionContext of 512 bytes or more: use <see cref="Batches"/>.</exception>
    public async Task<IReadOnlyList<GatewayResult>> SendSms(TencentSms sms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        Validate(sms);
        var results = new GatewayResult?[sms.PhoneNumbers.Count];
        var valid = new List<string>();
        for (var i = 0; i < sms.PhoneNumbers.Count; i++)
        {
            if (IsE164(sms.PhoneNumbers[i]))
            {
                valid.Add(sms.PhoneNumbers[i]);
            }
            else
            {
                results[i] = new GatewayResult(sms.PhoneNumbers[i], GatewayOutcome.InvalidAddress, null, null,
                    $"{Source}：号码不是 E.164 格式（如 +8613800000000），未发送。请改正通讯录里的手机号。");
            }
        }

        if (valid.Count > 0)
        {
            var sent = await Send(sms with { PhoneNumbers = valid }, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < sms.PhoneNumbers.Count; i++)
            {
                results[i] ??= sent[sms.PhoneNumbers[i]];
            }
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// The delivery receipts of <paramref name="phoneNumber"/> between <paramref name="begin"/> and <paramref name="end"/>
    /// (at most <see cref="MaxPullRecords"/>; the API pages no further, Offset is fixed at 0). Null receipts and an error
    /// when the pull failed.
    /// </summary>
    public async Task<(IReadOnlyList<TencentReceipt>? Receipts, string? Error)> PullSendStatus(
        string phoneNumber, Instant begin, Instant end, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumber);
        var body = Body(writer =>
        {
            writer.WriteNumber("BeginTime", begin.ToUnixTimeSeconds());
            writer.WriteNumber("EndTime", end.ToUnixTimeSeconds());
            writer.WriteNumber("Offset", 0);
            writer.WriteNumber("Limit", MaxPullRecords);
            writer.WriteString("PhoneNumber", phoneNumber);
            writer.WriteString("SmsSdkAppId", _options.SmsSdkAppId);
        });
        var hide = new[] { phoneNumber };
        var attempt = await Run(_read, "PullSmsSendStatusByPhoneNumber", body, cancellationToken).ConfigureAwait(false);
        switch (attempt)
        {
            case Attempt.Answered answered:
                using (answered.Document)
                {
                    if (!answered.Response.TryGetProperty("PullSmsSendStatusSet", out var set) || set.ValueKind != JsonValueKind.Array)
                    {
                        return (null, $"{Source} PullSmsSendStatusByPhoneNumber：应答里没有 PullSmsSendStatusSet（RequestId {answered.RequestId ?? "无"}）。");
                    }

                    return (set.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Receipt).ToList(), null);
                }

            case Attempt.Failed failed:
                return (null, $"{Source} PullSmsSendStatusByPhoneNumber 被拒：{failed.Code} {Hide(failed.Message, hide)}（RequestId {failed.RequestId ?? "无"}）。");
            default:
                return (null, $"{Source} PullSmsSendStatusByPhoneNumber：{Reason(attempt)}");
        }
    }

    /// <summary>
    /// Looks for the receipt of a send whose answer was lost: the receipts of <paramref name="phoneNumber"/> from
    /// <paramref name="sentAt"/> minus <see cref="ReconcileSkew"/> to now, the first whose SessionContext is
    /// <paramref name="sessionContext"/>.
    /// </summary>
    /// <remarks>
    /// What it can tell: a receipt proves that Tencent took the message and the carrier answered (delivered or failed);
    /// either way it was sent and must not be sent again blindly. What it cannot: no receipt is not a proof that nothing
    /// was sent. Receipts arrive after the carrier reports (seconds, sometimes much later), only the first 100 receipts
    /// of the window are returned, and the API's own window is limited (7 days in the 2019 version). So on
    /// <see cref="TencentReconciliation.NoReceipt"/> ask again for a bounded time, then resend and accept a small risk of
    /// a duplicate. Status callbacks (SerialNo as <c>sid</c>) are the more certain source.
    /// </remarks>
    public async Task<TencentReconcileResult> Reconcile(string phoneNumber, string sessionContext, Instant sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionContext);
        var (receipts, error) = await PullSendStatus(phoneNumber, sentAt - ReconcileSkew, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        if (receipts is null)
        {
            return new TencentReconcileResult(TencentReconciliation.QueryFailed, null, error);
        }

        var receipt = receipts.FirstOrDefault(r => string.Equals(r.SessionContext, sessionContext, StringComparison.Ordinal));
        return receipt switch
        {
            null => new TencentReconcileResult(TencentReconciliation.NoReceipt, null, null),
            { Delivered: true } => new TencentReconcileResult(TencentReconciliation.Delivered, receipt, null),
            _ => new TencentReconcileResult(TencentReconciliation.DeliveryFailed, receipt, null),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static void Validate(TencentSms sms)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sms.TemplateId);
        ArgumentNullException.ThrowIfNull(sms.TemplateParameters);
        ArgumentNullException.ThrowIfNull(sms.PhoneNumbers);
        ArgumentException.ThrowIfNullOrWhiteSpace(sms.SessionContext);
        if (sms.PhoneNumbers.Count is 0 or > MaxNumbers)
        {
            throw new ArgumentException($"SendSms takes 1 to {MaxNumbers} numbers, not {sms.PhoneNumbers.Count}: split them with Batches.", nameof(sms));
        }

        if (sms.PhoneNumbers.Distinct(StringComparer.Ordinal).Count() != sms.PhoneNumbers.Count)
        {
            throw new ArgumentException("SendSms takes each number once (results are matched back by number): split them with Batches.", nameof(sms));
        }

        var e164 = sms.PhoneNumbers.Where(IsE164).ToList();
        if (e164.Any(IsMainland) && !e164.All(IsMainland))
        {
            throw new ArgumentException("SendSms takes mainland and international numbers in separate requests: split them with Batches.", nameof(sms));
        }

        if (Encoding.UTF8.GetByteCount(sms.SessionContext) > MaxSessionContextBytes)
        {
            throw new ArgumentException($"The SessionContext must be under 512 bytes, not {Encoding.UTF8.GetByteCount(sms.SessionContext)}.", nameof(sms));
        }

        if (sms.TemplateParameters.Any(p => p is null))
        {
            throw new ArgumentException("A template parameter is null: every parameter is a string.", nameof(sms));
        }
    }

    private async Task<Dictionary<string, GatewayResult>> Send(TencentSms sms, CancellationToken cancellationToken)
    {
        var numbers = sms.PhoneNumbers;
        var body = Body(writer =>
        {
            writer.WriteStartArray("PhoneNumberSet");
            foreach (var number in numbers)
            {
                writer.WriteStringValue(number);
            }

            writer.WriteEndArray();
            writer.WriteString("SmsSdkAppId", _options.SmsSdkAppId);
            writer.WriteString("SignName", _options.SignName);
            writer.WriteString("TemplateId", sms.TemplateId);
            writer.WriteStartArray("TemplateParamSet");
            foreach (var parameter in sms.TemplateParameters)
            {
                writer.WriteStringValue(parameter);
            }

            writer.WriteEndArray();
            writer.WriteString("SessionContext", sms.SessionContext);
        });

        var attempt = await Run(_send, "SendSms", body, cancellationToken).ConfigureAwait(false);
        switch (attempt)
        {
            case Attempt.Answered answered:
                using (answered.Document)
                {
                    return PerNumber(answered, numbers);
                }

            case Attempt.Failed failed when TencentSmsCodes.IsAddressCode(failed.Code) && numbers.Count > 1:
                // The whole call failed, so nothing went out: find the bad number by sending each alone.
                var results = new Dictionary<string, GatewayResult>(StringComparer.Ordinal);
                foreach (var number in numbers)
                {
                    foreach (var (key, value) in await Send(sms with { PhoneNumbers = [number] }, cancellationToken).ConfigureAwait(false))
                    {
                        results[key] = value;
                    }
                }

                return results;

            case Attempt.Failed failed:
                var outcome = TencentSmsCodes.Outcome(failed.Code);
                var text = $"{Source} SendSms 整个请求被拒：{failed.Code} {Hide(failed.Message, numbers)}（RequestId {failed.RequestId ?? "无"}）。{Advice(failed.Code, outcome)}";
                return numbers.ToDictionary(n => n, n => new GatewayResult(n, outcome, null, failed.Code, text), StringComparer.Ordinal);
            default:
                var reason = $"{Source} SendSms：{Reason(attempt)}";
                return numbers.ToDictionary(n => n, n => new GatewayResult(n, GatewayOutcome.RetryLater, null, null, reason), StringComparer.Ordinal);
        }
    }

    private static Dictionary<string, GatewayResult> PerNumber(Attempt.Answered answered, IReadOnlyList<string> numbers)
    {
        var items = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (answered.Response.TryGetProperty("SendStatusSet", out var set) && set.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in set.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && String(item, "PhoneNumber") is { } number)
                {
                    items[number] = item;
                }
            }
        }

        var results = new Dictionary<string, GatewayResult>(StringComparer.Ordinal);
        foreach (var number in numbers)
        {
            if (!items.TryGetValue(number, out var item))
            {
                results[number] = new GatewayResult(number, GatewayOutcome.RetryLater, null, null,
                    $"{Source} SendSms：应答里没有这个号码的结果（RequestId {answered.RequestId ?? "无"}），不知是否已发出。重发前先用 PullSmsSendStatusByPhoneNumber 按 SessionContext 对账。");
                continue;
            }

            var code = String(item, "Code");
            var outcome = TencentSmsCodes.Outcome(code);
            var serial = outcome == GatewayOutcome.Sent ? String(item, "SerialNo") : null;
            var message = String(item, "Message") is { } m ? Hide(m, numbers) : null;
            results[number] = new GatewayResult(number, outcome, serial, code, outcome == GatewayOutcome.Sent ? message : $"{Source}：{code} {message}。{Advice(code, outcome)}");
        }

        return results;
    }

    private static TencentReceipt Receipt(JsonElement item) => new(
        String(item, "PhoneNumber") ?? "",
        String(item, "SerialNo"),
        String(item, "SessionContext"),
        string.Equals(String(item, "ReportStatus"), "SUCCESS", StringComparison.Ordinal),
        String(item, "Description"),
        item.TryGetProperty("UserReceiveTime", out var time) && time.TryGetInt64(out var seconds) ? Instant.FromUnixTimeSeconds(seconds) : null);

    private static string Advice(string? code, GatewayOutcome outcome) => outcome switch
    {
        GatewayOutcome.InvalidAddress => "请核对此人的手机号，或确认其未退订、未被运营商列入黑名单。",
        GatewayOutcome.RetryLater when TencentSmsCodes.MayHaveBeenSent(code) => "腾讯云内部错误，不知是否已发出：重发前先用 PullSmsSendStatusByPhoneNumber 按 SessionContext 对账。",
        GatewayOutcome.RetryLater => "频率或额度限制，稍后重发。",
        _ when code is not null && code.StartsWith("AuthFailure", StringComparison.Ordinal) => "请检查 SecretId/SecretKey 是否正确有效、服务器时钟是否准确（误差须在 5 分钟内）。",
        _ => "请在腾讯云短信控制台核对签名、模板、应用 SdkAppId 与套餐余额后再发。",
    };

    private static string Reason(Attempt attempt) => attempt switch
    {
        Attempt.NotSent notSent => $"连不上接口（{notSent.Reason}），未发出，稍后重发。",
        Attempt.Unknown unknown => $"{unknown.Reason}，不知是否已发出。重发前先用 PullSmsSendStatusByPhoneNumber 按 SessionContext 对账。",
        _ => attempt.ToString(),
    };

    /// <summary>Retries per <paramref name="repeat"/>, which never holds for an answered attempt (whose document it would leak).</summary>
    private static ResiliencePipeline<Attempt> Pipeline(TencentSmsOptions options, Func<Attempt, bool> repeat) =>
        new ResiliencePipelineBuilder<Attempt>()
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } result && repeat(result)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();

    private async Task<Attempt> Run(ResiliencePipeline<Attempt> pipeline, string action, byte[] body, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(
            async token => await Post(action, body, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    /// <summary>One attempt, signed with the clock's current time; never throws for what the network or Tencent does.</summary>
    private async Task<Attempt> Post(string action, byte[] body, CancellationToken cancellationToken)
    {
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeSeconds();
        var host = _options.Endpoint.Authority;
        var signature = Tc3Signer.Sign(
            _credentials.SecretKey,
            Service,
            timestamp,
            "POST",
            [new("content-type", ContentType), new("host", host), new("x-tc-action", action)],
            body);

        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("Authorization", Tc3Signer.Authorization(_credentials.SecretId, signature));
        request.Headers.Add("X-TC-Action", action);
        request.Headers.Add("X-TC-Version", ApiVersion);
        request.Headers.Add("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-TC-Region", _options.Region);
        request.Headers.Add("X-TC-Language", _options.Language);
        if (_credentials.Token is { Length: > 0 } token)
        {
            request.Headers.Add("X-TC-Token", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        int status;
        byte[] answer;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
        {
            return new Attempt.NotSent(e.HttpRequestError.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Attempt.Unknown("连接在应答读完之前断开");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Attempt.Unknown($"{_options.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} 秒内没有应答");
        }

        return Parse(status, answer);
    }

    private Attempt Parse(int status, byte[] answer)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer);
        }
        catch (JsonException)
        {
            return new Attempt.Unknown($"应答（HTTP {status.ToString(CultureInfo.InvariantCulture)}，{answer.Length.ToString(CultureInfo.InvariantCulture)} 字节）不是文档所述的 JSON");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("Response", out var response)
            || response.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return new Attempt.Unknown($"应答（HTTP {status.ToString(CultureInfo.InvariantCulture)}）是 JSON 但没有 Response 对象");
        }

        var requestId = String(response, "RequestId");
        if (response.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var failed = new Attempt.Failed(String(error, "Code") ?? "(无错误码)", Mask(String(error, "Message") ?? ""), requestId);
            document.Dispose();
            return failed;
        }

        if (status is < 200 or >= 300)
        {
            document.Dispose();
            return new Attempt.Unknown($"HTTP {status.ToString(CultureInfo.InvariantCulture)} 应答没有 Error");
        }

        return new Attempt.Answered(document, response, requestId);
    }

    private string Mask(string message) =>
        message.Replace(_credentials.SecretId, _credentials.MaskedSecretId, StringComparison.Ordinal)
            .Replace(_credentials.SecretKey, "****", StringComparison.Ordinal);

    private static string Hide(string message, IEnumerable<string> numbers)
    {
        foreach (var number in numbers)
        {
            message = message.Replace(number, HiddenNumber, StringComparison.Ordinal);
            if (number.StartsWith('+'))
            {
                message = message.Replace(number[1..], HiddenNumber, StringComparison.Ordinal);
            }

            if (IsMainland(number))
            {
                message = message.Replace(number[3..], HiddenNumber, StringComparison.Ordinal);
            }
        }

        return message;
    }

    private static byte[] Body(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();

    /// <summary>What one attempt came to.</summary>
    private abstract record Attempt
    {
        /// <summary>A 2xx <c>{"Response":{…}}</c> without Error; owns the document.</summary>
        public sealed record Answered(JsonDocument Document, JsonElement Response, string? RequestId) : Attempt;

        /// <summary><c>Response.Error</c>: the whole call failed, nothing was sent.</summary>
        public sealed record Failed(string Code, string Message, string? RequestId) : Attempt;

        /// <summary>The connection was never made: nothing was sent.</summary>
        public sealed record NotSent(string Reason) : Attempt;

        /// <summary>Sent, but no readable answer: it may or may not have gone out.</summary>
        public sealed record Unknown(string Reason) : Attempt;
    }
}
