using Azure.Identity;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>Which tables a command works on: Azure Table Storage when configured, otherwise the embedded store.</summary>
internal static class StoreSettings
{
    public const string ConnectionStringKey = "Escalation__Tables__ConnectionString";
    public const string ServiceUriKey = "Escalation__Tables__ServiceUri";
    public const string LocalStoreKey = "Escalation__LocalStore";
    public const string DefaultLocalStore = ".local/store";

    /// <summary>
    /// As <see cref="Open"/>, for commands that only read (<c>run --dry-run</c>, <c>preview</c>): an embedded store that
    /// does not exist is an error (in Chinese, for admins) instead of being created empty.
    /// </summary>
    public static (IEntityTables? Tables, string? Error) OpenExisting(Options options, Func<string, string?> setting, IClock clock)
    {
        var azure = options.Get("store") is null
            && (options.Get("connection") is not null || setting(ServiceUriKey) is { Length: > 0 } || setting(ConnectionStringKey) is { Length: > 0 });
        var folder = options.Get("store") ?? (setting(LocalStoreKey) is { Length: > 0 } local ? local : DefaultLocalStore);
        if (!azure && !SqliteTables.Exists(folder))
        {
            return (null, $"存储 {Path.GetFullPath(folder)} 不存在（其中没有 tables.db）：请先用 import 导入数据，或用 --store 指定已有的存储目录。未创建任何文件。");
        }

        return Open(options, setting, clock);
    }

    /// <summary>
    /// <c>--store DIR</c> or <c>--connection STRING</c> on the command line win; then the settings
    /// (service URI with an Entra token, connection string); then the embedded store in <c>.local/store</c>.
    /// </summary>
    public static (IEntityTables? Tables, string? Error) Open(Options options, Func<string, string?> setting, IClock clock)
    {
        if (options.Get("store") is { } folder)
        {
            return (SqliteTables.Open(folder, clock), null);
        }

        if (options.Get("connection") is { } connection)
        {
            return (AzureTables.FromConnectionString(connection), null);
        }

        if (setting(ServiceUriKey) is { Length: > 0 } uri)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var serviceUri))
            {
                return (null, $"Setting {ServiceUriKey} = '{uri}' is not an absolute URI (https://<account>.table.core.windows.net).");
            }

            // In Azure the managed identity (AZURE_CLIENT_ID names a user-assigned one); on a laptop, az login.
            return (AzureTables.FromServiceUri(serviceUri, new DefaultAzureCredential()), null);
        }

        if (setting(ConnectionStringKey) is { Length: > 0 } connectionString)
        {
            return (AzureTables.FromConnectionString(connectionString), null);
        }

        return (SqliteTables.Open(setting(LocalStoreKey) is { Length: > 0 } local ? local : DefaultLocalStore, clock), null);
    }
}
