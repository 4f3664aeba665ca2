using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>
/// The messages (合并消息): PartitionKey = <c>{channel}:{person}</c>, RowKey = <c>{yyyyMMdd}:{level}:{sequence}</c>, so one
/// person's messages of one day and level are one row-key prefix. A message is started once (insert-if-absent) and
/// changed only by whoever read its current version (ETag): joining an event and claiming it for sending race on it, and
/// exactly one wins.
/// </summary>
public sealed class DispatchStore(IEntityTables tables)
{
    public const string TableName = "dispatches";

    // Ids as they are (Chinese unit ids are not escaped to \uXXXX): the list stays within a Table Storage string's 32K characters.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every message of one person, channel, day and level (all sequences), in sequence order.</summary>
    public async Task<IReadOnlyList<Dispatch>> Slot(DispatchKey first, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(first);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var list = new List<Dispatch>();
        await foreach (var entity in table.Query(EntityQuery.Prefix(first.Partition, DispatchKey.SlotPrefix(first.Day, first.Level)), cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(entity));
        }

        return list;
    }

    /// <summary>
    /// How many messages to <paramref name="person"/> on <paramref name="channel"/> were sent on the local
    /// <paramref name="day"/> (<see cref="DeliveryDecisions.SentOn"/>): the sent messages of the partition for the last
    /// <see cref="RecentDays"/> days (a message deferred across a long holiday still counts on the day it goes).
    /// </summary>
    public async Task<int> SentOn(Channel channel, PersonId person, LocalDate day, DateTimeZone zone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var partition = new DispatchKey(channel, person, day, EventLevel.Reminder, 1).Partition;
        var from = DispatchKey.SlotPrefix(day.PlusDays(-RecentDays), EventLevel.Reminder)[..8];
        var query = new EntityQuery(partition, from, null).WhereEquals("Status", nameof(DispatchStatus.Sent));
        var sent = new List<Dispatch>();
        await foreach (var entity in table.Query(query, cancellationToken).ConfigureAwait(false))
        {
            sent.Add(FromEntity(entity));
        }

        return DeliveryDecisions.SentOn(sent, day, zone);
    }

    /// <summary>
    /// The messages that failed for good whose day is within <paramref name="days"/> (the weekly list's failed deliveries):
    /// one query over the table filtered on the status, since failures are few.
    /// </summary>
    public async Task<IReadOnlyList<Dispatch>> Failed(DateInterval days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(days);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var failed = new List<Dispatch>();
        await foreach (var entity in table.Query(EntityQuery.WholeTable().WhereEquals("Status", nameof(DispatchStatus.Failed)), cancellationToken).ConfigureAwait(false))
        {
            var dispatch = FromEntity(entity);
            if (days.Contains(dispatch.Key.Day))
            {
                failed.Add(dispatch);
            }
        }

        return failed;
    }

    /// <summary>How far back <see cref="SentOn"/> looks for messages sent late.</summary>
    public const int RecentDays = 31;

    public async Task<Dispatch?> Find(DispatchKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(key.Partition, key.Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>Starts the message unless it exists. True when this call started it.</summary>
    public async Task<bool> Add(Dispatch dispatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.AddIfAbsent(ToEntity(dispatch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the message if nobody changed it since it was read. False when someone did: read it again.</summary>
    public async Task<bool> Update(Dispatch dispatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var version = dispatch.Version ?? throw new ArgumentException($"Message {dispatch.Key} was not read from the store.", nameof(dispatch));
        return await table.ReplaceIfMatch(ToEntity(dispatch), new ETag(version), cancellationToken).ConfigureAwait(false);
    }

    internal static TableEntity ToEntity(Dispatch d)
    {
        var entity = new TableEntity(d.Key.Partition, d.Key.Row)
        {
            ["Channel"] = d.Key.Channel.ToString(),
            ["Person"] = d.Key.Person.Value,
            ["Day"] = IsoDate.Format(d.Key.Day),
            ["Level"] = d.Key.Level.ToString(),
            ["Sequence"] = d.Key.Sequence,
            ["Status"] = d.Status.ToString(),
            ["Items"] = JsonSerializer.Serialize(d.Items.Select(i => new ItemRow(i.Event.Value, i.Unit.Value, i.IsCopy)), Json),
            ["SendAt"] = d.SendAt.ToDateTimeOffset(),
            ["Attempts"] = d.Attempts,
            ["UpdatedAt"] = d.UpdatedAt.ToDateTimeOffset(),
        };
        void Optional(string name, object? value)
        {
            if (value is not null)
            {
                entity[name] = value;
            }
        }

        Optional("FirstAttemptAt", d.FirstAttemptAt?.ToDateTimeOffset());
        Optional("UnconfirmedSince", d.UnconfirmedSince?.ToDateTimeOffset());
        Optional("NextAttemptAt", d.NextAttemptAt?.ToDateTimeOffset());
        Optional("ProviderId", d.ProviderId);
        Optional("LastError", d.LastError);
        Optional("Address", d.MaskedAddress);
        Optional("MovedTo", d.MovedTo?.Id);
        return entity;
    }

    internal static Dispatch FromEntity(TableEntity e)
    {
        var key = new DispatchKey(
            Enum.Parse<Channel>(e.GetString("Channel")),
            new PersonId(e.GetString("Person")),
            IsoDate.TryParse(e.GetString("Day")) ?? throw new FormatException($"Message {e.PartitionKey}/{e.RowKey} has no day."),
            Enum.Parse<EventLevel>(e.GetString("Level")),
            e.GetInt32("Sequence") ?? 1);
        var items = JsonSerializer.Deserialize<List<ItemRow>>(e.GetString("Items") ?? "[]", Json) ?? [];
        static Instant? At(DateTimeOffset? value) => value is { } v ? Instant.FromDateTimeOffset(v) : null;
        return new Dispatch(
            key,
            Enum.Parse<DispatchStatus>(e.GetString("Status")),
            [.. items.Select(i => new DispatchItem(EventId.Parse(i.Event), new UnitId(i.Unit), i.Copy))],
            At(e.GetDateTimeOffset("SendAt")) ?? default,
            e.GetInt32("Attempts") ?? 0,
            At(e.GetDateTimeOffset("NextAttemptAt")),
            e.GetString("ProviderId"),
            e.GetString("LastError"),
            e.GetString("Address"),
            At(e.GetDateTimeOffset("UpdatedAt")) ?? default)
        {
            FirstAttemptAt = At(e.GetDateTimeOffset("FirstAttemptAt")),
            UnconfirmedSince = At(e.GetDateTimeOffset("UnconfirmedSince")),
            MovedTo = e.GetString("MovedTo") is { } movedTo
                ? DispatchKey.TryParse(movedTo) ?? throw new FormatException($"Message {e.PartitionKey}/{e.RowKey} has MovedTo '{movedTo}', which is not a message id.")
                : null,
            Version = e.ETag.ToString(),
        };
    }

    private sealed record ItemRow(string Event, string Unit, bool Copy);
}
