using System.Net;
using System.Text.Json;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Functions.Storage;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The JSON API under <c>/api/</c>: in <c>serve</c> the host has checked the function key and the principal headers are
/// ignored; locally it needs an office or leader session. Over the sample city on Monday 2026-06-01.
/// </summary>
public sealed class ApiTests
{
    private static readonly string[] Lights = ["red", "yellow", "green", "none"];
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");

    [Fact]
    public async Task Board_AnswersThePageOfRowsAndTheLightCounts_AsJson()
    {
        await using var web = await Serve();

        var answer = await web.Get("/api/board");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.Response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(answer.Body);
        var root = json.RootElement;
        Assert.Equal("2026-06-01", root.GetProperty("date").GetString());
        Assert.Equal(1, root.GetProperty("page").GetInt32());
        var counts = root.GetProperty("counts");
        var total = counts.GetProperty("red").GetInt32() + counts.GetProperty("yellow").GetInt32() + counts.GetProperty("green").GetInt32() + counts.GetProperty("none").GetInt32();
        Assert.Equal(total, root.GetProperty("matching").GetInt32());
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Math.Min(total, 50), rows.Count);
        Assert.Contains(rows, r => r.GetProperty("kind").GetString() == "task" && r.GetProperty("checkpoints").GetArrayLength() > 0);
        Assert.All(rows, r => Assert.Contains(r.GetProperty("light").GetString(), Lights));

        // The same rows as the board page, in the same order.
        var page = await web.Get("/board", PrincipalOf("市政府督查室", "dcs@szf.gov.example"));
        Assert.Equal(page.Rows.Select(r => (r.Kind, r.Id, r.Unit, r.Light)), rows.Select(r => (r.GetProperty("kind").GetString()!, r.GetProperty("id").GetString()!, r.GetProperty("unit").GetString()!, r.GetProperty("light").GetString()!)));
    }

    [Theory]
    [InlineData("unit=fgw", "fgw", null, null)]
    [InlineData("kind=indicator", null, "indicator", null)]
    [InlineData("kind=task&light=red", null, "task", "red")]
    [InlineData("unit=fgw&light=green", "fgw", null, "green")]
    public async Task Board_Filters_ByUnitKindAndLight(string query, string? unit, string? kind, string? light)
    {
        await using var web = await Serve();

        var answer = await web.Get("/api/board?" + query);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            Assert.True(unit is null || r.GetProperty("unit").GetString() == unit);
            Assert.True(kind is null || r.GetProperty("kind").GetString() == kind);
            Assert.True(light is null || r.GetProperty("light").GetString() == light);
        });
    }

    [Theory]
    [InlineData("/api/board?kind=project", "参数 kind")]
    [InlineData("/api/board?light=purple", "参数 light")]
    [InlineData("/api/board?page=0", "参数 page")]
    [InlineData("/api/board?unit=a%23b", "参数 unit")]
    public async Task Board_Answers400WithAChineseMessage_OnBadInput(string path, string message)
    {
        await using var web = await Serve();

        var answer = await web.Get(path);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        Assert.Contains(message, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("参数", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Units_AnswersItsItemsDemandsAndDeadlines()
    {
        await using var web = await Serve();

        var answer = await web.Get("/api/units/fgw");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        var root = json.RootElement;
        Assert.Equal("fgw", root.GetProperty("unit").GetProperty("id").GetString());
        Assert.Equal("市发展改革委", root.GetProperty("unit").GetProperty("name").GetString());
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("fgw", i.GetProperty("unit").GetString()));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("demands").ValueKind);
        Assert.All(root.GetProperty("demands").EnumerateArray(), d =>
        {
            Assert.False(string.IsNullOrEmpty(d.GetProperty("notice").GetString()));
            Assert.True(d.TryGetProperty("reference", out _));
            Assert.NotNull(d.GetProperty("dueBy").GetString());
        });
        Assert.All(root.GetProperty("deadlines").EnumerateArray(), d => Assert.NotNull(d.GetProperty("due").GetString()));
    }

    [Theory]
    [InlineData("/api/units/nosuchunit", HttpStatusCode.NotFound, "不在单位表中")]
    [InlineData("/api/units/a%23b", HttpStatusCode.BadRequest, "不是单位编号")]
    [InlineData("/api/nothing/here", HttpStatusCode.NotFound, "没有这个接口")]
    public async Task Api_AnswersAChineseJsonError_ForAnUnknownUnitOrPath(string path, HttpStatusCode status, string message)
    {
        await using var web = await Serve();

        var answer = await web.Get(path);

        Assert.Equal(status, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        Assert.Contains(message, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/board?unit=jtj")]
    [InlineData("/api/units/jtj")]
    public async Task Api_IgnoresThePrincipalHeaders_InAzure(string path)
    {
        await using var web = await Serve();

        var plain = await web.Get(path);
        // A reporter of fgw would be refused jtj on the pages; an unreadable header would be 401 there. Not on /api.
        var reporter = await web.Get(path, FgwReporter);
        var unreadable = await web.Get(path, "not base64 at all!");
        using var named = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        named.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", "stranger@contoso.example");
        var withName = await web.Send(named);

        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(plain.Body, reporter.Body);
        Assert.Equal(plain.Body, unreadable.Body);
        Assert.Equal(plain.Body, withName.Body);
        Assert.Contains("\"jtj\"", plain.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digests_ListsTheIssuedPeriods()
    {
        await using var web = await Serve();
        var store = new DigestStore(web.Tables);
        var week = DigestPeriod.Week(IndicatorPeriod.Week(2026, 22));
        var month = DigestPeriod.Month(IndicatorPeriod.Month(2026, 5));
        await store.Claim(new DigestClaim(week, new LocalDate(2026, 5, 25), DigestStatus.Issued, null, Instant.FromUtc(2026, 5, 25, 1, 0)));
        await store.Claim(new DigestClaim(month, new LocalDate(2026, 6, 1), DigestStatus.Claimed, "5月指标数据未发布", Instant.FromUtc(2026, 6, 1, 1, 0)));

        var answer = await web.Get("/api/digests");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        var digests = json.RootElement.GetProperty("digests").EnumerateArray().ToList();
        Assert.Equal(["month:2026-05", "week:2026-W22"], digests.Select(d => d.GetProperty("key").GetString()));
        Assert.Equal(["month", "week"], digests.Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal(["2026-06-01", "2026-05-25"], digests.Select(d => d.GetProperty("issuedOn").GetString()));
        Assert.Equal(["claimed", "issued"], digests.Select(d => d.GetProperty("status").GetString()));
        Assert.Equal("5月指标数据未发布", digests[0].GetProperty("missing").GetString());
    }

    [Fact]
    public async Task LocalApi_Answers401_WithoutASession()
    {
        await using var web = await WebHarness.Local();

        var answer = await web.Get("/api/board");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        using var json = JsonDocument.Parse(answer.Body);
        Assert.Contains("/signin", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("rows", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dcs-office", HttpStatusCode.OK)]
    [InlineData("city-wang", HttpStatusCode.OK)]
    [InlineData("fgw-liu", HttpStatusCode.Forbidden)]
    public async Task LocalApi_IsForTheOfficeAndLeaders(string person, HttpStatusCode status)
    {
        await using var web = await WebHarness.Local();
        var cookies = await web.SignIn(person);

        var board = await web.GetWithCookies("/api/board?unit=jtj", cookies);
        var unit = await web.GetWithCookies("/api/units/jtj", cookies);

        Assert.Equal((status, status), (board.Status, unit.Status));
        if (status == HttpStatusCode.Forbidden)
        {
            Assert.Contains("填报员", board.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"jtj\"", board.Body + unit.Body, StringComparison.Ordinal);
        }
    }
}
