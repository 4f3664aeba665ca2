using System.Text.RegularExpressions;

namespace Escalation.Functions.Tests.Deploy;

/// <summary>
/// The README's "Deploy" section and azure.yaml agree with infra/bicep: every parameter is documented, every output the
/// steps name exists, and azd provisions these templates and deploys the folder ./package.sh lays out to the app the
/// templates tag for it.
/// </summary>
public sealed partial class DeployDocsTests
{
    private static readonly string Bicep = File.ReadAllText(Path.Combine(Repo.Root, "infra", "bicep", "main.bicep"));

    private static string DeploySection()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var start = readme.IndexOf("\n## Deploy\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"## Deploy\" section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [Fact]
    public void Readme_DocumentsEveryParameterOfMainBicep()
    {
        var section = DeploySection();
        var parameters = Parameter().Matches(Bicep).Select(m => m.Groups[1].Value).ToList();

        Assert.True(parameters.Count > 10, "no parameters found in main.bicep");
        Assert.All(parameters, p => Assert.Contains($"`{p}`", section, StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_NamesOnlyOutputsThatExist()
    {
        var outputs = Output().Matches(Bicep).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var named = Placeholder().Matches(DeploySection()).Select(m => m.Groups[1].Value)
            .Where(n => n.EndsWith("Name", StringComparison.Ordinal) || n.EndsWith("Endpoint", StringComparison.Ordinal) || n.StartsWith("identity", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.Contains(n, outputs));
    }

    [Fact]
    public async Task AzureYaml_ProvisionsTheseTemplates_AndDeploysThePackageToTheTaggedApp()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "azure.yaml"));
        var package = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "package.sh"));
        var site = (await BicepSnapshot.Default).One("Microsoft.Web/sites");

        Assert.Matches(@"infra:\s+provider: bicep\s+path: infra/bicep\s+module: main\b", yaml);
        Assert.True(File.Exists(Path.Combine(Repo.Root, "infra", "bicep", "main.bicepparam")), "azd reads main.bicepparam beside main.bicep");
        var service = Service().Match(yaml);
        Assert.True(service.Success, "azure.yaml has no function service");
        Assert.Equal(service.Groups[1].Value, site.Whole.GetProperty("tags").GetProperty("azd-service-name").GetString());
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.Contains("run: ./package.sh", yaml, StringComparison.Ordinal);
        Assert.Contains("dist: dist/functionapp", yaml, StringComparison.Ordinal);
        Assert.Contains("dist/escalation-functions.zip", package, StringComparison.Ordinal);
        Assert.Contains("/functionapp\"", package, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AzureYaml_NamesEveryVariableMainBicepparamReads()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "azure.yaml"));
        var parameters = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "infra", "bicep", "main.bicepparam"));

        var variables = EnvironmentVariable().Matches(parameters).Select(m => m.Groups[1].Value).Where(v => v.StartsWith("ESCALATION_", StringComparison.Ordinal)).Distinct().ToList();

        Assert.Contains("ESCALATION_ROBOT_SECRETS", variables);
        Assert.Contains("ESCALATION_SMS_ACCESS_KEY_SECRET", variables);
        Assert.Contains("ESCALATION_AUTH_CLIENT_SECRET", variables);
        Assert.All(variables, v => Assert.Matches($@"\b{v}\b", yaml));
    }

    [Fact]
    public void Outputs_NameTheKeyVault_AndNoneIsBuiltFromASecureParameter()
    {
        var secure = SecureParameter().Matches(Bicep).Select(m => m.Groups[1].Value).ToList();
        var outputs = OutputLine().Matches(Bicep).Select(m => m.Value).ToList();

        Assert.Equal(["authClientSecret", "robotSecrets", "smsAccessKeySecret"], secure.Order(StringComparer.Ordinal));
        Assert.Contains(outputs, o => o.StartsWith("output keyVaultName string = ", StringComparison.Ordinal));
        Assert.All(outputs, o => Assert.DoesNotContain(secure, p => Regex.IsMatch(o, $@"\b{p}\b")));
    }

    [GeneratedRegex(@"readEnvironmentVariable\('(\w+)'")]
    private static partial Regex EnvironmentVariable();

    [GeneratedRegex(@"@secure\(\)\s+param (\w+) ")]
    private static partial Regex SecureParameter();

    [GeneratedRegex(@"^output .*$", RegexOptions.Multiline)]
    private static partial Regex OutputLine();

    [GeneratedRegex(@"^param (\w+) ", RegexOptions.Multiline)]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^output (\w+) ", RegexOptions.Multiline)]
    private static partial Regex Output();

    [GeneratedRegex(@"<(\w+)>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"services:\s+(\w+):")]
    private static partial Regex Service();
}
