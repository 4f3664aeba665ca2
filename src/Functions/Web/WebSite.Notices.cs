using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Web;

// 签收: the notice page (/notices/{eventId}) and the signature (POST /notices/{eventId}/sign). The link in messages opens
// the signed-in page: it is no bearer token, whoever follows it signs in first and signs only if they may.
internal sealed partial class WebSite
{
    /// <summary>How many days back the unit page lists the unit's notices and summonses.</summary>
    public const int NoticeDays = 90;

    private void MapNotices(RouteGroupBuilder pages)
    {
        pages.MapMethods("/notices/{eventId}", GetOrHead, (HttpContext c, string eventId) => Notice(c, eventId));
        pages.MapPost("/notices/{eventId}/sign", (HttpContext c, IAntiforgery a, string eventId) => Sign(c, a, eventId));
    }

    private async Task<IResult> Notice(HttpContext context, string eventId)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (entry, refused) = await ReadableNotice(context, viewer!, snapshot!.Configuration, eventId).ConfigureAwait(false);
        return refused ?? await RenderNotice(context, viewer!, snapshot.Configuration, entry!, StatusCodes.Status200OK, AnswerForm.Empty).ConfigureAwait(false);
    }

    private async Task<IResult> Sign(HttpContext context, IAntiforgery antiforgery, string eventId)
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

        var configuration = snapshot!.Configuration;
        var (entry, refused) = await ReadableNotice(context, viewer!, configuration, eventId).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var e = entry!.Event;
        switch (Signing.Right(e, viewer!.Person.Id, viewer.Person.Unit, viewer.Role))
        {
            case SignRight.NotSignable:
                return Respond(context, StatusCodes.Status400BadRequest, "无需签收", viewer,
                    Pages.Problem("无需签收", $"{ChineseNames.Of(e.Level)}不需要签收：只有通报和约谈通知需要被通报单位签收。"));
            case SignRight.NotAddressee:
                return Respond(context, StatusCodes.Status403Forbidden, "无权签收", viewer,
                    Pages.Problem("无权签收", "只有通报、约谈通知的收件人（抄送人除外）或被通报单位的填报员可以签收；督查室和领导不能代替单位签收。"));
        }

        var outcome = await new EscalationLog(tables()).Sign(e.Unit, e.Id, viewer.Person.Id, digests.Clock.GetCurrentInstant(), context.RequestAborted).ConfigureAwait(false);
        if (outcome is null)
        {
            return NoticeNotFound(context, viewer, eventId);
        }

        if (outcome.SignedNow)
        {
            // Back where the button was: the unit page, or the notice page (a fixed choice, never an address from the form).
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Redirect(form["from"] == "unit"
                ? "/units/" + Uri.EscapeDataString(e.Unit.Value) + "#notices"
                : "/notices/" + Uri.EscapeDataString(e.Id.Value));
        }

        // Signed before (another person, another tab): say by whom and when, write nothing.
        var signed = entry with { SignedBy = outcome.SignedBy, SignedAt = outcome.SignedAt };
        var note = $"该{NoticePages.LevelNoun(e.Level)}已由{NoticePages.PersonName(configuration, outcome.SignedBy)}于{NoticePages.Time(configuration, outcome.SignedAt)}签收，无需再次签收。";
        return Respond(context, StatusCodes.Status200OK, NoticePages.Title(signed), viewer, NoticePage(context, viewer, configuration, signed, note));
    }

    /// <summary>
    /// The log entry of <paramref name="eventId"/> if the viewer may read it, else the answer: 404 for an id that is no
    /// event of any unit, 403 for a reporter's look at another unit's event (or at an accountability recommendation,
    /// which never goes to the unit), with none of its data.
    /// </summary>
    private async Task<(LogEntry? Entry, IResult? Refused)> ReadableNotice(HttpContext context, Viewer viewer, Configuration configuration, string eventId)
    {
        if (!EventId.TryParse(eventId, out var id))
        {
            return (null, NoticeNotFound(context, viewer, eventId));
        }

        var log = new EscalationLog(tables());
        LogEntry? entry = null;
        // A reporter's notices are most likely their unit's: look there first. The log is partitioned by unit, and the
        // link carries only the event id, so the other units are point reads, one each.
        var units = configuration.Roster.Units.Keys.OrderBy(u => u == viewer.Person.Unit ? 0 : 1).ThenBy(u => u.Value, StringComparer.Ordinal);
        foreach (var unit in units)
        {
            if (await log.Find(unit, id, context.RequestAborted).ConfigureAwait(false) is { } found)
            {
                entry = found;
                break;
            }
        }

        if (entry is null)
        {
            return (null, NoticeNotFound(context, viewer, eventId));
        }

        var e = entry.Event;
        var readable = viewer.Role is WebRole.Office or WebRole.Leader
            || (viewer.Role == WebRole.Reporter && e.Level != EventLevel.Accountability
                && (viewer.CanSee(e.Unit) || Signing.Right(e, viewer.Person.Id, viewer.Person.Unit, viewer.Role) == SignRight.Allowed));
        return readable
            ? (entry, null)
            : (null, Respond(context, StatusCodes.Status403Forbidden, "无权查看", viewer,
                Pages.Problem("无权查看", "填报员只能查看发给本单位的通报、约谈通知和提醒。如需查看其他单位的，请联系督查室。")));
    }

    private static IResult NoticeNotFound(HttpContext context, Viewer viewer, string eventId) =>
        Respond(context, StatusCodes.Status404NotFound, "没有这份通报", viewer,
            Pages.Problem("没有这份通报", $"督办记录中没有编号为“{eventId}”的通报、约谈通知或提醒。请从消息中的链接或本单位页面打开。"));

    private static string NoticePage(HttpContext context, Viewer viewer, Configuration configuration, LogEntry entry, string? note)
    {
        var e = entry.Event;
        var right = Signing.Right(e, viewer.Person.Id, viewer.Person.Unit, viewer.Role);
        var form = right == SignRight.Allowed && entry.SignedBy is null
            ? Token(context, context.RequestServices.GetRequiredService<IAntiforgery>())
            : null;
        return NoticePages.Notice(configuration, entry, right, form, note);
    }

    /// <summary>
    /// The unit's notices and summonses of the last <see cref="NoticeDays"/> days with their sign state, newest first,
    /// each with the sign button when the viewer may sign it and it is unsigned.
    /// </summary>
    private async Task<string> UnitNotices(HttpContext context, Viewer viewer, BoardSnapshot snapshot, UnitId unit)
    {
        var since = snapshot.Today.PlusDays(-NoticeDays);
        var notices = new List<LogEntry>();
        await foreach (var entry in new EscalationLog(tables()).OfUnit(unit, context.RequestAborted).ConfigureAwait(false))
        {
            if (Signing.IsSignable(entry.Event) && entry.Event.Date >= since)
            {
                notices.Add(entry);
            }
        }

        notices.Sort((a, b) => b.Event.Date.CompareTo(a.Event.Date) is not 0 and var c ? c : string.CompareOrdinal(a.Event.Id.Value, b.Event.Id.Value));
        string? token = null;
        string? Token()
        {
            return token ??= WebSite.Token(context, context.RequestServices.GetRequiredService<IAntiforgery>());
        }

        return NoticePages.UnitNotices(snapshot.Configuration, notices, e => Signing.Right(e, viewer.Person.Id, viewer.Person.Unit, viewer.Role) == SignRight.Allowed ? Token() : null);
    }
}
