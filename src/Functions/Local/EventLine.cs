using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Events;

namespace Escalation.Functions.Local;

/// <summary>
/// One JSON line per logged event, as <c>run</c> and <c>simulate</c> print them: ids, date, level, kind, unit, task,
/// rule, recipients with their roles, channels, and the demand's due date and the units that owe it when the event makes one;
/// for a consequence notice the consequence and its executing unit. Enum values are kebab-case (<c>due-soon</c>,
/// <c>unit-principal</c>, level <c>accountability</c>), as in the rules table, and channels are the rules table's words
/// (<c>email</c>, <c>sms</c>, <c>wecom</c>, <c>dingtalk</c>); Chinese is written as is.
/// </summary>
internal static class EventLine
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The line of <paramref name="e"/>, raised by the scan of <paramref name="scan"/> (field <c>scan</c>: morning or afternoon).</summary>
    public static string Of(EscalationEvent e, Domain.Rules.ScanSlot scan = Domain.Rules.ScanSlot.Morning)
    {
        ArgumentNullException.ThrowIfNull(e);
        return JsonSerializer.Serialize(
            new Line(
                e.Id.Value,
                IsoDate.Format(e.Date),
                e.Level,
                e.Kind,
                e.Unit.Value,
                e.Item.Value,
                e.Rule.Value,
                e.Occurrence,
                [.. e.Recipients.Select(r => new RecipientLine(r.Role, r.Person.Value, r.IsCopy, r.Unit?.Value, r.UnitName))],
                [.. e.Channels.Select(c => Domain.Rules.ChannelCatalog.Of(c).Words[0])],
                e.Demand?.Kind,
                e.Demand is { } d ? IsoDate.Format(d.DueBy) : null,
                e.Demand is { } owed ? [.. owed.SubmittersOf(e.Unit).Select(u => u.Value)] : null,
                e.Facts.UnitName,
                e.Facts.ItemTitle,
                scan)
            {
                Consequence = e.Facts.Accountability?.Consequence,
                ConsequenceUnit = e.Facts.Accountability?.ExecutingUnit?.Value,
            },
            Options);
    }

    private sealed record Line(
        string EventId,
        string Date,
        Domain.Rules.EventLevel Level,
        EventKind Kind,
        string UnitId,
        string TaskId,
        string RuleId,
        string Occurrence,
        IReadOnlyList<RecipientLine> Recipients,
        IReadOnlyList<string> Channels,
        Domain.Rules.DemandKind? Demand,
        string? DueBy,
        IReadOnlyList<string>? DemandFrom,
        string UnitName,
        string TaskTitle,
        Domain.Rules.ScanSlot Scan)
    {
        /// <summary>For a consequence notice (后果通知): what is recommended, e.g. 核减前期费; left out otherwise.</summary>
        public string? Consequence { get; init; }

        /// <summary>For a consequence notice: the id of the unit that executes it; left out otherwise.</summary>
        public string? ConsequenceUnit { get; init; }
    }

    /// <summary>Unit and UnitName only for a role of a unit the rule names (<c>unit:fgw/principal</c>); left out otherwise.</summary>
    private sealed record RecipientLine(Domain.Rules.RecipientRole Role, string Person, bool Copy, string? Unit, string? UnitName);
}
