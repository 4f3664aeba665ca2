using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Data.Tables;

namespace Escalation.Functions.Storage;

/// <summary>Tables in Azure Table Storage (or Azurite) through Azure.Data.Tables.</summary>
public sealed class AzureTables : IEntityTables
{
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, Lazy<Task<IEntityTable>>> _tables = new(StringComparer.Ordinal);

    private AzureTables(TableServiceClient service, string describe)
    {
        _service = service;
        Describe = describe;
    }

    public string Describe { get; }

    /// <summary>By connection string (Azurite, or an account with shared keys): for tests and the import command.</summary>
    public static AzureTables FromConnectionString(string connectionString) =>
        new(new TableServiceClient(connectionString, Options()), "Azure 表存储（连接字符串）");

    /// <summary>By service URI and an Entra token (managed identity in Azure): no secret in settings.</summary>
    public static AzureTables FromServiceUri(Uri serviceUri, TokenCredential credential) =>
        new(new TableServiceClient(serviceUri, credential, Options()), $"Azure 表存储 {serviceUri.Host}");

    public Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
        _tables.GetOrAdd(name, n => new Lazy<Task<IEntityTable>>(async () =>
        {
            var client = _service.GetTableClient(n);
            await client.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
            return new AzureTable(client);
        })).Value;

    private static TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 5;
        options.Retry.Mode = RetryMode.Exponential;
        return options;
    }

    private sealed class AzureTable(TableClient client) : IEntityTable
    {
        public string Name => client.Name;

        public async Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default)
        {
            try
            {
                await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return false;
            }
        }

        public async Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default)
        {
            // Partitions are independent on the service, so their batches go in parallel; a partition's own batches in order.
            var partitions = entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal);
            await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (partition, ct) =>
            {
                foreach (var batch in partition.Chunk(IEntityTable.MaxBatch))
                {
                    var actions = batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToList();
                    await client.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        public async Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
        {
            try
            {
                await client.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                return false;
            }
        }

        public Task Merge(TableEntity entity, CancellationToken cancellationToken = default) =>
            client.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);

        public async Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
        {
            try
            {
                // The service answers 204 for a delete of a missing entity only with If-Match: *; look first so the answer is honest.
                var found = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["PartitionKey"], cancellationToken).ConfigureAwait(false);
                if (!found.HasValue)
                {
                    return false;
                }

                await client.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                return false;
            }
        }

        public async Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default)
        {
            var found = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, WithKeys(properties), cancellationToken).ConfigureAwait(false);
            return found.HasValue ? found.Value : null;
        }

        public async IAsyncEnumerable<TableEntity> Query(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var entity in client.QueryAsync<TableEntity>(Filter(query), maxPerPage: 1000, WithKeys(query.Select), cancellationToken).ConfigureAwait(false))
            {
                yield return entity;
            }
        }

        private static List<string>? WithKeys(IReadOnlyList<string>? select) =>
            select is null ? null : [.. select.Union(["PartitionKey", "RowKey"], StringComparer.Ordinal)];

        internal static string? Filter(EntityQuery query)
        {
            var parts = new List<string>();
            if (query.PartitionKey is { } pk)
            {
                parts.Add(TableClient.CreateQueryFilter($"PartitionKey eq {pk}"));
            }

            if (query.RowKeyFrom is { } from)
            {
                parts.Add(TableClient.CreateQueryFilter($"RowKey ge {from}"));
            }

            if (query.RowKeyTo is { } to)
            {
                parts.Add(TableClient.CreateQueryFilter($"RowKey lt {to}"));
            }

            foreach (var (property, value) in query.Where ?? [])
            {
                // Property names come from code, never from input; values are escaped by CreateQueryFilter.
                parts.Add(property + " " + TableClient.CreateQueryFilter($"eq {value}"));
            }

            return parts.Count == 0 ? null : string.Join(" and ", parts);
        }
    }
}
