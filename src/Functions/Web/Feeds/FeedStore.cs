using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Web.Feeds;

/// <summary>Whose items a calendar feed lists: a person's own (<see cref="Person"/>), or one unit's (<see cref="Unit"/>).</summary>
internal enum FeedScope
{
    Person,
    Unit,
}

/// <summary>A calendar feed (日历订阅) as stored: who made it, what it lists, and whether it was revoked.</summary>
/// <param name="Hash">Lowercase hex SHA-256 of the token (the row key): the token itself is never stored.</param>
/// <param name="Person">Who created it; it lists what this person may see, checked again on every fetch.</param>
/// <param name="Scope">A person's items or a unit's.</param>
/// <param name="Unit">For a unit feed, the unit.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; null while it works.</param>
internal sealed record Feed(string Hash, PersonId Person, FeedScope Scope, UnitId? Unit, Instant CreatedAt, Instant? RevokedAt)
{
    /// <summary>The first characters of the hash: how the feeds page names a feed (the token cannot be shown again).</summary>
    public string ShortId => Hash[..8];
}

/// <summary>
/// The <c>feeds</c> table (日历订阅): one row per feed in the partition <c>feed</c>, keyed by the SHA-256 of its token, so
/// that a fetch is one point read and the store holds nothing that opens a feed. Tokens are 32 random bytes, base64url.
/// </summary>
internal sealed class FeedStore(IEntityTables tables)
{
    public const string TableName = "feeds";
    public const string Partition = "feed";

    /// <summary>A new token: 32 bytes from the system's cryptographic generator, base64url without padding (43 characters).</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256 of the token's UTF-8 text: the feed's row key.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text has the shape of a token (so that no other text reaches the store).</summary>
    public static bool LooksLikeToken(string? text) =>
        text is { Length: 43 } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Creates a feed and returns its token (the only time it exists outside the subscriber's calendar).</summary>
    public async Task<(string Token, Feed Feed)> Create(PersonId person, FeedScope scope, UnitId? unit, Instant at, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var token = NewToken();
            var feed = new Feed(HashOf(token), person, scope, unit, at, null);
            if (await table.AddIfAbsent(ToEntity(feed), cancellationToken).ConfigureAwait(false))
            {
                return (token, feed);
            }
        }
    }

    /// <summary>The feed a token opens, revoked or not; null for a token of no feed.</summary>
    public async Task<Feed?> Find(string token, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        return await table.Find(Partition, HashOf(token), null, cancellationToken).ConfigureAwait(false) is { } entity ? FromEntity(entity) : null;
    }

    /// <summary>The feeds a person created, newest first.</summary>
    public async Task<IReadOnlyList<Feed>> Of(PersonId person, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        var feeds = new List<Feed>();
        await foreach (var entity in table.Query(new EntityQuery(Partition).WhereEquals("Person", person.Value), cancellationToken).ConfigureAwait(false))
        {
            if (FromEntity(entity) is { } feed)
            {
                feeds.Add(feed);
            }
        }

        return [.. feeds.OrderByDescending(f => f.CreatedAt).ThenBy(f => f.Hash, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Revokes the person's feed of that hash (the row key; the hash opens nothing, so the page may carry it): true when it
    /// was theirs and working (it is revoked now), false when they have no working feed of that hash.
    /// </summary>
    public async Task<bool> Revoke(PersonId person, string hash, Instant at, CancellationToken cancellationToken = default)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        var table = await tables.Table(TableName, cancellationToken).ConfigureAwait(false);
        if (await table.Find(Partition, hash, null, cancellationToken).ConfigureAwait(false) is not { } entity
            || FromEntity(entity) is not { RevokedAt: null } feed || feed.Person != person)
        {
            return false;
        }

        await table.Merge(new TableEntity(Partition, hash) { ["RevokedAt"] = at.ToDateTimeOffset() }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static TableEntity ToEntity(Feed feed)
    {
        var entity = new TableEntity(Partition, feed.Hash)
        {
            ["Person"] = feed.Person.Value,
            ["Scope"] = feed.Scope == FeedScope.Unit ? "unit" : "person",
            ["CreatedAt"] = feed.CreatedAt.ToDateTimeOffset(),
        };
        if (feed.Unit is { } unit)
        {
            entity["Unit"] = unit.Value;
        }

        return entity;
    }

    /// <summary>The feed of a row; null for a row that is not one (edited by hand), which then opens nothing.</summary>
    private static Feed? FromEntity(TableEntity entity)
    {
        var person = entity.GetString("Person");
        var scope = entity.GetString("Scope") switch
        {
            "person" => FeedScope.Person,
            "unit" => FeedScope.Unit,
            _ => (FeedScope?)null,
        };
        var unit = entity.GetString("Unit");
        if (!UnitId.IsValid(person) || scope is null || entity.GetDateTimeOffset("CreatedAt") is not { } created
            || (scope == FeedScope.Unit && !UnitId.IsValid(unit)) || entity.RowKey.Length < 8)
        {
            return null;
        }

        return new Feed(entity.RowKey, new PersonId(person), scope.Value, UnitId.IsValid(unit) ? new UnitId(unit!) : null,
            Instant.FromDateTimeOffset(created), entity.GetDateTimeOffset("RevokedAt") is { } revoked ? Instant.FromDateTimeOffset(revoked) : null);
    }
}
