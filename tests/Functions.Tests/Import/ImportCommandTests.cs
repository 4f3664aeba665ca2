using Escalation.Functions.Commands;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary><c>import PATH</c> on the command line, into the embedded store.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFolder _files = new();

    [Fact]
    public void Import_ExitsOkWithASummary_WhenTheSamplesAreImported()
    {
        var store = _files["store"];

        var (code, stdout, stderr) = Run("import", Repo.Samples, "--store", store);

        Assert.Equal(Cli.Ok, code);
        Assert.Equal("", stderr);
        Assert.Contains("1,920 rows in", stdout, StringComparison.Ordinal);
        Assert.Contains(" rows/s).", stdout, StringComparison.Ordinal);
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("progress", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SequenceEqual(["1698", "1698", "1698", "0", "0", "0"]));
        Assert.DoesNotContain("Rejected rows", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(store, "tables.db")));
    }

    [Fact]
    public void Import_ExitsOkListingRejectedRowsAndWarnings_WhenSomeRowsAreBroken()
    {
        var (code, stdout, _) = Run("import", Repo.Broken, "--store", _files["store"]);

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("Rejected rows (10); fix them and import again:", stdout, StringComparison.Ordinal);
        Assert.Contains("  templates.csv line 6: 表「templates」/ 行「lag-notice」：字段「Subject」=「", stdout, StringComparison.Ordinal);
        Assert.Contains("Imported with warnings (2)", stdout, StringComparison.Ordinal);
        Assert.Contains("  people.csv line 3: 表「people」/ 行「fgw-li」：字段「Mobile」=「12345」：不是有效的手机号码", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenTheOnlyFileIsEntirelyBroken()
    {
        _files.Write("in/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner",
            "rsj-2026-01,rsj,新增城镇就业2万人,民生实事,2026-01-05,2026-12-31,fgw-chen");

        var (code, stdout, _) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("tasks.csv line 2: 表「tasks」/ 行「rsj-2026-01」：字段「Unit」=「rsj」", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenTheOnlyFileLacksARequiredColumn()
    {
        _files.Write("in/units.csv", bom: false, "Id,Principal", "fgw,fgw-zhang");

        var (code, stdout, _) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("Note: units.csv: required column(s) missing: Name (单位名称); the file is not imported", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataErrorNamingTheProblem_WhenTheFolderHoldsNoTableFile()
    {
        _files.Write("in/notes.csv", bom: false, "a,b", "1,2");

        var (code, stdout, stderr) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Equal("", stdout);
        Assert.Contains("notes.csv: ignored", stderr, StringComparison.Ordinal);
        Assert.Contains("no table files found", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_files["store"]));
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenThePathDoesNotExist()
    {
        var (code, _, stderr) = Run("import", _files["nowhere"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("no such folder or file", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "--store", "x")]
    public void Import_ExitsWithUsageError_WhenNoPathIsGiven(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains("import needs a folder of CSV files or an .xlsx workbook", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, FakeClock.FromUtc(2026, 6, 1));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
