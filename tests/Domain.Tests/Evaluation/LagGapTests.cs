using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// The minimum lag gap for heads (LagGapForHeads, default 5 points): a lag reminder for a gap below it goes to the
/// owner only, not to the unit's principal; notices and summons follow their streak rule whatever the gap.
/// </summary>
public class LagGapTests
{
    //   2024 April: close Tue 04-30 (judged that day); 05-01..05 is the 劳动节 break; the run on Mon 05-06 acts on April.
    private static readonly NodaTime.LocalDate AprilClose = D(2024, 4, 30);
    private static readonly NodaTime.LocalDate AfterMayDay = D(2024, 5, 6);

    private static double PlannedAt(NodaTime.LocalDate date) =>
        Evaluator().Snapshot(ItemState.Of(Annual2024()), date)!.Planned;

    /// <summary>On plan at March's close, <paramref name="aprilGap"/> points behind at April's: streak 1, a reminder (R4).</summary>
    private static ItemState OnPlanInMarch(double aprilGap) =>
        ItemState.Of(Annual2024(), [Report(D(2024, 3, 29), PlannedAt(D(2024, 3, 31))), Report(AprilClose, PlannedAt(AprilClose) - aprilGap)]);

    [Fact]
    public void Evaluate_SendsLagReminderOnlyToOwner_WhenGapBelowMinimum()
    {
        var reminder = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 0.1)));

        Assert.Equal(("R4", EventLevel.Reminder), (reminder.Rule.Value, reminder.Level));
        Assert.Equal([new Recipient(RecipientRole.Owner, Owner, IsCopy: false)], reminder.Recipients);
    }

    [Fact]
    public void Evaluate_SendsLagReminderToTheRulesRecipients_WhenGapAtMinimum()
    {
        var reminder = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 5)));

        Assert.Equal([RecipientRole.Owner, RecipientRole.UnitPrincipal], reminder.Recipients.Select(r => r.Role));
    }

    [Fact]
    public void Evaluate_SendsLagReminderToTheRulesRecipients_WhenGapAboveMinimum()
    {
        var reminder = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 12.5)));

        Assert.Equal([RecipientRole.Owner, RecipientRole.UnitPrincipal], reminder.Recipients.Select(r => r.Role));
    }

    [Fact]
    public void Evaluate_ComparesTheGapAsMessagesShowIt_RoundedToOneDecimal()
    {
        // 4.96 points read as 「落后5个百分点」: the principal receives it too, or the message would contradict the rule.
        var reminder = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 4.96)));

        Assert.Contains(reminder.Recipients, r => r.Role == RecipientRole.UnitPrincipal);
    }

    [Fact]
    public void Evaluate_SendsLagReminderOnlyToOwner_EvenWhenTheRuleNamesOnlyHeads()
    {
        var headsOnly = DefaultRules.All.Select(r => r.Id.Value == "R4" ? r with { To = [RecipientRole.UnitPrincipal], Copy = [RecipientRole.SupervisionOffice] } : r);

        var reminder = Assert.Single(Run(Evaluator(headsOnly), AfterMayDay, OnPlanInMarch(aprilGap: 1)));

        Assert.Equal([new Recipient(RecipientRole.Owner, Owner, IsCopy: false)], reminder.Recipients);
    }

    [Fact]
    public void Evaluate_SendsLagNoticeToTheRulesRecipients_WhenGapBelowMinimum()
    {
        // On plan in February, lagging in March and April by a hair: streak 2, a notice (R5), which follows its rule whatever the gap.
        var item = ItemState.Of(Annual2024(),
            [Report(D(2024, 2, 29), PlannedAt(D(2024, 2, 29))), Report(D(2024, 3, 29), PlannedAt(D(2024, 3, 31)) - 0.2), Report(AprilClose, PlannedAt(AprilClose) - 0.2)]);

        var notice = Assert.Single(Run(Evaluator(), AfterMayDay, item));

        Assert.Equal(("R5", EventLevel.Notice), (notice.Rule.Value, notice.Level));
        Assert.Equal(
            [new Recipient(RecipientRole.UnitPrincipal, Principal, false), new Recipient(RecipientRole.SupervisionOffice, Office, true)],
            notice.Recipients);
    }

    [Fact]
    public void Evaluate_SendsLagReminderToTheRulesRecipients_WhenMinimumIsZero()
    {
        var reminder = Assert.Single(Run(Evaluator(options: new EvaluationOptions(LagGapForHeads: 0)), AfterMayDay, OnPlanInMarch(aprilGap: 0.1)));

        Assert.Equal([RecipientRole.Owner, RecipientRole.UnitPrincipal], reminder.Recipients.Select(r => r.Role));
    }

    [Fact]
    public void Evaluate_KeepsTheEventId_WhateverTheRecipients()
    {
        var small = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 0.1)));
        var large = Assert.Single(Run(Evaluator(), AfterMayDay, OnPlanInMarch(aprilGap: 10)));

        Assert.Equal(large.Id, small.Id);
    }
}
