using System.Net;
using System.Xml.Linq;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Web;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Web;

/// <summary>The local <c>web</c> command: the development sign-in, its antiforgery check, and the board behind it.</summary>
public sealed class LocalWebTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/board")]
    [InlineData("/units/fgw")]
    public async Task Page_RedirectsToSignInWithNoData_WhenSignedOut(string path)
    {
        await using var web = await WebHarness.Local();

        var page = await web.Get(path);

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin", page.Response.Headers.Location?.OriginalString);
        Assert.Empty(page.Body);
    }

    [Fact]
    public async Task SignInPage_ListsPeopleGroupedByUnitWithTheirRoles()
    {
        await using var web = await WebHarness.Local();

        var page = await web.Get("/signin");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<optgroup label=\"市发展改革委\">", page.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"dcs-office\">市政府督查室（督查室，dcs-office）</option>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"city-wang\">王建国（领导（只读），city-wang）</option>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"fgw-liu\">刘丽华（填报员，fgw-liu）</option>", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_SetsNoCookieAndAnswers400_WithoutAnAntiforgeryToken()
    {
        await using var web = await WebHarness.Local();

        var post = await web.PostForm("/signin", [new("person", "dcs-office")]);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains("表单已失效", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(DevelopmentPrincipalSource.CookieName, WebHarness.CookiesOf(post), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OpensTheBoardAsThePersonPicked_AndSignOutEndsIt()
    {
        await using var web = await WebHarness.Local();

        var cookies = await web.SignIn("fgw-liu");
        var board = await web.GetWithCookies("/board", cookies);
        var other = await web.GetWithCookies("/units/jtj", cookies);
        var signedOut = await web.PostForm("/signout", [new("__csrf", board.Token)], cookies + "; " + WebHarness.CookiesOf(board));

        Assert.Equal(HttpStatusCode.OK, board.Status);
        Assert.Contains("data-role=\"reporter\"", board.Body, StringComparison.Ordinal);
        Assert.All(board.Rows, r => Assert.Equal("fgw", r.Unit));
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.Status);
        Assert.Equal("/signin", signedOut.Response.Headers.Location?.OriginalString);
        Assert.Contains(signedOut.Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(DevelopmentPrincipalSource.CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Board_IgnoresAForgedSignInCookie()
    {
        await using var web = await WebHarness.Local();

        var page = await web.GetWithCookies("/board", DevelopmentPrincipalSource.CookieName + "=ZGNzLW9mZmljZQ==");

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task Board_ShowsANewProgressReport_OnceTheBackgroundRecomputationAfterTheStoreChangedHasFinished()
    {
        await using var web = await WebHarness.Local();
        var cookies = await web.SignIn("dcs-office");
        var before = await web.GetWithCookies("/board?kind=task&light=red", cookies);
        var red = before.Rows[0];

        // Another process (import, run) writes to the store: a report of 100 % today turns the task green.
        var table = await web.Tables.Table(Tables.Progress.Name);
        await table.UpsertAll([new Azure.Data.Tables.TableEntity(red.Unit, $"{red.Id}:2026-06-01:99")
        {
            ["Unit"] = red.Unit, ["Task"] = red.Id, ["ReportedOn"] = "2026-06-01", ["Seq"] = "99", ["Progress"] = "100",
        }]);

        // The cache watches the store's file stamp and recomputes in the background; pages keep answering meanwhile.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Answer after;
        do
        {
            after = await web.GetWithCookies("/units/" + red.Unit, cookies);
            Assert.Equal(HttpStatusCode.OK, after.Status);
            if (after.Rows.Single(r => r.Id == red.Id).Light == "green")
            {
                break;
            }

            await Task.Delay(100);
        }
        while (waited.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal("green", after.Rows.Single(r => r.Id == red.Id).Light);
    }

    [Fact]
    public async Task Cache_ComputesOnce_UntilTheStampChangesOrItsTimeRunsOut()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var stamp = "a";
        var snapshot = Snapshot(clock);
        using var cache = new BoardCache(_ => Task.FromResult(snapshot), () => stamp, clock, Duration.FromSeconds(60));

        await cache.Current();
        await cache.Current();
        await cache.Get();
        var unchanged = cache.Computations;
        stamp = "b";
        await cache.Current();
        var afterStamp = cache.Computations;
        clock.Advance(Duration.FromSeconds(61));
        await cache.Current();
        var afterTime = cache.Computations;
        cache.Invalidate();
        await cache.Current();

        Assert.Equal((1, 2, 3, 4), (unchanged, afterStamp, afterTime, cache.Computations));
    }

    [Fact]
    public async Task Cache_ServesThePreviousModelAtOnce_WhileRecomputingInTheBackground()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var stamp = "a";
        var first = Snapshot(clock);
        var second = Snapshot(clock);
        var release = new TaskCompletionSource<BoardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var cache = new BoardCache(_ => Interlocked.Increment(ref calls) == 1 ? Task.FromResult(first) : release.Task, () => stamp, clock, Duration.FromSeconds(60));
        cache.Warm();
        Assert.Same(first, await cache.Get());

        stamp = "b";
        var during = await cache.Get().WaitAsync(TimeSpan.FromSeconds(5));
        var again = await cache.Get().WaitAsync(TimeSpan.FromSeconds(5));
        release.SetResult(second);
        var after = await cache.Current().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Same(first, during);
        Assert.Same(first, again);
        Assert.Same(second, after);
        Assert.Same(second, await cache.Get());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Cache_WaitsOnlyWhenColdAndSharesTheWarmUp()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var snapshot = Snapshot(clock);
        var release = new TaskCompletionSource<BoardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        using var cache = new BoardCache(_ =>
        {
            Interlocked.Increment(ref calls);
            return release.Task;
        }, () => "a", clock, Duration.FromSeconds(60));

        cache.Warm();
        var waiting = cache.Get();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.False(cache.Warmed);
        release.SetResult(snapshot);

        Assert.Same(snapshot, await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(cache.Warmed);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Cache_KeepsServingThePreviousModel_WhenARecomputationFails()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var stamp = "a";
        var snapshot = Snapshot(clock);
        var failures = new List<Exception>();
        var calls = 0;
        using var cache = new BoardCache(
            _ => Interlocked.Increment(ref calls) == 1 ? Task.FromResult(snapshot) : Task.FromException<BoardSnapshot>(new IOException("store unavailable")),
            () => stamp, clock, Duration.FromSeconds(60), e => { lock (failures) { failures.Add(e); } });
        await cache.Current();

        stamp = "b";
        Assert.Same(snapshot, await cache.Get());
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(5) && failures.Count == 0)
        {
            await Task.Delay(20);
        }

        Assert.Same(snapshot, await cache.Get());
        Assert.Equal("store unavailable", Assert.Single(failures).Message);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Pages_SayWhenTheirDataWasComputed()
    {
        await using var web = await WebHarness.Local();
        var cookies = await web.SignIn("dcs-office");

        var board = await web.GetWithCookies("/board", cookies);
        var unit = await web.GetWithCookies("/units/fgw", cookies);

        // The harness's clock stands at 08:30 in Shanghai.
        Assert.Contains("<span data-testid=\"data-as-of\">数据截至 08:30</span>", board.Body, StringComparison.Ordinal);
        Assert.Contains("<span data-testid=\"data-as-of\">数据截至 08:30</span>", unit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRepository_ReturnsTheKeysItStored_AcrossInstances()
    {
        using var folder = new TempFolder();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var tables = SqliteTables.Open(folder.Path, clock);
        var key = new XElement("key", new XAttribute("id", "0f8e"), new XElement("creationDate", "2026-06-01T00:30:00Z"));

        new TableKeyRepository(() => tables).StoreElement(key, "key-0f8e");
        var other = new TableKeyRepository(() => SqliteTables.Open(folder.Path, clock)).GetAllElements();

        Assert.Equal(key.ToString(), Assert.Single(other).ToString());
        await Task.CompletedTask;
    }

    private static BoardSnapshot Snapshot(FakeClock clock)
    {
        var calendar = Domain.Calendar.ShippedCalendar.ChinaMainland;
        var (configuration, _) = Domain.Catalog.Configuration.Build(Domain.Catalog.ConfigurationRows.Empty, calendar, DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        return new BoardSnapshot(today, configuration, [], new Dictionary<UnitId, IReadOnlyList<OwedDemand>>(), new Dictionary<UnitId, IReadOnlyList<Deadline>>());
    }
}
