using Escalation.Domain.Cases;
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

    /// <summary>What a typical closed-loop event of <paramref name="kind"/> records: a second rectification report, or an exemption request.</summary>
    public static LoopFacts TypicalLoop(EventKind kind) => kind == EventKind.ExemptionRequested
        ? new LoopFacts(SubjectTable.ExemptionRequests, "x:milestone:2024-12-31@1")
        {
            Reason = "受连续强降雨影响，施工现场停工二十天",
            Actor = new PersonId("swj-zhou"),
            ActorName = "周科长",
            Evidence = [new("气象局证明.pdf"), new("停工照片.jpg")],
            Period = "milestone:2024-12-31",
        }
        : new LoopFacts(SubjectTable.Explanations, "ev-0:rectification@2")
        {
            AnswerKind = DemandKind.Rectification,
            Seq = 2,
            Decision = kind == EventKind.AnswerSubmitted ? null : kind == EventKind.FalseRectification ? LoopDecision.Reopen : LoopDecision.Reject,
            Reason = kind == EventKind.AnswerSubmitted ? null : "整改佐证材料与现场情况不符",
            Actor = new PersonId("dcs-wang"),
            ActorName = "王主任",
            Evidence = [new("整改照片.jpg"), new("验收报告.pdf")],
            NoticeReference = "督办〔2024〕0123号",
        };

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
            TriggerKind.AnswerSubmitted => EventKind.AnswerSubmitted,
            TriggerKind.AnswerDecided => EventKind.AnswerDecided,
            TriggerKind.FalseRectification => EventKind.FalseRectification,
            TriggerKind.ExemptionRequested => EventKind.ExemptionRequested,
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
            EventKind.AnswerSubmitted or EventKind.AnswerDecided or EventKind.FalseRectification or EventKind.ExemptionRequested => facts with { Loop = TypicalLoop(eventKind) },
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
