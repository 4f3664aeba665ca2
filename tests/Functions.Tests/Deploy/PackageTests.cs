using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Escalation.Functions.Host;

namespace Escalation.Functions.Tests.Deploy;

/// <summary>
/// The deployment zip that ./package.sh builds (./test.sh builds it and passes its path in ESCALATION_TEST_PACKAGE):
/// what the Functions host expects at the root, the handler where host.json points, executable as stored (Flex mounts
/// the package read-only), self-contained for linux-x64, and able to start and answer the host's readiness probe.
/// </summary>
public sealed class PackageTests
{
    public const string Variable = "ESCALATION_TEST_PACKAGE";

    /// <summary>An EvaluateUnit invocation whose message body (base64 of "not json") can never be processed.</summary>
    private const string MalformedEvaluate = """{"Data":{"message":"bm90IGpzb24="},"Metadata":{"MessageId":"\"m1\"","DeliveryCount":"1"}}""";

    private static readonly string AppFolder = Path.Combine(Repo.Root, "src", "Functions", "FunctionApp");

    /// <summary>The runtime itself, the embedded store's native SQLite for linux-x64, and the domain.</summary>
    private static readonly string[] NativeAndOwnFiles = ["handler/libcoreclr.so", "handler/libe_sqlite3.so", "handler/Escalation.Domain.dll"];

    [Fact]
    public void Root_HoldsHostJsonAndEveryFunctionFolder_AsInTheSource()
    {
        using var zip = Open();

        var outsideHandler = zip.Entries.Where(e => !e.FullName.StartsWith("handler/", StringComparison.Ordinal)).Select(e => e.FullName).Order(StringComparer.Ordinal);
        var expected = CustomHandler.Names.Folders.Select(f => $"{f}/function.json").Append("host.json").Order(StringComparer.Ordinal);

        Assert.Equal(expected, outsideHandler);
        Assert.All(expected, name => Assert.Equal(File.ReadAllText(Path.Combine(AppFolder, name)), Read(zip, name)));
    }

    [Fact]
    public void Handler_IsWhereHostJsonPoints_AndStoredExecutable()
    {
        using var zip = Open();
        using var host = JsonDocument.Parse(Read(zip, "host.json"));
        var path = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;

        var entry = zip.GetEntry(path);

        Assert.NotNull(entry);
        var mode = (UnixFileMode)((entry.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute), $"{path} is stored with mode {mode}, not executable for everyone");
    }

    [Fact]
    public void Handler_IsSelfContainedForLinuxX64()
    {
        using var zip = Open();
        using var runtimeConfig = JsonDocument.Parse(Read(zip, "handler/Escalation.Functions.runtimeconfig.json"));
        using var deps = JsonDocument.Parse(Read(zip, "handler/Escalation.Functions.deps.json"));

        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
        var frameworks = options.GetProperty("includedFrameworks").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();

        Assert.False(options.TryGetProperty("framework", out _) || options.TryGetProperty("frameworks", out _), "the handler depends on a shared framework the Flex image does not have");
        Assert.Contains("Microsoft.NETCore.App", frameworks);
        Assert.Contains("Microsoft.AspNetCore.App", frameworks);
        Assert.EndsWith("/linux-x64", deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.All(NativeAndOwnFiles, name => Assert.NotNull(zip.GetEntry(name)));
    }

    [Fact]
    public void Package_HoldsNoLocalSettingsOrLocalState()
    {
        using var zip = Open();

        Assert.DoesNotContain(zip.Entries, e =>
            e.Name.Equals("local.settings.json", StringComparison.OrdinalIgnoreCase)
            || e.FullName.Contains("/.local/", StringComparison.Ordinal)
            || e.FullName.StartsWith(".local/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handler_FromThePackage_StartsAndAnswersTheHost()
    {
        // No settings at all: readiness must not depend on configuration (faults surface per invocation).
        var (status, _) = await RunPackaged(new Dictionary<string, string>(), "NoSuchFunction", """{"Data":{},"Metadata":{}}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Handler_FromThePackage_StartsInAzureMode_WithTheAppSettingsTheBicepWrites()
    {
        // Every app setting of the Function App, as Azure would fill it in, and nothing else: the handler composes its Azure
        // adapters (tables by service URI and identity, Service Bus over REST, ACS) and answers an invocation that needs
        // no network (a malformed message, parked on the poison output) with 200. A setting it cannot use would be a 500.
        var settings = (await BicepSnapshot.Default).AppSettings();
        var environment = settings.Keys.ToDictionary(k => k, k => BicepSnapshot.AsDeployed(settings, k)!, StringComparer.Ordinal);

        var (status, body) = await RunPackaged(environment, "EvaluateUnit", MalformedEvaluate);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
        using var answer = JsonDocument.Parse(body);
        Assert.Contains("not the expected JSON", answer.RootElement.GetProperty("Outputs").GetProperty("poison").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Unpacks the zip, starts its handler as the host would (only <paramref name="environment"/> besides the port) and posts one invocation.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> RunPackaged(IReadOnlyDictionary<string, string> environment, string function, string payload)
    {
        var folder = Directory.CreateTempSubdirectory("package-");
        try
        {
            ZipFile.ExtractToDirectory(ZipPath(), folder.FullName);
            var port = FreePort();
            var start = new ProcessStartInfo(Path.Combine(folder.FullName, "handler", "Escalation.Functions"))
            {
                ArgumentList = { "serve" },
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Escalation__", StringComparison.Ordinal) || k.StartsWith("ServiceBusConnection", StringComparison.Ordinal) || k.StartsWith("AZURE_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
                Assert.True(await Readiness(http, process), $"the packaged handler did not answer GET / within 30 s (exited: {process.HasExited})");
                using var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");
                using var answer = await http.PostAsync(new Uri(function, UriKind.Relative), content);
                return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
                _ = await output;
                _ = await errors;
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<bool> Readiness(HttpClient http, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
        {
            try
            {
                // The host's readiness check takes any HTTP answer; GET / is the board, 401 signed out.
                using var answer = await http.GetAsync(new Uri("/", UriKind.Relative));
                return answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    private static string ZipPath()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            // Not a skip: the package is what gets deployed. ./test.sh builds it with ./package.sh.
            throw new InvalidOperationException($"{Variable} is not set to the deployment zip. Run ./test.sh, or ./package.sh and export {Variable}=dist/escalation-functions.zip.");
        }

        return path;
    }

    private static ZipArchive Open() => ZipFile.OpenRead(ZipPath());

    private static string Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"{name} is not in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
