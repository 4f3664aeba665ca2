using Azure.Data.Tables;
using Escalation.Domain.Cases;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>
/// The closed loop's engine-side tables: the office's decisions (<c>decisions</c>) and the units' exemption requests
/// (<c>exemptionrequests</c>), each row written once (insert-if-absent) by the web and read by the daily run and the pages.
/// Both are partitioned by unit, so that a unit's evaluation reads its own with one partition query each.
/// </summary>
public sealed class CaseRecords(IEntityTables tables)
{
    public const string DecisionsTable = "decisions";
    public const string RequestsTable = "exemptionrequests";

    /// <summary>The unit's decisions, in key order (a subject's decisions in their order).</summary>
    public Task<IReadOnlyList<Decision>> Decisions(UnitId unit, CancellationToken cancellationToken = default) =>
        Read(DecisionsTable, EntityQuery.Partition(unit.Value), DecisionOf, cancellationToken);

    /// <summary>Every decision (the whole table): for the office's lists, not for the daily run.</summary>
    public Task<IReadOnlyList<Decision>> AllDecisions(CancellationToken cancellationToken = default) =>
        Read(DecisionsTable, EntityQuery.WholeTable(), DecisionOf, cancellationToken);

    /// <summary>The unit's exemption requests, in key order.</summary>
    public Task<IReadOnlyList<ExemptionRequest>> Requests(UnitId unit, CancellationToken cancellationToken = default) =>
        Read(RequestsTable, EntityQuery.Partition(unit.Value), RequestOf, cancellationToken);

    /// <summary>Every exemption request (the whole table): for the office's lists, not for the daily run.</summary>
    public Task<IReadOnlyList<ExemptionRequest>> AllRequests(CancellationToken cancellationToken = default) =>
        Read(RequestsTable, EntityQuery.WholeTable(), RequestOf, cancellationToken);

    /// <summary>Writes the decision unless a row with its key exists. True when this call wrote it.</summary>
    public async Task<bool> Add(Decision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var table = await tables.Table(DecisionsTable, cancellationToken).ConfigureAwait(false);
        return await table.AddIfAbsent(ToEntity(decision), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the request unless a row with its key exists. True when this call wrote it.</summary>
    public async Task<bool> Add(ExemptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = await tables.Table(RequestsTable, cancellationToken).ConfigureAwait(false);
        return await table.AddIfAbsent(ToEntity(request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One decision by its keys, or null.</summary>
    public async Task<Decision?> FindDecision(UnitId unit, string key, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(DecisionsTable, cancellationToken).ConfigureAwait(false);
        return await table.Find(unit.Value, key, cancellationToken: cancellationToken).ConfigureAwait(false) is { } entity ? DecisionOf(entity) : null;
    }

    /// <summary>One request by its keys, or null.</summary>
    public async Task<ExemptionRequest?> FindRequest(UnitId unit, string key, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(RequestsTable, cancellationToken).ConfigureAwait(false);
        return await table.Find(unit.Value, key, cancellationToken: cancellationToken).ConfigureAwait(false) is { } entity ? RequestOf(entity) : null;
    }

    internal static TableEntity ToEntity(Decision d)
    {
        var entity = new TableEntity(d.Unit.Value, d.Key)
        {
            ["Unit"] = d.Unit.Value,
            ["Subject"] = d.Subject,
            ["SubjectTable"] = LoopKeys.Token(d.Table),
            ["Decision"] = LoopKeys.Token(d.Kind),
            ["DecidedBy"] = d.DecidedBy.Value,
            ["DecidedAt"] = d.DecidedAt.ToDateTimeOffset(),
        };
        if (d.Reason is { } reason)
        {
            entity["Reason"] = reason;
        }

        if (d.Task is { } task)
        {
            entity["Task"] = task.Value;
        }

        if (d.Notice is { } notice)
        {
            entity["Notice"] = notice.Value;
        }

        return entity;
    }

    internal static Decision DecisionOf(TableEntity e) =>
        new(e.RowKey,
            new UnitId(e.PartitionKey),
            e.GetString("Subject") ?? LoopKeys.SubjectOf(e.RowKey),
            LoopKeys.ParseTable(e.GetString("SubjectTable")) ?? throw new InvalidDataException($"decisions row {e.PartitionKey}/{e.RowKey} has no usable SubjectTable."),
            LoopKeys.ParseDecision(e.GetString("Decision")) ?? throw new InvalidDataException($"decisions row {e.PartitionKey}/{e.RowKey} has no usable Decision."),
            new PersonId(e.GetString("DecidedBy") ?? throw new InvalidDataException($"decisions row {e.PartitionKey}/{e.RowKey} has no DecidedBy.")),
            Instant.FromDateTimeOffset(e.GetDateTimeOffset("DecidedAt") ?? throw new InvalidDataException($"decisions row {e.PartitionKey}/{e.RowKey} has no DecidedAt.")),
            e.GetString("Reason"))
        {
            Task = e.GetString("Task") is { Length: > 0 } task && ItemId.IsValid(task) ? new ItemId(task) : null,
            Notice = EventId.TryParse(e.GetString("Notice"), out var notice) ? notice : null,
        };

    internal static TableEntity ToEntity(ExemptionRequest r)
    {
        var entity = new TableEntity(r.Unit.Value, r.Key)
        {
            ["Unit"] = r.Unit.Value,
            ["Period"] = r.Period,
            ["Reason"] = r.Reason,
            ["RequestedBy"] = r.RequestedBy.Value,
            ["RequestedAt"] = r.RequestedAt.ToDateTimeOffset(),
        };
        if (r.Task is { } task)
        {
            entity["Task"] = task.Value;
        }

        if (r.Indicator is { } indicator)
        {
            entity["Indicator"] = indicator;
        }

        if (EvidenceColumn.Format(r.Evidence) is { } evidence)
        {
            entity["Evidence"] = evidence;
        }

        return entity;
    }

    internal static ExemptionRequest RequestOf(TableEntity e) =>
        new(e.RowKey,
            new UnitId(e.PartitionKey),
            e.GetString("Task") is { Length: > 0 } task ? new ItemId(task) : null,
            e.GetString("Indicator") is { Length: > 0 } indicator ? indicator : null,
            e.GetString("Period") ?? "",
            e.GetString("Reason") ?? "",
            new PersonId(e.GetString("RequestedBy") ?? throw new InvalidDataException($"exemptionrequests row {e.PartitionKey}/{e.RowKey} has no RequestedBy.")),
            Instant.FromDateTimeOffset(e.GetDateTimeOffset("RequestedAt") ?? throw new InvalidDataException($"exemptionrequests row {e.PartitionKey}/{e.RowKey} has no RequestedAt.")),
            EvidenceColumn.Parse(e.GetString("Evidence")).Files ?? []);

    private async Task<IReadOnlyList<T>> Read<T>(string name, EntityQuery query, Func<TableEntity, T> map, CancellationToken cancellationToken)
    {
        var table = await tables.Table(name, cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        await foreach (var entity in table.Query(query, cancellationToken).ConfigureAwait(false))
        {
            list.Add(map(entity));
        }

        return list;
    }
}
