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
        Assert.Contains("共读取 2,728 行，用时", stdout, StringComparison.Ordinal);
        Assert.Contains(" 行）。", stdout, StringComparison.Ordinal);
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("progress", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SequenceEqual(["1,698", "1,698", "1,698", "0", "0", "0"]));
        Assert.DoesNotContain("被拒绝的行", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(store, "tables.db")));
    }

    [Fact]
    public void Import_ExitsOkListingRejectedRowsAndWarnings_WhenSomeRowsAreBroken()
    {
        var (code, stdout, _) = Run("import", Repo.Broken, "--store", _files["store"]);

        Assert.Equal(Cli.Ok, code);
        Assert.Contains("被拒绝的行（10 条问题，这些行未导入；请修改后重新导入）：", stdout, StringComparison.Ordinal);
        Assert.Contains("  templates.csv 第 6 行｜列：Subject｜值：“【督查通报】", stdout, StringComparison.Ordinal);
        Assert.Contains("已导入，但请留意（2 条）", stdout, StringComparison.Ordinal);
        Assert.Contains("  people.csv 第 3 行｜列：Mobile｜值：“12345”｜原因：不是有效的手机号码", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenTheOnlyFileIsEntirelyBroken()
    {
        _files.Write("in/tasks.csv", bom: false,
            "Id,Unit,Title,Kind,Start,Deadline,Owner",
            "rsj-2026-01,rsj,新增城镇就业2万人,民生实事,2026-01-05,2026-12-31,fgw-chen");

        var (code, stdout, _) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("tasks.csv 第 2 行｜列：Unit｜值：“rsj”", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenTheOnlyFileLacksARequiredColumn()
    {
        _files.Write("in/units.csv", bom: false, "Id,Principal", "fgw,fgw-zhang");

        var (code, stdout, _) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("说明：units.csv：缺少必填列 Name（单位名称）；整个文件未导入", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_ExitsWithDataErrorNamingTheProblem_WhenTheFolderHoldsNoTableFile()
    {
        _files.Write("in/notes.csv", bom: false, "a,b", "1,2");

        var (code, stdout, stderr) = Run("import", _files["in"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Equal("", stdout);
        Assert.Contains("notes.csv：已忽略", stderr, StringComparison.Ordinal);
        Assert.Contains("没有找到任何表的 CSV 文件", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_files["store"]));
    }

    [Fact]
    public void Import_ExitsWithDataError_WhenThePathDoesNotExist()
    {
        var (code, _, stderr) = Run("import", _files["nowhere"], "--store", _files["store"]);

        Assert.Equal(Cli.DataError, code);
        Assert.Contains("没有这个文件夹或文件", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "--store", "x")]
    public void Import_ExitsWithUsageError_WhenNoPathIsGiven(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(Cli.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains("import 需要一个放 CSV 文件的文件夹或一个 .xlsx 工作簿", stderr, StringComparison.Ordinal);
    }

    public static TheoryData<string> BrokenWorkbooks => ["csv-renamed", "truncated", "zip-not-workbook"];

    [Theory]
    [MemberData(nameof(BrokenWorkbooks))]
    public void Import_ExitsWithOneChineseErrorAndWritesNothing_WhenTheWorkbookIsBroken(string kind)
    {
        var workbook = Path.Combine(_files["in"], "清单.xlsx");
        Directory.CreateDirectory(_files["in"]);
        switch (kind)
        {
            case "csv-renamed":
                File.Copy(Path.Combine(Repo.Samples, "units.csv"), workbook);
                break;
            case "truncated":
                var whole = Path.Combine(_files["in"], "whole.xlsx");
                MiniExcelLibs.MiniExcel.SaveAs(whole, new Dictionary<string, object>
                {
                    ["units"] = new[] { new Dictionary<string, object> { ["Id"] = "fgw", ["Name"] = "市发展改革委" } },
                });
                var bytes = File.ReadAllBytes(whole);
                File.WriteAllBytes(workbook, bytes[..(bytes.Length / 2)]);
                File.Delete(whole);
                break;
            default:
                using (var zip = System.IO.Compression.ZipFile.Open(workbook, System.IO.Compression.ZipArchiveMode.Create))
                {
                    using var entry = new StreamWriter(zip.CreateEntry("readme.txt").Open());
                    entry.Write("not a workbook");
                }

                break;
        }

        var (code, stdout, stderr) = Run("import", workbook, "--store", _files["store"]);

        var output = stdout + stderr;
        Assert.Equal(Cli.DataError, code);
        Assert.Contains("清单.xlsx", output, StringComparison.Ordinal);
        Assert.Contains("没有写入任何数据", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.Equal(0, StoredUnits(_files["store"]));
    }

    private static int StoredUnits(string store)
    {
        if (!File.Exists(Path.Combine(store, "tables.db")))
        {
            return 0;
        }

        var tables = Escalation.Functions.Storage.SqliteTables.Open(store, FakeClock.FromUtc(2026, 6, 1));
        return new Escalation.Functions.Storage.AdminStore(tables).ReadAll().GetAwaiter().GetResult().Units.Count;
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
