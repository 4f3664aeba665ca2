using System.Globalization;
using System.Text;

namespace Escalation.Functions.Commands;

/// <summary>
/// The Chinese help of the command line, written from the same declarations the parser uses. Columns are aligned by
/// display width (a Chinese character takes two columns), which System.CommandLine's own help does not do.
/// </summary>
internal static class Help
{
    public const string Invocation = "dotnet run --project src/Functions --";

    public static void Overview(IEnumerable<Cli.CommandHelp> commands, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine("督查督办提醒引擎：每天按倒排工期、报送要求和规则判定提醒、通报、约谈，记入督办记录，并在工作日的发送时段内发送。");
        w.WriteLine();
        w.WriteLine($"用法：{Invocation} <命令> [选项]");
        w.WriteLine();
        w.WriteLine("命令：");
        Table(commands.Select(c => (c.Usage, c.Description)).Append(("help [命令]", "显示本帮助，或某个命令的帮助（也可以写 命令 --help）。")), w);
        w.WriteLine();
        w.WriteLine("设置（环境变量）：Escalation__TimeZone 时区（默认 Asia/Shanghai）；Escalation__Tables__ServiceUri 或");
        w.WriteLine("Escalation__Tables__ConnectionString 表存储；Escalation__LocalStore 本地存储文件夹（默认 .local/store）。");
        w.WriteLine("完整的设置表见 README。退出码：0 完成，1 数据有问题，2 用法错误。");
    }

    public static void Of(Cli.CommandHelp command, TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteLine($"用法：{Invocation} {command.Usage}{(command.Options.Count > 0 ? " [选项]" : "")}");
        w.WriteLine();
        w.WriteLine(command.Description);
        if (command.Argument is { } argument)
        {
            w.WriteLine();
            w.WriteLine("参数：");
            Table([argument], w);
        }

        w.WriteLine();
        w.WriteLine("选项：");
        Table(command.Options.Append(("-h, --help", "显示本帮助。")), w);
    }

    private static void Table(IEnumerable<(string Left, string Right)> rows, TextWriter w)
    {
        var list = rows.ToList();
        var width = list.Max(r => Width(r.Left)) + 2;
        foreach (var (left, right) in list)
        {
            w.WriteLine($"  {left}{new string(' ', width - Width(left))}{right}");
        }
    }

    /// <summary>Display columns of a text: East Asian wide and fullwidth characters take two.</summary>
    public static int Width(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var v = rune.Value;
            var wide = v is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
                or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x20000 and <= 0x3FFFD;
            width += wide ? 2 : Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark ? 0 : 1;
        }

        return width;
    }
}
