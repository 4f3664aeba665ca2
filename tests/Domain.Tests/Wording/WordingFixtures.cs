using Escalation.Domain.Accountability;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Events built directly, as the evaluator would raise them, for the wording tests.</summary>
internal static class WordingFixtures
{
    /// <summary>4 characters, the typical length of a unit's name.</summary>
    public const string TypicalUnit = "市商务局";

    /// <summary>12 characters, the longest typical item title.</summary>
    public const string TypicalItem = "全市重点项目建设推进工作";

    public static LocalDate D(int year, int month, int day) => new(year, month, day);

    public static EscalationEvent Event(
        EventKind kind,
        EventLevel level,
        EventFacts facts,
        Demand? demand = null,
        LocalDate? date = null,
        string template = "test") =>
        new(
            EventId.For(new RuleId("R1"), new ItemId("x"), "occ"),
            new RuleId("R1"),
            level,
            kind,
            new ItemId("x"),
            new UnitId("swj"),
            date ?? D(2024, 6, 3),
            "occ",
            [new Recipient(RecipientRole.Owner, new PersonId("p1"), IsCopy: false)],
            [Channel.Email, Channel.Sms],
            template,
            facts,
            demand);

    /// <summary>
    /// The event <paramref name="rule"/> raises, with the longest typical values: two-digit months and days, decimals,
    /// a two-digit streak and working-day count.
    /// </summary>
    public static EscalationEvent TypicalEvent(EscalationRule rule, EventKind? kind = null)
    {
        var facts = new EventFacts(TypicalItem, TypicalUnit, 41.7, 35.5);
        var eventKind = kind ?? rule.Trigger.Kind switch
        {
            TriggerKind.DueSoon => EventKind.DueSoon,
            TriggerKind.Overdue => EventKind.Overdue,
            TriggerKind.ReportMissing => EventKind.ReportMissing,
            TriggerKind.LagStreak => EventKind.Lagging,
            TriggerKind.ReportDueSoon => EventKind.ReportDueSoon,
            TriggerKind.StartMissed => EventKind.StartMissed,
            _ => EventKind.DemandOverdue,
        };
        facts = eventKind switch
        {
            EventKind.DueSoon or EventKind.DueToday or EventKind.Overdue => facts with
            {
                Checkpoint = "完成主体施工",
                CheckpointDue = D(2024, 12, 31),
                CheckpointTarget = 100,
                IsDeadline = true,
                WorkingDaysLeft = eventKind == EventKind.DueSoon ? 10 : eventKind == EventKind.DueToday ? 0 : null,
            },
            EventKind.ReportMissing => facts with { ReportDue = D(2024, 12, 31) },
            EventKind.ReportDueSoon => facts with { ReportDue = D(2024, 12, 31), WorkingDaysLeft = rule.Trigger.Days?.Count ?? 1 },
            EventKind.Lagging => facts with { Streak = 12, Period = "2024年12月", PeriodKey = "2024-12" },
            EventKind.StartMissed => facts with { PlannedStart = D(2024, 12, 27), Cause = "未记录原因，按主观原因处理" },
            _ => facts with { DemandOf = EventId.For(new RuleId("R5"), new ItemId("x"), "lag:2024-11"), DemandDueBy = D(2024, 12, 31) },
        };
        if (rule.Level == EventLevel.Accountability)
        {
            // As the evaluator records it; the executing unit by a typical name of four characters.
            facts = facts with
            {
                Accountability = new AccountabilityFacts(rule.Name, rule.Consequence?.Action, rule.Consequence is { } c ? new UnitId(c.Unit) : null, rule.Consequence is null ? null : "市发改委"),
            };
        }

        var demand = rule.Demand is { } spec ? new Demand(spec.Kind, D(2024, 12, 31)) : null;
        return Event(eventKind, rule.Level, facts, demand, D(2024, 12, 30), rule.Template);
    }
}
