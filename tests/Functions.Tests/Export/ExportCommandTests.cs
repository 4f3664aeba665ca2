using System.Globalization;
using System.Text;
using CsvHelper;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Export;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Storage;
using MiniExcelLibs;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Export;

/// <summary>Events and deliveries to export, and how to read an export back.</summary>
internal static class ExportData
{
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 2, 0, 30);

    public static EscalationEvent Notice(string occurrence, string unit, LocalDate date, string unitName = "市发展改革委") => new(
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
        new EventFacts("推进城市更新“一号工程”", unitName, 45.5, 20, "完成方案报批", new LocalDate(2026, 5, 29), 40, false, 3, 2, "2026年5月", "2026-05",
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
        Assert.Equal($"Wrote 3 events of 2026-06 to {Path.GetFullPath(file)}.", stdout.TrimEnd());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(string.Join(",", LogExport.Headers), File.ReadAllLines(file, Encoding.UTF8)[0]);
        Assert.Equal(23, LogExport.Headers.Count);
        Assert.Equal(4, rows.Count);
        Assert.Equal([JuneFgw.Id.Value, JuneZjj.Id.Value, JuneFgwLater.Id.Value], rows.Skip(1).Select(r => r[1]));
        Assert.Equal(
            [
                "2026-06-02", JuneFgw.Id.Value, "通报", "进度滞后", "R5", "市发展改革委", "fgw", "fgw-2026-01", "推进城市更新“一号工程”", "完成方案报批", "2026-05-29",
                "45.5", "20", "2", "2026年5月", "主要负责人(fgw-zhang)", "督查室(dcs-office)", "邮件、短信", "情况说明", "2026-06-09",
                "部分失败", "已发送1；失败1", "1 of 2 deliveries failed",
            ],
            rows[1]);
        Assert.Equal("已发送2", rows[2][21]);
        Assert.Equal(("待发布", "尚无送达记录", ""), (rows[3][20], rows[3][21], rows[3][22]));
    }

    [Fact]
    public void Export_WritesOnlyTheUnitsEvents_WhenAUnitIsGiven()
    {
        var file = _files["zjj.csv"];

        var (code, stdout, _) = ExportData.Run("export", "log", "--month", "2026-06", "--unit", "zjj", "--format", "csv", "--out", file, "--store", _store);

        var rows = ExportData.ReadCsv(file);
        Assert.Equal(Cli.Ok, code);
        Assert.Contains("Wrote 1 events of 2026-06 for unit zjj", stdout, StringComparison.Ordinal);
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
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public void Export_WritesTheHeaderRowAlone_WhenTheMonthHasNoEvents(string format)
    {
        var file = _files["empty." + format];

        var (code, stdout, _) = ExportData.Run("export", "log", "--month", "2026-01", "--format", format, "--out", file, "--store", _store);

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("Wrote 0 events of 2026-01", stdout, StringComparison.Ordinal);
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
        Assert.Contains($"--month needs a month written YYYY-MM (got '{month}')", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData("export", "log", "--format", "csv")]
    [InlineData("export", "log", "--month", "2026-06", "--format", "pdf")]
    [InlineData("export", "events", "--month", "2026-06")]
    [InlineData("export", "log", "--month", "2026-06", "--unit", "a/b")]
    public void Export_ExitsWithUsageError_WhenAnArgumentIsWrong(params string[] args)
    {
        var (code, stdout, stderr) = ExportData.Run([.. args, "--store", _store]);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.NotEqual("", stderr);
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
        Assert.Equal("失败1", rows[1][21]);
    }

    public void Dispose() => _files.Dispose();
}
