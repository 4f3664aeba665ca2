using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// Alibaba Cloud SMS (dysmsapi, API 2017-05-25) over HTTPS: <c>SendSms</c> (one text to up to
/// <see cref="MaxSendSmsNumbers"/> numbers), <c>SendBatchSms</c> (per-number signature and variables, up to
/// <see cref="MaxBatchNumbers"/>) and <c>QuerySendDetails</c> (to reconcile after a lost answer). RPC style: the
/// parameters travel in the query string of a POST with an empty body, as the official SDK sends them, signed with
/// <see cref="AliyunAcs3Signer">ACS3-HMAC-SHA256</see>, a new nonce and date on every attempt.
/// </summary>
/// <remarks>
/// <para>Idempotency: Alibaba states that SMS sending is not idempotent ("国内短信…目前均不支持幂等的能力") and that after
/// a timeout the receipt must be checked before any retry. <c>OutId</c> (the caller's dispatch id) is only echoed
/// back, not a de-duplication key. So a send is never retried here unless the gateway proved it did nothing (API rate
/// control <c>Throttling*</c>, a reused nonce); a hang-up, a timeout, an unreadable answer or a server fault give
/// <see cref="GatewayOutcome.RetryLater"/> with <see cref="NeedsReconciliation"/> true, and the caller must look the
/// number up with <see cref="FindByOutId"/> before sending again. Queries are read-only and are retried on any
/// transient failure.</para>
/// <para>The synchronous answer has one code and one <c>BizId</c> per request, never per number. When a request to
/// several numbers is refused for an invalid number, nothing was sent and the answer does not say which number, so
/// each number is sent alone to find it. Numbers that are not mainland mobiles are never sent.</para>
/// <para>No error text carries a phone number or the secret.</para>
/// </remarks>
public sealed class AliyunSmsClient
{
    /// <summary>The dysmsapi version.</summary>
    public const string ApiVersion = "2017-05-25";

    /// <summary>The most numbers <c>SendSms</c> takes (comma-separated); longer lists go in several requests.</summary>
    public const int MaxSendSmsNumbers = 1000;

    /// <summary>The most messages <c>SendBatchSms</c> takes; longer lists go in several requests.</summary>
    public const int MaxBatchNumbers = 100;

    /// <summary>The longest <c>OutId</c> ("less than 256 characters").</summary>
    public const int MaxOutIdLength = 255;

    /// <summary>The largest <c>PageSize</c> of <c>QuerySendDetails</c>.</summary>
    public const int MaxPageSize = 50;

    private const string FormContentType = "application/x-www-form-urlencoded";

    private const string Reconcile = "短信可能已被接受：重发前请按 OutId 用 QuerySendDetails 核对该号码当天的发送记录";

    /// <summary>Codes that say the fault is Alibaba's and the message may or may not have been taken.</summary>
    private static readonly HashSet<string> Uncertain = new(StringComparer.Ordinal) { "isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError" };

    private static readonly Offset ChinaOffset = Offset.FromHours(8);

    private readonly HttpClient _http;
    private readonly AliyunCredentials _credentials;
    private readonly IClock _clock;
    private readonly Func<string> _nonce;
    private readonly AliyunSmsOptions _options;
    private readonly ResiliencePipeline<Answer> _send;
    private readonly ResiliencePipeline<Answer> _query;

    /// <summary>A client over <paramref name="http"/> (owned by the caller; its own retries, if any, must be off).</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="credentials">The AccessKey pair (a RAM user with only <c>dysms</c> rights).</param>
    /// <param name="clock">The clock that dates each request (<c>x-acs-date</c>; Alibaba allows 15 minutes of skew).</param>
    /// <param name="nonce">A new unique nonce per call (<c>x-acs-signature-nonce</c>); null for random GUIDs.</param>
    /// <param name="options">Endpoint, timeouts, retries, the variable length limit; null for the defaults.</param>
    public AliyunSmsClient(HttpClient http, AliyunCredentials credentials, IClock clock, Func<string>? nonce = null, AliyunSmsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _credentials = credentials;
        _clock = clock;
        _nonce = nonce ?? (() => Guid.NewGuid().ToString("N"));
        _options = options ?? new AliyunSmsOptions();
        _send = Pipeline(_options, retryAnyTransient: false);
        _query = Pipeline(_options, retryAnyTransient: true);
    }

    /// <summary>For logs: the endpoint and the masked AccessKey id.</summary>
    public string Describe => $"阿里云短信 {_options.Endpoint.Authority}（{_credentials}）";

    /// <summary>
    /// Whether a <see cref="GatewayOutcome.RetryLater"/> result leaves the send uncertain (connection lost, timed out,
    /// unreadable answer, a fault on Alibaba's side): the caller must reconcile with <see cref="FindByOutId"/> before
    /// sending again. A throttled or over-quota result is certain: nothing was sent.
    /// </summary>
    public static bool NeedsReconciliation(GatewayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome == GatewayOutcome.RetryLater && (result.Code is null || Uncertain.Contains(result.Code));
    }

    /// <summary>The <c>SendDate</c> (Beijing time, UTC+8) a send at <paramref name="instant"/> is filed under.</summary>
    public static LocalDate SendDateOf(Instant instant) => instant.WithOffset(ChinaOffset).Date;

    /// <summary>
    /// <c>SendSms</c>: one template with the same variables to every number; one result per number, in input order
    /// (a number given twice is sent once and gets the same result twice).
    /// </summary>
    /// <param name="phoneNumbers">Mainland mobile numbers, E.164 (<c>+8613800000000</c>), <c>0086…</c>, <c>86…</c> or bare.</param>
    /// <param name="signName">The approved signature name (签名).</param>
    /// <param name="templateCode">The approved template code, e.g. <c>SMS_154950909</c>.</param>
    /// <param name="templateParam">The template's variables; each is fitted to <see cref="AliyunSmsOptions.MaxParameterLength"/>.</param>
    /// <param name="outId">The caller's id for this send (the dispatch id), echoed in receipts and QuerySendDetails.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<GatewayResult>> SendSms(
        IReadOnlyList<string> phoneNumbers,
        string signName,
        string templateCode,
        IReadOnlyDictionary<string, string> templateParam,
        string outId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phoneNumbers);
        ArgumentException.ThrowIfNullOrWhiteSpace(signName);
        ArgumentException.ThrowIfNullOrWhiteSpace(templateCode);
        ArgumentNullException.ThrowIfNull(templateParam);
        CheckOutId(outId);

        var fitted = AliyunTemplateParameters.Fit(templateParam, _options.MaxParameterLength).Values;
        var (verdicts, numbers) = Numbers(phoneNumbers);
        foreach (var chunk in numbers.Chunk(MaxSendSmsNumbers))
        {
            await SendSmsGroup(chunk, signName, templateCode, fitted, outId, verdicts, cancellationToken).ConfigureAwait(false);
        }

        return Results(phoneNumbers, verdicts);
    }

    /// <summary>
    /// <c>SendBatchSms</c>: one template, a signature and variables per number; one result per message, in input order.
    /// The answer has one code for the whole request, so every message of a request gets it.
    /// </summary>
    /// <param name="messages">The messages; a number given twice is sent once (the first message's content).</param>
    /// <param name="templateCode">The approved template code.</param>
    /// <param name="outId">The caller's id for this send, one per request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<GatewayResult>> SendBatchSms(
        IReadOnlyList<AliyunBatchMessage> messages, string templateCode, string outId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentException.ThrowIfNullOrWhiteSpace(templateCode);
        CheckOutId(outId);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message);
            ArgumentException.ThrowIfNullOrWhiteSpace(message.SignName);
            ArgumentNullException.ThrowIfNull(message.TemplateParam);
        }

        var (verdicts, numbers) = Numbers(messages.Select(m => m.PhoneNumber).ToList());
        var content = new Dictionary<string, (string Sign, IReadOnlyDictionary<string, string> Values)>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (Normalize(message.PhoneNumber) is { } number && !content.ContainsKey(number))
            {
                content[number] = (message.SignName, AliyunTemplateParameters.Fit(message.TemplateParam, _options.MaxParameterLength).Values);
            }
        }

        foreach (var chunk in numbers.Chunk(MaxBatchNumbers))
        {
            await SendBatchGroup(chunk, content, templateCode, outId, verdicts, cancellationToken).ConfigureAwait(false);
        }

        return Results(messages.Select(m => m.PhoneNumber).ToList(), verdicts);
    }

    /// <summary>
    /// <c>QuerySendDetails</c>: the messages sent to one number on one day (Beijing time, within the last 30 days), one
    /// page at a time; optionally only those of one <c>BizId</c>. The API takes exactly one number, a date and the
    /// optional BizId; it cannot filter by OutId (see <see cref="FindByOutId"/>).
    /// </summary>
    public async Task<AliyunQueryResult> QuerySendDetails(
        string phoneNumber, LocalDate sendDate, string? bizId = null, int pageSize = MaxPageSize, int currentPage = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumber);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(currentPage, 1);
        if (Normalize(phoneNumber) is not { } number)
        {
            return new AliyunQueryResult.Failed(GatewayOutcome.InvalidAddress, null, "不是中国大陆手机号（11 位数字，以 1 开头），无法查询。");
        }

        List<KeyValuePair<string, string>> parameters =
        [
            new("PhoneNumber", number),
            new("SendDate", sendDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
            new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)),
            new("CurrentPage", currentPage.ToString(CultureInfo.InvariantCulture)),
        ];
        if (!string.IsNullOrEmpty(bizId))
        {
            parameters.Add(new("BizId", bizId));
        }

        var answer = await Call(_query, "QuerySendDetails", parameters, cancellationToken).ConfigureAwait(false);
        string[] hidden = [phoneNumber, number];
        return answer switch
        {
            Answer.Answered { Code: AliyunSmsCodes.Ok } ok => Details(ok.Root),
            Answer.Answered failed => new AliyunQueryResult.Failed(
                AliyunSmsCodes.Outcome(failed.Code) is var outcome && outcome == GatewayOutcome.Sent ? GatewayOutcome.Rejected : outcome,
                failed.Code,
                Text(failed, hidden)),
            Answer.Unreadable unreadable => new AliyunQueryResult.Failed(GatewayOutcome.RetryLater, null, $"阿里云短信查询的应答无法读取（{unreadable.Why}），请稍后再查。"),
            Answer.Lost lost => new AliyunQueryResult.Failed(GatewayOutcome.RetryLater, null, $"阿里云短信查询未得到应答（{lost.Why}），请稍后再查。"),
            _ => throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name}."),
        };
    }

    /// <summary>
    /// Reconciles a send whose answer was lost: reads every page of <c>QuerySendDetails</c> for the number and day and
    /// looks for the record with <paramref name="outId"/>. Not found is not proof that nothing was sent (records can
    /// appear late): the caller should ask again for a bounded time before sending again.
    /// </summary>
    public async Task<AliyunReconciliation> FindByOutId(string phoneNumber, LocalDate sendDate, string outId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outId);
        var read = 0;
        for (var page = 1; ; page++)
        {
            var result = await QuerySendDetails(phoneNumber, sendDate, null, MaxPageSize, page, cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case AliyunQueryResult.Failed failed:
                    return new AliyunReconciliation.Failed(failed.Outcome, failed.Code, failed.Message);
                case AliyunQueryResult.Answered answered:
                    if (answered.Details.FirstOrDefault(d => string.Equals(d.OutId, outId, StringComparison.Ordinal)) is { } found)
                    {
                        return new AliyunReconciliation.Found(found);
                    }

                    read += answered.Details.Count;
                    if (answered.Details.Count < MaxPageSize || read >= answered.TotalCount)
                    {
                        return new AliyunReconciliation.NotFound(read);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// A mainland mobile number as dysmsapi takes it (11 digits starting with 1), from E.164 <c>+86…</c>, <c>0086…</c>,
    /// <c>86…</c> or bare, spaces and hyphens ignored; null for anything else.
    /// </summary>
    public static string? Normalize(string? phoneNumber)
    {
        if (string.IsNullOrWhiteSpace(phoneNumber))
        {
            return null;
        }

        var digits = phoneNumber.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (var prefix in (string[])["+86", "0086", "86"])
        {
            if (digits.Length == prefix.Length + 11 && digits.StartsWith(prefix, StringComparison.Ordinal))
            {
                digits = digits[prefix.Length..];
                break;
            }
        }

        return digits.Length == 11 && digits[0] == '1' && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private async Task SendSmsGroup(
        string[] numbers,
        string signName,
        string templateCode,
        IReadOnlyDictionary<string, string> templateParam,
        string outId,
        Dictionary<string, Verdict> verdicts,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("PhoneNumbers", string.Join(',', numbers)),
            new("SignName", signName),
            new("TemplateCode", templateCode),
            new("OutId", outId),
        ];
        if (templateParam.Count > 0)
        {
            parameters.Add(new("TemplateParam", AliyunTemplateParameters.ToJson(templateParam)));
        }

        var verdict = Verdict.Of(await Call(_send, "SendSms", parameters, cancellationToken).ConfigureAwait(false), numbers, _credentials);
        if (verdict.Code == AliyunSmsCodes.MobileNumberIllegal && numbers.Length > 1)
        {
            // Refused as a whole (nothing sent) without saying which number: send each alone to find it.
            foreach (var number in numbers)
            {
                await SendSmsGroup([number], signName, templateCode, templateParam, outId, verdicts, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (var number in numbers)
        {
            verdicts[number] = verdict;
        }
    }

    private async Task SendBatchGroup(
        string[] numbers,
        Dictionary<string, (string Sign, IReadOnlyDictionary<string, string> Values)> content,
        string templateCode,
        string outId,
        Dictionary<string, Verdict> verdicts,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("PhoneNumberJson", AliyunTemplateParameters.ToJson(numbers)),
            new("SignNameJson", AliyunTemplateParameters.ToJson(numbers.Select(n => content[n].Sign))),
            new("TemplateCode", templateCode),
            new("OutId", outId),
        ];
        if (numbers.Any(n => content[n].Values.Count > 0))
        {
            parameters.Add(new("TemplateParamJson", AliyunTemplateParameters.ToJson(numbers.Select(n => content[n].Values))));
        }

        var verdict = Verdict.Of(await Call(_send, "SendBatchSms", parameters, cancellationToken).ConfigureAwait(false), numbers, _credentials);
        if (verdict.Code == AliyunSmsCodes.MobileNumberIllegal && numbers.Length > 1)
        {
            foreach (var number in numbers)
            {
                await SendBatchGroup([number], content, templateCode, outId, verdicts, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (var number in numbers)
        {
            verdicts[number] = verdict;
        }
    }

    /// <summary>The verdicts so far (none yet for the sendable numbers) and the distinct sendable numbers, in input order.</summary>
    private static (Dictionary<string, Verdict> Verdicts, List<string> Numbers) Numbers(IReadOnlyList<string> phoneNumbers)
    {
        var verdicts = new Dictionary<string, Verdict>(StringComparer.Ordinal);
        var numbers = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phoneNumber in phoneNumbers)
        {
            if (Normalize(phoneNumber) is { } number)
            {
                if (seen.Add(number))
                {
                    numbers.Add(number);
                }
            }
        }

        return (verdicts, numbers);
    }

    private static List<GatewayResult> Results(IReadOnlyList<string> phoneNumbers, Dictionary<string, Verdict> verdicts) =>
        phoneNumbers
            .Select(address => Normalize(address) is { } number && verdicts.TryGetValue(number, out var verdict)
                ? new GatewayResult(address, verdict.Outcome, verdict.ProviderId, verdict.Code, verdict.Message)
                : new GatewayResult(
                    address,
                    GatewayOutcome.InvalidAddress,
                    null,
                    null,
                    "不是中国大陆手机号（11 位数字，以 1 开头），未发送：请在人员资料中改正手机号。"))
            .ToList();

    private static void CheckOutId(string outId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outId);
        if (outId.Length > MaxOutIdLength)
        {
            throw new ArgumentException($"OutId has {outId.Length} characters; dysmsapi takes at most {MaxOutIdLength}.", nameof(outId));
        }
    }

    private static string Text(Answer.Answered answer, IEnumerable<string> hidden) =>
        AcsAnswers.Hide($"HTTP {answer.Status.ToString(CultureInfo.InvariantCulture)} {answer.Code}: {answer.Message ?? "(no message)"}", hidden);

    private static AliyunQueryResult.Answered Details(JsonElement root)
    {
        var details = new List<AliyunSendDetail>();
        if (root.TryGetProperty("SmsSendDetailDTOs", out var dtos) && dtos.ValueKind == JsonValueKind.Object
            && dtos.TryGetProperty("SmsSendDetailDTO", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
            {
                details.Add(new AliyunSendDetail(
                    String(item, "PhoneNum") ?? "",
                    (AliyunSendStatus)(Number(item, "SendStatus") ?? 0),
                    String(item, "ErrCode"),
                    String(item, "TemplateCode"),
                    String(item, "Content"),
                    String(item, "SendDate"),
                    String(item, "ReceiveDate"),
                    String(item, "OutId")));
            }
        }

        return new AliyunQueryResult.Answered((int)(Number(root, "TotalCount") ?? details.Count), details);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A number sent as a JSON number or as a string (the SDK models <c>TotalCount</c> as a string).</summary>
    private static long? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    private static ResiliencePipeline<Answer> Pipeline(AliyunSmsOptions options, bool retryAnyTransient)
    {
        var builder = new ResiliencePipelineBuilder<Answer>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<Answer>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: Answer.Answered answered } when AliyunSmsCodes.IsRefusedBeforeProcessing(answered.Code) => true,
                    // Only a read may be repeated after an uncertain failure; a send would text twice.
                    { Result: Answer.Answered answered } when retryAnyTransient => answered.Status >= 500 || Uncertain.Contains(answered.Code),
                    { Result: Answer.Lost or Answer.Unreadable } => retryAnyTransient,
                    { Exception: TimeoutRejectedException } => retryAnyTransient,
                    _ => false,
                }),
            });
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    private async Task<Answer> Call(
        ResiliencePipeline<Answer> pipeline, string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                async (token) => await Attempt(action, parameters, token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            return new Answer.Lost($"{_options.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} 秒内无应答");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer.Lost("HTTP 客户端超时");
        }
    }

    private async Task<Answer> Attempt(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        using var request = Signed(action, parameters);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return Answer.Read((int)response.StatusCode, body);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer.Lost($"连接中断：{e.HttpRequestError}");
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer.Lost($"连接中断：{e.GetType().Name}");
        }
    }

    /// <summary>
    /// The request for one attempt, with a new nonce and date, signed. The parameters go in the query string, as the
    /// official SDK sends them; when that would be longer than <see cref="AliyunSmsOptions.MaxQueryLength"/> (a large
    /// SendBatchSms) they go in a form body instead, which V3 signs through <c>content-type</c> and the payload hash.
    /// </summary>
    internal HttpRequestMessage Signed(string action, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var encoded = AliyunAcs3Signer.CanonicalQuery(parameters);
        var inBody = encoded.Length > _options.MaxQueryLength;
        var query = inBody ? "" : encoded;
        var body = inBody ? Encoding.UTF8.GetBytes(encoded) : [];
        var payloadHash = inBody ? AliyunAcs3Signer.Sha256Hex(body) : AliyunAcs3Signer.EmptyPayloadHash;
        var uri = new UriBuilder(_options.Endpoint) { Path = "/", Query = query }.Uri;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", uri.Authority),
            new("x-acs-action", action),
            new("x-acs-version", ApiVersion),
            new("x-acs-date", InstantPattern.General.Format(_clock.GetCurrentInstant())),
            new("x-acs-signature-nonce", _nonce()),
            new("x-acs-content-sha256", payloadHash),
        };
        if (!string.IsNullOrEmpty(_credentials.SecurityToken))
        {
            headers.Add(new("x-acs-security-token", _credentials.SecurityToken));
        }

        if (inBody)
        {
            headers.Add(new("content-type", FormContentType));
        }

        var (canonical, signedHeaders) = AliyunAcs3Signer.CanonicalRequest("POST", "/", query, headers, payloadHash);
        var signature = AliyunAcs3Signer.Signature(_credentials.AccessKeySecret, canonical);

        var request = new HttpRequestMessage(HttpMethod.Post, uri);
        foreach (var (name, value) in headers.Where(h => h.Key is not ("host" or "content-type")))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", AliyunAcs3Signer.Authorization(_credentials.AccessKeyId, signedHeaders, signature));
        if (inBody)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", FormContentType);
        }

        return request;
    }

    /// <summary>What one attempt came to.</summary>
    private abstract record Answer
    {
        private Answer()
        {
        }

        public static Answer Read(int status, byte[] body)
        {
            if (body.Length == 0)
            {
                return new Unreadable(status, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}，应答为空");
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("Code", out var code) || code.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(code.GetString()))
                {
                    return new Unreadable(status, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}，JSON 中没有 Code");
                }

                return new Answered(status, code.GetString()!, String(root, "Message"), String(root, "RequestId"), String(root, "BizId"), root.Clone());
            }
            catch (JsonException)
            {
                return new Unreadable(status, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}，不是 JSON");
            }
        }

        /// <summary>An answer in the documented shape <c>{RequestId, BizId, Code, Message}</c>, whatever the HTTP status.</summary>
        public sealed record Answered(int Status, string Code, string? Message, string? RequestId, string? BizId, JsonElement Root) : Answer;

        /// <summary>An answer that is not that shape (not JSON, no Code): whether the message was taken is unknown.</summary>
        public sealed record Unreadable(int Status, string Why) : Answer;

        /// <summary>No answer: connection refused, reset or closed mid-answer, or timed out.</summary>
        public sealed record Lost(string Why) : Answer;
    }

    /// <summary>The result for the numbers of one request.</summary>
    private sealed record Verdict(GatewayOutcome Outcome, string? ProviderId, string? Code, string? Message)
    {
        public static Verdict Of(Answer answer, IReadOnlyList<string> numbers, AliyunCredentials credentials)
        {
            var hidden = numbers.Concat(numbers.Select(n => "+86" + n)).Append(credentials.AccessKeySecret);
            switch (answer)
            {
                case Answer.Answered { Code: AliyunSmsCodes.Ok } ok:
                    return new Verdict(GatewayOutcome.Sent, ok.BizId, ok.Code, ok.Message);
                case Answer.Answered failed:
                    var text = Text(failed, hidden);
                    if (Uncertain.Contains(failed.Code))
                    {
                        text += $"（{Reconcile}）";
                    }

                    return new Verdict(AliyunSmsCodes.Outcome(failed.Code), failed.BizId, failed.Code, text);
                case Answer.Unreadable unreadable:
                    return new Verdict(GatewayOutcome.RetryLater, null, null, $"阿里云短信的应答无法读取（{unreadable.Why}）：{Reconcile}。");
                case Answer.Lost lost:
                    return new Verdict(GatewayOutcome.RetryLater, null, null, $"阿里云短信未给出完整应答（{lost.Why}）：{Reconcile}。");
                default:
                    throw new InvalidOperationException($"Unexpected answer {answer.GetType().Name}.");
            }
        }
    }
}

/// <summary>An Alibaba Cloud AccessKey; <see cref="ToString"/> shows neither the secret nor the whole id.</summary>
/// <param name="AccessKeyId">The AccessKey id.</param>
/// <param name="AccessKeySecret">The AccessKey secret (from Key Vault or the local secrets file; never logged).</param>
/// <param name="SecurityToken">An STS token when the key is temporary; sent as <c>x-acs-security-token</c>.</param>
public sealed record AliyunCredentials(string AccessKeyId, string AccessKeySecret, string? SecurityToken = null)
{
    /// <summary>The id with its middle masked, e.g. <c>LTAI****wxyz</c>.</summary>
    public override string ToString() =>
        $"AccessKey {(AccessKeyId.Length <= 8 ? "****" : $"{AccessKeyId[..4]}****{AccessKeyId[^4..]}")}";
}

/// <summary>Where and how <see cref="AliyunSmsClient"/> calls.</summary>
public sealed class AliyunSmsOptions
{
    /// <summary>The mainland (global) endpoint every mainland region maps to.</summary>
    public static readonly Uri DefaultEndpoint = new("https://dysmsapi.aliyuncs.com/");

    /// <summary>The endpoint; tests point it at a loopback fake.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>How long one attempt may take (Alibaba advises at least 1 s).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Repeats of a request the gateway refused before acting on it (a send) or of any failed query; 0 for none.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first wait before a repeat; it doubles each time (with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest query string; longer parameter lists travel as a signed form body (servers often cap the request line at 8 KB).</summary>
    public int MaxQueryLength { get; init; } = 4096;

    /// <summary>The per-variable length limit values are fitted to (<see cref="AliyunTemplateParameters.DefaultMaxLength"/>).</summary>
    public int MaxParameterLength { get; init; } = AliyunTemplateParameters.DefaultMaxLength;
}

/// <summary>One message of a <c>SendBatchSms</c> request.</summary>
/// <param name="PhoneNumber">A mainland mobile number (see <see cref="AliyunSmsClient.Normalize"/>).</param>
/// <param name="SignName">The approved signature for this number.</param>
/// <param name="TemplateParam">This number's template variables.</param>
public sealed record AliyunBatchMessage(string PhoneNumber, string SignName, IReadOnlyDictionary<string, string> TemplateParam);

/// <summary>A message's state in <c>QuerySendDetails</c> (<c>SendStatus</c>).</summary>
public enum AliyunSendStatus
{
    /// <summary>A value the documentation does not list.</summary>
    Unknown = 0,

    /// <summary>1: sent, waiting for the carrier's receipt.</summary>
    Waiting = 1,

    /// <summary>2: the carrier reported a failure (see <see cref="AliyunSendDetail.ErrCode"/>).</summary>
    Failed = 2,

    /// <summary>3: delivered.</summary>
    Delivered = 3,
}

/// <summary>One record of <c>QuerySendDetails</c> (<c>SmsSendDetailDTO</c>).</summary>
/// <param name="PhoneNumber">PhoneNum, as Alibaba wrote it.</param>
/// <param name="Status">SendStatus.</param>
/// <param name="ErrCode">The carrier's code, e.g. <c>DELIVERED</c>.</param>
/// <param name="TemplateCode">The template.</param>
/// <param name="Content">The text as sent (it may be personal: do not log it).</param>
/// <param name="SendDate">When sent, e.g. <c>2019-01-08 16:44:10</c> (Beijing time).</param>
/// <param name="ReceiveDate">When received.</param>
/// <param name="OutId">The caller's OutId.</param>
public sealed record AliyunSendDetail(
    string PhoneNumber, AliyunSendStatus Status, string? ErrCode, string? TemplateCode, string? Content, string? SendDate, string? ReceiveDate, string? OutId);

/// <summary>The answer to a <c>QuerySendDetails</c> call.</summary>
public abstract record AliyunQueryResult
{
    private AliyunQueryResult()
    {
    }

    /// <summary>One page of records and the total for the number and day.</summary>
    public sealed record Answered(int TotalCount, IReadOnlyList<AliyunSendDetail> Details) : AliyunQueryResult;

    /// <summary>The query failed: <see cref="GatewayOutcome.RetryLater"/> (ask again) or <see cref="GatewayOutcome.Rejected"/> (configuration).</summary>
    public sealed record Failed(GatewayOutcome Outcome, string? Code, string Message) : AliyunQueryResult;
}

/// <summary>What <see cref="AliyunSmsClient.FindByOutId"/> found.</summary>
public abstract record AliyunReconciliation
{
    private AliyunReconciliation()
    {
    }

    /// <summary>The send went through: do not send again.</summary>
    public sealed record Found(AliyunSendDetail Detail) : AliyunReconciliation;

    /// <summary>No record with the OutId among <paramref name="Checked"/> records (yet).</summary>
    public sealed record NotFound(int Checked) : AliyunReconciliation;

    /// <summary>The query itself failed.</summary>
    public sealed record Failed(GatewayOutcome Outcome, string? Code, string Message) : AliyunReconciliation;
}
