using Escalation.Domain.Accountability;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Cases;

/// <summary>
/// What a closed loop's event records besides the item: the record it is about (an answer, a decision, an exemption
/// request), what was done, by whom, when and why, and the evidence named. Its message tells the other side.
/// </summary>
/// <param name="Table">The table of the record the event is about: explanations (an answer), exemptionrequests (a request), or for a decision the table of what was decided.</param>
/// <param name="Subject">The row key of the answer or request.</param>
public sealed record LoopFacts(SubjectTable Table, string Subject)
{
    /// <summary>The answer's kind (情况说明, 整改报告, 专题说明); null for an exemption request.</summary>
    public DemandKind? AnswerKind { get; init; }

    /// <summary>The answer's number within its case (1 the first submission).</summary>
    public int? Seq { get; init; }

    /// <summary>For a decision: what was decided.</summary>
    public LoopDecision? Decision { get; init; }

    /// <summary>The reason given (a decision's, or the exemption request's cause).</summary>
    public string? Reason { get; init; }

    /// <summary>Who submitted, requested or decided.</summary>
    public PersonId? Actor { get; init; }

    /// <summary>Their name then.</summary>
    public string? ActorName { get; init; }

    /// <summary>When.</summary>
    public Instant? At { get; init; }

    /// <summary>
    /// The evidence files: names, and for files stored by the web their SHA-256 (rows logged before the hashes were logged
    /// name the files only).
    /// </summary>
    public IReadOnlyList<Evidence> Evidence { get; init; } = [];

    /// <summary>For an answer (and a decision on one): the notice it answers.</summary>
    public EventId? Notice { get; init; }

    /// <summary>That notice's reference (文号), when it has one.</summary>
    public string? NoticeReference { get; init; }

    /// <summary>For an exemption request: the period or occurrence it names, as the exemptions table writes it.</summary>
    public string? Period { get; init; }

    /// <summary>The unit that submitted or requested, when another than the item's (a builder).</summary>
    public UnitId? From { get; init; }
}

/// <summary>The item a loop event is about, as its message and recipients need it.</summary>
/// <param name="Item">The task, or <c>ind:{indicator}</c>.</param>
/// <param name="Unit">The task's unit (the log's partition).</param>
/// <param name="ItemTitle">The task's title, or the indicator's name.</param>
/// <param name="UnitName">The unit's name.</param>
/// <param name="Owner">The task's owner (具体责任人); null for an indicator.</param>
/// <param name="LeadOfficial">The task's lead official, when it names one.</param>
/// <param name="Builder">The task's builder (建设单位), when it has one.</param>
public sealed record LoopSubject(ItemId Item, UnitId Unit, string ItemTitle, string UnitName, PersonId? Owner = null, PersonId? LeadOfficial = null, UnitId? Builder = null)
{
    /// <summary>A task as the evaluator knows it.</summary>
    public static LoopSubject Of(SupervisedItem item, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(roster);
        return new LoopSubject(item.Id, item.Unit, item.Title, NameOf(item.Unit, roster), item.Owner, item.LeadOfficial, item.Builder);
    }

    /// <summary>An indicator of <paramref name="unit"/> (an exemption request for one of its periods).</summary>
    public static LoopSubject Of(IndicatorDefinition indicator, UnitId unit, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        ArgumentNullException.ThrowIfNull(roster);
        return new LoopSubject(IndicatorItem.For(indicator.Id), unit, indicator.Name, NameOf(unit, roster));
    }

    private static string NameOf(UnitId unit, Roster roster) => roster.Units.TryGetValue(unit, out var u) ? u.Name : unit.Value;
}

/// <summary>
/// The events the closed loop raises, one per enabled rule of the trigger (R12 答复提交, R13 答复处理, R14 虚假整改, R16 豁免申请):
/// pure, with deterministic ids from the record's key (<c>answer:{key}</c>, <c>decision:{key}</c>, <c>false:{key}</c>,
/// <c>exemption:{key}</c>), so that the web, which raises them when it writes the record, and the daily run, which raises them
/// again for the records of its catch-up window, log each once.
/// </summary>
public static class LoopEvents
{
    /// <summary>True for the loop's triggers, which the evaluator's item checks ignore.</summary>
    public static bool IsLoop(TriggerKind kind) =>
        kind is TriggerKind.AnswerSubmitted or TriggerKind.AnswerDecided or TriggerKind.FalseRectification or TriggerKind.ExemptionRequested;

    /// <summary>An answer was submitted: tells whom the answer-submitted rules name (the office).</summary>
    public static IReadOnlyList<EscalationEvent> Submitted(Configuration configuration, LoopSubject subject, Answer answer, string? noticeReference, ScanSlot? scan = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(answer);
        var facts = new LoopFacts(SubjectTable.Explanations, answer.Key)
        {
            AnswerKind = answer.Kind,
            Seq = answer.Seq,
            Actor = answer.SubmittedBy,
            ActorName = NameOf(configuration, answer.SubmittedBy),
            At = answer.SubmittedAt,
            Evidence = answer.Evidence,
            Notice = answer.Notice,
            NoticeReference = noticeReference,
            From = answer.From,
        };
        return Raise(configuration, TriggerKind.AnswerSubmitted, EventKind.AnswerSubmitted, subject, "answer:" + answer.Key, facts, answer.SubmittedOn, answer.Submitter, scan);
    }

    /// <summary>
    /// The office decided on an answer: tells the unit (answer-decided rules); a reopen as false also raises the
    /// false-rectification rules' accountability recommendation, one per reopen decision.
    /// </summary>
    public static IReadOnlyList<EscalationEvent> Decided(Configuration configuration, LoopSubject subject, Answer answer, Decision decision, string? noticeReference, ScanSlot? scan = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(decision);
        var facts = new LoopFacts(SubjectTable.Explanations, answer.Key)
        {
            AnswerKind = answer.Kind,
            Seq = answer.Seq,
            Decision = decision.Kind,
            Reason = decision.Reason,
            Actor = decision.DecidedBy,
            ActorName = NameOf(configuration, decision.DecidedBy),
            At = decision.DecidedAt,
            Evidence = answer.Evidence,
            Notice = answer.Notice,
            NoticeReference = noticeReference,
            From = answer.From,
        };
        var date = configuration.Calendar.DateAt(decision.DecidedAt);
        var events = Raise(configuration, TriggerKind.AnswerDecided, EventKind.AnswerDecided, subject, "decision:" + decision.Key, facts, date, answer.Submitter, scan).ToList();
        if (decision.Kind == LoopDecision.Reopen)
        {
            events.AddRange(Raise(configuration, TriggerKind.FalseRectification, EventKind.FalseRectification, subject, "false:" + decision.Key, facts, date, answer.Submitter, scan));
        }

        return events;
    }

    /// <summary>The office decided on an exemption request: tells the requesting unit (answer-decided rules).</summary>
    public static IReadOnlyList<EscalationEvent> Decided(Configuration configuration, LoopSubject subject, ExemptionRequest request, Decision decision, ScanSlot? scan = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(decision);
        var facts = new LoopFacts(SubjectTable.ExemptionRequests, request.Key)
        {
            Decision = decision.Kind,
            Reason = decision.Reason,
            Actor = decision.DecidedBy,
            ActorName = NameOf(configuration, decision.DecidedBy),
            At = decision.DecidedAt,
            Evidence = request.Evidence,
            Period = request.Period,
            From = request.Unit == subject.Unit ? null : request.Unit,
        };
        var date = configuration.Calendar.DateAt(decision.DecidedAt);
        return Raise(configuration, TriggerKind.AnswerDecided, EventKind.AnswerDecided, subject, "decision:" + decision.Key, facts, date, request.Unit, scan);
    }

    /// <summary>A unit requested an exemption: tells whom the exemption-requested rules name (the office).</summary>
    public static IReadOnlyList<EscalationEvent> Requested(Configuration configuration, LoopSubject subject, ExemptionRequest request, ScanSlot? scan = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(request);
        var facts = new LoopFacts(SubjectTable.ExemptionRequests, request.Key)
        {
            Reason = request.Reason,
            Actor = request.RequestedBy,
            ActorName = NameOf(configuration, request.RequestedBy),
            At = request.RequestedAt,
            Evidence = request.Evidence,
            Period = request.Period,
            From = request.Unit == subject.Unit ? null : request.Unit,
        };
        var date = configuration.Calendar.DateAt(request.RequestedAt);
        return Raise(configuration, TriggerKind.ExemptionRequested, EventKind.ExemptionRequested, subject, "exemption:" + request.Key, facts, date, request.Unit, scan);
    }

    /// <summary>
    /// The loop's events of one unit's records (answers, decisions, exemption requests) dated within the catch-up window
    /// (<see cref="EvaluationOptions.CatchUpWorkingDays"/> working days before <paramref name="today"/>, today included),
    /// raised by the rules of <paramref name="scan"/>: the daily run's repair of a crash between a record and its event.
    /// </summary>
    /// <param name="configuration">Rules, roster, people, calendar.</param>
    /// <param name="rows">The unit's rows (with its decisions and exemption requests).</param>
    /// <param name="items">The unit's items as built from the rows.</param>
    /// <param name="today">The day evaluated.</param>
    /// <param name="scan">The scan whose rules raise events.</param>
    public static IReadOnlyList<EscalationEvent> ForUnit(Configuration configuration, UnitRows rows, IReadOnlyList<ItemState> items, LocalDate today, ScanSlot scan)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(items);
        if (!configuration.Rules.Any(r => IsLoop(r.Trigger.Kind) && r.Scan == scan && r.AppliesOn(today)))
        {
            return [];
        }

        var calendar = configuration.Calendar;
        bool Recent(LocalDate date)
        {
            if (date > today)
            {
                return false;
            }

            try
            {
                return calendar.WorkingDaysBetween(date, today) <= configuration.Options.CatchUpWorkingDays;
            }
            catch (CalendarYearNotLoadedException)
            {
                return false;
            }
        }

        var subjects = items.ToDictionary(i => i.Item.Id, i => LoopSubject.Of(i.Item, configuration.Roster));
        LoopSubject? SubjectOf(ItemId item, UnitId unit)
        {
            if (subjects.TryGetValue(item, out var found))
            {
                return found;
            }

            return IndicatorItem.Is(item) && IndicatorId.TryValidate(item.Value[IndicatorItem.Prefix.Length..]) is null
                && configuration.Indicators.Definitions.TryGetValue(new IndicatorId(item.Value[IndicatorItem.Prefix.Length..]), out var indicator)
                ? LoopSubject.Of(indicator, unit, configuration.Roster)
                : null;
        }

        string? ReferenceOf(EventId notice) => rows.Demands.FirstOrDefault(d => d.Notice == notice)?.Reference;

        var answers = UnitItems.Answers(configuration, rows);
        var events = new List<EscalationEvent>();
        foreach (var answer in answers)
        {
            if (Recent(answer.SubmittedOn) && SubjectOf(answer.Item, rows.Unit) is { } subject)
            {
                events.AddRange(Submitted(configuration, subject, answer, ReferenceOf(answer.Notice), scan));
            }
        }

        foreach (var decision in rows.Decisions)
        {
            if (!Recent(calendar.DateAt(decision.DecidedAt)))
            {
                continue;
            }

            if (decision.Table == SubjectTable.Explanations)
            {
                if (answers.FirstOrDefault(a => a.Key == decision.Subject) is { } answer && SubjectOf(answer.Item, rows.Unit) is { } subject)
                {
                    events.AddRange(Decided(configuration, subject, answer, decision, ReferenceOf(answer.Notice), scan));
                }
            }
            else if (rows.ExemptionRequests.FirstOrDefault(r => r.Key == decision.Subject) is { } request && SubjectOf(request.Item, request.Unit) is { } subject)
            {
                events.AddRange(Decided(configuration, subject, request, decision, scan));
            }
        }

        foreach (var request in rows.ExemptionRequests)
        {
            if (Recent(calendar.DateAt(request.RequestedAt)) && SubjectOf(request.Item, request.Unit) is { } subject)
            {
                events.AddRange(Requested(configuration, subject, request, scan));
            }
        }

        return events;
    }

    private static string? NameOf(Configuration configuration, PersonId? person) =>
        person is { } p && configuration.People.TryGetValue(p, out var contact) ? contact.Name : null;

    /// <param name="configuration">The rules and roster.</param>
    /// <param name="trigger">The trigger whose rules fire.</param>
    /// <param name="kind">The event kind.</param>
    /// <param name="subject">The item.</param>
    /// <param name="occurrence">The record's occurrence key.</param>
    /// <param name="loop">What was done.</param>
    /// <param name="date">The record's local date: the event's date.</param>
    /// <param name="party">The unit on the other side (the answering or requesting unit): whose roles the rule's unit roles mean.</param>
    /// <param name="scan">Only the rules of this scan (the daily run); null for every rule (the web).</param>
    private static List<EscalationEvent> Raise(
        Configuration configuration, TriggerKind trigger, EventKind kind, LoopSubject subject, string occurrence, LoopFacts loop, LocalDate date, UnitId party, ScanSlot? scan)
    {
        var events = new List<EscalationEvent>();
        foreach (var rule in configuration.Rules)
        {
            if (rule.Trigger.Kind != trigger || !rule.AppliesOn(date) || (scan is { } s && rule.Scan != s))
            {
                continue;
            }

            var recipients = Recipients(rule, configuration.Roster, subject, party);
            var facts = new EventFacts(subject.ItemTitle, subject.UnitName, 0, 0) { Loop = loop };
            if (rule.Level == EventLevel.Accountability)
            {
                // Never to the unit the record is about, whatever the rule says (its rows are checked when read, too).
                UnitId[] subjects = subject.Builder is { } builder && builder != subject.Unit ? [subject.Unit, builder] : [subject.Unit];
                if (party != subject.Unit && !subjects.Contains(party))
                {
                    subjects = [.. subjects, party];
                }

                recipients = AccountabilityLevel.Screen(recipients, subjects, subject.Owner, configuration.Roster).Kept;
                facts = facts with { Accountability = AccountabilityLevel.Facts(rule, configuration.Roster) };
            }

            events.Add(new EscalationEvent(
                EventId.For(rule.Id, subject.Item, occurrence),
                rule.Id,
                rule.Level,
                kind,
                subject.Item,
                subject.Unit,
                date,
                occurrence,
                recipients,
                rule.Channels,
                rule.Template,
                facts,
                null));
        }

        return events;
    }

    /// <summary>
    /// The rule's recipients for a record of <paramref name="party"/>: the roles of the item's unit, or, when another unit
    /// answered (a builder), that unit's principal and deputy (its principal stands in for the task's owner).
    /// </summary>
    private static Recipient[] Recipients(EscalationRule rule, Roster roster, LoopSubject subject, UnitId party)
    {
        roster.Units.TryGetValue(party, out var unit);
        var other = party != subject.Unit;
        var list = new List<Recipient>();
        void Add(Recipient recipient)
        {
            if (list.All(r => r.Person != recipient.Person))
            {
                list.Add(recipient);
            }
        }

        void AddRole(RecipientRole role, bool copy)
        {
            PersonId? who = role switch
            {
                RecipientRole.Owner => other || subject.Owner is null ? unit?.Principal : subject.Owner,
                RecipientRole.UnitPrincipal => unit?.Principal,
                RecipientRole.DeputyInCharge => unit?.DeputyInCharge,
                RecipientRole.LeadOfficial => subject.LeadOfficial ?? (roster.Units.TryGetValue(subject.Unit, out var own) ? own.LeadOfficial : null),
                RecipientRole.SupervisionOffice => roster.SupervisionOffice,
                RecipientRole.BuilderPrincipal => subject.Builder is { } b && roster.Units.TryGetValue(b, out var builder) ? builder.Principal : null,
                _ => null,
            };
            if (who is not { } person)
            {
                return;
            }

            var asRole = role == RecipientRole.Owner && (other || subject.Owner is null) ? RecipientRole.UnitPrincipal : role;
            Add(other && unit is not null && asRole is RecipientRole.UnitPrincipal or RecipientRole.DeputyInCharge
                ? new Recipient(asRole, person, copy, unit.Id, unit.Name)
                : new Recipient(asRole, person, copy));
        }

        foreach (var (specs, copy) in new[] { (rule.To, false), (rule.Copy, true) })
        {
            foreach (var spec in specs)
            {
                switch (spec)
                {
                    case RecipientSpec.ByRole byRole:
                        AddRole(byRole.Role, copy);
                        break;
                    case RecipientSpec.NamedPerson named:
                        Add(new Recipient(RecipientRole.Named, new PersonId(named.Reference), copy));
                        break;
                    case RecipientSpec.NamedUnitRole named:
                        if (roster.Units.TryGetValue(new UnitId(named.Unit), out var namedUnit) && namedUnit.Holder(named.Role) is { } holder)
                        {
                            Add(new Recipient(named.Role, holder, copy, namedUnit.Id, namedUnit.Name));
                        }

                        break;
                }
            }
        }

        return [.. list];
    }
}
