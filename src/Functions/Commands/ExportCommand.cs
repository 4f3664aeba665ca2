using Escalation.Domain.Items;
using Escalation.Functions.Export;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>export log (--month YYYY-MM | --week YYYY-Www | --from YYYY-MM-DD --to YYYY-MM-DD) [--unit U] --format csv|xlsx [--out FILE]</c>.
/// Everything it prints is for the supervision office, so in Chinese.
/// </summary>
internal static class ExportCommand
{
    private const string Usage = "export log (--month YYYY-MM | --week YYYY-Www | --from YYYY-MM-DD --to YYYY-MM-DD) [--unit 单位编号] [--format csv|xlsx] [--out 文件]";

    public static int Run(Options options, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        if (options.Positional is not "log")
        {
            stderr.WriteLine($"export 导出督办记录（escalation log）：{Usage}");
            return Cli.UsageError;
        }

        var (period, periodError) = ExportPeriod.Parse(options.Get("month"), options.Get("week"), options.Get("from"), options.Get("to"));
        if (period is null)
        {
            stderr.WriteLine(periodError);
            return Cli.UsageError;
        }

        var format = (options.Get("format") ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "xlsx"))
        {
            stderr.WriteLine($"--format 只能是 csv 或 xlsx（收到 '{format}'）。");
            return Cli.UsageError;
        }

        var unitText = options.Get("unit");
        if (unitText is not null && !UnitId.IsValid(unitText))
        {
            stderr.WriteLine($"--unit '{unitText}' 不是有效的单位编号：单位编号即 units 表的 RowKey（如 fgw），不能为空或首尾带空格，不能含 / \\ # ? 或控制字符。");
            return Cli.UsageError;
        }

        UnitId? unit = unitText is null ? null : new UnitId(unitText);
        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var rows = Rows(tables, period.Dates, unit, Settings.From(setting).Zone).GetAwaiter().GetResult();
        var file = Path.GetFullPath(options.Get("out") ?? $"escalation-log-{period.Key}{(unit is { } u ? "-" + u.Value : "")}.{format}");
        if (Path.GetDirectoryName(file) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        // Written aside and moved into place, so that a failure leaves no half-written export under the name asked for.
        var partial = file + ".partial";
        using (var output = File.Create(partial))
        {
            if (format == "csv")
            {
                LogExport.WriteCsv(output, rows);
            }
            else
            {
                LogExport.WriteXlsx(output, $"督办记录{period.Title}", rows);
            }
        }

        File.Move(partial, file, overwrite: true);
        stdout.WriteLine($"已导出 {period.Title}{(unit is { } v ? " 单位 " + v.Value : "")} 的督办记录 {rows.Count} 条：{file}");
        return Cli.Ok;
    }

    private static async Task<List<object?[]>> Rows(IEntityTables tables, DateInterval dates, UnitId? unit, DateTimeZone zone)
    {
        var log = new EscalationLog(tables);
        var ledger = new DeliveryLedger(tables);
        var entries = new List<LogEntry>();
        await foreach (var entry in log.OfDates(dates, unit).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        var rows = new List<object?[]>();
        foreach (var entry in entries.OrderBy(e => e.Event.Date).ThenBy(e => e.Event.Unit.Value, StringComparer.Ordinal))
        {
            rows.Add(LogExport.Row(entry, await ledger.OfEvent(entry.Event.Id).ConfigureAwait(false), zone));
        }

        return rows;
    }
}
