using System.Globalization;
using Escalation.Domain.Indicators;
using Escalation.Functions.Commands;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Storage;
using MiniExcelLibs;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary>
/// Importing the indicator tables (指标, 指标数据, 排名分组) and indicator exemptions, with Chinese headers, from CSV files
/// and from a workbook with Chinese sheet names; broken rows rejected with file, line, column, value and reason.
/// </summary>
public abstract class IndicatorImportContract<TBackend>(TBackend backend) : IDisposable
    where TBackend : IBackend
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 0, 30));
    private readonly TempFolder _files = new();

    /// <summary>A city (全市) ranked in the province by 固定资产投资增速, four towns ranked weekly by 资金拨付进度; every header Chinese.</summary>
    private static readonly (string Table, string[] Headers, string?[][] Rows)[] Good =
    [
        ("units", ["单位编号", "单位名称"],
            [["fgw", "市发展改革委"], ["czj", "市财政局"], ["city", "全市"], ["town-jia", "甲镇"], ["town-yi", "乙镇"], ["town-bing", "丙镇"], ["town-ding", "丁镇"]]),
        ("people", ["人员编号", "姓名", "所属单位"],
            [["fgw-chen", "陈刚", "fgw"], ["czj-li", "李敏", "czj"], ["dcs-office", "督查室", null]]),
        ("indicators", ["指标编号", "指标名称", "主管部门", "计量单位", "指标方向", "统计口径", "发布周期", "确保目标", "力争目标", "名次底线", "名次目标", "名次力争", "不低于", "落后判定", "黄灯比例"],
        [
            ["gdtz-zs", "固定资产投资增速", "fgw", "%", "越高越好", "累计", "月", "6.5", "7.5", "4", "3", "1", "一季度", "排名", "90%"],
            ["zjbf-jd", "资金拨付进度", "czj", "%", null, "累计", "周", null, null, null, null, null, null, null, null],
        ]),
        ("indicatorvalues", ["指标编号", "责任单位", "期次", "数值", "发布日期", "全省排名", "参与排名数", "全省平均", "录入人"],
        [
            ["gdtz-zs", "city", "2025-04", "6.1", "2025-05-20", "5", "12", "5.8", "fgw-chen"],
            ["gdtz-zs", "city", "2025-05", "6.9", "2025-06-18", "3", "12", "6", "fgw-chen"],
            ["zjbf-jd", "town-jia", "2025-W10", "82", "2025-03-10", null, null, "70", "czj-li"],
            ["zjbf-jd", "town-yi", "2025-W10", "75", "2025-03-10", null, null, "70", "czj-li"],
            ["zjbf-jd", "town-bing", "2025-W10", "64", "2025-03-10", null, null, "70", "czj-li"],
            ["zjbf-jd", "town-ding", "2025-W10", "69.5", "2025-03-10", null, null, "70", "czj-li"],
        ]),
        ("rankinggroups", ["分组编号", "分组名称", "指标编号", "参与单位", "后N位", "前N位"],
            [["towns-zjbf", "各镇（街道）", "zjbf-jd", "town-jia、town-yi、丙镇、town-ding", "2", "1"]]),
        ("exemptions", ["责任单位", "任务编号", "指标编号", "期次", "批准人", "批准日期", "理由", "原因性质"],
            [["town-bing", null, "zjbf-jd", "2025-W10", "dcs-office", "2025-03-12", "上级资金未按期下达", "客观"]]),
    ];

    [Fact]
    public async Task Import_StoresEveryIndicatorRowUnderItsKeys_WhenCsvFilesHaveChineseHeaders()
    {
        var tables = backend.Fresh();

        var report = await Import(tables, WriteCsv("csv", Good));
        var again = await Import(tables, WriteCsv("csv", Good));
        var funds = await new AdminStore(tables).ReadIndicator(new IndicatorId("zjbf-jd"));
        var values = await tables.Table("indicatorvalues");
        var exemptions = await tables.Table("exemptions");

        Assert.Empty(report.Rejected);
        Assert.Empty(report.Warnings);
        Assert.Equal(
            [("exemptions", 1), ("indicators", 2), ("indicatorvalues", 6), ("people", 3), ("rankinggroups", 1), ("units", 7)],
            report.Tables.Where(t => t.Read > 0).Select(t => (t.Table, t.Accepted)).OrderBy(t => t.Table, StringComparer.Ordinal));
        Assert.All(again.Tables, t => Assert.Equal(new WriteCount(0, 0, t.Read), t.Written));
        Assert.Equal(["town-bing", "town-ding", "town-jia", "town-yi"], funds.Values.Select(v => v.Unit).Order(StringComparer.Ordinal));
        Assert.Equal("town-bing", Assert.Single(funds.Exemptions).Unit);
        Assert.NotNull(await values.Find("gdtz-zs", "city:2025-05"));
        Assert.NotNull(await exemptions.Find("ind:zjbf-jd", "town-bing:2025-W10"));
    }

    [Fact]
    public async Task Import_GivesTheIndicatorStepItsInputs_WhenTheImportedRowsAreRead()
    {
        var tables = backend.Fresh();
        await Import(tables, WriteCsv("csv", Good));
        var read = new DailyRead(tables, _clock, Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();

        var (inputs, problems) = await read.Indicator(configuration, new IndicatorId("zjbf-jd"));
        var result = new IndicatorEvaluator(configuration.Calendar, [BottomRank], configuration.Roster, configuration.Options)
            .Evaluate(inputs, new LocalDate(2025, 3, 10));

        Assert.Empty(problems);
        var group = Assert.Single(inputs.Groups);
        Assert.Equal(["town-jia", "town-yi", "town-bing", "town-ding"], group.Units.Select(u => u.Value));
        Assert.Equal((2, 1), (group.BottomK, group.TopK));

        // Bottom two: 丙 64 (exempt) and 丁 69.5, both below 70: only 丁 is summoned.
        Assert.Equal(["town-ding"], result.Events.Select(e => e.Unit.Value));
    }

    [Fact]
    public async Task Import_StoresTheSameRowsAsTheCsv_WhenGivenAWorkbookWithChineseSheetNames()
    {
        var csvTables = backend.Fresh();
        var excelTables = backend.Fresh();

        var fromCsv = await Import(csvTables, WriteCsv("csv", Good));
        var fromExcel = await Import(excelTables, WriteWorkbook("指标.xlsx", Good));
        var csvRows = await new AdminStore(csvTables).ReadAll();
        var excelRows = await new AdminStore(excelTables).ReadAll();

        Assert.Empty(fromExcel.Rejected);
        Assert.Empty(fromExcel.Notes);
        Assert.Equal(fromCsv.Tables.Select(t => (t.Table, t.Read, t.Accepted, t.Written)), fromExcel.Tables.Select(t => (t.Table, t.Read, t.Accepted, t.Written)));
        Assert.Equal("指标.xlsx 工作表“指标数据”", Assert.Single(fromExcel.Tables, t => t.Table == "indicatorvalues").Origin);
        Assert.Equivalent(csvRows, excelRows, strict: true);
        Assert.Equal("2025-06-18", Assert.Single(excelRows.IndicatorValues, v => v.Period == "2025-05").Published);
    }

    [Fact]
    public async Task Import_RejectsExactlyTheBrokenIndicatorRows_NamingFileLineColumnValueAndReason()
    {
        var tables = backend.Fresh();
        (string, string[], string?[][])[] broken =
        [
            Good[0], Good[1],
            ("indicators", Good[2].Headers,
            [
                Good[2].Rows[0], Good[2].Rows[1],
                ["gdp-zs", "地区生产总值增速", "fgw", "%", "越高越好", "累计", "季", null, null, null, null, null, null, "排名", null],
            ]),
            ("indicatorvalues", Good[3].Headers,
            [
                .. Good[3].Rows,
                ["gdtz-zs", "city", "2025-W23", "7.0", "2025-06-09", null, null, null, null],
                ["gdtz-zs", "city", "2025-06", "7.1", "2025-07-18", "13", "12", "6.1", null],
                ["gdtz-zs", "rsj", "2025-06", "7.1", "2025-07-18", null, null, null, null],
                ["gdp-zs", "city", "2025-Q1", "5.2", "2025-04-18", "6", "12", "5.3", null],
                ["gdtz-zs", "全市", "2025-05", "7.9", "2025-06-19", "2", "12", "6", null],
            ]),
            ("rankinggroups", Good[4].Headers, [.. Good[4].Rows, ["towns-all", "全部镇", "zjbf-jd", "town-jia、戊镇", null, null]]),
            ("exemptions", Good[5].Headers, [.. Good[5].Rows, ["town-jia", "T1", "zjbf-jd", "2025-W10", null, null, null, null]]),
        ];

        var report = await Import(tables, WriteCsv("broken", broken));
        var stored = await new AdminStore(tables).ReadAll();

        (string, string, string, string, string)[] expected =
            [
                ("exemptions.csv 第 3 行", "exemptions", "ind:zjbf-jd/town-jia/2025-W10", "任务编号", "T1"),
                ("indicators.csv 第 4 行", "indicators", "gdp-zs", "落后判定", "排名"),
                ("indicatorvalues.csv 第 9 行", "indicatorvalues", "gdtz-zs/city/2025-06", "全省排名", "13"),
                ("indicatorvalues.csv 第 10 行", "indicatorvalues", "gdtz-zs/rsj/2025-06", "责任单位", "rsj"),
                ("indicatorvalues.csv 第 11 行", "indicatorvalues", "gdp-zs/city/2025-Q1", "指标编号", "gdp-zs"),
                ("indicatorvalues.csv 第 8 行", "indicatorvalues", "gdtz-zs/city/2025-W23", "期次", "2025-W23"),
                ("indicatorvalues.csv 第 12 行", "indicatorvalues", "gdtz-zs/city/2025-05", "指标编号", "gdtz-zs"),
                ("rankinggroups.csv 第 3 行", "rankinggroups", "towns-all", "参与单位", "town-jia、戊镇"),
            ];
        Assert.Equal(
            expected.Order(),
            report.Rejected.Select(r => (r.Location.ToString(), r.Problem.Table, r.Problem.Key, r.Column, r.Problem.Value ?? "")).Order());
        string Reason(string location) => Assert.Single(report.Rejected, r => r.Location.ToString() == location).Problem.Reason;
        Assert.Contains("同一行不能既填任务编号又填指标编号", Reason("exemptions.csv 第 3 行"), StringComparison.Ordinal);
        Assert.Contains("没有填写名次底线", Reason("indicators.csv 第 4 行"), StringComparison.Ordinal);
        Assert.Contains("全省排名第 13 名，大于参与排名数 12", Reason("indicatorvalues.csv 第 9 行"), StringComparison.Ordinal);
        Assert.Contains("「units」表中没有编号为「rsj」的单位", Reason("indicatorvalues.csv 第 10 行"), StringComparison.Ordinal);
        Assert.Contains("没有可用的编号为「gdp-zs」的指标", Reason("indicatorvalues.csv 第 11 行"), StringComparison.Ordinal);
        Assert.Contains("指标「固定资产投资增速」按月发布，2025-W23却是周的期次", Reason("indicatorvalues.csv 第 8 行"), StringComparison.Ordinal);
        Assert.Contains("没有编号或名称为「戊镇」的单位", Reason("rankinggroups.csv 第 3 行"), StringComparison.Ordinal);

        // The same indicator, unit (全市 is city's name) and period as line 3: refused as a duplicate key, line 3 kept.
        Assert.Contains("键重复：与 indicatorvalues.csv 第 3 行的键相同", Reason("indicatorvalues.csv 第 12 行"), StringComparison.Ordinal);
        Assert.Equal("6.9", Assert.Single(stored.IndicatorValues, v => v.Period == "2025-05").Value);
        Assert.Equal(["gdtz-zs", "zjbf-jd"], stored.Indicators.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(6, stored.IndicatorValues.Count);
        Assert.Equal(["towns-zjbf"], stored.RankingGroups.Select(g => g.Id));
        Assert.Single(stored.Exemptions);
    }

    [Fact]
    public void ImportCommand_ListsTheIndicatorTables_InItsSummary()
    {
        var folder = WriteCsv("cli", Good);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(["import", folder, "--store", _files["store"]], stdout, stderr, _ => null, _clock);

        Assert.Equal(Cli.Ok, code);
        var lines = stdout.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("indicatorvalues", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SequenceEqual(["6", "6", "6", "0", "0", "0"]));
        Assert.Contains(lines, l => l.StartsWith("indicators ", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SequenceEqual(["2", "2", "2", "0", "0", "0"]));
        Assert.Contains(lines, l => l.StartsWith("rankinggroups", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SequenceEqual(["1", "1", "1", "0", "0", "0"]));
    }

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    private static readonly Domain.Rules.EscalationRule BottomRank = new Domain.Rules.RuleRow
    {
        Id = "I8", Level = "约谈", Trigger = "低于平均且排名靠后", To = "分管负责同志", Channels = "邮件", Template = "indicator",
    }.Parse().Rule!;

    private async Task<ImportReport> Import(IEntityTables tables, string path) =>
        await new Importer(tables, _clock, Zone).Import(ImportSource.Read(path));

    private string WriteCsv(string name, IEnumerable<(string Table, string[] Headers, string?[][] Rows)> data)
    {
        foreach (var (table, headers, rows) in data)
        {
            _files.Write($"{name}/{table}.csv", bom: true, [string.Join(",", headers), .. rows.Select(r => string.Join(",", r.Select(Quote)))]);
        }

        return _files[name];
    }

    private static string Quote(string? field) =>
        field is null ? "" : field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal) ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>The same rows as one workbook: sheets named in Chinese, dates as dates, numbers as numbers.</summary>
    private string WriteWorkbook(string name, IEnumerable<(string Table, string[] Headers, string?[][] Rows)> data)
    {
        var path = _files[name];
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (table, headers, rows) in data)
        {
            var schema = Tables.Admin.Single(t => t.Name == table);
            var columns = headers.Select(h => schema.ColumnFor(h)!).ToArray();
            sheets[schema.Chinese] = rows.Select(row =>
            {
                var record = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < columns.Length; i++)
                {
                    record[headers[i]] = (columns[i].Type, row[i]) switch
                    {
                        (_, null) => null,
                        (ColumnType.Date, var v) => DateTime.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                        (ColumnType.Number or ColumnType.WholeNumber, var v) when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
                        (_, var v) => v,
                    };
                }

                return record;
            }).ToList();
        }

        MiniExcel.SaveAs(path, sheets);
        return path;
    }
}

public sealed class AzuriteIndicatorImportTests() : IndicatorImportContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteIndicatorImportTests(SqliteBackend backend) : IndicatorImportContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
