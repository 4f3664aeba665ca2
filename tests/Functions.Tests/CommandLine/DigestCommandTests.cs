using System.Text.RegularExpressions;
using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>
/// <c>digest --week / --month</c> over the shipped samples, imported into a fresh store. Clocks are Asia/Shanghai mornings:
/// <code>
///   2026 May–June    Mo Tu We Th Fr Sa Su
///   W22              25 26 27 28 29 30 31
///   W23               1  2  3  4  5  6  7     06-01 is W23's issue day
///   W24               8  9 10 11 12 13 14
///   July              1 (We) June closed: its notice may be issued; the timer would wait up to 07-14
/// </code>
/// </summary>
public sealed partial class DigestCommandTests : IDisposable
{
    private readonly TempFolder _files = new();

    [Fact]
    public void Week_IsIssuedOnItsIssueDay_ThenNeverSentAgain_AndTheCopiesArePrintedWithTheirOutboxFiles()
    {
        var store = Import();
        var clock = Morning(2026, 6, 1);

        var (code, output, errors) = Run(clock, "digest", "--week", "2026-W23", "--store", store, "--outbox", _files["outbox"]);
        var files = Directory.GetFiles(_files["outbox/email"]);
        var written = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        clock.AdvanceDays(1);
        var (againCode, again, _) = Run(clock, "digest", "--week", "2026-W23", "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", errors);
        Assert.Matches(@"^已发出 2026年第23周督查清单（按 2026-06-01 的情况编制，本地存储 .+）：共 (\d+) 份，已发送 \1，未发送 0，失败 0，待发送 0。", output);
        Assert.Contains("市政府督查室（dcs-office）全文，已发送：" + _files["outbox/email"], output, StringComparison.Ordinal);
        Assert.Contains("「", output, StringComparison.Ordinal); // the units' parts
        var printed = OutboxPath().Matches(output).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), printed.Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.StartsWith("week_2026-W23_Email_", Path.GetFileName(f), StringComparison.Ordinal));

        Assert.Equal(Cli.Ok, againCode);
        Assert.StartsWith($"2026年第23周督查清单已于 2026-06-01 发出（按 2026-06-01 的情况编制），这次不再发送。共 {files.Length} 份：", again, StringComparison.Ordinal);
        Assert.Equal(printed.Order(StringComparer.Ordinal), OutboxPath().Matches(again).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.Equal(written, Directory.GetFiles(_files["outbox/email"]).ToDictionary(f => f, File.GetLastWriteTimeUtc));
    }

    [Fact]
    public void Month_IsIssuedOnceItHasClosed_WithoutWaitingForTheData()
    {
        var store = Import();

        var (code, output, errors) = Run(Morning(2026, 7, 1), "digest", "--month", "2026-06", "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", errors);
        Assert.Matches(@"^已发出 2026年6月督查通报（按 2026-07-01 的情况编制，本地存储 .+）：共 (\d+) 份，已发送 \1，", output);
        Assert.DoesNotContain("部分", output, StringComparison.Ordinal); // the monthly notice goes whole to everyone
        Assert.NotEmpty(OutboxPath().Matches(output));
        Assert.All(Directory.GetFiles(_files["outbox/email"]), f => Assert.StartsWith("month_2026-06_Email_", Path.GetFileName(f), StringComparison.Ordinal));
    }

    [Fact]
    public void PastWeek_IsCompiledAsOfItsIssueDay_NotAsOfTheDayItIsCaughtUp()
    {
        var store = Import();

        var (code, output, _) = Run(Morning(2026, 6, 10), "digest", "--week", "2026-W22", "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.Ok, code);
        Assert.StartsWith("已发出 2026年第22周督查清单（按 2026-05-25 的情况编制，", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 6, 1, "--week", "2026-W24", "2026-06-08")]
    [InlineData(2026, 6, 15, "--month", "2026-06", "2026-07-01")]
    public void NotDueYet_IsADataError_SayingWhenItWillBe_AndSendsNothing(int year, int month, int day, string option, string value, string due)
    {
        var store = Import();

        var (code, output, errors) = Run(Morning(year, month, day), "digest", option, value, "--store", store, "--outbox", _files["outbox"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Equal("", output);
        Assert.Contains("尚未到期", errors, StringComparison.Ordinal);
        Assert.Contains(due, errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_files["outbox/email"]));
    }

    [Theory]
    [InlineData("--week", "2026-23", "YYYY-Www")]
    [InlineData("--week", "2026-06", "YYYY-Www")]
    [InlineData("--week", "2026-W54", "YYYY-Www")]
    [InlineData("--month", "2026-6", "YYYY-MM")]
    [InlineData("--month", "2026-W23", "YYYY-MM")]
    public void BadPeriod_IsAUsageError_NamingTheValueAndTheRightForm(string option, string value, string form)
    {
        var (code, output, errors) = Run(Morning(2026, 6, 1), "digest", option, value, "--store", _files["never-opened"]);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains($"{option} '{value}'", errors, StringComparison.Ordinal);
        Assert.Contains(form, errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--week", "2026-W23", "--month", "2026-06")]
    public void NeitherOrBoth_IsAUsageError(params string[] periods)
    {
        var (code, _, errors) = Run(Morning(2026, 6, 1), ["digest", .. periods, "--store", _files["never-opened"]]);

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("digest 需要 --week 或 --month 二者之一", errors, StringComparison.Ordinal);
    }

    /// <summary>An outbox that cannot be written: no copy is sent, so the command says so in Chinese and fails.</summary>
    [Fact]
    public void Digest_WhoseCopiesAllFail_ExitsNonZero_AndSaysWhyInChinese()
    {
        var store = _files["store"];
        var import = Run(new FakeClock(Instant.FromUtc(2026, 5, 20, 1, 0)), "import", Repo.Samples, "--store", store);
        Assert.True(import.Code == Cli.Ok, import.Stderr);
        File.WriteAllText(_files["outbox-file"], "not a folder");

        var (code, output, errors) = Run(new FakeClock(Instant.FromUtc(2026, 6, 1, 1, 0), Duration.FromMilliseconds(1)),
            "digest", "--week", "2026-W23", "--store", store, "--outbox", _files["outbox-file"]);

        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal); // no stack trace
        Assert.Equal(Cli.DataError, code);
        Assert.Matches(@"^未发完 2026年第23周督查清单（.+）：(\d+) 份没有发出（失败 0，待发送 \1）。原因：发件箱无法写入 ", output);
        Assert.Contains("是可写的文件夹（不是文件）", output, StringComparison.Ordinal);
        Assert.DoesNotMatch("^已发出", output);
    }

    public void Dispose() => _files.Dispose();

    /// <summary>09:00 in Asia/Shanghai (01:00 UTC) on the day given.</summary>
    private static FakeClock Morning(int year, int month, int day) => new(Instant.FromUtc(year, month, day, 1, 0), Duration.FromMilliseconds(1));

    private string Import()
    {
        var store = _files["store"];
        var (code, _, errors) = Run(Morning(2026, 5, 20), "import", Repo.Samples, "--store", store);
        Assert.True(code == Cli.Ok, errors);
        return store;
    }

    private static (int Code, string Stdout, string Stderr) Run(IClock clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, clock);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [GeneratedRegex(@"，已发送：(\S+\.eml)$", RegexOptions.Multiline)]
    private static partial Regex OutboxPath();
}
