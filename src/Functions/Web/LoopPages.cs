using System.Globalization;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Cases;
using Escalation.Functions.Web.Uploads;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>What the answer form shows again after a refusal: the text typed and why it was refused.</summary>
internal sealed record AnswerForm(string? Text, string? Error)
{
    public static AnswerForm Empty { get; } = new(null, null);
}

/// <summary>
/// A row of the unit page's 待办要求与答复: a demand the unit owes (its case, as the loop read it; null when the loop service
/// is unavailable: then the board's unmet demand alone), and where the notice is logged (the task's unit).
/// </summary>
/// <param name="Notice">The notice (the first of a repeated one).</param>
/// <param name="LogUnit">The partition of the notice's log row: the task's unit.</param>
/// <param name="Reference">Its 文号, when it has one.</param>
/// <param name="Level">通报, 约谈 …, from its log row; null when unknown.</param>
/// <param name="Task">The task.</param>
/// <param name="TaskTitle">Its title.</param>
/// <param name="Kind">What it demands.</param>
/// <param name="DueBy">By when (inclusive).</param>
/// <param name="Case">The case with its answers and decisions; null when not read.</param>
internal sealed record UnitDemandRow(
    Domain.Events.EventId Notice, UnitId LogUnit, string? Reference, string? Level, ItemId Task, string TaskTitle, DemandKind Kind, LocalDate DueBy, CaseView? Case)
{
    /// <summary>Unanswered (the demand not met) past its due date.</summary>
    public bool Overdue(LocalDate today) => Case?.MetOn is null && DueBy < today;
}

/// <summary>
/// The closed loop's parts of the pages (闭环): a notice's cases with their history and the answer and decision forms, a
/// task's exemption requests with the request and decision forms, the unit page's open cases and requests, and the
/// office's list of what waits for it (<c>/office</c>). Forms are plain HTML posts carrying the antiforgery field.
/// </summary>
internal static class LoopPages
{
    /// <summary>The accept attribute of the file inputs: the extensions <see cref="EvidenceType.All"/> takes.</summary>
    private static readonly string Accept = string.Join(",", EvidenceType.All.SelectMany(t => t.Extensions));

    /// <summary>How many files one form takes.</summary>
    public const int MaxFiles = 10;

    /// <summary>
    /// The notice page's section 答复与审核: for each case of the notice, what it demands, its status, the history of the
    /// answers and decisions, the answer form (<paramref name="answerToken"/> given: the viewer may answer for the case's
    /// unit) and the office's decision forms (<paramref name="decideToken"/> given).
    /// </summary>
    public static string NoticeCases(
        Configuration configuration, IReadOnlyList<CaseView> cases, Func<CaseView, string?> answerToken, string? decideToken, AnswerForm form, bool readOnly)
    {
        var html = new Html();
        html.Raw("<h2 id=\"answers\">答复与审核</h2>");
        if (cases.Count == 0)
        {
            html.Raw("<p data-testid=\"cases-none\">这份督办记录没有要求提交说明或整改。</p>");
            return html.ToString();
        }

        // A refused answer's reason shows above its form; when no form is shown (the case was accepted meanwhile), here.
        if (form.Error is { } error && !cases.Any(c => answerToken(c) is not null))
        {
            html.Raw("<section class=\"error\" data-testid=\"answer-error\" role=\"alert\"><p>").Text(error).Raw("</p></section>");
        }

        foreach (var c in cases)
        {
            html.Raw("<section class=\"case\" data-testid=\"case\" data-unit=\"").Text(c.Unit.Value).Raw("\" data-status=\"").Raw(StatusKey(c.Status)).Raw("\">");
            html.Raw("<table class=\"facts\" data-testid=\"case-demand\"><caption>").Text(UnitName(configuration, c.Unit)).Raw("的答复要求</caption><tbody>")
                .Raw("<tr><th scope=\"row\">要求</th><td data-testid=\"case-kind\">").Text(LoopRules.AnswerName(c.Kind)).Raw("</td></tr>")
                .Raw("<tr><th scope=\"row\">时限</th><td data-testid=\"case-due\">").Text(Html.Date(c.DueBy)).Raw(" 前报送</td></tr>")
                .Raw("<tr><th scope=\"row\">文号</th><td>").Text(c.Reference ?? "（无文号）").Raw("</td></tr>")
                .Raw("<tr><th scope=\"row\">状态</th><td data-testid=\"case-status\">").Text(c.StatusWords).Raw("</td></tr>")
                .Raw("</tbody></table>");
            if (c.Status == CaseStatus.Pending)
            {
                html.Raw("<p class=\"note\" data-testid=\"case-note\" role=\"status\">已提交，待督查室审核。</p>");
            }

            html.Raw(History(configuration, c.Answers));
            if (decideToken is not null && c.Answers.Count > 0)
            {
                html.Raw(DecisionForms(c.Answers[^1], decideToken));
            }

            if (answerToken(c) is { } token)
            {
                if (c.Status == CaseStatus.Pending)
                {
                    html.Raw("<p class=\"note\" data-testid=\"answer-pending-note\">已有答复待督查室审核。如需补充材料，可再次提交，新提交的答复将取代待审核的答复。</p>");
                }

                html.Raw(AnswerFormHtml(c, token, form));
            }
            else if (!c.CanSubmit)
            {
                html.Raw("<p class=\"muted\" data-testid=\"answer-closed\">").Text(c.Status == CaseStatus.Closed ? "已销号，无需再提交。" : "已采纳，无需再提交。").Raw("</p>");
            }
            else if (readOnly)
            {
                html.Raw("<p class=\"muted\" data-testid=\"answer-not-yours\">答复由被通报单位的填报员提交；领导只查看。</p>");
            }

            html.Raw("</section>");
        }

        return html.ToString();
    }

    /// <summary>
    /// The answers of a case, first first, each with its files (links to /evidence under the unit the answer is stored
    /// with: the task's, also for another unit's answer) and the office's decisions.
    /// </summary>
    public static string History(Configuration configuration, IReadOnlyList<AnswerView> answers)
    {
        var html = new Html();
        if (answers.Count == 0)
        {
            return html.Raw("<p data-testid=\"history-none\">尚未提交答复（待提交）。</p>").ToString();
        }

        html.Raw("<table data-testid=\"history\"><caption>答复和审核记录</caption><thead><tr><th scope=\"col\">次序</th><th scope=\"col\">答复</th><th scope=\"col\">提交人、时间</th>")
            .Raw("<th scope=\"col\">内容</th><th scope=\"col\">佐证材料</th><th scope=\"col\">状态</th><th scope=\"col\">督查室处理</th></tr></thead><tbody>");
        foreach (var a in answers)
        {
            html.Raw("<tr data-testid=\"answer\" data-key=\"").Text(a.Key).Raw("\" data-status=\"").Raw(StatusKey(a.Status)).Raw("\"><td>第 ").Raw(Html.Int(a.Seq)).Raw(" 次</td><td>")
                .Text(a.KindWords).Raw("</td><td>").Text(a.SubmittedBy?.Name ?? "（未注明）").Raw("<br><span class=\"muted\">")
                .Text(a.SubmittedAt is { } at ? NoticePages.Time(configuration, at) : Html.Date(a.SubmittedOn)).Raw("</span></td><td>").Text(a.Text ?? "").Raw("</td><td>")
                .Raw(Files(a.Unit, a.Evidence)).Raw("</td><td>").Text(a.StatusWords).Raw("</td><td>").Raw(Decisions(configuration, a.Decisions)).Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    /// <summary>Files as a list: name (a download link when it has a hash), size and SHA-256.</summary>
    public static string Files(UnitId unit, IReadOnlyList<EvidenceView> files)
    {
        if (files.Count == 0)
        {
            return "<span class=\"muted\">无</span>";
        }

        var html = new Html().Raw("<ul class=\"files\" data-testid=\"evidence\">");
        foreach (var f in files)
        {
            html.Raw("<li>");
            if (f.Sha256 is { } sha)
            {
                html.Raw("<a data-testid=\"evidence-link\" href=\"/evidence/").Text(Uri.EscapeDataString(unit.Value)).Raw("/").Text(sha).Raw("\">").Text(f.Name).Raw("</a>");
            }
            else
            {
                html.Text(f.Name).Raw("（纸质或手工登记）");
            }

            if (f.Bytes is { } bytes)
            {
                html.Raw(" <span class=\"muted\">").Text(Size(bytes)).Raw("</span>");
            }

            if (f.Sha256 is { } hash)
            {
                html.Raw("<br><span class=\"muted hash\" data-testid=\"evidence-sha256\">SHA-256 ").Text(hash).Raw("</span>");
            }

            html.Raw("</li>");
        }

        return html.Raw("</ul>").ToString();
    }

    private static string Decisions(Configuration configuration, IReadOnlyList<DecisionView> decisions)
    {
        if (decisions.Count == 0)
        {
            return "<span class=\"muted\">待处理</span>";
        }

        var html = new Html();
        foreach (var d in decisions)
        {
            html.Raw("<p data-testid=\"decision\" data-decision=\"").Raw(LoopKeys.Token(d.Decision)).Raw("\"><strong>").Text(d.Words).Raw("</strong>：").Text(d.DecidedBy.Name)
                .Raw("，").Text(NoticePages.Time(configuration, d.DecidedAt));
            if (d.Reason is { } reason)
            {
                html.Raw("<br>理由：").Text(reason);
            }

            html.Raw("</p>");
        }

        return html.ToString();
    }

    /// <summary>
    /// The office's forms on the latest answer: a pending one takes 采纳 (not a rectification without evidence: only 退回) or
    /// 退回 with a reason; a closed rectification takes 认定虚假整改并重新打开 with a reason.
    /// </summary>
    private static string DecisionForms(AnswerView answer, string token)
    {
        var html = new Html();
        var action = "/answers/" + Uri.EscapeDataString(answer.Unit.Value) + "/" + Uri.EscapeDataString(answer.Key) + "/decide";
        if (answer.Status == CaseStatus.Pending)
        {
            html.Raw("<h3>督查室审核</h3>");
            if (answer.Kind == DemandKind.Rectification && answer.Evidence.Count == 0)
            {
                html.Raw("<p class=\"muted\" data-testid=\"accept-unavailable\">整改报告未附佐证材料，不能采纳（销号），只能退回并说明需补充的材料。</p>");
            }
            else
            {
                html.Raw("<form method=\"post\" action=\"").Text(action).Raw("\" data-testid=\"accept-form\">").Raw(token)
                    .Raw("<input type=\"hidden\" name=\"decision\" value=\"accept\"><button type=\"submit\" data-testid=\"decide-accept\">")
                    .Raw(answer.Kind == DemandKind.Rectification ? "采纳（销号）" : "采纳").Raw("</button></form>");
            }

            html.Raw("<form method=\"post\" action=\"").Text(action).Raw("\" data-testid=\"reject-form\">").Raw(token)
                .Raw("<input type=\"hidden\" name=\"decision\" value=\"reject\"><label>退回理由（必填）<textarea name=\"reason\" required rows=\"2\" data-testid=\"reject-reason\"></textarea></label>")
                .Raw("<button type=\"submit\" data-testid=\"decide-reject\">退回</button></form>");
        }
        else if (answer.Status == CaseStatus.Closed)
        {
            html.Raw("<h3>督查室复核</h3><form method=\"post\" action=\"").Text(action).Raw("\" data-testid=\"reopen-form\">").Raw(token)
                .Raw("<input type=\"hidden\" name=\"decision\" value=\"reopen\"><label>认定依据（必填；问责建议将引用）<textarea name=\"reason\" required rows=\"2\" data-testid=\"reopen-reason\"></textarea></label>")
                .Raw("<button type=\"submit\" data-testid=\"decide-reopen\">认定虚假整改并重新打开</button></form>");
        }

        return html.ToString();
    }

    private static string AnswerFormHtml(CaseView c, string token, AnswerForm form)
    {
        var name = LoopRules.AnswerName(c.Kind);
        var html = new Html();
        html.Raw("<h3 id=\"answer\">提交").Text(name).Raw("</h3>");
        if (form.Error is { } error)
        {
            html.Raw("<section class=\"error\" data-testid=\"answer-error\" role=\"alert\"><p>").Text(error).Raw("</p></section>");
        }

        html.Raw("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/notices/").Text(Uri.EscapeDataString(c.Notice.Value)).Raw("/answer\" data-testid=\"answer-form\">").Raw(token)
            .Raw("<input type=\"hidden\" name=\"kind\" value=\"").Raw(LoopKeys.Token(c.Kind)).Raw("\">")
            .Raw("<p><label>").Text(name).Raw("内容<br><textarea name=\"text\" rows=\"5\" cols=\"60\" data-testid=\"answer-text\">").Text(form.Text).Raw("</textarea></label></p>")
            .Raw("<p><label>佐证材料（可多选，最多 ").Raw(Html.Int(MaxFiles)).Raw(" 个；").Text(EvidenceType.AcceptedDescription).Raw("）<br>")
            .Raw("<input type=\"file\" name=\"files\" multiple accept=\"").Text(Accept).Raw("\" data-testid=\"answer-files\"></label></p>");
        if (c.Kind == DemandKind.Rectification)
        {
            html.Raw("<p class=\"muted\">整改报告须附佐证材料（整改前后照片、验收报告等），否则不能采纳销号。</p>");
        }

        return html.Raw("<button type=\"submit\" data-testid=\"answer-submit\">提交</button></form>").ToString();
    }

    /// <summary>
    /// The task page's section 豁免申请: the task's requests with their state and decisions, the request form
    /// (<paramref name="requestToken"/> given) and the office's approve/deny forms (<paramref name="decideToken"/> given).
    /// </summary>
    public static string TaskExemptions(Configuration configuration, UnitId unit, string task, IReadOnlyList<RequestView> requests, string? requestToken, string? decideToken, string? error, (string? Period, string? Reason) values)
    {
        var html = new Html();
        html.Raw("<h2 id=\"exemptions\">豁免申请</h2>");
        html.Raw(Requests(configuration, requests, decideToken, "task-requests"));
        if (requestToken is null)
        {
            return html.ToString();
        }

        html.Raw("<h3>申请豁免</h3><p class=\"muted\">因客观原因（如上级政策调整、不可抗力）未能按期完成的期次或节点，可申请豁免；经督查室批准后，该期次或节点不计入落后、逾期。</p>");
        if (error is not null)
        {
            html.Raw("<section class=\"error\" data-testid=\"exemption-error\" role=\"alert\"><p>").Text(error).Raw("</p></section>");
        }

        return html.Raw("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/tasks/").Text(Uri.EscapeDataString(unit.Value)).Raw("/").Text(Uri.EscapeDataString(task))
            .Raw("/exemption\" data-testid=\"exemption-form\">").Raw(requestToken)
            .Raw("<p><label>期次或节点（如 2026-05、2026-05-X2、2026-W21、节点:2026-06-30、完成时限）<br><input name=\"period\" required data-testid=\"exemption-period\" value=\"").Text(values.Period).Raw("\"></label></p>")
            .Raw("<p><label>客观原因（必填）<br><textarea name=\"reason\" rows=\"4\" cols=\"60\" required data-testid=\"exemption-reason\">").Text(values.Reason).Raw("</textarea></label></p>")
            .Raw("<p><label>佐证材料（可选，最多 ").Raw(Html.Int(MaxFiles)).Raw(" 个）<br><input type=\"file\" name=\"files\" multiple accept=\"").Text(Accept).Raw("\" data-testid=\"exemption-files\"></label></p>")
            .Raw("<button type=\"submit\" data-testid=\"exemption-submit\">提交豁免申请</button></form>").ToString();
    }

    /// <summary>The unit page's indicator exemption form: one of the unit's indicators, its period, the cause, files.</summary>
    public static string IndicatorExemptionForm(UnitId unit, IReadOnlyList<(string Id, string Title)> indicators, string token)
    {
        if (indicators.Count == 0)
        {
            return "";
        }

        var html = new Html();
        html.Raw("<h3>指标豁免申请</h3><form method=\"post\" enctype=\"multipart/form-data\" action=\"/units/").Text(Uri.EscapeDataString(unit.Value)).Raw("/exemption\" data-testid=\"indicator-exemption-form\">").Raw(token)
            .Raw("<p><label>指标<br><select name=\"indicator\" data-testid=\"exemption-indicator\">");
        foreach (var (id, title) in indicators)
        {
            html.Raw("<option value=\"").Text(id).Raw("\">").Text(title).Raw("（").Text(id).Raw("）</option>");
        }

        return html.Raw("</select></label></p>")
            .Raw("<p><label>期次（如 2026-05、2026-Q2）<br><input name=\"period\" required data-testid=\"exemption-period\"></label></p>")
            .Raw("<p><label>客观原因（必填）<br><textarea name=\"reason\" rows=\"3\" cols=\"60\" required data-testid=\"exemption-reason\"></textarea></label></p>")
            .Raw("<p><label>佐证材料（可选）<br><input type=\"file\" name=\"files\" multiple accept=\"").Text(Accept).Raw("\"></label></p>")
            .Raw("<button type=\"submit\" data-testid=\"indicator-exemption-submit\">提交豁免申请</button></form>").ToString();
    }

    /// <summary>Requests as a table with their state, decisions, and for a pending one the office's forms when <paramref name="decideToken"/> is given.</summary>
    public static string Requests(Configuration configuration, IReadOnlyList<RequestView> requests, string? decideToken, string testId)
    {
        var html = new Html();
        if (requests.Count == 0)
        {
            return html.Raw("<p data-testid=\"").Raw(testId).Raw("-none\">没有豁免申请。</p>").ToString();
        }

        html.Raw("<table data-testid=\"").Raw(testId).Raw("\"><caption>豁免申请及审批情况</caption><thead><tr><th scope=\"col\">事项</th><th scope=\"col\">期次或节点</th><th scope=\"col\">客观原因</th>")
            .Raw("<th scope=\"col\">申请人、时间</th><th scope=\"col\">佐证材料</th><th scope=\"col\">状态</th><th scope=\"col\">审批</th></tr></thead><tbody>");
        foreach (var r in requests)
        {
            html.Raw("<tr data-testid=\"request\" data-key=\"").Text(r.Key).Raw("\" data-status=\"").Raw(r.Status.ToString().ToLowerInvariant()).Raw("\"><td>").Text(r.Title).Raw("</td><td>").Text(r.Period)
                .Raw("</td><td>").Text(r.Reason).Raw("</td><td>").Text(r.RequestedBy.Name).Raw("<br><span class=\"muted\">").Text(NoticePages.Time(configuration, r.RequestedAt)).Raw("</span></td><td>")
                .Raw(Files(r.Unit, r.Evidence)).Raw("</td><td>").Text(r.StatusWords).Raw("</td><td>").Raw(Decisions(configuration, r.Decisions));
            if (decideToken is not null && r.Status == RequestStatus.Pending)
            {
                var action = "/exemptions/" + Uri.EscapeDataString(r.Unit.Value) + "/" + Uri.EscapeDataString(r.Key) + "/decide";
                html.Raw("<form method=\"post\" action=\"").Text(action).Raw("\" data-testid=\"approve-form\">").Raw(decideToken)
                    .Raw("<input type=\"hidden\" name=\"decision\" value=\"approve\"><button type=\"submit\" data-testid=\"decide-approve\">批准</button></form>")
                    .Raw("<form method=\"post\" action=\"").Text(action).Raw("\" data-testid=\"deny-form\">").Raw(decideToken)
                    .Raw("<input type=\"hidden\" name=\"decision\" value=\"deny\"><label>不予批准理由（必填）<textarea name=\"reason\" required rows=\"2\" data-testid=\"deny-reason\"></textarea></label>")
                    .Raw("<button type=\"submit\" data-testid=\"decide-deny\">不予批准</button></form>");
            }

            html.Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    /// <summary>How long an accepted or closed case stays in the unit page's table after the office's decision.</summary>
    public const int RecentlyDecidedDays = 30;

    /// <summary>
    /// Whether the unit page lists a case: while it is open (待提交, 待审核, 已退回, 已重新打开), and for
    /// <see cref="RecentlyDecidedDays"/> days after the office accepted (已采纳) or closed (已销号) it.
    /// </summary>
    public static bool Listed(Configuration configuration, CaseView c, LocalDate today)
    {
        if (c.Status is not (CaseStatus.Accepted or CaseStatus.Closed))
        {
            return true;
        }

        var decided = c.Answers.SelectMany(a => a.Decisions).Select(d => (Instant?)d.DecidedAt).Max();
        return decided is { } at && configuration.Calendar.DateAt(at) >= today.PlusDays(-RecentlyDecidedDays);
    }

    /// <summary>
    /// The unit page's table 待办要求与答复: one row per demand the unit owes (a case: per notice thread and kind), overdue
    /// first, then by due date: the notice (文号 or id, a link to it, and its level), the task (a link), what it demands, the
    /// due date (已逾期 while unanswered past it), the status, the latest step (who, when) and what the viewer can do there
    /// (去答复 for the unit's reporter while it takes an answer, 去审核 for the office while an answer is pending, else 查看).
    /// </summary>
    public static string UnitDemands(Configuration configuration, UnitId unit, LocalDate today, IReadOnlyList<UnitDemandRow> rows, Viewer viewer)
    {
        var html = new Html();
        html.Raw("<h2 id=\"cases\">待办要求与答复</h2>");
        if (rows.Count == 0)
        {
            return html.Raw("<p data-testid=\"cases-none\">没有待提交的说明、整改要求，也没有待审核的答复。</p>").ToString();
        }

        html.Raw("<table data-testid=\"cases\"><caption>通报、约谈要求本单位提交的情况说明、整改报告和专题说明，及其答复、审核情况（逾期的在前；已采纳、已销号的保留 ")
            .Raw(Html.Int(RecentlyDecidedDays)).Raw(" 天）</caption><thead><tr><th scope=\"col\">通报</th><th scope=\"col\">事项</th><th scope=\"col\">要求</th>")
            .Raw("<th scope=\"col\">期限</th><th scope=\"col\">状态</th><th scope=\"col\">最近一次</th><th scope=\"col\">操作</th></tr></thead><tbody>");
        var reporter = viewer.Role == WebRole.Reporter && viewer.Person.Unit == unit;
        foreach (var row in rows.OrderBy(r => r.Overdue(today) ? 0 : 1).ThenBy(r => r.DueBy).ThenBy(r => r.Notice.Value, StringComparer.Ordinal).ThenBy(r => r.Kind))
        {
            var c = row.Case;
            var status = c?.Status;
            var overdue = row.Overdue(today);
            var notice = "/notices/" + Uri.EscapeDataString(row.Notice.Value);
            html.Raw("<tr data-testid=\"case-row\" data-notice=\"").Text(row.Notice.Value).Raw("\" data-status=\"").Raw(StatusKey(status))
                .Raw("\" data-kind=\"").Raw(LoopKeys.Token(row.Kind)).Raw(overdue ? "\" data-overdue=\"true\">" : "\">")
                .Raw("<td><a data-testid=\"case-notice-link\" href=\"").Text(notice).Raw("\">").Text(row.Reference ?? row.Notice.Value).Raw("</a>");
            if (row.Level is { } level)
            {
                html.Raw("<br><span class=\"muted\">").Text(level).Raw("</span>");
            }

            html.Raw("</td><td>");
            if (IndicatorItem.Is(row.Task))
            {
                // An indicator has no page of its own: its name, and its item id below (the notice link opens the case).
                html.Raw("<span data-testid=\"case-indicator\">").Text(row.TaskTitle).Raw("</span>");
            }
            else
            {
                html.Raw("<a href=\"/tasks/").Text(Uri.EscapeDataString(row.LogUnit.Value)).Raw("/").Text(Uri.EscapeDataString(row.Task.Value)).Raw("\">").Text(row.TaskTitle).Raw("</a>");
            }

            html.Raw("<br><span class=\"muted\">").Text(row.Task.Value).Raw("</span></td><td>").Text(LoopRules.AnswerName(row.Kind))
                .Raw("</td><td>").Text(Html.Date(row.DueBy)).Raw(overdue ? "<br><span class=\"light red\" data-testid=\"case-overdue\">已逾期</span>" : "")
                .Raw("</td><td data-testid=\"case-row-status\">").Text(c?.StatusWords ?? "待提交").Raw("</td><td>").Raw(Latest(configuration, c)).Raw("</td><td>");
            var answerable = c?.CanSubmit ?? true;
            var (testId, words) = reporter && answerable ? ("case-answer-link", "去答复")
                : viewer.Role == WebRole.Office && status == CaseStatus.Pending ? ("case-review-link", "去审核")
                : ("case-view-link", "查看");
            html.Raw("<a data-testid=\"").Raw(testId).Raw("\" href=\"").Text(notice).Raw("#answers\">").Raw(words).Raw("</a></td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    /// <summary>The latest step of a case: the office's last decision on its latest answer, else that answer's submission (who, when).</summary>
    private static string Latest(Configuration configuration, CaseView? c)
    {
        if (c is null || c.Answers.Count == 0)
        {
            return "<span class=\"muted\">尚未提交</span>";
        }

        var html = new Html();
        var answer = c.Answers[^1];
        if (answer.Decisions.Count > 0)
        {
            var d = answer.Decisions[^1];
            return html.Raw("<span data-testid=\"case-latest\">").Text(d.Words).Raw("：").Text(d.DecidedBy.Name).Raw("<br><span class=\"muted\">")
                .Text(NoticePages.Time(configuration, d.DecidedAt)).Raw("</span></span>").ToString();
        }

        return html.Raw("<span data-testid=\"case-latest\">提交").Text(answer.KindWords).Raw(answer.Seq > 1 ? "（第 " + Html.Int(answer.Seq) + " 次）" : "").Raw("：")
            .Text(answer.SubmittedBy?.Name ?? "（未注明）").Raw("<br><span class=\"muted\">")
            .Text(answer.SubmittedAt is { } at ? NoticePages.Time(configuration, at) : Html.Date(answer.SubmittedOn)).Raw("</span></span>").ToString();
    }

    /// <summary>The unit page's section of exemption requests: its pending requests, and the indicator exemption form for its reporter.</summary>
    public static string UnitRequests(Configuration configuration, IReadOnlyList<RequestView> requests, string? indicatorForm)
    {
        var html = new Html();
        var pending = requests.Where(r => r.Status == RequestStatus.Pending).ToList();
        html.Raw("<h2 id=\"requests\">待审批的豁免申请</h2>");
        html.Raw(pending.Count == 0 ? "<p data-testid=\"unit-requests-none\">没有待审批的豁免申请。</p>" : Requests(configuration, pending, null, "unit-requests"));
        html.Raw(indicatorForm ?? "");
        return html.ToString();
    }

    /// <summary>The office's list (/office): undecided answers and exemption requests of every unit, oldest first, with links.</summary>
    public static string Office(Configuration configuration, PendingView pending)
    {
        var html = new Html();
        html.Raw("<h1 data-testid=\"office-title\">待督查室处理</h1><p class=\"muted\">各单位提交、尚未处理的答复和豁免申请，按提交时间先后排列。</p>");
        html.Raw("<h2 id=\"pending-answers\">待审核的答复（").Raw(Html.Int(pending.Answers.Count)).Raw("）</h2>");
        if (pending.Answers.Count == 0)
        {
            html.Raw("<p data-testid=\"pending-answers-none\">没有待审核的答复。</p>");
        }
        else
        {
            html.Raw("<table data-testid=\"pending-answers\"><caption>待审核的答复</caption><thead><tr><th scope=\"col\">提交时间</th><th scope=\"col\">单位</th><th scope=\"col\">答复</th>")
                .Raw("<th scope=\"col\">任务</th><th scope=\"col\">提交人</th><th scope=\"col\">佐证材料</th><th scope=\"col\">处理</th></tr></thead><tbody>");
            foreach (var a in pending.Answers)
            {
                var from = a.From ?? a.Unit;
                html.Raw("<tr data-testid=\"pending-answer\" data-key=\"").Text(a.Key).Raw("\"><td>").Text(a.SubmittedAt is { } at ? NoticePages.Time(configuration, at) : Html.Date(a.SubmittedOn)).Raw("</td><td>")
                    .Text(UnitName(configuration, from)).Raw("</td><td>").Text(a.KindWords).Raw(a.Seq > 1 ? "（第 " + Html.Int(a.Seq) + " 次）" : "").Raw("</td><td>");
                if (UnitItems.IndicatorOf(configuration, a.Task) is { } indicator)
                {
                    // No page of its own: the indicator's name, its item id below (the 审核 link opens its notice).
                    html.Raw("<span data-testid=\"pending-answer-indicator\">").Text(indicator.Name).Raw("</span><br><span class=\"muted\">").Text(a.Task.Value).Raw("</span>");
                }
                else if (IndicatorItem.Is(a.Task))
                {
                    html.Text(a.Task.Value);
                }
                else
                {
                    html.Raw("<a href=\"/tasks/").Text(Uri.EscapeDataString(a.Unit.Value)).Raw("/").Text(Uri.EscapeDataString(a.Task.Value)).Raw("\">").Text(a.Task.Value).Raw("</a>");
                }

                html.Raw("</td><td>").Text(a.SubmittedBy?.Name ?? "")
                    .Raw("</td><td>").Raw(Html.Int(a.Evidence.Count)).Raw(" 个</td><td><a data-testid=\"pending-answer-link\" href=\"/notices/").Text(Uri.EscapeDataString(a.Notice.Value))
                    .Raw("#answers\">审核</a></td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("<h2 id=\"pending-requests\">待审批的豁免申请（").Raw(Html.Int(pending.Requests.Count)).Raw("）</h2>");
        if (pending.Requests.Count == 0)
        {
            return html.Raw("<p data-testid=\"pending-requests-none\">没有待审批的豁免申请。</p>").ToString();
        }

        html.Raw("<table data-testid=\"pending-requests\"><caption>待审批的豁免申请</caption><thead><tr><th scope=\"col\">申请时间</th><th scope=\"col\">单位</th><th scope=\"col\">事项</th>")
            .Raw("<th scope=\"col\">期次或节点</th><th scope=\"col\">客观原因</th><th scope=\"col\">申请人</th><th scope=\"col\">审批</th></tr></thead><tbody>");
        foreach (var r in pending.Requests)
        {
            var link = r.Task is { } task
                ? "/tasks/" + Uri.EscapeDataString(r.Unit.Value) + "/" + Uri.EscapeDataString(task.Value) + "#exemptions"
                : "/units/" + Uri.EscapeDataString(r.Unit.Value) + "#requests";
            html.Raw("<tr data-testid=\"pending-request\" data-key=\"").Text(r.Key).Raw("\"><td>").Text(NoticePages.Time(configuration, r.RequestedAt)).Raw("</td><td>").Text(UnitName(configuration, r.Unit))
                .Raw("</td><td>").Text(r.Title).Raw("</td><td>").Text(r.Period).Raw("</td><td>").Text(r.Reason).Raw("</td><td>").Text(r.RequestedBy.Name)
                .Raw("</td><td><a data-testid=\"pending-request-link\" href=\"").Text(link).Raw("\">审批</a></td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    private static string StatusKey(CaseStatus? status) => status?.ToString().ToLowerInvariant() ?? "open";

    private static string UnitName(Configuration configuration, UnitId unit) =>
        configuration.Roster.Units.TryGetValue(unit, out var u) ? u.Name : unit.Value;


    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, bytes / 1024)} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB");
}
