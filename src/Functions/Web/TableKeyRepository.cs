using System.Xml.Linq;
using Azure.Data.Tables;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Escalation.Functions.Web;

/// <summary>
/// ASP.NET Core data-protection keys (which protect the antiforgery tokens and the development sign-in cookie) kept in
/// the table <c>webkeys</c> of the store, so that every instance of the app in Azure (and every run of <c>web</c> over a
/// store) shares one key ring: a form served by one instance is accepted by another. One row per key, as data protection
/// writes it; it never changes or deletes a key (expired keys stay, as on the file system).
/// </summary>
internal sealed class TableKeyRepository(Func<IEntityTables> tables) : IXmlRepository
{
    public const string TableName = "webkeys";
    public const string Partition = "key";

    // Data protection calls these synchronously, at start and when it rolls a key (every 90 days): blocking is fine here.
    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(async () =>
    {
        var table = await tables().Table(TableName).ConfigureAwait(false);
        var keys = new List<XElement>();
        await foreach (var entity in table.Query(EntityQuery.Partition(Partition, ["Xml"])).ConfigureAwait(false))
        {
            if (entity.GetString("Xml") is { Length: > 0 } xml)
            {
                keys.Add(XElement.Parse(xml));
            }
        }

        return keys;
    }).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var row = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        Task.Run(async () =>
        {
            var table = await tables().Table(TableName).ConfigureAwait(false);
            await table.AddIfAbsent(new TableEntity(Partition, row) { ["Xml"] = element.ToString(SaveOptions.DisableFormatting) }).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
    }
}
