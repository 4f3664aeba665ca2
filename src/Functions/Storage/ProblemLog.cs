using System.Text;
using Azure.Data.Tables;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>A problem as the problems table holds it.</summary>
public sealed record ProblemRecord(string Scope, Problem Problem, bool Open, Instant FirstSeen, Instant LastSeen, Instant? ResolvedAt);

/// <summary>What reconciling a scope did.</summary>
public readonly record struct ProblemCount(int Open, int New, int Resolved);

/// <summary>
/// The problems table (问题): bad input found while reading tables, one row per (table, key, field), kept until the input
/// is fixed. PartitionKey = the scope that was validated (<c>config</c>, a unit id, <c>ind:{indicator}</c>, or <c>import</c>); RowKey =
/// {table}|{key}|{field}, with characters keys may not hold written as %XX. Each validation of a scope reconciles it:
/// problems seen again get a new LastSeen, new ones are added, and open ones no longer seen are marked resolved.
/// </summary>
public sealed class ProblemLog(IEntityTables tables)
{
    public const string TableName = "problems";

    /// <summary>The scope of the configuration tables (units, people, rules, templates, plans, calendar, settings).</summary>
    public const string ConfigScope = "config";

    /// <summary>
    /// The scope of an indicator: its values' and exemptions' problems and what its evaluation found, reconciled by the
    /// indicator's evaluation and by <c>check</c>: <c>ind:</c> and the indicator id, as events name the indicator.
    /// </summary>
    public static string IndicatorScope(Domain.Indicators.IndicatorId indicator) => Domain.Indicators.IndicatorItem.For(indicator).Value;

    /// <summary>The scope of rows an import rejected.</summary>
    public const string ImportScope = "import";

    /// <summary>The scope of what <c>check</c> finds missing in smstemplates for a mainland SMS gateway.</summary>
    public const string SmsGatewayScope = "sms-gateway";

    /// <summary>The scope of what <c>check</c> finds missing in the group robots' settings (webhooks, DingTalk security).</summary>
    public const string RobotSettingsScope = "robot-settings";

    public async Task<ProblemCount> Reconcile(string scope, IReadOnlyList<Problem> current, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var entity in table.Query(EntityQuery.Partition(Escape(scope)), cancellationToken).ConfigureAwait(false))
        {
            stored[entity.RowKey] = entity;
        }

        var writes = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        var added = 0;
        foreach (var problem in current)
        {
            var key = RowKey(problem);
            var entity = ToEntity(scope, problem, now);
            if (stored.TryGetValue(key, out var before) && before.GetString("Status") == "Open")
            {
                entity["FirstSeen"] = before.GetDateTimeOffset("FirstSeen") ?? now.ToDateTimeOffset();
            }
            else if (!writes.ContainsKey(key))
            {
                added++;
            }

            writes[key] = entity;
        }

        var resolved = 0;
        foreach (var (key, entity) in stored)
        {
            if (!writes.ContainsKey(key) && entity.GetString("Status") == "Open")
            {
                entity["Status"] = "Resolved";
                entity["ResolvedAt"] = now.ToDateTimeOffset();
                writes[key] = entity;
                resolved++;
            }
        }

        await table.UpsertAll([.. writes.Values], cancellationToken).ConfigureAwait(false);
        return new ProblemCount(writes.Values.Count(e => e.GetString("Status") == "Open"), added, resolved);
    }

    /// <summary>The problems of a scope, open first.</summary>
    public async Task<IReadOnlyList<ProblemRecord>> Of(string scope, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var list = new List<ProblemRecord>();
        await foreach (var e in table.Query(EntityQuery.Partition(Escape(scope)), cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ProblemRecord(
                e.GetString("Scope"),
                new Problem(e.GetString("Table"), e.GetString("Key"), e.GetString("Field"), e.GetString("Value"), e.GetString("Reason")),
                e.GetString("Status") == "Open",
                Instant.FromDateTimeOffset(e.GetDateTimeOffset("FirstSeen") ?? default),
                Instant.FromDateTimeOffset(e.GetDateTimeOffset("LastSeen") ?? default),
                e.GetDateTimeOffset("ResolvedAt") is { } at ? Instant.FromDateTimeOffset(at) : null));
        }

        return [.. list.OrderByDescending(p => p.Open)];
    }

    private static TableEntity ToEntity(string scope, Problem problem, Instant now)
    {
        var entity = new TableEntity(Escape(scope), RowKey(problem))
        {
            ["Scope"] = scope,
            ["Table"] = problem.Table,
            ["Key"] = problem.Key,
            ["Field"] = problem.Field,
            ["Reason"] = problem.Reason,
            ["Status"] = "Open",
            ["FirstSeen"] = now.ToDateTimeOffset(),
            ["LastSeen"] = now.ToDateTimeOffset(),
        };
        if (problem.Value is not null)
        {
            // The value as it was found, cut to what a property holds comfortably (an admin may paste a whole paragraph).
            entity["Value"] = problem.Value.Length > 1000 ? problem.Value[..1000] + "…" : problem.Value;
        }

        return entity;
    }

    internal static string RowKey(Problem problem) => Escape($"{problem.Table}|{problem.Key}|{problem.Field}");

    /// <summary>Writes / \ # ? % and control characters as %XX, the characters table keys may not hold (and % itself).</summary>
    internal static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        var escaped = builder.ToString();

        // Keys are limited to 1 KiB; a key this long is itself the problem, so keep it recognisable and unique enough.
        return escaped.Length > 400 ? escaped[..400] : escaped;
    }
}
