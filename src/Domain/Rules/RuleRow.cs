using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Domain.Rules;

/// <summary>
/// A rule as admins write it (a table row, a CSV line, an entry of the shipped defaults): every field a string.
/// <see cref="Parse"/> turns it into an <see cref="EscalationRule"/> or says, field by field, what is wrong.
/// </summary>
public sealed record RuleRow
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary><c>reminder</c>/<c>提醒</c>, <c>notice</c>/<c>通报</c>, <c>summons</c>/<c>约谈</c>.</summary>
    public string? Level { get; init; }

    /// <summary><c>due-soon</c>, <c>overdue</c>, <c>report-missing</c>, <c>lag-streak</c>, <c>demand-overdue</c>, <c>report-due-soon</c>.</summary>
    public string? Trigger { get; init; }

    /// <summary>For <c>due-soon</c>: working days ahead. For <c>report-due-soon</c>: working days before the report is due (empty = 1, 0 = on the due day).</summary>
    public string? Days { get; init; }

    /// <summary>For <c>due-soon</c> and <c>overdue</c>: <c>all</c> (default), <c>milestones</c>, <c>deadline</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>For <c>lag-streak</c>: the streak length from which the rule fires.</summary>
    public string? Streak { get; init; }

    /// <summary>For <c>lag-streak</c>: <c>month</c> (default), <c>xun</c>/<c>旬</c>, <c>week</c>.</summary>
    public string? Period { get; init; }

    /// <summary>For <c>lag-streak</c>: points below plan still counted as on plan (default 0).</summary>
    public string? Tolerance { get; init; }

    /// <summary>Roles, separated by commas: <c>owner</c>, <c>principal</c>, <c>deputy</c>, <c>lead-official</c>, <c>supervision-office</c> (or the Chinese names).</summary>
    public string? To { get; init; }

    /// <summary>Roles in copy, same form as <see cref="To"/>.</summary>
    public string? Copy { get; init; }

    /// <summary><c>email</c>, <c>sms</c>, or both separated by a comma.</summary>
    public string? Channels { get; init; }

    public string? Template { get; init; }

    /// <summary><c>once</c> (default), <c>on-due-day</c>, or <c>every N</c> (working days).</summary>
    public string? Repeat { get; init; }

    /// <summary>ISO date from which the rule applies; empty for always.</summary>
    public string? EffectiveFrom { get; init; }

    /// <summary><c>true</c> (default) or <c>false</c>.</summary>
    public string? Enabled { get; init; }

    /// <summary>For notices: <c>explanation</c>/<c>说明</c> or <c>rectification</c>/<c>整改</c>; empty for none.</summary>
    public string? Demand { get; init; }

    /// <summary>Working days the unit has to meet the demand, counted from the day the notice is issued.</summary>
    public string? DemandDays { get; init; }

    /// <summary><c>morning</c>/<c>上午</c> (default) or <c>afternoon</c>/<c>下午</c>: the daily scan that evaluates the rule.</summary>
    public string? Scan { get; init; }

    /// <summary>The table rules come from, as named in problem reports.</summary>
    public const string Table = "rules";

    private static readonly Dictionary<string, EventLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reminder"] = EventLevel.Reminder, ["提醒"] = EventLevel.Reminder,
        ["notice"] = EventLevel.Notice, ["通报"] = EventLevel.Notice,
        ["summons"] = EventLevel.Summons, ["约谈"] = EventLevel.Summons,
    };

    /// <summary>Reads a level as admins write it (reminder/notice/summons or 提醒/通报/约谈); null when it is none of them.</summary>
    public static EventLevel? ParseLevel(string? text) =>
        text is not null && Levels.TryGetValue(text.Trim(), out var level) ? level : null;

    private static readonly Dictionary<string, TriggerKind> Triggers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["due-soon"] = TriggerKind.DueSoon,
        ["overdue"] = TriggerKind.Overdue,
        ["report-missing"] = TriggerKind.ReportMissing,
        ["lag-streak"] = TriggerKind.LagStreak,
        ["demand-overdue"] = TriggerKind.DemandOverdue,
        ["report-due-soon"] = TriggerKind.ReportDueSoon,
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
    };

    internal static readonly Dictionary<string, Channel> ChannelNames = new(ChannelCatalog.ByWord, StringComparer.OrdinalIgnoreCase);

    internal static readonly Dictionary<string, DemandKind> Demands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["explanation"] = DemandKind.Explanation, ["说明"] = DemandKind.Explanation,
        ["rectification"] = DemandKind.Rectification, ["整改"] = DemandKind.Rectification,
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
            ? Integer(nameof(Days), Days, required: false, min: 0, max: MaxWorkingDays, Fault) ?? 1
            : Integer(nameof(Days), Days, trigger == TriggerKind.DueSoon, min: 1, max: MaxWorkingDays, Fault);
        var scan = Lookup(ScanSlots, nameof(Scan), Scan, required: false, Fault) ?? ScanSlot.Morning;
        var streak = Integer(nameof(Streak), Streak, trigger == TriggerKind.LagStreak, min: 1, max: 120, Fault);
        var tolerance = 0.0;
        if (!string.IsNullOrWhiteSpace(Tolerance) &&
            !(double.TryParse(Tolerance.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out tolerance) && tolerance is >= 0 and <= 100))
        {
            Fault(nameof(Tolerance), Tolerance, "应为 0 到 100 之间的百分点数，请改正。");
        }

        var to = List(Roles, nameof(To), To, required: true, Fault);
        var copy = List(Roles, nameof(Copy), Copy, required: false, Fault);
        var channels = List(ChannelNames, nameof(Channels), Channels, required: true, Fault);

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
        if (demandKind is { } kind)
        {
            var demandDays = Integer(nameof(DemandDays), DemandDays, required: true, min: 1, max: MaxWorkingDays, Fault);
            demand = demandDays is { } n ? new DemandSpec(kind, n) : null;
        }
        else if (!string.IsNullOrWhiteSpace(DemandDays) && string.IsNullOrWhiteSpace(Demand))
        {
            Fault(nameof(Demand), Demand, "填写了「DemandDays」，但「Demand」为空，没有说明要求什么。请在「Demand」填写「explanation」（说明）或「rectification」（整改），或清空「DemandDays」。");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var rule = new EscalationRule(
            id!.Value,
            string.IsNullOrWhiteSpace(Name) ? key : Name.Trim(),
            level!.Value,
            new RuleTrigger(trigger!.Value, days ?? 0, scope, streak ?? 1, period, tolerance),
            to,
            copy,
            channels,
            template!,
            repeat,
            effectiveFrom,
            enabled,
            demand,
            scan);
        return (rule, problems);
    }

    private Repeat ParseRepeat(TriggerKind? trigger, Action<string, string?, string> fault)
    {
        var text = Repeat?.Trim() ?? "";
        if (text.Length == 0 || text.Equals("once", StringComparison.OrdinalIgnoreCase))
        {
            return Rules.Repeat.Once;
        }

        if (text.Equals("on-due-day", StringComparison.OrdinalIgnoreCase))
        {
            if (trigger is not (null or TriggerKind.DueSoon))
            {
                fault(nameof(Repeat), Repeat, "「on-due-day」只适用于触发条件为「due-soon」的规则。请改为「once」或「every N」，或清空此项。");
            }

            return new Repeat(RepeatKind.OnDueDay);
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["every", var n] && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var every) && every >= 1)
        {
            if (trigger is TriggerKind.DueSoon or TriggerKind.LagStreak or TriggerKind.ReportDueSoon)
            {
                fault(nameof(Repeat), Repeat, "「every N」只适用于触发条件为「overdue」、「report-missing」、「demand-overdue」的规则；「due-soon」、「lag-streak」和「report-due-soon」规则按节点、期间或报送截止日各触发一次。请改为「once」，或清空此项。");
            }

            return new Repeat(RepeatKind.EveryWorkingDays, every);
        }

        fault(nameof(Repeat), Repeat, "无法识别。请填写「once」（只一次，默认）、「on-due-day」（到期当天再提醒一次）或「every N」（每 N 个工作日重复，如「every 3」）。");
        return Rules.Repeat.Once;
    }

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

    /// <summary>The longest span in working days a rule may name (about three months): more is a typing error.</summary>
    public const int MaxWorkingDays = 60;

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
