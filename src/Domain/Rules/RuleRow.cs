using System.Globalization;
using System.Text.RegularExpressions;
using Escalation.Domain.Accountability;
using Escalation.Domain.Calendar;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Domain.Rules;

/// <summary>
/// A rule as admins write it (a table row, a CSV line, an entry of the shipped defaults): every field a string.
/// <see cref="Parse"/> turns it into an <see cref="EscalationRule"/> or says, field by field, what is wrong.
/// </summary>
public sealed partial record RuleRow
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>
    /// <c>reminder</c>/<c>提醒</c>, <c>notice</c>/<c>通报</c>, <c>summons</c>/<c>约谈</c>, <c>accountability</c>/<c>问责建议</c>
    /// (to the supervision office and decision makers only; see <see cref="AccountabilityLevel"/>).
    /// </summary>
    public string? Level { get; init; }

    /// <summary>
    /// <c>due-soon</c>, <c>overdue</c>, <c>report-missing</c>, <c>lag-streak</c>, <c>demand-overdue</c>, <c>report-due-soon</c>,
    /// <c>start-missed</c>; for indicators <c>indicator-lag</c>, <c>target-missed</c>, <c>stretch-missed</c>,
    /// <c>below-earlier</c>, <c>year-end-rank</c>, <c>bottom-rank</c>, <c>scoreboard</c>, <c>share</c>, <c>pledge</c>; for the
    /// closed loop <c>answer-submitted</c>, <c>answer-decided</c>, <c>false-rectification</c>, <c>exemption-requested</c> (or
    /// their Chinese names).
    /// </summary>
    public string? Trigger { get; init; }

    /// <summary>
    /// For <c>due-soon</c>: how far ahead (required). For <c>report-due-soon</c>: working days before the report is due
    /// (empty = 1, 0 = on the due day). For <c>overdue</c>, <c>report-missing</c>, <c>demand-overdue</c>: a delay after
    /// the due date before the rule first fires (empty: at once). For the indicator triggers: a delay after the data's
    /// publication date (empty: from the publication date itself). Working days (<c>10</c>, <c>10wd</c>, <c>10个工作日</c>)
    /// or calendar days (<c>15d</c>, <c>15天</c>, <c>15个自然日</c>); see <see cref="DaySpan.Parse(string?)"/>.
    /// </summary>
    public string? Days { get; init; }

    /// <summary>For <c>due-soon</c> and <c>overdue</c>: <c>all</c> (default), <c>milestones</c>, <c>deadline</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>For <c>lag-streak</c> and <c>indicator-lag</c>: the streak length from which the rule fires.</summary>
    public string? Streak { get; init; }

    /// <summary>For <c>lag-streak</c>: <c>month</c> (default), <c>xun</c>/<c>旬</c>, <c>week</c>.</summary>
    public string? Period { get; init; }

    /// <summary>For <c>lag-streak</c>: points below plan still counted as on plan (default 0).</summary>
    public string? Tolerance { get; init; }

    /// <summary>
    /// Recipients, separated by commas: roles <c>owner</c>, <c>principal</c>, <c>deputy</c>, <c>lead-official</c>,
    /// <c>supervision-office</c> (or the Chinese names); a named person <c>person:ID</c> / <c>人员:ID</c> (or their name);
    /// a named unit's role <c>unit:U/principal</c>, <c>unit:U/deputy</c>, <c>unit:U/lead-official</c> /
    /// <c>单位:U/主要负责人</c> (U a unit id or name). The colon may be full-width (<c>：</c>).
    /// </summary>
    public string? To { get; init; }

    /// <summary>Roles in copy, same form as <see cref="To"/>.</summary>
    public string? Copy { get; init; }

    /// <summary><c>email</c>, <c>sms</c>, or both separated by a comma.</summary>
    public string? Channels { get; init; }

    public string? Template { get; init; }

    /// <summary>
    /// <c>once</c> (default), <c>on-due-day</c>, or <c>every N</c> (working days; also <c>every 15d</c>, <c>每10个工作日</c>,
    /// <c>每15天</c>), optionally followed by <c>max N</c>/<c>最多N次</c>, <c>max none</c>/<c>不限次数</c> and
    /// <c>until-higher</c>/<c>直至升级</c>, separated by spaces or commas.
    /// </summary>
    public string? Repeat { get; init; }

    /// <summary>ISO date from which the rule applies; empty for always.</summary>
    public string? EffectiveFrom { get; init; }

    /// <summary><c>true</c> (default) or <c>false</c>.</summary>
    public string? Enabled { get; init; }

    /// <summary>For notices: <c>explanation</c>/<c>说明</c> or <c>rectification</c>/<c>整改</c>; empty for none.</summary>
    public string? Demand { get; init; }

    /// <summary>
    /// The days the unit has to meet the demand, counted from the occurrence the notice is about: working days
    /// (<c>10</c>, <c>10个工作日</c>) or calendar days (<c>15天</c>, 限期整改15天).
    /// </summary>
    public string? DemandDays { get; init; }

    /// <summary>
    /// For calendar-day <see cref="DemandDays"/>: <c>roll</c>/<c>顺延</c>/<c>true</c>/<c>是</c> moves a due date on a day
    /// off to the next working day; empty/<c>none</c>/<c>不顺延</c>/<c>false</c>/<c>否</c> (default) keeps it.
    /// </summary>
    public string? DemandRoll { get; init; }

    /// <summary>Who owes the demand, separated by commas: <c>unit</c>/<c>责任单位</c>/<c>主管部门</c> (default), <c>builder</c>/<c>建设单位</c>.</summary>
    public string? DemandFrom { get; init; }

    /// <summary><c>morning</c>/<c>上午</c> (default) or <c>afternoon</c>/<c>下午</c>: the daily scan that evaluates the rule.</summary>
    public string? Scan { get; init; }

    /// <summary>
    /// For <c>accountability</c> rules: a consequence the office recommends (后果通知), e.g. <c>核减前期费</c>; the event then
    /// goes to the executing unit named by <see cref="ConsequenceUnit"/>. Empty for a plain accountability recommendation.
    /// </summary>
    public string? Consequence { get; init; }

    /// <summary>
    /// The unit that executes <see cref="Consequence"/>: its id or name, optionally after <c>unit:</c>/<c>单位:</c> and
    /// followed by the role addressed (<c>fgw</c>, <c>单位:市发改委</c>, <c>fgw/deputy</c>; the principal by default).
    /// </summary>
    public string? ConsequenceUnit { get; init; }

    /// <summary>The table rules come from, as named in problem reports.</summary>
    public const string Table = "rules";

    private static readonly Dictionary<string, EventLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reminder"] = EventLevel.Reminder, ["提醒"] = EventLevel.Reminder,
        ["notice"] = EventLevel.Notice, ["通报"] = EventLevel.Notice,
        ["summons"] = EventLevel.Summons, ["约谈"] = EventLevel.Summons,
        ["accountability"] = EventLevel.Accountability, ["问责建议"] = EventLevel.Accountability,
    };

    /// <summary>
    /// Reads a level as admins write it (reminder/notice/summons/accountability or 提醒/通报/约谈/问责建议); null when it is
    /// none of them.
    /// </summary>
    public static EventLevel? ParseLevel(string? text) =>
        text is not null && Levels.TryGetValue(text.Trim(), out var level) ? level : null;

    private static readonly Dictionary<string, TriggerKind> Triggers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["due-soon"] = TriggerKind.DueSoon,
        ["overdue"] = TriggerKind.Overdue,
        ["report-missing"] = TriggerKind.ReportMissing,
        ["lag-streak"] = TriggerKind.LagStreak,
        ["demand-overdue"] = TriggerKind.DemandOverdue,
        ["start-missed"] = TriggerKind.StartMissed, ["未按期开工"] = TriggerKind.StartMissed,
        ["report-due-soon"] = TriggerKind.ReportDueSoon,
        ["indicator-lag"] = TriggerKind.IndicatorLag, ["指标落后"] = TriggerKind.IndicatorLag,
        ["target-missed"] = TriggerKind.TargetMissed, ["未完成确保目标"] = TriggerKind.TargetMissed,
        ["stretch-missed"] = TriggerKind.StretchMissed, ["未达力争目标"] = TriggerKind.StretchMissed,
        ["below-earlier"] = TriggerKind.BelowEarlier, ["低于前期"] = TriggerKind.BelowEarlier,
        ["year-end-rank"] = TriggerKind.YearEndRank, ["年终排名靠后"] = TriggerKind.YearEndRank,
        ["bottom-rank"] = TriggerKind.BottomRank, ["低于平均且排名靠后"] = TriggerKind.BottomRank,
        ["scoreboard"] = TriggerKind.Scoreboard, ["成绩单"] = TriggerKind.Scoreboard,
        ["share"] = TriggerKind.ShareInvitation, ["分享经验"] = TriggerKind.ShareInvitation,
        ["pledge"] = TriggerKind.Pledge, ["表态发言"] = TriggerKind.Pledge,
        ["answer-submitted"] = TriggerKind.AnswerSubmitted, ["答复提交"] = TriggerKind.AnswerSubmitted,
        ["answer-decided"] = TriggerKind.AnswerDecided, ["答复处理"] = TriggerKind.AnswerDecided,
        ["false-rectification"] = TriggerKind.FalseRectification, ["虚假整改"] = TriggerKind.FalseRectification,
        ["exemption-requested"] = TriggerKind.ExemptionRequested, ["豁免申请"] = TriggerKind.ExemptionRequested,
        ["unsigned"] = TriggerKind.Unsigned, ["未签收"] = TriggerKind.Unsigned,
    };

    internal static readonly Dictionary<string, ScanSlot> ScanSlots = new(StringComparer.OrdinalIgnoreCase)
    {
        ["morning"] = ScanSlot.Morning, ["上午"] = ScanSlot.Morning,
        ["afternoon"] = ScanSlot.Afternoon, ["下午"] = ScanSlot.Afternoon,
    };

    /// <summary>Reads a scan slot as admins write it (morning/afternoon or 上午/下午); null when it is neither.</summary>
    public static ScanSlot? ParseScan(string? text) =>
        text is not null && ScanSlots.TryGetValue(text.Trim(), out var slot) ? slot : null;

    private static readonly Dictionary<string, CheckpointScope> Scopes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["all"] = CheckpointScope.All, ["milestones"] = CheckpointScope.Milestones, ["deadline"] = CheckpointScope.Deadline,
    };

    internal static readonly Dictionary<string, PeriodKind> PeriodKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["month"] = PeriodKind.Month, ["月"] = PeriodKind.Month,
        ["xun"] = PeriodKind.Xun, ["旬"] = PeriodKind.Xun,
        ["week"] = PeriodKind.Week, ["周"] = PeriodKind.Week,
    };

    private static readonly Dictionary<string, RecipientRole> Roles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["owner"] = RecipientRole.Owner, ["具体责任人"] = RecipientRole.Owner, ["责任人"] = RecipientRole.Owner,
        ["principal"] = RecipientRole.UnitPrincipal, ["主要负责人"] = RecipientRole.UnitPrincipal,
        ["deputy"] = RecipientRole.DeputyInCharge, ["分管负责同志"] = RecipientRole.DeputyInCharge, ["分管负责人"] = RecipientRole.DeputyInCharge,
        ["lead-official"] = RecipientRole.LeadOfficial, ["包保领导"] = RecipientRole.LeadOfficial, ["分管市领导"] = RecipientRole.LeadOfficial,
        ["supervision-office"] = RecipientRole.SupervisionOffice, ["督查室"] = RecipientRole.SupervisionOffice,
        ["builder"] = RecipientRole.BuilderPrincipal, ["建设单位"] = RecipientRole.BuilderPrincipal, ["建设单位主要负责人"] = RecipientRole.BuilderPrincipal,
    };

    /// <summary>The roles a named unit may be asked for after <c>unit:U/</c>.</summary>
    private static readonly Dictionary<string, RecipientRole> UnitRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["principal"] = RecipientRole.UnitPrincipal, ["主要负责人"] = RecipientRole.UnitPrincipal,
        ["deputy"] = RecipientRole.DeputyInCharge, ["分管负责同志"] = RecipientRole.DeputyInCharge, ["分管负责人"] = RecipientRole.DeputyInCharge,
        ["lead-official"] = RecipientRole.LeadOfficial, ["包保领导"] = RecipientRole.LeadOfficial, ["分管市领导"] = RecipientRole.LeadOfficial,
    };

    private static readonly string[] PersonPrefixes = ["person", "人员"];

    private static readonly string[] UnitPrefixes = ["unit", "单位"];

    /// <summary>What To and Copy accept besides the role words, for the reasons of problems.</summary>
    private const string NamedForms =
        "也可指定人员「person:人员编号」（或「人员:姓名」），或指定单位的负责人「unit:单位编号/principal」（或「单位:单位名称/主要负责人」，角色可为主要负责人、分管负责同志、包保领导）。";

    internal static readonly Dictionary<string, Channel> ChannelNames = new(ChannelCatalog.ByWord, StringComparer.OrdinalIgnoreCase);

    internal static readonly Dictionary<string, DemandKind> Demands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["explanation"] = DemandKind.Explanation, ["说明"] = DemandKind.Explanation,
        ["rectification"] = DemandKind.Rectification, ["整改"] = DemandKind.Rectification,
        ["special-explanation"] = DemandKind.SpecialExplanation, ["专题说明"] = DemandKind.SpecialExplanation,
    };

    private static readonly Dictionary<string, DemandSubmitter> Submitters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unit"] = DemandSubmitter.Unit, ["责任单位"] = DemandSubmitter.Unit, ["主管部门"] = DemandSubmitter.Unit,
        ["builder"] = DemandSubmitter.Builder, ["建设单位"] = DemandSubmitter.Builder,
    };

    private static readonly char[] ListSeparators = [',', ';', '、', '，', '；', ' '];

    /// <summary>
    /// Validates a whole rules table: each row as <see cref="Parse"/> does, and ids unique (every row with a repeated id
    /// is rejected: which one the admin meant is not for the engine to guess). Good rows are returned even when others fail.
    /// </summary>
    public static (IReadOnlyList<EscalationRule> Rules, IReadOnlyList<Problem> Problems) ParseAll(
        IEnumerable<RuleRow> rows, IReadOnlySet<string>? knownTemplates = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        var repeated = list.Where(r => !string.IsNullOrWhiteSpace(r.Id))
            .GroupBy(r => r.Id!.Trim(), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        var rules = new List<EscalationRule>();
        var problems = new List<Problem>();
        foreach (var row in list)
        {
            if (row.Id is { } id && repeated.Contains(id.Trim()))
            {
                problems.Add(new Problem(Table, id.Trim(), nameof(Id), id, "有多条规则使用此编号，这些规则均未采用。请为每条规则设置不同的编号。"));
                continue;
            }

            var (rule, rowProblems) = row.Parse(knownTemplates);
            problems.AddRange(rowProblems);
            if (rule is not null)
            {
                rules.Add(rule);
            }
        }

        return (rules, problems);
    }

    /// <summary>
    /// Validates the row. Returns the rule, or null and one problem per faulty field (all of them, not just the first).
    /// <paramref name="knownTemplates"/>, when given, is the set of template ids a rule may name.
    /// </summary>
    public (EscalationRule? Rule, IReadOnlyList<Problem> Problems) Parse(IReadOnlySet<string>? knownTemplates = null)
    {
        var problems = new List<Problem>();
        var key = string.IsNullOrWhiteSpace(Id) ? Problem.NoKey : Id.Trim();
        void Fault(string field, string? value, string reason) => problems.Add(new Problem(Table, key, field, value, reason));

        RuleId? id = null;
        if (Items.Key.TryValidate(Id?.Trim()) is { } idReason)
        {
            Fault(nameof(Id), Id, $"不能用作规则编号：{idReason}。");
        }
        else
        {
            id = new RuleId(Id!.Trim());
        }

        var level = Lookup(Levels, nameof(Level), Level, required: true, Fault);
        var trigger = Lookup(Triggers, nameof(Trigger), Trigger, required: true, Fault);
        var scope = Lookup(Scopes, nameof(Scope), Scope, required: false, Fault) ?? CheckpointScope.All;
        var period = Lookup(PeriodKinds, nameof(Period), Period, required: false, Fault) ?? PeriodKind.Month;
        var days = trigger == TriggerKind.ReportDueSoon
            ? ReportLead(Fault)
            : Span(nameof(Days), Days, trigger == TriggerKind.DueSoon, Fault);
        if (trigger is { } loopTrigger && Cases.LoopEvents.IsLoop(loopTrigger) && !string.IsNullOrWhiteSpace(Days))
        {
            // The loop's rules tell the other side when a record is written: there is no date to count days from.
            Fault(nameof(Days), Days, $"「{Trigger!.Trim()}」规则在单位提交答复、督查室作出处理或单位申请豁免时立即触发，不使用天数。请清空此项。");
            days = null;
        }

        if (trigger == TriggerKind.StartMissed && !string.IsNullOrWhiteSpace(Days))
        {
            // Not silently ignored: an admin writing 5 expects "5 days after the planned start", which this rule does not do.
            Fault(nameof(Days), Days, "「start-missed」（未按期开工）规则在计划开工日期后第一次运行即触发，不使用天数。请清空此项；如要开工后延后若干天再督办，请把任务的计划开工日期相应推后。");
            days = null;
        }

        var scan = Lookup(ScanSlots, nameof(Scan), Scan, required: false, Fault) ?? ScanSlot.Morning;
        var streak = Integer(nameof(Streak), Streak, trigger is TriggerKind.LagStreak or TriggerKind.IndicatorLag, min: 1, max: 120, Fault);
        var tolerance = 0.0;
        if (!string.IsNullOrWhiteSpace(Tolerance) &&
            !(double.TryParse(Tolerance.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out tolerance) && tolerance is >= 0 and <= 100))
        {
            Fault(nameof(Tolerance), Tolerance, "应为 0 到 100 之间的百分点数，请改正。");
        }

        var to = Recipients(nameof(To), To, required: string.IsNullOrWhiteSpace(Consequence), Fault);
        var copy = Recipients(nameof(Copy), Copy, required: false, Fault);
        var channels = List(ChannelNames, nameof(Channels), Channels, required: true, Fault);
        if (trigger == TriggerKind.StretchMissed && level is { } stretchLevel && stretchLevel != EventLevel.Reminder)
        {
            Fault(nameof(Level), Level, "未达力争目标只作提醒（力争目标是争取的目标，未达到不通报、不约谈）。请把级别改为「reminder」（提醒）。");
        }

        if (trigger?.IsIndicator() == true)
        {
            foreach (var (field, value, specs) in new[] { (nameof(To), To, to), (nameof(Copy), Copy, copy) })
            {
                if (specs.FirstOrDefault(spec => !IndicatorTriggers.Allows(spec)) is RecipientSpec.ByRole { Role: var role })
                {
                    Fault(field, value, $"指标规则没有{Words.Quote(Wording.ChineseNames.Of(role))}：指标按单位考核。请改为单位的主要负责人（principal）、分管负责同志（deputy）、包保领导（lead-official）、督查室，或指定人员、指定单位的负责人。");
                }
            }
        }

        var consequence = ParseConsequence(level, Fault);
        if (level == EventLevel.Accountability)
        {
            CheckAccountability(trigger, Fault);
        }

        var template = Template?.Trim();
        if (string.IsNullOrEmpty(template))
        {
            Fault(nameof(Template), Template, "规则必须指定消息模板。请填写「templates」表中的模板编号。");
        }
        else if (knownTemplates is not null && !knownTemplates.Contains(template))
        {
            Fault(nameof(Template), Template, $"没有编号为{Words.Quote(template)}的消息模板。请填写已有的模板编号（{Words.Choices(knownTemplates.Order(StringComparer.Ordinal))}），或先在「templates」表中添加该模板。");
        }

        var repeat = ParseRepeat(trigger, Fault);

        var effectiveFrom = LocalDate.MinIsoValue;
        if (!string.IsNullOrWhiteSpace(EffectiveFrom))
        {
            if (IsoDate.TryParse(EffectiveFrom) is { } from)
            {
                effectiveFrom = from;
            }
            else
            {
                Fault(nameof(EffectiveFrom), EffectiveFrom, Words.NotADate);
            }
        }

        var enabled = true;
        if (!string.IsNullOrWhiteSpace(Enabled))
        {
            switch (Enabled.Trim().ToUpperInvariant())
            {
                case "TRUE" or "YES" or "1" or "是" or "启用": enabled = true; break;
                case "FALSE" or "NO" or "0" or "否" or "停用": enabled = false; break;
                default: Fault(nameof(Enabled), Enabled, "无法识别。请填写「true」（启用）或「false」（停用），也可填「是」或「否」。"); break;
            }
        }

        DemandSpec? demand = null;
        var demandKind = Lookup(Demands, nameof(Demand), Demand, required: false, Fault);
        var notes = new List<Problem>();
        var roll = ParseRoll(Fault);
        if (demandKind is { } kind)
        {
            var demandDays = Span(nameof(DemandDays), DemandDays, required: true, Fault);
            if (roll && demandDays is { Unit: DayUnit.WorkingDays })
            {
                // Not worth rejecting the rule: a working-day due date is a working day already.
                notes.Add(new Problem(Table, key, nameof(DemandRoll), DemandRoll,
                    $"「要求时限」为工作日（{demandDays}），到期日本来就是工作日，「遇休息日顺延」不起作用，已忽略。如要按自然日计算，请把「要求时限」写成「15天」这样的形式；否则请清空此项。"));
                roll = false;
            }

            var from = List(Submitters, nameof(DemandFrom), DemandFrom, required: false, Fault);
            demand = demandDays is { } n ? new DemandSpec(kind, n, roll) { From = from.Count == 0 ? [DemandSubmitter.Unit] : from } : null;
        }
        else if (roll)
        {
            notes.Add(new Problem(Table, key, nameof(DemandRoll), DemandRoll,
                "规则没有「要求」，「遇休息日顺延」不起作用，已忽略。请清空此项，或填写「要求」和按自然日计的「要求时限」（如「15天」）。"));
        }
        else if (!string.IsNullOrWhiteSpace(DemandDays) && string.IsNullOrWhiteSpace(Demand))
        {
            Fault(nameof(Demand), Demand, "填写了「DemandDays」，但「Demand」为空，没有说明要求什么。请在「Demand」填写「explanation」（说明）或「rectification」（整改），或清空「DemandDays」。");
        }

        if (demandKind is null && !string.IsNullOrWhiteSpace(DemandFrom) && string.IsNullOrWhiteSpace(Demand))
        {
            Fault(nameof(DemandFrom), DemandFrom, "填写了「DemandFrom」（说明提交单位），但「Demand」为空，没有要求提交什么。请在「Demand」填写要求（如「专题说明」），或清空「DemandFrom」。");
        }

        if (trigger?.IsIndicator() == true)
        {
            CheckIndicatorColumns(trigger.Value, problems, Fault);
        }

        if (problems.Count > 0)
        {
            return (null, [.. problems, .. notes]);
        }

        var rule = new EscalationRule(
            id!.Value,
            string.IsNullOrWhiteSpace(Name) ? key : Name.Trim(),
            level!.Value,
            new RuleTrigger(trigger!.Value, trigger == TriggerKind.LagStreak ? null : days, scope, streak ?? 1, period, tolerance),
            to,
            copy,
            channels,
            template!,
            repeat,
            effectiveFrom,
            enabled,
            demand,
            scan)
        {
            Consequence = consequence,
        };
        return (rule, notes);
    }

    /// <summary>
    /// An indicator rule refuses the columns it would ignore, each a problem of its own (not silently ignored, like
    /// start-missed refuses Days): Streak except on indicator-lag, Tolerance, Scope and Period (task columns: indicators
    /// have their own periods and targets), and a DemandFrom naming the builder (an indicator has none: the unit owes
    /// the demand). A field already reported for its value is not reported again.
    /// </summary>
    private void CheckIndicatorColumns(TriggerKind trigger, List<Problem> problems, Action<string, string?, string> fault)
    {
        var name = Words.Quote(Trigger?.Trim() ?? "");
        void Unused(string field, string? value, string reason)
        {
            if (!string.IsNullOrWhiteSpace(value) && !problems.Any(p => p.Field == field))
            {
                fault(field, value, reason);
            }
        }

        if (trigger != TriggerKind.IndicatorLag)
        {
            Unused(nameof(Streak), Streak, $"指标规则{name}不按连续期数触发，不使用「Streak」（连续期数只用于「indicator-lag」指标落后；低于平均且排名靠后的连续期数由引擎自动计算，连续第二期升为主要负责人）。请清空此项。");
        }

        Unused(nameof(Tolerance), Tolerance, $"指标规则{name}不使用「Tolerance」（容差只用于任务的「lag-streak」）。指标的目标、计划值和黄灯比例在「indicators」表中设定。请清空此项。");
        Unused(nameof(Scope), Scope, $"指标规则{name}不使用「Scope」（范围只用于任务的节点提醒和逾期）。请清空此项。");
        Unused(nameof(Period), Period, $"指标规则{name}不使用「Period」（周期只用于任务的「lag-streak」）。指标按「indicators」表中的发布周期（月、季、周）判定。请清空此项。");
        var builder = (DemandFrom ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(part => Submitters.TryGetValue(part, out var submitter) && submitter == DemandSubmitter.Builder);
        if (builder is not null && !problems.Any(p => p.Field == nameof(DemandFrom)))
        {
            fault(nameof(DemandFrom), DemandFrom, $"指标没有建设单位：指标规则{name}的要求由被督办单位提交（按全省排名考核全市的指标，由主管部门提交）。请从「DemandFrom」中删去{Words.Quote(builder)}，或清空此项。");
        }
    }

    /// <summary>What To and Copy of an accountability rule may name, for the reasons of problems.</summary>
    private const string AccountabilityRecipients =
        "可填：督查室（supervision-office）、包保领导（lead-official，即分管市领导）、指定人员（person:人员编号）或指定单位的负责人（unit:单位编号/principal，如纪检监察机关）；要把后果通知发给执行单位，请填写「Consequence」（后果）和「ConsequenceUnit」（执行单位）。";

    /// <summary>
    /// An accountability rule: a trigger that states a failure, no role of the item's own unit in To or Copy (each such
    /// token is a problem of its own, naming it), and no demand (the unit never receives it).
    /// </summary>
    private void CheckAccountability(TriggerKind? trigger, Action<string, string?, string> fault)
    {
        if (trigger is { } kind && !AccountabilityLevel.MayRaise(kind))
        {
            fault(nameof(Level), Level, $"触发条件{Words.Quote(Trigger?.Trim() ?? "")}不能提出「问责建议」：问责建议针对已经发生的问题（逾期未完成、缺报、连续落后、说明整改逾期、未按期开工，或指标落后、未完成确保目标、低于前期、年终排名靠后、低于平均且排名靠后）。请改用其中之一，或把级别改为提醒、通报或约谈。");
        }

        foreach (var (field, value) in new[] { (nameof(To), To), (nameof(Copy), Copy) })
        {
            foreach (var part in (value ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Roles.TryGetValue(part, out var role) && !AccountabilityLevel.Allows(new RecipientSpec.ByRole(role)))
                {
                    fault(field, part, $"「问责建议」只发给督查室和决策人员，不发给被督办单位：{Words.Quote(part)}（{Wording.ChineseNames.Of(role)}）是被督办单位一方的人员，请从「{field}」中删去。" + AccountabilityRecipients);
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(Demand))
        {
            fault(nameof(Demand), Demand, "「问责建议」不发给被督办单位，不能向其提出要求。请清空「Demand」和「DemandDays」；要单位书面说明或整改，请用通报（notice）级别的规则。");
        }
    }

    /// <summary>
    /// Reads <see cref="Consequence"/> and <see cref="ConsequenceUnit"/>: both or neither, on an accountability rule only.
    /// The unit is kept as written (id or name); the configuration resolves it.
    /// </summary>
    private ConsequenceSpec? ParseConsequence(EventLevel? level, Action<string, string?, string> fault)
    {
        var action = Consequence?.Trim();
        var unitText = ConsequenceUnit?.Trim();
        if (string.IsNullOrEmpty(action) && string.IsNullOrEmpty(unitText))
        {
            return null;
        }

        if (string.IsNullOrEmpty(action))
        {
            fault(nameof(Consequence), Consequence, "填写了「ConsequenceUnit」（执行单位），但没有写明后果。请在「Consequence」（后果）填写建议的后果，如「核减前期费」，或清空「ConsequenceUnit」。");
            return null;
        }

        var ok = true;
        if (level is { } l && l != EventLevel.Accountability)
        {
            fault(nameof(Consequence), Consequence, "后果通知属于第四级「问责建议」：引擎只记录并通知执行单位，不执行任何后果。请把「Level」（级别）改为「accountability」（问责建议），或清空「Consequence」和「ConsequenceUnit」。");
            ok = false;
        }

        if (action.Contains('\n', StringComparison.Ordinal) || action.Contains('\r', StringComparison.Ordinal) || action.Length > MaxConsequenceLength)
        {
            fault(nameof(Consequence), Consequence, string.Create(CultureInfo.InvariantCulture,
                $"后果应为一行、不超过 {MaxConsequenceLength} 个字的措施，如「核减前期费」「停工整顿」「摘牌」，请精简。"));
            ok = false;
        }

        if (string.IsNullOrEmpty(unitText))
        {
            fault(nameof(ConsequenceUnit), ConsequenceUnit, "填写了「Consequence」（后果），但没有填写执行单位。请在「ConsequenceUnit」填写执行该后果的单位编号或名称，如「fgw」或「单位:市发改委」（发给其主要负责人；也可写「fgw/分管负责同志」）。");
            return null;
        }

        var rest = SplitPrefix(unitText) is var (prefix, remainder) && UnitPrefixes.Any(p => p.Equals(prefix, StringComparison.OrdinalIgnoreCase)) ? remainder : unitText;
        var role = RecipientRole.UnitPrincipal;
        var slash = rest.LastIndexOfAny(['/', '／']);
        if (slash >= 0)
        {
            var roleText = rest[(slash + 1)..].Trim();
            if (!UnitRoles.TryGetValue(roleText, out role))
            {
                fault(nameof(ConsequenceUnit), ConsequenceUnit, $"{Words.Quote(roleText)}不是单位的负责人角色。斜杠后可填：{Words.Choices(UnitRoles.Keys)}；不写斜杠时发给主要负责人。");
                return null;
            }

            rest = rest[..slash].Trim();
        }

        if (rest.Length == 0 || Items.Key.TryValidate(rest) is not null)
        {
            fault(nameof(ConsequenceUnit), ConsequenceUnit, "没有写清是哪个单位。请填写执行单位的单位编号或名称，如「fgw」「单位:市发改委」「fgw/分管负责同志」。");
            return null;
        }

        return ok ? new ConsequenceSpec(action, rest, role, unitText) : null;
    }

    /// <summary>The longest consequence a rule may name: a measure, not a paragraph.</summary>
    public const int MaxConsequenceLength = 30;

    private bool ParseRoll(Action<string, string?, string> fault)
    {
        switch (DemandRoll?.Trim().ToUpperInvariant() ?? "")
        {
            case "" or "NONE" or "不顺延" or "FALSE" or "否": return false;
            case "ROLL" or "顺延" or "TRUE" or "是": return true;
            default:
                fault(nameof(DemandRoll), DemandRoll, "无法识别。请填写「顺延」（到期日遇休息日顺延到下一个工作日，也可写「roll」「true」「是」），或「不顺延」（默认，也可写「none」「false」「否」或留空）。");
                return false;
        }
    }

    private const string RepeatForms =
        "请填写「once」（只一次，默认）、「on-due-day」（到期当天再提醒一次）或「every N」（每 N 个工作日重复，如「every 3」；按自然日写「every 15d」；也可写「每10个工作日」「每15天」），" +
        "重复时可加次数上限「max 3」（或「最多3次」；「max none」或「不限次数」为不限）和「until-higher」（或「直至升级」：更高一级的规则开始触发后不再重复），用空格或逗号分隔，如「every 20 max 3」「每20个工作日，最多3次」。";

    private Repeat ParseRepeat(TriggerKind? trigger, Action<string, string?, string> fault)
    {
        var text = Repeat?.Trim() ?? "";
        var (head, caps) = SplitCaps(text);
        if (caps is not null && (head.Length == 0 || head.Equals("once", StringComparison.OrdinalIgnoreCase) || head.Equals("on-due-day", StringComparison.OrdinalIgnoreCase)))
        {
            fault(nameof(Repeat), Repeat, "次数上限（「max N」「最多N次」「不限次数」）和「until-higher」（「直至升级」）只能与「every N」一起使用，如「every 20 max 3」。请在前面写明重复间隔，或删去它们。");
            return Rules.Repeat.Once;
        }

        if (head.Length == 0 || head.Equals("once", StringComparison.OrdinalIgnoreCase))
        {
            return Rules.Repeat.Once;
        }

        if (head.Equals("on-due-day", StringComparison.OrdinalIgnoreCase))
        {
            if (trigger is not (null or TriggerKind.DueSoon))
            {
                fault(nameof(Repeat), Repeat, "「on-due-day」只适用于触发条件为「due-soon」的规则。请改为「once」或「every N」，或清空此项。");
            }

            return new Repeat(RepeatKind.OnDueDay);
        }

        if (EveryPattern().Match(head) is not { Success: true } every)
        {
            fault(nameof(Repeat), Repeat, "无法识别。" + RepeatForms);
            return Rules.Repeat.Once;
        }

        var (interval, reason) = DaySpan.Parse(every.Groups["span"].Value, MaxRepeatDays, MaxRepeatDays);
        if (interval is null)
        {
            fault(nameof(Repeat), Repeat, "重复间隔" + reason);
            return Rules.Repeat.Once;
        }

        if (trigger?.IsIndicator() == true)
        {
            fault(nameof(Repeat), Repeat, "指标规则按每期发布的数据各触发一次，不能「every N」重复。请改为「once」，或清空此项。");
        }
        else if (trigger is { } loopKind && Cases.LoopEvents.IsLoop(loopKind))
        {
            fault(nameof(Repeat), Repeat, "答复提交、答复处理、虚假整改和豁免申请规则按每份记录各触发一次，不能「every N」重复。请改为「once」，或清空此项。");
        }
        else if (trigger == TriggerKind.Unsigned)
        {
            fault(nameof(Repeat), Repeat, "「unsigned」（未签收）规则对每份通报、约谈通知只催一次签收，不能「every N」重复。请改为「once」，或清空此项。");
        }
        else if (trigger is TriggerKind.DueSoon or TriggerKind.LagStreak or TriggerKind.StartMissed or TriggerKind.ReportDueSoon)
        {
            fault(nameof(Repeat), Repeat, "「every N」只适用于触发条件为「overdue」、「report-missing」、「demand-overdue」的规则；「due-soon」、「lag-streak」、「start-missed」和「report-due-soon」规则按节点、期间、开工或报送截止日各触发一次。请改为「once」，或清空此项。");
        }

        int? max = trigger == TriggerKind.Overdue ? Rules.Repeat.DefaultOverdueMax : null;
        var untilHigher = false;
        if (caps is not null)
        {
            if (CapsPattern().Match(caps) is not { Success: true } m)
            {
                fault(nameof(Repeat), Repeat, $"无法识别「{caps}」。" + RepeatForms);
                return Rules.Repeat.Once;
            }

            var limits = m.Groups["max"].Captures;
            if (limits.Count > 1 || m.Groups["until"].Captures.Count > 1)
            {
                fault(nameof(Repeat), Repeat, "次数上限或「until-higher」（「直至升级」）写了不止一次。请只保留一个。");
                return Rules.Repeat.Once;
            }

            if (limits.Count == 1)
            {
                var limit = limits[0].Value;
                if (limit.Equals("none", StringComparison.OrdinalIgnoreCase) || limit == "不限次数")
                {
                    max = null;
                }
                else if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= Rules.Repeat.MaxLimit)
                {
                    max = n;
                }
                else
                {
                    fault(nameof(Repeat), Repeat, string.Create(CultureInfo.InvariantCulture,
                        $"次数上限「{limit}」超出范围：应为 1 到 {Rules.Repeat.MaxLimit} 之间的整数（含第一次），或「none」（「不限次数」）。"));
                    return Rules.Repeat.Once;
                }
            }

            untilHigher = m.Groups["until"].Success;
        }

        return new Repeat(RepeatKind.EveryWorkingDays, interval.Value) { Max = max, UntilHigher = untilHigher };
    }

    /// <summary>The longest repeat interval: repeats were never bounded, so only an absurd value is refused.</summary>
    private const int MaxRepeatDays = 10000;

    /// <summary>Splits <c>every 20 max 3, until-higher</c> into the interval part and the caps (null when none).</summary>
    private static (string Head, string? Caps) SplitCaps(string text)
    {
        var at = CapStart().Match(text);
        return at.Success ? (text[..at.Index].TrimEnd(' ', ',', '，'), text[at.Index..]) : (text, null);
    }

    [GeneratedRegex(@"max|最多|不限次数|until-higher|直至升级", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CapStart();

    [GeneratedRegex(@"^(?:every\s+|每\s*)(?<span>[0-9]+\s*(?:wd|个工作日|工作日|个自然日|自然日|d|天|日)?)\s*(?:重复)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EveryPattern();

    [GeneratedRegex(@"^(?:[\s,，]*(?:max\s*(?<max>[0-9]+|none)|最多\s*(?<max>[0-9]+)\s*次|(?<max>不限次数)|(?<until>until-higher|直至升级)))+[\s。]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CapsPattern();

    internal static T? Lookup<T>(Dictionary<string, T> names, string field, string? value, bool required, Action<string, string?, string> fault)
        where T : struct
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                fault(field, value, Words.RequiredOneOf(names.Keys));
            }

            return null;
        }

        if (names.TryGetValue(value.Trim(), out var result))
        {
            return result;
        }

        fault(field, value, Words.UnknownValue(value.Trim(), names.Keys));
        return null;
    }

    internal static List<T> List<T>(Dictionary<string, T> names, string field, string? value, bool required, Action<string, string?, string> fault)
        where T : struct
    {
        var result = new List<T>();
        foreach (var part in (value ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (names.TryGetValue(part, out var item))
            {
                if (!result.Contains(item))
                {
                    result.Add(item);
                }
            }
            else
            {
                fault(field, value, Words.NotOneOf(part, names.Keys));
            }
        }

        if (required && result.Count == 0 && !string.IsNullOrWhiteSpace(value) is false)
        {
            fault(field, value, Words.RequiredSomeOf(names.Keys));
        }

        return result;
    }

    /// <summary>
    /// Reads To or Copy: role words, <c>person:X</c> and <c>unit:U/role</c> tokens (Chinese prefixes and a full-width colon
    /// too). Names are kept as written; <see cref="Catalog.Configuration.Build"/> resolves them against the tables.
    /// </summary>
    private static List<RecipientSpec> Recipients(string field, string? value, bool required, Action<string, string?, string> fault)
    {
        var result = new List<RecipientSpec>();
        foreach (var part in (value ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            RecipientSpec? spec = null;
            if (Roles.TryGetValue(part, out var role))
            {
                spec = new RecipientSpec.ByRole(role);
            }
            else if (SplitPrefix(part) is var (prefix, rest))
            {
                spec = NamedRecipient(part, prefix, rest, field, value, fault);
            }
            else
            {
                fault(field, value, Words.NotOneOf(part, Roles.Keys) + NamedForms);
            }

            if (spec is not null && !result.Contains(spec))
            {
                result.Add(spec);
            }
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            fault(field, value, Words.RequiredSomeOf(Roles.Keys) + NamedForms);
        }

        return result;
    }

    /// <summary>Splits <c>person:x</c> / <c>单位：x</c> at its colon; null when the token has no known prefix.</summary>
    private static (string Prefix, string Remainder)? SplitPrefix(string token)
    {
        var colon = token.IndexOfAny([':', '：']);
        if (colon <= 0)
        {
            return null;
        }

        var prefix = token[..colon].Trim();
        return PersonPrefixes.Concat(UnitPrefixes).Any(p => p.Equals(prefix, StringComparison.OrdinalIgnoreCase))
            ? (prefix, token[(colon + 1)..].Trim())
            : null;
    }

    private static RecipientSpec? NamedRecipient(string token, string prefix, string rest, string field, string? value, Action<string, string?, string> fault)
    {
        if (PersonPrefixes.Any(p => p.Equals(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            if (rest.Length == 0 || Items.Key.TryValidate(rest) is not null)
            {
                fault(field, value, $"{Words.Quote(token)}没有写清是哪位人员。请写成「person:人员编号」或「人员:姓名」，如「person:fgw-chen」。");
                return null;
            }

            return new RecipientSpec.NamedPerson(rest, token);
        }

        var slash = rest.LastIndexOfAny(['/', '／']);
        if (slash < 0)
        {
            fault(field, value, $"{Words.Quote(token)}没有写明要发给该单位的哪位负责人。请写成「unit:单位编号/principal」，角色可填：{Words.Choices(UnitRoles.Keys)}。");
            return null;
        }

        var unit = rest[..slash].Trim();
        var roleText = rest[(slash + 1)..].Trim();
        if (unit.Length == 0 || Items.Key.TryValidate(unit) is not null)
        {
            fault(field, value, $"{Words.Quote(token)}没有写清是哪个单位。请在「unit:」后填写单位编号或单位名称，如「unit:fgw/principal」。");
            return null;
        }

        if (!UnitRoles.TryGetValue(roleText, out var role))
        {
            fault(field, value, $"{Words.Quote(token)}中的{Words.Quote(roleText)}不是单位的负责人角色。斜杠后可填：{Words.Choices(UnitRoles.Keys)}。");
            return null;
        }

        return new RecipientSpec.NamedUnitRole(unit, role, token);
    }

    /// <summary>The longest span in working days a rule may name (about three months): more is a typing error.</summary>
    public const int MaxWorkingDays = 60;

    /// <summary>
    /// A report-due-soon rule's <c>Days</c>: working days before the report is due, <c>0</c> for the due day itself, 1 when
    /// empty. Only working days: a report is due on a working day, and the reminder goes on one.
    /// </summary>
    private DaySpan ReportLead(Action<string, string?, string> fault)
    {
        var text = Days?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return DaySpan.Working(1);
        }

        if (text is "0" or "0wd" or "0个工作日" or "当天" or "当日")
        {
            return DaySpan.Working(0);
        }

        var (span, _) = DaySpan.Parse(text);
        if (span is { Unit: DayUnit.WorkingDays } working)
        {
            return working;
        }

        // One reason for every wrong value: the accepted range is 0 to MaxWorkingDays working days, not DaySpan's 1 to 60.
        fault(nameof(Days), Days, span is null
            ? string.Create(CultureInfo.InvariantCulture,
                $"「report-due-soon」的天数应为 0 到 {MaxWorkingDays} 之间的工作日数（0 为截止当天），如「0」「1」「2个工作日」，请改正。")
            : "「report-due-soon」的天数按工作日计（报送截止日和提醒都在工作日）。请填写「1」「2个工作日」这样的工作日数，或「0」（截止当天）。");
        return DaySpan.Working(1);
    }

    private static DaySpan? Span(string field, string? value, bool required, Action<string, string?, string> fault)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                fault(field, value, string.Create(CultureInfo.InvariantCulture,
                    $"此触发条件下此项必填，请填写天数（工作日 1 到 {MaxWorkingDays}，自然日 1 到 {DaySpan.MaxCalendarDays}）：{DaySpan.Forms}。"));
            }

            return null;
        }

        var (span, reason) = DaySpan.Parse(value);
        if (reason is not null)
        {
            fault(field, value, reason);
        }

        return span;
    }

    private static int? Integer(string field, string? value, bool required, int min, int max, Action<string, string?, string> fault)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                fault(field, value, string.Create(CultureInfo.InvariantCulture, $"此触发条件下此项必填，请填写 {min} 到 {max} 之间的整数。"));
            }

            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        fault(field, value, Words.NotAWholeNumber(min, max));
        return null;
    }
}
