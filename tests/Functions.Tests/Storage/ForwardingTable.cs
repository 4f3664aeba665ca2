using Azure;
using Azure.Data.Tables;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Storage;

/// <summary>A table that forwards every call to <paramref name="inner"/>: test doubles override only the call they change.</summary>
internal abstract class ForwardingTable(IEntityTable inner) : IEntityTable
{
    protected IEntityTable Inner => inner;

    public string Name => inner.Name;

    public virtual Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default) => inner.AddIfAbsent(entity, cancellationToken);

    public virtual Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default) => inner.UpsertAll(entities, cancellationToken);

    public virtual Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) => inner.ReplaceIfMatch(entity, ifMatch, cancellationToken);

    public virtual Task Merge(TableEntity entity, CancellationToken cancellationToken = default) => inner.Merge(entity, cancellationToken);

    public virtual Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) =>
        inner.Delete(partitionKey, rowKey, ifMatch, cancellationToken);

    public virtual Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default) =>
        inner.Find(partitionKey, rowKey, properties, cancellationToken);

    public virtual IAsyncEnumerable<TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default) => inner.Query(query, cancellationToken);
}
