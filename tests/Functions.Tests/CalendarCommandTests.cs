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
        Assert.Contains("no holiday arrangement for 2027", stderr, StringComparison.Ordinal);
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
        Assert.Equal(8, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
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
