using System.Globalization;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary><c>import PATH</c>: a folder of CSV files or an .xlsx workbook into the configured store.</summary>
internal static class ImportCommand
{
    /// <summary>Inputs at least this large show their progress on stderr even when it is not a terminal.</summary>
    private const long LargeInputBytes = 4 * 1024 * 1024;

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (options.Positional is not { } path)
        {
            stderr.WriteLine("import 需要一个放 CSV 文件的文件夹或一个 .xlsx 工作簿：import samples [--store DIR | --connection STRING]");
            return Cli.UsageError;
        }

        var progress = ProgressLine.ForInput(path, LargeInputBytes, stderr);
        var input = ImportSource.Read(path, progress is null ? null : rows => progress.Show(string.Create(CultureInfo.InvariantCulture, $"已读取 {rows:N0} 行…")));
        if (input.NothingFound)
        {
            progress?.Done();
            foreach (var note in input.Notes)
            {
                stderr.WriteLine(note);
            }

            return Cli.DataError;
        }

        var (tables, error) = StoreSettings.OpenOrCreate(options, setting, clock);
        if (tables is null)
        {
            progress?.Done();
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var importer = new Importer(tables, clock, settings.Zone);
        var report = importer.Import(input, progress is null ? null : progress.Show).GetAwaiter().GetResult();
        progress?.Done();
        Print(report, path, tables.Describe, stdout);
        return report.Faults.Count == 0 && report.Accepted > 0 ? Cli.Ok : Cli.DataError;
    }

    private static void Print(ImportReport report, string path, string store, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        if (report.Faults.Count > 0)
        {
            stdout.WriteLine(string.Create(c, $"无法导入 {path}：有 {report.Faults.Count} 个文件无法读取，本次没有写入任何数据（{store}）。"));
            foreach (var fault in report.Faults)
            {
                stdout.WriteLine($"  {fault.File}：{fault.Reason}");
            }

            stdout.WriteLine("修改这些文件后重新导入即可。");
            PrintNotes(report, stdout);
            return;
        }

        stdout.WriteLine(string.Create(c, $"已将 {path} 导入 {store}：共读取 {report.Read:N0} 行，用时 {report.Elapsed.TotalSeconds:0.00} 秒（每秒 {report.RowsPerSecond:N0} 行）。"));
        stdout.WriteLine(Row(c, "表", "读取", "导入", "新增", "更新", "未变", "拒绝"));
        foreach (var t in report.Tables.Where(t => t.Read > 0))
        {
            stdout.WriteLine(Row(c, t.Table, t.Read, t.Accepted, t.Written.Added, t.Written.Updated, t.Written.Unchanged, t.Rejected));
        }

        if (report.Rejected.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine(string.Create(c, $"被拒绝的行（{report.Rejected.Count} 条问题，这些行未导入；请修改后重新导入）："));
            foreach (var r in report.Rejected)
            {
                stdout.WriteLine(Line(r));
            }
        }

        if (report.Warnings.Count > 0)
        {
            stdout.WriteLine();
            stdout.WriteLine(string.Create(c, $"已导入，但请留意（{report.Warnings.Count} 条）：有问题的字段在修改前不会被使用；按名称找到的编号已替换名称："));
            foreach (var w in report.Warnings)
            {
                stdout.WriteLine(Line(w));
            }
        }

        PrintNotes(report, stdout);
    }

    private static void PrintNotes(ImportReport report, TextWriter stdout)
    {
        if (report.Notes.Count > 0)
        {
            stdout.WriteLine();
            foreach (var note in report.Notes)
            {
                stdout.WriteLine($"说明：{note}");
            }
        }
    }

    /// <summary>文件 行 列 值 原因（含如何修改）.</summary>
    /// <summary>A rejected or warned row as admins read it: file and line, the column as they headed it, the value, why and how to fix.</summary>
    internal static string Line(RowProblem r) =>
        $"  {r.Location}｜列：{(r.Column.Length == 0 ? "（整行）" : r.Column)}｜值：{(r.Problem.Value is { } v ? $"“{v}”" : "（空）")}｜原因：{r.Problem.Reason}";

    private static string Row(CultureInfo c, string table, params object[] counts)
    {
        var line = Pad(table, 16);
        foreach (var count in counts)
        {
            var text = count is int n ? n.ToString("N0", c) : count.ToString() ?? "";
            line += new string(' ', Math.Max(1, 9 - Help.Width(text))) + text;
        }

        return line;
    }

    private static string Pad(string text, int width) => text + new string(' ', Math.Max(1, width - Help.Width(text)));
}
