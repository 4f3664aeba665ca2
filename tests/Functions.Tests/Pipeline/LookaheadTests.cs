using System.Text.RegularExpressions;
using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Import;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// <c>run --dry-run</c> and <c>preview</c> on the samples, imported on Monday 2026-06-01 10:00 Shanghai (a working day,
/// inside the sending window; May closed on Sunday 05-31, judged on 06-01, acted on from 06-02): they say what would be
/// sent, and the store is row for row what it was, with no outbox.
/// </summary>
public sealed partial class LookaheadTests : IDisposable
{
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly TempFolder _files = new();
    private readonly FakeClock _clock = new(MondayMorning, Duration.FromMilliseconds(1));

    [Fact]
    public void RunDryRun_ChangesNoRowAndSendsNothing_AndListsExactlyWhatTheRunThenLogs()
    {
        var (store, outbox) = Imported();
        var before = Rows(store);

        var (code, dryRun, errors) = Cli(["run", "--dry-run", "true", "--store", store, "--outbox", outbox]);
        var after = Rows(store);
        var outboxAfter = Directory.Exists(outbox);
        var (runCode, logged, _) = Cli(["run", "--store", store, "--outbox", outbox]);

        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        Assert.Equal(before, after);
        Assert.False(outboxAfter, "the dry run wrote an outbox");
        Assert.Equal(Commands.Cli.Ok, runCode);
        var runIds = EventIds().Matches(logged).Select(m => m.Groups["id"].Value).Order(StringComparer.Ordinal).ToList();
        var dryIds = Listed().Matches(dryRun).Select(m => m.Groups["id"].Value).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(runIds);
        Assert.Equal(runIds, dryIds);
        Assert.StartsWith($"试运行：2026年6月1日的运行将新记录并发送 {runIds.Count} 条督办事件", dryRun, StringComparison.Ordinal);
        Assert.Contains("送达：具体责任人 ", dryRun, StringComparison.Ordinal);
        Assert.Matches(@"邮件 \w{1,2}\*\*\*@", dryRun);
        Assert.Contains("发送：立即发送", dryRun, StringComparison.Ordinal);

        // The merged messages it announces are the messages the run then sends.
        var emails = Directory.GetFiles(Path.Combine(outbox, Escalation.Functions.Sending.OutboxEmailSender.Folder), "*.eml").Length;
        var sms = File.ReadAllLines(Path.Combine(outbox, Escalation.Functions.Sending.OutboxSmsSender.FileName)).Count(l => l.Length > 0);
        Assert.Contains($"上述事件将发出邮件 {emails} 条、短信 {sms} 条", dryRun, StringComparison.Ordinal);
    }

    [Fact]
    public void RunDryRun_FailsAndCreatesNothing_WhenTheStoreDoesNotExist()
    {
        var missing = _files["no-such-store"];

        var (code, output, errors) = Cli(["run", "--dry-run", "true", "--store", missing]);

        Assert.Equal((Commands.Cli.UsageError, ""), (code, output));
        Assert.Contains("不存在", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Preview_ListsTheSummonsOfTheComingDayWithItsReasons_AndChangesNoRow()
    {
        // jtj-2026-04 lags since March (the samples count streaks from GoLive 2026-01-01): May is its third month.
        var (store, _) = Imported();
        var before = Rows(store);

        var (code, output, errors) = Preview(["--task", "jtj-2026-04", "--days", "30", "--store", store]);

        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        Assert.Equal(before, Rows(store));
        Assert.StartsWith("任务 jtj-2026-04 ", output, StringComparison.Ordinal);
        Assert.Contains("2026年6月1日至2026年6月30日", output, StringComparison.Ordinal);
        Assert.Contains("连续落后从2026年1月5日起计（按上线日期 GoLive 2026年1月1日", output, StringComparison.Ordinal);
        Assert.Contains("2026-06-02 【约谈】进度滞后 · 规则 R6「连续三月落后约谈」", output, StringComparison.Ordinal);
        Assert.Contains("连续落后期数 3期（截至2026年5月）", output, StringComparison.Ordinal);
        Assert.Contains("抄送：包保领导 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_SuggestsTheClosestTaskIds_WhenTheTaskIdIsUnknown()
    {
        var (store, _) = Imported();

        var (code, output, errors) = Preview(["--task", "jtj-2026-4", "--store", store]);

        Assert.Equal((Commands.Cli.DataError, ""), (code, output));
        Assert.StartsWith("没有编号为“jtj-2026-4”的任务。您是否要找：jtj-2026-04", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_RefusesTheDays_WhenTheyAreNotADayCount()
    {
        var (code, _, errors) = Preview(["--task", "jtj-2026-04", "--days", "0", "--store", _files["store"]]);

        Assert.Equal(Commands.Cli.UsageError, code);
        Assert.Contains("--days 的值“0”无效", errors, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private (string Store, string Outbox) Imported()
    {
        var store = _files["store"];
        Assert.Equal(Commands.Cli.Ok, Commands.Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, _clock));
        return (store, _files["outbox"]);
    }

    private (int Code, string Stdout, string Stderr) Cli(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Commands.Cli.Run(args, stdout, stderr, _ => null, _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private (int Code, string Stdout, string Stderr) Preview(string[] args) => Cli(["preview", .. args]);

    /// <summary>Every row of every table, with its ETag and timestamp: equal only if nothing was written.</summary>
    private static List<string> Rows(string store)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(store, "tables.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tbl, pk, rk, props, etag, ts FROM entities ORDER BY tbl, pk, rk;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, 6).Select(reader.GetString)));
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    [GeneratedRegex("\"eventId\":\"(?<id>ev-[0-9a-f]{32})\"")]
    private static partial Regex EventIds();

    [GeneratedRegex(@"^\[\d+\] 【.+ · 事件 (?<id>ev-[0-9a-f]{32})$", RegexOptions.Multiline)]
    private static partial Regex Listed();
}
