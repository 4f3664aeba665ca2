using System.Diagnostics;
using System.Text.Json;
using Escalation.Functions.Commands;

namespace Escalation.Functions.Tests.Deploy;

/// <summary>
/// What infra/bicep would deploy, as the pinned Bicep CLI predicts it (<c>bicep snapshot</c>): every resource of every
/// module with its name and properties evaluated for a given parameter file, subscription and resource group. Values
/// known only once deployed (an identity's client id, an endpoint) stay ARM expressions such as <c>[reference(...)]</c>.
/// ./test.sh restores the CLI and passes its path in ESCALATION_TEST_BICEP.
/// </summary>
public sealed class BicepSnapshot
{
    public const string Variable = "ESCALATION_TEST_BICEP";
    public const string Subscription = "00000000-0000-0000-0000-0000000000e5";
    public const string ResourceGroup = "rg-escalation-test";

    private BicepSnapshot(IReadOnlyList<PredictedResource> resources) => Resources = resources;

    public IReadOnlyList<PredictedResource> Resources { get; }

    /// <summary>The default deployment: main.bicepparam as shipped, with no environment variables set.</summary>
    public static Task<BicepSnapshot> Default { get; } = Take(null);

    /// <summary>
    /// Takes a snapshot of main.bicep with <paramref name="parameters"/> as the .bicepparam text (null: main.bicepparam),
    /// with <paramref name="environment"/> as the only ESCALATION_* / AZURE_* variables readEnvironmentVariable() sees.
    /// </summary>
    public static async Task<BicepSnapshot> Take(string? parameters, IReadOnlyDictionary<string, string>? environment = null)
    {
        var bicep = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(bicep) || !File.Exists(bicep))
        {
            // Not a skip: the templates must agree with the app. ./test.sh restores the CLI (tools/bicep.sh).
            throw new InvalidOperationException(
                $"{Variable} is not set to the bicep binary. Run ./test.sh, or `source tools/bicep.sh && install_bicep /dev/null` and export {Variable}=\"$BICEP\".");
        }

        // A copy, because the snapshot is written beside the parameter file.
        var folder = Directory.CreateTempSubdirectory("bicep-snapshot-");
        try
        {
            Copy(Path.Combine(Repo.Root, "infra", "bicep"), folder.FullName);
            var file = Path.Combine(folder.FullName, parameters is null ? "main.bicepparam" : "test.bicepparam");
            if (parameters is not null)
            {
                await File.WriteAllTextAsync(file, parameters).ConfigureAwait(false);
            }

            var start = new ProcessStartInfo(bicep)
            {
                ArgumentList =
                {
                    "snapshot", file, "--mode", "overwrite",
                    "--subscription-id", Subscription, "--resource-group", ResourceGroup, "--location", "eastasia",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // readEnvironmentVariable() in main.bicepparam must see the defaults, whatever the developer's shell holds.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ESCALATION_", StringComparison.Ordinal) || k.StartsWith("AZURE_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"bicep snapshot exited {process.ExitCode}: {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
            }

            var snapshot = Path.ChangeExtension(file, ".snapshot.json");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(snapshot).ConfigureAwait(false));
            var diagnostics = json.RootElement.GetProperty("diagnostics");
            if (diagnostics.GetArrayLength() > 0)
            {
                throw new InvalidOperationException($"bicep snapshot reported: {diagnostics}");
            }

            return new BicepSnapshot([.. json.RootElement.GetProperty("predictedResources").EnumerateArray().Select(PredictedResource.From)]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public IEnumerable<PredictedResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public PredictedResource One(string type) => Assert.Single(OfType(type));

    /// <summary>The Function App's app settings, name to value (an ARM expression where only the deployment knows it).</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        One("Microsoft.Web/sites").Properties.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!, StringComparer.Ordinal);

    /// <summary>
    /// A setting as it would read once deployed: a literal as is; an ARM expression or a Key Vault reference (which Azure
    /// fills in) as a value of the shape Azure gives it. Null when the templates do not set the key.
    /// </summary>
    public static string? AsDeployed(IReadOnlyDictionary<string, string> settings, string key)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.TryGetValue(key, out var value))
        {
            return null;
        }

        if (!value.StartsWith('[') && !value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal))
        {
            return value;
        }

        // Any Key Vault reference (literal, or built from the vault's name): the platform puts the secret in its place.
        if (IsKeyVaultReference(value))
        {
            return "resolved-from-key-vault";
        }

        return key switch
        {
            StoreSettings.ServiceUriKey or "AzureWebJobsStorage__tableServiceUri" => "https://duban0example.table.core.windows.net/",
            "AzureWebJobsStorage__blobServiceUri" => "https://duban0example.blob.core.windows.net/",
            Escalation.Functions.Web.Uploads.BlobEvidenceStore.ContainerUrlKey => "https://duban0example.blob.core.windows.net/evidence",
            EngineSettings.WebBaseUrlKey => "https://duban-func-example.azurewebsites.net",
            "AzureWebJobsStorage__queueServiceUri" => "https://duban0example.queue.core.windows.net/",
            EngineSettings.AcsEndpointKey => "https://duban-acs.asiapacific.communication.azure.com/",
            EngineSettings.EmailSenderKey => "DoNotReply@00000000-0000-0000-0000-000000000000.azurecomm.net",
            EngineSettings.ServiceBusNamespaceKey => "duban-sb.servicebus.windows.net",
            "AZURE_CLIENT_ID" or "AzureWebJobsStorage__clientId" or "ServiceBusConnection__clientId" => "00000000-0000-0000-0000-00000000c1d0",
            "APPLICATIONINSIGHTS_CONNECTION_STRING" => "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://eastasia-0.in.applicationinsights.azure.com/",
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING" => "Authorization=AAD;ClientId=00000000-0000-0000-0000-00000000c1d0",
            _ => throw new InvalidOperationException($"{key} = {value}: an expression this test cannot stand in for"),
        };
    }

    /// <summary>
    /// Whether an app setting's value is a Key Vault reference: literal (<c>@Microsoft.KeyVault(SecretUri=…)</c>) or an ARM
    /// expression that formats one (<c>[format('@Microsoft.KeyVault(SecretUri={0})', …)]</c>, when the URI is built from the
    /// vault's name and the cloud's Key Vault DNS suffix).
    /// </summary>
    public static bool IsKeyVaultReference(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.StartsWith("@Microsoft.KeyVault(SecretUri=https://", StringComparison.Ordinal)
            || value.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})', ", StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>One resource of a snapshot: its type, full name (parent/child), resource id and properties.</summary>
public sealed record PredictedResource(string Type, string Name, string Id, JsonElement Properties, JsonElement Whole)
{
    /// <summary>The last segment of the name (a table's, a queue's or a rule's own name).</summary>
    public string Leaf => Name[(Name.LastIndexOf('/') + 1)..];

    public static PredictedResource From(JsonElement resource) => new(
        resource.GetProperty("type").GetString()!,
        resource.GetProperty("name").GetString()!,
        resource.GetProperty("id").GetString()!,
        resource.TryGetProperty("properties", out var properties) ? properties.Clone() : default,
        resource.Clone());

    public string? Text(params string[] path)
    {
        var element = Properties;
        foreach (var step in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(step, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Undefined => null,
            _ => element.GetRawText(),
        };
    }
}
