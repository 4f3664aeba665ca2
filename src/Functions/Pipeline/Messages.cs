using System.Globalization;
using System.Text.Json;
using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Pipeline;

/// <summary>
/// "Evaluate this unit as of this date, with the rules of this scan": one per unit per scan, on the <c>evaluate</c> queue.
/// Body <c>{"unitId":"jtj","date":"2026-06-01"}</c> for the morning scan (a body without <c>scan</c>, as queued before the
/// afternoon scan existed, is the morning's), <c>{"unitId":"jtj","date":"2026-06-01","scan":"afternoon"}</c> for the
/// afternoon's. Message id <c>evaluate:{date}:{unit}</c> (morning) or <c>evaluate:{date}:afternoon:{unit}</c>, so a second
/// scan of the same day and slot is dropped by duplicate detection (and would change nothing anyway: the log keeps events once).
/// </summary>
public sealed record EvaluateRequest(UnitId Unit, LocalDate Date, ScanSlot Scan = ScanSlot.Morning)
{
    public OutgoingMessage ToMessage() => new(
        Scan == ScanSlot.Morning ? $"evaluate:{IsoDate.Format(Date)}:{Unit.Value}" : $"evaluate:{IsoDate.Format(Date)}:afternoon:{Unit.Value}",
        BinaryData.FromObjectAsJson(new Body(Unit.Value, IsoDate.Format(Date), Scan == ScanSlot.Morning ? null : "afternoon"), MessageJson.Options),
        new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = Unit.Value });

    /// <summary>Reads a message body; a reason when it is not an evaluate request (the message is then dead-lettered).</summary>
    public static (EvaluateRequest? Request, string? Error) Parse(BinaryData body)
    {
        if (MessageJson.Read<Body>(body, out var error) is not { } b)
        {
            return (null, error);
        }

        if (!UnitId.IsValid(b.UnitId))
        {
            return (null, $"unitId '{b.UnitId}' is not a unit id.");
        }

        var (scan, date, invalid) = EvaluateMessage.ScanAndDate(b.Scan, b.Date);
        return invalid is null ? (new EvaluateRequest(new UnitId(b.UnitId!), date, scan), null) : (null, invalid);
    }

    private sealed record Body(
        string? UnitId,
        string? Date,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Scan = null);
}

/// <summary>
/// "Evaluate this indicator city-wide as of this date, with the rules of this scan": one per indicator on the same
/// <c>evaluate</c> queue as the units' requests, published by the scan when an enabled indicator rule is for its slot.
/// Ranking needs every unit's value, so an indicator is one partition of work (its values are one partition of
/// <c>indicatorvalues</c>). Body <c>{"kind":"indicator","indicatorId":"gdtz-zs","date":"2025-05-20"}</c>, with
/// <c>"scan":"afternoon"</c> for the afternoon's; the <c>kind</c> tells it from a unit's request, whose body has none.
/// Message id <c>evaluate-indicator:{date}:{indicator}</c> (morning) or <c>evaluate-indicator:{date}:afternoon:{indicator}</c>,
/// so a second scan of the same day and slot is dropped by duplicate detection (an id too long for a message id ends
/// in a hash of the indicator id instead); application properties <c>Kind</c> = <c>indicator</c> and <c>Indicator</c>.
/// </summary>
public sealed record EvaluateIndicatorRequest(IndicatorId Indicator, LocalDate Date, ScanSlot Scan = ScanSlot.Morning)
{
    /// <summary>The body's <c>kind</c> and the application property <c>Kind</c> of an indicator's request.</summary>
    public const string Kind = "indicator";

    public OutgoingMessage ToMessage() => new(
        MessageId,
        BinaryData.FromObjectAsJson(new Body(Kind, Indicator.Value, IsoDate.Format(Date), Scan == ScanSlot.Morning ? null : "afternoon"), MessageJson.Options),
        new Dictionary<string, string>(StringComparer.Ordinal) { [EvaluateMessage.KindProperty] = Kind, ["Indicator"] = Indicator.Value });

    /// <summary>At most 128 characters, as Service Bus requires: a long indicator id is replaced by <c>h-</c> and a hash of it.</summary>
    public string MessageId
    {
        get
        {
            var prefix = Scan == ScanSlot.Morning ? $"evaluate-indicator:{IsoDate.Format(Date)}:" : $"evaluate-indicator:{IsoDate.Format(Date)}:afternoon:";
            return prefix.Length + Indicator.Value.Length <= MaxMessageId
                ? prefix + Indicator.Value
                : prefix + "h-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Indicator.Value)).AsSpan(0, 16));
        }
    }

    private const int MaxMessageId = 128;

    /// <summary>Reads an indicator's request; a reason when it is not one (the message is then dead-lettered).</summary>
    public static (EvaluateIndicatorRequest? Request, string? Error) Parse(BinaryData body)
    {
        if (MessageJson.Read<Body>(body, out var error) is not { } b)
        {
            return (null, error);
        }

        if (b.Kind != Kind)
        {
            return (null, $"kind '{b.Kind}' is not '{Kind}'.");
        }

        if (IndicatorId.TryValidate(b.IndicatorId) is not null)
        {
            return (null, $"indicatorId '{b.IndicatorId}' is not an indicator id.");
        }

        var (scan, date, invalid) = EvaluateMessage.ScanAndDate(b.Scan, b.Date);
        return invalid is null ? (new EvaluateIndicatorRequest(new IndicatorId(b.IndicatorId!), date, scan), null) : (null, invalid);
    }

    private sealed record Body(
        string? Kind,
        string? IndicatorId,
        string? Date,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Scan = null);
}

/// <summary>
/// The two kinds of message on the <c>evaluate</c> queue, told apart by the body's <c>kind</c>: none (or <c>unit</c>), a
/// unit's request as queued before indicators existed (<see cref="EvaluateRequest"/>); <c>indicator</c>, an indicator's
/// (<see cref="EvaluateIndicatorRequest"/>).
/// </summary>
public static class EvaluateMessage
{
    /// <summary>The application property naming the kind of an indicator's request (a unit's request has only <c>Unit</c>).</summary>
    public const string KindProperty = "Kind";

    /// <summary>Exactly one of the two requests, or the reason the body is neither (the message is then dead-lettered).</summary>
    public static (EvaluateRequest? Unit, EvaluateIndicatorRequest? Indicator, string? Error) Parse(BinaryData body)
    {
        if (MessageJson.Read<Probe>(body, out var error) is not { } probe)
        {
            return (null, null, error);
        }

        switch (probe.Kind)
        {
            case null or "unit":
                var (unit, unitError) = EvaluateRequest.Parse(body);
                return (unit, null, unitError);
            case EvaluateIndicatorRequest.Kind:
                var (indicator, indicatorError) = EvaluateIndicatorRequest.Parse(body);
                return (null, indicator, indicatorError);
            default:
                return (null, null, $"kind '{probe.Kind}' is not a kind of evaluate request (none or unit for a unit, indicator for an indicator).");
        }
    }

    /// <summary>The scan slot (absent: the morning's) and the date of a request's body, or why they cannot be read.</summary>
    internal static (ScanSlot Scan, LocalDate Date, string? Error) ScanAndDate(string? scanText, string? dateText)
    {
        var scan = scanText?.Trim().ToUpperInvariant() switch
        {
            null or "MORNING" => ScanSlot.Morning,
            "AFTERNOON" => ScanSlot.Afternoon,
            _ => (ScanSlot?)null,
        };
        if (scan is null)
        {
            return (default, default, $"scan '{scanText}' is not a scan slot (morning or afternoon).");
        }

        return IsoDate.TryParse(dateText) is { } date
            ? (scan.Value, date, null)
            : (default, default, $"date '{dateText}' is not an ISO date (yyyy-MM-dd).");
    }

    private sealed record Probe(string? Kind);
}

/// <summary>
/// "Deliver this logged event": on the <c>events</c> topic. The body names the event; the log row holds everything
/// else, so the message can never disagree with the log. It has message id = the event id and one application property
/// per channel (<c>Email</c>/<c>Sms</c> = <c>true</c>) for the subscriptions' correlation filters. Deferrals and retries
/// are no longer per event: they are the message's (<see cref="DispatchNotice"/>).
/// </summary>
public sealed record EventNotice(EventId Event, UnitId Unit)
{
    public static OutgoingMessage First(EscalationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Unit"] = e.Unit.Value,
            ["Level"] = e.Level.ToString(),
        };
        foreach (var channel in e.Channels)
        {
            properties[channel.ToString()] = "true";
        }

        return new OutgoingMessage(e.Id.Value, BodyOf(e.Id, e.Unit), properties, CorrelationId: e.Id.Value);
    }

    public static (EventNotice? Notice, string? Error) Parse(BinaryData body)
    {
        if (MessageJson.Read<Body>(body, out var error) is not { } b)
        {
            return (null, error);
        }

        if (!EventId.TryParse(b.EventId, out var id))
        {
            return (null, $"eventId '{b.EventId}' is not an event id (ev- and 32 hex digits).");
        }

        return UnitId.IsValid(b.UnitId)
            ? (new EventNotice(id, new UnitId(b.UnitId!)), null)
            : (null, $"unitId '{b.UnitId}' is not a unit id.");
    }

    private static BinaryData BodyOf(EventId id, UnitId unit) =>
        BinaryData.FromObjectAsJson(new Body(id.Value, unit.Value), MessageJson.Options);

    private sealed record Body(string? EventId, string? UnitId);
}

/// <summary>
/// "Send this message when its time comes": on the <c>events</c> topic for one channel's subscription, scheduled at the
/// message's sending time (or its retry). Body <c>{"dispatch":"Email:fgw-zhang:20260602:Notice:001"}</c>; message id
/// <c>dispatch-{hash of the dispatch id}@{yyyyMMddTHHmmss.fffZ}</c>, so that every event joining the message publishes the
/// same notice for its sending time and duplicate detection keeps one.
/// </summary>
public sealed record DispatchNotice(DispatchKey Dispatch)
{
    public OutgoingMessage At(Instant at) => new(
        $"{CorrelationId}@{InstantPattern.ExtendedIso.Format(at).Replace("-", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal)}",
        BinaryData.FromObjectAsJson(new Body(Dispatch.Id), MessageJson.Options),
        new Dictionary<string, string>(StringComparer.Ordinal) { [Sending.ChannelSet.FilterProperty(Dispatch.Channel)] = "true", [KindProperty] = KindValue },
        ScheduledEnqueueTime: at,
        CorrelationId: CorrelationId);

    /// <summary><c>dispatch-{hash of the message id}</c>: the same for every notice of one message, and short whatever the person id.</summary>
    public string CorrelationId => $"dispatch-{Hash(Dispatch.Id)}";

    /// <summary>The application property that tells a dispatch notice from an event notice (for filters and readers of the topic).</summary>
    public const string KindProperty = "Kind";

    public const string KindValue = "dispatch";

    /// <summary>True when the body is a dispatch notice rather than an event notice.</summary>
    public static bool Is(BinaryData body) =>
        MessageJson.Read<Body>(body, out _) is { Dispatch: not null };

    public static (DispatchNotice? Notice, string? Error) Parse(BinaryData body)
    {
        if (MessageJson.Read<Body>(body, out var error) is not { } b)
        {
            return (null, error);
        }

        return DispatchKey.TryParse(b.Dispatch) is { } key
            ? (new DispatchNotice(key), null)
            : (null, $"dispatch '{b.Dispatch}' is not a message id ({{channel}}:{{person}}:{{yyyyMMdd}}:{{level}}:{{sequence}}).");
    }

    private static string Hash(string id) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)).AsSpan(0, 16));

    private sealed record Body(string? Dispatch);
}

internal static class MessageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static T? Read<T>(BinaryData body, out string? error)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(body.ToMemory().Span, Options);
            error = value is null ? "the body is JSON null." : null;
            return value;
        }
        catch (JsonException e)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the body is not the expected JSON ({e.Message}).");
            return null;
        }
    }
}
