using System.Data;
using System.Globalization;
using System.Text;
using CsvHelper;
using Escalation.Domain.Calendar;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using MiniExcelLibs;

namespace Escalation.Functions.Export;

/// <summary>
/// The escalation log for the supervision office: one row per event with its reason and delivery status, under Chinese
/// column headers, as CSV (UTF-8 with BOM, so that Excel opens it as UTF-8) or as an Excel workbook.
/// </summary>
public static class LogExport
{
    /// <summary>The column headers, in order.</summary>
    public static IReadOnlyList<string> Headers { get; } =
    [
        "日期", "事件编号", "级别", "类型", "规则", "责任单位", "单位编号", "任务编号", "任务名称", "节点", "节点日期",
        "计划进度(%)", "实际进度(%)", "连续滞后期数", "期间", "送达对象", "抄送", "渠道", "要求", "要求时限", "状态", "送达情况", "备注",
    ];

    internal static readonly Dictionary<EventLevel, string> Levels = new() { [EventLevel.Reminder] = "提醒", [EventLevel.Notice] = "通报", [EventLevel.Summons] = "约谈" };

    internal static readonly Dictionary<EventKind, string> Kinds = new()
    {
        [EventKind.DueSoon] = "节点临近", [EventKind.DueToday] = "节点当日", [EventKind.Overdue] = "逾期未完成", [EventKind.ReportMissing] = "未按时报送",
        [EventKind.Lagging] = "进度滞后", [EventKind.DemandOverdue] = "说明整改逾期",
    };

    internal static readonly Dictionary<RecipientRole, string> Roles = new()
    {
        [RecipientRole.Owner] = "具体责任人", [RecipientRole.UnitPrincipal] = "主要负责人", [RecipientRole.DeputyInCharge] = "分管负责同志",
        [RecipientRole.LeadOfficial] = "包保领导", [RecipientRole.SupervisionOffice] = "督查室",
    };

    private static readonly Dictionary<LogStatus, string> Statuses = new()
    {
        [LogStatus.Logged] = "待发布", [LogStatus.Published] = "发送中", [LogStatus.Delivered] = "已送达", [LogStatus.PartlyFailed] = "部分失败", [LogStatus.Failed] = "发送失败",
    };

    private static readonly Dictionary<DeliveryStatus, string> DeliveryStatuses = new()
    {
        [DeliveryStatus.Pending] = "待发送", [DeliveryStatus.Deferred] = "顺延", [DeliveryStatus.Sent] = "已发送", [DeliveryStatus.Failed] = "失败", [DeliveryStatus.Skipped] = "未发送",
    };

    /// <summary>One export row per event, in the order of <see cref="Headers"/>.</summary>
    public static string?[] Row(LogEntry entry, IReadOnlyList<Delivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(deliveries);
        var e = entry.Event;
        var f = e.Facts;
        var c = CultureInfo.InvariantCulture;
        string People(bool copy) => string.Join("、", e.Recipients.Where(r => r.IsCopy == copy).Select(r => $"{Roles[r.Role]}({r.Person.Value})"));
        var delivered = deliveries.Count == 0
            ? "尚无送达记录"
            : string.Join("；", deliveries.GroupBy(d => d.Status).OrderBy(g => g.Key).Select(g => $"{DeliveryStatuses[g.Key]}{g.Count()}"));
        return
        [
            IsoDate.Format(e.Date), e.Id.Value, Levels[e.Level], Kinds[e.Kind], e.Rule.Value, f.UnitName, e.Unit.Value, e.Item.Value, f.ItemTitle,
            f.Checkpoint, f.CheckpointDue is { } due ? IsoDate.Format(due) : null,
            f.Planned.ToString("0.#", c), f.Reported.ToString("0.#", c), f.Streak?.ToString(c), f.Period,
            People(copy: false), People(copy: true), string.Join("、", e.Channels.Select(ch => ch == Channel.Email ? "邮件" : "短信")),
            e.Demand is { } d ? (d.Kind == DemandKind.Explanation ? "情况说明" : "整改报告") : null,
            e.Demand is { } dd ? IsoDate.Format(dd.DueBy) : null,
            Statuses[entry.Status], delivered, entry.StatusNote,
        ];
    }

    public static void WriteCsv(Stream output, IEnumerable<string?[]> rows)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var header in Headers)
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                csv.WriteField(field);
            }

            csv.NextRecord();
        }
    }

    public static void WriteXlsx(Stream output, string sheet, IEnumerable<string?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // A table rather than records: MiniExcel takes record headers from the first record, so an empty month would
        // need a placeholder record, which Excel shows as a blank row. A table's columns give the header row on their own.
        using var table = new DataTable(sheet) { Locale = CultureInfo.InvariantCulture };
        foreach (var header in Headers)
        {
            table.Columns.Add(header, typeof(string));
        }

        foreach (var row in rows)
        {
            table.Rows.Add([.. row.Select(field => (object?)field ?? DBNull.Value)]);
        }

        MiniExcel.SaveAs(output, new Dictionary<string, object> { [sheet] = table }, excelType: ExcelType.XLSX);
    }
}
