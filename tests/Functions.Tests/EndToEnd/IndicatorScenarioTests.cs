using System.Globalization;
using System.Text.Json;
using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Import;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The indicator scenarios of docs/domain.md Part 2 that span days, end to end through <c>simulate</c>: import, the daily
/// scan's city-wide step (one evaluate request per indicator), the escalation log, the bus, the sending window and the
/// outbox. Scenario folders EndToEnd/Scenarios/indicator-*: each with its own rules (indicator rules only) and templates
/// (so that the wording the tests read is the scenario's, whatever the shipped indicator templates say). 2025 is in the
/// shipped calendar, so the scenarios keep the specification's dates.
/// </summary>
public sealed class IndicatorScenarioTests : IDisposable
{
    private const string Office = "dcs-office";

    private static readonly string[] NoticeColumns = ["类型", "任务编号", "任务名称", "期间", "指标值", "名次", "要求", "要求时限"];

    private readonly TempFolder _temp = new();

    //  2025   Mo Tu We Th Fr Sa Su
    //  Mar    17 18                    Tu 18: 1–2月 published, 3rd of 12 (保四: not lagging)
    //  Apr          16 17              Th 17: 1–3月 published, 6th: lagging once, I1 reminder
    //  May    19 20 21 22 23 24 25     Tu 20: 1–4月 published, 5th: twice, I2 notice, explanation in 5 working days
    //         26 27                    Tu 27: the explanation's due date
    //  Jun    16 17                    Tu 17: 1–5月 published, 7th: three times, I3 summons (no second notice)
    [Fact]
    public void Simulate_IssuesOneNoticeDueFiveWorkingDaysAfterPublication_ThenOneSummons_WhenTheProvincialRankLagsThreePeriodsRunning()
    {
        var run = SimulatedRun.Of(_temp, "indicator-rank-lag", "2025-03-17", "2025-06-30");

        Assert.Equal(
            [("I1", "reminder", "2025-04-17", "ind-lag:fgw/2025-03"), ("I2", "notice", "2025-05-20", "ind-lag:fgw/2025-04"), ("I3", "summons", "2025-06-17", "ind-lag:fgw/2025-05")],
            run.Events.Select(e => (e.RuleId, e.Level, e.Date, e.Occurrence)));
        var notice = Assert.Single(run.Events, e => e.Level == "notice");
        Assert.Equal(("indicator-lagging", "fgw", "ind:gdtz-zs", "固定资产投资增速"), (notice.Kind, notice.UnitId, notice.TaskId, notice.TaskTitle));
        Assert.Equal(("explanation", "2025-05-27"), (notice.Demand, notice.DueBy));
        Assert.Equal([new PrintedRecipient("unit-principal", "fgw-zhao", false), new PrintedRecipient("supervision-office", Office, true)], notice.Recipients);
        var line = Line(run, notice);
        Assert.Equal(("gdtz-zs", "2025-04", "2025年1–4月"), (line.GetProperty("indicatorId").GetString(), line.GetProperty("period").GetString(), line.GetProperty("periodLabel").GetString()));
        Assert.Equal((6.1, 5, 12), (line.GetProperty("value").GetDouble(), line.GetProperty("rank").GetInt32(), line.GetProperty("peerCount").GetInt32()));
        var summons = Assert.Single(run.Events, e => e.Level == "summons");
        Assert.Equal(
            [new PrintedRecipient("unit-principal", "fgw-zhao", false), new PrintedRecipient("deputy-in-charge", "fgw-qian", false), new PrintedRecipient("lead-official", "city-wang", true), new PrintedRecipient("supervision-office", Office, true)],
            summons.Recipients);
        Assert.Null(summons.DueBy);

        var mail = run.Email(notice, "fgw-zhao");
        Assert.Equal("【督查通报】市发改委“固定资产投资增速”连续2期全省排名落后（督办〔2025〕0001号）", mail.Subject);
        Assert.Contains("请于2025年5月27日前报送书面说明", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(Shanghai(2025, 5, 20, 8, 30), mail.Date);
        Assert.True(run.HasEmail(notice, Office), "the office is copied by email");
        var sms = Assert.Single(run.SmsOf(notice));
        Assert.Equal("+8614000000011", sms.To);
        Assert.Equal(["+8614000000001", "+8614000000011", "+8614000000012"], run.SmsOf(summons).Select(s => s.To).Order(StringComparer.Ordinal));

        var export = Export(run, "2025-05");
        var header = export[0].ToList();
        var row = Assert.Single(export.Skip(1));
        Assert.Equal<string>(
            ["指标落后", "ind:gdtz-zs", "固定资产投资增速", "2025年1–4月", "6.1", "全省第5/12位", "情况说明", "2025-05-27"],
            NoticeColumns.Select(h => row[header.IndexOf(h)]));
    }

    //  2025   Mo Tu We Th Fr Sa Su
    //  Mar    10                       W10 published: 己 64 < 65 (provincial average) and last of 7: summons its deputy
    //         17                       W11: 己 64.5, again: the summons moves up to its principal
    //         24                       W12: 己 75, not in the bottom three (戊 67.5, 丁 70.5, 丙 72.5, none below 65): nothing
    //         31                       W13: 己 64 again: the deputy again (W12 broke the run)
    [Fact]
    public void Simulate_SummonsTheDeputyThenOneLevelHigher_AndStartsAgainAtTheDeputy_AfterAWeekThatDoesNotQualify()
    {
        var run = SimulatedRun.Of(_temp, "indicator-bottom-rank", "2025-03-03", "2025-04-04");

        Assert.Equal(
            [("2025-03-10", "ind-bottom:towns/town-ji/2025-W10"), ("2025-03-17", "ind-bottom:towns/town-ji/2025-W11"), ("2025-03-31", "ind-bottom:towns/town-ji/2025-W13")],
            run.Events.Select(e => (e.Date, e.Occurrence)));
        Assert.All(run.Events, e => Assert.Equal(("B1", "summons", "bottom-rank", "town-ji", "ind:zjbf-jd"), (e.RuleId, e.Level, e.Kind, e.UnitId, e.TaskId)));
        Assert.Equal(
            [("deputy-in-charge", "ji-wu"), ("unit-principal", "ji-zhou"), ("deputy-in-charge", "ji-wu")],
            run.Events.Select(e => e.Recipients.Single(r => !r.Copy)).Select(r => (r.Role, r.Person)));
        Assert.All(run.Events, e => Assert.Contains(new PrintedRecipient("supervision-office", Office, true), e.Recipients));
        Assert.Equal(
            [(1, false, 64.0), (2, true, 64.5), (1, false, 64.0)],
            run.Events.Select(e => Line(run, e)).Select(l => (l.GetProperty("consecutive").GetInt32(), l.TryGetProperty("escalated", out var up) && up.GetBoolean(), l.GetProperty("value").GetDouble())));
        Assert.All(run.Events.Select(e => Line(run, e)), l => Assert.Equal(("towns", 7, 7), (l.GetProperty("group").GetString(), l.GetProperty("groupRank").GetInt32(), l.GetProperty("groupSize").GetInt32())));

        Assert.Equal("【约谈通知】己镇“资金拨付进度”2025年第11周低于全省平均且排名后三位（督办〔2025〕0002号）", run.Email(run.Events[1], "ji-zhou").Subject);
        Assert.False(run.HasEmail(run.Events[1], "ji-wu"), "the summons moved up: the deputy is not addressed the second week");
        Assert.True(run.HasEmail(run.Events[2], "ji-wu"));
        Assert.Equal(Shanghai(2025, 3, 31, 8, 30), run.Email(run.Events[2], "ji-wu").Date);
    }

    //  2026   Mo Tu We Th Fr Sa Su
    //  Jan    19 20 21 22 23           Tu 20: the year's figures published; 12 cities, first third = top 4
    //  Feb     2  3                    Tu 03: 10 working days after publication, the explanation's due date
    // 市发改委 6th → explanation owed; 市商务局 9th with an approved objective cause → logged only; 市工信局 2nd → nothing.
    [Fact]
    public void Simulate_DemandsAnExplanationOutsideTheFirstThird_AndOnlyLogsTheExemptOne()
    {
        var run = SimulatedRun.Of(_temp, "indicator-year-end", "2026-01-19", "2026-01-23");

        Assert.Equal([("fgw", "ind:gdtz-zs"), ("swj", "ind:sbxf-zs")], run.Events.Select(e => (e.UnitId, e.TaskId)).Order());
        var owed = Assert.Single(run.Events, e => e.UnitId == "fgw");
        Assert.Equal(("year-end-rank", "notice", "2026-01-20", "explanation", "2026-02-03"), (owed.Kind, owed.Level, owed.Date, owed.Demand, owed.DueBy));
        Assert.False(Line(run, owed).TryGetProperty("logOnly", out _));
        var exempt = Assert.Single(run.Events, e => e.UnitId == "swj");
        Assert.Equal(("year-end-rank", "ind-yearend:swj/2025-12"), (exempt.Kind, exempt.Occurrence));
        Assert.True(Line(run, exempt).GetProperty("logOnly").GetBoolean());
        Assert.Empty(exempt.Recipients);
        Assert.Empty(exempt.Channels);
        Assert.Null(exempt.Demand);
        Assert.DoesNotContain(run.Emails, m => m.Events.Contains(exempt.EventId));
        Assert.DoesNotContain(run.Sms, s => s.Events.Contains(exempt.EventId));
        Assert.Contains("督办事件 2 个：提醒 0，通报 2，约谈 0；其中仅记录、不发送 1。", run.Stderr, StringComparison.Ordinal);

        var export = Export(run, "2026-01");
        var header = export[0].ToList();
        var swj = export.Single(r => r[header.IndexOf("单位编号")] == "swj");
        Assert.Equal(("仅记录", "仅记录，不发送", "全省第9/12位"), (swj[header.IndexOf("状态")], swj[header.IndexOf("送达情况")], swj[header.IndexOf("名次")]));
        var fgw = export.Single(r => r[header.IndexOf("单位编号")] == "fgw");
        Assert.Equal("已送达", fgw[header.IndexOf("状态")]);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>The JSON line <c>simulate</c> printed for <paramref name="e"/> (the fields <see cref="PrintedEvent"/> does not hold).</summary>
    private static JsonElement Line(SimulatedRun run, PrintedEvent e) =>
        JsonDocument.Parse(run.Lines.Single(l => l.Contains(e.EventId, StringComparison.Ordinal))).RootElement.Clone();

    /// <summary><c>export log --month</c> of the run's store, as CSV rows (the header first).</summary>
    private List<string[]> Export(SimulatedRun run, string month)
    {
        var file = Path.Combine(_temp.Path, $"export-{month}.csv");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(["export", "log", "--store", Path.Combine(run.Output, "store"), "--month", month, "--format", "csv", "--out", file], stdout, stderr, _ => null, FakeClock.FromUtc(2000, 1, 1));
        Assert.True(code == Cli.Ok, $"export exited {code}:\n{stderr}");
        return ExportData.ReadCsv(file);
    }

    private static DateTimeOffset Shanghai(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));
}
