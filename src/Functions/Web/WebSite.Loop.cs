using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Cases;
using Escalation.Functions.Storage;
using Escalation.Functions.Web.Uploads;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// The closed loop on the web (闭环), over <see cref="ClosedLoop"/> (which holds every rule and stores the checked files once
/// it accepts a submission; the pages only collect the input, check the files and show the outcome): a unit's answer to a notice (<c>POST /notices/{eventId}/answer</c>, multipart
/// with evidence files), the office's decision on an answer (<c>POST /answers/{unit}/{key}/decide</c>), exemption requests
/// (<c>POST /tasks/{unit}/{task}/exemption</c>, <c>POST /units/{unit}/exemption</c> for an indicator) and their decision
/// (<c>POST /exemptions/{unit}/{key}/decide</c>), the office's list (<c>/office</c>), and evidence downloads
/// (<c>/evidence/{unit}/{sha256}</c>) for the office and the unit's own people (and, for the files of another unit's answer
/// to the task's notice, that unit's people) only. Every POST checks the antiforgery
/// token before anything else is read or written; a refusal is a Chinese page with the status its kind maps to.
/// </summary>
internal sealed partial class WebSite
{
    /// <summary>The closed loop's service; null when the site has none (its forms then answer 503 saying why).</summary>
    public Func<ClosedLoop>? Loop { get; init; }

    /// <summary>Where evidence files are stored; null when none is configured.</summary>
    public Func<IEvidenceStore?>? Evidence { get; init; }

    /// <summary>Which files an upload accepts (Escalation__Web__MaxUploadBytes).</summary>
    public UploadPolicy Uploads { get; init; } = new();

    private const string PendingKey = "office-pending";

    /// <summary>The office's pending count for the header, kept a minute (every write of the loop through the site drops it).</summary>
    private (int Count, Instant At)? _pending;

    private void MapLoop(IEndpointRouteBuilder pages)
    {
        pages.MapPost("/notices/{eventId}/answer", (HttpContext c, IAntiforgery a, string eventId) => SubmitAnswer(c, a, eventId));
        pages.MapMethods("/answers/{unit}/{key}", GetOrHead, (HttpContext c, string unit, string key) => AnswerPage(c, unit, key));
        pages.MapPost("/answers/{unit}/{key}/decide", (HttpContext c, IAntiforgery a, string unit, string key) => DecideAnswer(c, a, unit, key));
        pages.MapPost("/tasks/{unit}/{task}/exemption", (HttpContext c, IAntiforgery a, string unit, string task) => RequestTaskExemption(c, a, unit, task));
        pages.MapPost("/units/{unit}/exemption", (HttpContext c, IAntiforgery a, string unit) => RequestIndicatorExemption(c, a, unit));
        pages.MapPost("/exemptions/{unit}/{key}/decide", (HttpContext c, IAntiforgery a, string unit, string key) => DecideExemption(c, a, unit, key));
        pages.MapMethods("/office", GetOrHead, (Func<HttpContext, Task<IResult>>)OfficePage);
        pages.MapMethods("/evidence/{unit}/{sha256}", GetOrHead, (HttpContext c, string unit, string sha256) => Download(c, unit, sha256));
    }

    // ---- Answers ---------------------------------------------------------------------------------------------------

    private async Task<IResult> SubmitAnswer(HttpContext context, IAntiforgery antiforgery, string eventId)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (await RejectedUpload(context, antiforgery, viewer!).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        var configuration = snapshot!.Configuration;
        var (entry, refused) = await ReadableNotice(context, viewer!, configuration, eventId).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (viewer!.Role != WebRole.Reporter || viewer.Person.Unit is not { } unit)
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权答复", viewer,
                Pages.Problem("无权答复", "答复由被通报单位的填报员提交；督查室审核答复，领导只查看。"));
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return unavailable!;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var text = form["text"].ToString();
        var (files, refusal) = await CheckFiles(context, form).ConfigureAwait(false);
        var e = entry!.Event;
        if (refusal is not null)
        {
            return await RenderNotice(context, viewer, configuration, entry, StatusCodes.Status400BadRequest, new AnswerForm(text, refusal)).ConfigureAwait(false);
        }

        var result = await loop.SubmitAnswer(viewer.Person.Id, unit, e.Id.Value, form["kind"].ToString(), text, files!,
            e.Unit == unit ? null : e.Unit, context.RequestAborted).ConfigureAwait(false);
        if (result.Refusal is { } no)
        {
            return no.Kind == RefusalKind.Forbidden
                ? Respond(context, StatusCodes.Status403Forbidden, "无权答复", viewer, Pages.Problem("无权答复", no.Message))
                : await RenderNotice(context, viewer, configuration, entry, StatusOf(no), new AnswerForm(text, no.Message)).ConfigureAwait(false);
        }

        await Changed(context).ConfigureAwait(false);
        return new SeeOther("/notices/" + Uri.EscapeDataString(e.Id.Value) + "#answers");
    }

    /// <summary>An answer's address (as messages and lists may give it): its notice's page, where its history and forms are.</summary>
    private async Task<IResult> AnswerPage(HttpContext context, string unit, string key)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (!UnitId.IsValid(unit) || !viewer!.CanSee(new UnitId(unit)))
        {
            return UnitId.IsValid(unit) ? Forbidden(context, viewer!) : NotFound(context, viewer!, unit);
        }

        if (!snapshot!.Configuration.Roster.Units.ContainsKey(new UnitId(unit)))
        {
            return NotFound(context, viewer, unit);
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return unavailable!;
        }

        return await loop.Answer(new UnitId(unit), key, context.RequestAborted).ConfigureAwait(false) is { } answer
            ? new SeeOther("/notices/" + Uri.EscapeDataString(answer.Notice.Value) + "#answers")
            : Respond(context, StatusCodes.Status404NotFound, "没有这份答复", viewer,
                Pages.Problem("没有这份答复", $"单位“{unit}”没有编号为“{key}”的答复。请从本单位页面或待处理列表进入。"));
    }

    /// <summary>
    /// What every office decision checks before reading its form, in this order: signed in, the antiforgery token, the office
    /// role (else 403 with <paramref name="title"/> and <paramref name="forbidden"/>), a known unit (else 404), the loop
    /// service; then the form. Exactly one of the form and the refusal is given.
    /// </summary>
    private async Task<(Viewer Viewer, ClosedLoop Loop, IFormCollection Form, IResult? Refused)> OfficeDecision(
        HttpContext context, IAntiforgery antiforgery, string unit, string title, string forbidden)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return (null!, null!, null!, denied);
        }

        if (await Rejected(context, antiforgery).ConfigureAwait(false) is { } rejected)
        {
            return (null!, null!, null!, rejected);
        }

        if (viewer!.Role != WebRole.Office)
        {
            return (null!, null!, null!, Respond(context, StatusCodes.Status403Forbidden, title, viewer, Pages.Problem(title, forbidden)));
        }

        if (!UnitId.IsValid(unit) || !snapshot!.Configuration.Roster.Units.ContainsKey(new UnitId(unit)))
        {
            return (null!, null!, null!, NotFound(context, viewer, unit));
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return (null!, null!, null!, unavailable!);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        return (viewer, loop, form, null);
    }

    private async Task<IResult> DecideAnswer(HttpContext context, IAntiforgery antiforgery, string unit, string key)
    {
        var (viewer, loop, form, refused) = await OfficeDecision(context, antiforgery, unit, "无权处理", "只有督查室可以处理答复（采纳、退回、销号、认定虚假整改）。如需处理，请以督查室人员的账号登录。").ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var result = await loop.Decide(viewer.Person.Id, new UnitId(unit), key, form["decision"].ToString(), form["reason"].ToString(), context.RequestAborted).ConfigureAwait(false);
        if (result.Refusal is { } no)
        {
            return Refused(context, viewer, "未能处理答复", no, no.Kind == RefusalKind.NotFound ? null : AnswerLink(unit, key));
        }

        await Changed(context).ConfigureAwait(false);
        return new SeeOther(form["from"] == "office" ? "/office" : "/notices/" + Uri.EscapeDataString(result.Value!.Notice.Value) + "#answers");
    }

    /// <summary>Back to the answer's notice (its key starts with the notice's id), or the unit page.</summary>
    private static string AnswerLink(string unit, string key)
    {
        var notice = key.Split(':')[0];
        return Domain.Events.EventId.TryParse(notice, out _) ? "/notices/" + Uri.EscapeDataString(notice) + "#answers" : "/units/" + Uri.EscapeDataString(unit);
    }

    /// <summary>The notice page with its cases section (the answer form showing <paramref name="form"/>).</summary>
    private async Task<IResult> RenderNotice(HttpContext context, Viewer viewer, Configuration configuration, LogEntry entry, int status, AnswerForm form) =>
        Respond(context, status, NoticePages.Title(entry), viewer,
            NoticePage(context, viewer, configuration, entry, null) + await NoticeCases(context, viewer, configuration, entry, form).ConfigureAwait(false));

    /// <summary>
    /// The notice page's section 答复与审核 (for a notice that demands an answer): its cases; the answer form for a reporter of
    /// the unit that owes one while it may submit (also while an answer is pending: a newer one supersedes it); the office's
    /// decision forms.
    /// </summary>
    private async Task<string> NoticeCases(HttpContext context, Viewer viewer, Configuration configuration, LogEntry entry, AnswerForm form)
    {
        var e = entry.Event;
        if (e.Demand is null)
        {
            return "";
        }

        if (TryLoop() is not { } loop)
        {
            return "<h2 id=\"answers\">答复与审核</h2><p class=\"muted\" data-testid=\"loop-unavailable\">答复功能暂不可用（网站未配置闭环服务）。请联系督查室的系统管理员。</p>";
        }

        var cases = (await loop.UnitCases(e.Unit, context.RequestAborted).ConfigureAwait(false))
            .Where(c => c.Notice == e.Id || c.Answers.Any(a => a.Notice == e.Id)).ToList();
        if (viewer.Role == WebRole.Reporter && viewer.Person.Unit != e.Unit)
        {
            cases = [.. cases.Where(c => c.Unit == viewer.Person.Unit)];
        }

        string? token = null;
        string Token() => token ??= WebSite.Token(context, context.RequestServices.GetRequiredService<IAntiforgery>());
        return LoopPages.NoticeCases(
            configuration,
            cases,
            c => viewer.Role == WebRole.Reporter && viewer.Person.Unit == c.Unit && c.CanSubmit ? Token() : null,
            viewer.Role == WebRole.Office ? Token() : null,
            form,
            viewer.ReadOnly);
    }

    // ---- Exemption requests ----------------------------------------------------------------------------------------

    private async Task<IResult> RequestTaskExemption(HttpContext context, IAntiforgery antiforgery, string unit, string task)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (await RejectedUpload(context, antiforgery, viewer!).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        var (found, refused) = FindTask(context, viewer!, snapshot!, unit, task);
        if (refused is not null)
        {
            return refused;
        }

        if (viewer!.ReadOnly)
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权申请", viewer, Pages.Problem("无权申请", "领导只查看，不申请豁免。豁免由本单位填报员申请，督查室审批。"));
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return unavailable!;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var (period, reason) = (form["period"].ToString(), form["reason"].ToString());
        var (files, refusal) = await CheckFiles(context, form).ConfigureAwait(false);
        var result = refusal is null
            ? await loop.RequestExemption(viewer.Person.Id, found!.Unit, found.Id, null, period, reason, files!, context.RequestAborted).ConfigureAwait(false)
            : null;
        if (refusal is not null || result!.Refusal is { Kind: not RefusalKind.Forbidden })
        {
            var status = refusal is not null ? StatusCodes.Status400BadRequest : StatusOf(result!.Refusal!);
            return await RenderTask(context, viewer, snapshot!, found!, ProgressForm.Empty, status, antiforgery,
                new ExemptionForm(period, reason, refusal ?? result!.Refusal!.Message)).ConfigureAwait(false);
        }

        if (result.Refusal is { } forbidden)
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权申请", viewer, Pages.Problem("无权申请", forbidden.Message));
        }

        await Changed(context).ConfigureAwait(false);
        return new SeeOther(TaskPath(found!) + "#exemptions");
    }

    private async Task<IResult> RequestIndicatorExemption(HttpContext context, IAntiforgery antiforgery, string unit)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (await RejectedUpload(context, antiforgery, viewer!).ConfigureAwait(false) is { } rejected)
        {
            return rejected;
        }

        if (!UnitId.IsValid(unit) || !viewer!.CanSee(new UnitId(unit)))
        {
            return UnitId.IsValid(unit) ? Forbidden(context, viewer!) : NotFound(context, viewer!, unit);
        }

        if (!snapshot!.Configuration.Roster.Units.ContainsKey(new UnitId(unit)))
        {
            return NotFound(context, viewer, unit);
        }

        if (viewer.ReadOnly)
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权申请", viewer, Pages.Problem("无权申请", "领导只查看，不申请豁免。豁免由本单位填报员申请，督查室审批。"));
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return unavailable!;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var (files, refusal) = await CheckFiles(context, form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return Respond(context, StatusCodes.Status400BadRequest, "未能提交豁免申请", viewer, Pages.Problem("未能提交豁免申请", refusal));
        }

        var result = await loop.RequestExemption(viewer.Person.Id, new UnitId(unit), null, form["indicator"].ToString(), form["period"].ToString(), form["reason"].ToString(), files!, context.RequestAborted).ConfigureAwait(false);
        if (result.Refusal is { } no)
        {
            return Refused(context, viewer, "未能提交豁免申请", no, "/units/" + Uri.EscapeDataString(unit) + "#requests");
        }

        await Changed(context).ConfigureAwait(false);
        return new SeeOther("/units/" + Uri.EscapeDataString(unit) + "#requests");
    }

    private async Task<IResult> DecideExemption(HttpContext context, IAntiforgery antiforgery, string unit, string key)
    {
        var (viewer, loop, form, refused) = await OfficeDecision(context, antiforgery, unit, "无权审批", "只有督查室可以审批豁免申请。如需审批，请以督查室人员的账号登录。").ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var result = await loop.DecideExemption(viewer.Person.Id, new UnitId(unit), key, form["decision"].ToString(), form["reason"].ToString(), context.RequestAborted).ConfigureAwait(false);
        if (result.Refusal is { } no)
        {
            return Refused(context, viewer, "未能审批豁免申请", no, null);
        }

        await Changed(context).ConfigureAwait(false);
        var r = result.Value!;
        return new SeeOther(form["from"] == "office"
            ? "/office"
            : r.Task is { } task ? "/tasks/" + Uri.EscapeDataString(r.Unit.Value) + "/" + Uri.EscapeDataString(task.Value) + "#exemptions" : "/units/" + Uri.EscapeDataString(r.Unit.Value) + "#requests");
    }

    /// <summary>The task page's section 豁免申请 (see <see cref="LoopPages.TaskExemptions"/>).</summary>
    private async Task<string> TaskExemptions(HttpContext context, Viewer viewer, BoardSnapshot snapshot, BoardTask task, ExemptionForm? form)
    {
        if (TryLoop() is not { } loop)
        {
            return "<h2 id=\"exemptions\">豁免申请</h2><p class=\"muted\" data-testid=\"loop-unavailable\">豁免申请暂不可用（网站未配置闭环服务）。</p>";
        }

        var requests = (await loop.ExemptionRequests(task.Unit, context.RequestAborted).ConfigureAwait(false)).Where(r => r.Task?.Value == task.Id).ToList();
        string? token = null;
        string Token() => token ??= WebSite.Token(context, context.RequestServices.GetRequiredService<IAntiforgery>());
        var mayRequest = viewer.Role == WebRole.Reporter && viewer.Person.Unit == task.Unit;
        return LoopPages.TaskExemptions(snapshot.Configuration, task.Unit, task.Id, requests, mayRequest ? Token() : null, viewer.Role == WebRole.Office ? Token() : null,
            form?.Error, (form?.Period, form?.Reason));
    }

    /// <summary>
    /// The rows of the unit page's 待办要求与答复: the cases the unit owes, read by the loop service from the unit's partitions
    /// and from those of the other units whose notices demand an answer of it (a builder: <see cref="BoardSnapshot.AskedBy"/>),
    /// listed while open and shortly after
    /// (<see cref="LoopPages.Listed"/>); and the board's unmet demands the loop did not list (all of them when the site has
    /// no loop service). The level (and a missing 文号) comes from the notice's log row: a point read each.
    /// </summary>
    private async Task<IReadOnlyList<UnitDemandRow>> UnitDemands(HttpContext context, BoardSnapshot snapshot, UnitId unit)
    {
        var owed = snapshot.Demands.TryGetValue(unit, out var list) ? list : [];
        var rows = new List<UnitDemandRow>();
        if (TryLoop() is { } loop)
        {
            var elsewhere = snapshot.AskedBy.TryGetValue(unit, out var asked) ? asked : [];
            foreach (var logUnit in owed.Select(d => d.LogUnit).Concat(elsewhere).Prepend(unit).Distinct())
            {
                rows.AddRange((await loop.UnitCases(logUnit, context.RequestAborted).ConfigureAwait(false))
                    .Where(c => c.Unit == unit && LoopPages.Listed(snapshot.Configuration, c, snapshot.Today))
                    .Select(c => new UnitDemandRow(c.Notice, logUnit, c.Reference, null, c.Task, c.TaskTitle, c.Kind, c.DueBy, c)));
            }
        }

        foreach (var d in owed.Where(d => !rows.Any(r => r.Notice.Value == d.Notice && r.Kind == d.Kind)))
        {
            rows.Add(new UnitDemandRow(Domain.Events.EventId.Parse(d.Notice), d.LogUnit, null, null, new ItemId(d.Item), d.ItemTitle, d.Kind, d.DueBy, null));
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var log = await tables().Table(EscalationLog.TableName, context.RequestAborted).ConfigureAwait(false);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = await log.Find(rows[i].LogUnit.Value, rows[i].Notice.Value, ["Reference", "Level"], context.RequestAborted).ConfigureAwait(false);
            rows[i] = rows[i] with
            {
                Reference = rows[i].Reference ?? (row?.GetString("Reference") is { Length: > 0 } reference ? reference : null),
                Level = LevelWord(row?.GetString("Level")),
            };
        }

        return rows;
    }

    /// <summary>The unit page's section of exemption requests: its pending requests, and the indicator exemption form for its reporter.</summary>
    private async Task<string> UnitRequests(HttpContext context, Viewer viewer, BoardSnapshot snapshot, UnitId unit)
    {
        if (TryLoop() is not { } loop)
        {
            return "";
        }

        var requests = await loop.ExemptionRequests(unit, context.RequestAborted).ConfigureAwait(false);
        string? form = null;
        if (viewer.Role == WebRole.Reporter && viewer.Person.Unit == unit)
        {
            var indicators = (snapshot.ByUnit.TryGetValue(unit, out var items) ? items : []).OfType<BoardIndicator>()
                .Select(i => (i.Id, i.Title)).Distinct().ToList();
            form = LoopPages.IndicatorExemptionForm(unit, indicators, Token(context, context.RequestServices.GetRequiredService<IAntiforgery>()));
        }

        return LoopPages.UnitRequests(snapshot.Configuration, requests, form);
    }

    // ---- The office's list ------------------------------------------------------------------------------------------

    private async Task<IResult> OfficePage(HttpContext context)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (viewer!.Role is not (WebRole.Office or WebRole.Leader))
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权查看", viewer,
                Pages.Problem("无权查看", "待处理列表是督查室的工作台，填报员请在本单位页面查看本单位的答复和申请。"));
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer);
        if (loop is null)
        {
            return unavailable!;
        }

        var pending = await loop.Pending(context.RequestAborted).ConfigureAwait(false);
        return Respond(context, StatusCodes.Status200OK, "待督查室处理", viewer, LoopPages.Office(snapshot!.Configuration, pending));
    }

    /// <summary>For the header: how many answers and requests wait for the office (kept a minute).</summary>
    private async Task NotePending(HttpContext context, Viewer viewer)
    {
        if (viewer.Role != WebRole.Office || TryLoop() is not { } loop)
        {
            return;
        }

        var now = digests.Clock.GetCurrentInstant();
        if (_pending is not { } known || now - known.At > Duration.FromMinutes(1) || now < known.At)
        {
            var pending = await loop.Pending(context.RequestAborted).ConfigureAwait(false);
            known = (pending.Answers.Count + pending.Requests.Count, now);
            _pending = known;
        }

        context.Items[PendingKey] = known.Count;
    }

    // ---- Evidence ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// A stored evidence file of a unit's records: the office, a reporter of the unit, and its principal or deputy (if they
    /// have web access) download it; anyone else gets 403; a hash that is no file of the unit's answers or requests, or not
    /// stored, 404. Served by <see cref="EvidenceDownload"/> (attachment, never an executable content type).
    /// </summary>
    private async Task<IResult> Download(HttpContext context, string unit, string sha256)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        if (!UnitId.IsValid(unit) || !snapshot!.Configuration.Roster.Units.TryGetValue(new UnitId(unit), out var roster))
        {
            return NotFound(context, viewer!, unit);
        }

        // The office; a reporter of the unit; its principal or deputy in charge among the leaders.
        bool Member(UnitId u) => viewer!.Role switch
        {
            WebRole.Office => true,
            WebRole.Reporter => viewer.Person.Unit == u,
            WebRole.Leader => viewer.Person.Unit == u && snapshot!.Configuration.Roster.Units.TryGetValue(u, out var r)
                && (viewer.Person.Id == r.Principal || viewer.Person.Id == r.DeputyInCharge),
            _ => false,
        };

        var forbidden = Respond(context, StatusCodes.Status403Forbidden, "无权下载", viewer,
            Pages.Problem("无权下载", "佐证材料只有督查室、任务所属单位和提交该材料的单位的人员可以下载。"));
        var own = Member(roster.Id);
        if (!own && viewer!.Person.Unit is null)
        {
            return forbidden;
        }

        var (loop, unavailable) = LoopOrUnavailable(context, viewer!);
        if (loop is null)
        {
            return unavailable!;
        }

        var missing = Respond(context, StatusCodes.Status404NotFound, "没有这份材料", viewer,
            Pages.Problem("没有这份材料", "本单位的答复和豁免申请中没有这份佐证材料（或它尚未保存完成）。请从答复或申请的记录中点击文件名下载。"));
        if (!EvidenceHash.IsValid(sha256))
        {
            return own ? missing : forbidden;
        }

        // The unit's people get every file of its answers and requests; another unit's people (a builder answering the
        // task's notice) only the files of the answers their unit submitted, stored with the task's unit.
        var cases = await loop.UnitCases(roster.Id, context.RequestAborted).ConfigureAwait(false);
        var answers = cases.SelectMany(c => c.Answers).Where(a => own || (a.From is { } from && Member(from)));
        IReadOnlyList<RequestView> requests = own ? await loop.ExemptionRequests(roster.Id, context.RequestAborted).ConfigureAwait(false) : [];
        var file = answers.SelectMany(a => a.Evidence).Concat(requests.SelectMany(r => r.Evidence)).FirstOrDefault(f => f.Sha256 == sha256);
        if (file is null && !own)
        {
            return forbidden;
        }

        if (file is null || Evidence?.Invoke() is not { } store)
        {
            return missing;
        }

        var stored = await store.Open(sha256, context.RequestAborted).ConfigureAwait(false);
        return stored is null ? missing : new EvidenceDownload(stored, file.Name);
    }

    // ---- Shared -----------------------------------------------------------------------------------------------------

    /// <summary>The loop's service, or null when the site has none or it cannot be made now.</summary>
    private ClosedLoop? TryLoop()
    {
        try
        {
            return Loop?.Invoke();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private (ClosedLoop? Loop, IResult? Unavailable) LoopOrUnavailable(HttpContext context, Viewer viewer)
    {
        string why;
        try
        {
            if (Loop?.Invoke() is { } loop)
            {
                return (loop, null);
            }

            why = "网站未配置闭环服务（答复、审核、豁免申请）。";
        }
        catch (InvalidOperationException e)
        {
            why = "闭环服务暂时无法启动（" + e.Message + "）。";
        }

        return (null, Respond(context, StatusCodes.Status503ServiceUnavailable, "答复功能暂不可用", viewer,
            Pages.Problem("答复功能暂不可用", why + "请联系督查室的系统管理员检查函数应用的设置（Service Bus 与存储）。")));
    }

    /// <summary>
    /// The antiforgery check of a multipart form, with the body's size bounded by the upload policy (at most
    /// <see cref="LoopPages.MaxFiles"/> files of <see cref="UploadPolicy.MaxBytes"/>): too large a body (its declared length,
    /// or the server's limit met while reading) is a 413 page; a body that cannot be read otherwise is a 400 page.
    /// </summary>
    private async Task<IResult?> RejectedUpload(HttpContext context, IAntiforgery antiforgery, Viewer viewer)
    {
        var limit = (Uploads.MaxBytes * LoopPages.MaxFiles) + (1024 * 1024);
        var tooLarge = Respond(context, StatusCodes.Status413PayloadTooLarge, "上传的文件太大", viewer,
            Pages.Problem("上传的文件太大", $"本次提交的文件合计超过了上限（每个文件不超过 {Html.Int((int)(Uploads.MaxBytes / 1024 / 1024))} MB，每次最多 {Html.Int(LoopPages.MaxFiles)} 个）。请压缩或拆分文件后分几次提交。"));
        if (context.Request.ContentLength > limit)
        {
            return tooLarge;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        // Each part is bounded too, where the server has no body limit to set (a part over it is a body over it).
        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limit }));
        var read = new CountingStream(context.Request.Body);
        context.Request.Body = read;
        return await Rejected(context, antiforgery, e => TooLarge(e) || read.Count > limit ? tooLarge : null).ConfigureAwait(false);

        static bool TooLarge(Exception? e) =>
            e is not null && (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || TooLarge(e.InnerException));
    }

    /// <summary>
    /// Checks every file of the form's <c>files</c> field with the upload policy: the checked files, not stored yet (the loop
    /// service stores them once it accepts the submission, right before it writes the row), or the first refusal. An empty
    /// part without a name (no file chosen) is no file.
    /// </summary>
    private async Task<(EvidenceUploads? Files, string? Refusal)> CheckFiles(HttpContext context, IFormCollection form)
    {
        var parts = form.Files.GetFiles("files").Where(f => !(f.Length == 0 && string.IsNullOrEmpty(f.FileName))).ToList();
        if (parts.Count == 0)
        {
            return (EvidenceUploads.None, null);
        }

        if (parts.Count > LoopPages.MaxFiles)
        {
            return (null, $"一次最多上传 {Html.Int(LoopPages.MaxFiles)} 个文件，本次选择了 {Html.Int(parts.Count)} 个。请分几次提交，或把图片合并为一份 PDF。");
        }

        if (Evidence?.Invoke() is not { } store)
        {
            return (null, "网站未配置佐证材料的存储位置，暂时不能上传文件。请联系督查室的系统管理员设置 " + BlobEvidenceStore.ContainerUrlKey + "。");
        }

        var accepted = new List<EvidenceUpload>();
        foreach (var part in parts)
        {
            await using var content = await Seekable(part, context.RequestAborted).ConfigureAwait(false);
            switch (Uploads.Check(part.FileName, content))
            {
                case UploadCheck.Refused refused:
                    return (null, refused.Message);
                case UploadCheck.Accepted ok:
                    accepted.Add(new EvidenceUpload(ok.File, cancellationToken => Seekable(part, cancellationToken)));
                    break;
            }
        }

        return (EvidenceUploads.Checked(accepted, store), null);
    }

    /// <summary>The part's content as a seekable stream (the form is buffered already; a copy only when its stream is not).</summary>
    private async Task<Stream> Seekable(IFormFile part, CancellationToken cancellationToken)
    {
        var stream = part.OpenReadStream();
        if (stream.CanSeek)
        {
            return stream;
        }

        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var limited = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(limited, cancellationToken).ConfigureAwait(false)) > 0 && buffer.Length <= Uploads.MaxBytes)
            {
                buffer.Write(limited, 0, read);
            }

            buffer.Position = 0;
            return buffer;
        }
    }

    /// <summary>After a write of the loop: the board (demands met, exemptions) and the office's count are read afresh.</summary>
    private async Task Changed(HttpContext context)
    {
        _pending = null;
        board().Invalidate();
        await board().Current(context.RequestAborted).ConfigureAwait(false);
    }

    private static int StatusOf(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    private static IResult Refused(HttpContext context, Viewer viewer, string heading, Refusal refusal, string? back)
    {
        var body = Pages.Problem(heading, refusal.Message);
        if (back is not null)
        {
            body += new Html().Raw("<p><a data-testid=\"back\" href=\"").Text(back).Raw("\">返回</a></p>").ToString();
        }

        return Respond(context, StatusOf(refusal), heading, viewer, body);
    }
}

/// <summary>What the exemption form shows again after a refusal.</summary>
internal sealed record ExemptionForm(string? Period, string? Reason, string? Error);

/// <summary>A request body that counts the bytes read from it, so that a form that failed to read can be told too large.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    /// <summary>The bytes read so far.</summary>
    public long Count { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Counted(int read)
    {
        Count += read;
        return read;
    }
}
