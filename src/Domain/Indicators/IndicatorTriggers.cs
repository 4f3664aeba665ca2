using Escalation.Domain.Rules;

namespace Escalation.Domain.Indicators;

/// <summary>Which trigger kinds are about indicators, and what those rules may say.</summary>
public static class IndicatorTriggers
{
    /// <summary>True for the kinds <see cref="IndicatorEvaluator"/> judges (and the task evaluator ignores).</summary>
    public static bool IsIndicator(this TriggerKind kind) => kind is TriggerKind.IndicatorLag or TriggerKind.TargetMissed
        or TriggerKind.StretchMissed or TriggerKind.BelowEarlier or TriggerKind.YearEndRank or TriggerKind.BottomRank
        or TriggerKind.Scoreboard or TriggerKind.ShareInvitation or TriggerKind.Pledge;

    /// <summary>
    /// The roles an indicator rule may name: the measured unit's principal, deputy and lead official, the supervision
    /// office, named people and named units' roles. Not the owner or the builder: an indicator has neither.
    /// </summary>
    public static bool Allows(RecipientSpec spec) => spec is not RecipientSpec.ByRole { Role: RecipientRole.Owner or RecipientRole.BuilderPrincipal };
}
