using Escalation.Functions.Commands;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// December 2026, 2027 not published: a task due 2027-06-30 is reported by <c>check</c>, in <c>run</c>'s summary and in the
/// problems table until 2027 is loaded; its 2026 milestone is still chased. In January 2027 the run stops, loudly.
/// </summary>
//        December 2026
//  Mo Tu We Th Fr Sa Su       The task: 2026-09-01 → 2027-06-30, milestone 完成土地征收 2026-12-09 at 30 %, 29 % reported.
//      1  2  3  4  5  6       On Monday 12-07 the milestone is 2 working days away: R1 reminds the owner.
//  [7] 8 [9]10 11 12 13
public sealed class UnloadedYearCommandTests : IDisposable
{
    // Monday 2026-12-07 10:00 Asia/Shanghai: a working day, inside the sending window.
    private static readonly Instant December7 = Instant.FromUtc(2026, 12, 7, 2, 0);

    // Monday 2027-01-04 10:00 Asia/Shanghai.
    private static readonly Instant January4 = Instant.FromUtc(2027, 1, 4, 2, 0);

    private const string Task = "fgw-2027-01";

    private readonly TempFolder _files = new();

    public UnloadedYearCommandTests()
    {
        _files.Write("city/units.csv", bom: false,
            "Id,Name,Principal,DeputyInCharge,LeadOfficial",
            "fgw,市发展改革委,fgw-yang,fgw-cao,city-liu");
        _files.Write("city/people.csv", bom: false,
            "Id,Name,Unit,Title,Email,Mobile,Channels",
            "city-liu,刘振华,,副市长,liuzhenhua@szf.example.gov.cn,,email",
            "dcs-office,督查室,,公共邮箱,dcs@szf.example.gov.cn,,email",
            "fgw-yang,杨主任,fgw,主任,yang@fgw.example.gov.cn,,email",
            "fgw-cao,曹副主任,fgw,副主任,cao@fgw.example.gov.cn,,email",
            "fgw-liu,刘科长,fgw,科长,liu@fgw.example.gov.cn,,email");
        _files.Write("city/settings.csv", bom: false, "Key,Value,Note", "SupervisionOffice,dcs-office,");
        _files.Write("city/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner,PlanTemplate,Status,Cadence,LeadOfficial",
            $"{Task},fgw,新建城北物流园区,重点项目,2026-09-01,2027-06-30,fgw-liu,,进行中,不报送,");
        _files.Write("city/milestones.csv", bom: false, "Unit,Task,Due,Name,Target", $"fgw,{Task},2026-12-09,完成土地征收,30");
        _files.Write("city/progress.csv", bom: false, "Unit,Task,ReportedOn,Seq,Progress,Note,ReportedBy", $"fgw,{Task},2026-11-30,1,29,,fgw-liu");
    }

    private string Store => _files["store"];

    [Fact]
    public void Check_ReportsItem_WhenItsDeadlineIsInAYearWithoutCalendar()
    {
        var clock = Import(December7);

        var (code, stdout, _) = Run(clock, "check", "--store", Store);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("可用任务 1 项，仍有 1 个问题", stdout, StringComparison.Ordinal);
        Assert.Contains($"表「tasks」（任务）/ 行「{Task}」：字段「Deadline」（完成时限）=「2027-06-30」：完成时限 2027-06-30 使该任务的计划用到2027年", stdout, StringComparison.Ordinal);
        Assert.Contains($"fgw/{Task}：计划暂排（完成时限 2027-06-30）", stdout, StringComparison.Ordinal);
        Assert.Contains("calendar.csv（表头：日期,类型,名称）", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_KeepsProblemOpen_UntilYearLoaded()
    {
        var clock = Import(December7);
        Assert.Equal(Cli.Ok, Run(clock, "run", "--store", Store, "--outbox", _files["outbox"]).Code);
        var opened = await TaskProblem();

        clock.AdvanceHours(1);
        var (firstCheck, _, _) = Run(clock, "check", "--store", Store);
        clock.AdvanceHours(1);
        var (secondCheck, _, _) = Run(clock, "check", "--store", Store);
        var stillOpen = await TaskProblem();

        Assert.True(opened.Open);
        Assert.Equal((Cli.DataError, Cli.DataError), (firstCheck, secondCheck));
        Assert.True(stillOpen.Open);
        Assert.Equal(opened.FirstSeen, stillOpen.FirstSeen);

        _files.Write("year/calendar.csv", bom: false, "日期,类型,名称", "2027,全年,国务院办公厅关于2027年部分节假日安排的通知", "2027-01-01,休,元旦");
        Assert.Equal(Cli.Ok, Run(clock, "import", _files["year"], "--store", Store).Code);
        clock.AdvanceHours(1);
        var (loadedCheck, loadedOut, _) = Run(clock, "check", "--store", Store);
        var resolved = await TaskProblem();

        Assert.Equal(Cli.Ok, loadedCheck);
        Assert.Contains("没有问题；自上次检查以来已解决 1 个问题", loadedOut, StringComparison.Ordinal);
        Assert.False(resolved.Open);
    }

    [Fact]
    public void Run_ChasesTheLoaded2026Milestone_AndItsSummaryMentionsTheItem_When2027NotLoaded()
    {
        var clock = Import(December7);

        var (code, events, summary) = Run(clock, "run", "--store", Store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("\"occurrence\":\"due:2026-12-09:ahead\"", events, StringComparison.Ordinal);
        Assert.Contains("注意：1 项任务用到尚未加载节假日安排的2027年", summary, StringComparison.Ordinal);
        Assert.Contains($"fgw/{Task}：计划暂排（完成时限 2027-06-30）", summary, StringComparison.Ordinal);
        Assert.Contains("补录办法：在 calendar（日历调整）表中加一行", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StopsLoudlyInChinese_WhenTodaysYearHasNoCalendar()
    {
        var clock = Import(January4);

        var (code, events, summary) = Run(clock, "run", "--store", Store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Equal("", events);
        Assert.Contains("运行已停止：2027年没有节假日安排（已加载：2019–2026年）", summary, StringComparison.Ordinal);
        Assert.Contains("calendar.csv", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_KeepsTheRunsStopProblemOpen_WhenTodaysYearHasNoCalendar()
    {
        var clock = Import(January4);
        Assert.Equal(Cli.DataError, Run(clock, "run", "--store", Store, "--outbox", _files["outbox"]).Code);

        clock.AdvanceHours(1);
        var (code, stdout, _) = Run(clock, "check", "--store", Store);
        var stop = Assert.Single(await new ProblemLog(SqliteTables.Open(Store, clock)).Of(ProblemLog.ConfigScope));

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("表「calendar」（日历调整）/ 行「2027」：字段「Year」：今天（2027-01-04）所在的2027年没有节假日安排", stdout, StringComparison.Ordinal);
        Assert.True(stop.Open);
    }

    public void Dispose() => _files.Dispose();

    private FakeClock Import(Instant at)
    {
        var clock = new FakeClock(at, Duration.FromMilliseconds(1));
        var (code, stdout, _) = Run(clock, "import", _files["city"], "--store", Store);
        Assert.True(code == Cli.Ok, stdout);
        Assert.DoesNotContain("Rejected rows", stdout, StringComparison.Ordinal);
        return clock;
    }

    private async Task<ProblemRecord> TaskProblem()
    {
        var problems = await new ProblemLog(SqliteTables.Open(Store, new FakeClock(December7))).Of("fgw");
        return Assert.Single(problems, p => p.Problem is { Table: "tasks", Key: Task, Field: "Deadline" });
    }

    private static (int Code, string Stdout, string Stderr) Run(IClock clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, clock);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
