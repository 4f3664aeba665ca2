using System.Globalization;
using CsvHelper;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Storage;
using MiniExcelLibs;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary>Importing admin files, on Azurite and on the embedded store alike.</summary>
public abstract class ImportContract<TBackend>(TBackend backend) : IDisposable
    where TBackend : IBackend
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly Instant Start = Instant.FromUtc(2026, 6, 1, 0, 30);

    /// <summary>Rows per table in samples/ (samples/README.md); calendar and templates are header only.</summary>
    private static readonly Dictionary<string, int> SampleCounts = new()
    {
        ["units"] = 24, ["people"] = 87, ["tasks"] = 66, ["milestones"] = 70, ["plantemplates"] = 10, ["progress"] = 1698,
        ["rules"] = 27, ["settings"] = 4, ["exemptions"] = 4, ["calendar"] = 0, ["templates"] = 0, ["smstemplates"] = 17, ["robots"] = 2, ["explanations"] = 1,
        ["indicators"] = 9, ["indicatorvalues"] = 707, ["rankinggroups"] = 2,
    };

    /// <summary>The rejected rows of samples/broken/EXPECTED.md (#3–#12): location, table, key, field, value, part of the reason.</summary>
    private static readonly (string Location, string Table, string Key, string Field, string Value, string Reason)[] BrokenRejected =
    [
        ("tasks.csv 第 5 行", "tasks", "fgw-2026-04", "Deadline", "2026-03-31", "完成时限早于开始日期（2026-06-01）"),
        ("tasks.csv 第 6 行", "tasks", "fgw-2026-05", "Deadline", "2026/09/30", "不是有效的日期。请按「yyyy-MM-dd」格式填写"),
        ("tasks.csv 第 10 行", "tasks", "zjj-2026-04", "Owner", "zjj-sun", "「people」表中没有编号为「zjj-sun」的人员"),
        ("tasks.csv 第 11 行", "tasks", "rsj-2026-01", "Unit", "rsj", "「units」表中没有编号为「rsj」的单位"),
        ("tasks.csv 第 12 行", "tasks", "zjj-2026-02", "Id", "zjj-2026-02", "与 tasks.csv 第 8 行的键相同"),
        ("milestones.csv 第 7 行", "milestones", "zjj-2026-01:2026-12-31", "Due", "2026-12-31", "节点日期晚于任务的完成时限（2026-12-15）"),
        ("progress.csv 第 7 行", "progress", "fgw-2026-01:2026-03-20:01", "Progress", "15", "完成进度低于此前报送的 18（2026-03-10），且未填写说明"),
        ("progress.csv 第 16 行", "progress", "zjj-2026-03:2026-04-20:01", "Progress", "120", "应为 0 到 100 之间的数字"),
        ("rules.csv 第 9 行", "rules", "R8", "Trigger", "whenever", "无法识别「whenever」。可填：「due-soon」、「overdue」、「report-missing」、「lag-streak」、「demand-overdue」、「start-missed」、「未按期开工」、「report-due-soon」、「indicator-lag」、「指标落后」、「target-missed」、「未完成确保目标」、「stretch-missed」、「未达力争目标」、「below-earlier」、「低于前期」、「year-end-rank」、「年终排名靠后」、「bottom-rank」、「低于平均且排名靠后」、「scoreboard」、「成绩单」、「share」、「分享经验」、「pledge」、「表态发言」、「answer-submitted」、「答复提交」、「answer-decided」、「答复处理」、「false-rectification」、「虚假整改」、「exemption-requested」、「豁免申请」、「unsigned」、「未签收」。"),
        ("templates.csv 第 6 行", "templates", "lag-notice", "Subject", "【督查通报】{unit}“{item}”连续{streak}期落后（{foo}）", "无法识别占位符「{foo}」"),
    ];

    /// <summary>EXPECTED.md #1–#2: imported with a warning, the person kept and only the faulty address dropped.</summary>
    private static readonly (string Location, string Table, string Key, string Field, string Value, string Reason)[] BrokenWarnings =
    [
        ("people.csv 第 3 行", "people", "fgw-li", "Mobile", "12345", "不是有效的手机号码"),
        ("people.csv 第 7 行", "people", "zjj-zhang", "Email", "zhang at example", "不是有效的邮箱地址"),
    ];

    private readonly FakeClock _clock = new(Start);
    private readonly TempFolder _files = new();

    [Fact]
    public async Task Import_AcceptsEveryRowThenChangesNothing_WhenTheSamplesAreImportedTwice()
    {
        var tables = backend.Fresh();

        var first = await Import(tables, Repo.Samples);
        var afterFirst = await new AdminStore(tables).ReadAll();
        var second = await Import(tables, Repo.Samples);
        var afterSecond = await new AdminStore(tables).ReadAll();

        Assert.Empty(first.Rejected);
        Assert.Empty(first.Warnings);
        Assert.Equal(SampleCounts.Values.Sum(), first.Read);
        Assert.Equal(SampleCounts.OrderBy(c => c.Key, StringComparer.Ordinal), first.Tables.Select(t => KeyValuePair.Create(t.Table, t.Read)).OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.All(first.Tables, t => Assert.Equal((t.Read, 0, new WriteCount(t.Read, 0, 0)), (t.Accepted, t.Rejected, t.Written)));
        Assert.Empty(second.Rejected);
        Assert.All(second.Tables, t => Assert.Equal((t.Read, 0, new WriteCount(0, 0, t.Read)), (t.Accepted, t.Rejected, t.Written)));
        Assert.Equal(1698, afterFirst.Progress.Count);
        Assert.Equivalent(afterFirst, afterSecond, strict: true);
    }

    [Fact]
    public async Task Import_RejectsExactlyTheBrokenRows_WhenTheBrokenSamplesAreImported()
    {
        var tables = backend.Fresh();

        var report = await Import(tables, Repo.Broken);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Equal(
            BrokenRejected.Select(e => (e.Location, e.Table, e.Key, e.Field, e.Value)).Order(),
            report.Rejected.Select(r => (r.Location.ToString(), r.Problem.Table, r.Problem.Key, r.Problem.Field, r.Problem.Value ?? "")).Order());
        Assert.All(BrokenRejected, e => Assert.Contains(e.Reason, Assert.Single(report.Rejected, r => r.Location.ToString() == e.Location).Problem.Reason, StringComparison.Ordinal));
        Assert.Equal(
            BrokenWarnings.Select(e => (e.Location, e.Table, e.Key, e.Field, e.Value)).Order(),
            report.Warnings.Select(r => (r.Location.ToString(), r.Problem.Table, r.Problem.Key, r.Problem.Field, r.Problem.Value ?? "")).Order());
        Assert.All(BrokenWarnings, e => Assert.Contains(e.Reason, Assert.Single(report.Warnings, r => r.Location.ToString() == e.Location).Problem.Reason, StringComparison.Ordinal));
        Assert.Equal(
            new Dictionary<string, (int, int)>
            {
                ["units"] = (2, 2), ["people"] = (7, 7), ["tasks"] = (11, 6), ["milestones"] = (6, 5), ["plantemplates"] = (3, 3), ["progress"] = (16, 14),
                ["rules"] = (8, 7), ["templates"] = (2, 1), ["smstemplates"] = (0, 0), ["robots"] = (0, 0), ["calendar"] = (0, 0), ["settings"] = (2, 2), ["exemptions"] = (1, 1), ["explanations"] = (0, 0),
                ["indicators"] = (0, 0), ["indicatorvalues"] = (0, 0), ["rankinggroups"] = (0, 0),
            },
            report.Tables.ToDictionary(t => t.Table, t => (t.Read, t.Accepted)));
        Assert.Equal(["fgw-2026-01", "fgw-2026-02", "fgw-2026-03", "zjj-2026-01", "zjj-2026-02", "zjj-2026-03"], stored.Tasks.Select(t => t.Id).Order());
        Assert.Equal("保障性租赁住房建设项目", Assert.Single(stored.Tasks, t => t.Id == "zjj-2026-02").Title);
        Assert.Equal("12345", Assert.Single(stored.People, p => p.Id == "fgw-li").Mobile);
        Assert.Contains(stored.People, p => p.Id == "zjj-zhang");
        Assert.Equal(["R1", "R2", "R3", "R4", "R5", "R6", "R7"], stored.Rules.Select(r => r.Id).Order());
        Assert.Contains("\n", Assert.Single(stored.Templates, t => t.Id == "due-soon").Body, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Templates, t => t.Id == "lag-notice");
        Assert.Equal(14, stored.Progress.Count);
        Assert.DoesNotContain(stored.Progress, p => p.Key is "fgw-2026-01:2026-03-20:01" or "zjj-2026-03:2026-04-20:01");
        Assert.Equal(5, stored.Milestones.Count);
    }

    [Fact]
    public async Task Import_StoresTheSameRowsAsTheEquivalentCsv_WhenGivenAnExcelWorkbookWithChineseNames()
    {
        var csvTables = backend.Fresh();
        var excelTables = backend.Fresh();
        var data = SampleSubset();
        var folder = WriteCsvFolder(data);
        var workbook = WriteWorkbook(data);

        var fromCsv = await Import(csvTables, folder);
        var fromExcel = await Import(excelTables, workbook);
        var csvRows = await new AdminStore(csvTables).ReadAll();
        var excelRows = await new AdminStore(excelTables).ReadAll();

        var csvRejected = Assert.Single(fromCsv.Rejected);
        var excelRejected = Assert.Single(fromExcel.Rejected);
        Assert.Equal(("progress.csv 第 152 行", "samples.xlsx 工作表“进度报送”第 152 行"), (csvRejected.Location.ToString(), excelRejected.Location.ToString()));
        Assert.Equal(csvRejected.Problem, excelRejected.Problem);
        Assert.Empty(fromExcel.Notes);
        Assert.Equal(data.Sum(t => t.Rows.Count) - 1, fromExcel.Accepted);
        Assert.Equal(
            fromCsv.Tables.Select(t => (t.Table, t.Read, t.Accepted, t.Written)),
            fromExcel.Tables.Select(t => (t.Table, t.Read, t.Accepted, t.Written)));
        Assert.Equal("samples.xlsx 工作表“任务”", Assert.Single(fromExcel.Tables, t => t.Table == "tasks").Origin);
        Assert.Equivalent(csvRows, excelRows, strict: true);
        Assert.Equal("2026-01-05", Assert.Single(excelRows.Tasks, t => t.Id == "fgw-2026-01").Start);
        Assert.Equal("20", Assert.Single(excelRows.PlanStages, s => s.Key == "project-4stage:01").Target);
    }

    [Fact]
    public async Task Import_ReadsChineseHeadersInAnyOrder_WhenTheCsvHasAUtf8Bom()
    {
        var tables = backend.Fresh();
        var folder = _files["bom"];
        _files.Write("bom/units.csv", bom: true,
            "单位名称,单位编号,主要负责人,分管负责人,包保领导",
            "市发展改革委,fgw,fgw-zhang,,",
            "",
            "市住房城乡建设局,zjj,,,");
        _files.Write("bom/people.csv", bom: true,
            "人员编号,姓名,所属单位,职务,邮箱,手机,接收方式",
            "fgw-zhang,张伟,fgw,主任,zhangwei@fgw.example.gov.cn,13800138000,\"邮件,短信\"");

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Empty(report.Rejected);
        Assert.Equal(["units.csv：跳过了 1 个空行"], report.Notes);
        Assert.Equal(
            [new UnitRowView("fgw", "市发展改革委", "fgw-zhang"), new UnitRowView("zjj", "市住房城乡建设局", null)],
            stored.Units.Select(u => new UnitRowView(u.Id, u.Name, u.Principal)).OrderBy(u => u.Id, StringComparer.Ordinal));
        Assert.Equal(("张伟", "13800138000", "邮件,短信"), stored.People.Select(p => (p.Name, p.Mobile, p.Channels)).Single());
    }

    [Fact]
    public async Task Import_ReadsSmsTemplatesUnderChineseHeaders_AndRejectsAnUnknownPlaceholderNamingKeyAndField()
    {
        var tables = backend.Fresh();
        var folder = _files["sms"];
        _files.Write("sms/smstemplates.csv", bom: true,
            "级别,事件类型,模板编号,模板变量,备注",
            "通报,进度滞后,SMS_154950909,unit={unit};item={item};streak={streak},已审核",
            "约谈,合并,SMS_154950910,count={count};units={units},",
            "提醒,节点临近,SMS_1,item={itme},");

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(("smstemplates", "Reminder:DueSoon", "Params", "item={itme}"), (rejected.Problem.Table, rejected.Problem.Key, rejected.Problem.Field, rejected.Problem.Value));
        Assert.Contains("{itme}", rejected.Problem.Reason, StringComparison.Ordinal);
        Assert.Equal(
            [("Notice:Lagging", "SMS_154950909"), ("Summons:grouped", "SMS_154950910")],
            stored.SmsTemplates.Select(r => (r.Key, r.TemplateCode)).OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal("SMS_154950909", (await new AdminStore(tables).ReadConfiguration()).SmsTemplates.Single(r => r.Key == "Notice:Lagging").TemplateCode);
    }

    [Fact]
    public async Task Import_ReadsRobotsUnderChineseHeaders_AndRejectsAnUnknownUnitNamingKeyAndField()
    {
        var tables = backend.Fresh();
        var folder = _files["robots"];
        _files.Write("robots/units.csv", bom: true, "Id,Name", "zjj,市住建局");
        _files.Write("robots/robots.csv", bom: true,
            "编号,所属单位,平台,关键词,接口地址,备注",
            "zjj,zjj,企业微信,,,市住建局工作群",
            "office,督查室,钉钉,督办,,督查室工作群",
            "jtj,jtj,wecom,,,");

        var report = await Import(tables, folder);
        var configuration = await new AdminStore(tables).ReadConfiguration();

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(("robots", "jtj", "Unit", "jtj"), (rejected.Problem.Table, rejected.Problem.Key, rejected.Problem.Field, rejected.Problem.Value));
        Assert.Equal([("office", "督查室", "钉钉", "督办"), ("zjj", "zjj", "企业微信", null)], configuration.Robots.Select(r => (r.Id, r.Unit, r.Platform, r.Keyword)).OrderBy(r => r.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_SkipsTheFileAndNamesTheColumn_WhenARequiredColumnIsMissing()
    {
        var tables = backend.Fresh();
        var folder = _files["missing"];
        _files.Write("missing/units.csv", bom: false, "Id,Name", "fgw,市发展改革委");
        _files.Write("missing/tasks.csv", bom: false,
            "任务编号,责任单位,任务名称,类型,开始日期,具体责任人",
            "fgw-2026-01,fgw,优化营商环境攻坚行动,重点任务,2026-01-05,fgw-liu");

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        var note = Assert.Single(report.Notes);
        Assert.Contains("tasks.csv", note, StringComparison.Ordinal);
        Assert.Contains("Deadline（完成时限）", note, StringComparison.Ordinal);
        Assert.Contains("整个文件未导入", note, StringComparison.Ordinal);
        Assert.Equal((1, 0, new WriteCount(0, 0, 0)), report.Tables.Where(t => t.Table == "tasks").Select(t => (t.Read, t.Accepted, t.Written)).Single());
        Assert.Empty(stored.Tasks);
        Assert.Equal("fgw", Assert.Single(stored.Units).Id);
    }

    [Fact]
    public async Task Import_NotesAndIgnoresTheFile_WhenACsvIsNotNamedAfterATable()
    {
        var tables = backend.Fresh();
        var folder = _files["unknown"];
        _files.Write("unknown/units.csv", bom: false, "Id,Name", "fgw,市发展改革委");
        _files.Write("unknown/任务清单.csv", bom: false, "Id,Unit,Title", "fgw-2026-01,fgw,优化营商环境攻坚行动");

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        var note = Assert.Single(report.Notes);
        Assert.StartsWith("任务清单.csv：已忽略", note, StringComparison.Ordinal);
        Assert.Contains("tasks.csv", note, StringComparison.Ordinal);
        Assert.Equal(1, report.Read);
        Assert.Empty(stored.Tasks);
        Assert.Single(stored.Units);
    }

    [Fact]
    public async Task Import_ValidatesProgressAgainstTheStoredTasks_WhenOnlyProgressIsImported()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        var folder = _files["progress"];
        _files.Write("progress/progress.csv", bom: false,
            "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy",
            "fgw,fgw-2026-01,2026-12-10,2,100,补充验收材料,fgw-liu",
            "fgw,fgw-2099-01,2026-06-10,1,30,,fgw-liu",
            "fgw,fgw-2026-01,2026-12-15,1,60,,fgw-liu");

        var report = await Import(tables, folder);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Equal((3, 1, 2, new WriteCount(1, 0, 0)), report.Tables.Where(t => t.Table == "progress").Select(t => (t.Read, t.Accepted, t.Rejected, t.Written)).Single());
        Assert.All(report.Tables.Where(t => t.Table != "progress"), t => Assert.Equal(0, t.Read));
        var unknown = Assert.Single(report.Rejected, r => r.Location.ToString() == "progress.csv 第 3 行").Problem;
        Assert.Equal(("progress", "fgw-2099-01:2026-06-10:01", "Task", "fgw-2099-01"), (unknown.Table, unknown.Key, unknown.Field, unknown.Value));
        Assert.Contains("本单位没有可用的编号为「fgw-2099-01」的任务", unknown.Reason, StringComparison.Ordinal);
        var down = Assert.Single(report.Rejected, r => r.Location.ToString() == "progress.csv 第 4 行").Problem;
        Assert.Contains("低于此前报送的 100（2026-12-10）", down.Reason, StringComparison.Ordinal);
        Assert.Equal(1699, stored.Progress.Count);
        Assert.Contains(stored.Progress, p => p.Key == "fgw-2026-01:2026-12-10:02");
    }

    [Fact]
    public async Task Import_RecordsEachTasksFirstImportDate_AndKeepsItWhenImportedAgainLater()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _clock.Advance(Duration.FromDays(30));
        _files.Write("more/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner,PlanTemplate,Status,Cadence,LeadOfficial",
            "fgw-2026-07,fgw,新增任务,重点任务,2026-01-05,2026-12-31,fgw-liu,,进行中,,",
            "fgw-2026-08,fgw,错误任务,重点任务,2026-07-01,2026-03-31,fgw-liu,,进行中,,");

        await Import(tables, Repo.Samples);
        var report = await Import(tables, _files["more"]);
        var dates = await new FirstSeenDates(tables).OfUnit(new UnitId("fgw"));

        Assert.Single(report.Rejected);
        var tasks = dates.Where(d => !IndicatorItem.Is(d.Key)).ToList();
        Assert.Equal(7, tasks.Count);
        Assert.Equal(6, tasks.Count(d => d.Value == new LocalDate(2026, 6, 1)));
        Assert.Equal(new LocalDate(2026, 7, 1), dates[new ItemId("fgw-2026-07")]);
        Assert.DoesNotContain(new ItemId("fgw-2026-08"), dates.Keys);
    }

    [Fact]
    public async Task Import_RecordsEachIndicatorsFirstImportDateUnderItsOwner_AndKeepsItWhenImportedAgainLater()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        _clock.Advance(Duration.FromDays(30));
        _files.Write("more/indicators.csv", bom: false,
            "Id,Name,Owner,MeasureUnit,Direction,Accumulation,PeriodKind,AnnualTarget,Floor,Stretch,CheckAt,RankFloor,RankGoal,RankStretch,NotLowerThan,Lag,YellowRatio",
            "xm-kg,重点项目开工率,fgw,%,越高越好,累计,月,,,,,4,3,1,,排名,");

        await Import(tables, Repo.Samples);
        await Import(tables, _files["more"]);
        var firstSeen = new FirstSeenDates(tables);
        var fgw = await firstSeen.OfUnit(new UnitId("fgw"));

        Assert.Equal(
            [("ind:gdtz-zs", new LocalDate(2026, 6, 1)), ("ind:xm-kg", new LocalDate(2026, 7, 1)), ("ind:zdxm-wcl", new LocalDate(2026, 6, 1))],
            fgw.Where(d => IndicatorItem.Is(d.Key)).Select(d => (d.Key.Value, d.Value)).Order());
        Assert.Equal(new LocalDate(2026, 6, 1), await firstSeen.OfIndicator(new UnitId("czj"), new IndicatorId("zjbf-jd")));
        Assert.Null(await firstSeen.OfIndicator(new UnitId("fgw"), new IndicatorId("zjbf-jd")));
    }

    [Fact]
    public async Task Import_KeepsRejectedRowsAsImportProblemsUntilFixed_WhenImportedAgain()
    {
        var tables = backend.Fresh();
        var problems = new ProblemLog(tables);
        var folder = _files.CopyOf(Repo.Broken, "broken");
        await Import(tables, folder);
        var afterFirst = await problems.Of(ProblemLog.ImportScope);
        var tasks = Path.Combine(folder, "tasks.csv");
        File.WriteAllText(tasks, File.ReadAllText(tasks).Replace("2026/09/30", "2026-09-30", StringComparison.Ordinal));
        var fixedAt = Start.Plus(Duration.FromDays(1));
        _clock.Reset(fixedAt);

        var second = await Import(tables, folder);
        var afterSecond = await problems.Of(ProblemLog.ImportScope);

        Assert.Equal(
            BrokenRejected.Select(e => (e.Table, e.Key, e.Field)).Order(),
            afterFirst.Select(p => (p.Problem.Table, p.Problem.Key, p.Problem.Field)).Order());
        Assert.All(afterFirst, p => Assert.Equal((true, ProblemLog.ImportScope, Start), (p.Open, p.Scope, p.FirstSeen)));
        Assert.Equal(9, second.Rejected.Count);
        var resolved = Assert.Single(afterSecond, p => !p.Open);
        Assert.Equal(("tasks", "fgw-2026-05", "Deadline", fixedAt), (resolved.Problem.Table, resolved.Problem.Key, resolved.Problem.Field, resolved.ResolvedAt));
        Assert.All(afterSecond.Where(p => p.Open), p => Assert.Equal((Start, fixedAt), (p.FirstSeen, p.LastSeen)));
        Assert.Contains((await new AdminStore(tables).ReadAll()).Tasks, t => t.Id == "fgw-2026-05");
    }

    [Fact]
    public async Task Import_ResolvesEveryImportProblem_WhenALaterImportHasNoRejectedRows()
    {
        var tables = backend.Fresh();
        var problems = new ProblemLog(tables);
        await Import(tables, Repo.Broken);
        _clock.Reset(Start.Plus(Duration.FromHours(2)));
        var folder = _files["good"];
        _files.Write("good/units.csv", bom: false, "Id,Name,Principal,DeputyInCharge", "fgw,市发展改革委,fgw-zhang,fgw-li");

        var report = await Import(tables, folder);
        var after = await problems.Of(ProblemLog.ImportScope);

        Assert.Empty(report.Rejected);
        Assert.Equal(BrokenRejected.Length, after.Count);
        Assert.All(after, p => Assert.Equal((false, Start.Plus(Duration.FromHours(2))), (p.Open, p.ResolvedAt)));
    }

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Import_RejectsARowWhoseUnitCannotBeAKey_AndImportsTheRest()
    {
        var tables = backend.Fresh();
        await Import(tables, Repo.Samples);
        using var folder = new TempFolder();
        folder.Write("progress.csv", bom: false,
            "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy",
            "fgw/2,fgw-2026-01,2026-12-30,2,100,,",
            "fgw,fgw-2026-01,2026-12-30,3,100,复核,");

        var report = await Import(tables, folder.Path);

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(("progress.csv 第 2 行", "progress", "Unit", "fgw/2"), (rejected.Location.ToString(), rejected.Problem.Table, rejected.Problem.Field, rejected.Problem.Value));
        Assert.Equal(1, report.Accepted);
    }

    [Fact]
    public async Task Import_KeepsARuleWhoseRollIsIgnored_AndWarnsNamingTheColumn()
    {
        var tables = backend.Fresh();
        using var folder = new TempFolder();
        folder.Write("rules.csv", bom: false,
            "规则编号,级别,触发条件,天数,送达,渠道,模板,要求,要求时限,遇休息日顺延",
            "R3,通报,overdue,,具体责任人,邮件,overdue,整改,10个工作日,顺延",
            "R8,约谈,overdue,20个工作日,主要负责人,邮件,overdue,整改,15天,顺延");

        var report = await Import(tables, folder.Path);
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Empty(report.Rejected);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal(("rules", "R3", "DemandRoll", "遇休息日顺延"), (warning.Problem.Table, warning.Problem.Key, warning.Problem.Field, warning.Column));
        Assert.Equal(["15天", "10个工作日"], stored.Rules.OrderByDescending(r => r.Id, StringComparer.Ordinal).Select(r => r.DemandDays));
        Assert.Equal("20个工作日", stored.Rules.Single(r => r.Id == "R8").Days);
    }

    private async Task<ImportReport> Import(IEntityTables tables, string path)
    {
        return await new Importer(tables, _clock, Zone).Import(ImportSource.Read(path));
    }

    /// <summary>
    /// Most sample tables, and the first 150 progress reports (whole histories of the first tasks but the last one's, which
    /// is only cut short) and one out of range: a data set worth comparing that imports quickly.
    /// </summary>
    private static List<(TableSchema Schema, string[] Headers, List<string?[]> Rows)> SampleSubset()
    {
        var tables = new List<(TableSchema, string[], List<string?[]>)>();
        foreach (var schema in new[] { Tables.Units, Tables.People, Tables.PlanTemplates, Tables.Tasks, Tables.Milestones, Tables.Progress, Tables.Rules, Tables.Settings, Tables.Exemptions })
        {
            using var reader = new StreamReader(Path.Combine(Repo.Samples, schema.Name + ".csv"));
            using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
            csv.Read();
            csv.ReadHeader();
            var headers = csv.HeaderRecord!;
            var rows = new List<string?[]>();
            while (csv.Read() && rows.Count < 150)
            {
                rows.Add([.. headers.Select(h => csv.GetField(h) is { Length: > 0 } v ? v : null)]);
            }

            if (schema == Tables.Progress)
            {
                // One bad row, to compare where each format says it is.
                rows.Add(["fgw", "fgw-2026-01", "2026-12-20", "1", "120", null, "fgw-liu"]);
            }

            tables.Add((schema, headers, rows));
        }

        return tables;
    }

    private string WriteCsvFolder(List<(TableSchema Schema, string[] Headers, List<string?[]> Rows)> data)
    {
        var folder = _files["csv"];
        Directory.CreateDirectory(folder);
        foreach (var (schema, headers, rows) in data)
        {
            using var writer = new StreamWriter(Path.Combine(folder, schema.Name + ".csv"));
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            foreach (var header in headers)
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

        return folder;
    }

    /// <summary>The same rows as one workbook: sheets and headers in Chinese, dates as dates, numbers as numbers.</summary>
    private string WriteWorkbook(List<(TableSchema Schema, string[] Headers, List<string?[]> Rows)> data)
    {
        var path = _files["samples.xlsx"];
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (schema, headers, rows) in data)
        {
            var columns = headers.Select(h => schema.ColumnFor(h)!).ToArray();
            sheets[schema.Chinese] = rows.Select(row =>
            {
                var record = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < columns.Length; i++)
                {
                    record[columns[i].Chinese] = (columns[i].Type, row[i]) switch
                    {
                        (_, null) => null,
                        (ColumnType.Date, var v) => DateTime.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                        (ColumnType.Number or ColumnType.WholeNumber, var v) => double.Parse(v, CultureInfo.InvariantCulture),
                        (_, var v) => v,
                    };
                }

                return record;
            }).ToList();
        }

        MiniExcel.SaveAs(path, sheets);
        return path;
    }

    private sealed record UnitRowView(string? Id, string? Name, string? Principal);
}

public sealed class AzuriteImportTests() : ImportContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteImportTests(SqliteBackend backend) : ImportContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
