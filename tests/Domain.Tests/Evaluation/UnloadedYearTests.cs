using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// December 2026, and the State Council has not published 2027: items reaching into 2027 are chased on the loaded days
/// on a provisional plan, nothing is dated by a day of 2027, and each such item is reported until 2027 is loaded.
/// </summary>
//        December 2026 (loaded)                January 2027 (not loaded)
//  Mo Tu We Th Fr Sa Su                  Mo Tu We Th Fr Sa Su
//      1  2  3  4  5  6                                1  2  3
//   7  8  9 10 11 12 13                   4  5  6  7  8  9 10
//  14 15 16 17 18 19 20
//  21 22 23 24 25 26 27
//  28 29 30 31
public class UnloadedYearTests
{
    private static readonly PlanTemplate ThreeStages =
        new("p3", "三阶段", [new Stage("前期手续", 40, 30), new Stage("施工", 60, 80), new Stage("验收", 20, 100)]);

    private readonly Evaluator _engine = Evaluator();

    private static IEnumerable<EscalationRule> Only(params string[] ids) => DefaultRules.All.Where(r => ids.Contains(r.Id.Value));

    /// <summary>Laid backwards from 2027-03-31 with 2027 provisional, 前期手续 ends on Wednesday 2026-12-09 (see TimelineTests).</summary>
    private static ItemState ProjectDue2027(params ProgressReport[] reports) =>
        ItemState.Of(Item("P-27", D(2026, 9, 1), D(2027, 3, 31), Plan.FromTemplate(ThreeStages)), reports);

    [Fact]
    public void TaskDue2027_ChasesItsLoaded2026Milestone_When2027NotLoaded()
    {
        var result = Evaluator(Only("R1")).Evaluate([ProjectDue2027(Report(D(2026, 11, 30), 10))], D(2026, 12, 7));

        var reminder = Assert.Single(result.Events);
        Assert.Equal("due:2026-12-09:ahead", reminder.Occurrence);
        Assert.Equal(("前期手续", D(2026, 12, 9), 2), (reminder.Facts.Checkpoint, reminder.Facts.CheckpointDue, reminder.Facts.WorkingDaysLeft));
        var gap = Assert.Single(result.CalendarGaps);
        Assert.Equal((new ItemId("P-27"), "Deadline", D(2027, 3, 31)), (gap.Item, gap.PlanField, gap.PlanDate));
        Assert.Equal([2027], gap.Years);
        Assert.Empty(gap.Held);
    }

    [Fact]
    public void TaskDue2027_IsReportedAsAProblemOfTheTask_NamingDeadlineAndYear_When2027NotLoaded()
    {
        var result = _engine.Evaluate([ProjectDue2027(Report(D(2026, 11, 30), 10))], D(2026, 12, 7));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("tasks", "P-27", "Deadline", "2027-03-31"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("2027年", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("暂按周一至周五", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HoldsTheReminderOfA2027Deadline_NothingDatedInUnloadedYear()
    {
        // Due Monday 2027-01-04: on 12-30 it would be 3 provisional working days away (12-31, 01-01, 01-04), inside R1's window.
        var item = ItemState.Of(Item("L-27", D(2026, 10, 9), D(2027, 1, 4)), [Report(D(2026, 12, 25), 80)]);

        var result = Evaluator(Only("R1")).Evaluate([item], D(2026, 12, 30));

        Assert.Empty(result.Events);
        Assert.Equal([new RuleId("R1")], Assert.Single(result.CalendarGaps).Held);
        Assert.Contains("规则 R1", Assert.Single(result.Problems).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HoldsNothing_WhenA2027CheckpointIsFarOutsideTheWindow()
    {
        var result = Evaluator(Only("R1")).Evaluate([ProjectDue2027(Report(D(2026, 11, 30), 40))], D(2026, 12, 7));

        Assert.Empty(result.Events);
        Assert.Empty(Assert.Single(result.CalendarGaps).Held);
    }

    [Fact]
    public void Evaluate_NothingDatedInUnloadedYear_OnAnyDayOfDecember2026()
    {
        var weekly = new ReportCadence(CadenceKind.PeriodClose, Escalation.Domain.Periods.PeriodKind.Week);
        var items = new[]
        {
            ProjectDue2027(Report(D(2026, 9, 30), 5)),
            ItemState.Of(Item("L-27", D(2026, 3, 2), D(2027, 1, 4), cadence: weekly), [Report(D(2026, 6, 5), 10)]),
            ItemState.Of(Item("M-26", D(2026, 11, 2), D(2026, 12, 24), Plan.WithMilestones([new Milestone("完成招标", D(2026, 12, 18), 50)])),
                [Report(D(2026, 11, 30), 40)]),
            ItemState.Of(Item("S-27", D(2027, 1, 4), D(2027, 6, 30))),
        };

        var results = Days(D(2026, 12, 1), D(2026, 12, 31)).Select(day => _engine.Evaluate(items, day)).ToList();

        var events = results.SelectMany(r => r.Events).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.All(DatesOf(e), date => Assert.Equal(2026, date.Year)));
        Assert.Contains(results, r => r.CalendarGaps.Any(g => g.Held.Count > 0));
    }

    [Fact]
    public void Evaluate_ReportsTheSameProblemEveryDay_UntilTheYearIsLoaded()
    {
        var items = new[] { ProjectDue2027(Report(D(2026, 11, 30), 10)), ItemState.Of(Item("S-27", D(2027, 1, 4), D(2027, 6, 30))) };

        var keys = Days(D(2026, 12, 1), D(2026, 12, 31))
            .Select(day => _engine.Evaluate(items, day).Problems.Select(p => (p.Table, p.Key, p.Field)).ToList())
            .ToList();

        Assert.All(keys, k => Assert.Equal([("tasks", "P-27", "Deadline"), ("tasks", "S-27", "Deadline")], k));
    }

    [Fact]
    public void Evaluate_ReportsAnItemStartingIn2027_BeforeItStarts()
    {
        var result = _engine.Evaluate([ItemState.Of(Item("S-27", D(2027, 1, 4), D(2027, 6, 30)))], D(2026, 12, 1));

        Assert.Empty(result.Events);
        Assert.True(Assert.Single(result.CalendarGaps).ProvisionalPlan);
    }

    [Fact]
    public void Evaluate_ReportsNoGap_Once2027IsLoaded()
    {
        var loaded = new HolidayArrangement(2027, [new ArrangedDay(D(2027, 1, 1), false, "元旦")], "test");
        var (calendar, _) = WorkingCalendar.Build([.. ShippedCalendar.ChinaMainland, loaded], [], ShippedCalendar.Default.Zone);
        var engine = new Evaluator(calendar, DefaultRules.All, Fixture.Roster);
        var item = ItemState.Of(Item("L-27", D(2026, 10, 9), D(2027, 1, 4)), [Report(D(2026, 12, 25), 80)]);

        var result = engine.Evaluate([item, ProjectDue2027(Report(D(2026, 11, 30), 10))], D(2026, 12, 30));

        Assert.Empty(result.CalendarGaps);
        Assert.Empty(result.Problems);
        Assert.Contains(result.Events, e => e.Occurrence == "due:2027-01-04:ahead");
    }

    [Fact]
    public void Evaluate_IgnoresASuspendedItemReaching2027()
    {
        var suspended = ItemState.Of(Item("P-27", D(2026, 9, 1), D(2027, 3, 31)) with { Status = ItemStatus.Suspended });

        Assert.Empty(_engine.Evaluate([suspended], D(2026, 12, 7)).CalendarGaps);
    }

    [Fact]
    public void CalendarGapProblem_TellsTheAdminHowToLoadTheYear()
    {
        var gap = new CalendarGap(new ItemId("P-27"), Commerce, [2027], "Deadline", D(2027, 3, 31), [new RuleId("R3")]);

        var reason = gap.ToProblem([2025, 2026], 10).Reason;

        Assert.Contains("已加载：2025–2026年", reason, StringComparison.Ordinal);
        Assert.Contains("calendar（日历调整）表", reason, StringComparison.Ordinal);
        Assert.Contains("类型=全年", reason, StringComparison.Ordinal);
        Assert.Contains("calendar.csv（表头：日期,类型,名称）", reason, StringComparison.Ordinal);
        Assert.Contains("升级", reason, StringComparison.Ordinal);
        Assert.Contains("规则 R3", reason, StringComparison.Ordinal);
        Assert.Contains("10个工作日", reason, StringComparison.Ordinal);
    }

    private static IEnumerable<LocalDate> Days(LocalDate from, LocalDate to)
    {
        for (var day = from; day <= to; day = day.PlusDays(1))
        {
            yield return day;
        }
    }

    private static IEnumerable<LocalDate> DatesOf(EscalationEvent e) =>
        new[] { e.Date, e.Facts.CheckpointDue, e.Facts.ReportDue, e.Facts.DemandDueBy, e.Demand?.DueBy }.OfType<LocalDate>();
}
