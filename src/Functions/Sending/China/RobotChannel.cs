using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Local;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// A group robot's channel (WeCom or DingTalk) on the channel port: the letter rendered as one <see cref="RobotNotice"/>
/// (RobotMarkdown: a heading, one line per item, the unit's addressed recipients @-mentioned by mobile) and posted with
/// the robot's client. The webhook and DingTalk secret come from the settings <c>Escalation__Robots__{Id}__Webhook</c> /
/// <c>__Secret</c>; without a webhook, local mode writes the request body to the outbox (<c>wecom.log</c>,
/// <c>dingtalk.log</c>) and Azure fails the post naming the setting. One client (and rate limiter) per robot for the
/// life of the process.
/// </summary>
public sealed class RobotChannel : IChannelSender, IDisposable
{
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Another process holds the outbox log only while it appends a line; a longer hold is a hung writer, and the post is
    // then retried later like any transient failure.

    private readonly Func<string, string?> _setting;
    private readonly HttpClient _http;
    private readonly IClock _clock;
    private readonly string? _outbox;
    private readonly Dictionary<string, (Robot Robot, string Webhook, string? Secret, object Client)> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RobotRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _file = new(1, 1);

    /// <param name="channel"><see cref="Channel.WeCom"/> or <see cref="Channel.DingTalk"/>.</param>
    /// <param name="setting">Reads a setting (the robots' webhooks and secrets).</param>
    /// <param name="http">The client to post with.</param>
    /// <param name="clock">The clock (rate limits, DingTalk's signature).</param>
    /// <param name="outbox">Local mode's outbox: a robot without a webhook is written there; null in Azure.</param>
    public RobotChannel(Channel channel, Func<string, string?> setting, HttpClient http, IClock clock, string? outbox)
    {
        if (!ChannelCatalog.IsRobot(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a robot channel.");
        }

        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(clock);
        Channel = channel;
        _setting = setting;
        _http = http;
        _clock = clock;
        _outbox = outbox;
        LogFile = outbox is null ? null : Path.Combine(Path.GetFullPath(outbox), FileNameOf(channel));
    }

    public Channel Channel { get; }

    /// <summary>The outbox file posts of robots without a webhook go to (local mode); null in Azure.</summary>
    public string? LogFile { get; }

    public string Describe => LogFile is null
        ? $"{ChineseNames.Of(Channel)}群机器人（Webhook 见设置 Escalation__Robots__{{编号}}__Webhook）"
        : $"{ChineseNames.Of(Channel)}群机器人；未配置 Webhook 的写入发件箱 {LogFile}";

    /// <summary><c>wecom.log</c>, <c>dingtalk.log</c>.</summary>
    public static string FileNameOf(Channel channel) => channel.ToString().ToLowerInvariant() + ".log";

    /// <summary>The post a letter becomes: a heading (level, count, date), one line per item, the mentions.</summary>
    public static RobotNotice Notice(Parcel parcel)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var letter = parcel.Letter;
        var level = ChineseNames.Of(letter.Level);
        var title = string.Create(CultureInfo.InvariantCulture, $"督查督办{level}（{ChineseNames.Of(letter.Day)}，{letter.Items.Count}项）");
        var items = letter.Items.Select(i =>
        {
            var e = i.Event;
            // An indicator's post says what its figures show (the scoreboard: its top and bottom places, a streak included), not only the kind.
            var what = (MessageWording.IndicatorBrief(e, parcel.Wording)
                ?? ChineseNames.Of(e.Kind) + (e.Facts.Streak is { } streak and > 1 ? string.Create(CultureInfo.InvariantCulture, $"（连续{streak}期）") : "")) + (i.IsCopy ? "（抄送知悉）" : "");
            return new RobotItem(e.Facts.UnitName, e.Facts.ItemTitle, level, what, e.Facts.CheckpointDue ?? e.Demand?.DueBy)
            {
                Reference = e.Reference,
                SignLink = i.IsCopy ? null : MessageWording.SignLink(e, parcel.Wording),
            };
        }).ToList();
        return new RobotNotice(title, items, parcel.Mentions);
    }

    public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        if (parcel.Robot is not { } robot || robot.Platform != Channel)
        {
            return new SendResult.Rejected($"{ChineseNames.Of(Channel)}机器人「{parcel.To}」不在「robots」表中（或平台不符），未发送。");
        }

        var notice = Notice(parcel);
        var webhook = _setting(Robot.WebhookSetting(robot.Id))?.Trim();
        var secret = _setting(Robot.SecretSetting(robot.Id))?.Trim();
        if (string.IsNullOrEmpty(webhook))
        {
            if (LogFile is null)
            {
                return new SendResult.Rejected($"{robot.Name}「{robot.Id}」没有配置 Webhook：请设置 {Robot.WebhookSetting(robot.Id)}（Azure 中为 Key Vault 引用）。");
            }

            return await WriteOutbox(parcel, robot, Body(robot, notice, null, null), cancellationToken).ConfigureAwait(false);
        }

        var result = Channel == Channel.WeCom
            ? await ((WeComRobotClient)Client(robot, webhook, secret)).Post(notice, cancellationToken).ConfigureAwait(false)
            : await ((DingTalkRobotClient)Client(robot, webhook, secret)).Post(notice, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            GatewayOutcome.Sent => new SendResult.Sent(result.ProviderId ?? $"{Channel}:{robot.Id}"),
            GatewayOutcome.RetryLater => new SendResult.Transient(result.Message ?? result.Code ?? "retry later"),
            _ => new SendResult.Rejected(result.Message ?? result.Code ?? "rejected"),
        };
    }

    /// <summary>The JSON body the robot's client posts for <paramref name="notice"/>.</summary>
    internal byte[] Body(Robot robot, RobotNotice notice, string? webhook, string? secret) =>
        Channel == Channel.WeCom
            ? ((WeComRobotClient)NewClient(robot, webhook ?? "outbox", secret)).Body(notice)
            : ((DingTalkRobotClient)NewClient(robot, webhook ?? "outbox", secret)).Body(notice);

    public void Dispose() => _file.Dispose();

    private object Client(Robot robot, string webhook, string? secret)
    {
        lock (_gate)
        {
            // A robot row edited in the table (its keyword, its host) or new settings make a new client; the robot's rate
            // limiter stays the same.
            if (_clients.TryGetValue(robot.Id, out var known) && known.Robot == robot && known.Webhook == webhook && known.Secret == secret)
            {
                return known.Client;
            }

            var client = NewClient(robot, webhook, secret);
            _clients[robot.Id] = (robot, webhook, secret, client);
            return client;
        }
    }

    private object NewClient(Robot robot, string webhook, string? secret)
    {
        RobotRateLimiter limiter;
        lock (_gate)
        {
            if (!_limiters.TryGetValue(robot.Id, out limiter!))
            {
                limiter = new RobotRateLimiter(_clock);
                _limiters[robot.Id] = limiter;
            }
        }

        if (Channel == Channel.WeCom)
        {
            var options = new WeComRobotOptions(robot.Id, webhook);
            return new WeComRobotClient(robot.BaseUrl is { } wecomBase ? options with { BaseUri = wecomBase } : options, _http, limiter, _clock);
        }

        var ding = new DingTalkRobotOptions(robot.Id, webhook) { Secret = string.IsNullOrEmpty(secret) ? null : secret, Keyword = robot.Keyword };
        return new DingTalkRobotClient(robot.BaseUrl is { } dingBase ? ding with { BaseUri = dingBase } : ding, _http, limiter, _clock);
    }

    private async Task<SendResult> WriteOutbox(Parcel parcel, Robot robot, byte[] body, CancellationToken cancellationToken)
    {
        await _file.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await OutboxLog.AppendOnce(LogFile!, parcel.DispatchId, Line(parcel, robot, body), cancellationToken).ConfigureAwait(false);
            return new SendResult.Sent(FileNameOf(Channel));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SendResult.Transient($"无法写入 {LogFile}：{e.Message}");
        }
        finally
        {
            _file.Release();
        }
    }

    private string Line(Parcel parcel, Robot robot, byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, LineOptions))
        {
            json.WriteStartObject();
            json.WriteString("at", InstantPattern.ExtendedIso.Format(_clock.GetCurrentInstant()));
            json.WriteString("robot", robot.Id);
            json.WriteString("group", robot.Name);
            json.WriteString("dispatchId", parcel.DispatchId);
            json.WriteStartArray("events");
            foreach (var e in parcel.Events)
            {
                json.WriteStringValue(e);
            }

            json.WriteEndArray();
            json.WritePropertyName("request");
            using (var request = JsonDocument.Parse(body))
            {
                request.RootElement.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
