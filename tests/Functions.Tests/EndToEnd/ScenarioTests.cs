using System.Globalization;
using Escalation.Functions.Tests.Import;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The example scenarios of the specification (docs/domain.md), end to end in local mode: <c>simulate</c> imports a
/// scenario folder (EndToEnd/Scenarios/NAME: one unit, 商务局 <c>swj</c>, with its people, the office <c>dcs-office</c>
/// set by settings.csv, the shipped rules R1–R11 and calendar), steps the clock day by day, and we read the JSON lines it
/// prints and the outbox it writes. The same facts and dates as Domain.Tests' DomainScenarioTests, through the whole
/// pipeline: import, daily scan, escalation log, bus, sending window, outbox.
/// </summary>
/// <remarks>
/// The lag scenarios use an annual 2024 task planned linearly in working days (planned at the closes: 03-31 24.3,
/// 04-30 33.1, 05-31 41.4, 06-30 49.0). A month is judged on its close's working day and acted on the next day, whatever
/// day that is; messages raised on a day off wait for the sending window (08:30 on the next working day).
/// <code>
///   2024     Mo Tu We Th Fr Sa Su
///   Apr/May  29 30  1h 2h 3h 4h 5h    05-01..05 劳动节 off: April's close is acted on 05-01, its messages go on 05-06
///   May/Jun  27 28 29 30 31  1  2     May's close (Fri 05-31) is acted on Saturday 06-01, its messages go on Monday 06-03
///   Jun       3  4  5  6  7  8  9     5 working days after 06-01: 06-07
///   Jun/Jul  24 25 26 27 28 29 30     June closes on Sunday 06-30, judged on Monday 07-01, acted on 07-02
///   Jul       1  2  3  4  5  6  7
/// </code>
/// </remarks>
public sealed class ScenarioTests : IDisposable
{
    private const string Owner = "swj-zhou";
    private const string Principal = "swj-zhang";
    private const string Deputy = "swj-li";
    private const string LeadOfficial = "city-wang";
    private const string Office = "dcs-office";

    private readonly TempFolder _temp = new();

    [Fact]
    public void Simulate_IssuesOneNoticeToThePrincipalWithExplanationDueInFiveWorkingDays_WhenAprilAndMayLag()
    {
        // March on plan (30 ≥ 24.3), April (30 < 33.1) and May (35 < 41.4) behind. The unit submits the demanded
        // explanation on 06-05 (explanations.csv), so the closed loop (R7) has nothing to chase either.

        var run = SimulatedRun.Of(_temp, "two-lagging-months", "2024-04-01", "2024-06-14");

        var reminder = Assert.Single(run.OfRule("R4"));
        Assert.Equal(("2024-05-01", "lag:2024-04"), (reminder.Date, reminder.Occurrence));
        var notice = Assert.Single(run.Events, e => e.Level == "notice");
        Assert.Equal(
            ("R5", "lagging", "2024-06-01", "lag:2024-05", "explanation", "2024-06-07"),
            (notice.RuleId, notice.Kind, notice.Date, notice.Occurrence, notice.Demand, notice.DueBy));
        Assert.Equal([To("unit-principal", Principal), Cc("supervision-office", Office)], notice.Recipients);
        Assert.Equal(["email", "sms"], notice.Channels);
        Assert.Equal(("swj", "商务局", "2024-ZD-001", "外贸稳增长行动"), (notice.UnitId, notice.UnitName, notice.TaskId, notice.TaskTitle));
        Assert.True(
            File.ReadAllText(Path.Combine(SimulatedRun.Scenario("two-lagging-months"), "explanations.csv")).Contains(notice.EventId, StringComparison.Ordinal),
            $"explanations.csv should answer the notice {notice.EventId} (event ids derive from rule, task and occurrence only)");
        Assert.DoesNotContain(run.Events, e => e.Level == "summons");

        var mail = run.Email(notice, Principal);
        Assert.Equal("【督查通报】商务局“外贸稳增长行动”连续2期进度落后（督办〔2024〕0001号）", mail.Subject);
        Assert.Equal("zhangming@swj.example.gov.cn", mail.To.Mailboxes.Single().Address);
        Assert.Contains("请于2024年6月7日前报送书面说明", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(Shanghai(2024, 6, 3, 8, 30), mail.Date);
        Assert.True(run.HasEmail(notice, Office), "the office is copied by email");
        var sms = Assert.Single(run.SmsOf(notice));
        Assert.Equal("+8613800138002", sms.To);
        Assert.StartsWith("【督查室】商务局“外贸稳增长行动”已连续2期进度落后，现予通报", sms.Text, StringComparison.Ordinal);
        Assert.Equal(Shanghai(2024, 6, 3, 8, 30), At(sms));
    }

    [Fact]
    public void Simulate_IssuesOneSummonsAndNoSecondNotice_WhenJuneLagsToo()
    {
        // As above, and June behind too (40 < 49.0): streak 3 on the close judged on Monday 07-01.

        var run = SimulatedRun.Of(_temp, "three-lagging-months", "2024-04-01", "2024-07-12");

        var summons = Assert.Single(run.Events, e => e.Level == "summons");
        Assert.Equal(("R6", "lagging", "2024-07-02", "lag:2024-06"), (summons.RuleId, summons.Kind, summons.Date, summons.Occurrence));
        Assert.Equal(
            [To("unit-principal", Principal), To("deputy-in-charge", Deputy), Cc("lead-official", LeadOfficial), Cc("supervision-office", Office)],
            summons.Recipients);
        Assert.Null(summons.DueBy);
        var notice = Assert.Single(run.Events, e => e.Level == "notice");
        Assert.Equal(("R5", "lag:2024-05"), (notice.RuleId, notice.Occurrence));
        // At June's close only the highest rung fires: no notice and no reminder for the same streak.
        Assert.Equal([summons], run.Events.Where(e => e.Occurrence == "lag:2024-06"));

        foreach (var (person, copied) in new[] { (Principal, false), (Deputy, false), (LeadOfficial, true), (Office, true) })
        {
            var mail = run.Email(summons, person);
            Assert.Equal((copied ? "【抄送】" : "") + "【约谈通知】商务局“外贸稳增长行动”连续3期进度落后（督办〔2024〕0002号）", mail.Subject);
            Assert.Equal(Shanghai(2024, 7, 2, 8, 30), mail.Date);
        }

        Assert.Equal(
            ["+8613800138001", "+8613800138002", "+8613800138003"],
            run.SmsOf(summons).Select(s => s.To).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Simulate_IssuesOnlyLagReminders_WhenAnOnPlanMayResetsTheStreak()
    {
        // April behind (30 < 33.1), May on plan (45 ≥ 41.4), June behind (45 < 49.0).

        var run = SimulatedRun.Of(_temp, "streak-reset", "2024-04-01", "2024-07-12");

        Assert.Equal(
            [("R4", "reminder", "2024-05-01", "lag:2024-04"), ("R4", "reminder", "2024-07-02", "lag:2024-06")],
            run.Events.Select(e => (e.RuleId, e.Level, e.Date, e.Occurrence)));
        var june = run.Events[1];

        // 4.0 points behind, under the minimum lag gap for heads (LagGapForHeads, 5): the reminder goes to the owner only.
        Assert.Equal([To("owner", Owner)], june.Recipients);
        Assert.Contains("连续落后期数：1期（截至2024年6月）", run.Email(june, Owner).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_RaisesLagEventsForBAndCButNotA_WhenFiveOfTwelveMonthsHaveElapsed()
    {
        // Three annual tasks in twelve monthly steps (milestones at each month's end, 100·m/12): 41.67 planned at the
        // May close (Fri 05-31). All three were on plan in April (34 ≥ 33.33); on 05-31 A reports 45, B 35, C 30 (a
        // correction, with its note). The traffic light (A green, B yellow within 10 points, C red) is a status, not an
        // event: the simulation prints nothing for it. What shows is that B and C are below plan at the close (a lag
        // reminder, R4, whatever their colour) and A is not. B and C also missed the May milestone (R3, not asserted).

        var run = SimulatedRun.Of(_temp, "time-half-gone", "2024-05-27", "2024-06-07");

        var lagging = run.Events.Where(e => e.Kind == "lagging").OrderBy(e => e.TaskId, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("swj-2024-B", "R4", "2024-06-01", "lag:2024-05"), ("swj-2024-C", "R4", "2024-06-01", "lag:2024-05")],
            lagging.Select(e => (e.TaskId, e.RuleId, e.Date, e.Occurrence)));
        Assert.DoesNotContain(run.Events, e => e.TaskId == "swj-2024-A" && e.Kind is "lagging" or "overdue");

        // Both reminders reach the owner on the same day: one message listing the two tasks with their own figures.
        var email = run.Email(lagging[0], Owner);
        Assert.Equal(email.MessageId, run.Email(lagging[1], Owner).MessageId);
        Assert.Contains("以下2项重点工作", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("进度落后6.7个百分点", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("进度落后11.7个百分点", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("实际进度：35%", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("实际进度：30%", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ChasesTheMissingReportOnTuesdayWithAReminder_WhenItWasDueOnASaturday()
    {
        //  2021     Mo Tu We Th Fr Sa Su
        //  Mar/Apr  29 30 31  1  2  3h 4h    04-03..05 清明 off
        //  Apr       5h 6  7  8  9 10 11     Sa 10: the 旬 report is due; a day off, so it rolls to Mo 12
        //           12 13 14 15 16 17 18     Tu 13: the morning run finds it missing
        // 2021-ZD-007 never reports after 03-31; 2021-ZD-008 reports on Monday 04-12 and is not chased. The domain text
        // calls the follow-up "notice-level"; the engine's documented decision (README, DomainScenarioTests) is the
        // report-missing rule R2, a reminder to the owner.

        var run = SimulatedRun.Of(_temp, "report-due-on-weekend", "2021-04-01", "2021-04-16");

        var chase = Assert.Single(run.Events, e => e.Kind == "report-missing");
        Assert.Equal(
            ("2021-ZD-007", "R2", "reminder", "2021-04-13", "report:2021-04-10"),
            (chase.TaskId, chase.RuleId, chase.Level, chase.Date, chase.Occurrence));
        Assert.Equal([To("owner", Owner)], chase.Recipients);
        Assert.DoesNotContain(run.Events, e => e.Date is "2021-04-10" or "2021-04-11");
        Assert.Equal("morning", chase.Scan);

        // Before it: R9 reminds both on Friday 04-09 (one working day before the rolled due date), in the morning scan;
        // R10 chases 2021-ZD-007 on Monday 04-12 in the afternoon scan, once; 2021-ZD-008 has reported by then.
        Assert.Equal(
            [("2021-04-09", "R9", "2021-ZD-007", "morning"), ("2021-04-09", "R9", "2021-ZD-008", "morning"), ("2021-04-12", "R10", "2021-ZD-007", "afternoon")],
            run.Events.Where(e => e.Kind == "report-due-soon").Select(e => (e.Date, e.RuleId, e.TaskId, e.Scan)).Order());
        Assert.All(run.Events.Where(e => e.Kind == "report-due-soon"), e => Assert.Equal("report-soon:2021-04-10", e.Occurrence));
        Assert.Equal(["report-due-soon"], run.Events.Where(e => e.TaskId == "2021-ZD-008").Select(e => e.Kind));
        var sameDay = Assert.Single(run.SmsOf(run.Events.Single(e => e.RuleId == "R10")));
        Assert.Contains("今天是", sameDay.Text, StringComparison.Ordinal);
        Assert.Equal(Shanghai(2021, 4, 12, 16, 0), DateTimeOffset.Parse(sameDay.At, CultureInfo.InvariantCulture));
        var mail = run.Email(chase, Owner);
        Assert.Contains("应于2021年4月12日报送“外贸稳增长行动”进展情况，截至2021年4月13日尚未报送", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(Shanghai(2021, 4, 13, 8, 30), mail.Date);
    }

    [Fact]
    public void Simulate_DemandsRectificationByApril15AndSummonsOnThe16th_WhenAMilestoneIsMissedBeforeQingming()
    {
        //  2021     Mo Tu We Th Fr Sa Su
        //  Mar/Apr  29 30 31  1  2  3h 4h    We 31: milestone (target 30) missed at 24; Th 1: notice
        //  Apr       5h 6  7  8  9 10 11     R3's rectification: 15 calendar days after 03-31 is Th 04-15, a working day
        //           12 13 14 15 16 17 18     Fr 16: the rectification is overdue (none recorded): R7 summons

        var run = SimulatedRun.Of(_temp, "working-days-across-holiday", "2021-03-29", "2021-04-16");

        var notice = Assert.Single(run.OfRule("R3"));
        Assert.Equal(
            ("notice", "overdue", "2021-04-01", "overdue:2021-03-31", "rectification", "2021-04-15"),
            (notice.Level, notice.Kind, notice.Date, notice.Occurrence, notice.Demand, notice.DueBy));
        Assert.Equal([To("owner", Owner), To("unit-principal", Principal), Cc("supervision-office", Office)], notice.Recipients);
        Assert.Contains("请于2021年4月15日前完成整改", run.Email(notice, Principal).TextBody, StringComparison.Ordinal);
        var summons = Assert.Single(run.OfRule("R7"));
        Assert.Equal(
            ("summons", "demand-overdue", "2021-04-16", $"demand:{notice.EventId}"),
            (summons.Level, summons.Kind, summons.Date, summons.Occurrence));
        Assert.Equal([To("unit-principal", Principal), To("deputy-in-charge", Deputy)], summons.Recipients);
    }

    [Fact]
    public void Simulate_RemindsOnThe12thAndNotifiesOnThe16th_WhenTheDeadlineIsJuly15AndProgressIs80()
    {
        //  2022     Mo Tu We Th Fr Sa Su
        //  Jul      11 12 13 14 15 16 17     Mo 11: 80 % reported; Tu 12: 3 working days left (13, 14, 15): R1
        //           18 19 20 21 22 23 24     Fr 15: due day (R1 again); Sa 16: overdue (done on the 15th would be on time)
        //           25 26 27 28 29 30 31     R3's rectification: 15 calendar days after 07-15 is Sa 07-30, rolled to Mo 08-01
        //  Aug       1
        // The task was behind at June's close (80 < 91.7), hence a lag reminder on 07-01 (not asserted).

        var run = SimulatedRun.Of(_temp, "absolute-deadline", "2022-07-01", "2022-07-18");

        var reminders = run.OfRule("R1");
        Assert.Equal(
            [("due-soon", "2022-07-12", "due:2022-07-15:ahead"), ("due-today", "2022-07-15", "due:2022-07-15:day")],
            reminders.Select(e => (e.Kind, e.Date, e.Occurrence)));
        Assert.All(reminders, e => Assert.Equal([To("owner", Owner)], e.Recipients));
        Assert.DoesNotContain(run.Events, e => e.Kind == "overdue" && string.CompareOrdinal(e.Date, "2022-07-16") < 0);
        var notice = Assert.Single(run.Events, e => e.Kind == "overdue");
        Assert.Equal(
            ("R3", "notice", "2022-07-16", "overdue:2022-07-15", "rectification", "2022-08-01"),
            (notice.RuleId, notice.Level, notice.Date, notice.Occurrence, notice.Demand, notice.DueBy));
        Assert.Contains(To("unit-principal", Principal), notice.Recipients);
        Assert.Contains(Cc("supervision-office", Office), notice.Recipients);
        Assert.Equal("【督查通报】商务局“新建便民生活服务圈10个”“全部完成”时间节点逾期未完成（督办〔2022〕0001号）", run.Email(notice, Principal).Subject);
        Assert.Equal("【抄送】【督查通报】商务局“新建便民生活服务圈10个”“全部完成”时间节点逾期未完成（督办〔2022〕0001号）", run.Email(notice, Office).Subject);
    }

    [Fact]
    public void Simulate_DeliversTheSaturdayNoticeAtMondaysWindowOpening_WhenTheDeadlinePassesOnAFriday()
    {
        // The overdue notice is raised by the scan of Saturday 2022-07-16; nobody is messaged at the weekend: its
        // emails and SMS wait for the sending window's next opening, Monday 07-18 08:30 Asia/Shanghai (00:30 UTC).

        var run = SimulatedRun.Of(_temp, "absolute-deadline", "2022-07-01", "2022-07-18");

        var notice = Assert.Single(run.Events, e => e.Kind == "overdue");
        Assert.Equal("2022-07-16", notice.Date);
        foreach (var person in new[] { Owner, Principal, Office })
        {
            Assert.Equal(Shanghai(2022, 7, 18, 8, 30), run.Email(notice, person).Date);
        }

        var sms = run.SmsOf(notice);
        Assert.Equal(["+8613800138002", "+8613800138004"], sms.Select(s => s.To).Order(StringComparer.Ordinal));
        Assert.All(sms, s => Assert.Equal(Shanghai(2022, 7, 18, 8, 30), At(s)));
        Assert.DoesNotContain(run.Sms, s => At(s).ToOffset(TimeSpan.FromHours(8)).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    [Fact]
    public void Simulate_PrintsTheSameEventsAndDeliversEachOnce_WhenTheSameWindowIsSimulatedTwice()
    {
        var first = SimulatedRun.Of(_temp, "three-lagging-months", "2024-04-01", "2024-07-12", "first");

        var second = SimulatedRun.Of(_temp, "three-lagging-months", "2024-04-01", "2024-07-12", "second");

        Assert.NotEmpty(first.Lines);
        Assert.Equal(first.Lines, second.Lines);
        foreach (var run in new[] { first, second })
        {
            Assert.Equal(run.Lines, File.ReadAllLines(Path.Combine(run.Output, "events.jsonl")));
            Assert.Equal(run.Events.Count, run.Events.Select(e => e.EventId).Distinct().Count());
            var messages = run.Sms.Select(s => s.DispatchId).ToList();
            Assert.NotEmpty(messages);
            Assert.Equal(messages.Count, messages.Distinct().Count());
            Assert.All(run.Sms, s => Assert.All(s.Events, id => Assert.Contains(run.Events, e => e.EventId == id)));
            var carried = run.Sms.SelectMany(s => s.Events.Select(e => (s.Person, e))).ToList();
            Assert.Equal(carried.Count, carried.Distinct().Count());
        }

        Assert.Equal(first.Sms.Select(s => s.DispatchId), second.Sms.Select(s => s.DispatchId));
        Assert.Equal(EmailFiles(first), EmailFiles(second));
    }

    public void Dispose() => _temp.Dispose();

    private static PrintedRecipient To(string role, string person) => new(role, person, Copy: false);

    private static PrintedRecipient Cc(string role, string person) => new(role, person, Copy: true);

    private static DateTimeOffset Shanghai(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static DateTimeOffset At(SmsLine sms) => DateTimeOffset.Parse(sms.At, CultureInfo.InvariantCulture);

    private static IEnumerable<string> EmailFiles(SimulatedRun run) =>
        Directory.EnumerateFiles(Path.Combine(run.Outbox, "email")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;
}
