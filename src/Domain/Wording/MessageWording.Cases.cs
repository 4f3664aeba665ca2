using System.Globalization;
using Escalation.Domain.Cases;
using Escalation.Domain.Events;

namespace Escalation.Domain.Wording;

// The closed loop (闭环): a unit's answer told to the office, the office's decision told to the unit, a false rectification
// recommended for accountability, an exemption request told to the office. The facts are what was done, by whom, when and
// why, never progress figures.
public static partial class MessageWording
{
    /// <summary>The shipped template of a loop event; null for other events.</summary>
    private static string? LoopTemplateId(EscalationEvent e) => e.Kind switch
    {
        EventKind.AnswerSubmitted => "answer-submitted",
        EventKind.AnswerDecided => "answer-decided",
        EventKind.FalseRectification => "false-rectification",
        EventKind.ExemptionRequested => "exemption-requested",
        _ => null,
    };

    /// <summary>What is answered: 整改报告, 情况说明, 专题说明; 豁免申请 for a request.</summary>
    private static string AnswerWord(LoopFacts loop) =>
        loop.AnswerKind is { } kind ? LoopRules.AnswerName(kind) : loop.Table == SubjectTable.ExemptionRequests ? "豁免申请" : "";

    /// <summary>The decision as a phrase: 予以采纳，已销号 / 予以退回 / 认定为虚假整改，已重新打开 / 予以批准 / 不予批准.</summary>
    private static string DecisionPhrase(LoopFacts loop) => loop.Decision switch
    {
        LoopDecision.Accept when loop.AnswerKind == Rules.DemandKind.Rectification => "予以采纳，已销号",
        LoopDecision.Accept => "予以采纳",
        LoopDecision.Reject => "予以退回",
        LoopDecision.Reopen => "认定为虚假整改，已重新打开",
        LoopDecision.Approve => "予以批准",
        LoopDecision.Deny => "不予批准",
        _ => "",
    };

    /// <summary>（第2次提交） for a resubmission; empty for the first.</summary>
    private static string SeqNote(LoopFacts loop) =>
        loop.Seq is > 1 and var n ? string.Create(CultureInfo.InvariantCulture, $"（第{n}次提交）") : "";

    /// <summary>The situation of a loop event, continuing 「{unit}承担的“{item}”」; null for other events.</summary>
    private static string? LoopSituation(EscalationEvent e, Style style)
    {
        if (e.Facts.Loop is not { } loop)
        {
            return null;
        }

        var what = AnswerWord(loop);
        var period = Text(loop.Period) is { Length: > 0 } p ? "（" + p + "）" : "";
        return e.Kind switch
        {
            EventKind.AnswerSubmitted => style == Style.Cell ? "已提交" + what : "已提交" + what + SeqNote(loop) + ReferenceOf(loop),
            EventKind.AnswerDecided when style == Style.Cell => what + period + "：" + LoopRules.Words(loop.Decision ?? LoopDecision.Accept, loop.AnswerKind),
            EventKind.AnswerDecided => "的" + what + period + SeqNote(loop) + "经督查室审核，" + DecisionPhrase(loop),
            EventKind.FalseRectification => style == Style.Cell ? "虚假整改" : "已采纳销号的整改经核查认定为虚假整改",
            EventKind.ExemptionRequested => style == Style.Cell ? "申请豁免" + period : "以客观原因申请豁免" + period,
            _ => null,
        };
    }

    /// <summary>（原通报督办〔2025〕0012号） when the answered notice has a reference.</summary>
    private static string ReferenceOf(LoopFacts loop) =>
        Text(loop.NoticeReference) is { Length: > 0 } reference ? "（原通报" + reference + "）" : "";

    /// <summary>The subject's words for a loop event (grouped letters): 答复已提交, 答复处理结果, 虚假整改, 豁免申请.</summary>
    private static string? LoopTopic(EscalationEvent e) => e.Kind switch
    {
        EventKind.AnswerSubmitted => "说明整改已提交",
        EventKind.AnswerDecided => "答复处理结果",
        EventKind.FalseRectification => "虚假整改",
        EventKind.ExemptionRequested => "豁免申请",
        _ => null,
    };

    /// <summary>The facts rows of a loop event: the record, what was done, by whom, when, why, with which evidence.</summary>
    private static void LoopFactRows(LoopFacts loop, Action<string, string> row)
    {
        row("原通报文号", Text(loop.NoticeReference));
        row("答复类型", AnswerWord(loop) + SeqNote(loop));
        row("豁免期次", Text(loop.Period));
        row("处理结果", loop.Decision is { } decision ? LoopRules.Words(decision, loop.AnswerKind) : "");
        row("理由", Text(loop.Reason));
        row("办理人", Text(loop.ActorName) is { Length: > 0 } name ? name : Text(loop.Actor?.Value));
        row("佐证材料", EvidenceColumn.Names(loop.Evidence));
    }

    /// <summary>The placeholders of the loop: {answer}, {decision}, {reason}, {actor}, {evidence}, {notice}, {exemptPeriod}.</summary>
    private static void AddLoopValues(Dictionary<string, string> values, EscalationEvent e)
    {
        var loop = e.Facts.Loop;
        values["answer"] = loop is null ? "" : AnswerWord(loop);
        values["decision"] = loop?.Decision is { } decision ? LoopRules.Words(decision, loop.AnswerKind) : "";
        values["reason"] = Text(loop?.Reason);
        values["actor"] = loop is null ? "" : Text(loop.ActorName) is { Length: > 0 } name ? name : Text(loop.Actor?.Value);
        values["evidence"] = loop is null ? "" : EvidenceColumn.Names(loop.Evidence);
        values["notice"] = Text(loop?.NoticeReference);
        values["exemptPeriod"] = Text(loop?.Period);
    }
}
