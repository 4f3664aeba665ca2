using System.Globalization;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Escalation.Functions.Web.Uploads;
using Microsoft.Extensions.Logging;
using NodaTime;
using EventId = Escalation.Domain.Events.EventId;

// The folder is Loop/ (the closed loop); the namespace avoids "Loop", a keyword of other .NET languages (CA1716).
namespace Escalation.Functions.Cases;

/// <summary>
/// The closed loop (闭环) as the web uses it: a unit's reporter submits answers (说明, 整改, 专题说明) with evidence and asks for
/// exemptions; the office accepts, rejects, closes (销号), reopens as false (虚假整改), approves or denies. Each step checks its
/// input and answers a <see cref="LoopResult{T}"/> (a Chinese refusal naming the field, the value, why and how to fix it; never
/// an exception for bad input), writes its record once (insert-if-absent under a deterministic key: a repeated click or two
/// instances at once write one row and send one message), then logs and publishes the events it causes through the event
/// outbox (the log is the outbox; the daily run raises the same events again for the records of its catch-up window, so a
/// crash between the record and the log is repaired there). Evidence files come checked but not stored
/// (<see cref="EvidenceUploads"/>): a step stores them only once its checks have passed, right before it writes its row, so a
/// refused step leaves no file; it records their names and hashes.
/// </summary>
public sealed partial class ClosedLoop
{
    private readonly IEntityTables _tables;
    private readonly IMessagePublisher _publisher;
    private readonly IClock _clock;
    private readonly DateTimeZone _zone;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task>? _afterPublish;
    private readonly CaseRecords _records;

    /// <param name="tables">The store.</param>
    /// <param name="publisher">Where events are published: Service Bus in Azure, the local bus in local mode.</param>
    /// <param name="clock">The shell's clock.</param>
    /// <param name="zone">The deployment's zone.</param>
    /// <param name="logger">For the outbox's lines.</param>
    /// <param name="afterPublish">Called after events were published (local mode hands them to its senders at once); null for none.</param>
    public ClosedLoop(IEntityTables tables, IMessagePublisher publisher, IClock clock, DateTimeZone zone, ILogger logger, Func<CancellationToken, Task>? afterPublish = null)
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _afterPublish = afterPublish;
        _records = new CaseRecords(tables);
    }

    // ---- Answers ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// A unit submits an answer to a notice: an explanations row (the case's next <c>Seq</c>) and an answer-submitted event
    /// to the office. Refused: a person who is neither the office nor a reporter of <paramref name="unit"/>; a notice not
    /// logged under the task's unit or demanding nothing of <paramref name="unit"/>; a kind it does not demand; no text and
    /// no evidence; a case already accepted or closed (unless reopened). The same answer submitted again (same person, text
    /// and files) is the earlier one (<see cref="LoopResult{T}.Repeated"/>).
    /// </summary>
    /// <param name="person">Who submits.</param>
    /// <param name="unit">The unit answering (the reporter's).</param>
    /// <param name="notice">The notice's event id (<c>ev-…</c>) or its reference (文号, 督办〔2026〕0123号).</param>
    /// <param name="kind">explanation/说明, rectification/整改 or special-explanation/专题说明.</param>
    /// <param name="text">The answer's text.</param>
    /// <param name="evidence">The files, checked; stored once the answer is accepted, right before its row is written.</param>
    /// <param name="taskUnit">The unit the notice is logged under, when another than <paramref name="unit"/> (a builder answering a task's notice); null for <paramref name="unit"/>.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    public async Task<LoopResult<AnswerView>> SubmitAnswer(
        PersonId person, UnitId unit, string? notice, string? kind, string? text, EvidenceUploads evidence,
        UnitId? taskUnit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        if (Actor(configuration, person, unit, act: "提交答复") is { } forbidden)
        {
            return LoopResult.Refused<AnswerView>(forbidden);
        }

        var owner = taskUnit ?? unit;
        if (!configuration.Roster.Units.ContainsKey(owner))
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.NotFound, "Unit", owner.Value, $"没有编号为「{owner.Value}」的单位。请从本单位的页面进入答复。"));
        }

        if (LoopKeys.ParseKind(kind) is not { } answerKind)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Invalid, "Kind", kind, $"答复类型{(string.IsNullOrWhiteSpace(kind) ? "未填写" : $"「{kind.Trim()}」无法识别")}。请选择 {LoopKeys.KindWords}，与通报的要求一致。"));
        }

        if (string.IsNullOrWhiteSpace(text) && evidence.Files.Count == 0)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Invalid, "Text", text, $"{LoopRules.AnswerName(answerKind)}既没有填写内容，也没有附佐证材料。请填写内容，或上传佐证材料后再提交。"));
        }

        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, owner, cancellationToken).ConfigureAwait(false);
        if (FindDemand(rows.Demands, notice) is not { } demand)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.NotFound, "Notice", notice,
                string.IsNullOrWhiteSpace(notice)
                    ? "没有指明答复哪一份通报。请从通报页面进入答复。"
                    : $"{Name(configuration, owner)}的督办记录中没有编号或文号为「{notice.Trim()}」、要求报送说明或整改的通报。请核对文号（可从通报邮件中复制），或从通报页面进入答复。"));
        }

        var owing = demand.From.Count == 0 ? [owner] : demand.From;
        if (!owing.Contains(unit))
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Forbidden, "Notice", notice,
                $"通报{demand.Reference ?? demand.Notice.Value}没有要求{Name(configuration, unit)}提交答复（要求提交的单位：{string.Join("、", owing.Select(u => Name(configuration, u)))}）。"));
        }

        if (demand.Kind != answerKind)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Invalid, "Kind", kind,
                $"通报{demand.Reference ?? demand.Notice.Value}要求的是{ChineseNames.Of(demand.Kind)}，不是{ChineseNames.Of(answerKind)}。请把答复类型改为「{LoopRules.AnswerName(demand.Kind)}」。"));
        }

        if (SubjectOf(configuration, items, demand.Item, owner) is not { } subject)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.NotFound, "Notice", notice, IndicatorItem.Is(demand.Item)
                ? $"通报所针对的指标「{demand.Item.Value[IndicatorItem.Prefix.Length..]}」已不在指标表（indicators）中，或该指标有问题未能读取，无法登记答复。请联系督查室核对指标。"
                : $"通报所针对的任务「{demand.Item.Value}」已不在{Name(configuration, owner)}的任务表中，或该任务有问题未能读取，无法登记答复。请联系督查室核对任务。"));
        }

        var from = unit == owner ? (UnitId?)null : unit;
        var caseId = new CaseId(demand.Notice, answerKind, unit);
        var answers = UnitItems.Answers(configuration, rows);
        var existing = LoopRules.Cases(answers, rows.Decisions).FirstOrDefault(c => c.Id == caseId);
        var files = Files(evidence.Files);
        var trimmed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();

        // A repeated click (or a second instance racing the first): the same person's same text and files as the case's newest
        // answer are that answer. (The content of an older one, sent again after a newer one, is a new answer superseding it.)
        if (existing?.Answers is [.., var same] && Same(same.Answer, person, trimmed, files))
        {
            return await Submitted(configuration, subject, same.Answer, demand, rows, repeated: true, cancellationToken).ConfigureAwait(false);
        }

        if (LoopRules.RefuseSubmission(existing, answerKind) is { } refusal)
        {
            return LoopResult.Refused<AnswerView>(refusal);
        }

        // Every check passed: the files are stored now, before the row that names them. A crash in between leaves files no row
        // names; they are stored by content (SHA-256), so the unit's retry of the same answer stores nothing new and records them.
        await evidence.Store(cancellationToken).ConfigureAwait(false);
        var now = _clock.GetCurrentInstant();
        var seq = existing?.NextSeq ?? 1;
        var table = await _tables.Table(AdminTables.Explanations.Schema.Name, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 10; attempt++, seq++)
        {
            var row = new ExplanationRow(owner.Value, demand.Notice.Value, demand.Item.Value, LoopKeys.Token(answerKind), IsoDateOf(now), person.Value, trimmed, from?.Value)
            {
                Evidence = EvidenceColumn.Format(files),
                Seq = seq.ToString(CultureInfo.InvariantCulture),
                SubmittedAt = NodaTime.Text.InstantPattern.ExtendedIso.Format(now),
            };
            if (await table.AddIfAbsent(AdminTables.Explanations.ToEntity(row), cancellationToken).ConfigureAwait(false))
            {
                var answer = new Answer(row.Key, owner, demand.Notice, demand.Item, answerKind, from, seq, now.InZone(_zone).Date, files)
                {
                    SubmittedAt = now,
                    SubmittedBy = person,
                    Text = trimmed,
                };
                return await Submitted(configuration, subject, answer, demand, rows, repeated: false, cancellationToken).ConfigureAwait(false);
            }

            // Another call wrote this number first: the same answer (a second instance of this click) or another one.
            var stored = await table.Find(owner.Value, row.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                var other = AdminTables.Explanations.FromEntity(stored);
                var read = UnitItems.Answers(configuration, rows with { Explanations = [other] });
                var parsed = read.Count > 0 ? read[0] : null;
                if (parsed is not null && Same(parsed, person, trimmed, files))
                {
                    return await Submitted(configuration, subject, parsed, demand, rows, repeated: true, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        throw new InvalidOperationException($"Could not number the answer to {demand.Notice} of {unit} after ten attempts: the explanations partition keeps changing.");
    }

    private async Task<LoopResult<AnswerView>> Submitted(
        Configuration configuration, LoopSubject subject, Answer answer, IssuedDemand demand, UnitRows rows, bool repeated, CancellationToken cancellationToken)
    {
        var events = LoopEvents.Submitted(configuration, subject, answer, demand.Reference);
        await Commit(configuration, events, cancellationToken).ConfigureAwait(false);
        var state = LoopRules.StateOf(answer, rows.Decisions);
        return new LoopResult<AnswerView>(View(configuration, state), null, repeated, [.. events.Select(e => e.Id)]);
    }

    /// <summary>
    /// The office decides on an answer: a decisions row and an answer-decided event to the unit; reopening a closed
    /// rectification as false also raises one false-rectification accountability recommendation (R14). Refused: a person
    /// who is not the office; an unknown answer; a decision that is not accept/reject/reopen; accepting a rectification
    /// without evidence; reject or reopen without a reason; an answer decided already (except reopening a closed one).
    /// </summary>
    /// <param name="person">The office's person.</param>
    /// <param name="unit">The answer's unit (the task's).</param>
    /// <param name="answerKey">The answer's explanations row key.</param>
    /// <param name="decision">accept/采纳 (销号 for a rectification), reject/退回, reopen/虚假整改.</param>
    /// <param name="reason">Why; required for reject and reopen.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    public async Task<LoopResult<AnswerView>> Decide(PersonId person, UnitId unit, string? answerKey, string? decision, string? reason, CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var role = RoleOf(configuration, person);
        if (role != WebRole.Office)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Forbidden, "Person", person.Value, "只有督查室可以处理答复（采纳、退回、销号、认定虚假整改）。如需处理，请以督查室人员的账号登录。"));
        }

        if (LoopKeys.ParseDecision(decision) is not { } kind)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Invalid, "Decision", decision, $"处理决定{(string.IsNullOrWhiteSpace(decision) ? "未选择" : $"「{decision.Trim()}」无法识别")}。请选择 accept/采纳（整改报告采纳即销号）、reject/退回 或 reopen/虚假整改。"));
        }

        if (!configuration.Roster.Units.ContainsKey(unit))
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.NotFound, "Unit", unit.Value, $"没有编号为「{unit.Value}」的单位。请从待办列表进入。"));
        }

        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        var answer = UnitItems.Answers(configuration, rows).FirstOrDefault(a => a.Key == answerKey);
        if (answer is null || SubjectOf(configuration, items, answer.Item, unit) is not { } subject)
        {
            return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.NotFound, "Answer", answerKey,
                $"{Name(configuration, unit)}没有编号为「{answerKey}」的答复（或该答复所针对的任务、指标有问题未能读取）。请从待办列表或答复页面进入。"));
        }

        // Where the answer stands within its case: an older answer a newer one superseded is not decided any more.
        var state = StateInCase(configuration, rows, answer);
        var trimmed = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (state.Decisions.Count > 0 && SameDecision(state.Decisions[^1], kind, person, trimmed))
        {
            return await AnswerDecided(configuration, subject, answer, state.Decisions[^1], rows, repeated: true, cancellationToken).ConfigureAwait(false);
        }

        if (LoopRules.RefuseDecision(role, state, kind, trimmed) is { } refusal)
        {
            return LoopResult.Refused<AnswerView>(refusal);
        }

        var made = new Decision(LoopKeys.Decision(answer.Key, state.Decisions.Count + 1), unit, answer.Key, SubjectTable.Explanations, kind, person, _clock.GetCurrentInstant(), trimmed)
        {
            Task = answer.Item,
            Notice = answer.Notice,
        };
        if (!await _records.Add(made, cancellationToken).ConfigureAwait(false))
        {
            // Another call decided first, with this number: the same decision (a second instance of this click), or another.
            var first = await _records.FindDecision(unit, made.Key, cancellationToken).ConfigureAwait(false);
            if (first is null || !SameDecision(first, kind, person, trimmed))
            {
                return LoopResult.Refused<AnswerView>(new Refusal(RefusalKind.Conflict, "Decision", LoopKeys.Token(kind),
                    $"这份答复刚刚已由{(first is null ? "他人" : NameOf(configuration, first.DecidedBy))}处理为「{(first is null ? "" : LoopRules.Words(first.Kind, answer.Kind))}」。请刷新页面查看后再处理。"));
            }

            made = first;
            return await AnswerDecided(configuration, subject, answer, made, rows with { Decisions = [.. rows.Decisions, made] }, repeated: true, cancellationToken).ConfigureAwait(false);
        }

        return await AnswerDecided(configuration, subject, answer, made, rows with { Decisions = [.. rows.Decisions, made] }, repeated: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<LoopResult<AnswerView>> AnswerDecided(
        Configuration configuration, LoopSubject subject, Answer answer, Decision decision, UnitRows rows, bool repeated, CancellationToken cancellationToken)
    {
        var reference = rows.Demands.FirstOrDefault(d => d.Notice == answer.Notice)?.Reference;
        var events = LoopEvents.Decided(configuration, subject, answer, decision, reference);
        await Commit(configuration, events, cancellationToken).ConfigureAwait(false);
        return new LoopResult<AnswerView>(View(configuration, LoopRules.StateOf(answer, rows.Decisions)), null, repeated, [.. events.Select(e => e.Id)]);
    }

    // ---- Exemption requests ----------------------------------------------------------------------------------------

    /// <summary>
    /// A unit requests an exemption for an objective cause: an exemptionrequests row (the next <c>@{seq}</c> for the task or
    /// indicator and period) and an exemption-requested event to the office (R16). Refused: a person who is neither the
    /// office nor a reporter of <paramref name="unit"/>; neither or both of task and indicator; a task not of the unit or an
    /// unknown indicator; a period the exemptions table would refuse (the same checks and words); no reason; a period
    /// already exempt or a request for it still undecided (the same request again is the earlier one).
    /// </summary>
    /// <param name="person">Who asks.</param>
    /// <param name="unit">The requesting unit (the task's, or the unit whose indicator value it is).</param>
    /// <param name="task">The task id, for a task's request.</param>
    /// <param name="indicator">The indicator id, for an indicator's request.</param>
    /// <param name="period">2026-05, 2026-05-X2, 2026-W21, milestone:2026-06-30 (节点:…), deadline (完成时限), start (开工); an indicator's period.</param>
    /// <param name="reason">The objective cause.</param>
    /// <param name="evidence">The files, checked; stored once the request is accepted, right before its row is written.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    public async Task<LoopResult<RequestView>> RequestExemption(
        PersonId person, UnitId unit, string? task, string? indicator, string? period, string? reason, EvidenceUploads evidence,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        if (Actor(configuration, person, unit, act: "申请豁免") is { } forbidden)
        {
            return LoopResult.Refused<RequestView>(forbidden);
        }

        if (!configuration.Roster.Units.ContainsKey(unit))
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.NotFound, "Unit", unit.Value, $"没有编号为「{unit.Value}」的单位。请从本单位的页面进入。"));
        }

        var hasTask = !string.IsNullOrWhiteSpace(task);
        var hasIndicator = !string.IsNullOrWhiteSpace(indicator);
        if (hasTask == hasIndicator)
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, hasTask ? "Indicator" : "Task", hasTask ? indicator : task,
                hasTask ? "一份豁免申请只能针对一项任务或一个指标，不能同时填写。请只保留其中之一。" : "没有指明申请豁免的任务或指标。请从任务页面（或指标页面）进入申请。"));
        }

        if (string.IsNullOrWhiteSpace(period))
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Period", period, "没有填写申请豁免的期次或节点。请填写期次（如 2026-05、2026-05-X2、2026-W21）、节点（如 节点:2026-06-30）、完成时限或开工。"));
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Reason", reason, "申请豁免必须写明客观原因。请在「理由」中说明原因，并尽量附上佐证材料。"));
        }

        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        var trimmedPeriod = period.Trim();
        ItemId subjectItem;
        LoopSubject subject;
        ExemptionRow candidate;
        IEnumerable<ExemptionRow> exempted;
        if (hasTask)
        {
            if (items.FirstOrDefault(i => i.Item.Id.Value == task!.Trim()) is not { } found)
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.NotFound, "Task", task,
                    $"{Name(configuration, unit)}没有可用的编号为「{task!.Trim()}」的任务。请从本单位的任务页面进入申请。"));
            }

            subjectItem = found.Item.Id;
            subject = LoopSubject.Of(found.Item, configuration.Roster);
            exempted = rows.Exemptions.Where(e => !e.IsIndicator);
            candidate = new ExemptionRow(unit.Value, found.Item.Id.Value, trimmedPeriod, person.Value, null, reason.Trim(), "客观");

            // The exemptions table's own checks (a period key, one of the task's checkpoints, a planned start), in its words.
            var (_, problems) = UnitItems.Build(configuration, rows with { Exemptions = [candidate] });
            if (problems.FirstOrDefault(p => p.Table == ExemptionRow.Table && p.Key == candidate.Key) is { } problem)
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Period", period, problem.Reason));
            }
        }
        else
        {
            var id = indicator!.Trim();
            if (IndicatorId.TryValidate(id) is not null || !configuration.Indicators.Definitions.TryGetValue(new IndicatorId(id), out var definition))
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.NotFound, "Indicator", indicator, $"没有可用的编号为「{id}」的指标。请从指标页面进入申请。"));
            }

            subjectItem = IndicatorItem.For(definition.Id);
            subject = LoopSubject.Of(definition, unit, configuration.Roster);
            candidate = new ExemptionRow(unit.Value, null, trimmedPeriod, person.Value, null, reason.Trim(), "客观", id);
            if (IndicatorItems.Check(configuration, [], [candidate]).FirstOrDefault(p => p.Table == ExemptionRow.Table) is { } problem)
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Period", period, problem.Reason));
            }

            // The indicator's values and exemptions: one partition each. A unit that neither answers for the indicator nor
            // has values of it is not assessed on it: there is nothing to exempt.
            var indicatorRows = await new AdminStore(_tables).ReadIndicator(definition.Id, cancellationToken).ConfigureAwait(false);
            if (definition.Owner != unit && !indicatorRows.Values.Any(v => UnitRow.KeyOf(v.Unit) == unit.Value))
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Indicator", indicator,
                    $"指标「{definition.Name}」（{id}）的责任单位是{Name(configuration, definition.Owner)}，{Name(configuration, unit)}也没有该指标的数据，不按这个指标考核，无需申请豁免。请核对指标编号；如确需豁免，请由责任单位申请。"));
            }

            exempted = indicatorRows.Exemptions;
        }

        var files = Files(evidence.Files);
        var earlier = rows.ExemptionRequests.Where(r => r.Item == subjectItem && r.Period == trimmedPeriod).OrderBy(r => r.Seq).ToList();
        if (earlier.FirstOrDefault(r => r.RequestedBy == person && r.Reason == reason.Trim() && SameFiles(r.Evidence, files)) is { } same)
        {
            return await Requested(configuration, subject, same, rows, repeated: true, cancellationToken).ConfigureAwait(false);
        }

        if (earlier.FirstOrDefault(r => DecisionsOn(rows.Decisions, r.Key).Count == 0) is { } undecided)
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Conflict, "Period", period,
                $"该{(hasTask ? "任务" : "指标")}的「{trimmedPeriod}」已有一份待审批的豁免申请（{NameOf(configuration, undecided.RequestedBy)}提交）。请等待督查室审批，不要重复申请。"));
        }

        if (exempted.Any(e => e.Key == candidate.Key && (string.IsNullOrWhiteSpace(e.Cause) || UnitItems.IsObjective(e.Cause))))
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Conflict, "Period", period, $"该{(hasTask ? "任务" : "指标")}的「{trimmedPeriod}」已经豁免（客观原因），无需再申请。"));
        }

        // Every check passed: the files are stored now, before the row that names them (a crash in between: see SubmitAnswer).
        await evidence.Store(cancellationToken).ConfigureAwait(false);
        var now = _clock.GetCurrentInstant();
        var seq = earlier.Count == 0 ? 1 : earlier.Max(r => r.Seq) + 1;
        for (var attempt = 0; attempt < 10; attempt++, seq++)
        {
            var request = new ExemptionRequest(LoopKeys.ExemptionRequest(subjectItem.Value, trimmedPeriod, seq), unit, hasTask ? subjectItem : null,
                hasTask ? null : indicator!.Trim(), trimmedPeriod, reason.Trim(), person, now, files);
            if (await _records.Add(request, cancellationToken).ConfigureAwait(false))
            {
                return await Requested(configuration, subject, request, rows, repeated: false, cancellationToken).ConfigureAwait(false);
            }

            if (await _records.FindRequest(unit, request.Key, cancellationToken).ConfigureAwait(false) is { } stored
                && stored.RequestedBy == person && stored.Reason == request.Reason && SameFiles(stored.Evidence, files))
            {
                return await Requested(configuration, subject, stored, rows, repeated: true, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"Could not number the exemption request of {unit} for {subjectItem} {trimmedPeriod} after ten attempts.");
    }

    private async Task<LoopResult<RequestView>> Requested(
        Configuration configuration, LoopSubject subject, ExemptionRequest request, UnitRows rows, bool repeated, CancellationToken cancellationToken)
    {
        var events = LoopEvents.Requested(configuration, subject, request);
        await Commit(configuration, events, cancellationToken).ConfigureAwait(false);
        return new LoopResult<RequestView>(View(configuration, request, subject.ItemTitle, DecisionsOn(rows.Decisions, request.Key)), null, repeated, [.. events.Select(e => e.Id)]);
    }

    /// <summary>
    /// The office decides on an exemption request: a decisions row and, on approval, the exemptions row (Cause 客观, Request =
    /// the request's key), so that the period does not count; an answer-decided event to the unit. Refused: a person who is
    /// not the office; an unknown request; a decision that is not approve/deny; deny without a reason; a request decided
    /// already. The decision row decides (insert-if-absent: of an approval racing a denial, the one written first wins), and
    /// only an approval that won writes the exemptions row after it. A crash between leaves the request approved without
    /// its exemptions row: approving it again (any office person) finds the approval and completes the row; meanwhile a task's
    /// period is exempt all the same (UnitItems reads an approved request without its row as the row); an indicator's needs the row.
    /// </summary>
    /// <param name="person">The office's person.</param>
    /// <param name="unit">The requesting unit.</param>
    /// <param name="requestKey">The exemptionrequests row key.</param>
    /// <param name="decision">approve/批准 or deny/不予批准.</param>
    /// <param name="reason">Why; required to deny.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    public async Task<LoopResult<RequestView>> DecideExemption(PersonId person, UnitId unit, string? requestKey, string? decision, string? reason, CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var role = RoleOf(configuration, person);
        if (role != WebRole.Office)
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Forbidden, "Person", person.Value, "只有督查室可以审批豁免申请。如需审批，请以督查室人员的账号登录。"));
        }

        if (LoopKeys.ParseDecision(decision) is not { } kind)
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Invalid, "Decision", decision, $"审批决定{(string.IsNullOrWhiteSpace(decision) ? "未选择" : $"「{decision.Trim()}」无法识别")}。请选择 approve/批准 或 deny/不予批准。"));
        }

        if (!configuration.Roster.Units.ContainsKey(unit))
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.NotFound, "Unit", unit.Value, $"没有编号为「{unit.Value}」的单位。请从待办列表进入。"));
        }

        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        var request = rows.ExemptionRequests.FirstOrDefault(r => r.Key == requestKey);
        var subject = request is null ? null : SubjectOf(configuration, items, request);
        if (request is null || subject is null)
        {
            return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.NotFound, "Request", requestKey,
                $"{Name(configuration, unit)}没有编号为「{requestKey}」的豁免申请（或它所针对的任务、指标已不可用）。请从待办列表进入。"));
        }

        var trimmed = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var earlier = DecisionsOn(rows.Decisions, request.Key);
        // The same decision again (a repeated click), or an approval of an approved request (completing its exemptions row).
        if (earlier.Count > 0 && (SameDecision(earlier[^1], kind, person, trimmed) || (kind == LoopDecision.Approve && earlier[^1].Kind == LoopDecision.Approve)))
        {
            return await ExemptionDecided(configuration, subject, request, earlier[^1], earlier, repeated: true, cancellationToken).ConfigureAwait(false);
        }

        if (LoopRules.RefuseExemptionDecision(role, earlier, kind, trimmed) is { } refusal)
        {
            return LoopResult.Refused<RequestView>(refusal);
        }

        var now = _clock.GetCurrentInstant();
        var made = new Decision(LoopKeys.Decision(request.Key, earlier.Count + 1), unit, request.Key, SubjectTable.ExemptionRequests, kind, person, now, trimmed)
        {
            Task = request.Item,
        };
        var repeated = false;
        if (!await _records.Add(made, cancellationToken).ConfigureAwait(false))
        {
            var first = await _records.FindDecision(unit, made.Key, cancellationToken).ConfigureAwait(false);
            if (first is null || !SameDecision(first, kind, person, trimmed))
            {
                return LoopResult.Refused<RequestView>(new Refusal(RefusalKind.Conflict, "Decision", LoopKeys.Token(kind),
                    $"这份豁免申请刚刚已由{(first is null ? "他人" : NameOf(configuration, first.DecidedBy))}审批为「{(first is null ? "" : LoopRules.Words(first.Kind))}」。请刷新页面查看。"));
            }

            made = first;
            repeated = true;
        }

        return await ExemptionDecided(configuration, subject, request, made, [.. earlier, made], repeated, cancellationToken).ConfigureAwait(false);
    }

    private async Task<LoopResult<RequestView>> ExemptionDecided(
        Configuration configuration, LoopSubject subject, ExemptionRequest request, Decision decision, IReadOnlyList<Decision> decisions, bool repeated, CancellationToken cancellationToken)
    {
        if (decision.Kind == LoopDecision.Approve)
        {
            // Written by the approval that won the decision row (or one completing it), as of that decision.
            var exemption = new ExemptionRow(request.Unit.Value, request.Task?.Value, request.Period, decision.DecidedBy.Value, IsoDateOf(decision.DecidedAt), request.Reason, "客观", request.Indicator)
            {
                Request = request.Key,
            };
            var table = await _tables.Table(AdminTables.Exemptions.Schema.Name, cancellationToken).ConfigureAwait(false);

            // An exemptions row the office wrote for the same occurrence already exempts it: kept as it is.
            await table.AddIfAbsent(AdminTables.Exemptions.ToEntity(exemption), cancellationToken).ConfigureAwait(false);
        }

        var events = LoopEvents.Decided(configuration, subject, request, decision);
        await Commit(configuration, events, cancellationToken).ConfigureAwait(false);
        return new LoopResult<RequestView>(View(configuration, request, subject.ItemTitle, decisions), null, repeated, [.. events.Select(e => e.Id)]);
    }

    // ---- Read models -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The cases of a unit: every demand its notices made (of it, or of another unit such as its builder), with the
    /// answers and decisions so far (who, when, what, evidence names and hashes). Read from the unit's partitions.
    /// </summary>
    public async Task<IReadOnlyList<CaseView>> UnitCases(UnitId unit, CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        var all = UnitItems.Answers(configuration, rows);
        var titles = items.ToDictionary(i => i.Item.Id, i => i.Item.Title);
        var views = new List<CaseView>();
        foreach (var demand in rows.Demands.Where(d => d.Round == 0).OrderBy(d => d.DueBy).ThenBy(d => d.Notice.Value, StringComparer.Ordinal))
        {
            foreach (var owing in demand.From.Count == 0 ? [unit] : demand.From)
            {
                // An answer to any repeat of the notice counts for the thread: gather them under the first notice.
                var thread = rows.Demands.Where(d => d.Notice == demand.Notice || (demand.Thread is { } t && d.Thread == t)).Select(d => d.Notice).ToHashSet();
                var answers = all.Where(a => thread.Contains(a.Notice) && a.Kind == demand.Kind && a.Submitter == owing)
                    .OrderBy(a => a.SubmittedAt ?? Instant.MinValue).ThenBy(a => a.Seq).Select(a => LoopRules.StateOf(a, rows.Decisions)).ToList();
                var loopCase = LoopRules.CaseOf(new CaseId(demand.Notice, demand.Kind, owing), answers);
                views.Add(new CaseView(
                    demand.Notice,
                    demand.Reference,
                    demand.Item,
                    titles.TryGetValue(demand.Item, out var title) ? title : UnitItems.IndicatorOf(configuration, demand.Item)?.Name ?? demand.Item.Value,
                    demand.Kind,
                    demand.DueBy,
                    owing,
                    loopCase.Status,
                    loopCase.Status is { } status ? LoopRules.Words(status) : "待提交",
                    loopCase.MetOn,
                    LoopRules.RefuseSubmission(loopCase, demand.Kind) is null,
                    [.. loopCase.Answers.Select(a => View(configuration, a))]));
            }
        }

        return views;
    }

    /// <summary>One answer of a unit by its key, with its history; null when there is none.</summary>
    public async Task<AnswerView?> Answer(UnitId unit, string key, CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var (_, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        return UnitItems.Answers(configuration, rows).FirstOrDefault(a => a.Key == key) is { } answer
            ? View(configuration, StateInCase(configuration, rows, answer))
            : null;
    }

    /// <summary>A unit's exemption requests with their decisions, newest first.</summary>
    public async Task<IReadOnlyList<RequestView>> ExemptionRequests(UnitId unit, CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var (items, _, rows) = await new DailyRead(_tables, _clock, _zone).UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        return
        [
            .. rows.ExemptionRequests.OrderByDescending(r => r.RequestedAt)
                .Select(r => View(configuration, r, SubjectOf(configuration, items, r)?.ItemTitle ?? r.Item.Value, DecisionsOn(rows.Decisions, r.Key))),
        ];
    }

    /// <summary>
    /// What waits for the office, all units: answers not decided yet (the newest of a case: an older one a newer answer
    /// superseded is not listed) and exemption requests not decided yet, oldest first.
    /// </summary>
    public async Task<PendingView> Pending(CancellationToken cancellationToken = default)
    {
        var configuration = await Configuration(cancellationToken).ConfigureAwait(false);
        var read = new DailyRead(_tables, _clock, _zone);
        var answers = new List<AnswerView>();
        var requests = new List<RequestView>();
        foreach (var unit in configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
        {
            var (items, _, rows) = await read.UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
            answers.AddRange(LoopRules.Cases(UnitItems.Answers(configuration, rows), rows.Decisions).SelectMany(c => c.Answers)
                .Where(s => s.Status == CaseStatus.Pending).Select(s => View(configuration, s)));
            requests.AddRange(rows.ExemptionRequests.Where(r => DecisionsOn(rows.Decisions, r.Key).Count == 0)
                .Select(r => View(configuration, r, SubjectOf(configuration, items, r)?.ItemTitle ?? r.Item.Value, [])));
        }

        return new PendingView(
            [.. answers.OrderBy(a => a.SubmittedAt ?? a.SubmittedOn.AtStartOfDayInZone(_zone).ToInstant())],
            [.. requests.OrderBy(r => r.RequestedAt)]);
    }

    // ---- Shared ----------------------------------------------------------------------------------------------------

    /// <summary>The configuration as of now (read afresh: a decision must see today's people and rules).</summary>
    private async Task<Configuration> Configuration(CancellationToken cancellationToken) =>
        (await new DailyRead(_tables, _clock, _zone).ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false)).Configuration;

    /// <summary>Logs each event once and publishes the new ones and those logged before but not delivered (a crash after logging).</summary>
    private async Task Commit(Configuration configuration, IReadOnlyList<EscalationEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var log = new EscalationLog(_tables);
        var known = await log.States(events, cancellationToken).ConfigureAwait(false);
        var undelivered = events
            .Where(e => known.TryGetValue(e.Id.Value, out var s) && s.Status is LogStatus.Logged)
            .Select(e => (known[e.Id.Value].Unit ?? e.Unit, e.Id, known[e.Id.Value]))
            .ToList();
        var outcome = await new EventOutbox(log, _publisher, _logger).Commit(events, known, undelivered, _clock.GetCurrentInstant(), configuration.Wording.ReferencePrefix, cancellationToken).ConfigureAwait(false);
        if ((outcome.Logged.Count > 0 || outcome.Republished > 0) && _afterPublish is not null)
        {
            await _afterPublish(cancellationToken).ConfigureAwait(false);
        }

        LogCommitted(_logger, events.Count, outcome.Logged.Count, outcome.Republished);
    }

    private static WebRole RoleOf(Configuration configuration, PersonId person) =>
        configuration.People.TryGetValue(person, out var contact) ? WebRoles.Of(contact, configuration.Roster.SupervisionOffice) : WebRole.None;

    /// <summary>Who may act for a unit: the office, or a reporter of that unit.</summary>
    private static Refusal? Actor(Configuration configuration, PersonId person, UnitId unit, string act)
    {
        if (!configuration.People.TryGetValue(person, out var contact))
        {
            return new Refusal(RefusalKind.Forbidden, "Person", person.Value, $"人员「{person.Value}」不在人员表中，不能{act}。请联系督查室在人员表中登记。");
        }

        return WebRoles.Of(contact, configuration.Roster.SupervisionOffice) switch
        {
            WebRole.Office => null,
            WebRole.Reporter when contact.Unit == unit => null,
            WebRole.Reporter => new Refusal(RefusalKind.Forbidden, "Unit", unit.Value, $"您是{Name(configuration, contact.Unit!.Value)}的填报员，只能为本单位{act}，不能代{Name(configuration, unit)}{act}。"),
            WebRole.Leader => new Refusal(RefusalKind.Forbidden, "Person", person.Value, $"领导账号只能查看，不能{act}。请由单位填报员{act}。"),
            _ => new Refusal(RefusalKind.Forbidden, "Person", person.Value, $"您的账号没有网页权限，不能{act}。请联系督查室在人员表中设置网页角色。"),
        };
    }

    /// <summary>The demand a notice id or reference names (the first of a repeated notice's thread), or null.</summary>
    private static IssuedDemand? FindDemand(IReadOnlyList<IssuedDemand> demands, string? notice)
    {
        if (string.IsNullOrWhiteSpace(notice))
        {
            return null;
        }

        var text = notice.Trim();
        var found = EventId.TryParse(text, out var id)
            ? demands.FirstOrDefault(d => d.Notice == id)
            : ReferenceNumber.TryParse(text, out var reference)
                ? demands.FirstOrDefault(d => ReferenceNumber.TryParse(d.Reference, out var its) && its == reference)
                : null;
        if (found?.Thread is { } thread)
        {
            return demands.Where(d => d.Thread == thread).OrderBy(d => d.Round).ThenBy(d => d.Notice.Value, StringComparer.Ordinal).First();
        }

        return found;
    }

    /// <summary>What a notice of <paramref name="unit"/>'s log is about: one of its tasks, or a configured indicator (<c>ind:{indicator}</c>); null for neither.</summary>
    private static LoopSubject? SubjectOf(Configuration configuration, IReadOnlyList<ItemState> items, ItemId item, UnitId unit)
    {
        if (UnitItems.IndicatorOf(configuration, item) is { } indicator)
        {
            return LoopSubject.Of(indicator, unit, configuration.Roster);
        }

        return items.FirstOrDefault(i => i.Item.Id == item) is { } task ? LoopSubject.Of(task.Item, configuration.Roster) : null;
    }

    private static LoopSubject? SubjectOf(Configuration configuration, IReadOnlyList<ItemState> items, ExemptionRequest request)
    {
        if (request.Task is { } task)
        {
            return items.FirstOrDefault(i => i.Item.Id == task) is { } item ? LoopSubject.Of(item.Item, configuration.Roster) : null;
        }

        return request.Indicator is { } indicator && IndicatorId.TryValidate(indicator) is null
            && configuration.Indicators.Definitions.TryGetValue(new IndicatorId(indicator), out var definition)
            ? LoopSubject.Of(definition, request.Unit, configuration.Roster)
            : null;
    }

    /// <summary>An answer's state within its case (<see cref="LoopRules.CaseOf"/>: superseded when a newer answer followed it undecided).</summary>
    private static AnswerState StateInCase(Configuration configuration, UnitRows rows, Answer answer) =>
        LoopRules.Cases(UnitItems.Answers(configuration, rows).Where(a => a.Case == answer.Case), rows.Decisions)
            .SelectMany(c => c.Answers).FirstOrDefault(s => s.Answer.Key == answer.Key) ?? LoopRules.StateOf(answer, rows.Decisions);

    private static List<Decision> DecisionsOn(IReadOnlyList<Decision> decisions, string subject) =>
        [.. decisions.Where(d => d.Subject == subject).OrderBy(d => d.Seq)];

    private static Evidence[] Files(IReadOnlyList<EvidenceFile> files) =>
        [.. files.Select(f => new Evidence(f.Name, f.Hash, f.Size, f.ContentType))];

    private static bool Same(Answer answer, PersonId person, string? text, IReadOnlyList<Evidence> files) =>
        answer.SubmittedBy == person && answer.Text == text && SameFiles(answer.Evidence, files);

    private static bool SameFiles(IReadOnlyList<Evidence> a, IReadOnlyList<Evidence> b) =>
        a.Select(f => (f.Name, f.Sha256)).SequenceEqual(b.Select(f => (f.Name, f.Sha256)));

    private static bool SameDecision(Decision decision, LoopDecision kind, PersonId person, string? reason) =>
        decision.Kind == kind && decision.DecidedBy == person && decision.Reason == reason;

    private string IsoDateOf(Instant instant) => Domain.Calendar.IsoDate.Format(instant.InZone(_zone).Date);

    private static string Name(Configuration configuration, UnitId unit) =>
        configuration.Roster.Units.TryGetValue(unit, out var u) ? u.Name : unit.Value;

    private static string NameOf(Configuration configuration, PersonId person) =>
        configuration.People.TryGetValue(person, out var contact) ? contact.Name : person.Value;

    private static PersonView Person(Configuration configuration, PersonId person) => new(person, NameOf(configuration, person));

    private static AnswerView View(Configuration configuration, AnswerState state)
    {
        var a = state.Answer;
        return new AnswerView(
            a.Unit, a.Key, a.Notice, a.Item, a.Kind, LoopRules.AnswerName(a.Kind), a.From, a.Seq, a.SubmittedOn, a.SubmittedAt,
            a.SubmittedBy is { } by ? Person(configuration, by) : null,
            a.Text,
            [.. a.Evidence.Select(e => new EvidenceView(e.Name, e.Sha256, e.Bytes, e.ContentType))],
            state.Status,
            LoopRules.Words(state.Status),
            state.MetOn is not null,
            [.. state.Decisions.Select(d => View(configuration, d, a.Kind))]);
    }

    private static DecisionView View(Configuration configuration, Decision d, DemandKind? kind = null) =>
        new(d.Key, d.Kind, LoopRules.Words(d.Kind, kind), Person(configuration, d.DecidedBy), d.DecidedAt, d.Reason);

    private static RequestView View(Configuration configuration, ExemptionRequest r, string title, IReadOnlyList<Decision> decisions)
    {
        var status = decisions.Count == 0 ? RequestStatus.Pending : decisions[^1].Kind == LoopDecision.Approve ? RequestStatus.Approved : RequestStatus.Denied;
        return new RequestView(
            r.Unit, r.Key, r.Task, r.Indicator, title, r.Period, r.Reason, Person(configuration, r.RequestedBy), r.RequestedAt,
            [.. r.Evidence.Select(e => new EvidenceView(e.Name, e.Sha256, e.Bytes, e.ContentType))],
            status,
            status switch { RequestStatus.Pending => "待审批", RequestStatus.Approved => "已批准", _ => "不予批准" },
            [.. decisions.Select(d => View(configuration, d))]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed loop: {Events} events caused, {Logged} logged now, {Republished} published again")]
    private static partial void LogCommitted(ILogger logger, int events, int logged, int republished);
}
