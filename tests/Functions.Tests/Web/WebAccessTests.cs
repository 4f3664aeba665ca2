using System.Net;
using System.Text;
using Escalation.Functions.Tests.Host;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// Who may read what, as <c>serve</c> answers behind App Service authentication. Sample people (samples/people.csv):
/// dcs-office (dcs@szf.gov.example, 督查室), city-wang (wangjianguo@szf.gov.example, 领导), fgw-liu (填报员 of fgw,
/// Login liulihua@fgw.partner.example), fgw-yang (yangxuemei@fgw.gov.example, no role written: fgw's reporter).
/// </summary>
public sealed class WebAccessTests
{
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");
    private static readonly string Leader = PrincipalOf("王建国", "WangJianGuo@szf.gov.example");
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");

    [Theory]
    [InlineData("/")]
    [InlineData("/board")]
    [InlineData("/board?unit=fgw")]
    [InlineData("/board?kind=task&light=red")]
    [InlineData("/units/fgw")]
    [InlineData("/units/nosuchunit")]
    public async Task Page_Answers401WithNoData_WhenSignedOut(string path)
    {
        await using var web = await Serve();

        var page = await web.Get(path);

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("未登录", page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
        Assert.DoesNotContain("市发展改革委", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("light-counts", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_IsNotOffered_InAzure()
    {
        await using var web = await Serve();

        var page = await web.Get("/signin");
        var post = await web.PostForm("/signin", [new("person", "dcs-office")]);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.NotEqual(HttpStatusCode.Redirect, post.Status);
        Assert.False(post.Response.Headers.Contains("Set-Cookie") && CookiesOf(post).Contains("escalation-dev-person", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not base64 at all!", "不是 base64")]
    [InlineData("bm90IGpzb24=", "不是 JSON")]
    [InlineData("eyJhdXRoX3R5cCI6ImFhZCJ9", "没有 claims")]
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6ImF1ZCIsInZhbCI6IngifV19", "没有登录名")]
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6Im5hbWUiLCJ2YWwiOjQyfV19", "没有登录名")]
    public async Task Board_Answers401WithoutCrashing_WhenThePrincipalHeaderIsUnreadable(string header, string reason)
    {
        await using var web = await Serve();

        var page = await web.Get("/board", header);

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("登录信息无法识别", page.Body, StringComparison.Ordinal);
        Assert.Contains(reason, page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task Board_Answers403AccountNotRegistered_WhenTheAccountIsNoPerson()
    {
        await using var web = await Serve();

        var page = await web.Get("/board", PrincipalOf("stranger@contoso.example"));

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("账号未登记", page.Body, StringComparison.Ordinal);
        Assert.Contains("stranger@contoso.example", page.Body, StringComparison.Ordinal);
        Assert.Contains("请联系督查室", page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
    }

    [Theory]
    [InlineData("dcs@szf.gov.example", "office")]
    [InlineData("WANGJIANGUO@szf.gov.example", "leader")]
    [InlineData("liulihua@FGW.partner.example", "reporter")]
    [InlineData("yangxuemei@fgw.gov.example", "reporter")]
    public async Task Board_MapsTheAccountToItsPersonAndRole_ByLoginOrEmailIgnoringCase(string account, string role)
    {
        await using var web = await Serve();

        var page = await web.Get("/board", PrincipalOf(account));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"data-testid=\"viewer\" data-role=\"{role}\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reporter_Gets403AndNoneOfItsData_OnAnotherUnitsPageAndFilter()
    {
        await using var web = await Serve();

        var unitPage = await web.Get("/units/jtj", FgwReporter);
        var filtered = await web.Get("/board?unit=jtj", FgwReporter);

        foreach (var page in new[] { unitPage, filtered })
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.Status);
            Assert.Contains("无权查看", page.Body, StringComparison.Ordinal);
            Assert.Empty(page.Rows);
            Assert.DoesNotContain("市交通运输局", page.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("jtj-2026", page.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reporter_SeesOnlyTheirOwnUnit_OnTheBoardAndTheirUnitsPage()
    {
        await using var web = await Serve();

        var board = await web.Get("/board", FgwReporter);
        var own = await web.Get("/units/fgw", FgwReporter);

        Assert.Equal(HttpStatusCode.OK, board.Status);
        Assert.NotEmpty(board.Rows);
        Assert.All(board.Rows, r => Assert.Equal("fgw", r.Unit));
        Assert.DoesNotContain("data-testid=\"filter-unit\"", board.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.All(own.Rows, r => Assert.Equal("fgw", r.Unit));
        Assert.Contains("市发展改革委", own.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leader_SeesEveryUnitReadOnly_WithNoFormButSignOut()
    {
        await using var web = await Serve();

        var board = await web.Get("/board", Leader);
        var other = await web.Get("/units/jtj", Leader);

        Assert.Equal(HttpStatusCode.OK, board.Status);
        Assert.True(board.Rows.Select(r => r.Unit).Distinct().Count() > 1);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Contains("领导（只读）", other.Body, StringComparison.Ordinal);
        Assert.Equal(["/signout"], FormActions(other.Body, "post"));
        Assert.Equal(["/signout"], FormActions(board.Body, "post"));
    }

    [Fact]
    public async Task SignOut_Answers400AndDoesNothing_WithoutAnAntiforgeryToken()
    {
        await using var web = await Serve();

        var post = await web.PostForm("/signout", [], principal: Office);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains("表单已失效", post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_GoesToAppServiceLogout_WithTheTokenOfThePage()
    {
        await using var web = await Serve();
        var board = await web.Get("/board", Office);

        var post = await web.PostForm("/signout", [new("__csrf", board.Token)], CookiesOf(board), Office);

        Assert.Equal(HttpStatusCode.Redirect, post.Status);
        Assert.StartsWith("/.auth/logout", post.Response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_CarryARestrictiveContentSecurityPolicyAndNosniff()
    {
        await using var web = await Serve();

        var page = await web.Get("/board", Office);
        var signedOut = await web.Get("/board");

        foreach (var p in new[] { page, signedOut })
        {
            var csp = string.Join(";", p.Response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(p.Response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("lang=\"zh-CN\"", p.Body, StringComparison.Ordinal);
            Assert.Equal("text/html", p.Response.Content.Headers.ContentType?.MediaType);
        }

        Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ScanDeadlines")]
    [InlineData("scandeadlines")]
    [InlineData("EvaluateUnit")]
    public async Task FunctionPath_IsNoInvocation_WhenABrowserPostsIt(string function)
    {
        await using var web = await Serve();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/" + function, UriKind.Relative))
        {
            Content = new StringContent("""{"Data":{},"Metadata":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", Office);

        var answer = await web.Send(request);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Contains("No function named", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionPath_IsStillAnInvocation_FromTheHost()
    {
        await using var web = await Serve();

        // No Service Bus is configured: the engine cannot be built, and the invocation fails with that reason (not a 404).
        var answer = await HandlerHarness.Post(web.Client, "ScanDeadlines", HostPayloads.Timer(HandlerHarness.ScanTime).ToJsonString());

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Contains("Service Bus", Assert.Single(answer.Logs), StringComparison.Ordinal);
    }

    private static List<string> FormActions(string body, string method) =>
        [.. System.Text.RegularExpressions.Regex.Matches(body, $"<form method=\"{method}\" action=\"(?<a>[^\"]+)\"").Select(m => m.Groups["a"].Value)];
}
