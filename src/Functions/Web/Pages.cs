using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Functions.Web;

/// <summary>The bodies of the pages (inside <see cref="Html.Page"/>).</summary>
internal static class Pages
{
    /// <summary>The board (挂图作战): filters, counts per light (also as data attributes), the page of rows and the pager.</summary>
    public static string Board(BoardSnapshot board, BoardQuery query, BoardPage page, Viewer viewer, string path = "/board")
    {
        var html = new Html();
        var units = board.Configuration.Roster.Units.Values.Where(u => viewer.CanSee(u.Id)).OrderBy(u => u.Id.Value, StringComparer.Ordinal).ToList();
        var scope = query.Unit is { } unit ? board.Configuration.Roster.Units.TryGetValue(unit, out var u) ? u.Name : unit.Value : "全市";
        html.Raw("<h1 data-testid=\"board-title\">挂图作战 · ").Text(scope).Raw("</h1>")
            .Raw("<p class=\"muted\">截至 <time data-testid=\"board-date\" datetime=\"").Text(Html.Date(board.Today)).Raw("\">").Text(Html.Date(board.Today)).Raw("</time>；<span data-testid=\"data-as-of\">数据截至 ").Text(board.ComputedAtText).Raw("</span>；灯色按计划进度与实际进度判定，与督办规则一致。</p>");

        // Filters: a plain GET form, so that every view has its own address.
        html.Raw("<form method=\"get\" action=\"").Text(path).Raw("\" class=\"filters\" data-testid=\"filters\" role=\"search\">");
        if (viewer.OnlyUnit is null)
        {
            html.Raw("<label>单位<select name=\"unit\" data-testid=\"filter-unit\"><option value=\"\">全市</option>");
            foreach (var option in units)
            {
                html.Raw("<option value=\"").Text(option.Id.Value).Raw(query.Unit == option.Id ? "\" selected>" : "\">").Text(option.Name).Raw("</option>");
            }

            html.Raw("</select></label>");
        }

        html.Raw("<label>类型<select name=\"kind\" data-testid=\"filter-kind\">")
            .Raw(Option("", "全部", query.Kind is null)).Raw(Option("task", "任务", query.Kind == BoardKind.Task)).Raw(Option("indicator", "指标", query.Kind == BoardKind.Indicator))
            .Raw("</select></label><label>灯色<select name=\"light\" data-testid=\"filter-light\">")
            .Raw(Option("", "全部", query.Light is null)).Raw(Option("red", "红灯", query.Light == LightFilter.Red)).Raw(Option("yellow", "黄灯", query.Light == LightFilter.Yellow))
            .Raw(Option("green", "绿灯", query.Light == LightFilter.Green)).Raw(Option("none", "无灯", query.Light == LightFilter.None))
            .Raw("</select></label><button type=\"submit\" data-testid=\"filter-apply\">筛选</button></form>");

        var c = page.Counts;
        html.Raw("<ul class=\"counts\" id=\"light-counts\" data-testid=\"light-counts\" aria-label=\"各灯色数量\"")
            .Raw($" data-red=\"{Html.Int(c[LightFilter.Red])}\" data-yellow=\"{Html.Int(c[LightFilter.Yellow])}\" data-green=\"{Html.Int(c[LightFilter.Green])}\" data-none=\"{Html.Int(c[LightFilter.None])}\">")
            .Raw($"<li><span class=\"light red\">红灯</span> {Html.Int(c[LightFilter.Red])}</li><li><span class=\"light yellow\">黄灯</span> {Html.Int(c[LightFilter.Yellow])}</li>")
            .Raw($"<li><span class=\"light green\">绿灯</span> {Html.Int(c[LightFilter.Green])}</li><li><span class=\"light none\">无灯</span> {Html.Int(c[LightFilter.None])}</li></ul>");

        html.Raw(Items(board, page.Rows, "board", $"共 {Html.Int(page.Matching)} 项，第 {Html.Int(page.Page)}/{Html.Int(page.Pages)} 页"));
        html.Raw("<nav class=\"pager\" aria-label=\"分页\" data-testid=\"pager\" data-page=\"").Raw(Html.Int(page.Page)).Raw("\" data-pages=\"").Raw(Html.Int(page.Pages)).Raw("\">");
        if (page.Page > 1)
        {
            html.Raw("<a rel=\"prev\" data-testid=\"page-prev\" href=\"").Text(Link(path, query with { Page = page.Page - 1 })).Raw("\">上一页</a>");
        }

        if (page.Page < page.Pages)
        {
            html.Raw("<a rel=\"next\" data-testid=\"page-next\" href=\"").Text(Link(path, query with { Page = page.Page + 1 })).Raw("\">下一页</a>");
        }

        return html.Raw("</nav>").ToString();
    }

    /// <summary>
    /// The unit page: its items (as on the board), the demands it owes with their answers (<paramref name="demands"/>,
    /// rendered by <see cref="LoopPages.UnitDemands"/>), its exemption requests, notices and summonses with their sign state
    /// (<paramref name="notices"/>, rendered by <see cref="LoopPages.UnitRequests"/> and <see cref="NoticePages.UnitNotices"/>),
    /// and its deadlines of the coming days.
    /// </summary>
    public static string Unit(BoardSnapshot board, UnitRoster unit, string demands, string? notices = null)
    {
        var html = new Html();
        var items = board.ByUnit.TryGetValue(unit.Id, out var list) ? list : [];
        html.Raw("<h1 data-testid=\"unit-title\" data-unit=\"").Text(unit.Id.Value).Raw("\">").Text(unit.Name).Raw("</h1>")
            .Raw("<p class=\"muted\">截至 ").Text(Html.Date(board.Today)).Raw("；<span data-testid=\"data-as-of\">数据截至 ").Text(board.ComputedAtText).Raw("</span></p>");
        var counts = items.GroupBy(i => BoardQuery.Of(i.Light)).ToDictionary(g => g.Key, g => g.Count());
        int Count(LightFilter l) => counts.TryGetValue(l, out var n) ? n : 0;
        html.Raw("<ul class=\"counts\" id=\"light-counts\" data-testid=\"light-counts\" aria-label=\"各灯色数量\"")
            .Raw($" data-red=\"{Html.Int(Count(LightFilter.Red))}\" data-yellow=\"{Html.Int(Count(LightFilter.Yellow))}\" data-green=\"{Html.Int(Count(LightFilter.Green))}\" data-none=\"{Html.Int(Count(LightFilter.None))}\">")
            .Raw($"<li><span class=\"light red\">红灯</span> {Html.Int(Count(LightFilter.Red))}</li><li><span class=\"light yellow\">黄灯</span> {Html.Int(Count(LightFilter.Yellow))}</li>")
            .Raw($"<li><span class=\"light green\">绿灯</span> {Html.Int(Count(LightFilter.Green))}</li><li><span class=\"light none\">无灯</span> {Html.Int(Count(LightFilter.None))}</li></ul>");

        html.Raw(demands);
        html.Raw(notices ?? "");
        html.Raw("<h2 id=\"deadlines\">近期节点与报送截止（").Raw(Html.Int(BoardReader.DeadlineDays)).Raw(" 天内）</h2>");
        var deadlines = board.Deadlines.TryGetValue(unit.Id, out var d) ? d : [];
        if (deadlines.Count == 0)
        {
            html.Raw("<p data-testid=\"deadlines-none\">近期没有节点或报送截止。</p>");
        }
        else
        {
            html.Raw("<table data-testid=\"deadlines\"><caption>近期到期的节点、完成时限和进度报送截止日</caption><thead><tr><th scope=\"col\">日期</th><th scope=\"col\">事项</th><th scope=\"col\">内容</th></tr></thead><tbody>");
            foreach (var deadline in deadlines)
            {
                html.Raw("<tr data-testid=\"deadline\"><td>").Text(Html.Date(deadline.Due)).Raw("</td><td>").Text(deadline.ItemTitle).Raw("</td><td>").Text(deadline.What).Raw("</td></tr>");
            }

            html.Raw("</tbody></table>");
        }

        html.Raw("<h2 id=\"items\">本单位事项</h2>");
        return html.Raw(Items(board, items, "unit-items", $"共 {Html.Int(items.Count)} 项")).ToString();
    }

    /// <summary>The development sign-in: every person with a role, grouped by unit (the office and leadership first).</summary>
    public static string SignIn(Configuration configuration, string antiforgery)
    {
        var html = new Html();
        html.Raw("<h1>开发用登录（仅本地模式）</h1><p>本地 <code>web</code> 命令提供此页，选择一位人员即以其身份和角色查看网页；Azure 中由 Microsoft Entra ID 登录，没有此页。</p>")
            .Raw("<form method=\"post\" action=\"/signin\" data-testid=\"signin-form\">").Raw(antiforgery)
            .Raw("<label for=\"person\">人员</label> <select id=\"person\" name=\"person\" data-testid=\"signin-person\">");
        var office = configuration.Roster.SupervisionOffice;
        var groups = configuration.People.Values
            .Where(p => p.Robot is null)
            .Select(p => (Person: p, Role: WebRoles.Of(p, office)))
            .Where(p => p.Role != WebRole.None)
            .GroupBy(p => p.Person.Unit)
            .OrderBy(g => g.Key is null ? "" : g.Key.Value.Value, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var label = group.Key is { } unit && configuration.Roster.Units.TryGetValue(unit, out var u) ? u.Name : "市领导、督查室及其他";
            html.Raw("<optgroup label=\"").Text(label).Raw("\">");
            foreach (var (person, role) in group.OrderBy(p => p.Person.Id.Value, StringComparer.Ordinal))
            {
                html.Raw("<option value=\"").Text(person.Id.Value).Raw("\">").Text(person.Name).Raw("（").Text(new Viewer(person, role).RoleName).Raw("，").Text(person.Id.Value).Raw("）</option>");
            }

            html.Raw("</optgroup>");
        }

        return html.Raw("</select> <button type=\"submit\" data-testid=\"signin-submit\">登录</button></form>").ToString();
    }

    /// <summary>An error page body: what happened and what to do.</summary>
    public static string Problem(string heading, string message) =>
        new Html().Raw("<section class=\"error\" data-testid=\"error\"><h1>").Text(heading).Raw("</h1><p>").Text(message).Raw("</p></section>").ToString();

    /// <summary>The rows as an accessible table: tasks with their timelines, indicators with value, plan and ranks.</summary>
    private static string Items(BoardSnapshot board, IReadOnlyList<BoardItem> rows, string testId, string caption)
    {
        var html = new Html();
        html.Raw("<table data-testid=\"").Raw(testId).Raw("\"><caption>").Text(caption).Raw("</caption><thead><tr>")
            .Raw("<th scope=\"col\">灯色</th><th scope=\"col\">类型</th><th scope=\"col\">单位</th><th scope=\"col\">事项</th><th scope=\"col\">进度或数值</th><th scope=\"col\">时间轴或目标、排名</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var key = Html.LightKey(row.Light);
            html.Raw("<tr data-testid=\"row\" data-kind=\"").Raw(row.Kind == BoardKind.Task ? "task" : "indicator").Raw("\" data-id=\"").Text(row.Id)
                .Raw("\" data-unit=\"").Text(row.Unit.Value).Raw("\" data-light=\"").Raw(key).Raw("\">")
                .Raw("<td><span class=\"light ").Raw(key).Raw("\">").Raw(Html.LightWord(row.Light)).Raw("</span></td>")
                .Raw("<td>").Raw(row.Kind == BoardKind.Task ? "任务" : "指标").Raw("</td>")
                .Raw("<td><a href=\"/units/").Text(Uri.EscapeDataString(row.Unit.Value)).Raw("\">").Text(row.UnitName).Raw("</a></td>");
            switch (row)
            {
                case BoardTask task:
                    html.Raw("<th scope=\"row\"><a data-testid=\"task-link\" href=\"/tasks/").Text(Uri.EscapeDataString(task.Unit.Value)).Raw("/").Text(Uri.EscapeDataString(task.Id)).Raw("\">")
                        .Text(task.Title).Raw("</a><br><span class=\"muted\">").Text(task.Id).Raw(" · ").Text(KindWord(task.ItemKind))
                        .Raw(task.Status == ItemStatus.Active ? "" : task.Status == ItemStatus.Completed ? " · 已完成" : " · 已暂停").Raw("</span></th>")
                        .Raw("<td>");
                    if (task.Snapshot is { } s)
                    {
                        html.Raw("计划 <span data-testid=\"planned-value\">").Raw(Html.Number(s.Planned)).Raw("%</span><br>实际 <span data-testid=\"reported-value\">").Raw(Html.Number(s.Reported)).Raw("%</span>");
                        if (s.Overdue is { } overdue)
                        {
                            html.Raw("<br><span class=\"light red\">逾期：").Text(overdue.IsDeadline ? "完成时限" : overdue.Name).Raw(" ").Text(Html.Date(overdue.Due)).Raw("</span>");
                        }
                    }
                    else
                    {
                        html.Raw("<span class=\"muted\">计划无法排出（见 check 命令列出的问题）</span>");
                    }

                    html.Raw("</td><td>").Raw(Html.Timeline(task, board.Today)).Raw("<br><span class=\"muted\">").Text(Html.Date(task.Start)).Raw(" 至 ").Text(Html.Date(task.Deadline));
                    if (task.NextReport is { } report)
                    {
                        html.Raw("；下次报送 ").Text(Html.Date(report));
                    }

                    html.Raw("</span></td>");
                    break;
                case BoardIndicator indicator:
                    html.Raw("<th scope=\"row\">").Text(indicator.Title).Raw("<br><span class=\"muted\">").Text(indicator.Id).Raw(" · ").Text(indicator.PeriodLabel).Raw("</span></th>")
                        .Raw("<td><span data-testid=\"indicator-value\">").Text(Html.Number(indicator.Value) + indicator.MeasureUnit).Raw("</span>");
                    if (indicator.Planned is { } planned)
                    {
                        html.Raw("<br>计划 ").Text(Html.Number(planned) + indicator.MeasureUnit);
                    }

                    html.Raw("</td><td>");
                    var parts = new List<string>();
                    if (indicator.ProvincialRank is { } rank)
                    {
                        parts.Add(rank.Of is { } of ? $"全省第{Html.Int(rank.Rank)}/{Html.Int(of)}位" : $"全省第{Html.Int(rank.Rank)}位");
                    }

                    parts.AddRange(indicator.GroupRanks.Select(g => $"{g.Group}第{Html.Int(g.Rank)}/{Html.Int(g.Size)}位"));
                    parts.Add($"发布于 {Html.Date(indicator.Published)}");
                    html.Text(string.Join("；", parts)).Raw("</td>");
                    break;
                default:
                    throw new InvalidOperationException($"Unknown board row {row.GetType().Name}.");
            }

            html.Raw("</tr>");
        }

        if (rows.Count == 0)
        {
            html.Raw("<tr><td colspan=\"6\" data-testid=\"no-rows\">没有符合条件的事项。</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    private static string Option(string value, string label, bool selected) =>
        $"<option value=\"{value}\"{(selected ? " selected" : "")}>{label}</option>";

    /// <summary>The board's address for a query (only the parameters set).</summary>
    public static string Link(string path, BoardQuery query)
    {
        var parts = new List<string>();
        if (query.Unit is { } unit)
        {
            parts.Add("unit=" + Uri.EscapeDataString(unit.Value));
        }

        if (query.Kind is { } kind)
        {
            parts.Add("kind=" + (kind == BoardKind.Task ? "task" : "indicator"));
        }

        if (query.Light is { } light)
        {
            parts.Add("light=" + light.ToString().ToLowerInvariant());
        }

        if (query.Page > 1)
        {
            parts.Add("page=" + Html.Int(query.Page));
        }

        return parts.Count == 0 ? path : path + "?" + string.Join("&", parts);
    }

    private static string KindWord(ItemKind kind) => kind switch
    {
        ItemKind.KeyProject => "重点项目",
        ItemKind.Livelihood => "民生实事",
        _ => "重点任务",
    };
}
