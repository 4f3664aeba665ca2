using Azure;
using Azure.Data.Tables;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The tables, except that one conditional write (<see cref="IEntityTable.ReplaceIfMatch"/>) picked by
/// <paramref name="crashesAt"/> throws <paramref name="crash"/> before it is written: the process dying right before that
/// write. Only the first write picked crashes; the ones after it go through.
/// </summary>
internal sealed class CrashingTables(IEntityTables inner, Func<string, TableEntity, bool> crashesAt, Exception crash) : IEntityTables
{
    private int _crashed;

    /// <summary>True once the crash happened.</summary>
    public bool Crashed => _crashed > 0;

    public string Describe => inner.Describe;

    public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
        new Crashing(await inner.Table(name, cancellationToken), this);

    private Exception Crash => crash;

    private bool CrashesAt(string table, TableEntity entity) =>
        crashesAt(table, entity) && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0;

    private sealed class Crashing(IEntityTable inner, CrashingTables owner) : IEntityTable
    {
        public string Name => inner.Name;

        public Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default) => inner.AddIfAbsent(entity, cancellationToken);

        public Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default) => inner.UpsertAll(entities, cancellationToken);

        public Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) =>
            owner.CrashesAt(inner.Name, entity) ? throw owner.Crash : inner.ReplaceIfMatch(entity, ifMatch, cancellationToken);

        public Task Merge(TableEntity entity, CancellationToken cancellationToken = default) => inner.Merge(entity, cancellationToken);

        public Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) =>
            inner.Delete(partitionKey, rowKey, ifMatch, cancellationToken);

        public Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default) =>
            inner.Find(partitionKey, rowKey, properties, cancellationToken);

        public IAsyncEnumerable<TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default) => inner.Query(query, cancellationToken);
    }
}
