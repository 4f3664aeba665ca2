using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>
/// The embedded store of local mode: every table in one SQLite file in a folder, with the Table service's semantics
/// (keys, typed properties, ETags, per-partition transactions, key order). Property types survive the round trip.
/// </summary>
public sealed class SqliteTables : IEntityTables
{
    private readonly string _connectionString;
    private readonly IClock _clock;

    private SqliteTables(string path, IClock clock)
    {
        Path = path;
        _clock = clock;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The store's folder (what <c>--store</c> names), which holds the database file.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    public string Describe => $"本地存储 {Path}";

    /// <summary>The database file's name inside the store's folder.</summary>
    public const string FileName = "tables.db";

    /// <summary>Whether <paramref name="folder"/> holds a store (commands other than import and demo never create one).</summary>
    public static bool Exists(string folder) => File.Exists(System.IO.Path.Combine(folder, FileName));

    /// <summary>Opens (creating if needed) the store in <paramref name="folder"/>.</summary>
    public static SqliteTables Open(string folder, IClock clock)
    {
        Directory.CreateDirectory(folder);
        var tables = new SqliteTables(System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, FileName)), clock);
        using var connection = tables.Connect();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS entities (
                tbl TEXT NOT NULL, pk TEXT NOT NULL, rk TEXT NOT NULL,
                props TEXT NOT NULL, etag TEXT NOT NULL, ts TEXT NOT NULL,
                PRIMARY KEY (tbl, pk, rk)) WITHOUT ROWID;
            """);
        return tables;
    }

    public Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<IEntityTable>(new SqliteTable(this, name));

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // With WAL, NORMAL syncs at checkpoints rather than on every commit: a crash of the process loses nothing, a
        // power cut may lose the last commits. Right for a laptop's local store; production uses Table Storage.
        Execute(connection, "PRAGMA synchronous=NORMAL;");
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    private sealed class SqliteTable(SqliteTables store, string name) : IEntityTable
    {
        private const string Upsert = """
            INSERT INTO entities (tbl, pk, rk, props, etag, ts) VALUES ($tbl, $pk, $rk, $props, $etag, $ts)
            ON CONFLICT (tbl, pk, rk) DO UPDATE SET props = excluded.props, etag = excluded.etag, ts = excluded.ts;
            """;

        public string Name => name;

        public Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            var added = Execute(connection,
                "INSERT INTO entities (tbl, pk, rk, props, etag, ts) VALUES ($tbl, $pk, $rk, $props, $etag, $ts) ON CONFLICT DO NOTHING;",
                null, Parameters(entity));
            return Task.FromResult(added == 1);
        }

        public Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            foreach (var batch in entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(IEntityTable.MaxBatch)))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                foreach (var entity in batch)
                {
                    Execute(connection, Upsert, transaction, Parameters(entity));
                }

                transaction.Commit();
            }

            return Task.CompletedTask;
        }

        public Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            var sql = "UPDATE entities SET props = $props, etag = $etag, ts = $ts WHERE tbl = $tbl AND pk = $pk AND rk = $rk"
                + (ifMatch == ETag.All ? ";" : " AND etag = $ifMatch;");
            var changed = Execute(connection, sql, null, [.. Parameters(entity), ("$ifMatch", ifMatch.ToString())]);
            return Task.FromResult(changed == 1);
        }

        public Task Merge(TableEntity entity, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            // Immediate: the read and the write are one step, so two merges of one entity cannot interleave.
            using var transaction = connection.BeginTransaction(deferred: false);
            var merged = new TableEntity(entity.PartitionKey, entity.RowKey);
            if (Read(connection, transaction, new EntityQuery(entity.PartitionKey, entity.RowKey, entity.RowKey + '\0')).FirstOrDefault() is { } existing)
            {
                foreach (var (key, value) in existing)
                {
                    merged[key] = value;
                }
            }

            foreach (var (key, value) in entity)
            {
                merged[key] = value;
            }

            Execute(connection, Upsert, transaction, Parameters(merged));
            transaction.Commit();
            return Task.CompletedTask;
        }

        public Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            var sql = "DELETE FROM entities WHERE tbl = $tbl AND pk = $pk AND rk = $rk" + (ifMatch == ETag.All ? ";" : " AND etag = $ifMatch;");
            var deleted = Execute(connection, sql, null, ("$tbl", name), ("$pk", partitionKey), ("$rk", rowKey), ("$ifMatch", ifMatch.ToString()));
            return Task.FromResult(deleted == 1);
        }

        public Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default)
        {
            using var connection = store.Connect();
            return Task.FromResult(Read(connection, null, new EntityQuery(partitionKey, rowKey, rowKey + '\0', Select: properties)).FirstOrDefault());
        }

        public async IAsyncEnumerable<TableEntity> Query(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            List<TableEntity> page;
            using (var connection = store.Connect())
            {
                page = Read(connection, null, query);
            }

            foreach (var entity in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return entity;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        private List<TableEntity> Read(SqliteConnection connection, SqliteTransaction? transaction, EntityQuery query)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = "SELECT pk, rk, props, etag, ts FROM entities WHERE tbl = $tbl";
            command.Parameters.AddWithValue("$tbl", name);
            if (query.PartitionKey is { } pk)
            {
                sql += " AND pk = $pk";
                command.Parameters.AddWithValue("$pk", pk);
            }

            if (query.RowKeyFrom is { } from)
            {
                sql += " AND rk >= $from";
                command.Parameters.AddWithValue("$from", from);
            }

            if (query.RowKeyTo is { } to)
            {
                sql += " AND rk < $to";
                command.Parameters.AddWithValue("$to", to);
            }

            command.CommandText = sql + " ORDER BY pk, rk;";
            var result = new List<TableEntity>();

            // Only the selected properties are decoded, unless a condition needs others (then the row is projected after).
            var where = query.Where ?? [];
            var decode = where.Count == 0 ? query.Select : null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entity = new TableEntity(reader.GetString(0), reader.GetString(1))
                {
                    ETag = new ETag(reader.GetString(3)),
                    Timestamp = Properties.Timestamp(reader.GetString(4)),
                };
                Properties.ReadInto(entity, reader.GetString(2), decode);
                if (where.Count == 0)
                {
                    result.Add(entity);
                }
                else if (Matches(entity, where))
                {
                    result.Add(Project(entity, query.Select));
                }
            }

            return result;
        }

        private static bool Matches(TableEntity entity, IReadOnlyList<KeyValuePair<string, string>> where) =>
            where.All(w => entity.TryGetValue(w.Key, out var v) && v is string s && s == w.Value);

        private static TableEntity Project(TableEntity entity, IReadOnlyList<string>? select)
        {
            if (select is null)
            {
                return entity;
            }

            var projected = new TableEntity(entity.PartitionKey, entity.RowKey) { ETag = entity.ETag, Timestamp = entity.Timestamp };
            foreach (var key in select)
            {
                if (entity.TryGetValue(key, out var value) && key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                {
                    projected[key] = value;
                }
            }

            return projected;
        }

        private (string, object?)[] Parameters(TableEntity entity) =>
        [
            ("$tbl", name),
            ("$pk", entity.PartitionKey ?? throw new ArgumentException("An entity needs a partition key.", nameof(entity))),
            ("$rk", entity.RowKey ?? throw new ArgumentException("An entity needs a row key.", nameof(entity))),
            ("$props", Properties.Write(entity)),
            ("$etag", $"W/\"{Guid.NewGuid():N}\""),
            ("$ts", store._clock.GetCurrentInstant().ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>Entity properties as JSON with their Table service types, so that a value reads back as the type it was written.</summary>
    internal static class Properties
    {
        private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

        public static string Write(TableEntity entity)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                foreach (var (key, value) in entity.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (Reserved.Contains(key) || value is null)
                    {
                        continue;
                    }

                    json.WriteStartArray(key);
                    switch (value)
                    {
                        case string s: json.WriteStringValue("s"); json.WriteStringValue(s); break;
                        case bool b: json.WriteStringValue("b"); json.WriteBooleanValue(b); break;
                        case int i: json.WriteStringValue("i"); json.WriteNumberValue(i); break;
                        case long l: json.WriteStringValue("l"); json.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); break;
                        case double d: json.WriteStringValue("d"); json.WriteStringValue(d.ToString("R", CultureInfo.InvariantCulture)); break;
                        case DateTimeOffset t: json.WriteStringValue("t"); json.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
                        case DateTime t: json.WriteStringValue("t"); json.WriteStringValue(new DateTimeOffset(t.ToUniversalTime()).ToString("O", CultureInfo.InvariantCulture)); break;
                        case Guid g: json.WriteStringValue("g"); json.WriteStringValue(g); break;
                        case byte[] x: json.WriteStringValue("x"); json.WriteBase64StringValue(x); break;
                        case BinaryData x: json.WriteStringValue("x"); json.WriteBase64StringValue(x.ToArray()); break;
                        default: throw new NotSupportedException($"Property {key} has type {value.GetType()}, which the Table service cannot store.");
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            return global::System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>
        /// Decodes the stored JSON into <paramref name="entity"/> with a forward-only reader (no document is built): every
        /// property, or only those in <paramref name="select"/>. The board reads a hundred thousand rows this way.
        /// </summary>
        public static void ReadInto(TableEntity entity, string text, IReadOnlyList<string>? select)
        {
            var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(global::System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
            try
            {
                var length = global::System.Text.Encoding.UTF8.GetBytes(text, rented);
                var json = new Utf8JsonReader(rented.AsSpan(0, length));
                Expect(ref json, JsonTokenType.StartObject);
                while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                {
                    var key = json.GetString()!;
                    Expect(ref json, JsonTokenType.StartArray);
                    Expect(ref json, JsonTokenType.String);
                    var type = json.ValueSpan.Length == 1 ? (char)json.ValueSpan[0] : '?';
                    json.Read();
                    if (select is null || Contains(select, key))
                    {
                        entity[key] = type switch
                        {
                            's' => json.GetString()!,
                            'b' => json.GetBoolean(),
                            'i' => json.GetInt32(),
                            'l' => long.Parse(json.GetString()!, CultureInfo.InvariantCulture),
                            'd' => double.Parse(json.GetString()!, CultureInfo.InvariantCulture),
                            't' => DateTimeOffset.Parse(json.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                            'g' => json.GetGuid(),
                            'x' => json.GetBytesFromBase64(),
                            _ => throw new InvalidDataException($"Unknown property type of '{key}' in the embedded store."),
                        };
                    }

                    Expect(ref json, JsonTokenType.EndArray);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }

        /// <summary>The row's timestamp, written as round-trip ("O") text.</summary>
        public static DateTimeOffset Timestamp(string text) =>
            DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var exact)
                ? exact
                : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        private static bool Contains(IReadOnlyList<string> select, string key)
        {
            for (var i = 0; i < select.Count; i++)
            {
                if (string.Equals(select[i], key, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Expect(ref Utf8JsonReader json, JsonTokenType token)
        {
            if (!json.Read() || json.TokenType != token)
            {
                throw new InvalidDataException($"The embedded store holds a row whose properties are not as written (expected {token}, found {json.TokenType}).");
            }
        }
    }
}
