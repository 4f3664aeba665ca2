using Escalation.Domain.Digests;
using Escalation.Functions.Digests;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Web;

/// <summary>The bodies of the digests' pages (inside <see cref="Html.Page"/>); the documents themselves are <see cref="DigestHtml"/>'s.</summary>
internal static class DigestPages
{
    /// <summary><c>/digests</c>: every digest issued, newest first, each linked to its page and its workbook.</summary>
    public static string List(IReadOnlyList<DigestClaim> claims, Viewer viewer, BoardSnapshot board)
    {
        var html = new Html();
        html.Raw("<h1 data-testid=\"digests-title\">督查清单和通报</h1>")
            .Raw("<p class=\"muted\">每周一督查、每月一通报：每周督查清单在每周第一个工作日发出（当天未发的，本周之后的工作日补发），月度通报在次月指标数据发布后发出。此处列出已发出的全部清单和通报，内容与当时发出的邮件一致（按发出日重新生成）。");
        if (viewer.OnlyUnit is { } own)
        {
            var name = board.Configuration.Roster.Units.TryGetValue(own, out var unit) ? unit.Name : own.Value;
            html.Raw("作为").Text(name).Raw("的填报员，您看到的是每周督查清单中本单位的部分（与发给本单位主要负责人的一致）和月度通报全文。");
        }

        html.Raw("</p>");
        if (claims.Count == 0)
        {
            return html.Raw("<p data-testid=\"no-digests\">还没有发出过督查清单或通报。</p>").ToString();
        }

        html.Raw("<table data-testid=\"digests\"><caption>已发出的督查清单和通报（").Text(Html.Int(claims.Count)).Raw("份，新的在前）</caption><thead><tr>")
            .Raw("<th scope=\"col\">名称</th><th scope=\"col\">类别</th><th scope=\"col\">发出日</th><th scope=\"col\">状态</th><th scope=\"col\">附件</th></tr></thead><tbody>");
        foreach (var claim in claims)
        {
            var path = WebSite.Path(claim.Period);
            html.Raw("<tr data-testid=\"digest-row\" data-key=\"").Text(claim.Period.Key).Raw("\"><th scope=\"row\"><a href=\"").Text(path).Raw("\">").Text(claim.Period.Title).Raw("</a></th>")
                .Raw("<td>").Raw(claim.Period.Kind == DigestKind.WeeklyList ? "每周督查清单" : "月度通报").Raw("</td>")
                .Raw("<td>").Text(Html.Date(claim.IssuedOn)).Raw("</td>")
                .Raw("<td>").Text(Status(claim)).Raw("</td>")
                .Raw("<td><a href=\"").Text(path + ".xlsx").Raw("\">Excel 表格</a></td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    /// <summary>A digest's page: where it sits, when it was issued, its workbook, and the document as the email showed it.</summary>
    public static string Document(DigestPeriod period, DigestClaim claim, DigestDocument document, DigestLetterhead letterhead, string? unitName, string workbook)
    {
        var html = Header(period, claim);
        html.Raw("<p class=\"muted\">").Raw(unitName is null ? "全文" : "本单位部分：").Text(unitName ?? "")
            .Raw("。<a href=\"").Text(workbook).Raw("\" data-testid=\"digest-xlsx\" download>下载 Excel 表格（").Text(document.FileName(unitName)).Raw("）</a></p>")
            .Raw("<div class=\"digest-page\" data-testid=\"digest\">").Raw(DigestHtml.Render(document, letterhead)).Raw("</div>");
        return html.ToString();
    }

    /// <summary>A reporter's weekly list page when their unit is not listed (its principal received nothing).</summary>
    public static string NotListed(DigestPeriod period, DigestClaim claim, string message) =>
        Header(period, claim).Raw("<p data-testid=\"not-listed\">").Text(message).Raw("</p>").ToString();

    private static Html Header(DigestPeriod period, DigestClaim claim)
    {
        var html = new Html();
        html.Raw("<nav class=\"crumbs\" aria-label=\"位置\"><a href=\"/digests\" data-testid=\"back-digests\">督查清单和通报</a> › ").Text(period.Title).Raw("</nav>")
            .Raw("<p class=\"muted\">发出日 <time datetime=\"").Text(Html.Date(claim.IssuedOn)).Raw("\" data-testid=\"issued-on\">").Text(Html.Date(claim.IssuedOn)).Raw("</time>；").Text(Status(claim));
        if (claim.Missing is { Length: > 0 } missing)
        {
            html.Raw("；发出时缺少的数据：").Text(missing);
        }

        return html.Raw("</p>");
    }

    private static string Status(DigestClaim claim) => claim.Status == DigestStatus.Issued ? "已发出" : "发送中（部分收件人尚未发出）";
}
