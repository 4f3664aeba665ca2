using System.Text.Encodings.Web;
using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Sending.China;

/// <summary>One template request to a mainland SMS gateway: one number, the approved signature, template and variables.</summary>
/// <param name="DispatchId">The message's id: the gateway's OutId / SessionContext.</param>
/// <param name="To">The number, E.164.</param>
/// <param name="SignName">The approved signature name.</param>
/// <param name="TemplateCode">The approved template code.</param>
/// <param name="Parameters">The variables, in order, already fitted to the limit.</param>
/// <param name="Events">The events it carries.</param>
public sealed record GatewaySms(
    string DispatchId, string To, string SignName, string TemplateCode, IReadOnlyList<KeyValuePair<string, string>> Parameters, IReadOnlyList<string> Events);

/// <summary>A mainland SMS gateway as the channel sees it: Aliyun, Tencent, or local mode's log.</summary>
public interface ISmsGateway
{
    /// <summary>acs, aliyun or tencent; local.</summary>
    string Provider { get; }

    /// <summary>For logs (no secrets).</summary>
    string Describe { get; }

    Task<GatewayResult> Send(GatewaySms sms, CancellationToken cancellationToken = default);
}

/// <summary>Alibaba Cloud SMS through <see cref="AliyunSmsClient.SendSms"/>, OutId = the dispatch id.</summary>
public sealed class AliyunSmsGateway(AliyunSmsClient client) : ISmsGateway
{
    public string Provider => "aliyun";

    public string Describe => client.Describe;

    public async Task<GatewayResult> Send(GatewaySms sms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var values = sms.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var results = await client.SendSms([sms.To], sms.SignName, sms.TemplateCode, values, sms.DispatchId, cancellationToken).ConfigureAwait(false);
        return results[0];
    }
}

/// <summary>Tencent Cloud SMS through <see cref="TencentSmsClient.SendSms"/>, SessionContext = the dispatch id; variables by position.</summary>
public sealed class TencentSmsGateway(TencentSmsClient client) : ISmsGateway
{
    public string Provider => "tencent";

    public string Describe => client.Describe;

    public async Task<GatewayResult> Send(GatewaySms sms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var results = await client.SendSms(
            new TencentSms(sms.TemplateCode, [.. sms.Parameters.Select(p => p.Value)], [sms.To], sms.DispatchId), cancellationToken).ConfigureAwait(false);
        return results[0];
    }
}

/// <summary>
/// SMS on the channel port through a mainland gateway: the parcel's letter becomes (template code, ordered variables)
/// by the <c>smstemplates</c> table, then one request per recipient. Outcomes: sent → <see cref="SendResult.Sent"/> with
/// the provider's id; retry-later → <see cref="SendResult.Transient"/>; an invalid number → <see cref="SendResult.Rejected"/>
/// (failed for that recipient); refused → <see cref="SendResult.Rejected"/> with the provider's code and message. A letter
/// no row fits is rejected naming the row to add.
/// </summary>
public sealed class GatewaySmsChannel(ISmsGateway gateway, string signName, int maxParameterLength) : IChannelSender
{
    public Channel Channel => Channel.Sms;

    public string Describe => $"{gateway.Describe}，签名「{signName}」";

    public ISmsGateway Gateway => gateway;

    public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        var message = parcel.SmsTemplates.Render(parcel.Letter, parcel.Wording, maxParameterLength);
        if (message is null)
        {
            var kind = parcel.Letter.Items.Count == 1 ? ChineseNames.Of(parcel.Letter.Items[0].Event.Kind) : "合并（grouped）";
            return new SendResult.Rejected(
                $"短信模板表（smstemplates）没有「{ChineseNames.Of(parcel.Letter.Level)}」级别「{kind}」的行，无法按审核通过的模板发送。请在 smstemplates 表中加上这一行（级别、事件类型、模板编号、模板变量）后重新导入。");
        }

        var result = await gateway.Send(
            new GatewaySms(parcel.DispatchId, parcel.To, signName, message.TemplateCode, message.Parameters, parcel.Events), cancellationToken).ConfigureAwait(false);
        return Map(result);
    }

    /// <summary>A gateway's answer for one number as the engine's result.</summary>
    public static SendResult Map(GatewayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var said = $"{result.Code ?? "无代码"} {result.Message ?? ""}".Trim();
        return result.Outcome switch
        {
            GatewayOutcome.Sent => new SendResult.Sent(result.ProviderId),
            GatewayOutcome.RetryLater => new SendResult.Transient(said),
            GatewayOutcome.InvalidAddress => new SendResult.Rejected("号码无效，无法发送：" + said),
            GatewayOutcome.Rejected => new SendResult.Rejected("短信服务商拒绝：" + said),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Not a gateway outcome."),
        };
    }
}

/// <summary>
/// Local mode's gateway without credentials: one JSON line per request appended to <c>{outbox}/sms-gateway.log</c>,
/// Chinese unescaped: <c>{"at","provider","dispatchId","to","signName","templateCode","templateParam","outId","events"}</c>.
/// A dispatch id already written is not written again.
/// </summary>
public sealed class OutboxSmsGateway(string outbox, string provider, IClock clock) : ISmsGateway, IDisposable
{
    public const string FileName = "sms-gateway.log";

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string LogFile { get; } = Path.Combine(Path.GetFullPath(outbox), FileName);

    public string Provider => provider;

    public string Describe => $"发件箱 {LogFile}（{provider}，未配置密钥）";

    public async Task<GatewayResult> Send(GatewaySms sms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
            if (File.Exists(LogFile) && (await File.ReadAllLinesAsync(LogFile, cancellationToken).ConfigureAwait(false)).Any(l => DispatchIdOf(l) == sms.DispatchId))
            {
                return new GatewayResult(sms.To, GatewayOutcome.Sent, FileName, null, "已在发件箱中");
            }

            await File.AppendAllTextAsync(LogFile, Line(sms) + "\n", cancellationToken).ConfigureAwait(false);
            return new GatewayResult(sms.To, GatewayOutcome.Sent, FileName, null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new GatewayResult(sms.To, GatewayOutcome.RetryLater, null, null, $"无法写入 {LogFile}：{e.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private string Line(GatewaySms sms)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, LineOptions))
        {
            json.WriteStartObject();
            json.WriteString("at", InstantPattern.ExtendedIso.Format(clock.GetCurrentInstant()));
            json.WriteString("provider", provider);
            json.WriteString("dispatchId", sms.DispatchId);
            json.WriteString("to", sms.To);
            json.WriteString("signName", sms.SignName);
            json.WriteString("templateCode", sms.TemplateCode);
            json.WriteStartObject("templateParam");
            foreach (var (name, value) in sms.Parameters)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteString("outId", sms.DispatchId);
            json.WriteStartArray("events");
            foreach (var e in sms.Events)
            {
                json.WriteStringValue(e);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? DispatchIdOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("dispatchId", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
