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
/// The delivery ledger (送达记录): PartitionKey = event id, RowKey = {channel}:{person}, so all deliveries of an event are one
/// partition. A delivery is opened once (insert-if-absent) and updated only by whoever read its current version (ETag).
/// <c>Dispatch</c> names the message (<see cref="DispatchStore"/>) that carries it.
/// </summary>
public sealed class DeliveryLedger(IEntityTables tables)
{
    public const string TableName = "deliveries";

    /// <summary>Records the delivery as pending unless it is already recorded. True when this call opened it.</summary>
    public async Task<bool> Open(Delivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.AddIfAbsent(ToEntity(delivery), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Delivery?> Find(EventId @event, Channel channel, PersonId person, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(@event.Value, $"{channel}:{person.Value}", cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>Replaces the delivery if nobody changed it since it was read. False when someone did: read it again.</summary>
    public async Task<bool> Update(Delivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.ReplaceIfMatch(ToEntity(delivery), new ETag(delivery.Version ?? throw new ArgumentException($"Delivery {delivery.Id} was not read from the ledger.", nameof(delivery))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All deliveries of an event, by channel and person.</summary>
    public async Task<IReadOnlyList<Delivery>> OfEvent(EventId @event, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var list = new List<Delivery>();
        await foreach (var entity in table.Query(EntityQuery.Partition(@event.Value), cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(entity));
        }

        return list;
    }

    internal static TableEntity ToEntity(Delivery d)
    {
        var entity = new TableEntity(d.Event.Value, d.Key)
        {
            ["Event"] = d.Event.Value,
            ["Unit"] = d.Unit.Value,
            ["Channel"] = d.Channel.ToString(),
            ["Person"] = d.Person.Value,
            ["Role"] = d.Role.ToString(),
            ["IsCopy"] = d.IsCopy,
            ["Status"] = d.Status.ToString(),
            ["Attempts"] = d.Attempts,
            ["UpdatedAt"] = d.UpdatedAt.ToDateTimeOffset(),
        };
        if (d.ProviderId is not null)
        {
            entity["ProviderId"] = d.ProviderId;
        }

        if (d.LastError is not null)
        {
            entity["LastError"] = d.LastError;
        }

        if (d.MaskedAddress is not null)
        {
            entity["Address"] = d.MaskedAddress;
        }

        if (d.NextAttemptAt is { } next)
        {
            entity["NextAttemptAt"] = next.ToDateTimeOffset();
        }

        if (d.FirstAttemptAt is { } first)
        {
            entity["FirstAttemptAt"] = first.ToDateTimeOffset();
        }

        if (d.DispatchDay is { } day)
        {
            entity["DispatchDay"] = IsoDate.Format(day);
        }

        if (d.DispatchId is not null)
        {
            entity["Dispatch"] = d.DispatchId;
        }

        return entity;
    }

    internal static Delivery FromEntity(TableEntity e) => new(
        EventId.Parse(e.PartitionKey),
        new UnitId(e.GetString("Unit")),
        Enum.Parse<Channel>(e.GetString("Channel")),
        new PersonId(e.GetString("Person")),
        Enum.Parse<RecipientRole>(e.GetString("Role")),
        e.GetBoolean("IsCopy") ?? false,
        Enum.Parse<DeliveryStatus>(e.GetString("Status")),
        e.GetInt32("Attempts") ?? 0,
        e.GetString("ProviderId"),
        e.GetString("LastError"),
        e.GetString("Address"),
        e.GetDateTimeOffset("NextAttemptAt") is { } next ? Instant.FromDateTimeOffset(next) : null,
        Instant.FromDateTimeOffset(e.GetDateTimeOffset("UpdatedAt") ?? default))
    {
        Version = e.ETag.ToString(),
        FirstAttemptAt = e.GetDateTimeOffset("FirstAttemptAt") is { } first ? Instant.FromDateTimeOffset(first) : null,
        DispatchDay = IsoDate.TryParse(e.GetString("DispatchDay")),
        DispatchId = e.GetString("Dispatch"),
    };
}
