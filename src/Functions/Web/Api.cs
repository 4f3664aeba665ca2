using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Escalation.Domain.Calendar;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Web;

/// <summary>
/// The JSON API for machine callers, under <c>/api/</c>: <c>GET /api/board?unit=&amp;kind=&amp;light=&amp;page=</c> (a page of
/// the board's rows and the counts per light), <c>GET /api/units/{id}</c> (a unit's items, the demands it owes with their
/// reference numbers, its coming deadlines), <c>GET /api/digests</c> (the weekly lists and monthly notices issued).
/// Bad input is 400 with <c>{"error": "..."}</c> in Chinese; an unknown path 404 likewise.
/// Who may call it:
/// <list type="bullet">
/// <item>in Azure (<c>serve</c>), the <c>Api</c> function (authLevel function): the Functions host checks the function
/// key before the request reaches the handler, and <c>/api</c> is excluded from App Service authentication, so any
/// <c>X-MS-CLIENT-PRINCIPAL*</c> header on it was not put there by App Service: the API never reads them and serves
/// machine data only (<paramref name="localPrincipals"/> is null);</item>
/// <item>locally (<c>web</c>), there is no function key: the caller needs the development sign-in's session of a person
/// whose web role is office (督查室) or leader (领导); none is 401, another role 403.</item>
/// </list>
/// </summary>
internal sealed class Api(IPrincipalSource? localPrincipals, Func<BoardCache> board, Func<IEntityTables> tables)
{
    /// <summary>Readable JSON: Chinese is written as is, what HTML treats specially stays escaped.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A store that cannot be reached is a 503 with the reason in Chinese, instead of an empty 500.
        var api = app.MapGroup("/api");
        api.AddEndpointFilter(StoreFault.Filter((_, text) => Error(StatusCodes.Status503ServiceUnavailable, text)));
        api.MapMethods("/board", WebSite.GetOrHead, (Func<HttpContext, Task<IResult>>)Board);
        api.MapMethods("/units/{id}", WebSite.GetOrHead, (HttpContext c, string id) => Unit(c, id));
        api.MapMethods("/digests", WebSite.GetOrHead, (Func<HttpContext, Task<IResult>>)Digests);
        app.MapMethods("/api/{**rest}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch], (Func<HttpContext, IResult>)(c =>
            Error(StatusCodes.Status404NotFound, $"没有这个接口：{c.Request.Method} {c.Request.Path}。可用的接口：GET /api/board、GET /api/units/{{单位编号}}、GET /api/digests。")));
    }

    private async Task<IResult> Board(HttpContext context)
    {
        var (snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var q = context.Request.Query;
        var (query, error) = BoardQuery.Parse(q["unit"], q["kind"], q["light"], q["page"]);
        if (query is null)
        {
            return Error(StatusCodes.Status400BadRequest, error!);
        }

        if (query.Unit is { } unit && !snapshot!.Configuration.Roster.Units.ContainsKey(unit))
        {
            return Error(StatusCodes.Status404NotFound, $"单位编号“{unit.Value}”不在单位表中。");
        }

        var page = BoardPage.Of(snapshot!.Items, query);
        var rows = new JsonArray();
        foreach (var row in page.Rows)
        {
            rows.Add(Row(row));
        }

        return Ok(new JsonObject
        {
            ["date"] = IsoDate.Format(snapshot.Today),
            ["computedAt"] = Time(snapshot.ComputedAt),
            ["unit"] = query.Unit?.Value,
            ["kind"] = query.Kind is { } kind ? Name(kind) : null,
            ["light"] = query.Light is { } light ? Name(light) : null,
            ["page"] = page.Page,
            ["pages"] = page.Pages,
            ["pageSize"] = BoardQuery.PageSize,
            ["matching"] = page.Matching,
            ["counts"] = new JsonObject
            {
                ["red"] = page.Counts[LightFilter.Red],
                ["yellow"] = page.Counts[LightFilter.Yellow],
                ["green"] = page.Counts[LightFilter.Green],
                ["none"] = page.Counts[LightFilter.None],
            },
            ["rows"] = rows,
        });
    }

    private async Task<IResult> Unit(HttpContext context, string id)
    {
        var (snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (!UnitId.IsValid(id))
        {
            return Error(StatusCodes.Status400BadRequest, $"“{id}”不是单位编号。");
        }

        if (!snapshot!.Configuration.Roster.Units.TryGetValue(new UnitId(id), out var unit))
        {
            return Error(StatusCodes.Status404NotFound, $"单位编号“{id}”不在单位表中。");
        }

        var items = new JsonArray();
        foreach (var item in snapshot.ByUnit.TryGetValue(unit.Id, out var list) ? list : [])
        {
            items.Add(Row(item));
        }

        var demands = new JsonArray();
        var owed = snapshot.Demands.TryGetValue(unit.Id, out var o) ? o : [];
        if (owed.Count > 0)
        {
            // The reference number and level are on the notice's log row: a point read each, for the few demands open.
            var log = await tables().Table(EscalationLog.TableName, context.RequestAborted).ConfigureAwait(false);
            foreach (var demand in owed)
            {
                var row = await log.Find(demand.LogUnit.Value, demand.Notice, ["Reference", "Level"], context.RequestAborted).ConfigureAwait(false);
                demands.Add(new JsonObject
                {
                    ["notice"] = demand.Notice,
                    ["reference"] = row?.GetString("Reference") is { Length: > 0 } reference ? reference : null,
                    ["level"] = row?.GetString("Level"),
                    ["item"] = demand.Item,
                    ["itemTitle"] = demand.ItemTitle,
                    ["kind"] = Camel(demand.Kind.ToString()),
                    ["dueBy"] = IsoDate.Format(demand.DueBy),
                    ["overdue"] = demand.DueBy < snapshot.Today,
                });
            }
        }

        var deadlines = new JsonArray();
        foreach (var deadline in snapshot.Deadlines.TryGetValue(unit.Id, out var d) ? d : [])
        {
            deadlines.Add(new JsonObject
            {
                ["due"] = IsoDate.Format(deadline.Due),
                ["item"] = deadline.Item,
                ["itemTitle"] = deadline.ItemTitle,
                ["what"] = deadline.What,
            });
        }

        return Ok(new JsonObject
        {
            ["date"] = IsoDate.Format(snapshot.Today),
            ["computedAt"] = Time(snapshot.ComputedAt),
            ["unit"] = new JsonObject { ["id"] = unit.Id.Value, ["name"] = unit.Name },
            ["items"] = items,
            ["demands"] = demands,
            ["deadlines"] = deadlines,
        });
    }

    private async Task<IResult> Digests(HttpContext context)
    {
        var (_, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        // Each digest's claim row (RowKey "claim" in the digest's partition): one query across partitions.
        var table = await tables().Table(DigestStore.TableName, context.RequestAborted).ConfigureAwait(false);
        var claims = new List<DigestClaim>();
        await foreach (var entity in table.Query(new EntityQuery(null, DigestStore.ClaimRow, DigestStore.ClaimRow + '\0'), context.RequestAborted).ConfigureAwait(false))
        {
            claims.Add(DigestStore.ClaimFrom(entity));
        }

        var digests = new JsonArray();
        foreach (var claim in claims.OrderByDescending(c => c.IssuedOn).ThenBy(c => c.Period.Key, StringComparer.Ordinal))
        {
            digests.Add(new JsonObject
            {
                ["key"] = claim.Period.Key,
                ["kind"] = claim.Period.Kind == Domain.Digests.DigestKind.WeeklyList ? "week" : "month",
                ["period"] = claim.Period.Period.Key,
                ["title"] = claim.Period.Title,
                ["issuedOn"] = IsoDate.Format(claim.IssuedOn),
                ["status"] = Camel(claim.Status.ToString()),
                ["missing"] = claim.Missing,
            });
        }

        return Ok(new JsonObject { ["digests"] = digests });
    }

    /// <summary>
    /// Azure: nothing to check here (the host checked the function key; principal headers are ignored). Locally: the
    /// development session of an office or leader person.
    /// </summary>
    private async Task<(BoardSnapshot? Board, IResult? Denied)> Authorize(HttpContext context)
    {
        if (localPrincipals is null)
        {
            return (await board().Get(context.RequestAborted).ConfigureAwait(false), null);
        }

        if (localPrincipals.Read(context.Request) is not Principal.Person signedIn)
        {
            return (null, Error(StatusCodes.Status401Unauthorized,
                "本地网页的接口没有函数密钥，需要先在 /signin 以督查室或领导的身份登录（浏览器会话），再访问 /api/ 下的接口。"));
        }

        var snapshot = await board().Get(context.RequestAborted).ConfigureAwait(false);
        var person = snapshot.Configuration.People.GetValueOrDefault(signedIn.Id);
        if (person is null)
        {
            return (null, Error(StatusCodes.Status401Unauthorized, $"登录的人员“{signedIn.Id.Value}”已不在人员表中，请到 /signin 重新登录。"));
        }

        var viewer = Viewers.Of(snapshot.Configuration, person);
        return viewer.Role is Domain.Catalog.WebRole.Office or Domain.Catalog.WebRole.Leader
            ? (snapshot, null)
            : (null, Error(StatusCodes.Status403Forbidden, $"接口只对督查室和领导开放；人员“{person.Name}”（{person.Id.Value}）的网页角色是“{viewer.RoleName}”。"));
    }

    private static JsonObject Row(BoardItem item)
    {
        var row = new JsonObject
        {
            ["kind"] = Name(item.Kind),
            ["id"] = item.Id,
            ["unit"] = item.Unit.Value,
            ["unitName"] = item.UnitName,
            ["title"] = item.Title,
            ["light"] = Name(BoardQuery.Of(item.Light)),
        };
        switch (item)
        {
            case BoardTask task:
                var checkpoints = new JsonArray();
                foreach (var c in task.Checkpoints)
                {
                    checkpoints.Add(new JsonObject { ["name"] = c.Name, ["due"] = IsoDate.Format(c.Due), ["target"] = c.Target, ["isDeadline"] = c.IsDeadline });
                }

                row["itemKind"] = Camel(task.ItemKind.ToString());
                row["status"] = Camel(task.Status.ToString());
                row["start"] = IsoDate.Format(task.Start);
                row["deadline"] = IsoDate.Format(task.Deadline);
                row["planned"] = task.Snapshot?.Planned;
                row["reported"] = task.Snapshot?.Reported;
                row["overdueCheckpoint"] = task.Snapshot?.Overdue?.Name;
                row["nextReport"] = task.NextReport is { } next ? IsoDate.Format(next) : null;
                row["checkpoints"] = checkpoints;
                break;
            case BoardIndicator indicator:
                var groups = new JsonArray();
                foreach (var g in indicator.GroupRanks)
                {
                    groups.Add(new JsonObject { ["group"] = g.Group, ["rank"] = g.Rank, ["of"] = g.Size });
                }

                row["period"] = indicator.Period.Key;
                row["periodLabel"] = indicator.PeriodLabel;
                row["value"] = indicator.Value;
                row["planned"] = indicator.Planned;
                row["measureUnit"] = indicator.MeasureUnit;
                row["provincialRank"] = indicator.ProvincialRank is { } rank ? new JsonObject { ["rank"] = rank.Rank, ["of"] = rank.Of } : null;
                row["groupRanks"] = groups;
                row["published"] = IsoDate.Format(indicator.Published);
                break;
        }

        return row;
    }

    private static string Name(BoardKind kind) => kind == BoardKind.Task ? "task" : "indicator";

    private static string Name(LightFilter light) => light switch
    {
        LightFilter.Red => "red",
        LightFilter.Yellow => "yellow",
        LightFilter.Green => "green",
        _ => "none",
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Time(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static IResult Ok(JsonObject body) => Results.Text(body.ToJsonString(Json), "application/json; charset=utf-8", statusCode: StatusCodes.Status200OK);

    private static IResult Error(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(Json), "application/json; charset=utf-8", statusCode: status);
}
