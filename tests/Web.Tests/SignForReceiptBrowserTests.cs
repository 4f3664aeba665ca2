using System.Text.RegularExpressions;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using Microsoft.Playwright;
using NodaTime;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Web.Tests;

/// <summary>
/// 签收 in a real browser: over the sample city with two notices of 市发展改革委 delivered on Tuesday 2026-06-02, its
/// reporter 刘丽华 (fgw-liu) opens one from the unit page and signs it; then the daily evaluation of Wednesday 06-03 (the
/// working day after delivery) chases the other one (R15, 未签收) and not the signed one.
/// </summary>
public sealed class SignForReceiptBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Day = "2026-06-02";
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly Instant Delivered = new LocalDateTime(2026, 6, 2, 10, 0).InZoneLeniently(Zone).ToInstant();
    private static readonly EscalationEvent Signed = Notice("lag:2026-04");
    private static readonly EscalationEvent Unsigned = Notice("lag:2026-05");

    private static EscalationEvent Notice(string occurrence) => new(
        EventId.For(new RuleId("R5"), new ItemId("fgw-2026-01"), occurrence), new RuleId("R5"), EventLevel.Notice, EventKind.Lagging,
        new ItemId("fgw-2026-01"), new UnitId("fgw"), new LocalDate(2026, 6, 1), occurrence,
        [new Recipient(RecipientRole.UnitPrincipal, new PersonId("fgw-yang"), false), new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), true)],
        [Channel.Email], "lag-notice", new EventFacts("优化营商环境攻坚行动", "市发展改革委", 40, 20, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05"),
        new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 8)));

    [BrowserFact]
    public async Task Reporter_SignsANoticeFromTheUnitPage_AndOnlyTheUnsignedOneIsChasedTheNextWorkingDay()
    {
        using var store = await SampleStore.Import();
        var tables = SqliteTables.Open(Path.Combine(store.Folder), new FixedClock(Delivered));
        var log = new EscalationLog(tables);
        foreach (var e in new[] { Signed, Unsigned })
        {
            await log.Log(e, Delivered);
            await log.SetStatus(e.Unit, e.Id, _ => LogStatus.Delivered, null, Delivered);
        }

        var port = AppProcess.FreePort();
        await using (var web = await AppProcess.App(port, ["web", "--store", store.Folder, "--port", $"{port}", "--at", Day], readyPath: "/signin"))
        {
            var context = await browser.Browser.NewContextAsync(new() { Locale = "zh-CN" });
            await using var _ = context;
            context.SetDefaultTimeout(60_000);
            context.SetDefaultNavigationTimeout(60_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(web.BaseUrl, "/signin").ToString());
            await page.SelectOptionAsync("[data-testid=signin-person]", "fgw-liu");
            await page.ClickAsync("[data-testid=signin-submit]");
            await page.Locator("[data-testid=board-title]").WaitForAsync();

            await page.ClickAsync("[data-testid=nav-unit]");
            await Arrived(page, new Regex("/units/fgw$"), "[data-testid=notices]");
            Assert.Equal("no", await page.GetAttributeAsync($"[data-testid=notice-row][data-event={Signed.Id.Value}]", "data-signed"));
            await page.ClickAsync($"[data-testid=notice-row][data-event={Signed.Id.Value}] [data-testid=notice-link]");
            await Arrived(page, new Regex("/notices/" + Signed.Id.Value + "$"), "[data-testid=notice-title]");
            Assert.Contains("优化营商环境攻坚行动", await page.InnerTextAsync("[data-testid=notice-task]"), StringComparison.Ordinal);
            Assert.Equal("/tasks/fgw/fgw-2026-01", await page.GetAttributeAsync("[data-testid=notice-task-link]", "href"));

            await page.ClickAsync("[data-testid=sign]");
            await page.Locator("[data-testid=sign-state][data-signed=yes]").WaitForAsync();

            Assert.Contains("已签收：刘丽华（fgw-liu）", await page.InnerTextAsync("[data-testid=sign-state]"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("[data-testid=sign-form]").CountAsync());
            await page.GotoAsync(new Uri(web.BaseUrl, "/units/fgw").ToString());
            await page.Locator("[data-testid=notices]").WaitForAsync();
            Assert.Equal("yes", await page.GetAttributeAsync($"[data-testid=notice-row][data-event={Signed.Id.Value}]", "data-signed"));
            Assert.Equal("no", await page.GetAttributeAsync($"[data-testid=notice-row][data-event={Unsigned.Id.Value}]", "data-signed"));
        }

        // The web process has ended (it held the store): the next working day's evaluation of the unit, as a run decides it.
        var next = new FixedClock(new LocalDateTime(2026, 6, 3, 8, 30).InZoneLeniently(Zone).ToInstant());
        var read = new DailyRead(SqliteTables.Open(store.Folder, next), next, Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        var assessed = await read.Assess(configuration, new UnitId("fgw"), new LocalDate(2026, 6, 3));
        var chases = assessed.Result.Events.Where(e => e.Kind == EventKind.Unsigned).ToList();

        var chase = Assert.Single(chases);
        Assert.Equal(("R15", "unsigned:" + Unsigned.Id.Value), (chase.Rule.Value, chase.Occurrence));
        Assert.Equal(new PersonId("fgw-yang"), Assert.Single(chase.Recipients).Person);
        Assert.DoesNotContain(chases, e => e.Occurrence == "unsigned:" + Signed.Id.Value);
    }

    /// <summary>Waits until the page's URL is <paramref name="url"/> and then for an element of the new page (never WaitForURL).</summary>
    private static async Task Arrived(IPage page, Regex url, string selector)
    {
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
}
