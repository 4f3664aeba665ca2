using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Escalation.Web.Tests.SampleCityBrowserTests;

namespace Escalation.Web.Tests;

/// <summary>
/// An indicator notice's closed loop in a real browser, over the sample city as <c>simulate</c> left it on 2026-05-21: on
/// 2026-05-20 I2 told 市发展改革委 (fgw) that 固定资产投资增速 (ind:gdtz-zs) lagged two periods running and demanded an
/// explanation. fgw's reporter answers on the notice page, which links to no task page; the office finds the answer on
/// /office and accepts it on the notice page.
/// </summary>
public sealed class IndicatorNoticeBrowserTests(BrowserFixture browser, IndicatorNoticeBrowserTests.City city)
    : IClassFixture<BrowserFixture>, IClassFixture<IndicatorNoticeBrowserTests.City>
{
    private const string Office = "dcs-office";
    private const string FgwReporter = "fgw-liu";

    [BrowserFact]
    public async Task IndicatorNotice_IsAnsweredByTheUnitsReporter_AndAcceptedByTheOffice_WithoutATaskLink()
    {
        await using var web = await city.Serve();
        var notice = city.FgwIndicatorNotice;

        var reporter = await SignedIn(web, FgwReporter);
        await reporter.GotoAsync(web.Url("/notices/" + notice).ToString());
        await reporter.Locator("[data-testid=answer-form]").WaitForAsync();
        Assert.Contains("固定资产投资增速", await reporter.InnerTextAsync("[data-testid=notice-task]"), StringComparison.Ordinal);
        Assert.Equal(0, await reporter.Locator("a[href^='/tasks/']").CountAsync());
        await reporter.FillAsync("[data-testid=answer-text]", "1–4月投资增速回落，主要是两个重大项目延期开工；已协调于6月开工。");
        await reporter.ClickAsync("[data-testid=answer-submit]");
        await Arrived(reporter, new Regex("/notices/" + notice + "#answers$"), "[data-testid=case-note]");
        Assert.Equal("待审核", await reporter.InnerTextAsync("[data-testid=case-status]"));
        await reporter.Context.CloseAsync();

        var office = await SignedIn(web, Office);
        await office.GotoAsync(web.Url("/office").ToString());
        await office.Locator("[data-testid=office-title]").WaitForAsync();
        var row = office.Locator($"[data-testid=pending-answer][data-key='{notice}:explanation']");
        Assert.Equal("固定资产投资增速", await row.Locator("[data-testid=pending-answer-indicator]").InnerTextAsync());
        Assert.Equal(0, await row.Locator("a[href^='/tasks/']").CountAsync());
        await row.Locator("[data-testid=pending-answer-link]").ClickAsync();
        await Arrived(office, new Regex("/notices/" + notice + "#answers$"), "[data-testid=decide-accept]");
        await office.ClickAsync("[data-testid=decide-accept]");
        await Arrived(office, new Regex("/notices/" + notice + "#answers$"), "[data-testid=decision]");
        Assert.Equal("已采纳", await office.InnerTextAsync("[data-testid=case-status]"));
        await office.Context.CloseAsync();
    }

    private async Task<IPage> SignedIn(ClosedLoopBrowserTests.Served web, string person)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(web.Url("/signin").ToString());
        await page.SelectOptionAsync("[data-testid=signin-person]", person);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.Locator("[data-testid=board-title]").WaitForAsync();
        return page;
    }

    /// <summary>
    /// The sample city simulated once per class (<c>simulate --data samples --from 2026-04-01 --to 2026-05-21</c>), and the
    /// I2 notice of fgw logged on 2026-05-20 (read from its events.jsonl). <see cref="Serve"/> serves a copy of its store.
    /// </summary>
    public sealed class City : IAsyncLifetime
    {
        public const string From = "2026-04-01";
        public const string To = "2026-05-21";

        private string? _notice;

        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "escalation-web-tests", "indicator-loop-" + Guid.NewGuid().ToString("N"));

        /// <summary>I2's notice of fgw on ind:gdtz-zs (固定资产投资增速), demanding an explanation.</summary>
        public string FgwIndicatorNotice => _notice ?? throw new InvalidOperationException("The city was not simulated (no chromium).");

        public async Task InitializeAsync()
        {
            if (Chromium.SkipReason is not null)
            {
                return;
            }

            await AppProcess.RunEngine(["simulate", "--data", SampleStore.SamplesFolder, "--from", From, "--to", To, "--out", Folder]).ConfigureAwait(false);
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(Folder, "events.jsonl")).ConfigureAwait(false))
            {
                using var json = JsonDocument.Parse(line);
                var e = json.RootElement;
                if (e.GetProperty("ruleId").GetString() == "I2" && e.GetProperty("unitId").GetString() == "fgw" && e.GetProperty("taskId").GetString() == "ind:gdtz-zs")
                {
                    _notice = e.GetProperty("eventId").GetString();
                }
            }

            if (_notice is null)
            {
                throw new InvalidOperationException("The simulation logged no I2 notice of fgw on ind:gdtz-zs.");
            }
        }

        /// <summary>A copy of the simulated store served by <c>web --at 2026-05-21</c>, its local outbox a folder of its own.</summary>
        public async Task<ClosedLoopBrowserTests.Served> Serve()
        {
            var folder = Path.Combine(Folder, "web-" + Guid.NewGuid().ToString("N"));
            var store = Path.Combine(folder, "store");
            Copy(Path.Combine(Folder, "store"), store);
            var outbox = Path.Combine(folder, "outbox");
            var port = AppProcess.FreePort();
            var app = await AppProcess.App(port, ["web", "--store", store, "--port", $"{port}", "--at", To], readyPath: "/signin",
                environment: new Dictionary<string, string> { ["Escalation__Outbox"] = outbox }).ConfigureAwait(false);
            return new ClosedLoopBrowserTests.Served(folder, store, outbox, app);
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }

            return Task.CompletedTask;
        }

        private static void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var folder in Directory.EnumerateDirectories(from))
            {
                Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }
}
