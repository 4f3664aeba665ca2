using NodaTime.Testing;
using Escalation.Functions.Commands;

namespace Escalation.Functions.Tests.Web;

/// <summary><c>web --at yyyy-MM-dd</c>: what it refuses before it starts (the browser tests run it over a simulated store).</summary>
public sealed class WebCommandAtTests
{
    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2026-07-31T08:30")]
    [InlineData("明天")]
    public void At_ThatIsNoDate_IsAUsageError_InChinese(string at)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(["web", "--store", Path.Combine(Path.GetTempPath(), "no-such-store-" + Guid.NewGuid().ToString("N")), "--at", at], stdout, stderr, _ => null, FakeClock.FromUtc(2026, 6, 1));

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains($"--at 的值“{at}”不是日期，应写成 yyyy-MM-dd", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public void Help_OfWeb_ListsAt()
    {
        using var stdout = new StringWriter();

        Assert.Equal(Cli.Ok, Cli.Run(["web", "--help"], stdout, TextWriter.Null, _ => null, FakeClock.FromUtc(2026, 6, 1)));

        Assert.Contains("--at", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("2026-07-31", stdout.ToString(), StringComparison.Ordinal);
    }
}
