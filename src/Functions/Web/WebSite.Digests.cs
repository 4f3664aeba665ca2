using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Escalation.Domain.Catalog;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Digests;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>What the digests' pages render with: the digest options (红头, the monthly notice's latest day), the clock and zone.</summary>
internal sealed record DigestSource(DigestOptions Options, IClock Clock, DateTimeZone Zone);

/// <summary>
/// The digests' pages: <c>/digests</c> (every weekly list and monthly notice issued, newest first, from the claims of the
/// digests table), <c>/digests/week/{2026-W23}</c> and <c>/digests/month/{2026-06}</c> (the document as issued: rendered
/// by <see cref="DigestIssuing.Render"/> and <see cref="DigestHtml.Render(DigestDocument, DigestLetterhead)"/> as of the
/// claim's issue day, as the email was), and their workbooks (<c>….xlsx</c>, the email's attachment).
/// <para>
/// Nobody sees on the web more than their role was sent (<see cref="DigestIssuing.Recipients"/>): the office and
/// leadership see the whole document; a reporter sees the weekly list's part of their own unit (what its principal
/// received, alongside the parts of any other listed unit the same person heads; nothing when the unit is not listed)
/// and the whole monthly notice (it goes to every unit's principal).
/// </para>
/// </summary>
internal sealed partial class WebSite
{
    /// <summary>Rendered digests per board snapshot (a new snapshot, after any write to the store, renders them again).</summary>
    private readonly ConditionalWeakTable<BoardSnapshot, ConcurrentDictionary<string, Lazy<Task<RenderedDigest>>>> _rendered = new();

    private sealed record RenderedDigest(DigestDocument Whole, IReadOnlyDictionary<UnitId, DigestDocument> Parts);

    private void MapDigests(IEndpointRouteBuilder pages)
    {
        pages.MapMethods("/digests", GetOrHead, (Func<HttpContext, Task<IResult>>)Digests);
        pages.MapMethods("/digests/week/{period}", GetOrHead, (HttpContext c, string period) => Digest(c, DigestKind.WeeklyList, period));
        pages.MapMethods("/digests/month/{period}", GetOrHead, (HttpContext c, string period) => Digest(c, DigestKind.MonthlyNotice, period));
    }

    private async Task<IResult> Digests(HttpContext context)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var table = await tables().Table(DigestStore.TableName, context.RequestAborted).ConfigureAwait(false);
        var claims = new List<DigestClaim>();
        await foreach (var row in table.Query(EntityQuery.WholeTable(["IssuedOn", "Status", "Missing", "ClaimedAt"]), context.RequestAborted).ConfigureAwait(false))
        {
            if (row.RowKey == DigestStore.ClaimRow)
            {
                claims.Add(DigestStore.ClaimFrom(row));
            }
        }

        var ordered = claims.OrderByDescending(c => c.IssuedOn).ThenBy(c => c.Period.Kind).ThenByDescending(c => c.Period.Period).ToList();
        return Respond(context, StatusCodes.Status200OK, "督查清单和通报", viewer, DigestPages.List(ordered, viewer!, snapshot!));
    }

    private async Task<IResult> Digest(HttpContext context, DigestKind kind, string text)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var workbook = text.EndsWith(".xlsx", StringComparison.Ordinal);
        var key = workbook ? text[..^".xlsx".Length] : text;
        if (Parse(kind, key) is not { } period)
        {
            var (heading, example, form) = kind == DigestKind.WeeklyList
                ? ("周次无效", "2026-W23", "ISO 周（年-W两位周次）")
                : ("月份无效", "2026-06", "月份（年-两位月份）");
            return Respond(context, StatusCodes.Status400BadRequest, heading, viewer,
                Pages.Problem(heading, $"地址中的“{key}”不是{form}，应写成 {example} 这样的格式。请从督查清单和通报页（/digests）选择。"));
        }

        var configuration = snapshot!.Configuration;
        var claim = await new DigestStore(tables()).FindClaim(period, context.RequestAborted).ConfigureAwait(false);
        if (claim is null)
        {
            return Respond(context, StatusCodes.Status404NotFound, "尚未发出", viewer,
                Pages.Problem($"{period.Title}尚未发出", NotIssued(configuration, period, snapshot.Today)));
        }

        var rendered = await Rendered(snapshot, period, claim.IssuedOn, context.RequestAborted).ConfigureAwait(false);
        string? unitName = null;
        DigestDocument? document = rendered.Whole;
        if (period.Kind == DigestKind.WeeklyList && viewer!.OnlyUnit is { } own)
        {
            // A reporter: their unit's part, as its principal received it; none when the unit is not listed.
            unitName = configuration.Roster.Units.GetValueOrDefault(own)?.Name ?? own.Value;
            document = rendered.Parts.GetValueOrDefault(own);
        }

        if (document is null)
        {
            var message = $"{unitName}没有列入{period.Title}：本周本单位没有红灯、黄灯事项，没有逾期未办结的说明、整改，也没有发送失败的消息，因此没有发给本单位的清单{(workbook ? "，也就没有附件" : "")}。";
            return workbook
                ? Respond(context, StatusCodes.Status404NotFound, "本单位未列入", viewer, Pages.Problem("本单位未列入本周督查清单", message))
                : Respond(context, StatusCodes.Status200OK, period.Title, viewer, DigestPages.NotListed(period, claim, message));
        }

        if (workbook)
        {
            return Results.File(DigestWorkbook.Write(document), EmailAttachment.Xlsx, document.FileName(unitName));
        }

        // The document's inline styles (as in the email) need style attributes; its text is all encoded.
        var nonce = context.Items[NonceKey] as string ?? "";
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        var letterhead = new DigestLetterhead(digests.Options.Office, configuration.Wording.SenderName);
        return Respond(context, StatusCodes.Status200OK, document.Subject(unitName), viewer,
            DigestPages.Document(period, claim, document, letterhead, unitName, Path(period) + ".xlsx"));
    }

    /// <summary>The digest rendered as of its issue day, once per board snapshot.</summary>
    private Task<RenderedDigest> Rendered(BoardSnapshot snapshot, DigestPeriod period, LocalDate issuedOn, CancellationToken cancellationToken)
    {
        var cache = _rendered.GetValue(snapshot, _ => new ConcurrentDictionary<string, Lazy<Task<RenderedDigest>>>(StringComparer.Ordinal));
        var key = period.Key + "@" + Html.Date(issuedOn);
        var lazy = cache.GetOrAdd(key, _ => new Lazy<Task<RenderedDigest>>(async () =>
        {
            var issuing = new DigestIssuing(tables(), null, digests.Options, digests.Clock, digests.Zone, NullLogger.Instance);
            var (whole, parts) = await issuing.Render(snapshot.Configuration, period, issuedOn, CancellationToken.None).ConfigureAwait(false);
            return new RenderedDigest(whole, parts);
        }));
        var task = lazy.Value;

        // A failed render is not kept: the next request tries again.
        _ = task.ContinueWith(_ => cache.TryRemove(new KeyValuePair<string, Lazy<Task<RenderedDigest>>>(key, lazy)), CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>The period of a page's address: exactly <c>2026-W23</c> or <c>2026-06</c>, else null.</summary>
    internal static DigestPeriod? Parse(DigestKind kind, string text)
    {
        if (IndicatorPeriod.TryParse(text) is not { } period || !string.Equals(period.Key, text, StringComparison.Ordinal))
        {
            return null;
        }

        return (kind, period.Kind) switch
        {
            (DigestKind.WeeklyList, IndicatorPeriodKind.Week) => DigestPeriod.Week(period),
            (DigestKind.MonthlyNotice, IndicatorPeriodKind.Month) => DigestPeriod.Month(period),
            _ => null,
        };
    }

    /// <summary>The page of a digest: <c>/digests/week/2026-W23</c>, <c>/digests/month/2026-06</c>.</summary>
    internal static string Path(DigestPeriod period) =>
        (period.Kind == DigestKind.WeeklyList ? "/digests/week/" : "/digests/month/") + period.Period.Key;

    /// <summary>Why a digest has no claim, and when it is (or was) due, on the working calendar.</summary>
    private string NotIssued(Configuration configuration, DigestPeriod period, LocalDate today)
    {
        var calendar = configuration.Calendar;
        var schedule = new DigestSchedule(calendar, digests.Options.MonthlyLatestWorkingDay);
        var p = period.Period;
        if (period.Kind == DigestKind.WeeklyList)
        {
            const string rule = "每周督查清单在每周第一个工作日发出（周一遇节假日顺延到本周第一个工作日；当天定时任务未运行的，本周之后的工作日补发）。";
            if (!calendar.IsLoaded(p.Year) || !calendar.IsLoaded(p.End.Year))
            {
                return rule + $"{p.End.Year} 年的工作日历尚未录入，无法确定该周的发出日。";
            }

            return schedule.WeeklyIssueDay(p) switch
            {
                null => rule + "该周没有工作日，不发清单。",
                { } day when day > today => rule + $"该周的清单将于 {Html.Date(day)} 发出，届时可在此查看。",
                { } day => rule + $"该周的发出日 {Html.Date(day)} 已到，但没有发出记录：可能当天的定时任务尚未运行，或系统当时未在运行。如有疑问，请联系督查室的系统管理员。",
            };
        }

        var monthRule = $"月度通报在次月各项指标数据发布后的第一个工作日发出，最迟为该月结束后的第 {digests.Options.MonthlyLatestWorkingDay} 个工作日（次月工作日不足时顺延到再下个月）。";
        var next = p.End.PlusDays(1);
        if (!calendar.IsLoaded(next.Year))
        {
            return monthRule + $"{next.Year} 年的工作日历尚未录入，无法确定最迟发出日。";
        }

        var latest = schedule.MonthlyLatestDay(p);
        if (today <= p.End)
        {
            return monthRule + $"该月尚未结束，通报最迟于 {Html.Date(latest)} 发出。";
        }

        return latest >= today
            ? monthRule + $"该月的指标数据尚未全部发布，通报最迟于 {Html.Date(latest)} 发出，届时可在此查看。"
            : monthRule + $"最迟发出日 {Html.Date(latest)} 已过，但没有发出记录：可能定时任务未运行，或系统当时未在运行。如有疑问，请联系督查室的系统管理员。";
    }
}
