using System.Text.Json;
using Escalation.Functions.Web.Uploads;

namespace Escalation.Functions.Tests.Deploy;

/// <summary>
/// What infra/bicep deploys for the web pages, in <c>bicep snapshot</c>: App Service authentication with Entra ID in
/// front of every page and not of /api (function keys), its client secret only as a Key Vault reference, the private
/// evidence container the identity may write, and the web settings.
/// </summary>
public sealed class WebInfrastructureTests
{
    private const string ClientId = "6d0c1f1e-7a55-4b59-9a38-0e5f3c2b7a10";
    private const string TenantId = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private const string ClientSecret = "entra-secret-3c9e51~Qx";

    /// <summary>An office that registered the app in Entra ID and gave its client secret.</summary>
    private static readonly Task<BicepSnapshot> WithSignIn = BicepSnapshot.Take($"""
        using 'main.bicep'
        param namePrefix = 'duban'
        param authClientId = '{ClientId}'
        param authTenantId = '{TenantId}'
        param authClientSecret = '{ClientSecret}'
        param maxUploadBytes = 10485760
        """);

    [Fact]
    public async Task SignIn_IsRequiredForEveryPage_WithEntraIdOfTheTenant_ExceptApi()
    {
        var snapshot = await WithSignIn;

        var auth = AuthSettings(snapshot);
        var entra = auth.Properties.GetProperty("identityProviders").GetProperty("azureActiveDirectory");

        Assert.Equal("true", auth.Text("platform", "enabled"));
        Assert.Equal(("true", "RedirectToLoginPage", "azureactivedirectory"),
            (auth.Text("globalValidation", "requireAuthentication"), auth.Text("globalValidation", "unauthenticatedClientAction"), auth.Text("globalValidation", "redirectToProvider")));
        Assert.Equal(["/api", "/api/*"], auth.Properties.GetProperty("globalValidation").GetProperty("excludedPaths").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("true", auth.Text("httpSettings", "requireHttps"));
        Assert.True(entra.GetProperty("enabled").GetBoolean());
        Assert.Equal(ClientId, entra.GetProperty("registration").GetProperty("clientId").GetString());
        // [format('{0}{1}/v2.0', environment().authentication.loginEndpoint, tenant)]: the cloud's sign-in endpoint (Azure China's too).
        var issuer = entra.GetProperty("registration").GetProperty("openIdIssuer").GetString()!;
        Assert.StartsWith("[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, ", issuer, StringComparison.Ordinal);
        Assert.Contains(TenantId, issuer, StringComparison.Ordinal);
        Assert.Contains(ClientId, entra.GetProperty("validation").GetProperty("allowedAudiences").EnumerateArray().Select(a => a.GetString()));
        // Only the principal headers are needed; the provider's tokens are not kept.
        Assert.Equal("false", auth.Text("login", "tokenStore", "enabled"));
    }

    [Fact]
    public async Task TheClientSecret_IsAKeyVaultReference_ToTheSecretTheDeploymentWrites_AndAppearsNowhereElse()
    {
        var snapshot = await WithSignIn;
        var settings = snapshot.AppSettings();

        var settingName = AuthSettings(snapshot).Properties.GetProperty("identityProviders").GetProperty("azureActiveDirectory")
            .GetProperty("registration").GetProperty("clientSecretSettingName").GetString()!;
        var secret = snapshot.OfType("Microsoft.KeyVault/vaults/secrets").Single(s => s.Leaf == "auth-client-secret");
        var everything = string.Join("\n", snapshot.Resources.Select(r => r.Whole.GetRawText()));

        Assert.Equal("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET", settingName);
        Assert.True(BicepSnapshot.IsKeyVaultReference(settings[settingName]), $"{settingName} = {settings[settingName]}");
        Assert.Contains("auth-client-secret", settings[settingName], StringComparison.Ordinal);
        Assert.StartsWith("[parameters('", secret.Text("value"), StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecret, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnAppRegistration_EveryPageIsRefused_AndNoSecretIsReferenced()
    {
        var snapshot = await BicepSnapshot.Default;

        var auth = AuthSettings(snapshot);
        var settings = snapshot.AppSettings();

        Assert.Equal(("true", "true", "Return401"),
            (auth.Text("platform", "enabled"), auth.Text("globalValidation", "requireAuthentication"), auth.Text("globalValidation", "unauthenticatedClientAction")));
        Assert.Equal("false", auth.Text("identityProviders", "azureActiveDirectory", "enabled"));
        Assert.False(settings.ContainsKey("MICROSOFT_PROVIDER_AUTHENTICATION_SECRET"));
        Assert.DoesNotContain(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"), s => s.Leaf == "auth-client-secret");
    }

    [Fact]
    public async Task EvidenceContainer_IsPrivate_AndOnlyTheIdentityWritesIt_AsStorageBlobDataContributor()
    {
        var snapshot = await BicepSnapshot.Default;
        var account = snapshot.One("Microsoft.Storage/storageAccounts");
        var identity = snapshot.One("Microsoft.ManagedIdentity/userAssignedIdentities");

        var evidence = snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").Single(c => c.Leaf == "evidence");
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Id.StartsWith(evidence.Id + "/providers/", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Equal("None", evidence.Text("publicAccess"));
        Assert.Equal(("false", "false"), (account.Text("allowBlobPublicAccess"), account.Text("allowSharedKeyAccess")));
        var assignment = Assert.Single(assignments);
        Assert.EndsWith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe", assignment.Text("roleDefinitionId"), StringComparison.Ordinal);
        Assert.Contains(identity.Id, assignment.Text("principalId"), StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", assignment.Text("principalType"));
    }

    [Fact]
    public async Task WebSettings_NameTheEvidenceContainer_AndTheUploadLimit_AndTheHandlerAcceptsThem()
    {
        var settings = (await WithSignIn).AppSettings();
        var defaults = (await BicepSnapshot.Default).AppSettings();

        var url = settings[BlobEvidenceStore.ContainerUrlKey];
        var (policy, error) = UploadPolicy.From(key => BicepSnapshot.AsDeployed(settings, key));
        var (defaultPolicy, _) = UploadPolicy.From(key => BicepSnapshot.AsDeployed(defaults, key));

        // [format('{0}{1}', reference(account).primaryEndpoints.blob, 'evidence')]
        Assert.Contains(").primaryEndpoints.blob", url, StringComparison.Ordinal);
        Assert.EndsWith("'evidence')]", url, StringComparison.Ordinal);
        Assert.True(Uri.IsWellFormedUriString(BicepSnapshot.AsDeployed(settings, BlobEvidenceStore.ContainerUrlKey), UriKind.Absolute));
        Assert.Null(error);
        Assert.Equal(10485760, policy!.MaxBytes);
        Assert.Equal(UploadPolicy.DefaultMaxBytes, defaultPolicy!.MaxBytes);
    }

    [Fact]
    public async Task WebBaseUrl_IsTheAppsHttpsDefaultHostName_UnlessAnAddressIsGiven()
    {
        var defaults = (await BicepSnapshot.Default).AppSettings();
        var site = (await BicepSnapshot.Default).One("Microsoft.Web/sites");
        var given = (await BicepSnapshot.Take("""
            using 'main.bicep'
            param namePrefix = 'duban'
            param webBaseUrl = 'https://duban.example.cn'
            """)).AppSettings();

        // [format('https://{0}.{1}', '<the app's name>', if(equals(environment().name, 'AzureChinaCloud'), 'chinacloudsites.cn', 'azurewebsites.net'))]
        var computed = defaults[Escalation.Functions.Commands.EngineSettings.WebBaseUrlKey];
        Assert.StartsWith("[format('https://{0}.{1}', '" + site.Name + "'", computed, StringComparison.Ordinal);
        Assert.Contains("'azurewebsites.net'", computed, StringComparison.Ordinal);
        Assert.Equal("https://duban.example.cn", given[Escalation.Functions.Commands.EngineSettings.WebBaseUrlKey]);
    }

    private static PredictedResource AuthSettings(BicepSnapshot snapshot) =>
        snapshot.OfType("Microsoft.Web/sites/config").Single(c => c.Leaf == "authsettingsV2");
}
