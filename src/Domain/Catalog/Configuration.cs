using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Catalog;

/// <summary>The admin tables every evaluation needs, whatever the unit: small, read once per run.</summary>
public sealed record ConfigurationRows(
    IReadOnlyList<UnitRow> Units,
    IReadOnlyList<PersonRow> People,
    IReadOnlyList<PlanStageRow> PlanStages,
    IReadOnlyList<RuleRow> Rules,
    IReadOnlyList<MessageTemplate> Templates,
    IReadOnlyList<CorrectionRow> Calendar,
    IReadOnlyList<SettingRow> Settings)
{
    public static ConfigurationRows Empty { get; } = new([], [], [], [], [], [], []);

    /// <summary>The indicators (指标): small, one constant partition, read with the rest of the configuration.</summary>
    public IReadOnlyList<IndicatorRow> Indicators { get; init; } = [];

    /// <summary>The ranking groups (排名分组).</summary>
    public IReadOnlyList<RankingGroupRow> RankingGroups { get; init; } = [];
    /// <summary>The approved templates of a mainland SMS gateway (smstemplates); empty when the provider is not a gateway.</summary>
    public IReadOnlyList<SmsTemplateRow> SmsTemplates { get; init; } = [];

    /// <summary>The units' and the office's group robots (robots).</summary>
    public IReadOnlyList<RobotRow> Robots { get; init; } = [];
}

/// <summary>Validated configuration: what the evaluator and the senders work with.</summary>
public sealed record Configuration(
    Roster Roster,
    IReadOnlyDictionary<PersonId, Contact> People,
    IReadOnlyDictionary<string, PlanTemplate> PlanTemplates,
    IReadOnlyList<EscalationRule> Rules,
    IReadOnlyDictionary<string, MessageTemplate> Templates,
    WorkingCalendar Calendar,
    EvaluationOptions Options)
{
    /// <summary>Setting keys admins may write in the settings table.</summary>
    public static IReadOnlyList<string> SettingKeys { get; } =
        ["SupervisionOffice", "CatchUpWorkingDays", "YellowWithin", "GoLive", "LagGapForHeads", "SenderName", "SmsSignature", "ContactLine", "ReferencePrefix"];

    /// <summary>The usable indicators and ranking groups; their values and exemptions are read per indicator (<see cref="IndicatorItems.Build"/>).</summary>
    public IndicatorCatalog Indicators { get; init; } = IndicatorCatalog.Empty;

    /// <summary>Who signs the messages and how (落款, 短信签名, 联系方式): the settings table's, else <see cref="WordingSettings.Default"/>'s.</summary>
    public WordingSettings Wording { get; init; } = WordingSettings.Default;

    /// <summary>The mainland SMS gateway's templates by level and kind (smstemplates), validated.</summary>
    public SmsTemplateMap SmsTemplates { get; init; } = SmsTemplateMap.Empty;

    /// <summary>The group robots (robots table), validated.</summary>
    public RobotDirectory Robots { get; init; } = RobotDirectory.Empty;

    /// <summary>Who a delivery goes to: a person of the people table, or a group robot (<c>robot-{id}</c>); null when neither.</summary>
    public Contact? Reach(PersonId person) => People.GetValueOrDefault(person) ?? Robots.ByPerson(person)?.Contact;

    /// <summary>The go-live date's first name, still read so that stored settings keep working; GoLive wins when both are set.</summary>
    public const string GoLiveFormerKey = "StreaksFrom";

    private static readonly Dictionary<string, bool> CorrectionKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["working"] = true, ["班"] = true, ["上班"] = true, ["off"] = false, ["休"] = false, ["休息"] = false,
    };

    /// <summary>
    /// Validates every row. A faulty row is reported and left out (a faulty address or role only drops that field, so that
    /// one typo does not silence a whole unit); everything else is built. An empty rules table means the shipped default
    /// ladder; template rows override the shipped templates of the same id.
    /// </summary>
    public static (Configuration Configuration, IReadOnlyList<Problem> Problems) Build(
        ConfigurationRows rows, IEnumerable<HolidayArrangement> shippedCalendar, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var problems = new List<Problem>();

        var people = BuildPeople(rows, problems);
        var units = BuildUnits(rows.Units, people, problems);
        var templates = BuildTemplates(rows.Templates, problems);
        var (rules, ruleProblems) = rows.Rules.Count == 0
            ? (DefaultRules.All, [])
            : RuleRow.ParseAll(rows.Rules, templates.Keys.ToHashSet(StringComparer.Ordinal));
        problems.AddRange(ruleProblems);
        rules = ResolveRecipients(rules, people, units, problems);
        var plans = BuildPlanTemplates(rows.PlanStages, problems);
        var calendar = BuildCalendar(rows.Calendar, shippedCalendar, zone, problems);
        var (office, options, wording) = BuildSettings(rows.Settings, people, problems);
        var indicators = IndicatorItems.Catalog(rows.Indicators, rows.RankingGroups, units, problems);
        var smsTemplates = SmsTemplateMap.Build(rows.SmsTemplates, problems);
        var robots = RobotDirectory.Build(rows.Robots, units.ToDictionary(u => u.Id, u => u.Name), people.Keys, problems);
        if (office is null
            && !rows.Settings.Any(s => s.Key?.Trim() == "SupervisionOffice" && !string.IsNullOrWhiteSpace(s.Value))
            && rules.Where(r => r.Enabled && r.To.Concat(r.Copy).Contains(RecipientRole.SupervisionOffice)).Select(r => r.Id.Value).ToList() is { Count: > 0 } toOffice)
        {
            // Once for the configuration, not once per event or unit: every rule naming the office is listed.
            problems.Add(new Problem(SettingRow.Table, "SupervisionOffice", nameof(SettingRow.Value), null,
                $"规则{Words.Choices(toOffice)}要发给或抄送督查室，但「settings」表中没有设置督查室的人员。请设置「SupervisionOffice」为督查室人员（或公共邮箱）的人员编号；改正前这些规则不发给督查室，照常发给其他收件人。"));
        }

        var configuration = new Configuration(
            Roster.Of(units, office) with { Members = people.Values.Where(p => p.Unit is not null).ToDictionary(p => p.Id, p => p.Unit!.Value) },
            people, plans, rules, templates, calendar, options)
        {
            Wording = wording with { UnitNames = units.ToDictionary(u => u.Id, u => u.Name) },
            Indicators = indicators,
            SmsTemplates = smsTemplates,
            Robots = robots,
        };
        return (configuration, problems);
    }

    private static Dictionary<PersonId, Contact> BuildPeople(ConfigurationRows rows, List<Problem> problems)
    {
        var unitIds = rows.Units.Select(u => u.Id?.Trim()).Where(id => !string.IsNullOrEmpty(id)).ToHashSet(StringComparer.Ordinal);
        var people = new Dictionary<PersonId, Contact>();
        foreach (var row in rows.People)
        {
            var read = new FieldReader(PersonRow.Table, row.Key, problems);
            var id = read.Id(nameof(PersonRow.Id), row.Id, required: true);
            var name = read.Text(nameof(PersonRow.Name), row.Name, required: true);
            if (!read.Ok || id is null || name is null)
            {
                continue;
            }

            if (people.ContainsKey(new PersonId(id)))
            {
                read.Fault(nameof(PersonRow.Id), row.Id, $"已有其他人员使用编号{Words.Quote(id)}，此行未采用。请为每个人设置不同的编号。");
                continue;
            }

            // From here on a fault drops the field, not the person: tasks and units refer to them.
            // A Unit cell that names no unit is a typo: the person belongs to no unit and, until it is corrected, has no
            // web access (the default role of a person without a unit is leader, who sees every unit).
            UnitId? unit = null;
            string? unknownUnit = null;
            if (!string.IsNullOrWhiteSpace(row.Unit))
            {
                var unitText = row.Unit.Trim();
                const string Until = "改正前，此人不属于任何单位，也不能访问网页（无论网页角色写的是什么）。";
                if (Items.Key.TryValidate(unitText) is { } reason)
                {
                    unknownUnit = unitText;
                    read.Fault(nameof(PersonRow.Unit), row.Unit, $"不能用作编号：{reason}。{Until}");
                }
                else if (unitIds.Contains(unitText))
                {
                    unit = new UnitId(unitText);
                }
                else
                {
                    unknownUnit = unitText;
                    read.Fault(nameof(PersonRow.Unit), row.Unit, Words.NoUnit(unitText) + Until);
                }
            }

            string? email = null;
            if (!string.IsNullOrWhiteSpace(row.Email))
            {
                if (ContactAddress.IsEmail(row.Email.Trim()))
                {
                    email = row.Email.Trim();
                }
                else
                {
                    read.Fault(nameof(PersonRow.Email), row.Email, "不是有效的邮箱地址，应写成「name@domain」的形式（只填一个地址）。改正前不会给此人发邮件。");
                }
            }

            string? mobile = null;
            if (!string.IsNullOrWhiteSpace(row.Mobile))
            {
                mobile = ContactAddress.NormalizeMobile(row.Mobile.Trim());
                if (mobile is null)
                {
                    read.Fault(nameof(PersonRow.Mobile), row.Mobile, "不是有效的手机号码，应为以 13–19 开头的 11 位号码，或带国家码的号码（如「+8613812345678」）。改正前不会给此人发短信。");
                }
            }

            var contact = new Contact(new PersonId(id), name, unit, row.Title?.Trim(), email, mobile, []);
            var channels = string.IsNullOrWhiteSpace(row.Channels)
                ? [.. ChannelCatalog.All.Where(c => c.Address(contact) is not null).Select(c => c.Channel)]
                : read.List(RuleRow.ChannelNames, nameof(PersonRow.Channels), row.Channels);
            WebRole? role = null;
            if (!string.IsNullOrWhiteSpace(row.Role))
            {
                role = WebRoles.Parse(row.Role);
                if (role is null)
                {
                    read.Fault(nameof(PersonRow.Role), row.Role, $"不是可用的网页角色，应为 {WebRoles.Accepted}，或留空（按默认：督查室设置的人员为督查室，有所属单位的为该单位填报员，其他为领导）。改正前按默认角色。");
                }
            }

            var login = string.IsNullOrWhiteSpace(row.Login) ? null : row.Login.Trim();
            people[new PersonId(id)] = contact with { Channels = channels, WebRole = role, Login = login, UnknownUnit = unknownUnit };
        }

        // An account two people answer to is refused on the web (which one's role would it get?): say so at import.
        foreach (var shared in Accounts.Shared(people.Values))
        {
            var field = shared.ByLogin ? nameof(PersonRow.Login) : nameof(PersonRow.Email);
            var column = shared.ByLogin ? "登录账号" : "邮箱";
            var who = string.Join("、", shared.People.Select(p => $"{p.Name}（{p.Id.Value}）"));
            problems.Add(new Problem(PersonRow.Table, shared.People[0].Id.Value, field, shared.Name,
                $"{column}{Words.Quote(shared.Name)}同时是 {shared.People.Count} 个人员的{column}：{who}。用这个账号登录网页时无法确定是其中哪一位，网页会拒绝访问（提示账号冲突）；发送消息不受影响。"
                + (shared.ByLogin
                    ? "请改正登录账号，使每个账号只属于一个人员。"
                    : "如其中有人要登录网页，请在其“登录账号”列填写此邮箱（登录账号优先于邮箱），或改正邮箱；公共邮箱请只登记在一个人员名下。")));
        }

        return people;
    }

    private static List<UnitRoster> BuildUnits(IReadOnlyList<UnitRow> rows, Dictionary<PersonId, Contact> people, List<Problem> problems)
    {
        var units = new Dictionary<string, UnitRoster>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var read = new FieldReader(UnitRow.Table, row.Key, problems);
            var id = read.Id(nameof(UnitRow.Id), row.Id, required: true);
            var name = read.Text(nameof(UnitRow.Name), row.Name, required: true);
            if (!read.Ok || id is null || name is null)
            {
                continue;
            }

            if (units.ContainsKey(id))
            {
                read.Fault(nameof(UnitRow.Id), row.Id, $"已有其他单位使用编号{Words.Quote(id)}，此行未采用。请为每个单位设置不同的编号。");
                continue;
            }

            PersonId? Person(string field, string? value)
            {
                if (read.Id(field, value, required: false) is not { } text)
                {
                    return null;
                }

                if (people.ContainsKey(new PersonId(text)))
                {
                    return new PersonId(text);
                }

                read.Fault(field, value, Words.NoPerson(text) + "改正前，发给此角色的消息只发给其他收件人。");
                return null;
            }

            units[id] = new UnitRoster(
                new UnitId(id), name,
                Person(nameof(UnitRow.Principal), row.Principal),
                Person(nameof(UnitRow.DeputyInCharge), row.DeputyInCharge),
                Person(nameof(UnitRow.LeadOfficial), row.LeadOfficial));
        }

        return [.. units.Values];
    }

    /// <summary>
    /// Resolves the people and units rules name (<c>person:X</c>, <c>unit:U/role</c>) to ids. A reference that names no one,
    /// or a name two people (units) share, is reported against the rule and dropped; the rule stays unless its To is left
    /// without anyone. A named unit's empty role is reported like a role the item's unit leaves empty. A consequence's
    /// executing unit (<c>ConsequenceUnit</c>) is resolved the same way and its role becomes the first addressee; a rule
    /// whose executing unit cannot be resolved is not adopted (its notice would have no one to go to).
    /// </summary>
    private static IReadOnlyList<EscalationRule> ResolveRecipients(
        IReadOnlyList<EscalationRule> rules, Dictionary<PersonId, Contact> people, List<UnitRoster> units, List<Problem> problems)
    {
        if (!rules.Any(r => r.Consequence is not null || r.To.Concat(r.Copy).Any(s => s is not RecipientSpec.ByRole)))
        {
            return rules;
        }

        var unitsById = units.ToDictionary(u => u.Id.Value, StringComparer.Ordinal);
        var resolved = new List<EscalationRule>(rules.Count);
        foreach (var rule in rules)
        {
            var faults = new List<(string Field, string Token, string Reason)>();
            var to = Resolve(rule, nameof(RuleRow.To), rule.To, people, units, unitsById, faults, problems);
            var copy = Resolve(rule, nameof(RuleRow.Copy), rule.Copy, people, units, unitsById, faults, problems);
            var consequence = rule.Consequence;
            if (consequence is not null)
            {
                var executing = Resolve(rule, nameof(RuleRow.ConsequenceUnit),
                    [new RecipientSpec.NamedUnitRole(consequence.Unit, consequence.Role, consequence.Token)], people, units, unitsById, faults, problems);
                if (executing is [RecipientSpec.NamedUnitRole unit])
                {
                    consequence = consequence with { Unit = unit.Unit };
                    to = [unit, .. to.Where(s => s != unit)];
                }
                else
                {
                    consequence = null;
                }
            }

            var adopted = to.Count > 0 && (rule.Consequence is null || consequence is not null);
            var meanwhile = adopted
                ? "改正前，这条规则的消息不发给此收件人，照常发给其他收件人。"
                : rule.Consequence is not null && consequence is null
                    ? "这条规则的后果通知没有可发送的执行单位，改正前此规则未采用。"
                    : "这条规则的「To」（发送给）中已没有可发送的收件人，改正前此规则未采用。";
            problems.AddRange(faults.Select(f => new Problem(RuleRow.Table, rule.Id.Value, f.Field, f.Token, f.Reason + meanwhile)));
            if (adopted)
            {
                resolved.Add(rule with { To = to, Copy = copy, Consequence = consequence });
            }
        }

        return resolved;
    }

    private static List<RecipientSpec> Resolve(
        EscalationRule rule,
        string field,
        IReadOnlyList<RecipientSpec> specs,
        Dictionary<PersonId, Contact> people,
        List<UnitRoster> units,
        Dictionary<string, UnitRoster> unitsById,
        List<(string Field, string Token, string Reason)> faults,
        List<Problem> problems)
    {
        var result = new List<RecipientSpec>(specs.Count);
        foreach (var spec in specs)
        {
            switch (spec)
            {
                case RecipientSpec.NamedPerson named:
                    List<Contact> person = people.TryGetValue(new PersonId(named.Reference), out var byId)
                        ? [byId]
                        : people.Values.Where(p => p.Name == named.Reference).OrderBy(p => p.Id.Value, StringComparer.Ordinal).ToList();
                    switch (person)
                    {
                        case [var one]:
                            result.Add(named with { Reference = one.Id.Value });
                            if (byId is not null && people.Values.FirstOrDefault(p => p.Name == named.Reference && p.Id != one.Id) is { } namesake)
                            {
                                // Not a fault (the id is what the docs say wins), but the admin may have meant the other one.
                                problems.Add(new Problem(RuleRow.Table, rule.Id.Value, field, named.Token,
                                    $"{Words.Quote(named.Reference)}是人员{Words.Quote(one.Name)}的编号，同时也是另一位人员（编号{Words.Quote(namesake.Id.Value)}）的姓名；已按编号发给{one.Name}。如要发给后者，请写{Words.Quote("person:" + namesake.Id.Value)}。"));
                            }

                            break;
                        case []:
                            faults.Add((field, named.Token, $"「people」表中没有编号或姓名为{Words.Quote(named.Reference)}的人员。"
                                + DidYouMean(named.Reference, people.Values.SelectMany(p => new[] { p.Id.Value, p.Name }), "person:")
                                + "请填写已有人员的编号（如「person:人员编号」），或先在「people」表中添加此人。"));
                            break;
                        default:
                            faults.Add((field, named.Token, $"「people」表中有 {person.Count} 位人员名为{Words.Quote(named.Reference)}（编号{Words.Choices(person.Select(p => p.Id.Value))}），无法确定是哪一位。请改用编号指明，如{Words.Quote("person:" + person[0].Id.Value)}。"));
                            break;
                    }

                    break;
                case RecipientSpec.NamedUnitRole named:
                    List<UnitRoster> unit = unitsById.TryGetValue(named.Unit, out var unitById)
                        ? [unitById]
                        : units.Where(u => u.Name == named.Unit).OrderBy(u => u.Id.Value, StringComparer.Ordinal).ToList();
                    switch (unit)
                    {
                        case [var one]:
                            result.Add(named with { Unit = one.Id.Value });
                            if (unitById is not null && units.FirstOrDefault(u => u.Name == named.Unit && u.Id != one.Id) is { } namesake)
                            {
                                problems.Add(new Problem(RuleRow.Table, rule.Id.Value, field, named.Token,
                                    $"{Words.Quote(named.Unit)}是单位{Words.Quote(one.Name)}的编号，同时也是另一个单位（编号{Words.Quote(namesake.Id.Value)}）的名称；已按编号发给{one.Name}。如要发给后者，请写{Words.Quote("unit:" + namesake.Id.Value + "/" + RoleWord(named.Role))}。"));
                            }

                            if (one.Holder(named.Role) is null)
                            {
                                problems.Add(new Problem(UnitRow.Table, one.Id.Value, UnitField(named.Role), null,
                                    $"规则「{rule.Id}」要发给{one.Name}的{ChineseNames.Of(named.Role)}（{named.Token}），但{one.Name}没有填写这一角色，这条消息只发给其他收件人。请在「units」表中为该单位填写{ChineseNames.Of(named.Role)}的人员编号。"));
                            }

                            break;
                        case []:
                            faults.Add((field, named.Token, $"「units」表中没有编号或名称为{Words.Quote(named.Unit)}的单位。"
                                + DidYouMean(named.Unit, units.SelectMany(u => new[] { u.Id.Value, u.Name }), "unit:", "/" + RoleWord(named.Role))
                                + "请填写已有单位的编号（如「unit:单位编号/principal」），或先在「units」表中添加此单位。"));
                            break;
                        default:
                            faults.Add((field, named.Token, $"「units」表中有 {unit.Count} 个单位名为{Words.Quote(named.Unit)}（编号{Words.Choices(unit.Select(u => u.Id.Value))}），无法确定是哪一个。请改用单位编号指明，如{Words.Quote("unit:" + unit[0].Id.Value + "/" + RoleWord(named.Role))}。"));
                            break;
                    }

                    break;
                default:
                    result.Add(spec);
                    break;
            }
        }

        return result;
    }

    /// <summary>「是不是想写「person:fgw-chen」？」 for the ids and names closest to a mistyped one; empty when none is close.</summary>
    private static string DidYouMean(string typed, IEnumerable<string> known, string prefix, string suffix = "") =>
        Suggestion.Nearest(typed, known.Distinct(StringComparer.Ordinal)) is { Count: > 0 } close
            ? "是不是想写" + string.Join("或", close.Select(c => Words.Quote(prefix + c + suffix))) + "？"
            : "";

    /// <summary>The units table's column holding <paramref name="role"/> (Principal, DeputyInCharge, LeadOfficial).</summary>
    internal static string UnitField(RecipientRole role) => role switch
    {
        RecipientRole.UnitPrincipal => nameof(UnitRow.Principal),
        RecipientRole.DeputyInCharge => nameof(UnitRow.DeputyInCharge),
        _ => nameof(UnitRow.LeadOfficial),
    };

    private static string RoleWord(RecipientRole role) => role switch
    {
        RecipientRole.UnitPrincipal => "principal",
        RecipientRole.DeputyInCharge => "deputy",
        _ => "lead-official",
    };

    private static Dictionary<string, MessageTemplate> BuildTemplates(IReadOnlyList<MessageTemplate> rows, List<Problem> problems)
    {
        var templates = DefaultTemplates.All.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var faults = row.Validate();
            if (faults.Count > 0)
            {
                // A broken override leaves the shipped wording of that id in place: better the default text than silence.
                problems.AddRange(faults);
                continue;
            }

            if (!seen.Add(row.Id.Trim()))
            {
                problems.Add(new Problem(MessageTemplate.Table, row.Id.Trim(), nameof(MessageTemplate.Id), row.Id, "已有其他模板使用此编号，此行未采用。请为每个模板设置不同的编号，或删除重复的一行。"));
                continue;
            }

            templates[row.Id.Trim()] = row with { Id = row.Id.Trim() };
        }

        return templates;
    }

    private static Dictionary<string, PlanTemplate> BuildPlanTemplates(IReadOnlyList<PlanStageRow> rows, List<Problem> problems)
    {
        var stages = new Dictionary<string, List<(int Seq, Stage Stage, string? Name)>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var read = new FieldReader(PlanStageRow.Table, row.Key, problems);
            var template = read.Id(nameof(PlanStageRow.Template), row.Template, required: true);
            var seq = read.Integer(nameof(PlanStageRow.Seq), row.Seq, required: true, 1, 99);
            var name = read.Text(nameof(PlanStageRow.Stage), row.Stage, required: true);
            var days = read.Integer(nameof(PlanStageRow.WorkingDays), row.WorkingDays, required: true, 1, 500);
            var target = read.Number(nameof(PlanStageRow.Target), row.Target, required: true, 0, 100);
            if (!read.Ok || template is null || seq is null || name is null || days is null || target is null)
            {
                continue;
            }

            var list = stages.TryGetValue(template, out var found) ? found : stages[template] = [];
            if (list.Any(s => s.Seq == seq))
            {
                read.Fault(nameof(PlanStageRow.Seq), row.Seq, string.Create(CultureInfo.InvariantCulture, $"模板{Words.Quote(template)}已有序号为 {seq} 的阶段，此行未采用。请为每个阶段设置不同的序号。"));
                continue;
            }

            list.Add((seq.Value, new Stage(name, days.Value, target.Value), row.TemplateName?.Trim()));
        }

        return stages.ToDictionary(
            s => s.Key,
            s => new PlanTemplate(
                s.Key,
                s.Value.Select(x => x.Name).FirstOrDefault(n => !string.IsNullOrEmpty(n)) ?? s.Key,
                [.. s.Value.OrderBy(x => x.Seq).Select(x => x.Stage)]),
            StringComparer.Ordinal);
    }

    private static WorkingCalendar BuildCalendar(
        IReadOnlyList<CorrectionRow> rows, IEnumerable<HolidayArrangement> shipped, DateTimeZone zone, List<Problem> problems)
    {
        var arrangements = shipped.ToList();
        var shippedYears = arrangements.Select(a => a.Year).ToHashSet();
        var corrections = new List<ArrangedDay>();
        var declared = new List<(int Year, string? Name)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var read = new FieldReader(CorrectionRow.Table, row.Key, problems);
            var text = row.Date?.Trim();
            if (!string.IsNullOrEmpty(text) && !seen.Add(text))
            {
                read.Fault(nameof(CorrectionRow.Date), row.Date, "已有另一行调整同一日期，此行未采用。请只保留一行。");
                continue;
            }

            if (text is { Length: 4 } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100)
            {
                if (row.Kind?.Trim() is not ("year" or "全年"))
                {
                    read.Fault(nameof(CorrectionRow.Kind), row.Kind, "只填年份的行用于声明该年节假日安排已全部录入，「Kind」应填「year」或「全年」。如要调整某一天，请在「Date」填写完整日期（yyyy-MM-dd）。");
                    continue;
                }

                if (shippedYears.Contains(year))
                {
                    // Replacing a published arrangement with a few rows would silently drop its holidays.
                    read.Fault(nameof(CorrectionRow.Date), row.Date, string.Create(CultureInfo.InvariantCulture, $"{year} 年的节假日安排已内置于系统，不能整年声明。请逐日填写需要调整的日期。"));
                    continue;
                }

                declared.Add((year, row.Name?.Trim()));
                continue;
            }

            var date = read.Date(nameof(CorrectionRow.Date), row.Date, required: true);
            var working = read.Enum(CorrectionKinds, nameof(CorrectionRow.Kind), row.Kind, required: true);
            if (read.Ok && date is { } d && working is { } w)
            {
                corrections.Add(new ArrangedDay(d, w, row.Name?.Trim() is { Length: > 0 } name ? name : null));
            }
        }

        // A declared year is an arrangement of its own: weekends plus the corrections admins entered for it.
        foreach (var (year, name) in declared)
        {
            arrangements.Add(new HolidayArrangement(year, [.. corrections.Where(c => c.Date.Year == year)], name ?? "「calendar」表"));
        }

        var (calendar, calendarProblems) = WorkingCalendar.Build(arrangements, corrections, zone);
        problems.AddRange(calendarProblems);
        return calendar;
    }

    private static (PersonId? Office, EvaluationOptions Options, WordingSettings Wording) BuildSettings(
        IReadOnlyList<SettingRow> rows, Dictionary<PersonId, Contact> people, List<Problem> problems)
    {
        PersonId? office = null;
        var options = EvaluationOptions.Default;
        var wording = WordingSettings.Default;
        LocalDate? goLive = null;
        LocalDate? formerGoLive = null;
        foreach (var row in rows)
        {
            var key = row.Key?.Trim() ?? "";
            var read = new FieldReader(SettingRow.Table, key.Length == 0 ? Problem.NoKey : key, problems);
            switch (key)
            {
                case "SupervisionOffice":
                    if (read.Id(nameof(SettingRow.Value), row.Value, required: true) is { } person)
                    {
                        if (people.ContainsKey(new PersonId(person)))
                        {
                            office = new PersonId(person);
                        }
                        else
                        {
                            read.Fault(nameof(SettingRow.Value), row.Value, Words.NoPerson(person));
                        }
                    }

                    break;
                case "CatchUpWorkingDays":
                    if (read.Integer(nameof(SettingRow.Value), row.Value, required: true, 0, RuleRow.MaxWorkingDays) is { } days)
                    {
                        options = options with { CatchUpWorkingDays = days };
                    }

                    break;
                case "YellowWithin":
                    if (read.Number(nameof(SettingRow.Value), row.Value, required: true, 0, 100) is { } points)
                    {
                        options = options with { Lights = new TrafficLightPolicy(points) };
                    }

                    break;
                case "GoLive":
                    goLive = read.Date(nameof(SettingRow.Value), row.Value, required: true) ?? goLive;
                    break;
                case GoLiveFormerKey:
                    formerGoLive = read.Date(nameof(SettingRow.Value), row.Value, required: true) ?? formerGoLive;
                    break;
                case "LagGapForHeads":
                    if (read.Number(nameof(SettingRow.Value), row.Value, required: true, 0, EvaluationOptions.MaxLagGapForHeads) is { } gap)
                    {
                        options = options with { LagGapForHeads = gap };
                    }

                    break;
                case "SenderName":
                    if (WordingText(read, row.Value, WordingSettings.MaxSenderNameLength, "落款", $"改正前落款仍为{Words.Quote(WordingSettings.Default.SenderName)}。") is { } sender)
                    {
                        wording = wording with { SenderName = sender };
                    }

                    break;
                case "SmsSignature":
                    if (read.Text(nameof(SettingRow.Value), row.Value, required: true) is { } signature)
                    {
                        if (WordingSettings.SmsSignatureProblem(signature) is { } reason)
                        {
                            read.Fault(nameof(SettingRow.Value), row.Value, reason);
                        }
                        else
                        {
                            wording = wording with { SmsSignature = signature };
                        }
                    }

                    break;
                case "ContactLine":
                    if (WordingText(read, row.Value, WordingSettings.MaxContactLineLength, "联系方式", "改正前消息中不写联系方式。") is { } contact)
                    {
                        wording = wording with { ContactLine = contact };
                    }

                    break;
                case "ReferencePrefix":
                    if (read.Text(nameof(SettingRow.Value), row.Value, required: true) is { } prefix)
                    {
                        if (ReferenceNumber.PrefixProblem(prefix) is { } reason)
                        {
                            read.Fault(nameof(SettingRow.Value), row.Value, reason);
                        }
                        else
                        {
                            wording = wording with { ReferencePrefix = prefix.Trim() };
                        }
                    }

                    break;
                default:
                    read.Fault(nameof(SettingRow.Key), row.Key, $"无法识别的设置项。可填：{Words.Choices(SettingKeys)}。");
                    break;
            }
        }

        if (goLive is { } live && formerGoLive is { } former && live != former)
        {
            problems.Add(new Problem(SettingRow.Table, GoLiveFormerKey, nameof(SettingRow.Value), IsoDate.Format(former),
                $"{GoLiveFormerKey} is the former name of GoLive (上线日期), which is also set, to {IsoDate.Format(live)}, and wins; delete the {GoLiveFormerKey} row"));
        }

        return (office, options with { GoLive = goLive ?? formerGoLive }, wording);
    }

    /// <summary>A one-line text of at most <paramref name="max"/> characters that messages print as is.</summary>
    private static string? WordingText(FieldReader read, string? value, int max, string what, string meanwhile)
    {
        if (read.Text(nameof(SettingRow.Value), value, required: true) is not { } text)
        {
            return null;
        }

        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal))
        {
            read.Fault(nameof(SettingRow.Value), value, $"{what}只能写一行，请删除其中的换行。{meanwhile}");
            return null;
        }

        if (text.Length > max)
        {
            read.Fault(nameof(SettingRow.Value), value, string.Create(CultureInfo.InvariantCulture, $"{what}不能超过 {max} 个字（现为 {text.Length} 个字），请精简。{meanwhile}"));
            return null;
        }

        return text;
    }
}
