using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// The task page <c>/tasks/{unit}/{task}</c> (who may see it: as the unit page) and its report form,
/// <c>POST /tasks/{unit}/{task}/progress</c>: a unit's reporter for their own unit and the office report; leadership reads.
/// A report is a row of the progress table (ReportedOn today in the deployment's zone, the day's next Seq, ReportedBy the
/// person), checked as the table checks its rows, written at most once per form (<see cref="ProgressStore.Append"/>), and
/// then the page is shown again (303) with the board's model recomputed (<see cref="BoardCache.Current"/>).
/// </summary>
internal sealed partial class WebSite
{
    private void MapTasks(IEndpointRouteBuilder pages)
    {
        pages.MapMethods("/tasks/{unit}/{task}", GetOrHead, (HttpContext c, string unit, string task, IAntiforgery a) => TaskPage(c, unit, task, a));
        pages.MapPost("/tasks/{unit}/{task}/progress", (HttpContext c, string unit, string task, IAntiforgery a) => ReportProgress(c, unit, task, a));
    }

    private async Task<IResult> TaskPage(HttpContext context, string unit, string task, IAntiforgery antiforgery)
    {
        var (viewer, snapshot, denied) = await Authorize(context).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (found, refused) = FindTask(context, viewer!, snapshot!, unit, task);
        return refused ?? await RenderTask(context, viewer!, snapshot!, found!, ProgressForm.Empty, StatusCodes.Status200OK, antiforgery).ConfigureAwait(false);
    }

    private async Task<IResult> ReportProgress(HttpContext context, string unit, string task, IAntiforgery antiforgery)
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

        var (found, refused) = FindTask(context, viewer!, snapshot!, unit, task);
        if (refused is not null)
        {
            return refused;
        }

        if (viewer!.ReadOnly)
        {
            return Respond(context, StatusCodes.Status403Forbidden, "无权报送", viewer,
                Pages.Problem("无权报送", "领导只查看，不报送进度。进度由本单位填报员或督查室报送。"));
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var on = IsoDate.TryParse(form["on"].ToString());
        if (on is null || !int.TryParse(form["seq"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq is < 1 or > 99)
        {
            return Respond(context, StatusCodes.Status400BadRequest, "表单无效", viewer,
                Pages.Problem("表单无效", "报送表单缺少报送日期或序号（可能页面已过期，或请求并非来自本网站）。请回到任务页面重新报送。"));
        }

        var today = Today();
        var store = new ProgressStore(tables());
        var record = ProgressRecord.Of(await store.Rows(found!.Unit, new ItemId(found.Id), context.RequestAborted).ConfigureAwait(false), snapshot!.Configuration.People, today);
        var progressText = form["progress"].ToString();
        var note = form["note"].ToString().Trim();
        var (progress, refusal) = ProgressForm.Decide(progressText, note, record.Last);
        if (progress is not { } value)
        {
            return await RenderTask(context, viewer, snapshot, found, new ProgressForm(progressText, note, refusal), StatusCodes.Status400BadRequest, antiforgery).ConfigureAwait(false);
        }

        // Both submissions of one form start from its number (a form of another day starts from 1): see Append.
        var row = new ProgressRow(found.Unit.Value, found.Id, Html.Date(today), null, value.ToString("R", CultureInfo.InvariantCulture),
            note.Length == 0 ? null : note, viewer.Person.Id.Value);
        var (outcome, _) = await store.Append(row, on == today ? seq : 1, context.RequestAborted).ConfigureAwait(false);
        if (outcome == ProgressWrite.DayFull)
        {
            return Respond(context, StatusCodes.Status409Conflict, "今天不能再报送", viewer,
                Pages.Problem("今天不能再报送", "这项任务今天已报送 99 次，请明天再报送；如需更正，请联系督查室。"));
        }

        // The page after the redirect shows the new report in the history (read from the table) and in the light.
        board().Invalidate();
        await board().Current(context.RequestAborted).ConfigureAwait(false);
        return new SeeOther(TaskPath(found) + "#history");
    }

    /// <summary>The task, or the answer: 404 for an unknown unit or task, 403 for another unit's (without saying whether it exists).</summary>
    private static (BoardTask? Task, IResult? Refused) FindTask(HttpContext context, Viewer viewer, BoardSnapshot snapshot, string unit, string task)
    {
        if (!UnitId.IsValid(unit))
        {
            return (null, NotFound(context, viewer, unit));
        }

        if (!viewer.CanSee(new UnitId(unit)))
        {
            return (null, Forbidden(context, viewer));
        }

        if (!snapshot.Configuration.Roster.Units.ContainsKey(new UnitId(unit)))
        {
            return (null, NotFound(context, viewer, unit));
        }

        var found = snapshot.ByUnit.TryGetValue(new UnitId(unit), out var items) ? items.OfType<BoardTask>().FirstOrDefault(t => t.Id == task) : null;
        return found is null
            ? (null, Respond(context, StatusCodes.Status404NotFound, "没有这个任务", viewer,
                Pages.Problem("没有这个任务", $"单位“{unit}”没有编号为“{task}”的任务（新导入的任务几分钟内显示）。请从本单位页面或挂图作战页选择任务。")))
            : (found, null);
    }

    private async Task<IResult> RenderTask(
        HttpContext context, Viewer viewer, BoardSnapshot snapshot, BoardTask task, ProgressForm values, int status, IAntiforgery antiforgery, ExemptionForm? exemption = null)
    {
        var today = Today();
        var cancel = context.RequestAborted;
        var rows = await new ProgressStore(tables()).Rows(task.Unit, new ItemId(task.Id), cancel).ConfigureAwait(false);
        var record = ProgressRecord.Of(rows, snapshot.Configuration.People, today);

        // The open demands of the task, whichever unit owes them; the reference and level are on the notice's log row.
        var demands = new List<TaskDemand>();
        var log = await tables().Table(EscalationLog.TableName, cancel).ConfigureAwait(false);
        foreach (var (owing, list) in snapshot.Demands.OrderBy(d => d.Key.Value, StringComparer.Ordinal))
        {
            foreach (var demand in list.Where(d => d.LogUnit == task.Unit && d.Item == task.Id))
            {
                var row = await log.Find(demand.LogUnit.Value, demand.Notice, ["Reference", "Level"], cancel).ConfigureAwait(false);
                demands.Add(new TaskDemand(demand, owing, row?.GetString("Reference") is { Length: > 0 } reference ? reference : null, LevelWord(row?.GetString("Level"))));
            }
        }

        var preview = await Preview(snapshot, task, today, cancel).ConfigureAwait(false);
        (ProgressForm, string)? form = viewer.ReadOnly ? null : (values, Token(context, antiforgery));
        var exemptions = await TaskExemptions(context, viewer, snapshot, task, exemption).ConfigureAwait(false);
        return Respond(context, status, task.Title, viewer, TaskPages.Task(snapshot, task, record, demands, preview, form) + exemptions);
    }

    /// <summary>The task's coming reminders over the next working days, decided as <c>preview --task</c> decides them; nothing is written.</summary>
    private async Task<TaskPreview> Preview(BoardSnapshot snapshot, BoardTask task, LocalDate today, CancellationToken cancellationToken)
    {
        const int workingDays = TaskPreview.DefaultWorkingDays;
        var calendar = snapshot.Configuration.Calendar;
        if (!calendar.IsLoaded(today.Year))
        {
            return new TaskPreview(workingDays, null, $"{today.Year}年的工作日历尚未载入，无法预览。请督查室在日历调整表（calendar）中录入该年的节假日安排。");
        }

        try
        {
            var days = TaskPreview.CalendarDays(calendar, today, workingDays);
            var (forecast, not) = await new Lookahead(tables(), digests.Clock, digests.Zone).Task(task.Unit, task.Id, days, cancellationToken).ConfigureAwait(false);
            return forecast is not null
                ? new TaskPreview(workingDays, forecast, null)
                : new TaskPreview(workingDays, null, "这项任务的数据有问题，无法预览：" + string.Join("；", not!.Problems.Select(p => $"{p.Table} 表 {p.Key} 的 {p.Field}：{p.Reason}")) + "。请督查室用 check 命令查看并改正。");
        }
        catch (CalendarYearNotLoadedException e)
        {
            return new TaskPreview(workingDays, null, $"{e.Year}年的工作日历尚未载入，无法预览。请督查室在日历调整表（calendar）中录入该年的节假日安排。");
        }
    }

    private LocalDate Today() => digests.Clock.GetCurrentInstant().InZone(digests.Zone).Date;

    private static string TaskPath(BoardTask task) => $"/tasks/{Uri.EscapeDataString(task.Unit.Value)}/{Uri.EscapeDataString(task.Id)}";

    /// <summary>303 See Other: after a form's POST, the browser GETs the page (a reload does not post again).</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
