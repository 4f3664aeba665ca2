using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>The bodies of the notice page (/notices/{eventId}) and of the unit page's notices section (签收).</summary>
internal static class NoticePages
{
    /// <summary>The page title: 通报 督办〔2026〕0012号, or the level and kind when it has no reference.</summary>
    public static string Title(LogEntry entry) =>
        ChineseNames.Of(entry.Event.Level) + " " + (entry.Event.Reference ?? ChineseNames.Of(entry.Event.Kind));

    /// <summary>通报 or 约谈通知: what is signed for.</summary>
    public static string LevelNoun(EventLevel level) => level == EventLevel.Summons ? "约谈通知" : ChineseNames.Of(level);

    /// <summary>A person's name and id as the people table has them, or the id alone for someone no longer in it.</summary>
    public static string PersonName(Configuration configuration, PersonId person) =>
        configuration.People.TryGetValue(person, out var contact) ? $"{contact.Name}（{person.Value}）" : person.Value;

    /// <summary>An instant as local date and time of the deployment's zone: 2026-06-02 10:15.</summary>
    public static string Time(Configuration configuration, Instant instant) =>
        instant.InZone(configuration.Calendar.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static readonly Dictionary<LogStatus, string> Statuses = new()
    {
        [LogStatus.Logged] = "待发送", [LogStatus.Published] = "发送中", [LogStatus.Delivered] = "已送达", [LogStatus.PartlyFailed] = "部分送达",
        [LogStatus.Failed] = "发送失败", [LogStatus.LogOnly] = "仅记录，不发送",
    };

    /// <summary>
    /// The notice as logged: reference, level, kind, the task (a link to its page), the facts (what happened, the demand
    /// and its due date), the recipients, delivery and sign state, and the sign button when <paramref name="antiforgery"/>
    /// is given (the viewer may sign and it is unsigned).
    /// </summary>
    public static string Notice(Configuration configuration, LogEntry entry, SignRight right, string? antiforgery, string? note)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        var html = new Html();
        html.Raw("<h1 data-testid=\"notice-title\" data-event=\"").Text(e.Id.Value).Raw("\" data-level=\"").Text(e.Level.ToString().ToLowerInvariant()).Raw("\">")
            .Text(ChineseNames.Of(e.Level)).Raw(" · ").Text(e.Reference ?? ChineseNames.Of(e.Kind)).Raw("</h1>");
        if (note is not null)
        {
            html.Raw("<p class=\"note\" data-testid=\"notice-note\" role=\"status\">").Text(note).Raw("</p>");
        }

        html.Raw("<table data-testid=\"notice\"><caption>督办记录</caption><tbody>");
        void Row(string label, string? value, string? testId = null)
        {
            html.Raw("<tr><th scope=\"row\">").Text(label).Raw("</th><td").Raw(testId is null ? "" : $" data-testid=\"{testId}\"").Raw(">").Text(value).Raw("</td></tr>");
        }

        Row("文号", e.Reference ?? "（无文号）", "notice-reference");
        Row("级别", ChineseNames.Of(e.Level));
        Row("类型", ChineseNames.Of(e.Kind));
        Row("日期", Html.Date(e.Date));
        Row("责任单位", e.Facts.UnitName + "（" + e.Unit.Value + "）");
        html.Raw("<tr><th scope=\"row\">事项</th><td data-testid=\"notice-task\">");
        if (IndicatorItem.Is(e.Item))
        {
            html.Text(e.Facts.ItemTitle).Raw("<br><span class=\"muted\">").Text(e.Item.Value).Raw("</span>");
        }
        else
        {
            html.Raw("<a data-testid=\"notice-task-link\" href=\"/tasks/").Text(Uri.EscapeDataString(e.Unit.Value)).Raw("/").Text(Uri.EscapeDataString(e.Item.Value)).Raw("\">")
                .Text(e.Facts.ItemTitle).Raw("</a><br><span class=\"muted\">").Text(e.Item.Value).Raw("</span>");
        }

        html.Raw("</td></tr>");
        foreach (var (label, value) in MessageWording.Facts(e, configuration.Wording).Where(f => f.Label is not ("文号" or "单位" or "事项")))
        {
            Row(label, value);
        }

        Row("送达对象", Recipients(configuration, e, copy: false));
        if (e.Recipients.Any(r => r.IsCopy))
        {
            Row("抄送", Recipients(configuration, e, copy: true));
        }

        Row("发送状态", Statuses.GetValueOrDefault(entry.Status, entry.Status.ToString()) + (entry.DeliveredAt is { } at ? "（送达 " + Time(configuration, at) + "）" : ""), "notice-status");
        html.Raw("</tbody></table>");

        html.Raw("<h2 id=\"sign\">签收</h2>");
        if (!Signing.IsSignable(e))
        {
            html.Raw("<p data-testid=\"sign-state\" data-signed=\"none\">").Text(ChineseNames.Of(e.Level) + "不需要签收。").Raw("</p>");
            return html.ToString();
        }

        if (entry.SignedBy is { } by)
        {
            html.Raw("<p data-testid=\"sign-state\" data-signed=\"yes\">已签收：").Text(PersonName(configuration, by)).Raw("，")
                .Text(entry.SignedAt is { } signedAt ? Time(configuration, signedAt) : "").Raw("</p>");
            return html.ToString();
        }

        html.Raw("<p data-testid=\"sign-state\" data-signed=\"no\">未签收。</p>");
        if (antiforgery is not null)
        {
            html.Raw("<form method=\"post\" action=\"/notices/").Text(Uri.EscapeDataString(e.Id.Value)).Raw("/sign\" data-testid=\"sign-form\">").Raw(antiforgery)
                .Raw("<button type=\"submit\" data-testid=\"sign\">签收</button></form>");
        }
        else if (right == SignRight.NotAddressee)
        {
            html.Raw("<p class=\"muted\" data-testid=\"sign-not-yours\">由收件人或被通报单位的填报员签收；督查室和领导不能代替单位签收。</p>");
        }

        return html.ToString();
    }

    /// <summary>
    /// The unit page's section: its notices and summonses (newest first) with their sign state, each linking to its page;
    /// <paramref name="signForm"/> gives the antiforgery field for those the viewer may sign (null: no button).
    /// </summary>
    public static string UnitNotices(Configuration configuration, IReadOnlyList<LogEntry> notices, Func<EscalationEvent, string?> signForm)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(signForm);
        var html = new Html();
        html.Raw("<h2 id=\"notices\">通报和约谈通知（近 ").Raw(Html.Int(WebSite.NoticeDays)).Raw(" 天）</h2>");
        if (notices.Count == 0)
        {
            html.Raw("<p data-testid=\"notices-none\">近期没有发给本单位的通报或约谈通知。</p>");
            return html.ToString();
        }

        html.Raw("<table data-testid=\"notices\"><caption>发给本单位的通报、约谈通知及签收情况</caption><thead><tr>")
            .Raw("<th scope=\"col\">文号</th><th scope=\"col\">级别</th><th scope=\"col\">日期</th><th scope=\"col\">事项</th><th scope=\"col\">情形</th><th scope=\"col\">签收</th></tr></thead><tbody>");
        foreach (var entry in notices)
        {
            var e = entry.Event;
            html.Raw("<tr data-testid=\"notice-row\" data-event=\"").Text(e.Id.Value).Raw("\" data-signed=\"").Raw(entry.SignedBy is null ? "no" : "yes").Raw("\"><td>")
                .Raw("<a data-testid=\"notice-link\" href=\"/notices/").Text(Uri.EscapeDataString(e.Id.Value)).Raw("\">").Text(e.Reference ?? e.Id.Value).Raw("</a></td><td>")
                .Text(ChineseNames.Of(e.Level)).Raw("</td><td>").Text(Html.Date(e.Date)).Raw("</td><td>").Text(e.Facts.ItemTitle).Raw("</td><td>").Text(ChineseNames.Of(e.Kind)).Raw("</td><td>");
            if (entry.SignedBy is { } by)
            {
                html.Raw("已签收：").Text(PersonName(configuration, by)).Raw("<br><span class=\"muted\">").Text(entry.SignedAt is { } at ? Time(configuration, at) : "").Raw("</span>");
            }
            else if (signForm(e) is { } token)
            {
                html.Raw("<form method=\"post\" action=\"/notices/").Text(Uri.EscapeDataString(e.Id.Value)).Raw("/sign\" data-testid=\"sign-form\">").Raw(token)
                    .Raw("<input type=\"hidden\" name=\"from\" value=\"unit\"><button type=\"submit\" data-testid=\"sign\">签收</button></form>");
            }
            else
            {
                html.Raw("<span class=\"light red\">未签收</span>");
            }

            html.Raw("</td></tr>");
        }

        return html.Raw("</tbody></table>").ToString();
    }

    private static string Recipients(Configuration configuration, EscalationEvent e, bool copy) =>
        string.Join("、", e.Recipients.Where(r => r.IsCopy == copy).Select(r => ChineseNames.Of(r) + " " + PersonName(configuration, r.Person)));
}
