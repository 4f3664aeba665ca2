using System.Security.Cryptography;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// The web pages (architecture.md §8), served by the custom handler in Azure (<c>serve</c>, behind App Service
/// authentication, function <c>Web</c>) and by the local <c>web</c> command, over the same store abstraction:
/// <c>/</c> and <c>/board</c> (挂图作战), <c>/units/{id}</c>, <c>/signin</c> (local only), <c>/signout</c>.
/// Access: nothing is readable signed out (Azure: 401; local: a redirect to <c>/signin</c>); a signed-in account that
/// is no person of the people table gets 403 「账号未登记」; a reporter sees only their own unit (any other unit's page or
/// filter is 403, with none of its data); leadership reads only. Every form carries an antiforgery token, checked on post.
/// The digests' pages (<c>/digests</c>, <c>/digests/week/{w}</c>, <c>/digests/month/{m}</c>) are in WebSite.Digests.cs.
/// </summary>
internal sealed partial class WebSite(IPrincipalSource principals, Func<BoardCache> board, Func<IEntityTables> tables, DigestSource digests)
{
    /// <summary>The cookie and form field names of the antiforgery tokens.</summary>
    public const string AntiforgeryCookie = "escalation-csrf";
    public const string AntiforgeryField = "__csrf";

    /// <summary>
    /// Registers data protection (its key ring in the store's <c>webkeys</c> table, shared by all instances) and
    /// antiforgery. <paramref name="tables"/> is asked for when the key ring is first read, not now.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="tables">The store holding the key ring.</param>
    /// <param name="secureCookies">
    /// True in Azure (<c>serve</c>): the browser reaches the front end over HTTPS only, though the handler sees
    /// http://127.0.0.1 from the Functions host, so the cookie is marked Secure whatever the request's scheme. False for
    /// the local <c>web</c> command, served over http://127.0.0.1, where a Secure cookie would not be sent back.
    /// </param>
    public static void AddServices(IServiceCollection services, Func<IEntityTables> tables, bool secureCookies = false)
    {
        services.AddDataProtection().SetApplicationName("escalation-web");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new TableKeyRepository(tables));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = AntiforgeryField;
            o.HeaderName = null;
        });
    }

    /// <summary>Maps the pages. Security headers go on every response of the app.</summary>
    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                // HEAD is answered like GET without the body (Kestrel drops it too; this holds for any server).
                context.Response.Body = Stream.Null;
            }

            await next(context).ConfigureAwait(false);
        });

        // Every page answers a store that cannot be reached with a 503 that says so, instead of an empty 500.
        var pages = app.MapGroup("");
        pages.AddEndpointFilter(StoreFault.Filter((c, text) =>
            Respond(c, StatusCodes.Status503ServiceUnavailable, "数据存储暂时无法访问", null, Pages.Problem("数据存储暂时无法访问", text), withSignOut: false)));
        pages.MapMethods("/", GetOrHead, (Func<HttpContext, Task<IResult>>)(c => Board(c, "/")));
        pages.MapMethods("/board", GetOrHead, (Func<HttpContext, Task<IResult>>)(c => Board(c, "/board")));
        pages.MapMethods("/units/{id}", GetOrHead, (HttpContext c, string id) => Unit(c, id));
        pages.MapMethods("/signin", GetOrHead, SignInPage);
        pages.MapPost("/signin", SignIn);
        pages.MapMethods("/signout", GetOrHead, SignOutPage);
        pages.MapPost("/signout", SignOut);
        MapDigests(pages);
        MapTasks(pages);
        MapFeeds(pages);
        MapNotices(pages);
        MapLoop(pages);
    }

    /// <summary>The methods of a page (function.json of Web and Api allows both).</summary>
    internal static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    private const string NonceKey = "csp-nonce";

    private async Task<IResult> Board(HttpContext context, string path)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var q = context.Request.Query;
        var (query, error) = BoardQuery.Parse(q["unit"], q["kind"], q["light"], q["page"]);
        if (query is null)
        {
            return Respond(context, StatusCodes.Status400BadRequest, "筛选条件无效", viewer, Pages.Problem("筛选条件无效", error + " 请从挂图作战页重新选择筛选条件。"));
        }

        if (query.Unit is { } unit && !viewer!.CanSee(unit))
        {
            return Forbidden(context, viewer);
        }

        if (query.Unit is { } named && !snapshot!.Configuration.Roster.Units.ContainsKey(named))
        {
            return NotFound(context, viewer!, named.Value);
        }

        // A reporter's board is their unit's.
        query = viewer!.OnlyUnit is { } own ? query with { Unit = own } : query;
        var page = BoardPage.Of(snapshot!.Items, query);
        return Respond(context, StatusCodes.Status200OK, "挂图作战", viewer, Pages.Board(snapshot, query, page, viewer, path));
    }

    private async Task<IResult> Unit(HttpContext context, string id)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (!UnitId.IsValid(id) || !viewer!.CanSee(new UnitId(id)))
        {
            return UnitId.IsValid(id) ? Forbidden(context, viewer!) : NotFound(context, viewer!, id);
        }

        if (!snapshot!.Configuration.Roster.Units.TryGetValue(new UnitId(id), out var unit))
        {
            return NotFound(context, viewer, id);
        }

        var demands = LoopPages.UnitDemands(snapshot.Configuration, unit.Id, snapshot.Today, await UnitDemands(context, snapshot, unit.Id).ConfigureAwait(false), viewer);
        var notices = await UnitNotices(context, viewer, snapshot, unit.Id).ConfigureAwait(false);
        notices = await UnitRequests(context, viewer, snapshot, unit.Id).ConfigureAwait(false) + notices;
        return Respond(context, StatusCodes.Status200OK, unit.Name, viewer, Pages.Unit(snapshot, unit, demands, notices));
    }

    private async Task<IResult> SignInPage(HttpContext context, IAntiforgery antiforgery)
    {
        if (!principals.DevelopmentSignIn)
        {
            return Results.NotFound();
        }

        var snapshot = await board().Get(context.RequestAborted).ConfigureAwait(false);
        return Respond(context, StatusCodes.Status200OK, "登录", null, Pages.SignIn(snapshot.Configuration, Token(context, antiforgery)), withSignOut: false);
    }

    private async Task<IResult> SignIn(HttpContext context, IAntiforgery antiforgery)
    {
        if (principals is not DevelopmentPrincipalSource development)
        {
            return Results.NotFound();
        }

        if (await Rejected(context, antiforgery).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var snapshot = await board().Get(context.RequestAborted).ConfigureAwait(false);
        var id = form["person"].ToString();
        if (!UnitId.IsValid(id) || !snapshot.Configuration.People.ContainsKey(new PersonId(id)))
        {
            return Respond(context, StatusCodes.Status400BadRequest, "登录", null,
                Pages.Problem("没有这个人员", $"人员编号“{id}”不在人员表中。请回到登录页重新选择。"), withSignOut: false);
        }

        development.SignIn(context.Response, new PersonId(id));
        return Results.Redirect("/board");
    }

    private IResult SignOutPage(HttpContext context, IAntiforgery antiforgery)
    {
        var body = new Html().Raw("<h1>退出登录</h1><form method=\"post\" action=\"/signout\" data-testid=\"signout-page-form\">").Raw(Token(context, antiforgery))
            .Raw("<button type=\"submit\">退出登录</button></form>").ToString();
        return Respond(context, StatusCodes.Status200OK, "退出登录", null, body, withSignOut: false);
    }

    private async Task<IResult> SignOut(HttpContext context, IAntiforgery antiforgery)
    {
        if (await Rejected(context, antiforgery).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        if (principals.DevelopmentSignIn)
        {
            DevelopmentPrincipalSource.SignOut(context.Response);
            return Results.Redirect("/signin");
        }

        // App Service authentication ends the session at its own endpoint.
        return Results.Redirect("/.auth/logout?post_logout_redirect_uri=/");
    }

    /// <summary>
    /// The viewer and the board, or the answer that ends the request: signed out (401, or the sign-in page locally), an
    /// unreadable sign-in (401), an account that is no person (403 账号未登记), a person without a web role (403).
    /// </summary>
    private async Task<(Viewer? Viewer, BoardSnapshot? Board, IResult? Denied)> Authorize(HttpContext context)
    {
        var principal = principals.Read(context.Request);
        switch (principal)
        {
            case Principal.Anonymous when principals.DevelopmentSignIn:
                return (null, null, Results.Redirect("/signin"));
            case Principal.Anonymous:
                return (null, null, Respond(context, StatusCodes.Status401Unauthorized, "未登录", null,
                    Pages.Problem("未登录", "请先通过统一身份认证（Microsoft Entra ID）登录后再访问。"), withSignOut: false));
            case Principal.Unreadable unreadable:
                return (null, null, Respond(context, StatusCodes.Status401Unauthorized, "登录信息无法识别", null,
                    Pages.Problem("登录信息无法识别", $"本次请求携带的登录信息无法识别（{unreadable.Reason}）。请退出后重新登录；仍不行的，请联系督查室的系统管理员。"), withSignOut: false));
        }

        var snapshot = await board().Get(context.RequestAborted).ConfigureAwait(false);
        var configuration = snapshot.Configuration;
        var match = principal switch
        {
            Principal.Account account => Viewers.Match(configuration, account.Names),
            Principal.Person p when configuration.People.GetValueOrDefault(p.Id) is { } known => new Domain.Catalog.AccountMatch.One(known),
            _ => new Domain.Catalog.AccountMatch.Nobody(),
        };
        if (match is Domain.Catalog.AccountMatch.Ambiguous ambiguous && principal is Principal.Account shared)
        {
            return (null, null, Respond(context, StatusCodes.Status403Forbidden, "账号冲突", null,
                Pages.Problem("账号冲突", Viewers.Conflict(shared.Names, ambiguous)), withSignOut: false));
        }

        var person = (match as Domain.Catalog.AccountMatch.One)?.Person;
        if (person is null)
        {
            var names = principal is Principal.Account a ? string.Join("、", a.Names) : ((Principal.Person)principal).Id.Value;
            if (principal is Principal.Person)
            {
                DevelopmentPrincipalSource.SignOut(context.Response);
            }

            return (null, null, Respond(context, StatusCodes.Status403Forbidden, "账号未登记", null,
                Pages.Problem("账号未登记", $"您登录的账号（{names}）不在人员表中。请联系督查室，在人员表中为您登记“邮箱”或“登录账号”（填写上面的登录名）并设置网页角色，导入后即可访问。"), withSignOut: false));
        }

        var viewer = Viewers.Of(configuration, person);
        if (viewer.Role == Domain.Catalog.WebRole.None)
        {
            return (null, null, Respond(context, StatusCodes.Status403Forbidden, "没有网页权限", viewer,
                Pages.Problem("没有网页权限", Viewers.NoAccess(viewer))));
        }

        await NotePending(context, viewer).ConfigureAwait(false);
        return (viewer, snapshot, null);
    }

    private static IResult Forbidden(HttpContext context, Viewer viewer) =>
        Respond(context, StatusCodes.Status403Forbidden, "无权查看", viewer,
            Pages.Problem("无权查看", "填报员只能查看本单位的事项。如需查看其他单位，请联系督查室。"));

    private static IResult NotFound(HttpContext context, Viewer viewer, string id) =>
        Respond(context, StatusCodes.Status404NotFound, "没有这个单位", viewer,
            Pages.Problem("没有这个单位", $"单位编号“{id}”不在单位表中。请从挂图作战页选择单位。"));

    /// <summary>
    /// A 400 page when the form's antiforgery token is missing or wrong, or the form cannot be read at all (a multipart body
    /// without boundary, a broken or cut-off body); null when it is valid. <paramref name="unreadable"/>, when given, answers
    /// an unreadable form first (null from it: the 400 page).
    /// </summary>
    private static async Task<IResult?> Rejected(HttpContext context, IAntiforgery antiforgery, Func<Exception, IResult?>? unreadable = null)
    {
        try
        {
            if (await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return null;
            }
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or IOException or BadHttpRequestException)
        {
            return unreadable?.Invoke(e) ?? Respond(context, StatusCodes.Status400BadRequest, "表单无效", null,
                Pages.Problem("表单无效", "提交的表单内容无法读取（格式错误或不完整，可能是网络中断或浏览器插件改动了请求）。请刷新页面后重新提交；仍不行的，请换用其他浏览器或联系督查室的系统管理员。"),
                withSignOut: false);
        }

        return Respond(context, StatusCodes.Status400BadRequest, "表单已失效", null,
            Pages.Problem("表单已失效", "表单缺少有效的防伪令牌（可能页面已过期，或请求并非来自本网站）。请刷新页面后重新提交。"), withSignOut: false);
    }

    private static string Token(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Html.Encode(tokens.FormFieldName)}\" value=\"{Html.Encode(tokens.RequestToken)}\">";
    }

    private static IResult Respond(HttpContext context, int status, string title, Viewer? viewer, string body, bool withSignOut = true)
    {
        var antiforgery = withSignOut && viewer is not null ? Token(context, context.RequestServices.GetRequiredService<IAntiforgery>()) : null;
        var nonce = context.Items[NonceKey] as string ?? "";
        var pending = context.Items[PendingKey] as int?;
        return Results.Content(Html.Page(title, nonce, viewer, antiforgery, body, pending), "text/html; charset=utf-8", statusCode: status);
    }

    private static string? LevelWord(string? level) => level switch
    {
        "Notice" => "通报",
        "Summons" => "约谈",
        "Accountability" => "问责建议",
        "Reminder" => "提醒",
        _ => null,
    };
}
