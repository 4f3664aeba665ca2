using Escalation.Functions.Commands;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>The command line of <c>web</c> and <c>digest</c>: flags that do not apply are usage errors, in Chinese.</summary>
public sealed class WebAndDigestFlagsTests
{
    [Fact]
    public void WebAt_WithAnAzureStore_IsAUsageError_InChinese_BeforeAnythingListens()
    {
        string? Setting(string key) => key == StoreSettings.ConnectionStringKey ? "UseDevelopmentStorage=true" : null;
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(["web", "--at", "2026-07-31", "--port", "1"], stdout, stderr, Setting, new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30)));

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("--at 只用于本地嵌入式存储", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("web", "--connection", "UseDevelopmentStorage=true")]
    [InlineData("digest", "--week", "2026-W23", "--weak", "x")]
    [InlineData("web", "--store", ".", "--lock-wait", "5")]
    public void UnknownFlags_AreUsageErrors(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = Cli.Run(args, stdout, stderr, _ => null, new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30)));

        Assert.Equal(Cli.UsageError, code);
        Assert.NotEqual("", stderr.ToString());
    }
}
