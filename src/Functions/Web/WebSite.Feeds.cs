using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Escalation.Functions.Web.Feeds;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Escalation.Functions.Web;

/// <summary>
/// Calendar feeds (日历订阅): <c>/feeds</c> lists the signed-in person's feeds, creates one (POST) and revokes one
/// (<c>POST /feeds/revoke</c>); <c>/ical/{token}.ics</c> serves a feed to a calendar application. That address is the one
/// thing on the site open without sign-in (App Service authentication excludes <c>/ical/*</c>): its token, 32 random bytes,
/// is the authorisation, and only its SHA-256 is stored, so the address is shown once, at creation. Unknown or revoked
/// tokens, and feeds whose creator may no longer see what they list, answer a bare 404.
/// </summary>
internal sealed partial class WebSite
{
    /// <summary>
    /// The site's public address (<c>Escalation__Web__BaseUrl</c>) for the feeds' addresses and their links to task pages;
    /// when not set, the local <c>web</c> command uses the address of the request and <c>serve</c> puts no links in feeds.
    /// </summary>
    public string? BaseUrl { get; init; }

    private void MapFeeds(IEndpointRouteBuilder pages)
    {
        pages.MapMethods("/feeds", GetOrHead, (HttpContext c, IAntiforgery a) => FeedsPage(c, a));
        pages.MapPost("/feeds", (HttpContext c, IAntiforgery a) => CreateFeed(c, a));
        pages.MapPost("/feeds/revoke", (HttpContext c, IAntiforgery a) => RevokeFeed(c, a));
        pages.MapMethods("/ical/{token}.ics", GetOrHead, (HttpContext c, string token) => Ical(c, token));
    }

    private async Task<IResult> FeedsPage(HttpContext context, IAntiforgery antiforgery)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        return denied ?? await RenderFeeds(context, viewer!, snapshot!, null, antiforgery).ConfigureAwait(false);
    }

    private async Task<IResult> CreateFeed(HttpContext context, IAntiforgery antiforgery)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (await Rejected(context, antiforgery).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var scope = form["scope"].ToString() switch
        {
            "person" => FeedScope.Person,
            "unit" => FeedScope.Unit,
            _ => (FeedScope?)null,
        };
        if (scope is null)
        {
            return Respond(context, StatusCodes.Status400BadRequest, "订阅范围无效", viewer,
                Pages.Problem("订阅范围无效", "请选择订阅“我的事项”或“单位的全部事项”。请回到日历订阅页重新创建。"));
        }

        UnitId? unit = null;
        if (scope == FeedScope.Unit)
        {
            var text = form["unit"].ToString();
            if (!UnitId.IsValid(text) || !snapshot!.Configuration.Roster.Units.ContainsKey(new UnitId(text)))
            {
                return Respond(context, StatusCodes.Status400BadRequest, "没有这个单位", viewer,
                    Pages.Problem("没有这个单位", $"单位编号“{text}”不在单位表中。请回到日历订阅页，从列表中选择单位。"));
            }

            if (!viewer!.CanSee(new UnitId(text)))
            {
                return Respond(context, StatusCodes.Status403Forbidden, "无权订阅", viewer,
                    Pages.Problem("无权订阅", "填报员只能订阅本单位的日程。如需其他单位的日程，请联系督查室。"));
            }

            unit = new UnitId(text);
        }

        var now = digests.Clock.GetCurrentInstant();
        var (token, _) = await new FeedStore(tables()).Create(viewer!.Person.Id, scope.Value, unit, now, context.RequestAborted).ConfigureAwait(false);
        return await RenderFeeds(context, viewer, snapshot!, FeedUrl(context, token), antiforgery).ConfigureAwait(false);
    }

    private async Task<IResult> RevokeFeed(HttpContext context, IAntiforgery antiforgery)
    {
        var (viewer, _, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (await Rejected(context, antiforgery).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var revoked = await new FeedStore(tables()).Revoke(viewer!.Person.Id, form["feed"].ToString(), digests.Clock.GetCurrentInstant(), context.RequestAborted).ConfigureAwait(false);
        return revoked
            ? new SeeOther("/feeds")
            : Respond(context, StatusCodes.Status404NotFound, "没有这个订阅", viewer,
                Pages.Problem("没有这个订阅", "您没有这个有效的日历订阅（可能已撤销）。请回到日历订阅页查看。"));
    }

    private async Task<IResult> Ical(HttpContext context, string token)
    {
        if (!FeedStore.LooksLikeToken(token)
            || await new FeedStore(tables()).Find(token, context.RequestAborted).ConfigureAwait(false) is not { RevokedAt: null } feed)
        {
            return Results.NotFound();
        }

        // The feed lists what its creator may see today: a person gone from the people table, or without a role, opens nothing.
        var snapshot = await board().Get(context.RequestAborted).ConfigureAwait(false);
        if (snapshot.Configuration.People.GetValueOrDefault(feed.Person) is not { } person
            || Viewers.Of(snapshot.Configuration, person) is not { Role: not WebRole.None } viewer
            || (feed.Unit is { } unit && !viewer.CanSee(unit)))
        {
            return Results.NotFound();
        }

        // The references (文号) of the open demands listed: a point read each on the notice's log row.
        var scope = FeedCalendar.Scope(snapshot, feed, viewer);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        var log = await tables().Table(EscalationLog.TableName, context.RequestAborted).ConfigureAwait(false);
        foreach (var demand in scope.Demands.Select(d => d.Demand).DistinctBy(d => d.Notice))
        {
            if (await log.Find(demand.LogUnit.Value, demand.Notice, ["Reference"], context.RequestAborted).ConfigureAwait(false) is { } row
                && row.GetString("Reference") is { Length: > 0 } reference)
            {
                references[demand.Notice] = reference;
            }
        }

        var entries = FeedCalendar.Entries(snapshot, scope, references, BaseUrlOf(context));
        var name = feed.Scope == FeedScope.Unit && snapshot.Configuration.Roster.Units.TryGetValue(feed.Unit!.Value, out var u)
            ? $"督查督办 · {u.Name}"
            : $"督查督办 · {person.Name}";
        return Results.Text(FeedCalendar.Serialize(name, entries, snapshot.ComputedAt), "text/calendar; charset=utf-8");
    }

    private async Task<IResult> RenderFeeds(HttpContext context, Viewer viewer, BoardSnapshot snapshot, string? created, IAntiforgery antiforgery)
    {
        var feeds = await new FeedStore(tables()).Of(viewer.Person.Id, context.RequestAborted).ConfigureAwait(false);
        return Respond(context, StatusCodes.Status200OK, "日历订阅", viewer,
            FeedPages.Feeds(snapshot, viewer, feeds, created, Token(context, antiforgery), BaseUrlOf(context) is not null));
    }

    /// <summary>The public address: the setting, else locally the request's own (http://127.0.0.1:port), else none.</summary>
    private string? BaseUrlOf(HttpContext context) =>
        BaseUrl ?? (principals.DevelopmentSignIn ? $"{context.Request.Scheme}://{context.Request.Host.Value}" : null);

    private string FeedUrl(HttpContext context, string token) => $"{BaseUrlOf(context) ?? ""}/ical/{token}.ics";
}
