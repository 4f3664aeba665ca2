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
    /// The store a command works on, which must exist: <c>--store DIR</c> or <c>--connection STRING</c> on the command line
    /// win; then the settings (service URI with an Entra token, connection string); then the embedded store in
    /// <c>.local/store</c>. An embedded store that does not exist is an error (a mistyped folder must not look like an
    /// empty city): only <see cref="OpenOrCreate"/> (import) makes one.
    /// </summary>
    public static (IEntityTables? Tables, string? Error) Open(Options options, Func<string, string?> setting, IClock clock) =>
        Open(options, setting, clock, create: false);

    /// <summary>As <see cref="Open(Options, Func{string, string?}, IClock)"/>, creating an embedded store that does not exist yet.</summary>
    public static (IEntityTables? Tables, string? Error) OpenOrCreate(Options options, Func<string, string?> setting, IClock clock) =>
        Open(options, setting, clock, create: true);

    private static (IEntityTables? Tables, string? Error) Open(Options options, Func<string, string?> setting, IClock clock, bool create)
    {
        (IEntityTables? Tables, string? Error) Embedded(string folder, string from) =>
            create || SqliteTables.Exists(folder)
                ? (SqliteTables.Open(folder, clock), null)
                : (null, $"错误：本地存储 {Path.GetFullPath(folder)} 不存在（{from}）。请先用 import 导入数据建立存储，或检查文件夹是否写错。");

        if (options.Get("store") is { } folder)
        {
            return Embedded(folder, "--store");
        }

        if (options.Get("connection") is { } connection)
        {
            return (AzureTables.FromConnectionString(connection), null);
        }

        if (setting(ServiceUriKey) is { Length: > 0 } uri)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var serviceUri))
            {
                return (null, $"错误：设置 {ServiceUriKey} = '{uri}' 不是绝对 URI，应写成 https://<存储帐户>.table.core.windows.net。");
            }

            // In Azure the managed identity (AZURE_CLIENT_ID names a user-assigned one); on a laptop, az login.
            return (AzureTables.FromServiceUri(serviceUri, new DefaultAzureCredential()), null);
        }

        if (setting(ConnectionStringKey) is { Length: > 0 } connectionString)
        {
            return (AzureTables.FromConnectionString(connectionString), null);
        }

        return setting(LocalStoreKey) is { Length: > 0 } local
            ? Embedded(local, $"设置 {LocalStoreKey}")
            : Embedded(DefaultLocalStore, "默认位置；可用 --store 指定");
    }
}
