using Escalation.Domain.Accountability;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Wording;

// The fourth level: accountability recommendations (问责建议) to the office and decision makers, and consequence notices
// (后果通知) to the unit that would execute a consequence. Both recommend; neither ever says a consequence was executed,
// and neither addresses the unit the item belongs to (the letters name it, never 你单位).
public static partial class MessageWording
{
    /// <summary>The facts row naming the rule an accountability-level event rests on.</summary>
    private const string BasisLabel = "依据规则";

    /// <summary>The facts row (and grouped letters' column) saying what is recommended.</summary>
    private const string RecommendationLabel = "建议事项";

    /// <summary>The shipped template of an accountability-level event; null below that level.</summary>
    private static string? AccountabilityTemplateId(EscalationEvent e) => e.Level != EventLevel.Accountability
        ? null
        : IsConsequenceNotice(e) ? "consequence-notice" : "accountability";

    private static bool IsConsequenceNotice(EscalationEvent e) => e.Facts.Accountability is { IsConsequenceNotice: true };

    /// <summary>
    /// What happened, continuing 「{unit}承担的“{item}”」: the situation of a task event, or for an indicator event its period
    /// and what it missed (2025年1–5月已连续4期落后（全省第7位，实际4.6%）).
    /// </summary>
    private static string Happened(EscalationEvent e) => Situation(e, Style.Sentence);

    /// <summary>What an accountability-level event recommends: 对有关责任人员启动问责程序, or 核减前期费（执行单位：市发改委）.</summary>
    private static string Recommendation(AccountabilityFacts facts) => facts.IsConsequenceNotice
        ? Text(facts.Consequence) + Parenthesised(Prefixed("执行单位：", Text(facts.ExecutingUnitName)))
        : "对有关责任人员启动问责程序";

    /// <summary>The subject's tag: 【后果通知】 for a letter of consequence notices only, else the level's.</summary>
    private static string Tag(EventLevel level, List<LetterItem> items) =>
        level == EventLevel.Accountability && items.All(i => IsConsequenceNotice(i.Event)) ? "【后果通知】" : Tag(level);

    /// <summary>A grouped subject at the accountability level, always naming the units (the letter never goes to them).</summary>
    private static string AccountabilityAbout(string whom, List<LetterItem> items) => items.All(i => IsConsequenceNotice(i.Event))
        ? "关于建议对" + whom + Count(items) + Noun(items) + "采取后果措施的通知"
        : "关于" + whom + Count(items) + Noun(items) + Topic(items) + "的问责建议";

    /// <summary>What a grouped accountability letter asks: to decide on accountability, or to handle consequences within the addressee's remit.</summary>
    private static string AccountabilityAsk(List<LetterItem> items, List<string> units, WordingSettings wording)
    {
        var sender = Text(wording.SenderName);
        if (items.All(i => IsConsequenceNotice(i.Event)))
        {
            return "根据督查工作有关规定，" + sender + "建议按下表“" + RecommendationLabel + "”所列，由执行单位依职权办理。本通知为建议，"
                + sender + "不代为执行任何处理措施；请按程序研究办理，并将办理结果书面反馈" + sender + "。";
        }

        var consequences = items.Any(i => IsConsequenceNotice(i.Event)) ? "；建议采取的后果措施见下表“" + RecommendationLabel + "”" : "";
        return "根据督查工作有关规定，建议对" + (units.Count > 1 ? "有关单位" : units[0]) + "有关责任人员启动问责程序，由有权机关依规依纪依法处理"
            + consequences + "。本件为问责建议，是否问责及如何处理由有权机关决定；本件不发送被督办单位。";
    }

    /// <summary>The ask of a grouped accountability SMS.</summary>
    private static string AccountabilitySmsAsk(List<LetterItem> items) => items.All(i => IsConsequenceNotice(i.Event))
        ? "建议依职权办理所列后果措施"
        : "建议对有关责任人员启动问责程序，请审定";

    /// <summary>What the office did, for someone who receives an accountability-level event in copy.</summary>
    private static string AccountabilityCopyAction(EscalationEvent e, Style style) => e.Facts.Accountability is { IsConsequenceNotice: true } facts
        ? "已建议" + Text(facts.ExecutingUnitName) + "依职权" + Text(facts.Consequence)
        : style == Style.Sms ? "已提出问责建议" : "已提出问责建议，建议对有关责任人员启动问责程序";
}
