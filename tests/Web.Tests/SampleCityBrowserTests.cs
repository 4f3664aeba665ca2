using System.Text.RegularExpressions;
using Escalation.Domain.Items;
using Escalation.Functions.Web;
using Microsoft.Playwright;

namespace Escalation.Web.Tests;

/// <summary>
/// The pages in a real browser over the sample city as <c>simulate</c> left it on 2026-05-29 (<see cref="SimulatedCity"/>):
/// the development sign-in, the board's lights and filters, the weekly list and monthly notice against their emails, a
/// reporter kept to their own unit, nothing readable signed out, forms refused without their antiforgery token, and the
/// screenshots for the docs.
/// </summary>
public sealed partial class SampleCityBrowserTests(BrowserFixture browser, SimulatedCity city) : IClassFixture<BrowserFixture>, IClassFixture<SimulatedCity>
{
    /// <summary>Set to 1 to write the screenshots into docs/images/ (they are always written to the test output).</summary>
    public const string UpdateScreenshots = "ESCALATION_UPDATE_SCREENSHOTS";

    [BrowserFact]
    public async Task Board_AsTheOffice_ShowsTheSampleCitysLights_AsTheBoardComputesThem()
    {
        var (context, page) = await SignedIn("dcs-office");
        await using var _ = context;
        var expected = BoardPage.Of(city.Board.Items, BoardQuery.All);

        Assert.EndsWith("/board", page.Url, StringComparison.Ordinal);
        Assert.Equal(SimulatedCity.To, await page.GetAttributeAsync("[data-testid=board-date]", "datetime"));
        Assert.Equal(expected.Counts[LightFilter.Red], await Count(page, "data-red"));
        Assert.Equal(expected.Counts[LightFilter.Yellow], await Count(page, "data-yellow"));
        Assert.Equal(expected.Counts[LightFilter.Green], await Count(page, "data-green"));
        Assert.Equal(expected.Counts[LightFilter.None], await Count(page, "data-none"));
        Assert.True(expected.Counts[LightFilter.Red] > 0, "the sample city has no red light on 2026-05-29");
        Assert.Equal(expected.Rows.Select(r => r.Id), await RowIds(page));
        Assert.Contains("市政府督查室（督查室）", await page.InnerTextAsync("[data-testid=viewer]"), StringComparison.Ordinal);
        Assert.True(await page.Locator("svg.timeline").CountAsync() > 0, "no task timeline on the board");
    }

    [BrowserFact]
    public async Task Board_Filters_ByUnitKindAndLight_ShowTheRowsTheBoardSelects()
    {
        var (context, page) = await SignedIn("dcs-office");
        await using var _ = context;

        await page.SelectOptionAsync("[data-testid=filter-unit]", "jtj");
        await page.SelectOptionAsync("[data-testid=filter-kind]", "task");
        await page.SelectOptionAsync("[data-testid=filter-light]", "red");
        await page.ClickAsync("[data-testid=filter-apply]");
        await Arrived(page, new Regex("unit=jtj"), "[data-testid=light-counts]");
        var jtjRed = BoardPage.Of(city.Board.Items, new BoardQuery(new UnitId("jtj"), BoardKind.Task, LightFilter.Red, 1));
        var rows = await Rows(page);

        Assert.NotEmpty(jtjRed.Rows);
        Assert.Equal(jtjRed.Rows.Select(r => r.Id), rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal(("jtj", "task", "red"), (r.Unit, r.Kind, r.Light)));

        // Indicators only, every light, the whole city: another selection, again as the board computes it.
        await page.SelectOptionAsync("[data-testid=filter-unit]", "");
        await page.SelectOptionAsync("[data-testid=filter-kind]", "indicator");
        await page.SelectOptionAsync("[data-testid=filter-light]", "");
        await page.ClickAsync("[data-testid=filter-apply]");
        await Arrived(page, new Regex("kind=indicator"), "[data-testid=light-counts]");
        var indicators = BoardPage.Of(city.Board.Items, new BoardQuery(null, BoardKind.Indicator, null, 1));
        var indicatorRows = await Rows(page);

        Assert.NotEmpty(indicators.Rows);
        Assert.Equal(indicators.Rows.Select(r => r.Id), indicatorRows.Select(r => r.Id));
        Assert.All(indicatorRows, r => Assert.Equal("indicator", r.Kind));
        Assert.True(indicatorRows.Select(r => r.Unit).Distinct().Count() > 1, "the city-wide indicator rows are of one unit only");
    }

    [BrowserFact]
    public async Task WeeklyListAndMonthlyNotice_Pages_ReadAsTheOfficesEmails()
    {
        var (context, page) = await SignedIn("dcs-office");
        await using var _ = context;

        await page.ClickAsync("[data-testid=nav-digests]");
        await Arrived(page, new Regex("/digests$"), "[data-testid=digest-row]");
        var listed = await page.Locator("[data-testid=digest-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)");
        Assert.Equal([$"week:{SimulatedCity.Week}", $"month:{SimulatedCity.Month}"], listed);

        foreach (var (key, path) in new[] { ($"week_{SimulatedCity.Week}", $"/digests/week/{SimulatedCity.Week}"), ($"month_{SimulatedCity.Month}", $"/digests/month/{SimulatedCity.Month}") })
        {
            await page.ClickAsync($"a[href='{path}']");
            await Arrived(page, new Regex(Regex.Escape(path) + "$"), "[data-testid=digest] article.digest");
            var onWeb = Normalise(await page.Locator("[data-testid=digest] article.digest").TextContentAsync());
            var inEmail = await EmailText(context, city.EmailHtml(key, "dcs-office"));

            Assert.Equal(inEmail, onWeb);
            Assert.Contains(key.StartsWith("week", StringComparison.Ordinal) ? "督查清单〔2026〕第22期" : "2026年4月督查通报", onWeb, StringComparison.Ordinal);
            await page.ClickAsync("[data-testid=back-digests]");
        }
    }

    [BrowserFact]
    public async Task Reporter_OfOneUnit_CannotSeeAnotherUnitsPage_NorItsRowsOnTheBoard()
    {
        // jtj-wang: jtj's principal, no role written, so jtj's reporter.
        var (context, page) = await SignedIn("jtj-wang");
        await using var _ = context;
        var own = city.Board.Items.Where(i => i.Unit.Value == "jtj").Select(i => i.Title).ToHashSet(StringComparer.Ordinal);
        var others = city.Board.Items.Where(i => i.Unit.Value == "wjw" && !own.Contains(i.Title)).Select(i => i.Title).ToList();
        Assert.NotEmpty(others);

        var unitPage = await page.GotoAsync(city.Url("/units/wjw").ToString());
        var unitContent = await page.ContentAsync();
        var filtered = await page.GotoAsync(city.Url("/board?unit=wjw").ToString());
        var filteredContent = await page.ContentAsync();
        await page.GotoAsync(city.Url("/board").ToString());
        var board = await Rows(page);
        var boardContent = await page.ContentAsync();

        Assert.Equal(403, unitPage!.Status);
        Assert.Equal(403, filtered!.Status);
        Assert.Contains("无权查看", unitContent, StringComparison.Ordinal);
        Assert.NotEmpty(board);
        Assert.All(board, r => Assert.Equal("jtj", r.Unit));
        foreach (var title in others)
        {
            Assert.DoesNotContain(title, unitContent, StringComparison.Ordinal);
            Assert.DoesNotContain(title, filteredContent, StringComparison.Ordinal);
            Assert.DoesNotContain(title, boardContent, StringComparison.Ordinal);
        }

        // The weekly list: jtj's part only, as jtj's principal received it.
        await page.GotoAsync(city.Url($"/digests/week/{SimulatedCity.Week}").ToString());
        var part = Normalise(await page.Locator("[data-testid=digest] article.digest").TextContentAsync());
        Assert.Equal(await EmailText(context, city.EmailHtml($"week_{SimulatedCity.Week}", "jtj-wang")), part);
        Assert.All(others, t => Assert.DoesNotContain(t, part, StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task SignedOut_EveryPageRedirectsToSignIn_AndShowsNoData()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var titles = city.Board.Items.Select(i => i.Title).Distinct().ToList();

        foreach (var path in new[] { "/", "/board", "/board?unit=jtj", "/units/jtj", "/digests", $"/digests/week/{SimulatedCity.Week}", $"/digests/month/{SimulatedCity.Month}" })
        {
            await page.GotoAsync(city.Url(path).ToString());
            var content = await page.ContentAsync();

            Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"row\"", content, StringComparison.Ordinal);
            Assert.DoesNotContain("督查清单〔", content, StringComparison.Ordinal);
            Assert.DoesNotContain("digest-row", content, StringComparison.Ordinal);
            Assert.All(titles, t => Assert.DoesNotContain(t, content, StringComparison.Ordinal));
        }

        var workbook = await context.APIRequest.GetAsync(city.Url($"/digests/month/{SimulatedCity.Month}.xlsx").ToString(), new() { MaxRedirects = 0 });
        Assert.Equal(302, workbook.Status);
        Assert.Equal("/signin", workbook.Headers["location"]);
    }

    [BrowserFact]
    public async Task Forms_WithoutTheirAntiforgeryToken_AreRefused()
    {
        var (context, page) = await SignedIn("dcs-office");
        await using var _ = context;
        var token = await page.GetAttributeAsync("[data-testid=signout-form] input[name=__csrf]", "value");

        var noToken = context.APIRequest.CreateFormData();
        noToken.Set("person", "jtj-wang");
        var signInWithout = await context.APIRequest.PostAsync(city.Url("/signin").ToString(), new() { Form = noToken, MaxRedirects = 0 });
        var signOutWithout = await context.APIRequest.PostAsync(city.Url("/signout").ToString(), new() { Form = context.APIRequest.CreateFormData(), MaxRedirects = 0 });
        var wrong = context.APIRequest.CreateFormData();
        wrong.Set("__csrf", "not-a-token");
        var signOutWrong = await context.APIRequest.PostAsync(city.Url("/signout").ToString(), new() { Form = wrong, MaxRedirects = 0 });
        var stillIn = await page.GotoAsync(city.Url("/board").ToString());
        var withToken = context.APIRequest.CreateFormData();
        withToken.Set("__csrf", token!);
        var signOut = await context.APIRequest.PostAsync(city.Url("/signout").ToString(), new() { Form = withToken, MaxRedirects = 0 });

        Assert.Equal(400, signInWithout.Status);
        Assert.Equal(400, signOutWithout.Status);
        Assert.Equal(400, signOutWrong.Status);
        Assert.Contains("表单已失效", await signOutWithout.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(200, stillIn!.Status);
        Assert.Contains("市政府督查室", await page.InnerTextAsync("[data-testid=viewer]"), StringComparison.Ordinal);
        Assert.Equal(302, signOut.Status); // the same post with the page's token is accepted
    }

    [BrowserFact]
    public async Task Screenshots_OfTheBoard_AndOfAWeeklyListEmail_Render()
    {
        var (context, page) = await SignedIn("dcs-office");
        await using var _ = context;
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(output);

        var board = await page.ScreenshotAsync(new() { Path = Path.Combine(output, "board.png") });
        await page.GotoAsync(city.Url($"/digests/week/{SimulatedCity.Week}").ToString());
        await page.ScreenshotAsync(new() { Path = Path.Combine(output, "digest-page.png"), FullPage = true });

        // The email in a page of its own (about:blank), as a mail client shows it: not under the site's CSP.
        page = await context.NewPageAsync();
        await page.SetContentAsync(city.EmailHtml($"week_{SimulatedCity.Week}", "dcs-office"));
        var email = await page.ScreenshotAsync(new() { Path = Path.Combine(output, "digest-email.png"), FullPage = true });
        var red = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.digest-office')).color");

        // CJK text must render as glyphs, not boxes: the title's width in the browser's fonts is that of Chinese text.
        var width = await page.EvaluateAsync<double>("() => { const s = document.createElement('span'); s.style.fontSize = '20px'; s.textContent = '督查清单督查清单'; document.body.appendChild(s); return s.getBoundingClientRect().width; }");
        Assert.InRange(width, 150, 170);
        Assert.Equal("rgb(204, 0, 0)", red); // the red header's inline style applies
        Assert.True(board.Length > 20_000, $"the board's screenshot has only {board.Length} bytes");
        Assert.True(email.Length > 20_000, $"the email's screenshot has only {email.Length} bytes");
        if (Environment.GetEnvironmentVariable(UpdateScreenshots) == "1")
        {
            var images = Path.Combine(Path.GetDirectoryName(SampleStore.SamplesFolder)!, "docs", "images");
            Directory.CreateDirectory(images);
            await File.WriteAllBytesAsync(Path.Combine(images, "board.png"), board);
            await File.WriteAllBytesAsync(Path.Combine(images, "digest-email.png"), email);
        }
    }

    /// <summary>A new context (1366×900) signed in through the development sign-in page as <paramref name="person"/>, on the board.</summary>
    private async Task<(IBrowserContext Context, IPage Page)> SignedIn(string person)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "zh-CN" });
        // A loaded build machine can be slow; a timeout still fails the test, with Playwright's log.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(city.Url("/board").ToString());
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
        await page.SelectOptionAsync("[data-testid=signin-person]", person);

        // Wait for the board itself, not for a navigation event: the redirect after the form post can complete before a
        // navigation wait is registered, and WaitForURL then waited for a load event that had already fired.
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.Locator("[data-testid=board-title]").WaitForAsync();
        Assert.Contains("/board", page.Url, StringComparison.Ordinal);
        return (context, page);
    }

    /// <summary>
    /// Waits until the page's URL is <paramref name="url"/> and an element of the new page, <paramref name="selector"/>, is
    /// there (locators query the page's current document).
    /// </summary>
    internal static async Task Arrived(IPage page, Regex url, string selector)
    {
        // Not WaitForURLAsync: when the URL already matched it waited for a load state that had already passed, and hung.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!url.IsMatch(page.Url))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the page did not go to {url} within 60 s; it is at {page.Url}");
            }

            await Task.Delay(50);
        }

        await page.Locator(selector).First.WaitForAsync();
    }

    /// <summary>The text of an email's HTML part as a browser reads it: loaded in a page of its own, whitespace normalised.</summary>
    private static async Task<string> EmailText(IBrowserContext context, string html)
    {
        var page = await context.NewPageAsync();
        await page.SetContentAsync(html);
        var text = Normalise(await page.Locator("article.digest").TextContentAsync());
        await page.CloseAsync();
        return text;
    }

    private static string Normalise(string? text) => Whitespace().Replace(text ?? "", " ").Trim();

    private static async Task<int> Count(IPage page, string attribute) =>
        int.Parse((await page.GetAttributeAsync("#light-counts", attribute))!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<IReadOnlyList<string>> RowIds(IPage page) => [.. (await Rows(page)).Select(r => r.Id)];

    private static async Task<IReadOnlyList<(string Id, string Unit, string Kind, string Light)>> Rows(IPage page)
    {
        var rows = await page.Locator("tr[data-testid=row]").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.id, r.dataset.unit, r.dataset.kind, r.dataset.light])");
        return [.. rows.Select(r => (r[0], r[1], r[2], r[3]))];
    }

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
