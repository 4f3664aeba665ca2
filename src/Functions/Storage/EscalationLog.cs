using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>An event as the log holds it.</summary>
public sealed record LogEntry(EscalationEvent Event, LogStatus Status, string? StatusNote, Instant LoggedAt, Instant UpdatedAt)
{
    /// <summary>
    /// 送达时间: when its status first became <see cref="LogStatus.Delivered"/> or <see cref="LogStatus.PartlyFailed"/>
    /// (null before, and for rows settled before the column existed). The unsigned chase counts from its local date.
    /// </summary>
    public Instant? DeliveredAt { get; init; }

    /// <summary>签收人: the person who signed for the notice or summons (null while unsigned).</summary>
    public PersonId? SignedBy { get; init; }

    /// <summary>签收时间: when <see cref="SignedBy"/> signed (null while unsigned).</summary>
    public Instant? SignedAt { get; init; }
}

/// <summary>What a signature (签收) did: signed now, or found signed already (by whom, when); nothing else is written then.</summary>
/// <param name="SignedNow">True when this call signed it; false when it was signed before (the first signature wins).</param>
/// <param name="SignedBy">Who signed it.</param>
/// <param name="SignedAt">When.</param>
public sealed record SignOutcome(bool SignedNow, PersonId SignedBy, Instant SignedAt);

/// <summary>What the daily run needs to know about an event already logged, read cheaply (three small columns).</summary>
public readonly record struct LoggedState(LogStatus Status, bool Indexed)
{
    /// <summary>
    /// The unit whose partition holds the row, when it may differ from the unit the event is decided for today (an
    /// indicator event, logged under the unit of its claim); null: the decided event's own unit.
    /// </summary>
    public UnitId? Unit { get; init; }
}

/// <summary>
/// The escalation log (督办记录): one row per event, exactly once. Primary rows live in <c>escalationlog</c> under the unit
/// (PartitionKey = unit, RowKey = event id), so "has this event been logged" and "all events of a unit" are one partition.
/// "All events of a month" reads <c>escalationbymonth</c> (PartitionKey = yyyy-MM, RowKey = {unit}:{event id}), a copy
/// written as an idempotent follow-up: the primary row is inserted with Indexed=false, the month row is upserted, then
/// Indexed is set. A crash in between leaves Indexed=false, and the next run that meets the event upserts the copy again.
/// </summary>
public sealed class EscalationLog(IEntityTables tables)
{
    public const string TableName = "escalationlog";
    public const string MonthTableName = "escalationbymonth";

    /// <summary>
    /// The claims of indicator events (PartitionKey = ind:{indicator}, RowKey = event id, Unit = the log partition): an
    /// indicator event's unit may change between days for the same id (a new owner, a unit joining or leaving a ranking
    /// group), so the claim, written insert-if-absent before the log row, fixes once and for all which partition logs it.
    /// </summary>
    public const string ClaimTableName = "indicatorclaims";

    private static readonly string[] StateColumns = ["Status", "Indexed"];
    private static readonly string[] ClaimColumns = ["Unit"];
    private static readonly string[] DemandColumns = ["Task", "Demand", "DueBy", "DemandFrom", "Rule", "Occurrence", "Reference", "Level", "Kind", "DeliveredAt", "SignedAt", "TaskTitle"];

    /// <summary>
    /// Logs the event unless it is already logged. True when this call logged it. A log-only event
    /// (<see cref="EscalationEvent.LogOnly"/>) is logged <see cref="LogStatus.LogOnly"/>: final, never published. An
    /// indicator event is logged under the unit of its claim (see <see cref="Log"/>).
    /// </summary>
    public async Task<bool> Record(EscalationEvent @event, Instant now, CancellationToken cancellationToken = default) =>
        await Log(@event, now, cancellationToken: cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Logs the event unless it is already logged, and returns it as logged (null when it was logged before). A task's
    /// event is logged under its unit. An indicator event is first claimed (<see cref="ClaimTableName"/>, insert-if-absent):
    /// when an earlier run claimed the same id under another unit, it is logged there, with that unit, never in a second
    /// partition; a claim without its row (a crash between the two writes) gets the row now. A notice, summons or
    /// accountability recommendation that is sent gets its reference (文号, <see cref="ReferenceNumbers"/>) before its
    /// row is written, and the row carries it (<c>Reference</c>): a retry after a crash finds the same reference.
    /// </summary>
    /// <param name="event">The event as decided.</param>
    /// <param name="now">The time written on the row.</param>
    /// <param name="referencePrefix">The word before the year of a new reference; null for <see cref="ReferenceNumber.DefaultPrefix"/>.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public async Task<EscalationEvent?> Log(EscalationEvent @event, Instant now, string? referencePrefix = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (IndicatorItem.Is(@event.Item) && await Claim(@event, cancellationToken).ConfigureAwait(false) is { } claimed && claimed != @event.Unit)
        {
            @event = @event with { Unit = claimed };
        }

        if (ReferenceNumber.IsNumbered(@event.Level, @event.LogOnly))
        {
            var reference = await new ReferenceNumbers(tables).Assign(@event.Id, @event.Date.Year, referencePrefix ?? ReferenceNumber.DefaultPrefix, cancellationToken).ConfigureAwait(false);
            @event = @event with { Reference = reference };
        }

        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(@event, @event.LogOnly ? LogStatus.LogOnly : LogStatus.Logged, null, now, now);
        entity["Indexed"] = false;
        if (!await log.AddIfAbsent(entity, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await Index(log, entity, cancellationToken).ConfigureAwait(false);
        return @event;
    }

    /// <summary>Claims the indicator event for its unit unless it is claimed already; the unit that holds the claim.</summary>
    private async Task<UnitId> Claim(EscalationEvent @event, CancellationToken cancellationToken)
    {
        var claims = await tables.Table(ClaimTableName, cancellationToken).ConfigureAwait(false);
        var claim = new TableEntity(@event.Item.Value, @event.Id.Value) { ["Unit"] = @event.Unit.Value };
        if (await claims.AddIfAbsent(claim, cancellationToken).ConfigureAwait(false))
        {
            return @event.Unit;
        }

        return await ClaimedUnit(claims, @event, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Indicator event {@event.Id} is claimed in {ClaimTableName} (ind:{@event.Item}) but the claim could not be read back.");
    }

    private static async Task<UnitId?> ClaimedUnit(IEntityTable claims, EscalationEvent @event, CancellationToken cancellationToken) =>
        await claims.Find(@event.Item.Value, @event.Id.Value, ClaimColumns, cancellationToken).ConfigureAwait(false) is { } found
            && found.GetString("Unit") is { Length: > 0 } unit
            ? new UnitId(unit)
            : null;

    /// <summary>Writes (again) the month copy of a logged event and marks it indexed: safe to repeat.</summary>
    public async Task EnsureIndexed(UnitId unit, EventId id, CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var stored = await log.Find(unit.Value, id.Value, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Event {id} of unit {unit} is not in the log.");
        await Index(log, stored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The month copy of the log row as it stands (the caller has it in hand, so no read).</summary>
    private async Task Index(IEntityTable log, TableEntity stored, CancellationToken cancellationToken)
    {
        var byMonth = await tables.Table(MonthTableName, cancellationToken).ConfigureAwait(false);
        var copy = new TableEntity(stored.GetString("Month"), $"{stored.PartitionKey}:{stored.RowKey}");
        foreach (var (key, value) in stored)
        {
            if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" or "Indexed"))
            {
                copy[key] = value;
            }
        }

        await byMonth.UpsertAll([copy], cancellationToken).ConfigureAwait(false);
        await log.Merge(new TableEntity(stored.PartitionKey, stored.RowKey) { ["Indexed"] = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The state of every event logged for the unit (one partition, two columns): what the daily run dedups against.</summary>
    public async Task<IReadOnlyDictionary<string, LoggedState>> Known(UnitId unit, CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var known = new Dictionary<string, LoggedState>(StringComparer.Ordinal);
        await foreach (var entity in log.Query(EntityQuery.Partition(unit.Value, StateColumns), cancellationToken).ConfigureAwait(false))
        {
            known[entity.RowKey] = new LoggedState(StatusOf(entity), entity.GetBoolean("Indexed") ?? false);
        }

        return known;
    }

    /// <summary>
    /// The state of those of <paramref name="events"/> already logged, by event id, read one row each (two columns): what
    /// an indicator's evaluation dedups against, its events lying in the partitions of several units. An indicator event
    /// is looked up first in its claim: claimed under another unit, its row is read there (and the state names that unit);
    /// claimed without a row yet (a crash between the two writes), it counts as not logged, and logging it writes the row
    /// under the claim's unit.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, LoggedState>> States(IEnumerable<EscalationEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        IEntityTable? claims = null;
        var known = new Dictionary<string, LoggedState>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!seen.Add(e.Id.Value))
            {
                continue;
            }

            var unit = e.Unit;
            if (IndicatorItem.Is(e.Item))
            {
                claims ??= await tables.Table(ClaimTableName, cancellationToken).ConfigureAwait(false);
                unit = await ClaimedUnit(claims, e, cancellationToken).ConfigureAwait(false) ?? e.Unit;
            }

            if (await log.Find(unit.Value, e.Id.Value, StateColumns, cancellationToken).ConfigureAwait(false) is { } entity)
            {
                known[e.Id.Value] = new LoggedState(StatusOf(entity), entity.GetBoolean("Indexed") ?? false) { Unit = unit == e.Unit ? null : unit };
            }
        }

        return known;
    }

    /// <summary>The demands the unit's notices made (explanations or rectifications due), for the evaluator to chase.</summary>
    public async Task<IReadOnlyList<IssuedDemand>> Demands(UnitId unit, CancellationToken cancellationToken = default) =>
        (await Issued(unit, cancellationToken).ConfigureAwait(false)).Demands;

    /// <summary>
    /// In one read of the unit's partition: the demands its notices made, and its notices and summonses delivered (with
    /// their signature, if any), for the evaluator to chase what is overdue or unsigned.
    /// </summary>
    public async Task<(IReadOnlyList<IssuedDemand> Demands, IReadOnlyList<IssuedNotice> Notices)> Issued(UnitId unit, CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var demands = new List<IssuedDemand>();
        var notices = new List<IssuedNotice>();
        await foreach (var entity in log.Query(EntityQuery.Partition(unit.Value, DemandColumns), cancellationToken).ConfigureAwait(false))
        {
            if (entity.GetDateTimeOffset("DeliveredAt") is { } delivered
                && Enum.TryParse<EventLevel>(entity.GetString("Level"), out var level) && Signing.IsSignable(level)
                && Enum.TryParse<EventKind>(entity.GetString("Kind"), out var kind)
                && EventId.TryParse(entity.RowKey, out var notice))
            {
                notices.Add(new IssuedNotice(notice, new ItemId(entity.GetString("Task")), level, kind, Instant.FromDateTimeOffset(delivered))
                {
                    SignedAt = entity.GetDateTimeOffset("SignedAt") is { } signed ? Instant.FromDateTimeOffset(signed) : null,
                    Reference = entity.GetString("Reference") is { Length: > 0 } reference ? reference : null,
                    Title = entity.GetString("TaskTitle") ?? "",
                });
            }

            if (entity.GetString("Demand") is { Length: > 0 } demand && IsoDate.TryParse(entity.GetString("DueBy")) is { } dueBy)
            {
                demands.Add(new IssuedDemand(EventId.Parse(entity.RowKey), new ItemId(entity.GetString("Task")), Enum.Parse<DemandKind>(demand), dueBy)
                {
                    From = Units(entity.GetString("DemandFrom")),
                    Rule = entity.GetString("Rule") is { Length: > 0 } rule ? new RuleId(rule) : null,
                    Occurrence = entity.GetString("Occurrence"),
                    Reference = entity.GetString("Reference"),
                });
            }
        }

        return (demands, notices);
    }

    public async Task<LogEntry?> Find(UnitId unit, EventId id, CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await log.Find(unit.Value, id.Value, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>
    /// Sets the event's status (and note) on the log row, with an ETag check and a re-read on conflict so that two senders
    /// finishing at once cannot overwrite each other's change; then refreshes the month copy.
    /// </summary>
    public async Task SetStatus(UnitId unit, EventId id, Func<LogStatus, LogStatus> change, string? note, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        TableEntity updated;
        for (var attempt = 0; ; attempt++)
        {
            var stored = await log.Find(unit.Value, id.Value, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Event {id} of unit {unit} is not in the log.");
            var status = change(StatusOf(stored));
            updated = new TableEntity(stored) { ["Status"] = status.ToString(), ["UpdatedAt"] = now.ToDateTimeOffset() };
            if (status is LogStatus.Delivered or LogStatus.PartlyFailed && stored.GetDateTimeOffset("DeliveredAt") is null)
            {
                // Set once, when the status first says it reached someone: the unsigned chase counts from it.
                updated["DeliveredAt"] = now.ToDateTimeOffset();
            }

            if (note is not null)
            {
                updated["StatusNote"] = note;
            }

            if (await log.ReplaceIfMatch(updated, stored.ETag, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            if (attempt >= 10)
            {
                throw new RequestFailedException(412, $"The log row of {id} kept changing under ten attempts to update it.");
            }
        }

        await Index(log, updated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Signs for the event (签收) as <paramref name="person"/>: sets <c>SignedBy</c> and <c>SignedAt</c> on the log row with an
    /// ETag check (a re-read on conflict), so that of two signatures at once the first wins and the second finds it signed;
    /// then refreshes the month copy. Null when the row does not exist. Who may sign is the caller's decision
    /// (<see cref="Domain.Delivery.Signing"/>).
    /// </summary>
    public async Task<SignOutcome?> Sign(UnitId unit, EventId id, PersonId person, Instant now, CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var stored = await log.Find(unit.Value, id.Value, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }

            if (stored.GetString("SignedBy") is { Length: > 0 } signedBy)
            {
                return new SignOutcome(false, new PersonId(signedBy), Instant.FromDateTimeOffset(stored.GetDateTimeOffset("SignedAt") ?? default));
            }

            var updated = new TableEntity(stored) { ["SignedBy"] = person.Value, ["SignedAt"] = now.ToDateTimeOffset() };
            if (await log.ReplaceIfMatch(updated, stored.ETag, cancellationToken).ConfigureAwait(false))
            {
                await Index(log, updated, cancellationToken).ConfigureAwait(false);
                return new SignOutcome(true, person, now);
            }

            if (attempt >= 10)
            {
                throw new RequestFailedException(412, $"The log row of {id} kept changing under ten attempts to sign it.");
            }
        }
    }

    /// <summary>The events first logged in a month (yyyy-MM), optionally of one unit, in unit and id order.</summary>
    public async IAsyncEnumerable<LogEntry> OfMonth(string month, UnitId? unit = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var byMonth = await tables.Table(MonthTableName, cancellationToken).ConfigureAwait(false);
        var query = unit is { } u ? EntityQuery.Prefix(month, u.Value + ":") : EntityQuery.Partition(month);
        await foreach (var entity in byMonth.Query(query, cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(entity);
        }
    }

    /// <summary>
    /// The events raised on the dates (both ends included), optionally of one unit: reads only the month partitions the
    /// dates touch, in month order, and drops the rows of those months that fall outside the dates.
    /// </summary>
    public async IAsyncEnumerable<LogEntry> OfDates(DateInterval dates, UnitId? unit = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dates);
        for (var month = dates.Start.ToYearMonth(); month <= dates.End.ToYearMonth(); month = month.PlusMonths(1))
        {
            await foreach (var entry in OfMonth(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), unit, cancellationToken).ConfigureAwait(false))
            {
                if (dates.Contains(entry.Event.Date))
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>Every event of a unit.</summary>
    public async IAsyncEnumerable<LogEntry> OfUnit(UnitId unit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var log = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        await foreach (var entity in log.Query(EntityQuery.Partition(unit.Value), cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(entity);
        }
    }

    private static LogStatus StatusOf(TableEntity entity) =>
        Enum.TryParse<LogStatus>(entity.GetString("Status"), out var status) ? status : LogStatus.Logged;

    internal static TableEntity ToEntity(EscalationEvent e, LogStatus status, string? note, Instant loggedAt, Instant updatedAt)
    {
        var f = e.Facts;
        var entity = new TableEntity(e.Unit.Value, e.Id.Value)
        {
            ["Month"] = e.Date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            ["Date"] = IsoDate.Format(e.Date),
            ["Rule"] = e.Rule.Value,
            ["Level"] = e.Level.ToString(),
            ["Kind"] = e.Kind.ToString(),
            ["Task"] = e.Item.Value,
            ["Unit"] = e.Unit.Value,
            ["Occurrence"] = e.Occurrence,
            ["Recipients"] = JsonSerializer.Serialize(e.Recipients.Select(r => new RecipientJson(r.Role.ToString(), r.Person.Value, r.IsCopy, r.Unit?.Value, r.UnitName))),
            ["Channels"] = string.Join(",", e.Channels),
            ["Template"] = e.Template,
            ["TaskTitle"] = f.ItemTitle,
            ["UnitName"] = f.UnitName,
            ["Planned"] = f.Planned,
            ["Reported"] = f.Reported,
            ["IsDeadline"] = f.IsDeadline,
            ["Status"] = status.ToString(),
            ["LoggedAt"] = loggedAt.ToDateTimeOffset(),
            ["UpdatedAt"] = updatedAt.ToDateTimeOffset(),
        };
        void Set(string name, object? value)
        {
            if (value is not null)
            {
                entity[name] = value;
            }
        }

        Set("StatusNote", note);
        Set("Reference", e.Reference);
        Set("Checkpoint", f.Checkpoint);
        Set("CheckpointDue", f.CheckpointDue is { } due ? IsoDate.Format(due) : null);
        Set("CheckpointTarget", f.CheckpointTarget);
        Set("WorkingDaysLeft", f.WorkingDaysLeft);
        Set("Streak", f.Streak);
        Set("Period", f.Period);
        Set("PeriodKey", f.PeriodKey);
        Set("ReportDue", f.ReportDue is { } report ? IsoDate.Format(report) : null);
        Set("DemandOf", f.DemandOf?.Value);
        Set("DemandOfDueBy", f.DemandDueBy is { } ofDue ? IsoDate.Format(ofDue) : null);
        Set("DemandOfUnit", f.DemandFrom?.Value);
        Set("PlannedStart", f.PlannedStart is { } planned ? IsoDate.Format(planned) : null);
        Set("Cause", f.Cause);
        Set("Demand", e.Demand?.Kind.ToString());
        Set("DueBy", e.Demand is { } d ? IsoDate.Format(d.DueBy) : null);
        Set("DemandFrom", e.Demand is { From.Count: > 0 } owed ? string.Join(",", owed.From.Select(u => u.Value)) : null);
        Set("RuleName", f.Accountability?.RuleName);
        Set("Consequence", f.Accountability?.Consequence);
        Set("ConsequenceUnit", f.Accountability?.ExecutingUnit?.Value);
        Set("ConsequenceUnitName", f.Accountability?.ExecutingUnitName);
        Set("NoticeLevel", f.UnsignedNotice?.Level.ToString());
        Set("NoticeReference", f.UnsignedNotice?.Reference);
        Set("NoticeDelivered", f.UnsignedNotice is { } unsigned ? IsoDate.Format(unsigned.DeliveredOn) : null);
        if (f.Indicator is { } indicator)
        {
            IndicatorColumns.Write(indicator, Set);
        }

        if (f.Loop is { } loop)
        {
            Set("LoopSubject", loop.Subject);
            Set("LoopTable", Domain.Cases.LoopKeys.Token(loop.Table));
            Set("AnswerKind", loop.AnswerKind?.ToString());
            Set("AnswerSeq", loop.Seq);
            Set("Decision", loop.Decision?.ToString());
            Set("DecisionReason", loop.Reason);
            Set("Actor", loop.Actor?.Value);
            Set("ActorName", loop.ActorName);
            Set("ActedAt", loop.At?.ToDateTimeOffset());
            Set("Evidence", Domain.Cases.EvidenceColumn.Format(loop.Evidence));
            Set("Notice", loop.Notice?.Value);
            Set("NoticeReference", loop.NoticeReference);
            Set("ExemptPeriod", loop.Period);
            Set("LoopFrom", loop.From?.Value);
        }

        return entity;
    }

    internal static LogEntry FromEntity(TableEntity entity)
    {
        static LocalDate? Date(TableEntity e, string name) => IsoDate.TryParse(e.GetString(name));
        var id = EventId.Parse(entity.RowKey.Contains(':', StringComparison.Ordinal) ? entity.RowKey[(entity.RowKey.LastIndexOf(':') + 1)..] : entity.RowKey);
        var recipients = JsonSerializer.Deserialize<List<RecipientJson>>(entity.GetString("Recipients") ?? "[]")!
            .Select(r => new Recipient(Enum.Parse<RecipientRole>(r.Role), new PersonId(r.Person), r.Copy, r.Unit is { } unit ? new UnitId(unit) : null, r.UnitName))
            .ToList();
        var facts = new EventFacts(
            entity.GetString("TaskTitle") ?? "",
            entity.GetString("UnitName") ?? "",
            entity.GetDouble("Planned") ?? 0,
            entity.GetDouble("Reported") ?? 0,
            entity.GetString("Checkpoint"),
            Date(entity, "CheckpointDue"),
            entity.GetDouble("CheckpointTarget"),
            entity.GetBoolean("IsDeadline") ?? false,
            entity.GetInt32("WorkingDaysLeft"),
            entity.GetInt32("Streak"),
            entity.GetString("Period"),
            entity.GetString("PeriodKey"),
            Date(entity, "ReportDue"),
            entity.GetString("DemandOf") is { } of ? EventId.Parse(of) : null,
            Date(entity, "DemandOfDueBy"),
            Date(entity, "PlannedStart"),
            entity.GetString("Cause"),
            entity.GetString("DemandOfUnit") is { Length: > 0 } owing ? new UnitId(owing) : null);
        var level = Enum.Parse<EventLevel>(entity.GetString("Level"));
        if (level == EventLevel.Accountability)
        {
            facts = facts with
            {
                Accountability = new Domain.Accountability.AccountabilityFacts(
                    entity.GetString("RuleName") ?? entity.GetString("Rule"),
                    entity.GetString("Consequence"),
                    entity.GetString("ConsequenceUnit") is { Length: > 0 } executing ? new UnitId(executing) : null,
                    entity.GetString("ConsequenceUnitName")),
            };
        }

        if (Enum.TryParse<EventLevel>(entity.GetString("NoticeLevel"), out var noticeLevel) && Date(entity, "NoticeDelivered") is { } noticeDelivered)
        {
            facts = facts with { UnsignedNotice = new UnsignedFacts(noticeLevel, entity.GetString("NoticeReference"), noticeDelivered) };
        }

        if (IndicatorColumns.Read(entity, entity.GetString("PeriodKey"), entity.GetString("Period")) is { } indicator)
        {
            facts = facts with { Indicator = indicator };
        }

        if (entity.GetString("LoopSubject") is { Length: > 0 } subject)
        {
            facts = facts with { Loop = LoopFactsOf(entity, subject) };
        }

        var unit = new UnitId(entity.GetString("Unit"));
        var demand = entity.GetString("Demand") is { } kind && Date(entity, "DueBy") is { } dueBy
            ? new Demand(Enum.Parse<DemandKind>(kind), dueBy) { From = Units(entity.GetString("DemandFrom")) }
            : null;
        var @event = new EscalationEvent(
            id,
            new RuleId(entity.GetString("Rule")),
            level,
            Enum.Parse<EventKind>(entity.GetString("Kind")),
            new ItemId(entity.GetString("Task")),
            unit,
            Date(entity, "Date") ?? throw new InvalidDataException($"Log row {entity.RowKey} has no Date."),
            entity.GetString("Occurrence") ?? "",
            recipients,
            [.. (entity.GetString("Channels") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Channel>)],
            entity.GetString("Template") ?? "",
            facts,
            demand)
        {
            Reference = entity.GetString("Reference") is { Length: > 0 } reference ? reference : null,
        };
        return new LogEntry(
            @event,
            StatusOf(entity),
            entity.GetString("StatusNote"),
            Instant.FromDateTimeOffset(entity.GetDateTimeOffset("LoggedAt") ?? default),
            Instant.FromDateTimeOffset(entity.GetDateTimeOffset("UpdatedAt") ?? default))
        {
            DeliveredAt = entity.GetDateTimeOffset("DeliveredAt") is { } delivered ? Instant.FromDateTimeOffset(delivered) : null,
            SignedBy = entity.GetString("SignedBy") is { Length: > 0 } signer ? new PersonId(signer) : null,
            SignedAt = entity.GetDateTimeOffset("SignedAt") is { } signed ? Instant.FromDateTimeOffset(signed) : null,
        };
    }

    /// <summary>A closed-loop event's facts as the row holds them.</summary>
    private static Domain.Cases.LoopFacts LoopFactsOf(TableEntity entity, string subject) =>
        new(Domain.Cases.LoopKeys.ParseTable(entity.GetString("LoopTable")) ?? Domain.Cases.SubjectTable.Explanations, subject)
        {
            AnswerKind = Enum.TryParse<DemandKind>(entity.GetString("AnswerKind"), out var kind) ? kind : null,
            Seq = entity.GetInt32("AnswerSeq"),
            Decision = Enum.TryParse<Domain.Cases.LoopDecision>(entity.GetString("Decision"), out var decision) ? decision : null,
            Reason = entity.GetString("DecisionReason"),
            Actor = entity.GetString("Actor") is { Length: > 0 } actor ? new PersonId(actor) : null,
            ActorName = entity.GetString("ActorName"),
            At = entity.GetDateTimeOffset("ActedAt") is { } at ? Instant.FromDateTimeOffset(at) : null,
            Evidence = LoopEvidenceOf(entity.GetString("Evidence")),
            Notice = entity.GetString("Notice") is { } notice && EventId.TryParse(notice, out var id) ? id : null,
            NoticeReference = entity.GetString("NoticeReference"),
            Period = entity.GetString("ExemptPeriod"),
            From = entity.GetString("LoopFrom") is { Length: > 0 } from ? new UnitId(from) : null,
        };

    /// <summary>
    /// A loop event's evidence as logged: the explanations column's JSON list (names and SHA-256), or, on rows logged before
    /// the hashes were, names separated by 、 (names only).
    /// </summary>
    private static Domain.Cases.Evidence[] LoopEvidenceOf(string? text) =>
        text?.TrimStart().StartsWith('[') == true
            ? [.. Domain.Cases.EvidenceColumn.Parse(text).Files ?? []]
            : [.. (text ?? "").Split('、', StringSplitOptions.RemoveEmptyEntries).Select(name => new Domain.Cases.Evidence(name))];

    /// <summary>Unit ids written comma-separated; empty (a row logged before demands had several submitters) for none.</summary>
    private static UnitId[] Units(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new UnitId(u))];

    /// <summary>A recipient as the log stores it; Unit and UnitName only for a role of a unit the rule names (older rows have neither).</summary>
    private sealed record RecipientJson(
        string Role,
        string Person,
        bool Copy,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unit = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UnitName = null);
}
