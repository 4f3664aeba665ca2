using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Escalation.Domain.Evaluation;
using NodaTime;

namespace Escalation.Functions.Web;

/// <summary>
/// A page under construction: text is HTML-encoded (<see cref="HtmlEncoder"/>) unless it is markup the page writes
/// itself. Pages carry no script; the one style block carries the response's CSP nonce.
/// </summary>
internal sealed class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    private readonly StringBuilder _text = new(16 * 1024);

    /// <summary>Appends markup written by the page (never user data).</summary>
    public Html Raw(string markup)
    {
        _text.Append(markup);
        return this;
    }

    /// <summary>Appends text, encoded.</summary>
    public Html Text(string? text)
    {
        _text.Append(Encoder.Encode(text ?? ""));
        return this;
    }

    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    public override string ToString() => _text.ToString();

    public static string Date(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The light's word; a light is never shown by colour alone.</summary>
    public static string LightWord(TrafficLight? light) => light switch
    {
        TrafficLight.Red => "红灯",
        TrafficLight.Yellow => "黄灯",
        TrafficLight.Green => "绿灯",
        _ => "无灯",
    };

    public static string LightKey(TrafficLight? light) => BoardQuery.Of(light).ToString().ToLowerInvariant();

    /// <summary>The page frame: the Chinese document, the style block (with the CSP nonce), the header with the viewer and sign-out.</summary>
    /// <param name="title">The page's title.</param>
    /// <param name="nonce">The response's CSP nonce.</param>
    /// <param name="viewer">Who is signed in; null for none.</param>
    /// <param name="antiforgery">The sign-out form's antiforgery field; null for no sign-out button.</param>
    /// <param name="body">The page's body.</param>
    /// <param name="pending">For the office: how many answers and exemption requests wait for it (a link to /office).</param>
    public static string Page(string title, string nonce, Viewer? viewer, string? antiforgery, string body, int? pending = null)
    {
        var page = new Html();
        page.Raw("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<title>").Text(title).Raw(" · 督查督办</title>")
            .Raw("<style nonce=\"").Text(nonce).Raw("\">").Raw(Style).Raw("</style></head><body>")
            .Raw("<header class=\"top\"><nav aria-label=\"主导航\"><a href=\"/board\" data-testid=\"nav-board\">挂图作战</a>");
        if (viewer is not null)
        {
            page.Raw(" <a href=\"/digests\" data-testid=\"nav-digests\">督查清单和通报</a>");
            page.Raw(" <a href=\"/feeds\" data-testid=\"nav-feeds\">日历订阅</a>");
        }

        if (viewer?.Role is Domain.Catalog.WebRole.Office or Domain.Catalog.WebRole.Leader)
        {
            page.Raw(" <a href=\"/office\" data-testid=\"nav-office\">待处理");
            if (pending is { } count)
            {
                page.Raw("（<span data-testid=\"pending-count\">").Raw(Int(count)).Raw("</span>）");
            }

            page.Raw("</a>");
        }

        if (viewer?.OnlyUnit is { } own)
        {
            page.Raw(" <a href=\"/units/").Text(Uri.EscapeDataString(own.Value)).Raw("\" data-testid=\"nav-unit\">本单位</a>");
        }

        page.Raw("</nav>");
        if (viewer is not null)
        {
            page.Raw("<div class=\"who\" data-testid=\"viewer\" data-role=\"").Text(viewer.Role.ToString().ToLowerInvariant()).Raw("\">")
                .Text(viewer.Person.Name).Raw("（").Text(viewer.RoleName).Raw("）");
            if (antiforgery is not null)
            {
                page.Raw("<form method=\"post\" action=\"/signout\" class=\"inline\" data-testid=\"signout-form\">").Raw(antiforgery)
                    .Raw("<button type=\"submit\" data-testid=\"signout\">退出登录</button></form>");
            }

            page.Raw("</div>");
        }

        page.Raw("</header><main id=\"main\">").Raw(body).Raw("</main></body></html>");
        return page.ToString();
    }

    /// <summary>
    /// A task's timeline as inline SVG: the bar from start to deadline, each milestone a mark (the deadline too), planned
    /// progress (thin grey) and reported progress (the light's colour) as bars under it, and today's mark. Its text
    /// alternative says the same in words.
    /// </summary>
    public static string Timeline(BoardTask task, LocalDate today)
    {
        const double width = 240, left = 4, right = 236;
        var days = Math.Max(1, Period.DaysBetween(task.Start, task.Deadline));
        double X(LocalDate date) => left + ((right - left) * Math.Clamp(Period.DaysBetween(task.Start, date) / (double)days, 0, 1));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var planned = task.Snapshot?.Planned ?? 0;
        var reported = task.Snapshot?.Reported ?? 0;
        var label = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Date(task.Start)} 至 {Date(task.Deadline)}；计划进度 {Number(planned)}%，实际进度 {Number(reported)}%");
        foreach (var c in task.Checkpoints.Where(c => !c.IsDeadline))
        {
            label.Append(CultureInfo.InvariantCulture, $"；节点 {Date(c.Due)} {c.Name} {Number(c.Target)}%");
        }

        var svg = new Html();
        svg.Raw(string.Create(CultureInfo.InvariantCulture, $"<svg class=\"timeline\" viewBox=\"0 0 {F(width)} 30\" width=\"{F(width)}\" height=\"30\" role=\"img\" aria-label=\""))
            .Text(label.ToString()).Raw("\"><title>").Text(label.ToString()).Raw("</title>")
            .Raw(string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"6\" width=\"{F(right - left)}\" height=\"6\" fill=\"#d9d9d9\"/>"))
            .Raw(string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"16\" width=\"{F((right - left) * Math.Clamp(planned, 0, 100) / 100)}\" height=\"4\" fill=\"#8c8c8c\" data-testid=\"planned\"/>"))
            .Raw(string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{F(left)}\" y=\"22\" width=\"{F((right - left) * Math.Clamp(reported, 0, 100) / 100)}\" height=\"4\" fill=\"{Colour(task.Light)}\" data-testid=\"reported\"/>"));
        foreach (var c in task.Checkpoints)
        {
            svg.Raw(string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(c.Due) - 1.5)}\" y=\"3\" width=\"3\" height=\"12\" fill=\"#1f3a93\" data-due=\"{Date(c.Due)}\"/>"));
        }

        if (today >= task.Start && today <= task.Deadline)
        {
            svg.Raw(string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(today))}\" x2=\"{F(X(today))}\" y1=\"0\" y2=\"30\" stroke=\"#c00000\" stroke-width=\"1.5\" data-testid=\"today\"/>"));
        }

        return svg.Raw("</svg>").ToString();
    }

    private static string Colour(TrafficLight? light) => light switch
    {
        TrafficLight.Red => "#c00000",
        TrafficLight.Yellow => "#d4a000",
        TrafficLight.Green => "#2e7d32",
        _ => "#8c8c8c",
    };

    private const string Style = """
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1a1a1a;background:#fff}
        header.top{display:flex;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#8b0000;color:#fff}
        header.top a{color:#fff;margin-right:1rem}
        main{padding:1rem}
        h1{font-size:1.4rem;margin:.2rem 0 .8rem}
        h2{font-size:1.15rem;margin:1.2rem 0 .5rem}
        table{border-collapse:collapse;width:100%}
        caption{text-align:left;font-weight:bold;padding:.3rem 0}
        th,td{border:1px solid #bbb;padding:.3rem .4rem;vertical-align:top;text-align:left}
        th{background:#f2f2f2}
        tr[data-testid=row]>td:nth-child(-n+2){white-space:nowrap}
        .light{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-weight:bold;white-space:nowrap}
        .light.red{background:#c00000;color:#fff}.light.yellow{background:#ffd54f;color:#000}.light.green{background:#2e7d32;color:#fff}.light.none{background:#e0e0e0;color:#000}
        .counts{list-style:none;padding:0;display:flex;gap:1rem}
        .filters{display:flex;gap:.8rem;flex-wrap:wrap;align-items:end;margin-bottom:.8rem}
        .filters label{display:flex;flex-direction:column;font-size:.9rem}
        .inline{display:inline;margin-left:.8rem}
        .pager{margin:.8rem 0;display:flex;gap:1rem}
        .error{border:2px solid #c00000;padding:1rem;background:#fff5f5}
        .note{border:2px solid #2e7d32;padding:.6rem 1rem;background:#f3fbf3}
        .muted{color:#555}
        .notice{border:2px solid #2e7d32;padding:.6rem 1rem;background:#f3fbf3}
        table.facts{width:auto}
        .crumbs{margin-bottom:.4rem}
        .digest-page{border:1px solid #ddd;padding:2rem 1.5rem;margin-top:.8rem;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.12)}
        @media print{header.top,.filters,.pager,form{display:none}body{font-size:10pt}.light{border:1px solid #000}th{background:none}a{color:inherit;text-decoration:none}}
        """;
}
