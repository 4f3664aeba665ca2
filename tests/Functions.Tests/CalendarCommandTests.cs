using Escalation.Functions.Commands;

namespace Escalation.Functions.Tests;

public class CalendarCommandTests
{
    [Fact]
    public void Calendar_PrintsEveryDateOf2024_WithStatusAndHolidayName()
    {
        var (code, stdout, stderr) = Run("calendar", "--year", "2024");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Equal(366, lines.Length);
        Assert.Equal("2024-01-01\tO\t元旦", lines[0]);
        Assert.Equal("2024-01-02\tW", lines[1]);
        Assert.Contains("2024-02-04\tW\t春节", lines);   // Sunday make-up working day
        Assert.Contains("2024-02-10\tO\t春节", lines);
        Assert.Contains("2024-10-13\tO", lines);       // ordinary Sunday: no name
        Assert.Equal("2024-12-31\tW", lines[^1]);
        Assert.Equal(251, lines.Count(l => l.Split('\t')[1] == "W"));
    }

    [Fact]
    public void Calendar_FailsClearly_For2027()
    {
        var (code, stdout, stderr) = Run("calendar", "--year", "2027");

        Assert.Equal(Cli.DataError, code);
        Assert.Equal("", stdout);
        Assert.Contains("工作日历中没有2027年的节假日安排", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Calendar_ShowsAYearLoadedIntoTheStore_WhenAStoreIsGiven()
    {
        var folder = Path.Combine(Path.GetTempPath(), "escalation-cal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "in"));
        File.WriteAllText(Path.Combine(folder, "in", "calendar.csv"), "日期,类型,名称\n2027,全年,国务院办公厅关于2027年部分节假日安排的通知\n2027-01-01,休,元旦\n");
        var store = Path.Combine(folder, "store");
        Assert.Equal(Cli.Ok, Run("import", Path.Combine(folder, "in"), "--store", store).Code);

        var (shipped, _, shippedError) = Run("calendar", "--year", "2027");
        var (code, stdout, stderr) = Run("calendar", "--year", "2027", "--store", store);

        Assert.Equal(Cli.DataError, shipped);
        Assert.Contains("加 --store 可连同 calendar 表中补录的年份一起显示", shippedError, StringComparison.Ordinal);
        Assert.Equal((Cli.Ok, ""), (code, stderr));
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(365, lines.Length);
        Assert.Equal("2027-01-01\tO\t元旦", lines[0]);
        Assert.Equal("2027-01-04\tW", lines[3]);
    }

    [Theory]
    [InlineData("calendar")]
    [InlineData("calendar", "--year")]
    [InlineData("calendar", "--year", "twenty")]
    [InlineData("nonsense")]
    public void Cli_ReturnsUsageError_ForBadArguments(params string[] args)
    {
        var (code, _, stderr) = Run(args);

        Assert.Equal(Cli.UsageError, code);
        Assert.NotEqual("", stderr);
    }

    [Fact]
    public void Calendar_RejectsUnknownTimeZoneSetting_NamingIt()
    {
        var (code, _, stderr) = Run(name => name == Settings.TimeZoneKey ? "Mars/Olympus" : null, "calendar", "--year", "2024");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("Escalation__TimeZone", stderr, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_PrintsTheShippedLadder_WithoutProblems()
    {
        var (code, stdout, stderr) = Run("rules");

        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(17, lines.Length); // the header, R1–R11, and R12–R16 (the closed loop's R12–R14 and R16, the unsigned chase R15)
        Assert.Equal("R14\t问责建议\t已销号的整改被认定为虚假整改\t督查室\t包保领导\t邮件\tfalse-rectification\t一次\t\t虚假整改问责建议", lines[14]);
        Assert.StartsWith("R10\t提醒\t进展报送截止当天仍未报送（下午扫描）\t具体责任人", lines[10], StringComparison.Ordinal);
        Assert.Equal("R11\t问责建议\t要求的说明或整改逾期10个工作日仍未交\t督查室\t包保领导\t邮件\taccountability\t一次\t\t说明整改逾期问责建议", lines[11]);
        Assert.StartsWith("R8\t通报\t", lines[8], StringComparison.Ordinal);
        Assert.Equal("R15\t提醒\t通报、约谈通知送达后1个工作日仍未签收\t主要负责人\t\t邮件、短信\tunsigned\t一次\t\t通报约谈未签收提醒", lines[15]);
        Assert.Contains("\t15天内限期整改（遇休息日顺延）\t", lines[3], StringComparison.Ordinal);
        Assert.Equal("编号\t级别\t触发条件\t发送给\t抄送\t渠道\t模板\t重复\t要求\t名称", lines[0]);
        Assert.StartsWith("R6\t约谈\t连续 3 个月及以上落后\t主要负责人、分管负责同志\t包保领导、督查室\t邮件、短信", lines[6], StringComparison.Ordinal);
        Assert.Contains("\t5个工作日内书面说明\t", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("R1\t提醒\t时间节点或截止日期前3个工作日未达目标\t", lines[1], StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => Run(_ => null, args);

    private static (int Code, string Stdout, string Stderr) Run(Func<string, string?> setting, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, setting, NodaTime.Testing.FakeClock.FromUtc(2026, 6, 1));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
