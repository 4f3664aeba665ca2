using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Digests;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>Where one digest stands: claimed (being sent) or issued (every recipient settled).</summary>
public enum DigestStatus
{
    Claimed,
    Issued,
}

/// <summary>A digest's claim: the first run that inserted it issues the digest, as of <paramref name="IssuedOn"/>.</summary>
/// <param name="Period">The digest.</param>
/// <param name="IssuedOn">The day it is issued (every retry renders it as of that day).</param>
/// <param name="Status">Claimed, or Issued once every recipient is settled.</param>
/// <param name="Missing">For a monthly notice issued with data missing: what was missing, in Chinese; else null.</param>
/// <param name="ClaimedAt">When it was claimed.</param>
public sealed record DigestClaim(DigestPeriod Period, LocalDate IssuedOn, DigestStatus Status, string? Missing, Instant ClaimedAt)
{
    public string? Version { get; init; }
}

/// <summary>How far one recipient's copy of a digest got.</summary>
public enum DigestDeliveryStatus
{
    /// <summary>Recorded, not yet attempted (or a transient failure: the next run tries again).</summary>
    Pending,

    /// <summary>A run holds it until <see cref="DigestDelivery.LeaseUntil"/> while it sends.</summary>
    Sending,

    Sent,

    /// <summary>Rejected by the provider, or still failing after the last attempt.</summary>
    Failed,

    /// <summary>Not sent on purpose: the person has no email address.</summary>
    Skipped,
}

/// <summary>One recipient's copy of a digest: a row of the digests table under the digest's partition.</summary>
/// <param name="Period">The digest.</param>
/// <param name="Channel">The channel (email).</param>
/// <param name="Person">The recipient.</param>
/// <param name="Parts">The units whose parts of the weekly list they receive, by id (one, or several for a principal of
/// several listed units: one copy with each part); empty for the whole digest.</param>
/// <param name="Status">How far it got.</param>
/// <param name="Attempts">Sending attempts so far.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record DigestDelivery(DigestPeriod Period, Channel Channel, PersonId Person, IReadOnlyList<UnitId> Parts, DigestDeliveryStatus Status, int Attempts, Instant UpdatedAt)
{
    public Instant? LeaseUntil { get; init; }

    /// <summary>The provider's id, or the outbox file (<c>email/….eml</c>).</summary>
    public string? ProviderId { get; init; }

    public string? LastError { get; init; }

    public string? MaskedAddress { get; init; }

    public string? Version { get; init; }

    /// <summary>The row key: <c>{channel}:{person}</c>.</summary>
    public string Key => $"{Channel}:{Person.Value}";

    /// <summary>The message id the providers' idempotency keys derive from: <c>{digest}:{channel}:{person}</c>.</summary>
    public string Id => $"{Period.Key}:{Key}";

    public bool IsFinal => Status is DigestDeliveryStatus.Sent or DigestDeliveryStatus.Failed or DigestDeliveryStatus.Skipped;
}

/// <summary>
/// The digests table (督查清单和通报): PartitionKey = the digest (<c>week:2026-W23</c>, <c>month:2026-06</c>); RowKey
/// <c>claim</c> for the claim, inserted once (insert-if-absent) by the run that issues it, and <c>{channel}:{person}</c>
/// for each recipient's copy, inserted once and changed only by whoever read its current version (ETag), so that a retried
/// or overlapping run never sends a copy twice.
/// </summary>
public sealed class DigestStore(IEntityTables tables)
{
    public const string TableName = "digests";

    /// <summary>The claim row's key.</summary>
    public const string ClaimRow = "claim";

    /// <summary>Inserts the claim unless there is one; returns the claim as stored (this call's, or the earlier one).</summary>
    public async Task<(DigestClaim Claim, bool Claimed)> Claim(DigestClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        if (await table.AddIfAbsent(ToEntity(claim), cancellationToken).ConfigureAwait(false))
        {
            return (await FindClaim(claim.Period, cancellationToken).ConfigureAwait(false) ?? claim, true);
        }

        return (await FindClaim(claim.Period, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Digest {claim.Period} was claimed but its claim row is gone."), false);
    }

    public async Task<DigestClaim?> FindClaim(DigestPeriod period, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(period.Key, ClaimRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ClaimFrom(entity);
    }

    /// <summary>Marks the claim issued (every copy settled); false when someone changed it since it was read.</summary>
    public async Task<bool> MarkIssued(DigestClaim claim, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(claim with { Status = DigestStatus.Issued });
        entity["UpdatedAt"] = now.ToDateTimeOffset();
        return await table.ReplaceIfMatch(entity, new ETag(claim.Version ?? throw new ArgumentException("The claim was not read from the store.", nameof(claim))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the copy as pending unless it is recorded; returns the copy as stored.</summary>
    public async Task<DigestDelivery> Open(DigestDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        await table.AddIfAbsent(ToEntity(delivery), cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(delivery.Period.Key, delivery.Key, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Digest copy {delivery.Id} is gone right after it was recorded.");
        return DeliveryFrom(entity);
    }

    /// <summary>Replaces the copy if nobody changed it since it was read. False when someone did.</summary>
    public async Task<bool> Update(DigestDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.ReplaceIfMatch(ToEntity(delivery), new ETag(delivery.Version ?? throw new ArgumentException($"Digest copy {delivery.Id} was not read from the store.", nameof(delivery))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One copy (<see cref="DigestDelivery.Key"/>), or null.</summary>
    public async Task<DigestDelivery?> Find(DigestPeriod period, string key, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var entity = await table.Find(period.Key, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity is null ? null : DeliveryFrom(entity);
    }

    /// <summary>Every copy of a digest, by row key.</summary>
    public async Task<IReadOnlyList<DigestDelivery>> Deliveries(DigestPeriod period, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var list = new List<DigestDelivery>();
        await foreach (var entity in table.Query(EntityQuery.Partition(period.Key), cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey != ClaimRow)
            {
                list.Add(DeliveryFrom(entity));
            }
        }

        return list;
    }

    internal static TableEntity ToEntity(DigestClaim c)
    {
        var entity = new TableEntity(c.Period.Key, ClaimRow)
        {
            ["Kind"] = c.Period.Kind.ToString(),
            ["Period"] = c.Period.Period.Key,
            ["IssuedOn"] = IsoDate.Format(c.IssuedOn),
            ["Status"] = c.Status.ToString(),
            ["ClaimedAt"] = c.ClaimedAt.ToDateTimeOffset(),
            ["UpdatedAt"] = c.ClaimedAt.ToDateTimeOffset(),
        };
        if (c.Missing is not null)
        {
            entity["Missing"] = c.Missing;
        }

        return entity;
    }

    internal static DigestClaim ClaimFrom(TableEntity e) => new(
        DigestPeriod.TryParse(e.PartitionKey) ?? throw new FormatException($"Digest row {e.PartitionKey}/{e.RowKey}: the partition is not a digest key."),
        IsoDate.TryParse(e.GetString("IssuedOn")) ?? throw new FormatException($"Digest {e.PartitionKey} has no IssuedOn date."),
        Enum.Parse<DigestStatus>(e.GetString("Status")),
        e.GetString("Missing"),
        Instant.FromDateTimeOffset(e.GetDateTimeOffset("ClaimedAt") ?? default))
    {
        Version = e.ETag.ToString(),
    };

    internal static TableEntity ToEntity(DigestDelivery d)
    {
        var entity = new TableEntity(d.Period.Key, d.Key)
        {
            ["Channel"] = d.Channel.ToString(),
            ["Person"] = d.Person.Value,
            ["Status"] = d.Status.ToString(),
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

        Optional("Part", d.Parts.Count == 0 ? null : string.Join(",", d.Parts.Select(u => u.Value)));
        Optional("LeaseUntil", d.LeaseUntil?.ToDateTimeOffset());
        Optional("ProviderId", d.ProviderId);
        Optional("LastError", d.LastError);
        Optional("Address", d.MaskedAddress);
        return entity;
    }

    internal static DigestDelivery DeliveryFrom(TableEntity e) => new(
        DigestPeriod.TryParse(e.PartitionKey) ?? throw new FormatException($"Digest row {e.PartitionKey}/{e.RowKey}: the partition is not a digest key."),
        Enum.Parse<Channel>(e.GetString("Channel")),
        new PersonId(e.GetString("Person")),
        e.GetString("Part") is { Length: > 0 } parts ? [.. parts.Split(',').Select(u => new UnitId(u))] : [],
        Enum.Parse<DigestDeliveryStatus>(e.GetString("Status")),
        e.GetInt32("Attempts") ?? 0,
        Instant.FromDateTimeOffset(e.GetDateTimeOffset("UpdatedAt") ?? default))
    {
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil") is { } lease ? Instant.FromDateTimeOffset(lease) : null,
        ProviderId = e.GetString("ProviderId"),
        LastError = e.GetString("LastError"),
        MaskedAddress = e.GetString("Address"),
        Version = e.ETag.ToString(),
    };
}
