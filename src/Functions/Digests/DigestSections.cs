using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Functions.Digests;

/// <summary>One numbered section of a digest: its heading, and either a table or, when it has no rows, a line saying so.</summary>
/// <param name="Title">The heading without its number, e.g. 红灯、黄灯事项（3项）.</param>
/// <param name="Sheet">The workbook's sheet name (≤ 31 characters, none of <c>[]:*?/\</c>).</param>
/// <param name="Columns">The column headers (序号 is added by the renderers).</param>
/// <param name="Rows">A cell per column: text, a number (<see cref="double"/> or <see cref="int"/>) or a <see cref="LocalDate"/>.</param>
/// <param name="Empty">What to say when there are no rows.</param>
public sealed record DigestSection(string Title, string Sheet, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object>> Rows, string Empty)
{
    /// <summary>Tables under the section, each with its own caption (the scoreboards); rendered after <see cref="Rows"/>.</summary>
    public IReadOnlyList<DigestSection> Subtables { get; init; } = [];
}

/// <summary>Who issues a digest: the red header (红头) and the 落款.</summary>
/// <param name="Office">The red header line, e.g. XX市委市政府督查室.</param>
/// <param name="Signature">The 落款 under the text (the settings table's SenderName).</param>
public sealed record DigestLetterhead(string Office, string Signature)
{
    public static DigestLetterhead Default { get; } = new(DefaultOffice, WordingSettings.Default.SenderName);

    /// <summary>The red header when <c>Escalation__DigestHeader</c> is not set.</summary>
    public const string DefaultOffice = "市委市政府督查室";
}

/// <summary>
/// A digest as a document: title, 文号, opening line, numbered sections and closing: one model that the HTML fragment
/// (<see cref="DigestHtml"/>), the plain text and the workbook (<see cref="DigestWorkbook"/>) all render, so the three say
/// the same. Pure.
/// </summary>
public sealed record DigestDocument(DigestPeriod Period, string Kind, string Number, string Title, string Opening, IReadOnlyList<DigestSection> Sections, LocalDate IssuedOn)
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The subject of the email: 【督查清单】2026年第23周督查清单（商务局）; several units' parts name them all (商务局、发改委).</summary>
    public string Subject(string? unitName = null) => $"【{Kind}】{Title}{(unitName is null ? "" : $"（{unitName}）")}";

    /// <summary>The attachment's file name: the title (and the units' names for a part), .xlsx.</summary>
    public string FileName(string? unitName = null) => $"{Title}{(unitName is null ? "" : "（" + unitName + "）")}.xlsx";

    public static DigestDocument Of(WeeklyList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var week = list.Period.Period;
        var scope = list.PartOf.Count > 0 ? $"{string.Join("、", list.PartOf.Select(list.NameOf))}的" : "全市";
        var sections = new List<DigestSection>
        {
            new($"红灯、黄灯事项（{list.Lights.Count}项）", "红黄灯事项",
                ["单位", "事项", "类别", "灯", "情况", "查看日期"],
                [.. list.Lights.Select(l => Row(list.NameOf(l.Unit), l.Title, l.IsIndicator ? "指标" : "任务", ChineseNames.Of(l.Light), l.Status, l.On))],
                "本周没有红灯、黄灯事项。"),
            new($"逾期未办结的说明、整改（{list.Demands.Count}项）", "逾期未办结",
                ["单位", "事项", "督办文号", "要求", "期限"],
                [.. list.Demands.Select(d => Row(list.NameOf(d.Unit), d.Title, d.Notice, ChineseNames.Of(d.Kind), d.DueBy))],
                "本周没有逾期未办结的说明、整改。"),
            new($"发送失败的消息（{list.Failures.Count}条）", "发送失败",
                ["单位", "收件人", "渠道", "原因", "日期", "消息编号"],
                [.. list.Failures.Select(f => Row(f.Unit is { } u ? list.NameOf(u) : "", f.Person, ChineseNames.Of(f.Channel), f.Error, f.On, f.Message))],
                "本周没有发送失败的消息。"),
        };
        if (list.UnsignedNotices.Count > 0)
        {
            // Only when there is something: a list without unsigned notices reads as it did before signing existed.
            sections.Add(new($"未签收的通报和约谈（{list.UnsignedNotices.Count}项）", "未签收",
                ["单位", "事项", "督办文号", "级别", "送达日期"],
                [.. list.UnsignedNotices.Select(u => Row(list.NameOf(u.Unit), u.Title, u.Notice, ChineseNames.Of(u.Level), u.DeliveredOn))],
                ""));
        }

        if (list.LoopActivities.Count > 0)
        {
            // Only when there is something, as above: a week without answers or decisions reads as it did before the loop.
            sections.Add(new($"本周答复和处理（{list.LoopActivities.Count}项）", "答复和处理",
                ["单位", "事项", "办理事项", "督办文号", "办理人", "办理时间", "佐证材料（份）", "理由"],
                [.. list.LoopActivities.Select(a => Row(list.NameOf(a.Unit), a.Title, a.What, a.Notice ?? "", a.By,
                    a.At is { } at ? at.ToString("yyyy-MM-dd HH:mm", C) : Domain.Calendar.IsoDate.Format(a.On),
                    a.Evidence is { } n ? n : "", a.Reason ?? ""))],
                ""));
        }

        return new DigestDocument(
            list.Period, "督查清单", string.Create(C, $"督查清单〔{week.Year}〕第{week.Number}期"), list.Period.Title,
            string.Create(C, $"现将{week.Label(cumulative: false)}{scope}督查情况通报如下，请各责任单位对照清单，抓紧整改、按期办结。"),
            sections, list.IssuedOn);
    }

    public static DigestDocument Of(MonthlyNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var month = notice.Period.Period;
        var boards = notice.Scoreboards.Select((b, i) => new DigestSection(
            $"（{ChineseNumber(i + 1)}）{b.Group}·{b.Indicator}（{b.Period}）", Sheet($"成绩单{i + 1}-{b.Indicator}"),
            ["名次", "单位", $"数值{(b.MeasureUnit.Length > 0 ? "（" + b.MeasureUnit + "）" : "")}", "备注"],
            [.. b.Lines.Select(l => Row(l.Rank, l.Name, Math.Round(l.Value, 2), l.Share ? "上台分享经验做法" : l.Pledge ? "上台表态发言" : ""))],
            "暂无数据。")).ToList();
        var sections = new List<DigestSection>
        {
            new("各单位红黄绿灯情况", "红黄绿灯",
                ["单位", "红灯", "黄灯", "绿灯", "红灯、黄灯事项"],
                [.. notice.Units.Select(u => Row(u.Name, u.Red, u.Yellow, u.Green, string.Join("；", u.Items.Select(i => $"{i.Title}（{ChineseNames.Of(i.Light)}）"))))],
                "没有单位。"),
            new($"指标成绩单（{boards.Count}项）", "成绩单", [], [], "本月没有排名的指标。") { Subtables = boards },
            new($"连续滞后情况（{notice.Streaks.Count}项）", "连续滞后",
                ["单位", "事项", "连续期数", "最近一期", "督办级别", "督办文号"],
                [.. notice.Streaks.Select(s => Row(notice.NameOf(s.Unit), s.Title, s.Streak, s.Period, ChineseNames.Of(s.Level), s.Notice))],
                "本月没有连续滞后的事项。"),
            new($"本月约谈（{notice.Summonses.Count}次）", "本月约谈",
                ["单位", "事项", "督办文号", "事由", "日期"],
                [.. notice.Summonses.Select(s => Row(notice.NameOf(s.Unit), s.Title, s.Notice, s.Reason, s.On))],
                "本月没有约谈。"),
            new($"未办结的说明、整改（{notice.OpenDemands.Count}项）", "未办结",
                ["单位", "事项", "督办文号", "要求", "期限", "状态"],
                [.. notice.OpenDemands.Select(d => Row(notice.NameOf(d.Unit), d.Title, d.Notice, ChineseNames.Of(d.Kind), d.DueBy, d.DueBy < notice.IssuedOn ? "已逾期" : "未到期"))],
                "没有未办结的说明、整改。"),
        };
        if (notice.Missing.Count > 0)
        {
            sections.Add(new($"数据缺报情况（{notice.Missing.Count}项）", "数据缺报",
                ["指标", "期别", "未报送单位"],
                [.. notice.Missing.Select(m => Row(m.Indicator.Value, m.Period.Key, string.Join("、", m.Units.Select(notice.NameOf))))],
                ""));
        }

        var missingNote = notice.Missing.Count > 0 ? "截至发文时，部分指标数据尚未发布，详见“数据缺报情况”。" : "";
        return new DigestDocument(
            notice.Period, "督查通报", string.Create(C, $"督查通报〔{month.Year}〕第{month.Number}期"), notice.Period.Title,
            string.Create(C, $"现将{month.Label(cumulative: false)}各单位重点任务和指标推进情况通报如下。{missingNote}请各单位主要负责同志高度重视，对照问题，逐项整改。"),
            sections, notice.IssuedOn);
    }

    /// <summary>一、二、…十: the numbers of sections.</summary>
    public static string ChineseNumber(int n) => n switch
    {
        >= 1 and <= 10 => "一二三四五六七八九十"[n - 1].ToString(),
        > 10 and < 20 => "十" + "一二三四五六七八九"[n - 11],
        _ => n.ToString(C),
    };

    /// <summary>A cell as text: dates as 2026-06-01, numbers invariant.</summary>
    public static string Text(object cell) => cell switch
    {
        LocalDate d => IsoDate.Format(d),
        double x => x.ToString("0.##", C),
        int i => i.ToString(C),
        _ => cell.ToString() ?? "",
    };

    private static object[] Row(params object[] cells) => cells;

    /// <summary>A legal sheet name: at most 31 characters, without <c>[]:*?/\</c>.</summary>
    private static string Sheet(string name)
    {
        var clean = new string([.. name.Select(c => "[]:*?/\\".Contains(c, StringComparison.Ordinal) ? '-' : c)]);
        return clean.Length <= 31 ? clean : clean[..31];
    }
}
