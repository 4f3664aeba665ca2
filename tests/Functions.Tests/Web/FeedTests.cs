using System.Net;
using System.Text.RegularExpressions;
using Escalation.Functions.Storage;
using Escalation.Functions.Web.Feeds;
using Ical.Net.CalendarComponents;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// Calendar feeds as <c>serve</c> answers them, over the samples on 2026-06-01: /feeds creates and revokes, /ical/{token}.ics
/// serves iCalendar that Ical.Net reads back. fgw-liu (fgw's reporter) owns fgw-2026-01 and fgw-2026-05; fgw-xu owns
/// fgw-2026-03; fgw-yang is fgw's principal.
/// </summary>
public sealed partial class FeedTests
{
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");
    private static readonly string Leader = PrincipalOf("王建国", "WangJianGuo@szf.gov.example");
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");
    private static readonly string FgwPrincipal = PrincipalOf("yangxuemei@fgw.gov.example");

    [Fact]
    public async Task UnitFeed_ListsTheUnitsMilestonesDeadlinesReportDatesAndDemands_AsAllDayEvents()
    {
        await using var web = await Serve();

        var (token, created) = await Create(web, FgwReporter, "unit", "fgw");
        var feed = await web.Get($"/ical/{token}.ics");

        Assert.Equal(HttpStatusCode.OK, feed.Status);
        Assert.Equal("text/calendar", feed.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", feed.Response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("只显示这一次", created.Body, StringComparison.Ordinal);
        var events = Parse(feed.Body);
        Assert.All(events, e => Assert.True(e.IsAllDay, e.Uid));
        Assert.All(events, e => Assert.Contains(".fgw.", e.Uid, StringComparison.Ordinal));
        Assert.Equal(events.Count, events.Select(e => e.Uid).Distinct().Count());
        Assert.Contains(events, e => e.Uid.StartsWith("milestone.fgw.fgw-2026-03.", StringComparison.Ordinal) && e.Summary.StartsWith("【节点：", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Uid == "deadline.fgw.fgw-2026-01.20261231@escalation" && e.Summary == "【完成时限】优化营商环境攻坚行动");
        Assert.Contains(events, e => e.Uid.StartsWith("report.fgw.fgw-2026-01.", StringComparison.Ordinal) && e.Summary.StartsWith("【进度报送截止】", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Uid.Contains(".fgw-2026-02.", StringComparison.Ordinal)); // completed
        Assert.Contains("市发展改革委", feed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_KeepsItsUids_FromFetchToFetch()
    {
        await using var web = await Serve();
        var (token, _) = await Create(web, Office, "unit", "jtj");

        var first = Parse((await web.Get($"/ical/{token}.ics")).Body).Select(e => e.Uid).Order(StringComparer.Ordinal).ToList();
        var second = Parse((await web.Get($"/ical/{token}.ics")).Body).Select(e => e.Uid).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task PersonalFeed_ListsTheTasksThePersonOwns_AndAPrincipalsWholeUnit()
    {
        await using var web = await Serve();

        var (mine, _) = await Create(web, FgwReporter, "person", null);
        var (principals, _) = await Create(web, FgwPrincipal, "person", null);
        var own = Parse((await web.Get($"/ical/{mine}.ics")).Body);
        var unit = Parse((await web.Get($"/ical/{principals}.ics")).Body);

        Assert.Contains(own, e => e.Uid.Contains(".fgw-2026-01.", StringComparison.Ordinal));
        Assert.Contains(own, e => e.Uid.Contains(".fgw-2026-05.", StringComparison.Ordinal));
        Assert.DoesNotContain(own, e => e.Uid.Contains(".fgw-2026-03.", StringComparison.Ordinal));
        Assert.Contains(unit, e => e.Uid.Contains(".fgw-2026-03.", StringComparison.Ordinal));
        Assert.All(unit, e => Assert.Contains(".fgw", e.Uid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokedFeed_Answers404WithNoDetail()
    {
        await using var web = await Serve();
        var (token, _) = await Create(web, FgwReporter, "unit", "fgw");
        var page = await web.Get("/feeds", FgwReporter);

        var revoke = await web.PostForm("/feeds/revoke", [new("__csrf", page.Token), new("feed", FeedStore.HashOf(token))], CookiesOf(page), FgwReporter);
        var feed = await web.Get($"/ical/{token}.ics");
        var listed = await web.Get("/feeds", FgwReporter);

        Assert.Equal(HttpStatusCode.SeeOther, revoke.Status);
        Assert.Equal(HttpStatusCode.NotFound, feed.Status);
        Assert.Equal("", feed.Body);
        Assert.Contains("data-revoked=\"true\"", listed.Body, StringComparison.Ordinal);
        Assert.Contains("已撤销", listed.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ical/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")]
    [InlineData("/ical/short.ics")]
    [InlineData("/ical/..%2F..%2Fetc.ics")]
    public async Task UnknownToken_Answers404WithNoDetail(string path)
    {
        await using var web = await Serve();

        var feed = await web.Get(path);

        Assert.Equal(HttpStatusCode.NotFound, feed.Status);
        Assert.Equal("", feed.Body);
    }

    [Fact]
    public async Task Token_Is43Base64UrlCharacters_AndOnlyItsHashIsStored()
    {
        await using var web = await Serve();

        var (token, _) = await Create(web, FgwReporter, "person", null);
        var table = await web.Tables.Table(FeedStore.TableName);
        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in table.Query(EntityQuery.Partition(FeedStore.Partition)))
        {
            rows.Add(row);
        }

        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        var stored = Assert.Single(rows);
        Assert.Equal(FeedStore.HashOf(token), stored.RowKey);
        Assert.Matches("^[0-9a-f]{64}$", stored.RowKey);
        Assert.DoesNotContain(rows.SelectMany(r => r.Keys.Select(k => r[k])).OfType<string>(), v => v.Contains(token, StringComparison.Ordinal));
        Assert.Equal(("fgw-liu", "person"), (stored.GetString("Person"), stored.GetString("Scope")));
    }

    [Fact]
    public async Task OtherUnitsFeed_IsRefusedAtCreation_ForAReporter()
    {
        await using var web = await Serve();
        var page = await web.Get("/feeds", FgwReporter);

        var post = await web.PostForm("/feeds", [new("__csrf", page.Token), new("scope", "unit"), new("unit", "jtj")], CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("无权订阅", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("/ical/", post.Body, StringComparison.Ordinal);
        Assert.Equal(0, await Rows(web));
    }

    [Fact]
    public async Task Leader_MayCreateAUnitFeedOfAnyUnit()
    {
        await using var web = await Serve();

        var (token, _) = await Create(web, Leader, "unit", "jtj");

        Assert.NotEmpty(Parse((await web.Get($"/ical/{token}.ics")).Body));
    }

    [Theory]
    [InlineData("everything", "fgw", HttpStatusCode.BadRequest, "订阅范围无效")]
    [InlineData("", "fgw", HttpStatusCode.BadRequest, "订阅范围无效")]
    [InlineData("unit", "nosuchunit", HttpStatusCode.BadRequest, "没有这个单位")]
    [InlineData("unit", "", HttpStatusCode.BadRequest, "没有这个单位")]
    public async Task Create_WithBadFields_AnswersAChinesePage_AndCreatesNothing(string scope, string unit, HttpStatusCode status, string heading)
    {
        await using var web = await Serve();
        var page = await web.Get("/feeds", Office);

        var post = await web.PostForm("/feeds", [new("__csrf", page.Token), new("scope", scope), new("unit", unit)], CookiesOf(page), Office);

        Assert.Equal(status, post.Status);
        Assert.Contains(heading, post.Body, StringComparison.Ordinal);
        Assert.Equal(0, await Rows(web));
    }

    [Fact]
    public async Task CreateAndRevoke_WithoutAntiforgeryToken_Answer400_AndChangeNothing()
    {
        await using var web = await Serve();
        var (token, _) = await Create(web, FgwReporter, "person", null);

        var create = await web.PostForm("/feeds", [new("scope", "person")], "", FgwReporter);
        var revoke = await web.PostForm("/feeds/revoke", [new("__csrf", "forged"), new("feed", FeedStore.HashOf(token))], "", FgwReporter);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (create.Status, revoke.Status));
        Assert.Equal(1, await Rows(web));
        Assert.Equal(HttpStatusCode.OK, (await web.Get($"/ical/{token}.ics")).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-hash")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Revoke_AnUnknownFeed_Answers404(string? hash)
    {
        await using var web = await Serve();
        var page = await web.Get("/feeds", FgwReporter);
        List<KeyValuePair<string, string>> fields = [new("__csrf", page.Token)];
        if (hash is not null)
        {
            fields.Add(new("feed", hash));
        }

        var post = await web.PostForm("/feeds/revoke", fields, CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Contains("没有这个订阅", post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_SomeoneElsesFeed_Answers404_AndTheFeedStillWorks()
    {
        await using var web = await Serve();
        var (token, _) = await Create(web, FgwReporter, "person", null);
        var page = await web.Get("/feeds", Office);

        var post = await web.PostForm("/feeds/revoke", [new("__csrf", page.Token), new("feed", FeedStore.HashOf(token))], CookiesOf(page), Office);

        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal(HttpStatusCode.OK, (await web.Get($"/ical/{token}.ics")).Status);
    }

    [Fact]
    public async Task FeedsPage_Answers401_WhenSignedOut()
    {
        await using var web = await Serve();

        var page = await web.Get("/feeds");

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
    }

    [Fact]
    public async Task LocalFeed_LinksToTheTaskPages_AtTheAddressServed()
    {
        await using var web = await WebHarness.Local();
        var cookies = await web.SignIn("fgw-liu");
        var page = await web.GetWithCookies("/feeds", cookies);

        var created = await web.PostForm("/feeds", [new("__csrf", page.Token), new("scope", "person")], cookies);
        var url = FeedUrl().Match(created.Body).Groups["url"].Value;
        var feed = await web.Get(new Uri(url).PathAndQuery);
        var events = Parse(feed.Body);

        Assert.StartsWith("http://localhost/ical/", url, StringComparison.Ordinal);
        Assert.Contains(events, e => e.Url?.OriginalString == "http://localhost/tasks/fgw/fgw-2026-01");
        Assert.Contains(events, e => e.Description.EndsWith("http://localhost/tasks/fgw/fgw-2026-01", StringComparison.Ordinal));
    }

    /// <summary>Creates a feed through the page and returns its token, read from the address the page shows once.</summary>
    private static async Task<(string Token, Answer Page)> Create(WebHarness web, string principal, string scope, string? unit)
    {
        var page = await web.Get("/feeds", principal);
        List<KeyValuePair<string, string>> fields = [new("__csrf", page.Token), new("scope", scope)];
        if (unit is not null)
        {
            fields.Add(new("unit", unit));
        }

        var created = await web.PostForm("/feeds", fields, CookiesOf(page), principal);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var match = FeedUrl().Match(created.Body);
        Assert.True(match.Success, "no feed address on the page");
        return (match.Groups["token"].Value, created);
    }

    /// <summary>The feed's events as Ical.Net reads them back.</summary>
    private static List<Event> Parse(string ics) =>
        [.. Ical.Net.Calendar.Load(ics)!.Events.Select(e => new Event(e.Uid ?? "", e.Summary ?? "", e.Description ?? "", e.Url, e.IsAllDay, e))];

    private sealed record Event(string Uid, string Summary, string Description, Uri? Url, bool IsAllDay, CalendarEvent Parsed);

    private static async Task<int> Rows(WebHarness web)
    {
        var table = await web.Tables.Table(FeedStore.TableName);
        var n = 0;
        await foreach (var _ in table.Query(EntityQuery.WholeTable()))
        {
            n++;
        }

        return n;
    }

    [GeneratedRegex("data-testid=\"feed-url\" value=\"(?<url>[^\"]*/ical/(?<token>[A-Za-z0-9_-]+)\\.ics)\"")]
    private static partial Regex FeedUrl();
}
