using System.Globalization;
using System.Text;
using System.Text.Json;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Tests.Rest;
using NodaTime;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>
/// The WeCom group robot as documented (path/91770): <c>POST /cgi-bin/webhook/send?key=</c>, HTTP 200 with
/// <c>{errcode, errmsg}</c> in every case, the errmsg carrying WeCom's <c>hint / from ip / more info</c> suffix; an
/// unknown key → 93000, a bad msgtype → 40008, content over 4096 (markdown) or 2048 (text) bytes → 40058, a 21st post
/// within a minute → 45009. <see cref="Next"/> overrides the next answer (93004, a hang-up...).
/// </summary>
public sealed class WeComRobotFake(string key, IClock clock)
{
    private readonly Queue<Instant> _sent = new();

    public Queue<FakeAnswer> Next { get; } = new();

    public static FakeAnswer Error(long code, string message) => FakeAnswer.Ok(
        $$"""{"errcode":{{code.ToString(CultureInfo.InvariantCulture)}},"errmsg":"{{message}}, hint: [1718000000_1_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e={{code.ToString(CultureInfo.InvariantCulture)}}"}""");

    public FakeAnswer Answer(RecordedRequest request)
    {
        if (Next.Count > 0)
        {
            return Next.Dequeue();
        }

        if (request.Method != "POST" || request.Path != "/cgi-bin/webhook/send")
        {
            return new FakeAnswer(404, "not found");
        }

        if (request.Query != "?key=" + key)
        {
            return Error(93000, "invalid webhook url");
        }

        JsonElement body;
        try
        {
            body = request.Json();
        }
        catch (JsonException)
        {
            return Error(40001, "invalid request data");
        }

        var type = body.GetProperty("msgtype").GetString();
        var limit = type switch { "markdown" => 4096, "text" => 2048, _ => 0 };
        if (limit == 0)
        {
            return Error(40008, "invalid message type");
        }

        var content = body.GetProperty(type!).GetProperty("content").GetString() ?? "";
        if (Encoding.UTF8.GetByteCount(content) > limit)
        {
            return Error(40058, $"{type}.content exceed max length {limit.ToString(CultureInfo.InvariantCulture)}");
        }

        var now = clock.GetCurrentInstant();
        while (_sent.Count > 0 && _sent.Peek() + Duration.FromMinutes(1) <= now)
        {
            _sent.Dequeue();
        }

        if (_sent.Count >= 20)
        {
            return Error(45009, "api freq out of limit");
        }

        _sent.Enqueue(now);
        return FakeAnswer.Ok("""{"errcode":0,"errmsg":"ok"}""");
    }
}

/// <summary>
/// The DingTalk custom robot as documented: <c>POST /robot/send?access_token=</c>, HTTP 200 with <c>{errcode, errmsg}</c>.
/// With a secret it requires <c>timestamp</c> and <c>sign</c>, RECOMPUTES the signature from the raw query (URL-decoded
/// once) and answers 310000 "sign not match" (or the newer structured Chinese errmsg) when it differs, 310000 "invalid
/// timestamp" when more than an hour off its clock; with a keyword it answers 310000 "keywords not in content"; a 21st
/// post within a minute → 410100 and the robot stays throttled for 10 minutes. <see cref="Next"/> overrides.
/// </summary>
public sealed class DingTalkRobotFake(string token, string? secret, string? keyword, IClock clock)
{
    private readonly Queue<Instant> _sent = new();
    private Instant? _throttledUntil;

    public Queue<FakeAnswer> Next { get; } = new();

    public bool ChineseSignError { get; set; }

    /// <summary>Mobiles in <c>at.atMobiles</c> that the text did not carry as <c>@mobile</c> (DingTalk would not highlight them).</summary>
    public List<string> UnmentionedMobiles { get; } = [];

    public static FakeAnswer Error(long code, string message) =>
        FakeAnswer.Ok(JsonSerializer.Serialize(new { errcode = code, errmsg = message }));

    public FakeAnswer Answer(RecordedRequest request)
    {
        if (Next.Count > 0)
        {
            return Next.Dequeue();
        }

        if (request.Method != "POST" || request.Path != "/robot/send")
        {
            return new FakeAnswer(404, "not found");
        }

        var query = request.RawTarget[(request.RawTarget.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (!query.TryGetValue("access_token", out var given) || given != token)
        {
            return Error(300005, "token is not exist");
        }

        if (secret is not null)
        {
            if (!query.TryGetValue("timestamp", out var stamp) || !long.TryParse(stamp, CultureInfo.InvariantCulture, out var timestamp)
                || Math.Abs(clock.GetCurrentInstant().ToUnixTimeMilliseconds() - timestamp) > 3_600_000)
            {
                return Error(310000, "invalid timestamp");
            }

            var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{stamp}\n{secret}")));
            if (!query.TryGetValue("sign", out var sign) || Uri.UnescapeDataString(sign) != expected)
            {
                return ChineseSignError
                    ? Error(310000, "description:机器人发送签名不匹配;solution:请确认签名和生成签名的时间戳必须都放在调用的网址中，请确认机器人的密钥加密和填写正确;link:请参考本接口对应的开发者文档;")
                    : Error(310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]");
            }
        }

        var body = request.Json();
        if (body.GetProperty("msgtype").GetString() != "markdown")
        {
            return Error(400105, "不支持的消息类型");
        }

        var markdown = body.GetProperty("markdown");
        var title = markdown.GetProperty("title").GetString() ?? "";
        var text = markdown.GetProperty("text").GetString() ?? "";
        if (title.Length == 0 || text.Length == 0)
        {
            return Error(400105, "markdown.title and markdown.text are required");
        }

        if (keyword is not null && !title.Contains(keyword, StringComparison.Ordinal) && !text.Contains(keyword, StringComparison.Ordinal))
        {
            return Error(310000, "keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]");
        }

        foreach (var mobile in body.GetProperty("at").GetProperty("atMobiles").EnumerateArray().Select(m => m.GetString()!))
        {
            if (!text.Contains("@" + mobile, StringComparison.Ordinal))
            {
                UnmentionedMobiles.Add(mobile);
            }
        }

        var now = clock.GetCurrentInstant();
        if (_throttledUntil is { } until && now < until)
        {
            return Error(410100, "发送速度太快而限流");
        }

        while (_sent.Count > 0 && _sent.Peek() + Duration.FromMinutes(1) <= now)
        {
            _sent.Dequeue();
        }

        if (_sent.Count >= 20)
        {
            _throttledUntil = now + Duration.FromMinutes(10);
            return Error(410100, "发送速度太快而限流");
        }

        _sent.Enqueue(now);
        return FakeAnswer.Ok("""{"errcode":0,"errmsg":"ok"}""");
    }
}

internal static class RobotSamples
{
    public static RobotItem Item(int i) =>
        new($"单位{i}", $"老旧小区改造第{i}批", "黄色预警", "已逾期 3 个工作日", new LocalDate(2026, 6, 1));

    public static RobotNotice Notice(int count, params string[] mobiles) =>
        new($"督办提醒（{count}项）", [.. Enumerable.Range(1, count).Select(Item)], mobiles);
}
