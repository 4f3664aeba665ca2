using Escalation.Functions.Tests.Import;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The rule language of issue 13 through <c>simulate</c>, where its scenarios span days: a calendar-day rectification
/// rolled past a weekend, a missed start with a cause (domain.md "Cause of a missed start") and its special explanation
/// owed by two units, and overdue repeats with a cap and "until a higher rung fires". Each scenario folder is under
/// EndToEnd/Scenarios; we read the JSON lines simulate prints and the outbox it writes.
/// </summary>
public sealed class RuleLanguageScenarioTests : IDisposable
{
    private const string Owner = "swj-zhou";
    private const string Principal = "swj-zhang";
    private const string Deputy = "swj-li";
    private const string Office = "dcs-office";

    private readonly TempFolder _temp = new();

    [Fact]
    public void Simulate_RollsTheFifteenDayRectificationToMonday_AndSummonsTheDayAfter_WhenTheMilestoneWasDueOnAFriday()
    {
        //  2026     Mo Tu We Th Fr Sa Su
        //  Jul       29 30  1  2  3  4  5     Fr 03: milestone (target 50) missed at 45; Sa 04: R3 notice (sent Monday)
        //            13 14 15 16 17 18 19     07-03 + 15 calendar days = Sa 18: the shipped R3 rolls it (遇休息日顺延)
        //            20 21                    Mo 20: last day of the rectification; Tu 21: none recorded, R7 summons
        var run = SimulatedRun.Of(_temp, "calendar-day-rectification", "2026-06-29", "2026-07-31");

        var notice = Assert.Single(run.OfRule("R3"));
        Assert.Equal(
            ("2026-07-04", "overdue:2026-07-03", "rectification", "2026-07-20"),
            (notice.Date, notice.Occurrence, notice.Demand, notice.DueBy));
        Assert.Contains("请于2026年7月20日前完成整改", run.Email(notice, Principal).TextBody, StringComparison.Ordinal);
        var summons = Assert.Single(run.OfRule("R7"));
        Assert.Equal(("2026-07-21", $"demand:{notice.EventId}"), (summons.Date, summons.Occurrence));
    }

    [Fact]
    public void Simulate_DemandsASpecialExplanationFromTheUnitAndTheBuilder_AndSummonsOnlyTheUnitThatDidNotSubmit_WhenP1StartedLateWithoutCause()
    {
        // domain.md "Cause of a missed start": P1 and P2 planned to start by 2025-06-30, neither started. P1 has no cause
        // recorded (subjective): a special explanation from both the 主管部门 (zjj) and the 建设单位 (cjt). P2's objective
        // cause was approved: nothing. The builder answers on 07-04, zjj does not: on 07-08 only zjj is summoned.
        var run = SimulatedRun.Of(_temp, "missed-start", "2025-06-23", "2025-07-15");

        var notice = Assert.Single(run.Events, e => e.Kind == "start-missed");
        Assert.Equal(
            ("R8", "P1", "2025-07-01", "start:2025-06-30", "special-explanation", "2025-07-07"),
            (notice.RuleId, notice.TaskId, notice.Date, notice.Occurrence, notice.Demand, notice.DueBy));
        Assert.Equal(
            [To("unit-principal", "zjj-yan"), To("builder-principal", "cjt-he"), Cc("supervision-office", Office)],
            notice.Recipients);
        var mail = run.Email(notice, "cjt-he");
        Assert.Contains("原因：未记录原因，按主观原因处理", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("请市住房城乡建设局、市城市建设投资集团于2025年7月7日前分别报送专题说明", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Events, e => e.TaskId == "P2" && e.Kind is "start-missed" or "demand-overdue");

        var summons = Assert.Single(run.OfRule("R7"));
        Assert.Equal(("P1", "2025-07-08", $"demand:{notice.EventId}"), (summons.TaskId, summons.Date, summons.Occurrence));
        Assert.Equal([To("unit-principal", "zjj-yan"), To("deputy-in-charge", "zjj-chen")], summons.Recipients);
    }

    [Fact]
    public void Simulate_RepeatsTheOverdueNoticeUntilTheSummonsRungFires_AndCapsTheReminderAtThreeByDefault()
    {
        //  2026     Mo Tu We Th Fr Sa Su
        //  Jun       1  2  3  4  5  6  7     Fr 05: milestone missed; Sa 06: round 0 of R3 (notice) and R12 (reminder)
        //            8  9 10 11 12 13 14     Fr 12: 5 working days after 06-05, round 1
        //           15 16 17 18 19h20h21h    06-19..21 端午
        //           22 23 24 25 26 27 28     Mo 22: round 2; We 24: 12 working days overdue, R11 summons;
        //           29 30                    Mo 29: round 3 would be due, but R3 stops (直至升级) and R12 has had its 3
        var run = SimulatedRun.Of(_temp, "overdue-repeats", "2026-06-01", "2026-07-24");

        Assert.Equal(
            [("2026-06-06", "overdue:2026-06-05"), ("2026-06-12", "overdue:2026-06-05:r1"), ("2026-06-22", "overdue:2026-06-05:r2")],
            run.OfRule("R3").Select(e => (e.Date, e.Occurrence)));
        Assert.Equal(
            [("2026-06-06", "overdue:2026-06-05"), ("2026-06-12", "overdue:2026-06-05:r1"), ("2026-06-22", "overdue:2026-06-05:r2")],
            run.OfRule("R12").Select(e => (e.Date, e.Occurrence)));
        var summons = Assert.Single(run.OfRule("R11"));
        Assert.Equal(("summons", "2026-06-24", "overdue:2026-06-05"), (summons.Level, summons.Date, summons.Occurrence));
        Assert.Equal([To("unit-principal", Principal), To("deputy-in-charge", Deputy), Cc("supervision-office", Office)], summons.Recipients);
        Assert.All(run.OfRule("R12"), e => Assert.Equal([To("owner", Owner)], e.Recipients));
    }

    public void Dispose() => _temp.Dispose();

    private static PrintedRecipient To(string role, string person) => new(role, person, Copy: false);

    private static PrintedRecipient Cc(string role, string person) => new(role, person, Copy: true);
}
