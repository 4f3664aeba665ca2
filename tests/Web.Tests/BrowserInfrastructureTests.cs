using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Escalation.Web.Tests;

/// <summary>
/// The browser test infrastructure on its own: Debian's chromium through Playwright's bundled driver (offline), a page
/// served by Kestrel on 127.0.0.1 that the browser clicks and screenshots, and the engine started as a child process.
/// </summary>
public sealed class BrowserInfrastructureTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Page = """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>挂图作战</title></head>
        <body>
          <h1>挂图作战</h1>
          <button id="light" onclick="this.textContent='红灯 3 项'; this.className='red'">显示红灯</button>
        </body></html>
        """;

    [BrowserFact]
    public async Task Browser_OpensAPageKestrelServes_ClicksAButton_AndTakesAScreenshot()
    {
        await using var server = await ServePage(Page);
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(server.Url);
        await page.ClickAsync("#light");
        var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });

        Assert.Equal(200, response!.Status);
        Assert.Equal("挂图作战", await page.TitleAsync());
        Assert.Equal("红灯 3 项", await page.InnerTextAsync("#light"));
        Assert.Equal("red", await page.GetAttributeAsync("#light", "class"));
        Assert.True(screenshot.Length > 8 && screenshot[0] == 0x89 && screenshot.AsSpan(1, 3).SequenceEqual("PNG"u8), "the screenshot is not a PNG");
        Assert.True(screenshot.Length > 1000, $"the screenshot has only {screenshot.Length} bytes");
    }

    [BrowserFact]
    public async Task Browser_ReachesTheEngineStartedAsAChildProcess()
    {
        // The custom handler (serve) on FUNCTIONS_CUSTOMHANDLER_PORT serves the web pages at GET / (any answer is ready to
        // the host): signed out, without App Service authentication's principal header, that is 401 with a Chinese page.
        var port = AppProcess.FreePort();
        await using var app = await AppProcess.App(port, ["serve"], environment: new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = $"{port}" });
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(app.BaseUrl.ToString());

        Assert.Equal(401, response!.Status);
        Assert.DoesNotContain("data-testid=\"board-title\"", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("未登录", await page.InnerTextAsync("body"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppProcess_ThatExitsBeforeItIsReady_FailsWithItsOutput()
    {
        var port = AppProcess.FreePort();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AppProcess.App(port, ["no-such-command"]));

        Assert.Contains("exited with", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunEngine_ThatDoesNotEnd_IsKilledAtItsTimeout_AndFailsSayingSo()
    {
        var port = AppProcess.FreePort();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            AppProcess.RunEngine(["serve"], TimeSpan.FromSeconds(3), new Dictionary<string, string> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = $"{port}" }));

        Assert.Contains("serve did not end within 3 s and was killed", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(200, "<form method=\"post\" action=\"/signin\" data-testid=\"signin-form\">", true)]
    [InlineData(401, "<h1>未登录</h1>", true)]
    [InlineData(200, "<html>another server</html>", false)]
    [InlineData(401, "Unauthorized", false)]
    [InlineData(404, "", false)]
    public void Readiness_AcceptsOnlyTheEnginesWeb(int status, string body, bool ours)
    {
        Assert.Equal(ours, AppProcess.IsOurApp((System.Net.HttpStatusCode)status, body));
    }

    private static async Task<ServedPage> ServePage(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Text(html, "text/html; charset=utf-8", Encoding.UTF8));
        await app.StartAsync();
        return new ServedPage(app);
    }

    private sealed class ServedPage(WebApplication app) : IAsyncDisposable
    {
        public string Url { get; } = app.Urls.Single();

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}

/// <summary>The store the page tests will run the <c>web</c> command over.</summary>
public sealed class SampleStoreTests
{
    [Fact]
    public async Task Samples_ImportIntoAFreshStore_WithTheEnginesOwnImport()
    {
        using var store = await SampleStore.Import();

        Assert.NotEmpty(Directory.EnumerateFiles(store.Folder, "*", SearchOption.AllDirectories));
    }
}
