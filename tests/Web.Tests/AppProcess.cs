using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Escalation.Web.Tests;

/// <summary>
/// A server the tests start as a child process: a command with its arguments and environment, ready once an HTTP GET
/// of <see cref="ReadyUrl"/> gets any answer; killed (with its children) when disposed. Its output is kept for the
/// failure message. <see cref="App"/> starts the built engine (dotnet Escalation.Functions.dll ...).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, Uri baseUrl, Uri readyUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        ReadyUrl = readyUrl;
    }

    public Uri BaseUrl { get; }

    public Uri ReadyUrl { get; }

    /// <summary>What the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The built engine, Escalation.Functions.dll, beside this test assembly's build (same configuration).</summary>
    public static string EngineDll
    {
        get
        {
            // tests/Web.Tests/bin/<Configuration>/net10.0 -> src/Functions/bin/<Configuration>/net10.0
            var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var framework = Path.GetFileName(here);
            var configuration = Path.GetFileName(Path.GetDirectoryName(here))!;
            var root = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", ".."));
            var dll = Path.Combine(root, "src", "Functions", "bin", configuration, framework, "Escalation.Functions.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The engine is not built at {dll}: build Escalation.sln first.", dll);
        }
    }

    /// <summary>A free loopback port, chosen by the kernel.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the engine with <paramref name="arguments"/> (e.g. <c>web --store DIR --port P</c>) and waits until
    /// <paramref name="readyPath"/> on 127.0.0.1:<paramref name="port"/> answers.
    /// </summary>
    public static Task<AppProcess> App(int port, IEnumerable<string> arguments, string readyPath = "/", IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [EngineDll, .. arguments], new Uri($"http://127.0.0.1:{port}/"), readyPath, environment);

    /// <summary>Starts any command and waits until <paramref name="baseUrl"/> + <paramref name="readyPath"/> answers (60 s at most).</summary>
    public static async Task<AppProcess> Start(string command, IEnumerable<string> arguments, Uri baseUrl, string readyPath = "/", IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var app = new AppProcess(process, baseUrl, new Uri(baseUrl, readyPath));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilReady(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReady(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before {ReadyUrl} answered:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(ReadyUrl).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"{ReadyUrl} did not answer within {timeout.TotalSeconds} s:\n{Output}");
    }
}
