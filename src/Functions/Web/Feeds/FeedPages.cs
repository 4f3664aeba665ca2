using Escalation.Domain.Catalog;

namespace Escalation.Functions.Web.Feeds;

/// <summary>The body of <c>/feeds</c> (日历订阅): the address just created (once), the form to create one, the person's feeds.</summary>
internal static class FeedPages
{
    public static string Feeds(BoardSnapshot board, Viewer viewer, IReadOnlyList<Feed> feeds, string? created, string antiforgery, bool linksToPages)
    {
        var html = new Html();
        var zone = board.Configuration.Calendar.Zone;
        html.Raw("<h1 data-testid=\"feeds-title\">日历订阅</h1>")
            .Raw("<p>把任务的节点、完成时限、进度报送截止日和说明整改的时限订阅到 Outlook、手机等日历应用中，日程随系统数据自动更新（日历应用一般每隔几小时刷新一次）。")
            .Raw("订阅地址中含有一个随机令牌，<strong>任何拿到这个地址的人都能看到其中的日程</strong>，请勿转发；不再使用或怀疑泄露时，请在下方撤销，再新建一个。</p>");
        if (!linksToPages)
        {
            html.Raw("<p class=\"muted\">系统管理员尚未设置网页地址（Escalation__Web__BaseUrl），日程中暂不附任务页面的链接。</p>");
        }

        if (created is not null)
        {
            html.Raw("<section class=\"notice\" data-testid=\"feed-created\" role=\"status\"><h2>订阅已创建</h2>")
                .Raw("<p>订阅地址如下，<strong>只显示这一次</strong>：系统只保存令牌的摘要，以后无法再查看这个地址。请现在复制，在日历应用中选择“添加日历 → 从网址订阅”后粘贴。</p>")
                .Raw("<p><input type=\"text\" readonly size=\"80\" aria-label=\"订阅地址\" data-testid=\"feed-url\" value=\"").Text(created).Raw("\"></p></section>");
        }

        html.Raw("<h2 id=\"new\">新建订阅</h2><form method=\"post\" action=\"/feeds\" class=\"filters\" data-testid=\"feed-form\">").Raw(antiforgery)
            .Raw("<label>范围<select name=\"scope\" data-testid=\"feed-scope\">")
            .Raw("<option value=\"person\">我的事项（我负责的任务；单位主要负责人、分管负责人另含本单位全部任务）</option>")
            .Raw("<option value=\"unit\">一个单位的全部事项</option></select></label>")
            .Raw("<label>单位（订阅单位时选择）<select name=\"unit\" data-testid=\"feed-unit\">");
        foreach (var unit in board.Configuration.Roster.Units.Values.Where(u => viewer.CanSee(u.Id)).OrderBy(u => u.Id.Value, StringComparer.Ordinal))
        {
            html.Raw("<option value=\"").Text(unit.Id.Value).Raw(viewer.Person.Unit == unit.Id ? "\" selected>" : "\">").Text(unit.Name).Raw("</option>");
        }

        html.Raw("</select></label><button type=\"submit\" data-testid=\"feed-create\">创建订阅</button></form>");

        html.Raw("<h2 id=\"mine\">我的订阅</h2>");
        if (feeds.Count == 0)
        {
            return html.Raw("<p data-testid=\"feeds-none\">您还没有日历订阅。</p>").ToString();
        }

        html.Raw("<table data-testid=\"feeds\"><caption>订阅地址只在创建时显示一次；这里按订阅编号（令牌摘要的前 8 位）列出</caption><thead><tr>")
            .Raw("<th scope=\"col\">订阅编号</th><th scope=\"col\">范围</th><th scope=\"col\">创建时间</th><th scope=\"col\">状态</th><th scope=\"col\">操作</th></tr></thead><tbody>");
        foreach (var feed in feeds)
        {
            var scope = feed.Scope == FeedScope.Unit
                ? (feed.Unit is { } u && board.Configuration.Roster.Units.TryGetValue(u, out var roster) ? roster.Name : feed.Unit?.Value) + "的全部事项"
                : "我的事项";
            html.Raw("<tr data-testid=\"feed\" data-feed=\"").Text(feed.ShortId).Raw("\" data-revoked=\"").Raw(feed.RevokedAt is null ? "false" : "true").Raw("\"><td>").Text(feed.ShortId)
                .Raw("</td><td>").Text(scope).Raw("</td><td>").Text(feed.CreatedAt.InZone(zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Raw("</td><td>");
            if (feed.RevokedAt is { } revoked)
            {
                html.Raw("已撤销（").Text(revoked.InZone(zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)).Raw("）</td><td></td></tr>");
                continue;
            }

            html.Raw("有效</td><td><form method=\"post\" action=\"/feeds/revoke\" class=\"inline\" data-testid=\"feed-revoke-form\">").Raw(antiforgery)
                .Raw("<input type=\"hidden\" name=\"feed\" value=\"").Text(feed.Hash).Raw("\"><button type=\"submit\" data-testid=\"feed-revoke\">撤销</button></form></td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }
}
