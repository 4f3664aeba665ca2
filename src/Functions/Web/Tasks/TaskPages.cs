using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Wording;
using Escalation.Functions.Pipeline;

namespace Escalation.Functions.Web;

/// <summary>The task page (<c>/tasks/{unit}/{task}</c>): the task, its timeline, progress history and report form, open demands, coming reminders.</summary>
internal static class TaskPages
{
    /// <summary>The page's body. <paramref name="form"/> is null when the viewer may not report (leadership).</summary>
    public static string Task(
        BoardSnapshot board, BoardTask task, ProgressRecord progress, IReadOnlyList<TaskDemand> demands,
        TaskPreview preview, (ProgressForm Values, string Antiforgery)? form)
    {
        var html = new Html();
        var people = board.Configuration.People;
        var owner = task.Owner is { } o ? people.TryGetValue(o, out var c) ? $"{c.Name}（{c.Id}）" : o.Value : "";
        html.Raw("<p class=\"crumbs\"><a href=\"/units/").Text(Uri.EscapeDataString(task.Unit.Value)).Raw("\" data-testid=\"task-unit\">").Text(task.UnitName).Raw("</a> › 任务</p>")
            .Raw("<h1 data-testid=\"task-title\" data-task=\"").Text(task.Id).Raw("\" data-unit=\"").Text(task.Unit.Value).Raw("\">").Text(task.Title).Raw("</h1>")
            .Raw("<p class=\"muted\">截至 ").Text(Html.Date(board.Today)).Raw("；<span data-testid=\"data-as-of\">数据截至 ").Text(board.ComputedAtText).Raw("</span></p>")
            .Raw("<table class=\"facts\" data-testid=\"task-facts\"><caption>任务信息</caption><tbody>")
            .Raw("<tr><th scope=\"row\">任务编号</th><td>").Text(task.Id).Raw("</td></tr>")
            .Raw("<tr><th scope=\"row\">责任单位</th><td>").Text(task.UnitName).Raw("</td></tr>")
            .Raw("<tr><th scope=\"row\">具体责任人</th><td data-testid=\"task-owner\">").Text(owner).Raw("</td></tr>")
            .Raw("<tr><th scope=\"row\">开始日期</th><td>").Text(Html.Date(task.Start)).Raw("</td></tr>")
            .Raw("<tr><th scope=\"row\">完成时限</th><td data-testid=\"task-deadline\">").Text(Html.Date(task.Deadline)).Raw("</td></tr>")
            .Raw("<tr><th scope=\"row\">状态</th><td>").Raw(task.Status switch { ItemStatus.Completed => "已完成", ItemStatus.Suspended => "已暂停", _ => "进行中" }).Raw("</td></tr>");
        if (task.NextReport is { } next)
        {
            html.Raw("<tr><th scope=\"row\">下次报送截止</th><td data-testid=\"task-next-report\">").Text(Html.Date(next)).Raw("</td></tr>");
        }

        html.Raw("</tbody></table>");

        // Progress and light, as on the board, with the timeline bar.
        var key = Html.LightKey(task.Light);
        html.Raw("<h2 id=\"progress\">进度与灯色</h2><p data-testid=\"task-light\" data-light=\"").Raw(key).Raw("\"><span class=\"light ").Raw(key).Raw("\">").Raw(Html.LightWord(task.Light)).Raw("</span> ");
        if (task.Snapshot is { } s)
        {
            html.Raw("计划进度 <span data-testid=\"planned-value\">").Raw(Html.Number(s.Planned)).Raw("%</span>，实际进度 <span data-testid=\"reported-value\">").Raw(Html.Number(s.Reported)).Raw("%</span>");
            if (s.Overdue is { } overdue)
            {
                html.Raw("；<span class=\"light red\">逾期：").Text(overdue.IsDeadline ? "完成时限" : overdue.Name).Raw(" ").Text(Html.Date(overdue.Due)).Raw("</span>");
            }
        }
        else
        {
            html.Raw("<span class=\"muted\">计划无法排出（见 check 命令列出的问题）</span>");
        }

        html.Raw("</p><div data-testid=\"task-timeline\">").Raw(Html.Timeline(task, board.Today)).Raw("</div>");
        if (task.Checkpoints.Count > 0)
        {
            html.Raw("<table data-testid=\"milestones\"><caption>节点（计划进度）</caption><thead><tr><th scope=\"col\">日期</th><th scope=\"col\">节点</th><th scope=\"col\">目标进度</th></tr></thead><tbody>");
            foreach (var checkpoint in task.Checkpoints)
            {
                html.Raw("<tr data-testid=\"milestone\"><td>").Text(Html.Date(checkpoint.Due)).Raw("</td><td>").Text(checkpoint.IsDeadline ? "完成时限" : checkpoint.Name)
                    .Raw("</td><td>").Raw(Html.Number(checkpoint.Target)).Raw("%</td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw(Form(task, progress, form));
        html.Raw(History(progress));
        html.Raw(Demands(board, demands));
        html.Raw(Preview(preview, board.Configuration));
        return html.ToString();
    }

    private static string Form(BoardTask task, ProgressRecord progress, (ProgressForm Values, string Antiforgery)? form)
    {
        var html = new Html().Raw("<h2 id=\"report\">报送进度</h2>");
        if (form is not { } f)
        {
            return html.Raw("<p class=\"muted\" data-testid=\"progress-form-none\">领导只查看，不报送进度；进度由本单位填报员或督查室报送。</p>").ToString();
        }

        if (f.Values.Refusal is { } refusal)
        {
            html.Raw("<section class=\"error\" data-testid=\"progress-error\" role=\"alert\"><p>未报送：").Text(refusal).Raw("</p></section>");
        }

        var last = progress.Last is { } l ? $"上次报送 {Html.Number(l.Progress)}%（{IsoDate.Format(l.ReportedOn)}）。" : "尚无报送。";
        html.Raw("<form method=\"post\" action=\"/tasks/").Text(Uri.EscapeDataString(task.Unit.Value)).Raw("/").Text(Uri.EscapeDataString(task.Id))
            .Raw("/progress\" class=\"filters\" data-testid=\"progress-form\">").Raw(f.Antiforgery)
            .Raw("<input type=\"hidden\" name=\"on\" value=\"").Text(Html.Date(progress.Today)).Raw("\">")
            .Raw("<input type=\"hidden\" name=\"seq\" value=\"").Raw(Html.Int(progress.NextSeqOn)).Raw("\">")
            .Raw("<label>完成进度（%）<input type=\"number\" name=\"progress\" min=\"0\" max=\"100\" step=\"any\" required data-testid=\"progress-value\" value=\"").Text(f.Values.Progress).Raw("\"></label>")
            .Raw("<label>说明（进度下降时必填）<textarea name=\"note\" rows=\"2\" cols=\"40\" maxlength=\"").Raw(Html.Int(ProgressForm.MaxNote)).Raw("\" data-testid=\"progress-note\">").Text(f.Values.Note).Raw("</textarea></label>")
            .Raw("<button type=\"submit\" data-testid=\"progress-submit\">报送</button></form>")
            .Raw("<p class=\"muted\">").Text(last).Raw("报送日期记为今天（").Text(Html.Date(progress.Today)).Raw("），报送人记为您本人。</p>");
        return html.ToString();
    }

    private static string History(ProgressRecord progress)
    {
        var html = new Html().Raw("<h2 id=\"history\">进度报送记录</h2>");
        if (progress.Lines.Count == 0)
        {
            return html.Raw("<p data-testid=\"progress-history-none\">尚无进度报送。</p>").ToString();
        }

        html.Raw("<table data-testid=\"progress-history\"><caption>按报送日期排列，最新的在最后</caption><thead><tr><th scope=\"col\">报送日期</th><th scope=\"col\">完成进度</th><th scope=\"col\">说明</th><th scope=\"col\">报送人</th></tr></thead><tbody>");
        foreach (var line in progress.Lines)
        {
            html.Raw("<tr data-testid=\"progress-row\" data-on=\"").Text(line.ReportedOn).Raw("\" data-seq=\"").Raw(Html.Int(line.Seq)).Raw("\" data-progress=\"").Text(line.Progress).Raw("\"><td>").Text(line.ReportedOn)
                .Raw(line.Seq > 1 ? $"（第 {Html.Int(line.Seq)} 次）" : "").Raw("</td><td>").Text(line.Progress).Raw("%");
            if (line.Refusal is { } refusal)
            {
                html.Raw("<br><span class=\"muted\">不计入：").Text(refusal).Raw("</span>");
            }

            html.Raw("</td><td>").Text(line.Note).Raw("</td><td>").Text(line.ReportedBy).Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    private static string Demands(BoardSnapshot board, IReadOnlyList<TaskDemand> demands)
    {
        var html = new Html().Raw("<h2 id=\"demands\">待办要求（说明、整改）</h2>");
        if (demands.Count == 0)
        {
            return html.Raw("<p data-testid=\"demands-none\">这项任务没有未完成的说明或整改要求。</p>").ToString();
        }

        html.Raw("<table data-testid=\"demands\"><caption>通报、约谈要求提交的情况说明和整改报告</caption><thead><tr>")
            .Raw("<th scope=\"col\">文号</th><th scope=\"col\">级别</th><th scope=\"col\">要求</th><th scope=\"col\">提交单位</th><th scope=\"col\">时限</th><th scope=\"col\">状态</th></tr></thead><tbody>");
        foreach (var (demand, owingUnit, reference, level) in demands)
        {
            var owing = board.Configuration.Roster.Units.TryGetValue(owingUnit, out var u) ? u.Name : owingUnit.Value;
            html.Raw("<tr data-testid=\"demand\" data-notice=\"").Text(demand.Notice).Raw("\"><td><a href=\"/notices/").Text(Uri.EscapeDataString(demand.Notice)).Raw("\">")
                .Text(reference ?? demand.Notice).Raw("</a></td><td>").Text(level ?? "").Raw("</td><td>").Text(ChineseNames.Of(demand.Kind))
                .Raw("</td><td>").Text(owing).Raw("</td><td>").Text(Html.Date(demand.DueBy)).Raw("</td><td>")
                .Raw(demand.DueBy < board.Today ? "<span class=\"light red\">已逾期</span>" : "待提交").Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    private static string Preview(TaskPreview preview, Configuration configuration)
    {
        var html = new Html().Raw("<h2 id=\"preview\">今后 ").Raw(Html.Int(preview.WorkingDays)).Raw(" 个工作日的督办预览</h2>");
        if (preview.Forecast is not { } forecast)
        {
            return html.Raw("<p data-testid=\"preview-unavailable\">").Text(preview.Unavailable).Raw("</p>").ToString();
        }

        html.Raw("<p class=\"muted\" data-testid=\"preview-note\">按现在的数据逐日推算 ").Text(Html.Date(forecast.From)).Raw(" 至 ").Text(Html.Date(forecast.To))
            .Raw(" 将发出的提醒、通报和约谈，假设期间不再有新的进度报送、说明整改或豁免；只是预览，不记录、不发送。</p>");
        if (forecast.Events.Count == 0)
        {
            return html.Raw("<p data-testid=\"preview-none\">这段时间内没有将要发出的提醒、通报或约谈。</p>").ToString();
        }

        html.Raw("<table data-testid=\"preview\"><caption>将要发出的督办</caption><thead><tr><th scope=\"col\">日期</th><th scope=\"col\">级别</th><th scope=\"col\">事项和原因</th><th scope=\"col\">收件人</th></tr></thead><tbody>");
        foreach (var (date, e) in forecast.Events)
        {
            var rule = configuration.Rules.FirstOrDefault(r => r.Id == e.Rule);
            var why = string.Join("；", MessageWording.Facts(e, configuration.Wording).Where(f => f.Label is not ("单位" or "事项")).Select(f => f.Label + " " + f.Value));
            html.Raw("<tr data-testid=\"preview-event\" data-level=\"").Text(e.Level.ToString().ToLowerInvariant()).Raw("\" data-date=\"").Text(Html.Date(date)).Raw("\"><td>").Text(Html.Date(date))
                .Raw("</td><td>").Text(ChineseNames.Of(e.Level)).Raw("</td><td>").Text(ChineseNames.Of(e.Kind))
                .Text(rule is { Name.Length: > 0 } ? $"（规则 {e.Rule}「{rule.Name}」）" : $"（规则 {e.Rule}）").Raw("<br><span class=\"muted\">").Text(why).Raw("</span></td><td>");
            foreach (var copy in new[] { false, true })
            {
                var recipients = ChannelDelivery.Distinct(e.Recipients).Where(r => r.IsCopy == copy).ToList();
                if (recipients.Count > 0)
                {
                    html.Raw(copy ? "<br>抄送：" : "送达：").Text(string.Join("、", recipients.Select(r =>
                        $"{ChineseNames.Of(r)} {configuration.People.GetValueOrDefault(r.Person)?.Name ?? r.Person.Value}")));
                }
            }

            html.Raw(e.LogOnly ? "<br><span class=\"muted\">仅记录，不发送</span>" : "<br><span class=\"muted\">渠道：").Text(e.LogOnly ? "" : string.Join("、", e.Channels.Select(ChineseNames.Of)))
                .Raw(e.LogOnly ? "" : "</span>").Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }
}
