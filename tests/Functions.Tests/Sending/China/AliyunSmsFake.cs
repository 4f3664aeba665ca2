using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Escalation.Functions.Tests.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>One call the fake took, its parameters decoded from the query as sent.</summary>
public sealed record AliyunCall(string Action, IReadOnlyDictionary<string, string> Parameters, string RawTarget, IReadOnlyDictionary<string, string> Headers)
{
    public string this[string name] => Parameters[name];
}

/// <summary>A scripted answer; <c>HangUp</c> sends the status and half the body, then closes the connection.</summary>
public sealed record AliyunReply(int Status, string? Body, bool HangUp = false, TimeSpan? Delay = null)
{
    public static AliyunReply Code(string code, string message, int status = 200) =>
        new(status, JsonSerializer.Serialize(new { RequestId = "FAKE-REQ", Code = code, Message = message }));
}

/// <summary>A message the fake accepted, for QuerySendDetails and for the tests to look at.</summary>
public sealed record AliyunAccepted(string PhoneNumber, string SignName, string TemplateCode, string? TemplateParam, string? OutId, string BizId, Instant At);

/// <summary>
/// A loopback HTTPS dysmsapi (2017-05-25) that checks each request the way the gateway does: it recomputes the
/// ACS3-HMAC-SHA256 signature from the raw query, the signed headers and the body with its own encoder, refuses a
/// reused nonce, a date more than 15 minutes off and a payload hash that does not match, then answers SendSms,
/// SendBatchSms and QuerySendDetails in the documented JSON shape (<c>{RequestId, BizId, Code, Message}</c>; business
/// errors with HTTP 200, gateway errors with 4xx).
/// </summary>
public sealed partial class AliyunSmsFake : IAsyncDisposable
{
    public const string AccessKeyId = "LTAI5tFakeKeyId00001";
    public const string AccessKeySecret = "FakeSecret0123456789abcdefghij";

    private static readonly Offset China = Offset.FromHours(8);

    private readonly WebApplication _app;
    private readonly IClock _clock;
    private readonly object _gate = new();
    private readonly List<AliyunCall> _calls = [];
    private readonly List<AliyunAccepted> _accepted = [];
    private readonly HashSet<string> _nonces = new(StringComparer.Ordinal);
    private int _bizIds;

    private AliyunSmsFake(WebApplication app, IClock clock, Uri baseUri)
    {
        _app = app;
        _clock = clock;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Approved signatures; any other gives isv.SMS_SIGNATURE_ILLEGAL.</summary>
    public HashSet<string> Signatures { get; } = new(StringComparer.Ordinal) { "市督查办" };

    /// <summary>Approved templates; any other gives isv.SMS_TEMPLATE_ILLEGAL.</summary>
    public HashSet<string> Templates { get; } = new(StringComparer.Ordinal) { "SMS_100001" };

    /// <summary>Numbers the carrier does not know: a request holding one is refused as a whole with isv.MOBILE_NUMBER_ILLEGAL.</summary>
    public HashSet<string> IllegalNumbers { get; } = new(StringComparer.Ordinal);

    /// <summary>Numbers whose receipt is a failure (SendStatus 2); the others are delivered (3).</summary>
    public HashSet<string> UndeliveredNumbers { get; } = new(StringComparer.Ordinal);

    /// <summary>The per-variable length limit (isv.PARAM_LENGTH_LIMIT beyond it).</summary>
    public int ParameterLimit { get; set; } = 20;

    /// <summary>Asked first, after the signature checks; a reply ends the call there.</summary>
    public Func<AliyunCall, AliyunReply?>? Before { get; set; }

    /// <summary>Turns the fake's own reply (the send already done) into another, e.g. a hang-up or garbage.</summary>
    public Func<AliyunCall, AliyunReply, AliyunReply>? After { get; set; }

    public IReadOnlyList<AliyunCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<AliyunAccepted> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>The gateway's refusals of a request's signature or form, code by code, in order.</summary>
    public List<string> Refusals { get; } = [];

    public static async Task<AliyunSmsFake> Start(IClock clock)
    {
        AliyunSmsFake? fake = null;
        var (app, address) = await LoopbackServer.Serve(context => fake!.Handle(context));
        fake = new AliyunSmsFake(app, clock, address);
        return fake;
    }

    /// <summary>An HTTP client that trusts this fake's certificate (the loopback servers') and no other.</summary>
#pragma warning disable CA2000 // The client owns the handler.
    public static HttpClient Client() => new(LoopbackServer.TrustingHandler());
#pragma warning restore CA2000

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;

        AliyunReply reply;
        lock (_gate)
        {
            reply = Answer(context.Request.Method, rawTarget, headers, body);
        }

        if (reply.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Body is null)
        {
            return;
        }

        context.Response.ContentType = "application/json;charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(reply.Body);
        if (reply.HangUp)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    private AliyunReply Answer(string method, string rawTarget, Dictionary<string, string> headers, byte[] body)
    {
        var refusal = CheckSignature(method, rawTarget, headers, body);
        if (refusal is not null)
        {
            Refusals.Add(refusal.Value.Code);
            return AliyunReply.Code(refusal.Value.Code, refusal.Value.Message, refusal.Value.Status);
        }

        var parameters = Query(rawTarget);
        if (headers.GetValueOrDefault("content-type") == "application/x-www-form-urlencoded")
        {
            foreach (var (name, value) in Query("/?" + Encoding.UTF8.GetString(body)))
            {
                parameters[name] = value;
            }
        }

        var call = new AliyunCall(headers["x-acs-action"], parameters, rawTarget, headers);
        _calls.Add(call);
        if (Before?.Invoke(call) is { } scripted)
        {
            return scripted;
        }

        var reply = call.Action switch
        {
            "SendSms" => SendSms(call),
            "SendBatchSms" => SendBatchSms(call),
            "QuerySendDetails" => QuerySendDetails(call),
            _ => AliyunReply.Code("InvalidAction.NotFound", $"Specified api is not found, please check your url and method. ({call.Action})", 404),
        };
        return After is null ? reply : After(call, reply);
    }

    /// <summary>The gateway's checks, recomputed independently of the client's signer (Uri.EscapeDataString is RFC 3986).</summary>
    private (int Status, string Code, string Message)? CheckSignature(string method, string rawTarget, Dictionary<string, string> headers, byte[] body)
    {
        if (!headers.TryGetValue("authorization", out var authorization)
            || AuthorizationPattern().Match(authorization) is not { Success: true } parts)
        {
            return (400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.");
        }

        if (parts.Groups["id"].Value != AccessKeyId)
        {
            return (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }

        foreach (var required in (string[])["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"])
        {
            if (!headers.ContainsKey(required))
            {
                return (400, "MissingParameter", $"The header {required} is missing.");
            }
        }

        if (headers["x-acs-version"] != "2017-05-25")
        {
            return (400, "InvalidVersion", "Specified parameter Version is not valid.");
        }

        var signedNames = parts.Groups["headers"].Value.Split(';');
        var mustSign = headers.Keys.Where(k => k.StartsWith("x-acs-", StringComparison.Ordinal) || k is "host" or "content-type");
        if (mustSign.Any(k => !signedNames.Contains(k)) || !signedNames.SequenceEqual(signedNames.Order(StringComparer.Ordinal)))
        {
            return (400, "IncompleteSignature", "Every x-acs-* header, host and content-type must be signed, in order.");
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        if (headers["x-acs-content-sha256"] != payloadHash)
        {
            return (400, "ContentSHA256NotMatched", "The x-acs-content-sha256 header does not match the body.");
        }

        var pathAndQuery = rawTarget.Split('?', 2);
        var query = pathAndQuery.Length == 2 ? pathAndQuery[1] : "";
        var canonicalQuery = string.Join('&', Query(rawTarget)
            .Select(p => (Name: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var canonicalHeaders = string.Concat(signedNames.Select(n => $"{n}:{headers.GetValueOrDefault(n, "").Trim()}\n"));
        var canonical = $"{method}\n{pathAndQuery[0]}\n{canonicalQuery}\n{canonicalHeaders}\n{string.Join(';', signedNames)}\n{payloadHash}";
        var stringToSign = "ACS3-HMAC-SHA256\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AccessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));
        if (parts.Groups["signature"].Value != expected)
        {
            return (400, "SignatureDoesNotMatch", $"Specified signature does not match our calculation. server string to sign is:{stringToSign}");
        }

        if (query.Length > 0 && query != canonicalQuery)
        {
            // Not refused by Alibaba, but our client sends the canonical query as is: anything else is a bug worth seeing.
            return (400, "InvalidParameter", "The query is not in canonical form.");
        }

        var date = InstantPattern.General.Parse(headers["x-acs-date"]);
        if (!date.Success || Abs(date.Value - _clock.GetCurrentInstant()) > Duration.FromMinutes(15))
        {
            return (400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
        }

        if (!_nonces.Add(headers["x-acs-signature-nonce"]))
        {
            return (400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }

        return null;
    }

    private AliyunReply SendSms(AliyunCall call)
    {
        if (Missing(call, "PhoneNumbers", "SignName", "TemplateCode") is { } missing)
        {
            return missing;
        }

        var numbers = call["PhoneNumbers"].Split(',');
        if (numbers.Length > 1000)
        {
            return AliyunReply.Code("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制");
        }

        var content = Content(call, call.Parameters.GetValueOrDefault("TemplateParam"));
        if (content is not null)
        {
            return content;
        }

        if (Check(numbers, numbers.Select(_ => call["SignName"]), call["TemplateCode"]) is { } refused)
        {
            return refused;
        }

        return Accept(numbers.Select(n => (n, call["SignName"], call.Parameters.GetValueOrDefault("TemplateParam"))).ToList(), call);
    }

    private AliyunReply SendBatchSms(AliyunCall call)
    {
        if (Missing(call, "PhoneNumberJson", "SignNameJson", "TemplateCode") is { } missing)
        {
            return missing;
        }

        string[] numbers;
        string[] signs;
        try
        {
            numbers = JsonSerializer.Deserialize<string[]>(call["PhoneNumberJson"])!;
            signs = JsonSerializer.Deserialize<string[]>(call["SignNameJson"])!;
        }
        catch (JsonException)
        {
            return AliyunReply.Code("isv.INVALID_JSON_PARAM", "JSON参数不合法");
        }

        if (numbers.Length > 100)
        {
            return AliyunReply.Code("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制");
        }

        var parameters = new string?[numbers.Length];
        if (call.Parameters.TryGetValue("TemplateParamJson", out var json))
        {
            using var document = TryParse(json);
            if (document?.RootElement.ValueKind != JsonValueKind.Array)
            {
                return AliyunReply.Code("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
            }

            var items = document.RootElement.EnumerateArray().Select(e => e.GetRawText()).ToList();
            if (items.Count != numbers.Length)
            {
                return AliyunReply.Code("isv.INVALID_PARAMETERS", "参数异常：TemplateParamJson 与号码个数不一致");
            }

            for (var i = 0; i < items.Count; i++)
            {
                if (Content(call, items[i]) is { } refused)
                {
                    return refused;
                }

                parameters[i] = items[i];
            }
        }

        if (signs.Length != numbers.Length)
        {
            return AliyunReply.Code("isv.INVALID_PARAMETERS", "参数异常：SignNameJson 与号码个数不一致");
        }

        if (Check(numbers, signs, call["TemplateCode"]) is { } bad)
        {
            return bad;
        }

        return Accept(numbers.Select((n, i) => (n, signs[i], parameters[i])).ToList(), call);
    }

    private AliyunReply QuerySendDetails(AliyunCall call)
    {
        if (Missing(call, "PhoneNumber", "SendDate", "PageSize", "CurrentPage") is { } missing)
        {
            return missing;
        }

        var pageSize = int.Parse(call["PageSize"], CultureInfo.InvariantCulture);
        var page = int.Parse(call["CurrentPage"], CultureInfo.InvariantCulture);
        if (pageSize is < 1 or > 50 || page < 1)
        {
            return AliyunReply.Code("isv.INVALID_PARAMETERS", "参数异常：PageSize 1–50，CurrentPage ≥ 1");
        }

        var matching = _accepted
            .Where(a => a.PhoneNumber == call["PhoneNumber"]
                && a.At.WithOffset(China).Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) == call["SendDate"]
                && (!call.Parameters.TryGetValue("BizId", out var biz) || a.BizId == biz))
            .ToList();
        var records = matching.Skip((page - 1) * pageSize).Take(pageSize).Select(a => new
        {
            PhoneNum = a.PhoneNumber,
            SendStatus = UndeliveredNumbers.Contains(a.PhoneNumber) ? 2 : 3,
            ErrCode = UndeliveredNumbers.Contains(a.PhoneNumber) ? "MK:0001" : "DELIVERED",
            a.TemplateCode,
            Content = $"【{a.SignName}】{a.TemplateParam}",
            SendDate = a.At.WithOffset(China).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ReceiveDate = a.At.Plus(Duration.FromSeconds(3)).WithOffset(China).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            a.OutId,
        });
        return new AliyunReply(200, JsonSerializer.Serialize(new
        {
            Code = "OK",
            Message = "OK",
            RequestId = "FAKE-REQ",
            TotalCount = matching.Count,
            SmsSendDetailDTOs = new { SmsSendDetailDTO = records },
        }));
    }

    private AliyunReply? Check(IEnumerable<string> numbers, IEnumerable<string> signs, string template)
    {
        if (numbers.Any(n => !MobilePattern().IsMatch(n) || IllegalNumbers.Contains(n)))
        {
            return AliyunReply.Code("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
        }

        if (signs.Any(s => !Signatures.Contains(s)))
        {
            return AliyunReply.Code("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
        }

        return Templates.Contains(template) ? null : AliyunReply.Code("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
    }

    /// <summary>TemplateParam: a JSON object of string values, each within the limit; null when fine.</summary>
    private AliyunReply? Content(AliyunCall call, string? json)
    {
        if (call.Parameters.TryGetValue("OutId", out var outId) && outId.Length >= 256)
        {
            return AliyunReply.Code("isv.INVALID_PARAMETERS", "参数异常：OutId 过长");
        }

        if (json is null)
        {
            return null;
        }

        using var document = TryParse(json);
        if (document?.RootElement.ValueKind != JsonValueKind.Object
            || document.RootElement.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            return AliyunReply.Code("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
        }

        return document.RootElement.EnumerateObject().Any(p => p.Value.GetString()!.EnumerateRunes().Count() > ParameterLimit)
            ? AliyunReply.Code("isv.PARAM_LENGTH_LIMIT", $"参数超出长度限制：单个变量长度限制在{ParameterLimit}字符内")
            : null;
    }

    private AliyunReply Accept(List<(string Number, string Sign, string? Parameters)> messages, AliyunCall call)
    {
        var bizId = $"{++_bizIds:D6}^0";
        foreach (var (number, sign, parameters) in messages)
        {
            _accepted.Add(new AliyunAccepted(number, sign, call["TemplateCode"], parameters, call.Parameters.GetValueOrDefault("OutId"), bizId, _clock.GetCurrentInstant()));
        }

        return new AliyunReply(200, JsonSerializer.Serialize(new { RequestId = "FAKE-REQ", BizId = bizId, Code = "OK", Message = "OK" }));
    }

    private static AliyunReply? Missing(AliyunCall call, params string[] names) =>
        names.FirstOrDefault(n => !call.Parameters.ContainsKey(n)) is { } name
            ? AliyunReply.Code("MissingParameter", $"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.", 400)
            : null;

    private static JsonDocument? TryParse(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Query(string rawTarget)
    {
        var parts = rawTarget.Split('?', 2);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parts.Length < 2 || parts[1].Length == 0)
        {
            return parameters;
        }

        foreach (var pair in parts[1].Split('&'))
        {
            var nameValue = pair.Split('=', 2);
            parameters[Uri.UnescapeDataString(nameValue[0])] = nameValue.Length == 2 ? Uri.UnescapeDataString(nameValue[1]) : "";
        }

        return parameters;
    }

    private static Duration Abs(Duration duration) => duration < Duration.Zero ? -duration : duration;

    [GeneratedRegex("^ACS3-HMAC-SHA256 Credential=(?<id>[^,]+),SignedHeaders=(?<headers>[^,]+),Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    [GeneratedRegex("^1[0-9]{10}$")]
    private static partial Regex MobilePattern();
}
