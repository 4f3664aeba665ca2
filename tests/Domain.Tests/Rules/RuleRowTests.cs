using Escalation.Domain.Periods;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Rules;

public class RuleRowTests
{
    private static readonly RuleRow Valid = new()
    {
        Id = "R9", Name = "测试", Level = "notice", Trigger = "lag-streak", Streak = "2", Period = "旬", Tolerance = "5",
        To = "principal、deputy", Copy = "督查室", Channels = "email, sms", Template = "lag-notice",
        EffectiveFrom = "2025-01-01", Demand = "说明", DemandDays = "5",
    };

    [Fact]
    public void Parse_AcceptsEnglishAndChineseNames()
    {
        var (rule, problems) = Valid.Parse();

        Assert.Empty(problems);
        Assert.NotNull(rule);
        Assert.Equal(EventLevel.Notice, rule.Level);
        Assert.Equal(new RuleTrigger(TriggerKind.LagStreak, null, CheckpointScope.All, 2, PeriodKind.Xun, 5), rule.Trigger);
        Assert.Equal([RecipientRole.UnitPrincipal, RecipientRole.DeputyInCharge], rule.To);
        Assert.Equal([RecipientRole.SupervisionOffice], rule.Copy);
        Assert.Equal([Channel.Email, Channel.Sms], rule.Channels);
        Assert.Equal(new DemandSpec(DemandKind.Explanation, 5), rule.Demand);
        Assert.Equal(new NodaTime.LocalDate(2025, 1, 1), rule.EffectiveFrom);
        Assert.True(rule.Enabled);
    }

    [Theory]
    [InlineData(nameof(RuleRow.Level), "warning", "无法识别「warning」")]
    [InlineData(nameof(RuleRow.Trigger), "whenever", "无法识别「whenever」")]
    [InlineData(nameof(RuleRow.Streak), "0", "1 到 120 之间的整数")]
    [InlineData(nameof(RuleRow.DemandDays), "400", "1 到 60 之间的整数")]
    [InlineData(nameof(RuleRow.Period), "quarter", "无法识别「quarter」")]
    [InlineData(nameof(RuleRow.Tolerance), "-3", "0 到 100 之间的百分点数")]
    [InlineData(nameof(RuleRow.To), "mayor", "「mayor」不在可选值之中")]
    [InlineData(nameof(RuleRow.Channels), "fax", "「fax」不在可选值之中")]
    [InlineData(nameof(RuleRow.EffectiveFrom), "2025/01/01", "不是有效的日期。请按「yyyy-MM-dd」格式填写")]
    [InlineData(nameof(RuleRow.Enabled), "maybe", "请填写「true」（启用）或「false」（停用）")]
    [InlineData(nameof(RuleRow.Repeat), "sometimes", "无法识别。请填写「once」")]
    [InlineData(nameof(RuleRow.DemandDays), "five", "无法识别「five」")]
    [InlineData(nameof(RuleRow.Id), "R/9", "不能用作规则编号：编号含有表格行键不允许的字符")]
    public void Parse_RejectsBadField_NamingRuleAndField(string field, string value, string reason)
    {
        var row = With(Valid, field, value);

        var (rule, problems) = row.Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal("rules", problem.Table);
        Assert.Equal(field, problem.Field);
        Assert.Equal(value, problem.Value);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        Assert.Equal(field == nameof(RuleRow.Id) ? "R/9" : "R9", problem.Key);
    }

    [Fact]
    public void Parse_ReportsEveryFaultyField_NotJustTheFirst()
    {
        var row = Valid with { Level = "", Trigger = "due-soon", Days = null, To = "", Template = "" };

        var (rule, problems) = row.Parse();

        Assert.Null(rule);
        Assert.Equal(["Level", "Days", "To", "Template"], problems.Select(p => p.Field));
        Assert.Contains("此触发条件下此项必填，请填写天数（工作日 1 到 60，自然日 1 到 90）", problems[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsUnknownTemplate_WhenTemplatesAreKnown()
    {
        var (_, problems) = Valid.Parse(new HashSet<string> { "due-soon", "overdue" });

        var problem = Assert.Single(problems);
        Assert.Equal("Template", problem.Field);
        Assert.Contains("没有编号为「lag-notice」的消息模板", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("「due-soon」、「overdue」", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("due-soon", "every 2")]
    [InlineData("lag-streak", "every 2")]
    [InlineData("overdue", "on-due-day")]
    public void Parse_RejectsRepeatThatDoesNotFitTrigger(string trigger, string repeat)
    {
        var row = Valid with { Trigger = trigger, Days = "3", Repeat = repeat };

        var (_, problems) = row.Parse();

        Assert.Equal("Repeat", Assert.Single(problems).Field);
    }

    [Fact]
    public void DefaultRules_AreTheSpecifiedLadder()
    {
        var rules = DefaultRules.All;

        Assert.Equal(["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16"], rules.Select(r => r.Id.Value));
        Assert.Equal(
            [EventLevel.Reminder, EventLevel.Reminder, EventLevel.Notice, EventLevel.Reminder, EventLevel.Notice, EventLevel.Summons, EventLevel.Summons, EventLevel.Notice, EventLevel.Reminder, EventLevel.Reminder, EventLevel.Accountability,
             EventLevel.Reminder, EventLevel.Reminder, EventLevel.Accountability, EventLevel.Reminder, EventLevel.Reminder],
            rules.Select(r => r.Level));
        Assert.Equal((TriggerKind.ReportDueSoon, (DaySpan?)DaySpan.Working(1), ScanSlot.Morning, "report-due-soon"), (rules[8].Trigger.Kind, rules[8].Trigger.Days, rules[8].Scan, rules[8].Template));
        Assert.Equal((TriggerKind.ReportDueSoon, (DaySpan?)DaySpan.Working(0), ScanSlot.Afternoon, "report-due-today"), (rules[9].Trigger.Kind, rules[9].Trigger.Days, rules[9].Scan, rules[9].Template));
        Assert.Equal([Channel.Sms], rules[9].Channels);
        Assert.Equal(DaySpan.Working(3), rules[0].Trigger.Days);
        Assert.Equal(RepeatKind.OnDueDay, rules[0].Repeat.Kind);
        var unsigned = rules.Single(r => r.Id.Value == "R15");
        Assert.Equal((TriggerKind.Unsigned, (DaySpan?)DaySpan.Working(1), RepeatKind.Once, "unsigned"), (unsigned.Trigger.Kind, unsigned.Trigger.Days, unsigned.Repeat.Kind, unsigned.Template));
        Assert.Equal([RecipientSpec.FromRecipientRole(RecipientRole.UnitPrincipal)], unsigned.To);
        Assert.Equal([Channel.Email, Channel.Sms], unsigned.Channels);
        Assert.Equal(new DemandSpec(DemandKind.Rectification, DaySpan.Calendar(15), Roll: true), rules[2].Demand); // 限期整改15天, rolled to a working day
        Assert.Equal([1, 2, 3], rules.Where(r => r.Trigger.Kind == TriggerKind.LagStreak).Select(r => r.Trigger.MinStreak));
        Assert.Equal(new DemandSpec(DemandKind.Explanation, 5), rules[4].Demand);
        Assert.Equal([RecipientRole.LeadOfficial, RecipientRole.SupervisionOffice], rules[5].Copy);

        // R11, the top rung: a demand still unmet 10 working days after it was due (R7 summoned at once) → 问责建议 to the
        // office, copied to the lead official, never to the unit.
        Assert.Equal((TriggerKind.DemandOverdue, (DaySpan?)DaySpan.Working(10), "accountability"), (rules[10].Trigger.Kind, rules[10].Trigger.Days, rules[10].Template));
        Assert.Equal([RecipientRole.SupervisionOffice], rules[10].To);
        Assert.Equal([RecipientRole.LeadOfficial], rules[10].Copy);
        Assert.Null(rules[10].Demand);
        Assert.Null(rules[10].Consequence);

        // The closed loop: the office is told of an answer (R12) and of an exemption request (R16), the unit of a decision
        // (R13, its owner with a copy to its principal), and a false rectification is an accountability recommendation (R14).
        Assert.Equal(
            [(TriggerKind.AnswerSubmitted, "answer-submitted"), (TriggerKind.AnswerDecided, "answer-decided"), (TriggerKind.FalseRectification, "false-rectification"), (TriggerKind.Unsigned, "unsigned"), (TriggerKind.ExemptionRequested, "exemption-requested")],
            rules.Skip(11).Select(r => (r.Trigger.Kind, r.Template)));
        Assert.Equal([RecipientRole.Owner], rules[12].To);
        Assert.Equal([RecipientRole.UnitPrincipal], rules[12].Copy);
        Assert.Equal([Channel.Email, Channel.Sms], rules[12].Channels);
        Assert.Equal([RecipientRole.SupervisionOffice], rules[13].To);
        Assert.Equal([RecipientRole.LeadOfficial], rules[13].Copy);
    }

    [Theory]
    [InlineData("answer-submitted", TriggerKind.AnswerSubmitted)]
    [InlineData("答复提交", TriggerKind.AnswerSubmitted)]
    [InlineData("答复处理", TriggerKind.AnswerDecided)]
    [InlineData("虚假整改", TriggerKind.FalseRectification)]
    [InlineData("豁免申请", TriggerKind.ExemptionRequested)]
    public void Parse_ReadsTheLoopsTriggers_InEnglishOrChinese(string trigger, TriggerKind kind)
    {
        var (rule, problems) = new RuleRow { Id = "R20", Level = "提醒", Trigger = trigger, To = "督查室", Channels = "email", Template = "answer-submitted" }.Parse();

        Assert.Empty(problems);
        Assert.Equal(kind, rule!.Trigger.Kind);
    }

    [Theory]
    [InlineData("Days", "3", "不使用天数")]
    [InlineData("Repeat", "every 5", "不能「every N」重复")]
    public void Parse_RefusesDaysAndRepeats_OnALoopTrigger(string field, string value, string reason)
    {
        var row = new RuleRow { Id = "R20", Level = "提醒", Trigger = "answer-decided", To = "owner", Channels = "email", Template = "answer-decided" };

        var (rule, problems) = (field == "Days" ? row with { Days = value } : row with { Repeat = value }).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    private static RuleRow With(RuleRow row, string field, string value) => field switch
    {
        nameof(RuleRow.Level) => row with { Level = value },
        nameof(RuleRow.Trigger) => row with { Trigger = value },
        nameof(RuleRow.Streak) => row with { Streak = value },
        nameof(RuleRow.Period) => row with { Period = value },
        nameof(RuleRow.Tolerance) => row with { Tolerance = value },
        nameof(RuleRow.To) => row with { To = value },
        nameof(RuleRow.Channels) => row with { Channels = value },
        nameof(RuleRow.EffectiveFrom) => row with { EffectiveFrom = value },
        nameof(RuleRow.Enabled) => row with { Enabled = value },
        nameof(RuleRow.Repeat) => row with { Repeat = value },
        nameof(RuleRow.DemandDays) => row with { DemandDays = value },
        nameof(RuleRow.Id) => row with { Id = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}

public class RuleTableTests
{
    [Fact]
    public void ParseAll_KeepsGoodRows_AndRejectsBadAndDuplicateOnes()
    {
        var rows = DefaultRules.Rows
            .Append(DefaultRules.Rows[0] with { Name = "重复的R1" })
            .Append(new RuleRow { Id = "R99", Level = "提醒", Trigger = "overdue", To = "owner", Channels = "pigeon", Template = "overdue" });

        var (rules, problems) = RuleRow.ParseAll(rows);

        Assert.Equal(["R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16"], rules.Select(r => r.Id.Value));
        Assert.Equal([("R1", "Id"), ("R1", "Id"), ("R99", "Channels")], problems.Select(p => (p.Key, p.Field)));
    }
}
