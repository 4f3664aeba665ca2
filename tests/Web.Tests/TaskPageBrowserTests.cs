using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Escalation.Web.Tests.SampleCityBrowserTests;

namespace Escalation.Web.Tests;

/// <summary>
/// A unit's reporter on a task page in a real browser, over a fresh import of the samples served by <c>web --at
/// 2026-06-01</c> (its own store: the test writes progress). fgw-liu, fgw's reporter, opens fgw-2026-01 from the board
/// (48% reported that day), sees the coming reminders, reports 40% without a note and is refused with the progress table's
/// own Chinese message, then reports it with a note and sees it in the history.
/// </summary>
public sealed class TaskPageBrowserTests(BrowserFixture browser, TaskPageBrowserTests.City city) : IClassFixture<BrowserFixture>, IClassFixture<TaskPageBrowserTests.City>
{
    [BrowserFact]
    public async Task Reporter_OpensATaskPage_SeesThePreview_AndReportsProgress_AGoingDownReportOnlyWithANote()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(city.Url("/board").ToString());
        await page.SelectOptionAsync("[data-testid=signin-person]", "fgw-liu");
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.Locator("[data-testid=board-title]").WaitForAsync();

        // From the board's row to the task page.
        await page.ClickAsync("tr[data-id='fgw-2026-01'] [data-testid=task-link]");
        await Arrived(page, new Regex("/tasks/fgw/fgw-2026-01$"), "[data-testid=task-title]");
        Assert.Equal("优化营商环境攻坚行动", await page.InnerTextAsync("[data-testid=task-title]"));
        Assert.Contains("个工作日的督办预览", await page.InnerTextAsync("#preview"), StringComparison.Ordinal);
        Assert.Contains("不记录、不发送", await page.InnerTextAsync("[data-testid=preview-note]"), StringComparison.Ordinal);
        Assert.True(await page.Locator("[data-testid=task-timeline] svg.timeline").CountAsync() == 1, "no timeline on the task page");
        Assert.Equal(1, await page.Locator("tr[data-testid=progress-row][data-on='2026-06-01']").CountAsync());

        // Going down without a note: refused, with the progress table's message, nothing written.
        await page.FillAsync("[data-testid=progress-value]", "40");
        await page.ClickAsync("[data-testid=progress-submit]");
        await Arrived(page, new Regex("/tasks/fgw/fgw-2026-01/progress$"), "[data-testid=progress-error]");
        Assert.Contains("完成进度低于此前报送的 48（2026-06-01），且未填写说明。请在「说明」中说明进度下降的原因，或改正进度。",
            await page.InnerTextAsync("[data-testid=progress-error]"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("tr[data-testid=progress-row][data-on='2026-06-01']").CountAsync());

        // With a note: accepted; the page shows it in the history and as the reported progress.
        Assert.Equal("40", await page.InputValueAsync("[data-testid=progress-value]"));
        await page.FillAsync("[data-testid=progress-note]", "剔除未验收部分，按新口径报送");
        await page.ClickAsync("[data-testid=progress-submit]");
        await Arrived(page, new Regex("/tasks/fgw/fgw-2026-01#history$"), "tr[data-testid=progress-row][data-progress='40']");
        var row = page.Locator("tr[data-testid=progress-row][data-progress='40']");
        Assert.Equal("2", await row.GetAttributeAsync("data-seq"));
        Assert.Contains("剔除未验收部分，按新口径报送", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("刘丽华（fgw-liu）", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("40%", await page.InnerTextAsync("[data-testid=task-light] [data-testid=reported-value]"));
        Assert.Equal(0, await page.Locator("[data-testid=progress-error]").CountAsync());
    }

    /// <summary>The samples imported into a store of this class, served by <c>web --at 2026-06-01</c>.</summary>
    public sealed class City : IAsyncLifetime
    {
        private SampleStore? _store;
        private AppProcess? _web;

        public Uri Url(string path) => new((_web ?? throw new InvalidOperationException("The web was not started (no chromium).")).BaseUrl, path);

        public async Task InitializeAsync()
        {
            if (Chromium.SkipReason is not null)
            {
                return;
            }

            _store = await SampleStore.Import().ConfigureAwait(false);
            var port = AppProcess.FreePort();
            _web = await AppProcess.App(port, ["web", "--store", _store.Folder, "--port", $"{port}", "--at", "2026-06-01"], readyPath: "/signin").ConfigureAwait(false);
        }

        public async Task DisposeAsync()
        {
            if (_web is not null)
            {
                await _web.DisposeAsync().ConfigureAwait(false);
            }

            _store?.Dispose();
        }
    }
}
