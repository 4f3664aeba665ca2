using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Escalation.Web.Tests;

/// <summary>
/// A server the tests start as a child process: a command with its arguments and environment, ready once an HTTP GET
/// of <see cref="ReadyUrl"/> gets an answer that is our application's (<see cref="IsOurApp"/>: not whatever else may
/// listen on the port); killed (with its children) when disposed. Its output is kept for the failure message.
/// <see cref="App"/> starts the built engine (dotnet Escalation.Functions.dll ...); <see cref="RunEngine"/> runs one of
/// its commands to the end, within a time limit.
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

    /// <summary>How long a command run to its end (<see cref="RunEngine"/>: import, simulate) may take.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs the engine with <paramref name="arguments"/> to its end; fails with its output when it exits non-zero, or
    /// when it has not ended within <paramref name="timeout"/> (<see cref="CommandTimeout"/> unless given; it is then killed).
    /// </summary>
    public static async Task RunEngine(IReadOnlyList<string> arguments, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(EngineDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? CommandTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException(
                $"{string.Join(' ', arguments)} did not end within {limit.TotalSeconds} s and was killed:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }

    /// <summary>
    /// True when an answer is the engine's web: the sign-in page (local <c>web</c>, <c>/signin</c>) or the 401 page
    /// 「未登录」 (<c>serve</c> signed out, <c>/</c>). Another server on the port answers something else.
    /// </summary>
    public static bool IsOurApp(HttpStatusCode status, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return (status == HttpStatusCode.OK && body.Contains("data-testid=\"signin-form\"", StringComparison.Ordinal))
            || (status == HttpStatusCode.Unauthorized && body.Contains("未登录", StringComparison.Ordinal));
    }

    /// <summary>Starts any command and waits until <paramref name="baseUrl"/> + <paramref name="readyPath"/> answers as our app (60 s at most).</summary>
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
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
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
        var last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before {ReadyUrl} answered:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(ReadyUrl).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (IsOurApp(response.StatusCode, body))
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}";
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"{ReadyUrl} did not answer as the engine's web within {timeout.TotalSeconds} s (last: {last}):\n{Output}");
    }
}
