using Escalation.Domain.Periods;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Import;

/// <summary>
/// Rule rows keep meaning what they meant before issue 13 (calendar-day offsets, delays, repeat limits, start-missed,
/// report-due-soon, the afternoon scan): samples/rules.csv as it was then, frozen in Import/Data/rules-before-issue-13.csv
/// and read by today's import code, parses to the ladder built by hand as it was (bare numbers are working days, an empty
/// Days is no delay, nothing rolls or is capped, every rule in the morning scan). The shipped ladder (samples/rules.csv and
/// default-rules.json) keeps R1, R2 and R4–R7 as they were; R3's rectification became 15 calendar days rolled to the next
/// working day; R8–R10 are new, R11 (issue 14) tops the ladder with the fourth level, 问责建议, and R15 (issue 16) chases
/// a notice not signed for (未签收).
/// </summary>
public class SampleRulesTests
{
    private static readonly RecipientRole[] Owner = [RecipientRole.Owner];
    private static readonly Channel[] Both = [Channel.Email, Channel.Sms];

    /// <summary>The ladder as it was built before DaySpan existed: every day count a number of working days.</summary>
    private static readonly EscalationRule[] Before =
    [
        Rule("R1", "时间节点临近提醒", EventLevel.Reminder, new RuleTrigger(TriggerKind.DueSoon, DaySpan.Working(3)), Owner, [], "due-soon", new Repeat(RepeatKind.OnDueDay)),
        Rule("R2", "进展报送缺报提醒", EventLevel.Reminder, new RuleTrigger(TriggerKind.ReportMissing), Owner, [], "report-missing"),
        Rule("R3", "逾期未完成挂牌督办", EventLevel.Notice, new RuleTrigger(TriggerKind.Overdue), [RecipientRole.Owner, RecipientRole.UnitPrincipal], [RecipientRole.SupervisionOffice], "overdue",
            demand: new DemandSpec(DemandKind.Rectification, 10)),
        Rule("R4", "月度落后提醒", EventLevel.Reminder, new RuleTrigger(TriggerKind.LagStreak, null, CheckpointScope.All, 1, PeriodKind.Month), [RecipientRole.Owner, RecipientRole.UnitPrincipal], [], "lag-reminder"),
        Rule("R5", "连续两月落后通报", EventLevel.Notice, new RuleTrigger(TriggerKind.LagStreak, null, CheckpointScope.All, 2, PeriodKind.Month), [RecipientRole.UnitPrincipal], [RecipientRole.SupervisionOffice], "lag-notice",
            demand: new DemandSpec(DemandKind.Explanation, 5)),
        Rule("R6", "连续三月落后约谈", EventLevel.Summons, new RuleTrigger(TriggerKind.LagStreak, null, CheckpointScope.All, 3, PeriodKind.Month), [RecipientRole.UnitPrincipal, RecipientRole.DeputyInCharge],
            [RecipientRole.LeadOfficial, RecipientRole.SupervisionOffice], "lag-summons"),
        Rule("R7", "说明或整改逾期约谈", EventLevel.Summons, new RuleTrigger(TriggerKind.DemandOverdue), [RecipientRole.UnitPrincipal, RecipientRole.DeputyInCharge], [], "demand-overdue"),
    ];

    /// <summary>
    /// The ladder shipped with issue 13, built by hand: R1, R2 and R4–R7 as before; R3's rectification 15 calendar days
    /// rolled to the next working day (限期整改15天); R8 start-missed with a special explanation from the unit and the
    /// builder; R9 the working day before a report is due (email); R10 on the due day in the afternoon scan (SMS).
    /// </summary>
    private static readonly EscalationRule[] Shipped =
    [
        Before[0],
        Before[1],
        Before[2] with { Demand = new DemandSpec(DemandKind.Rectification, DaySpan.Calendar(15), Roll: true) },
        Before[3],
        Before[4],
        Before[5],
        Before[6],
        Rule("R8", "未按期开工专题说明", EventLevel.Notice, new RuleTrigger(TriggerKind.StartMissed), [RecipientRole.UnitPrincipal, RecipientRole.BuilderPrincipal], [RecipientRole.SupervisionOffice], "start-missed",
            demand: new DemandSpec(DemandKind.SpecialExplanation, 5) { From = [DemandSubmitter.Unit, DemandSubmitter.Builder] }),
        Rule("R9", "报送截止前提醒", EventLevel.Reminder, new RuleTrigger(TriggerKind.ReportDueSoon, DaySpan.Working(1)), Owner, [], "report-due-soon", channels: [Channel.Email]),
        Rule("R10", "报送当日未报催报", EventLevel.Reminder, new RuleTrigger(TriggerKind.ReportDueSoon, DaySpan.Working(0)), Owner, [], "report-due-today", channels: [Channel.Sms],
            scan: ScanSlot.Afternoon),
        Rule("R11", "说明整改逾期问责建议", EventLevel.Accountability, new RuleTrigger(TriggerKind.DemandOverdue, DaySpan.Working(10)), [RecipientRole.SupervisionOffice], [RecipientRole.LeadOfficial],
            "accountability", channels: [Channel.Email]),
    ];

    /// <summary>
    /// The closed loop's rules (issue 16), built by hand: the office told of an answer (R12) and of an exemption request
    /// (R16), the unit of a decision (R13), and a false rectification an accountability recommendation (R14); with them the
    /// unsigned chase (R15).
    /// </summary>
    private static readonly EscalationRule[] Loop =
    [
        Rule("R12", "答复提交告知督查室", EventLevel.Reminder, new RuleTrigger(TriggerKind.AnswerSubmitted), [RecipientRole.SupervisionOffice], [], "answer-submitted", channels: [Channel.Email]),
        Rule("R13", "答复处理结果告知单位", EventLevel.Reminder, new RuleTrigger(TriggerKind.AnswerDecided), Owner, [RecipientRole.UnitPrincipal], "answer-decided"),
        Rule("R14", "虚假整改问责建议", EventLevel.Accountability, new RuleTrigger(TriggerKind.FalseRectification), [RecipientRole.SupervisionOffice], [RecipientRole.LeadOfficial],
            "false-rectification", channels: [Channel.Email]),
        Rule("R15", "通报约谈未签收提醒", EventLevel.Reminder, new RuleTrigger(TriggerKind.Unsigned, DaySpan.Working(1)), [RecipientRole.UnitPrincipal], [], "unsigned"),
        Rule("R16", "豁免申请告知督查室", EventLevel.Reminder, new RuleTrigger(TriggerKind.ExemptionRequested), [RecipientRole.SupervisionOffice], [], "exemption-requested", channels: [Channel.Email]),
    ];

    [Fact]
    public void RulesBeforeIssue13_ParseToTheSameRulesAsBefore_WhenReadByTheImportCode()
    {
        var folder = Directory.CreateTempSubdirectory("rules-before-issue-13-");
        try
        {
            File.Copy(Path.Combine(Repo.Root, "tests", "Functions.Tests", "Import", "Data", "rules-before-issue-13.csv"), Path.Combine(folder.FullName, "rules.csv"));

            var (rules, problems) = ParseRulesIn(folder.FullName);

            Assert.Empty(problems);
            AssertLadder(Before, rules);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void SampleRules_ParseToTheShippedLadder_WhenReadByTheImportCode()
    {
        var (rules, problems) = ParseRulesIn(Repo.Samples);

        // The samples add the group robots (samples/robots.csv) to R5, R6 and R8 so that the demo shows posts; the shipped
        // ladder itself stays email and SMS. After the shipped ladder come the sample city's indicator rules (I1–I11), which
        // no default rule has: the shipped ladder judges tasks only.
        Assert.Empty(problems);
        AssertLadder([.. Shipped.Select(r => r.Id.Value is "R5" or "R6" or "R8" ? r with { Channels = [Channel.Email, Channel.Sms, Channel.WeCom, Channel.DingTalk] } : r)], [.. rules.Take(Shipped.Length)]);
        Assert.Equal(IndicatorLadder, rules.Skip(Shipped.Length).Take(IndicatorLadder.Length).Select(r => $"{r.Id} {r.Level} {r.Trigger.Kind}{(r.Trigger.Kind == TriggerKind.IndicatorLag ? "≥" + r.Trigger.MinStreak : "")} {r.Template} {string.Join('+', r.Channels)}{(r.Demand is { } d ? $" {d.Kind} {d.Days}" : "")}"));
        AssertLadder(Loop, [.. rules.Skip(Shipped.Length + IndicatorLadder.Length)]);
    }

    /// <summary>The sample city's indicator rules (samples/rules.csv I1–I11), one line each: id, level, trigger, template, channels, demand.</summary>
    private static readonly string[] IndicatorLadder =
    [
        "I1 Reminder IndicatorLag≥1 indicator-lag-reminder Email",
        "I2 Notice IndicatorLag≥2 indicator-lag-notice Email Explanation 5个工作日",
        "I3 Summons IndicatorLag≥3 indicator-lag-summons Email+Sms",
        "I4 Notice TargetMissed indicator-target-missed Email Explanation 5个工作日",
        "I5 Reminder StretchMissed indicator-stretch-missed Email",
        "I6 Notice BelowEarlier indicator-below-earlier Email Explanation 5个工作日",
        "I7 Notice YearEndRank indicator-year-end Email Explanation 10个工作日",
        "I8 Summons BottomRank indicator-bottom-rank Email+Sms",
        "I9 Notice Scoreboard scoreboard Email+DingTalk",
        "I10 Reminder ShareInvitation scoreboard-share Email",
        "I11 Notice Pledge scoreboard-pledge Email",
    ];

    [Fact]
    public void DefaultRules_AreTheShippedLadder()
    {
        AssertLadder([.. Shipped, .. Loop], DefaultRules.All);
    }

    [Fact]
    public void Import_ReadsCalendarDaysAndTheRollColumn_UnderChineseHeaders()
    {
        var folder = Directory.CreateTempSubdirectory("rules-offsets-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "rules.csv"),
                "规则编号,级别,触发条件,天数,送达,渠道,模板,重复,要求,要求时限,遇休息日顺延\n" +
                "R3,通报,overdue,,具体责任人,邮件,overdue,\"每20个工作日，最多3次\",整改,15天,顺延\n" +
                "R8,约谈,overdue,20个工作日,主要负责人,邮件,overdue,,,,\n");
            var table = ImportSource.Read(folder.FullName).Tables.Single(t => t.Schema.Name == "rules");
            var rows = table.Rows.Select(r => AdminTables.Rules.Create(r.Field)).ToList();

            var (rules, problems) = RuleRow.ParseAll(rows);

            Assert.Empty(problems);
            Assert.Equal(new DemandSpec(DemandKind.Rectification, DaySpan.Calendar(15), Roll: true), rules[0].Demand);
            Assert.Equal(new Repeat(RepeatKind.EveryWorkingDays, 20) { Max = 3 }, rules[0].Repeat);
            Assert.Equal(DaySpan.Working(20), rules[1].Trigger.Days);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Import_ReadsTheFourthLevelAndAConsequence_UnderChineseHeaders()
    {
        var folder = Directory.CreateTempSubdirectory("rules-accountability-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "rules.csv"),
                "规则编号,规则名称,级别,触发条件,天数,送达,抄送,渠道,模板,后果,执行单位\n" +
                "R12,逾期项目核减前期费,问责建议,overdue,20个工作日,,督查室,邮件,consequence-notice,核减前期费,单位:fgw/分管负责同志\n" +
                "R13,连续四月落后问责建议,问责建议,lag-streak,,\"督查室,包保领导\",,邮件,accountability,,\n");
            var table = ImportSource.Read(folder.FullName).Tables.Single(t => t.Schema.Name == "rules");
            var rows = table.Rows.Select(r => AdminTables.Rules.Create(r.Field)).ToList();

            var (rules, problems) = RuleRow.ParseAll(rows);

            // R13 names no streak: lag-streak needs one, reported like any rule's missing field.
            Assert.Equal(("R13", "Streak"), (Assert.Single(problems).Key, problems[0].Field));
            var consequence = Assert.Single(rules);
            Assert.Equal(EventLevel.Accountability, consequence.Level);
            Assert.Equal(new ConsequenceSpec("核减前期费", "fgw", RecipientRole.DeputyInCharge, "单位:fgw/分管负责同志"), consequence.Consequence);
            Assert.Equal("Consequence", Tables.Rules.ColumnFor("后果措施")?.Name);
            Assert.Equal("ConsequenceUnit", Tables.Rules.ColumnFor("后果执行单位")?.Name);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Import_StillReadsTheFormerDaysHeader()
    {
        Assert.Equal("Days", Tables.Rules.ColumnFor("提前工作日")?.Name);
        Assert.Equal("Days", Tables.Rules.ColumnFor("天数")?.Name);
        Assert.Equal("DemandRoll", Tables.Rules.ColumnFor("遇休息日顺延")?.Name);
    }

    [Fact]
    public void Rows_RoundTripTheNewColumn_ThroughATableEntity()
    {
        var row = new RuleRow
        {
            Id = "R3", Trigger = "overdue", Days = "20天", DemandDays = "15天", DemandRoll = "顺延", Repeat = "every 5 max 3",
            Consequence = "核减前期费", ConsequenceUnit = "fgw",
        };

        var back = AdminTables.Rules.FromEntity(AdminTables.Rules.ToEntity(row));

        Assert.Equal(row, back);
    }

    private static (IReadOnlyList<EscalationRule> Rules, IReadOnlyList<Escalation.Domain.Problems.Problem> Problems) ParseRulesIn(string folder)
    {
        var table = ImportSource.Read(folder).Tables.Single(t => t.Schema.Name == "rules");
        var rows = table.Rows.Select(r => AdminTables.Rules.Create(r.Field)).ToList();
        var (rules, problems) = RuleRow.ParseAll(rows);
        return (rules, problems);
    }

    private static void AssertLadder(EscalationRule[] expected, IReadOnlyList<EscalationRule> actual)
    {
        Assert.Equal(expected.Select(r => r.Id.Value), actual.Select(r => r.Id.Value));
        for (var i = 0; i < expected.Length; i++)
        {
            AssertSame(expected[i], actual[i]);
        }
    }

    private static void AssertSame(EscalationRule expected, EscalationRule actual)
    {
        Assert.Equal(
            (expected.Id, expected.Name, expected.Level, expected.Trigger, expected.Template, expected.Repeat, expected.EffectiveFrom, expected.Enabled, expected.Demand, expected.Scan),
            (actual.Id, actual.Name, actual.Level, actual.Trigger, actual.Template, actual.Repeat, actual.EffectiveFrom, actual.Enabled, actual.Demand, actual.Scan));
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(expected.Copy, actual.Copy);
        Assert.Equal(expected.Channels, actual.Channels);
    }

    private static EscalationRule Rule(
        string id, string name, EventLevel level, RuleTrigger trigger, RecipientRole[] to, RecipientRole[] copy, string template,
        Repeat? repeat = null, DemandSpec? demand = null, Channel[]? channels = null, ScanSlot scan = ScanSlot.Morning) =>
        new(new RuleId(id), name, level, trigger, [.. to.Select(r => (RecipientSpec)r)], [.. copy.Select(r => (RecipientSpec)r)], channels ?? Both, template, repeat ?? Repeat.Once, LocalDate.MinIsoValue,
            Enabled: true, Demand: demand, Scan: scan);
}
