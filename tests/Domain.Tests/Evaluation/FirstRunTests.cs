using Escalation.Domain.Evaluation;
using Escalation.Domain.Rules;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// No surprise on the first run: lag streaks count only periods closed on or after the day the engine first saw the
/// item, unless the admins set a go-live date (上线日期), which then applies to every item instead.
/// </summary>
/// <remarks>
/// The item: linear from 2024-01-01 to 2025-06-30, one report of 5 % on 01-31 and nothing since, so every month close
/// of 2024 lags. The admins import it on Monday 2024-11-04, with ten lagging months behind it.
/// <code>
///   2024     Mo Tu We Th Fr Sa Su
///   Oct/Nov  28 29 30 31  1  2  3    October closes Thu 10-31 (before the first sight: not counted)
///   Nov       4  5  6  7  8  9 10    Mo 04: first seen, first run
///   Nov/Dec  25 26 27 28 29 30  1    November closes Sat 11-30, judged Mon 12-02, acted on from Tue 12-03
///   Dec/Jan  30 31  1h 2  3  4  5    December closes Tue 12-31, acted on from 01-01 (元旦), the run of Thu 01-02
/// </code>
/// </remarks>
public class FirstRunTests
{
    private static readonly LocalDate FirstSight = D(2024, 11, 4);

    private static readonly Evaluator Ladder = Evaluator(DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.LagStreak));

    private static ItemState Lagging(string id = "2024-ZD-009", LocalDate? firstSeen = null) =>
        ItemState.Of(Item(id, D(2024, 1, 1), D(2025, 6, 30)), [Report(D(2024, 1, 31), 5)], firstSeen: firstSeen);

    [Fact]
    public void Evaluate_StartsAtAReminder_WhenTheFirstRunComesAfterTenMonthsOfLaggingHistory()
    {
        var item = Lagging(firstSeen: FirstSight);

        var firstRun = Run(Ladder, FirstSight, item);
        var novemberClose = Run(Ladder, D(2024, 12, 3), item);
        var decemberClose = Run(Ladder, D(2025, 1, 2), item);

        Assert.Empty(firstRun);
        var reminder = Assert.Single(novemberClose);
        Assert.Equal((new RuleId("R4"), EventLevel.Reminder, 1, "lag:2024-11"), (reminder.Rule, reminder.Level, reminder.Facts.Streak, reminder.Occurrence));
        var notice = Assert.Single(decemberClose);
        Assert.Equal((new RuleId("R5"), EventLevel.Notice, 2), (notice.Rule, notice.Level, notice.Facts.Streak));
    }

    [Fact]
    public void Evaluate_SummonsOnTheFirstRun_WhenTheFirstSeenDateIsNotGiven()
    {
        // The reported defect, kept as the documented meaning of "not known": every month since the start counts.

        var summons = Assert.Single(Run(Ladder, FirstSight, Lagging()));

        Assert.Equal((new RuleId("R6"), EventLevel.Summons, 10), (summons.Rule, summons.Level, summons.Facts.Streak));
    }

    [Fact]
    public void Evaluate_CountsTheEarlierMonths_WhenGoLiveIsSetBeforeTheFirstSeenDate()
    {
        // Go-live 2024-09-01: September and October count although the item was first seen in November.
        var engine = Evaluator(DefaultRules.All.Where(r => r.Trigger.Kind == TriggerKind.LagStreak), options: new EvaluationOptions(GoLive: D(2024, 9, 1)));

        var notice = Assert.Single(Run(engine, FirstSight, Lagging(firstSeen: FirstSight)));

        Assert.Equal((new RuleId("R5"), 2, "lag:2024-10"), (notice.Rule, notice.Facts.Streak, notice.Occurrence));
    }

    [Fact]
    public void Evaluate_CountsEachItemFromItsOwnFirstSeenDate_WhenATaskIsFirstSeenMidStreak()
    {
        // Both tasks lag since January. A was imported on 01-02; B was added on Friday 06-14, in the middle of its
        // streak: June (closed Sunday 06-30, judged Monday 07-01) is its first counted month.
        var a = Lagging("A", firstSeen: D(2024, 1, 2));
        var b = Lagging("B", firstSeen: D(2024, 6, 14));

        var july = Run(Ladder, D(2024, 7, 2), a, b);
        var august = Run(Ladder, D(2024, 8, 1), b);

        Assert.Equal(
            [("A", EventLevel.Summons, 6), ("B", EventLevel.Reminder, 1)],
            july.Select(e => (e.Item.Value, e.Level, e.Facts.Streak ?? 0)));
        var notice = Assert.Single(august);
        Assert.Equal((EventLevel.Notice, 2, "lag:2024-07"), (notice.Level, notice.Facts.Streak, notice.Occurrence));
    }

    [Fact]
    public void StreaksCountFrom_IsTheStart_WhenGoLiveIsBeforeIt()
    {
        var item = Lagging(firstSeen: FirstSight);

        Assert.Equal(D(2024, 1, 1), item.StreaksCountFrom(D(2023, 6, 1)));
        Assert.Equal(FirstSight, item.StreaksCountFrom(null));
        Assert.Equal(D(2024, 1, 1), Lagging().StreaksCountFrom(null));
    }

    [Fact]
    public void SeenBy_KeepsTheFirstSeenDate_WhenTheItemWasSeenBefore()
    {
        Assert.Equal(FirstSight, Lagging(firstSeen: FirstSight).SeenBy(D(2024, 12, 3)).FirstSeen);
        Assert.Equal(D(2024, 12, 3), Lagging().SeenBy(D(2024, 12, 3)).FirstSeen);
    }
}
