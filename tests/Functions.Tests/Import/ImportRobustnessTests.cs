using System.Text;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Storage;
using MiniExcelLibs;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary>Input that used to crash an import, half-write it or lose rows silently, on the embedded store.</summary>
public sealed class ImportRobustnessTests(SqliteBackend backend) : IClassFixture<SqliteBackend>, IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly IClock Clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));

    private readonly TempFolder _files = new();

    public static TheoryData<string, string, string> BadKeys => new()
    {
        { "units", "Id", "fgw/2" },
        { "people", "Id", "zhang#1" },
        { "tasks", "Unit", "fgw\\x" },
        { "tasks", "Id", "2026?01" },
        { "milestones", "Task", "fgw-2026-01\u0001" + "a" },
        { "plantemplates", "Template", new string('p', 101) },
        { "progress", "Unit", "fg\u0085w" },
        { "rules", "Id", "R/9" },
        { "templates", "Id", "due#soon" },
        { "calendar", "Date", "2026/10/10" },
        { "settings", "Key", "Supervision?Office" },
        { "exemptions", "Period", "2026-05\u007F" },
        { "explanations", "Kind", "说明/整改" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Import_RejectsTheRowNamingItsColumn_WhenAKeyColumnHoldsWhatTableKeysCannot(string table, string column, string value)
    {
        var tables = backend.Fresh();
        var schema = Tables.Admin.Single(t => t.Name == table);
        var folder = _files[table];
        _files.Write($"{table}/{table}.csv", bom: false,
            Csv(schema.Columns.Select(c => c.Name)),
            Csv(schema.Columns.Select(c => c.Name == column ? value : c.Example)));

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(($"{table}.csv 第 2 行", column, column), (rejected.Location.ToString(), rejected.Column, rejected.Problem.Field));
        Assert.StartsWith(rejected.Problem.Value!.TrimEnd('…'), value, StringComparison.Ordinal);
        Assert.Matches("表格存储的键不允许|超过上限 100", rejected.Problem.Reason);
        Assert.Equal((1, 0, 1), report.Tables.Where(t => t.Table == table).Select(t => (t.Read, t.Accepted, t.Rejected)).Single());
        Assert.Equal(0, Count(stored, table));
        var problem = Assert.Single(await new ProblemLog(tables).Of(ProblemLog.ImportScope));
        Assert.Equal((table, column, true), (problem.Problem.Table, problem.Problem.Field, problem.Open));
    }

    [Fact]
    public async Task Import_ImportsTheUnitsAndRejectsOnlyThePerson_WhenAPersonIdHasASlash()
    {
        var tables = backend.Fresh();
        _files.Write("in/units.csv", bom: false, "Id,Name,Principal", "fgw,市发展改革委,fgw-zhang");
        _files.Write("in/people.csv", bom: false, "Id,Name,Unit", "fgw/zhang,张伟,fgw", "fgw-li,李娜,fgw");

        var report = await Import(tables, _files["in"]);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Equal(("people.csv 第 2 行", "Id"), Assert.Single(report.Rejected).Let(r => (r.Location.ToString(), r.Column)));
        Assert.Equal(["fgw"], stored.Units.Select(u => u.Id));
        Assert.Equal(["fgw-li"], stored.People.Select(p => p.Id));
    }

    [Fact]
    public async Task Import_RejectsTheLineWithTheStrayQuoteAndImportsTheLinesAfterIt_WhenAQuoteIsUnbalanced()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        var lines = Enumerable.Range(20, 8).Select(d => $"fgw,fgw-2026-01,2026-12-{d},1,100,复核,fgw-liu").ToList();
        lines.Insert(1, "fgw,fgw-2026-01,2026-12-19,1,100,\"他说加快,fgw-liu");
        _files.Write("in/progress.csv", bom: false, ["Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy", .. lines]);

        var report = await Import(tables, _files["in"]);
        var stored = await new AdminStore(tables).ReadAll();

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal("progress.csv 第 3 行", rejected.Location.ToString());
        Assert.Contains("引号不成对", rejected.Problem.Reason, StringComparison.Ordinal);
        Assert.Equal((9, 8, 1), report.Tables.Where(t => t.Table == "progress").Select(t => (t.Read, t.Accepted, t.Rejected)).Single());
        Assert.Equal(8, stored.Progress.Count(p => p.Task == "fgw-2026-01" && p.ReportedOn!.StartsWith("2026-12-2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Import_RejectsLinesByLineAndCountsBlankLines_WhenTheColumnCountIsWrong()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _files.Write("in/progress.csv", bom: false,
            "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy",
            "fgw,fgw-2026-01,2026-12-20,1,100",
            "",
            "fgw,fgw-2026-01,2026-12-21,1,100,复核,fgw-liu,多余",
            ",,,,,,",
            "fgw,fgw-2026-01,2026-12-22,1,100,复核,fgw-liu,,",
            "fgw,fgw-2026-01,2026-12-23,1,100,复核,fgw-liu");

        var report = await Import(tables, _files["in"]);

        Assert.Equal(
            [("progress.csv 第 2 行", "这一行有 5 个字段，表头有 7 列"), ("progress.csv 第 4 行", "这一行有 8 个字段，表头只有 7 列")],
            report.Rejected.Select(r => (r.Location.ToString(), r.Problem.Reason[..r.Problem.Reason.IndexOf('：', StringComparison.Ordinal)])));
        Assert.Equal((4, 2, 2), report.Tables.Where(t => t.Table == "progress").Select(t => (t.Read, t.Accepted, t.Rejected)).Single());
        Assert.Contains("progress.csv：跳过了 2 个空行", report.Notes);
    }

    [Fact]
    public async Task Import_ReadsChineseNames_WhenTheCsvIsSavedAsGb18030()
    {
        var tables = backend.Fresh();
        var gb = Gb18030();
        Directory.CreateDirectory(_files["in"]);
        File.WriteAllText(_files["in/units.csv"], "单位编号,单位名称\nfgw,市发展改革委\n", gb);
        File.WriteAllText(_files["in/people.csv"], "Id,Name,Unit\nfgw-zhang,张伟,fgw\nfgw-yan,闫䶮,fgw\n", gb);

        var report = await Import(tables, _files["in"]);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Empty(report.Rejected);
        Assert.Equal("市发展改革委", Assert.Single(stored.Units).Name);
        Assert.Equal(["张伟", "闫䶮"], stored.People.Select(p => p.Name).Order());
        Assert.Contains("people.csv：不是 UTF-8 编码，已按 GB18030（GBK）编码读取", report.Notes);
        Assert.Contains("units.csv：不是 UTF-8 编码，已按 GB18030（GBK）编码读取", report.Notes);
    }

    [Theory]
    [InlineData("utf16")]
    [InlineData("binary")]
    [InlineData("latin")]
    public async Task Import_WritesNothingAndNamesTheFile_WhenACsvIsNeitherUtf8NorGb18030(string kind)
    {
        var tables = backend.Fresh();
        _files.Write("in/units.csv", bom: false, "Id,Name", "fgw,市发展改革委");
        byte[] bytes = kind switch
        {
            "utf16" => new UnicodeEncoding(bigEndian: false, byteOrderMark: false).GetBytes("Id,Name\nfgw-zhang,张伟\n"),
            "binary" => [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xFF, 0xFE, 0x81],
            _ => [.. "Id,Name\nx,"u8, 0xFF, 0xFF, 0x0A],
        };
        File.WriteAllBytes(_files["in/people.csv"], bytes);

        var report = await Import(tables, _files["in"]);
        var stored = await new AdminStore(tables).ReadAll();

        var fault = Assert.Single(report.Faults);
        Assert.Equal("people.csv", fault.File);
        Assert.Matches("编码|不是文本格式", fault.Reason);
        Assert.Equal(0, report.Accepted);
        Assert.Empty(stored.Units);
        Assert.Equal(("people.csv", true), Assert.Single(await new ProblemLog(tables).Of(ProblemLog.ImportScope)).Let(p => (p.Problem.Key, p.Open)));
    }

    [Fact]
    public async Task Import_RejectsTheValue_WhenItHoldsAReplacementCharacter()
    {
        var tables = backend.Fresh();
        _files.Write("in/units.csv", bom: false, "Id,Name", "fgw,市发展\uFFFD\uFFFD委", "zjj,市住房城乡建设局");

        var report = await Import(tables, _files["in"]);

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(("units.csv 第 2 行", "Name"), (rejected.Location.ToString(), rejected.Column));
        Assert.Contains("U+FFFD", rejected.Problem.Reason, StringComparison.Ordinal);
        Assert.Equal(1, report.Accepted);
    }

    [Fact]
    public async Task Import_RejectsTheRow_WhenAValueIsLongerThanATablePropertyHolds()
    {
        var tables = backend.Fresh();
        _files.Write("in/templates.csv", bom: false, "Id,Subject,Body,Sms", $"due-soon,【提醒】{{item}},{new string('长', Importer.MaxTextLength + 1)},【提醒】{{item}}");

        var report = await Import(tables, _files["in"]);

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal("Body", rejected.Column);
        Assert.Contains("超过表格存储每个值的上限 32,768 个字符", rejected.Problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_RejectsTheRow_WhenTheEntityIsLargerThanOneMebibyte()
    {
        var tables = backend.Fresh();
        var schema = Tables.Rules;
        var filler = new string('x', 31_000);
        _files.Write("in/rules.csv", bom: false, Csv(schema.Columns.Select(c => c.Name)), Csv(schema.Columns.Select(c => c.Name == "Id" ? "R9" : filler)));

        var report = await Import(tables, _files["in"]);

        Assert.Contains("超过表格存储每行的上限 1 MiB", Assert.Single(report.Rejected).Problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminTables_FitTheTableServicesPropertyLimit()
    {
        // 255 properties per entity, three of them PartitionKey, RowKey and Timestamp.
        Assert.All(Tables.Admin, t => Assert.True(t.Columns.Count <= 252, t.Name));
    }

    [Fact]
    public async Task Import_StoresTheIdAndWarns_WhenAPersonAndAUnitAreGivenByAnUnambiguousName()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _files.Write("in/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner",
            "swj-2026-99,市水务局,河道清淤,重点任务,2026-06-01,2026-09-30,胡凯");

        var report = await Import(tables, _files["in"]);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Empty(report.Rejected);
        var task = Assert.Single(stored.Tasks, t => t.Id == "swj-2026-99");
        Assert.Equal(("swj", "swj-hu"), (task.Unit, task.Owner));
        Assert.Equal(
            [("Unit", "市水务局", "已按编号 swj 导入"), ("Owner", "胡凯", "已按编号 swj-hu 导入")],
            report.Warnings.Select(w => (w.Column, w.Problem.Value!, w.Problem.Reason[(w.Problem.Reason.IndexOf('已', StringComparison.Ordinal))..w.Problem.Reason.IndexOf('；', StringComparison.Ordinal)])));
    }

    [Fact]
    public async Task Import_RejectsTheRowListingTheNamesakes_WhenANameBelongsToTwoPeople()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _files.Write("in/people.csv", bom: false, "Id,Name,Unit,Title", "swj-hu2,胡凯,swj,办公室主任");
        _files.Write("in/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner",
            "swj-2026-99,swj,河道清淤,重点任务,2026-06-01,2026-09-30,胡凯");

        var report = await Import(tables, _files["in"]);

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(("tasks.csv 第 2 行", "Owner", "胡凯"), (rejected.Location.ToString(), rejected.Column, rejected.Problem.Value));
        Assert.Contains("“胡凯”是 2 个人员的名称：swj-hu（胡凯，swj 工程建设科科员）、swj-hu2（胡凯，swj 办公室主任）", rejected.Problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SuggestsTheClosestPeopleAndUnits_WhenAReferenceNamesNobody()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _files.Write("in/tasks.csv", bom: false,
            "任务编号,责任单位,任务名称,类型,开始日期,完成时限,具体责任人",
            "swj-2026-98,swj,河道清淤,重点任务,2026-06-01,2026-09-30,胡楷",
            "swj-2026-99,水务,河道清淤,重点任务,2026-06-01,2026-09-30,swj-hu");

        var report = await Import(tables, _files["in"]);

        Assert.Equal([("tasks.csv 第 2 行", "具体责任人"), ("tasks.csv 第 3 行", "责任单位")], report.Rejected.Select(r => (r.Location.ToString(), r.Column)).Order());
        Assert.Contains("最接近的人员：swj-hu（胡凯，swj 工程建设科科员）", Assert.Single(report.Rejected, r => r.Column == "具体责任人").Problem.Reason, StringComparison.Ordinal);
        Assert.Contains("最接近的单位：swj（市水务局）", Assert.Single(report.Rejected, r => r.Column == "责任单位").Problem.Reason, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static int Count(AdminData data, string table) => table switch
    {
        "units" => data.Units.Count, "people" => data.People.Count, "tasks" => data.Tasks.Count, "milestones" => data.Milestones.Count,
        "plantemplates" => data.PlanStages.Count, "progress" => data.Progress.Count, "rules" => data.Rules.Count, "templates" => data.Templates.Count,
        "calendar" => data.Calendar.Count, "settings" => data.Settings.Count, "exemptions" => data.Exemptions.Count, _ => data.Explanations.Count,
    };

    private static string Csv(IEnumerable<string> fields) => string.Join(",", fields.Select(f => "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

    private static Encoding Gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936);
    }

    private static async Task<ImportReport> Import(IEntityTables tables, string path) =>
        await new Importer(tables, Clock, Zone).Import(ImportSource.Read(path));
}

internal static class LetExtension
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
