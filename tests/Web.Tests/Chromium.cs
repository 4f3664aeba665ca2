using Microsoft.Playwright;

namespace Escalation.Web.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright through <c>ExecutablePath</c>: ./test.sh installs it with apt when missing
/// (tools/chromium.sh) and passes its path in ESCALATION_TEST_CHROMIUM. Playwright never downloads a browser.
/// </summary>
public static class Chromium
{
    public const string Variable = "ESCALATION_TEST_CHROMIUM";

    /// <summary>Where Debian puts it.</summary>
    public const string DebianPath = "/usr/bin/chromium";

    /// <summary>
    /// No GPU, no background traffic, no updates, sync or first-run pages, no QUIC: a quiet headless browser on a
    /// machine without a display; --no-sandbox because the tests may run as root (CI does).
    /// </summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic",
    ];

    /// <summary>The binary: ESCALATION_TEST_CHROMIUM, else /usr/bin/chromium when present; null when neither exists.</summary>
    public static string? Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrEmpty(configured))
            {
                return File.Exists(configured) ? configured : null;
            }

            return File.Exists(DebianPath) ? DebianPath : null;
        }
    }

    /// <summary>Whether the browser tests must run (CI=true): then a missing browser fails them instead of skipping them.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the browser tests are skipped, or null when they run.</summary>
    public static string? SkipReason => Path is null && !Required
        ? $"No chromium: {Missing}. ./test.sh installs Debian's chromium with apt (tools/chromium.sh); with CI=true these tests fail instead."
        : null;

    private static string Missing => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
        ? $"{Variable} is '{configured}', which is not a file"
        : $"{Variable} is not set and {DebianPath} does not exist";

    /// <summary>Launches the browser headless with <see cref="Arguments"/>.</summary>
    public static Task<IBrowser> Launch(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        var path = Path ?? throw new InvalidOperationException($"CI=true but there is no chromium: {Missing}. ./test.sh installs it with apt (tools/chromium.sh).");
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = [.. Arguments],
        });
    }
}

/// <summary>A test in a real browser: skipped, with the reason, when there is no chromium and CI is not set.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>One Playwright driver and one browser for a test class; each test opens its own context (cookies, storage).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser was not launched (no chromium).");

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        // Never download a browser, whatever the driver would like.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        _browser = await Chromium.Launch(_playwright).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync().ConfigureAwait(false);
        }

        _playwright?.Dispose();
    }
}
