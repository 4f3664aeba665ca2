using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Timelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Timelines;

/// <summary>Laws of planned progress and of the evaluator, on random plans and progress histories.</summary>
public class TimelineProperties
{
    private static readonly WorkingCalendar China = ShippedCalendar.Default;

    /// <summary>A random item in 2021-2025 with 0 to 6 milestones of rising targets, and 0 to 8 reports.</summary>
    public sealed record PlanCase(SupervisedItem Item, IReadOnlyList<ProgressReport> Reports)
    {
        public override string ToString() =>
            $"{Item.Start}..{Item.Deadline} milestones [{string.Join(", ", Item.Plan.Milestones.Select(m => $"{m.Due}:{m.Target}"))}] " +
            $"reports [{string.Join(", ", Reports.Select(r => $"{r.ReportedOn}:{r.Progress}"))}]";
    }

    public static Arbitrary<PlanCase> Cases() =>
        (from startOffset in Gen.Choose(0, 1600)
         from length in Gen.Choose(20, 400)
         from milestoneCount in Gen.Choose(0, 6)
         from offsets in Gen.Choose(1, 399).ListOf(milestoneCount)
         from targets in Gen.Choose(1, 99).ListOf(milestoneCount)
         from reportCount in Gen.Choose(0, 8)
         from reportOffsets in Gen.Choose(-10, 420).ListOf(reportCount)
         from reportValues in Gen.Choose(0, 100).ListOf(reportCount)
         select Build(startOffset, length, offsets, targets, reportOffsets, reportValues)).ToArbitrary();

    private static PlanCase Build(int startOffset, int length, IList<int> offsets, IList<int> targets, IList<int> reportOffsets, IList<int> reportValues)
    {
        var start = new LocalDate(2021, 1, 4).PlusDays(startOffset);
        var deadline = start.PlusDays(length);
        var sortedTargets = targets.Order().ToList();
        var milestones = offsets.Select(o => o % length).Where(o => o > 0).Distinct().Order()
            .Select((o, i) => new Milestone($"m{i}", start.PlusDays(o), sortedTargets[i]))
            .ToList();
        var reports = reportOffsets.Zip(reportValues, (o, v) => new ProgressReport(start.PlusDays(o), v)).ToList();
        var item = Item("P", start, deadline, Plan.WithMilestones(milestones), ReportCadence.Default);
        return new PlanCase(item, reports);
    }

    [Property(Arbitrary = [typeof(TimelineProperties)], MaxTest = 300)]
    public bool PlannedProgress_RisesFromZeroToHundred_AndMeetsEveryCheckpoint(PlanCase c)
    {
        var timeline = Timeline.Build(c.Item, China).Timeline!;
        var previous = 0.0;
        for (var date = c.Item.Start.PlusDays(-3); date <= c.Item.Deadline.PlusDays(3); date = date.PlusDays(1))
        {
            var planned = timeline.PlannedOn(date);
            if (planned < previous - 1e-9 || planned is < 0 or > 100)
            {
                return false;
            }

            previous = planned;
        }

        return timeline.Checkpoints.All(cp => Math.Abs(timeline.PlannedOn(cp.Due) - cp.Target) < 1e-9 || !China.IsWorkingDay(cp.Due))
               && timeline.PlannedOn(c.Item.Deadline) == 100;
    }

    [Property(Arbitrary = [typeof(TimelineProperties)], MaxTest = 200)]
    public bool Evaluate_IsDeterministic_AndIssuesEachIdOnce(PlanCase c)
    {
        var engine = Evaluator();
        var state = ItemState.Of(c.Item, c.Reports);
        var today = c.Item.Start.PlusDays(c.Item.Deadline.Minus(c.Item.Start).Days / 2 + 1);

        var first = engine.Evaluate([state], today).Events;
        var second = engine.Evaluate([state], today).Events;

        return first.Select(e => e.Id).SequenceEqual(second.Select(e => e.Id))
               && first.Select(e => e.Id).Distinct().Count() == first.Count
               && first.All(e => e.Recipients.Count > 0 && e.Date == today);
    }

    [Property(Arbitrary = [typeof(TimelineProperties)], MaxTest = 200)]
    public bool Evaluate_NeverRaisesTheSameOccurrenceTwiceForOneRule_OverAWeekOfRuns(PlanCase c)
    {
        // Each (rule, occurrence) maps to one id whatever day raises it, so a log keyed by id keeps one event per occurrence.
        var engine = Evaluator(DefaultRules.All);
        var state = ItemState.Of(c.Item, c.Reports);
        var from = c.Item.Start.PlusDays(c.Item.Deadline.Minus(c.Item.Start).Days / 3);

        var raised = Enumerable.Range(0, 7).SelectMany(d => engine.Evaluate([state], from.PlusDays(d)).Events).ToList();

        return raised.GroupBy(e => e.Id).All(g => g.Select(e => (e.Rule, e.Occurrence, e.Demand)).Distinct().Count() == 1);
    }
}
