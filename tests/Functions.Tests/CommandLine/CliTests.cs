using Escalation.Domain.Problems;
using Escalation.Functions.Commands;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>The command line as an admin meets it: Chinese help on every command, unknown names refused with a hint.</summary>
public class CliTests
{
    public static TheoryData<string> AdminCommands() => ["demo", "run", "preview", "simulate", "import", "check", "export", "digest", "calendar", "rules", "serve"];

    [Theory]
    [MemberData(nameof(AdminCommands))]
    public void Help_PrintsChineseUsage_ForEveryCommand(string command)
    {
        var (code, stdout, stderr) = Run(command, "--help");

        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.StartsWith($"用法：dotnet run --project src/Functions -- {command}", stdout, StringComparison.Ordinal);
        Assert.Contains("选项：", stdout, StringComparison.Ordinal);
        Assert.Contains("-h, --help", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsExportsOptions_InsteadOfAskingForAValue()
    {
        var (code, stdout, _) = Run("export", "--help");

        Assert.Equal(Cli.Ok, code);
        Assert.DoesNotContain("needs a value", stdout, StringComparison.Ordinal);
        Assert.Contains("--month <YYYY-MM>", stdout, StringComparison.Ordinal);
        Assert.Contains("--unit <单位>", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_PrintsTheOverview_WithEveryCommand(string help)
    {
        var (code, stdout, _) = Run(help);

        Assert.Equal(Cli.Ok, code);
        foreach (var command in AdminCommands())
        {
            Assert.Contains($"\n  {command}", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_ForOneCommand_WhenAskedAsHelpCommand()
    {
        var (code, stdout, _) = Run("help", "calendar");

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("--year <YYYY>", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_AlignsDescriptions_ByDisplayWidth()
    {
        var (_, stdout, _) = Run("export", "--help");

        var columns = stdout.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "^(  -.*?\\S)( {2,})\\S"))
            .Where(m => m.Success)
            .Select(m => Help.Width(m.Groups[1].Value + m.Groups[2].Value))
            .ToList();

        Assert.Equal(10, columns.Count); // nine options and --help
        Assert.Single(columns.Distinct());
    }

    [Fact]
    public void UnknownOption_IsUsageError_WithTheClosestOption()
    {
        var store = Store();

        var (code, stdout, stderr) = Run("export", "log", "--unti", "fgw", "--month", "2026-06", "--store", store);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains("没有“--unti”这个选项，是不是想输入“--unit”？", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("“fgw”", stderr, StringComparison.Ordinal);
        Assert.Contains("export --help", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_IsUsageError_WithTheClosestCommand()
    {
        var (code, _, stderr) = Run("improt", "samples");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("没有“improt”这个命令，是不是想输入“import”？", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_HasNoHint_WhenNothingIsClose()
    {
        var (code, _, stderr) = Run("xyzzy");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("没有“xyzzy”这个命令。", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOptionValue_IsUsageError_InChinese()
    {
        var (code, _, stderr) = Run("calendar", "--year");

        Assert.Equal(Cli.UsageError, code);
        Assert.Contains("错误：", stderr, StringComparison.Ordinal);
        Assert.Contains("--year", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    [InlineData("export", "log", "--month", "2026-06")]
    public void StoreThatDoesNotExist_IsAnError_AndIsNotCreated(params string[] command)
    {
        var missing = Path.Combine(Path.GetTempPath(), "escalation-missing-" + Guid.NewGuid().ToString("N"));

        var (code, stdout, stderr) = Run([.. command, "--store", missing]);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains($"本地存储 {missing} 不存在", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Import_CreatesTheStore_WhenItDoesNotExist()
    {
        var store = Path.Combine(Path.GetTempPath(), "escalation-new-" + Guid.NewGuid().ToString("N"));

        var (code, _, _) = Run("import", Repo.Samples, "--store", store);

        Assert.Equal(Cli.Ok, code);
        Assert.True(File.Exists(Path.Combine(store, "tables.db")));
    }

    [Theory]
    [InlineData("import", "impotr")]
    [InlineData("--store", "--stroe")]
    [InlineData("--connection", "--conection")]
    [InlineData("run", "nur")]
    public void Suggestion_FindsTheIntendedName_ForCommonTypos(string intended, string typed)
    {
        var names = new[] { "import", "export", "run", "rules", "--store", "--connection", "--month", "--unit" };

        Assert.Equal(intended, Suggestion.Closest(typed, names));
    }

    private static string Store()
    {
        var store = Path.Combine(Path.GetTempPath(), "escalation-cli-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, FakeClock.FromUtc(2026, 6, 1)));
        return store;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, FakeClock.FromUtc(2026, 6, 1));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
