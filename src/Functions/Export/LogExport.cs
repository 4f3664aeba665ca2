using System.Data;
using System.Globalization;
using System.Text;
using CsvHelper.Configuration;
using CsvHelper;
using Escalation.Domain.Calendar;
using Escalation.Domain.Cases;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using MiniExcelLibs;
using NodaTime;

namespace Escalation.Functions.Export;

/// <summary>What a column holds, which decides how a cell is written: text as text, numbers and dates typed.</summary>
public enum CellKind
{
    /// <summary>A <see cref="string"/>; in CSV neutralised when a spreadsheet would read it as a formula.</summary>
    Text,

    /// <summary>A <see cref="double"/>: a number cell in the workbook, so that the office can sort and sum.</summary>
    Number,

    /// <summary>A <see cref="LocalDate"/>: a real date cell (<c>yyyy-mm-dd</c>) in the workbook, ISO 8601 in CSV.</summary>
    Date,
}

/// <summary>One column of the export: its Chinese header and what its cells hold.</summary>
public sealed record ExportColumn(string Header, CellKind Kind);

/// <summary>
/// The escalation log for the supervision office: one row per event with its reason and delivery status, under Chinese
/// column headers, as CSV (UTF-8 with BOM, so that Excel opens it as UTF-8) or as an Excel workbook with typed cells.
/// </summary>
public static class LogExport
{
    /// <summary>The columns, in order. A row holds, per column, null or a value of the column's <see cref="CellKind"/>.</summary>
    public static IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("日期", CellKind.Date), new("事件编号", CellKind.Text), new("级别", CellKind.Text), new("类型", CellKind.Text),
        new("规则", CellKind.Text), new("责任单位", CellKind.Text), new("单位编号", CellKind.Text), new("任务编号", CellKind.Text),
        new("任务名称", CellKind.Text), new("节点", CellKind.Text), new("节点日期", CellKind.Date), new("计划进度(%)", CellKind.Number),
        new("实际进度(%)", CellKind.Number), new("连续滞后期数", CellKind.Number), new("期间", CellKind.Text),
        new("指标值", CellKind.Number), new("计划值", CellKind.Number), new("名次", CellKind.Text), new("送达对象", CellKind.Text),
        new("抄送", CellKind.Text), new("渠道", CellKind.Text), new("要求", CellKind.Text), new("要求时限", CellKind.Date),
        new("要求提交单位", CellKind.Text), new("建议事项", CellKind.Text), new("执行单位", CellKind.Text), new("状态", CellKind.Text),
        new("送达情况", CellKind.Text), new("备注", CellKind.Text), new("文号", CellKind.Text),
        new("签收人", CellKind.Text), new("签收时间", CellKind.Text),
        new("办理人", CellKind.Text), new("办理时间", CellKind.Text), new("处理决定", CellKind.Text), new("理由", CellKind.Text),
        new("佐证材料", CellKind.Text),
    ];

    /// <summary>The column headers, in order.</summary>
    public static IReadOnlyList<string> Headers { get; } = [.. Columns.Select(c => c.Header)];

    /// <summary>Excel's format for the date cells: the ISO order the CSV uses, whatever the reader's locale.</summary>
    public const string DateFormat = "yyyy-mm-dd";

    private static readonly Dictionary<LogStatus, string> Statuses = new()
    {
        [LogStatus.Logged] = "待发布", [LogStatus.Published] = "发送中", [LogStatus.Delivered] = "已送达", [LogStatus.PartlyFailed] = "部分失败", [LogStatus.Failed] = "发送失败",
        [LogStatus.LogOnly] = "仅记录",
    };

    private static readonly Dictionary<DeliveryStatus, string> DeliveryStatuses = new()
    {
        [DeliveryStatus.Pending] = "待发送", [DeliveryStatus.Deferred] = "顺延", [DeliveryStatus.Sent] = "已发送", [DeliveryStatus.Failed] = "失败", [DeliveryStatus.Skipped] = "未发送",
    };

    /// <summary>One export row per event, in the order of <see cref="Columns"/>: strings, doubles and dates as the columns say.</summary>
    /// <param name="entry">The event as logged.</param>
    /// <param name="deliveries">Its deliveries.</param>
    /// <param name="zone">The zone the signing time (签收时间) and a loop event's time (办理时间) are written in, yyyy-MM-dd HH:mm; null for Asia/Shanghai.</param>
    public static object?[] Row(LogEntry entry, IReadOnlyList<Delivery> deliveries, DateTimeZone? zone = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(deliveries);
        var e = entry.Event;
        var f = e.Facts;
        string People(bool copy) => string.Join("、", e.Recipients.Where(r => r.IsCopy == copy).Select(r => $"{ChineseNames.Of(r)}({r.Person.Value})"));
        var indicator = f.Indicator;
        var local = zone ?? DateTimeZoneProviders.Tzdb[ShippedCalendar.DefaultZoneId];
        var loop = f.Loop;
        var delivered = deliveries.Count == 0
            ? entry.Status == LogStatus.LogOnly ? "仅记录，不发送" : "尚无送达记录"
            : string.Join("；", deliveries.GroupBy(d => d.Status).OrderBy(g => g.Key).Select(g => $"{DeliveryStatuses[g.Key]}{g.Count()}"));
        return
        [
            e.Date, e.Id.Value, ChineseNames.Of(e.Level), ChineseNames.Of(e.Kind), e.Rule.Value, f.UnitName, e.Unit.Value, e.Item.Value, f.ItemTitle,
            f.Checkpoint, f.CheckpointDue,
            indicator is null ? Math.Round(f.Planned, 1) : null, indicator is null ? Math.Round(f.Reported, 1) : null, (double?)f.Streak, f.Period,
            indicator?.Value, indicator?.Planned is { } planned ? Math.Round(planned, 2) : null, indicator is null ? null : Places(indicator),
            People(copy: false), People(copy: true), string.Join("、", e.Channels.Select(ChineseNames.Of)),
            e.Demand is { } d ? d.Kind switch { DemandKind.Explanation => "情况说明", DemandKind.SpecialExplanation => "专题说明", _ => "整改报告" } : null,
            e.Demand?.DueBy,
            e.Demand is { } owed ? string.Join("、", owed.SubmittersOf(e.Unit).Select(u => u.Value)) : f.DemandFrom?.Value,
            f.Accountability is { } accountability ? accountability.Consequence ?? "启动问责程序" : null,
            f.Accountability?.ExecutingUnit is { } executing ? $"{f.Accountability.ExecutingUnitName ?? executing.Value}({executing.Value})" : null,
            Statuses[entry.Status], delivered, entry.StatusNote, e.Reference,
            entry.SignedBy?.Value,
            entry.SignedAt is { } signed ? signed.InZone(local).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null,
            loop?.Actor is { } actor ? loop.ActorName is { Length: > 0 } actorName ? $"{actorName}({actor.Value})" : actor.Value : null,
            loop?.At is { } at ? at.InZone(local).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : null,
            loop?.Decision is { } decision ? LoopRules.Words(decision, loop.AnswerKind) : null,
            loop?.Reason,
            loop is { Evidence.Count: > 0 } ? EvidenceCell(loop.Evidence) : null,
        ];
    }

    /// <summary>
    /// A loop event's evidence: each file's name with its full SHA-256, 「整改报告.pdf（SHA-256 ab12…）」, separated by ；; a file
    /// without a hash (named by hand, or logged before the hashes were) by its name alone.
    /// </summary>
    private static string EvidenceCell(IReadOnlyList<Evidence> files) =>
        string.Join("；", files.Select(f => f.Sha256 is { Length: > 0 } sha ? $"{f.Name}（SHA-256 {sha}）" : f.Name));

    /// <summary>
    /// An indicator event's places: 「全省第5/12位」 when the province ranked it, 「各镇（街道）第7/7位」 in its ranking group,
    /// 「各镇（街道）7个单位」 for a group's scoreboard; null when there is none.
    /// </summary>
    private static string? Places(Domain.Indicators.IndicatorFacts f)
    {
        var c = CultureInfo.InvariantCulture;
        var places = new List<string>(2);
        if (f.ProvincialRank is { } rank)
        {
            places.Add(f.PeerCount is { } peers ? string.Create(c, $"全省第{rank}/{peers}位") : string.Create(c, $"全省第{rank}位"));
        }

        if (f.Standing is { } standing)
        {
            places.Add(string.Create(c, $"{f.GroupName ?? f.Group?.Value}第{standing.Rank}/{f.GroupSize ?? standing.Rank}位"));
        }
        else if (f.Group is { } group && f.GroupSize is { } size)
        {
            places.Add(string.Create(c, $"{f.GroupName ?? group.Value}{size}个单位"));
        }

        return places.Count == 0 ? null : string.Join("；", places);
    }

    /// <summary>
    /// CSV in UTF-8 with BOM. A text field that begins with <c>= + - @</c>, a tab or a carriage return gets a leading
    /// single quote (OWASP's advice against CSV injection, CWE-1236): titles and names come from admins' files, and
    /// Excel would otherwise run <c>=HYPERLINK(…)</c> in a task title as a formula. Numbers are never negative here,
    /// so the quote never lands on one.
    /// </summary>
    public static void WriteCsv(Stream output, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };
        using var csv = new CsvWriter(writer, configuration);
        foreach (var header in Headers)
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell switch
                {
                    null => null,
                    LocalDate date => IsoDate.Format(date),
                    double number => number.ToString("0.#", CultureInfo.InvariantCulture),
                    string text => text,
                    _ => throw new ArgumentException($"A cell of type {cell.GetType().Name} is not a text, number or date.", nameof(rows)),
                });
            }

            csv.NextRecord();
        }
    }

    /// <summary>
    /// A workbook of one sheet with typed cells: number columns as numbers and date columns as Excel dates formatted
    /// <see cref="DateFormat"/>, so that the office can sort, filter and sum; text as literal strings (MiniExcel writes
    /// no formula for a text starting with <c>=</c>, so there is nothing to neutralise, and the text stays as written).
    /// </summary>
    public static void WriteXlsx(Stream output, string sheet, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);

        // A table rather than records: MiniExcel takes record headers from the first record, so an empty month would
        // need a placeholder record, which Excel shows as a blank row. A table's columns give the header row on their own.
        using var table = new DataTable(sheet) { Locale = CultureInfo.InvariantCulture };
        foreach (var column in Columns)
        {
            table.Columns.Add(column.Header, column.Kind switch
            {
                CellKind.Number => typeof(double),
                CellKind.Date => typeof(DateTime),
                _ => typeof(string),
            });
        }

        foreach (var row in rows)
        {
            table.Rows.Add([.. row.Select(cell => cell switch
            {
                null => DBNull.Value,
                LocalDate date => date.ToDateTimeUnspecified(),
                _ => cell,
            })]);
        }

        var configuration = new OpenXmlConfiguration
        {
            DynamicColumns = [.. Columns.Where(c => c.Kind == CellKind.Date).Select(c => new DynamicExcelColumn(c.Header) { Format = DateFormat })],
        };
        MiniExcel.SaveAs(output, new Dictionary<string, object> { [sheet] = table }, excelType: ExcelType.XLSX, configuration: configuration);
    }
}
