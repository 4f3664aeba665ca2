using Azure;
using Azure.Data.Tables;

namespace Escalation.Functions.Storage;

/// <summary>
/// Where tables live: Azure Table Storage (or Azurite) in production and tests, a SQLite file in local mode.
/// Both implementations pass the same contract tests, so the stores above them behave the same on either.
/// </summary>
public interface IEntityTables
{
    /// <summary>A short description for summaries and logs (no secrets).</summary>
    string Describe { get; }

    /// <summary>The table, created on first use.</summary>
    Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default);
}

/// <summary>
/// One table with the Table service's semantics: entities keyed by partition and row key, optimistic concurrency by
/// ETag, transactions only within one partition. Entities are <see cref="TableEntity"/> property bags; stores map their
/// own types to and from them by hand.
/// </summary>
public interface IEntityTable
{
    string Name { get; }

    /// <summary>Inserts the entity unless one with its keys exists. True when this call inserted it.</summary>
    Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts or replaces every entity, one entity-group transaction per partition and per <see cref="MaxBatch"/>
    /// entities: a batch is all or nothing, batches are not.
    /// </summary>
    Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default);

    /// <summary>Replaces the entity if its stored ETag is still <paramref name="ifMatch"/>. False when someone else changed or deleted it.</summary>
    Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Merges the given properties into the entity, creating it if absent (no concurrency check: for idempotent follow-ups).</summary>
    Task Merge(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entity if its ETag matches (<see cref="ETag.All"/> for any). False when it was not there or had changed.</summary>
    Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default);

    /// <summary>One entity, or null. <paramref name="properties"/> limits the properties read (keys are always included).</summary>
    Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default);

    /// <summary>Entities matching the query, page by page, in key order.</summary>
    IAsyncEnumerable<TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default);

    /// <summary>Entities per entity-group transaction: the service's limit.</summary>
    public const int MaxBatch = 100;
}

/// <summary>
/// A query the stores need: a partition (or, for admin listings only, the whole table), an optional row-key range
/// (from inclusive, to exclusive), equality conditions on string properties, and the properties to read.
/// </summary>
public sealed record EntityQuery(
    string? PartitionKey,
    string? RowKeyFrom = null,
    string? RowKeyTo = null,
    IReadOnlyList<KeyValuePair<string, string>>? Where = null,
    IReadOnlyList<string>? Select = null)
{
    /// <summary>Every row of a partition.</summary>
    public static EntityQuery Partition(string partitionKey, IReadOnlyList<string>? select = null) => new(partitionKey, Select: select);

    /// <summary>Rows of a partition whose row key starts with the prefix.</summary>
    public static EntityQuery Prefix(string partitionKey, string rowKeyPrefix, IReadOnlyList<string>? select = null) =>
        new(partitionKey, rowKeyPrefix, rowKeyPrefix + '\uffff', Select: select);

    /// <summary>Every row of the table: for exports and admin listings, never the daily path.</summary>
    public static EntityQuery WholeTable(IReadOnlyList<string>? select = null) => new(null, Select: select);

    /// <summary>Adds an equality condition on a string property.</summary>
    public EntityQuery WhereEquals(string property, string value) => this with { Where = [.. Where ?? [], new(property, value)] };
}
