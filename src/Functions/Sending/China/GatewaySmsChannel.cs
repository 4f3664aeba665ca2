using System.Text.Encodings.Web;
using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Local;
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

/// <summary>What asking a gateway about an unconfirmed send found.</summary>
public enum GatewayLookupVerdict
{
    /// <summary>The gateway has a record of it (sent, delivered, or failed by the carrier): it went, do not send it again.</summary>
    Found,

    /// <summary>No record (yet): not a proof that nothing went, since records and receipts come late.</summary>
    NotFound,

    /// <summary>The lookup itself failed; ask again later.</summary>
    Failed,
}

/// <summary>The answer to <see cref="ISmsGateway.Find"/>: the verdict, the provider's id when found, what failed otherwise.</summary>
public sealed record GatewayLookup(GatewayLookupVerdict Verdict, string? ProviderId = null, string? Error = null);

/// <summary>A mainland SMS gateway as the channel sees it: Aliyun, Tencent, or local mode's log.</summary>
public interface ISmsGateway
{
    /// <summary>acs, aliyun or tencent; local.</summary>
    string Provider { get; }

    /// <summary>For logs (no secrets).</summary>
    string Describe { get; }

    Task<GatewayResult> Send(GatewaySms sms, CancellationToken cancellationToken = default);

    /// <summary>Whether a result leaves the send uncertain: the request may have gone although no answer said so.</summary>
    bool MayHaveBeenSent(GatewayResult result);

    /// <summary>
    /// Looks for the message <paramref name="dispatchId"/> (the OutId / SessionContext) to <paramref name="phoneNumber"/> among what
    /// the gateway sent since about <paramref name="since"/>, the moment its send became unconfirmed.
    /// </summary>
    Task<GatewayLookup> Find(string dispatchId, string phoneNumber, Instant since, CancellationToken cancellationToken = default);
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

    public bool MayHaveBeenSent(GatewayResult result) => AliyunSmsClient.NeedsReconciliation(result);

    /// <summary>QuerySendDetails of the number on the Beijing day of <paramref name="since"/>, looking for OutId = the dispatch id.</summary>
    public async Task<GatewayLookup> Find(string dispatchId, string phoneNumber, Instant since, CancellationToken cancellationToken = default)
    {
        return await client.FindByOutId(phoneNumber, AliyunSmsClient.SendDateOf(since), dispatchId, cancellationToken).ConfigureAwait(false) switch
        {
            AliyunReconciliation.Found found => new GatewayLookup(GatewayLookupVerdict.Found, $"QuerySendDetails {found.Detail.SendDate}"),
            AliyunReconciliation.NotFound => new GatewayLookup(GatewayLookupVerdict.NotFound),
            AliyunReconciliation.Failed failed => new GatewayLookup(GatewayLookupVerdict.Failed, null, $"{failed.Code ?? "无代码"} {failed.Message}".Trim()),
            var other => throw new InvalidOperationException($"Unexpected reconciliation {other.GetType().Name}."),
        };
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

    public bool MayHaveBeenSent(GatewayResult result) => TencentSmsClient.MayHaveBeenSent(result);

    /// <summary>PullSmsSendStatusByPhoneNumber from a little before <paramref name="since"/>, looking for SessionContext = the dispatch id.</summary>
    public async Task<GatewayLookup> Find(string dispatchId, string phoneNumber, Instant since, CancellationToken cancellationToken = default)
    {
        var found = await client.Reconcile(phoneNumber, dispatchId, since, cancellationToken).ConfigureAwait(false);
        return found.Verdict switch
        {
            TencentReconciliation.Delivered or TencentReconciliation.DeliveryFailed => new GatewayLookup(GatewayLookupVerdict.Found, found.Receipt?.SerialNo),
            TencentReconciliation.NoReceipt => new GatewayLookup(GatewayLookupVerdict.NotFound),
            _ => new GatewayLookup(GatewayLookupVerdict.Failed, null, found.Error),
        };
    }
}

/// <summary>
/// SMS on the channel port through a mainland gateway: the parcel's letter becomes (template code, ordered variables)
/// by the <c>smstemplates</c> table, then one request per recipient. Outcomes: sent → <see cref="SendResult.Sent"/> with
/// the provider's id; retry-later → <see cref="SendResult.Transient"/>; an invalid number → <see cref="SendResult.Rejected"/>
/// (failed for that recipient); refused → <see cref="SendResult.Rejected"/> with the provider's code and message. A letter
/// no row fits is rejected naming the row to add.
/// </summary>
/// <remarks>
/// Idempotency: neither gateway de-duplicates (Alibaba: 国内短信不支持幂等; Tencent states nothing), so a send whose answer
/// was lost (<see cref="ISmsGateway.MayHaveBeenSent"/>) comes back as <see cref="SendResult.Transient"/> with
/// <see cref="SendResult.Transient.UnconfirmedSince"/>, and the next attempt of the same message first asks the gateway
/// (<see cref="ISmsGateway.Find"/>, by the dispatch id as OutId / SessionContext): found → sent, not sent again; not found
/// → wait and ask again until <paramref name="reconcileWait"/> has passed since the lost answer, then send again. The
/// residual risk: a message the gateway took but whose record or receipt shows up later than that wait (a phone off for
/// long delays Tencent's receipt) is sent twice.
/// </remarks>
public sealed class GatewaySmsChannel(ISmsGateway gateway, string signName, int maxParameterLength, IClock clock, Duration? reconcileWait = null) : IChannelSender
{
    /// <summary>How long after a lost answer the channel keeps asking the gateway before it sends again.</summary>
    public static readonly Duration DefaultReconcileWait = Duration.FromMinutes(10);

    private readonly Duration _reconcileWait = reconcileWait ?? DefaultReconcileWait;

    public Channel Channel => Channel.Sms;

    public string Describe => $"{gateway.Describe}，签名「{signName}」";

    public ISmsGateway Gateway => gateway;

    public async Task<SendResult> Send(Parcel parcel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parcel);
        if (parcel.UnconfirmedSince is { } since)
        {
            var lookup = await gateway.Find(parcel.DispatchId, parcel.To, since, cancellationToken).ConfigureAwait(false);
            switch (lookup.Verdict)
            {
                case GatewayLookupVerdict.Found:
                    return new SendResult.Sent(lookup.ProviderId);
                case GatewayLookupVerdict.Failed:
                    return new SendResult.Transient($"上次发送未得到确认，向短信服务商核实时出错：{lookup.Error}；稍后再核实，核实前不重发。") { UnconfirmedSince = since };
                case GatewayLookupVerdict.NotFound when clock.GetCurrentInstant() - since < _reconcileWait:
                    return new SendResult.Transient("上次发送未得到确认，短信服务商暂未查到这条短信的记录；稍后再查，查不到才重发。") { UnconfirmedSince = since };
                default:
                    break; // nothing found within the wait: send again (the documented small risk of a duplicate)
            }
        }

        var message = parcel.SmsTemplates.Render(parcel.Letter, parcel.Wording, maxParameterLength);
        if (message is null)
        {
            var kind = parcel.Letter.Items.Count == 1 ? ChineseNames.Of(parcel.Letter.Items[0].Event.Kind) : "合并（grouped）";
            return new SendResult.Rejected(
                $"短信模板表（smstemplates）没有「{ChineseNames.Of(parcel.Letter.Level)}」级别「{kind}」的行，无法按审核通过的模板发送。请在 smstemplates 表中加上这一行（级别、事件类型、模板编号、模板变量）后重新导入。");
        }

        var result = await gateway.Send(
            new GatewaySms(parcel.DispatchId, parcel.To, signName, message.TemplateCode, message.Parameters, parcel.Events), cancellationToken).ConfigureAwait(false);
        return gateway.MayHaveBeenSent(result)
            ? new SendResult.Transient("发送结果未知，可能已发出：" + Said(result)) { UnconfirmedSince = clock.GetCurrentInstant() }
            : Map(result);
    }

    private static string Said(GatewayResult result) => $"{result.Code ?? "无代码"} {result.Message ?? ""}".Trim();

    /// <summary>A gateway's answer for one number as the engine's result.</summary>
    public static SendResult Map(GatewayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var said = Said(result);
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
            return await OutboxLog.AppendOnce(LogFile, sms.DispatchId, Line(sms), cancellationToken).ConfigureAwait(false)
                ? new GatewayResult(sms.To, GatewayOutcome.Sent, FileName, null, null)
                : new GatewayResult(sms.To, GatewayOutcome.Sent, FileName, null, "已在发件箱中");
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

    /// <summary>Never: writing a line either happens or fails.</summary>
    public bool MayHaveBeenSent(GatewayResult result) => false;

    /// <summary>Found when a line of the log carries the dispatch id.</summary>
    public async Task<GatewayLookup> Find(string dispatchId, string phoneNumber, Instant since, CancellationToken cancellationToken = default)
    {
        var found = await OutboxLog.Contains(LogFile, dispatchId, cancellationToken).ConfigureAwait(false);
        return new GatewayLookup(found ? GatewayLookupVerdict.Found : GatewayLookupVerdict.NotFound, found ? FileName : null);
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
}
