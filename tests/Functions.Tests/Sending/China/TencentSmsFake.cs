using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Escalation.Functions.Tests.Rest;
using NodaTime;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>One request as the fake saw it, with the verdict of its own signature check.</summary>
public sealed record TencentCall(string Action, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? SignatureProblem)
{
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A scripted answer that takes the place of the fake's own for one request.</summary>
public abstract record TencentScript
{
    /// <summary><c>{"Response":{"Error":{…}}}</c>: the whole call refused.</summary>
    public sealed record Refuse(string Code, string Message) : TencentScript;

    /// <summary>The send is carried out (receipts included), then the connection is closed halfway through the answer.</summary>
    public sealed record HangUpAfterSending : TencentScript;

    /// <summary>The fake's own answer, held back this long (until the client gives up, if sooner).</summary>
    public sealed record Delay(TimeSpan Wait) : TencentScript;

    /// <summary>This body and status, as they are.</summary>
    public sealed record Raw(int Status, string Body) : TencentScript;
}

/// <summary>
/// Tencent Cloud SMS 2021-01-11 on https://127.0.0.1 (Kestrel, with the loopback certificate of <see cref="LoopbackServer"/>). Each request is
/// checked as Tencent does: TC3-HMAC-SHA256 recomputed here from the request as received (its own implementation, not
/// the client's), the credential scope's UTC date, the 5-minute clock skew, the version and region headers; a failure
/// answers <c>AuthFailure.SignatureFailure</c> and the like. SendSms answers one SendStatus per number (in reverse order,
/// as the answer's order is not the request's), with <see cref="NumberCodes"/> for numbers that fail; sent messages
/// leave receipts that PullSmsSendStatusByPhoneNumber returns, with their SessionContext.
/// </summary>
public sealed class TencentSmsFake : IAsyncDisposable
{
    public const string SecretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    public const string SecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    public const string SdkAppId = "1400006666";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly WebApplication _app;
    private readonly IClock _clock;
    private readonly object _gate = new();
    private readonly List<TencentCall> _calls = [];
    private readonly Queue<TencentScript> _scripts = new();
    private readonly List<Dictionary<string, object?>> _receipts = [];
    private int _serial;

    private TencentSmsFake(WebApplication app, IClock clock, Uri endpoint)
    {
        _app = app;
        _clock = clock;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Per-number SendStatus codes other than <c>Ok</c>.</summary>
    public Dictionary<string, string> NumberCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Numbers whose sent messages the carrier reports as failed.</summary>
    public HashSet<string> UndeliverableNumbers { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether sent messages leave receipts (carriers report late; false plays "not yet").</summary>
    public bool ReportDeliveries { get; set; } = true;

    public IReadOnlyList<TencentCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static async Task<TencentSmsFake> Start(IClock clock)
    {
        TencentSmsFake? fake = null;
        var (app, address) = await LoopbackServer.Serve(context => fake!.Handle(context));
        fake = new TencentSmsFake(app, clock, address);
        return fake;
    }

    /// <summary>A handler that trusts this fake's certificate and no other.</summary>
    public static HttpMessageHandler Handler() => LoopbackServer.TrustingHandler();

    public void Script(params TencentScript[] scripts)
    {
        lock (_gate)
        {
            foreach (var script in scripts)
            {
                _scripts.Enqueue(script);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The signature check, written from the documented steps independently of the client's signer.</summary>
    public static string ExpectedSignature(string secretKey, long timestamp, string service, string signedHeaderNames, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
        static byte[] Mac(byte[] key, string text) => new HMACSHA256(key).ComputeHash(Encoding.UTF8.GetBytes(text));

        var names = signedHeaderNames.Split(';');
        var canonicalHeaders = new StringBuilder();
        foreach (var name in names)
        {
            canonicalHeaders.Append(name).Append(':').Append((headers.TryGetValue(name, out var v) ? v : "").Trim().ToLowerInvariant()).Append('\n');
        }

        var canonicalRequest = "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaderNames + "\n" + Hex(SHA256.HashData(body));
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var toSign = "TC3-HMAC-SHA256\n" + timestamp.ToString(CultureInfo.InvariantCulture) + "\n" + date + "/" + service + "/tc3_request\n"
            + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = Mac(Mac(Mac(Encoding.UTF8.GetBytes("TC3" + secretKey), date), service), "tc3_request");
        return Hex(Mac(key, toSign));
    }

    private async Task Handle(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        var action = headers.GetValueOrDefault("x-tc-action", "");
        var problem = Check(context.Request.Method, headers, body);

        TencentScript? script;
        lock (_gate)
        {
            _calls.Add(new TencentCall(action, headers, body, problem?.Code));
            script = problem is null && _scripts.Count > 0 ? _scripts.Dequeue() : null;
        }

        if (problem is not null)
        {
            await Write(context, 200, Error(problem.Value.Code, problem.Value.Message));
            return;
        }

        switch (script)
        {
            case TencentScript.Refuse error:
                await Write(context, 200, Error(error.Code, error.Message));
                return;
            case TencentScript.Raw raw:
                await Write(context, raw.Status, raw.Body);
                return;
            case TencentScript.Delay delay:
                try
                {
                    await Task.Delay(delay.Wait, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await Write(context, 200, Answer(action, body));
                return;
            case TencentScript.HangUpAfterSending:
                var whole = Encoding.UTF8.GetBytes(Answer(action, body));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = whole.Length;
                await context.Response.Body.WriteAsync(whole.AsMemory(0, whole.Length / 2));
                await context.Response.Body.FlushAsync();
                context.Abort();
                return;
            default:
                await Write(context, 200, Answer(action, body));
                return;
        }
    }

    private (string Code, string Message)? Check(string method, Dictionary<string, string> headers, byte[] body)
    {
        if (method != "POST" || !headers.TryGetValue("content-type", out var type) || !type.StartsWith("application/json", StringComparison.Ordinal))
        {
            return ("InvalidParameter", "only POST application/json is served here");
        }

        if (headers.GetValueOrDefault("x-tc-version") != "2021-01-11")
        {
            return ("NoSuchVersion", "the version must be 2021-01-11");
        }

        if (string.IsNullOrEmpty(headers.GetValueOrDefault("x-tc-region")))
        {
            return ("MissingParameter", "The request is missing a required parameter `Region`.");
        }

        var authorization = headers.GetValueOrDefault("authorization", "");
        const string prefix = "TC3-HMAC-SHA256 ";
        var parts = authorization.StartsWith(prefix, StringComparison.Ordinal)
            ? authorization[prefix.Length..].Split(", ").Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1])
            : [];
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signed) || !parts.TryGetValue("Signature", out var signature))
        {
            return ("AuthFailure.InvalidAuthorization", "Authorization is not TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…");
        }

        var scope = credential.Split('/');
        if (scope.Length != 4 || scope[0] != SecretId)
        {
            return ("AuthFailure.SecretIdNotFound", $"The SecretId {scope[0]} is not found.");
        }

        if (!long.TryParse(headers.GetValueOrDefault("x-tc-timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(timestamp - _clock.GetCurrentInstant().ToUnixTimeSeconds()) > 300)
        {
            return ("AuthFailure.SignatureExpire", "Signature expired.");
        }

        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (scope[1] != date || scope[2] != "sms" || scope[3] != "tc3_request" || !signed.Split(';').Contains("host") || !signed.Split(';').Contains("content-type"))
        {
            return ("AuthFailure.SignatureFailure", $"bad credential scope {credential} or signed headers {signed}");
        }

        return ExpectedSignature(SecretKey, timestamp, "sms", signed, headers, body) == signature
            ? null
            : ("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.");
    }

    private string Answer(string action, byte[] body)
    {
        var request = JsonDocument.Parse(body).RootElement;
        return action switch
        {
            "SendSms" => SendSms(request),
            "PullSmsSendStatusByPhoneNumber" => Pull(request),
            _ => Error("InvalidAction", $"no action {action}"),
        };
    }

    private string SendSms(JsonElement request)
    {
        if (request.GetProperty("SmsSdkAppId").GetString() != SdkAppId)
        {
            return Error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.");
        }

        var session = request.GetProperty("SessionContext").GetString();
        var statuses = new List<object>();
        foreach (var number in request.GetProperty("PhoneNumberSet").EnumerateArray().Select(n => n.GetString()!).Reverse())
        {
            var code = NumberCodes.GetValueOrDefault(number, "Ok");
            string? serial = null;
            if (code == "Ok")
            {
                lock (_gate)
                {
                    serial = $"5000:{++_serial:D28}";
                    if (ReportDeliveries)
                    {
                        _receipts.Add(new()
                        {
                            ["UserReceiveTime"] = _clock.GetCurrentInstant().ToUnixTimeSeconds(),
                            ["CountryCode"] = "86",
                            ["SubscriberNumber"] = number[3..],
                            ["PhoneNumber"] = number,
                            ["SerialNo"] = serial,
                            ["ReportStatus"] = UndeliverableNumbers.Contains(number) ? "FAIL" : "SUCCESS",
                            ["Description"] = UndeliverableNumbers.Contains(number) ? "MK:0001" : "DELIVRD",
                            ["SessionContext"] = session,
                        });
                    }
                }
            }

            statuses.Add(new Dictionary<string, object?>
            {
                ["SerialNo"] = serial ?? "",
                ["PhoneNumber"] = number,
                ["Fee"] = code == "Ok" ? 1 : 0,
                ["SessionContext"] = session,
                ["Code"] = code,
                ["Message"] = code == "Ok" ? "send success" : $"{code} for {number}",
                ["IsoCode"] = "CN",
            });
        }

        return JsonSerializer.Serialize(new { Response = new { SendStatusSet = statuses, RequestId = Guid.NewGuid().ToString() } }, Json);
    }

    private string Pull(JsonElement request)
    {
        var number = request.GetProperty("PhoneNumber").GetString();
        var begin = request.GetProperty("BeginTime").GetInt64();
        var end = request.GetProperty("EndTime").GetInt64();
        var limit = request.GetProperty("Limit").GetInt32();
        if (limit is < 1 or > 100 || request.GetProperty("Offset").GetInt32() != 0)
        {
            return Error("InvalidParameterValue", "Limit must be 1 to 100 and Offset 0.");
        }

        List<Dictionary<string, object?>> found;
        lock (_gate)
        {
            found = _receipts.Where(r => (string?)r["PhoneNumber"] == number && (long)r["UserReceiveTime"]! >= begin && (long)r["UserReceiveTime"]! <= end).Take(limit).ToList();
        }

        return JsonSerializer.Serialize(new { Response = new { PullSmsSendStatusSet = found, RequestId = Guid.NewGuid().ToString() } }, Json);
    }

    private static string Error(string code, string message) =>
        JsonSerializer.Serialize(new { Response = new { Error = new { Code = code, Message = message }, RequestId = Guid.NewGuid().ToString() } }, Json);

    private static async Task Write(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
