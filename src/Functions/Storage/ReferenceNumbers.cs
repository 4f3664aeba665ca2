using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Events;

namespace Escalation.Functions.Storage;

/// <summary>
/// The references (文号) the engine assigns, in the engine table <c>references</c>, three kinds of row:
/// <list type="bullet">
/// <item>a counter per year (PartitionKey <c>counter</c>, RowKey the year): <c>Last</c>, the last number handed out,
/// taken with an ETag check so that two allocators never take the same number;</item>
/// <item>a row per number (PartitionKey the year, RowKey the number's digits, <c>0123</c>): the event it was given to,
/// inserted if absent;</item>
/// <item>a row per event (PartitionKey <c>event</c>, RowKey the event id): its reference, inserted if absent, so the
/// first allocator to get there fixes the event's number for good.</item>
/// </list>
/// An event's number is the one its event row names. Steps in that order: a crash after taking a number and before the
/// event row leaves a gap (the next attempt takes a new number), two allocators racing for one event both take a number
/// and the loser's becomes a gap (its number row is marked <c>Void</c>); never two numbers shown for one event, never one
/// number for two.
/// </summary>
public sealed class ReferenceNumbers(IEntityTables tables)
{
    public const string TableName = "references";

    /// <summary>The partition of the yearly counters.</summary>
    public const string CounterPartition = "counter";

    /// <summary>The partition of the rows per event.</summary>
    public const string EventPartition = "event";

    private const int MaxRaces = 50;

    /// <summary>
    /// The reference of the event: the one assigned before, or a new one of <paramref name="year"/>, written with
    /// <paramref name="prefix"/> (the prefix of an earlier assignment stays).
    /// </summary>
    public async Task<string> Assign(EventId id, int year, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        if (await Assigned(table, id, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }

        for (var race = 0; race < MaxRaces; race++)
        {
            var reference = new ReferenceNumber(year, await Take(table, year, cancellationToken).ConfigureAwait(false));
            var text = reference.Format(prefix);
            var number = new TableEntity(YearPartition(year), reference.Digits) { ["Event"] = id.Value, ["Reference"] = text };
            if (!await table.AddIfAbsent(number, cancellationToken).ConfigureAwait(false))
            {
                // The counter was behind its numbers (restored from a backup, edited by hand): take the next one.
                continue;
            }

            var mine = new TableEntity(EventPartition, id.Value) { ["Reference"] = text, ["Year"] = year, ["Sequence"] = reference.Sequence };
            if (await table.AddIfAbsent(mine, cancellationToken).ConfigureAwait(false))
            {
                return text;
            }

            // Another allocator numbered the event first: its number stands, this one is a gap.
            await table.Merge(new TableEntity(YearPartition(year), reference.Digits) { ["Void"] = true }, cancellationToken).ConfigureAwait(false);
            return await Assigned(table, id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Event {id} has a row in {TableName} that could not be read back.");
        }

        throw new RequestFailedException(412, $"The counter of {year} in {TableName} kept changing under {MaxRaces} attempts to take a number.");
    }

    /// <summary>The reference assigned to the event, or null.</summary>
    public async Task<string?> Of(EventId id, CancellationToken cancellationToken = default) =>
        await Assigned(await tables.Table(TableName, cancellationToken).ConfigureAwait(false), id, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The event a reference was assigned to, whatever form it was written in; null when no event has it (never assigned,
    /// or a gap: a number taken and not given).
    /// </summary>
    public async Task<EventId?> Resolve(ReferenceNumber reference, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        if (await table.Find(YearPartition(reference.Year), reference.Digits, cancellationToken: cancellationToken).ConfigureAwait(false) is not { } number
            || number.GetBoolean("Void") == true
            || !EventId.TryParse(number.GetString("Event"), out var id))
        {
            return null;
        }

        // The event row decides: a number whose event has another one (a crash before Void was written) is a gap.
        return await Assigned(table, id, cancellationToken).ConfigureAwait(false) is { } assigned
            && ReferenceNumber.TryParse(assigned, out var its) && its == reference
            ? id
            : null;
    }

    /// <summary>The last number handed out in each year, for the record (and tests).</summary>
    public async Task<int> Last(int year, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.Find(CounterPartition, YearKey(year), cancellationToken: cancellationToken).ConfigureAwait(false) is { } counter
            ? counter.GetInt32("Last") ?? 0
            : 0;
    }

    /// <summary>Takes the next number of the year: insert-if-absent for the first, then replace-if-match on the counter.</summary>
    private static async Task<int> Take(IEntityTable table, int year, CancellationToken cancellationToken)
    {
        for (var race = 0; race < MaxRaces; race++)
        {
            var counter = await table.Find(CounterPartition, YearKey(year), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (counter is null)
            {
                if (await table.AddIfAbsent(new TableEntity(CounterPartition, YearKey(year)) { ["Last"] = 1 }, cancellationToken).ConfigureAwait(false))
                {
                    return 1;
                }

                continue;
            }

            var next = (counter.GetInt32("Last") ?? 0) + 1;
            if (await table.ReplaceIfMatch(new TableEntity(CounterPartition, YearKey(year)) { ["Last"] = next }, counter.ETag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new RequestFailedException(412, $"The counter of {year} in {TableName} kept changing under {MaxRaces} attempts to take a number.");
    }

    private static async Task<string?> Assigned(IEntityTable table, EventId id, CancellationToken cancellationToken) =>
        await table.Find(EventPartition, id.Value, cancellationToken: cancellationToken).ConfigureAwait(false) is { } row
            && row.GetString("Reference") is { Length: > 0 } text
            ? text
            : null;

    private static string YearKey(int year) => year.ToString(CultureInfo.InvariantCulture);

    private static string YearPartition(int year) => YearKey(year);
}
