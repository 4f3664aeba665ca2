using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Events;

namespace Escalation.Functions.Local;

/// <summary>
/// One JSON line per logged event, as <c>run</c> and <c>simulate</c> print them: ids, date, level, kind, unit, task,
/// rule, recipients with their roles, channels, and the demand's due date and the units that owe it when the event makes one;
/// for a consequence notice the consequence and its executing unit; for an indicator event (taskId <c>ind:{indicator}</c>)
/// the indicator, the period, the value and the ranks where there are some; <c>logOnly</c> for an event logged only (仅记录);
/// <c>reference</c>, the reference (文号) of a logged notice, summons or accountability recommendation; for a closed-loop
/// event (答复提交, 答复处理, 虚假整改, 豁免申请) the record (<c>subject</c>), <c>answerKind</c>, <c>answerSeq</c>, <c>decision</c>,
/// <c>reason</c>, <c>actor</c>, <c>notice</c>, <c>noticeReference</c>, <c>evidence</c> and <c>exemptPeriod</c> where there are some. Enum values are kebab-case (<c>due-soon</c>,
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
                IndicatorId = e.Facts.Indicator?.Indicator.Value,
                Period = e.Facts.Indicator?.Period.Key,
                PeriodLabel = e.Facts.Indicator?.PeriodLabel,
                Value = e.Facts.Indicator?.Value,
                Planned = e.Facts.Indicator?.Planned is { } planned ? Math.Round(planned, 4) : null,
                Rank = e.Facts.Indicator?.ProvincialRank,
                PeerCount = e.Facts.Indicator?.PeerCount,
                ProvincialAverage = e.Facts.Indicator?.ProvincialAverage,
                Group = e.Facts.Indicator?.Group?.Value,
                GroupRank = e.Facts.Indicator?.Standing?.Rank,
                GroupSize = e.Facts.Indicator?.GroupSize,
                Consecutive = e.Facts.Indicator?.Consecutive,
                Escalated = e.Facts.Indicator is { Escalated: true } ? true : null,
                LogOnly = e.LogOnly ? true : null,
                Reference = e.Reference,
                Subject = e.Facts.Loop?.Subject,
                AnswerKind = e.Facts.Loop?.AnswerKind,
                AnswerSeq = e.Facts.Loop?.Seq,
                Decision = e.Facts.Loop?.Decision,
                Reason = e.Facts.Loop?.Reason,
                Actor = e.Facts.Loop?.Actor?.Value,
                Notice = e.Facts.Loop?.Notice?.Value,
                NoticeReference = e.Facts.Loop?.NoticeReference,
                Evidence = e.Facts.Loop is { Evidence.Count: > 0 } loop ? [.. loop.Evidence.Select(f => f.Name)] : null,
                ExemptPeriod = e.Facts.Loop?.Period,
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

        /// <summary>For an indicator event (taskId <c>ind:{indicator}</c>): the indicator's id; left out for tasks, as are the fields below.</summary>
        public string? IndicatorId { get; init; }

        /// <summary>The indicator period's key: <c>2025-04</c>, <c>2025-Q1</c>, <c>2025-W10</c>.</summary>
        public string? Period { get; init; }

        /// <summary>The period as statistics name it: <c>2025年1–4月</c>.</summary>
        public string? PeriodLabel { get; init; }

        /// <summary>The unit's value, in the indicator's unit of measure (none for a scoreboard).</summary>
        public double? Value { get; init; }

        /// <summary>The time-proportional plan for the period, when the indicator has an annual target.</summary>
        public double? Planned { get; init; }

        /// <summary>The provincial rank, when published.</summary>
        public int? Rank { get; init; }

        /// <summary>How many the province ranked, when published.</summary>
        public int? PeerCount { get; init; }

        /// <summary>The provincial average, when published.</summary>
        public double? ProvincialAverage { get; init; }

        /// <summary>For a group event (bottom-rank, scoreboard, share, pledge): the ranking group's id.</summary>
        public string? Group { get; init; }

        /// <summary>For a unit's group event: its place in the group (ties share a place).</summary>
        public int? GroupRank { get; init; }

        /// <summary>For a group event: how many units were ranked.</summary>
        public int? GroupSize { get; init; }

        /// <summary>For bottom-rank: consecutive ranked periods the unit qualified in.</summary>
        public int? Consecutive { get; init; }

        /// <summary>For bottom-rank: true when the summons moved up one level; left out otherwise.</summary>
        public bool? Escalated { get; init; }

        /// <summary>True for an event logged only (仅记录: no channels, nothing sent); left out otherwise.</summary>
        public bool? LogOnly { get; init; }

        /// <summary>The reference (文号) the log assigned, 督办〔2026〕0123号; left out for reminders and events logged only.</summary>
        public string? Reference { get; init; }

        /// <summary>For a closed-loop event: the row key of the answer or exemption request it is about; left out otherwise, as are the fields below.</summary>
        public string? Subject { get; init; }

        /// <summary>The answer's kind: explanation, rectification, special-explanation.</summary>
        public Domain.Rules.DemandKind? AnswerKind { get; init; }

        /// <summary>The answer's number within its case.</summary>
        public int? AnswerSeq { get; init; }

        /// <summary>For a decision: accept, reject, reopen, approve, deny.</summary>
        public Domain.Cases.LoopDecision? Decision { get; init; }

        /// <summary>The decision's reason, or the exemption request's cause.</summary>
        public string? Reason { get; init; }

        /// <summary>Who submitted, requested or decided (person id).</summary>
        public string? Actor { get; init; }

        /// <summary>The notice answered (event id).</summary>
        public string? Notice { get; init; }

        /// <summary>That notice's reference (文号).</summary>
        public string? NoticeReference { get; init; }

        /// <summary>The evidence files' names.</summary>
        public IReadOnlyList<string>? Evidence { get; init; }

        /// <summary>For an exemption request: the period or occurrence requested.</summary>
        public string? ExemptPeriod { get; init; }
    }

    /// <summary>Unit and UnitName only for a role of a unit the rule names (<c>unit:fgw/principal</c>); left out otherwise.</summary>
    private sealed record RecipientLine(Domain.Rules.RecipientRole Role, string Person, bool Copy, string? Unit, string? UnitName);
}
