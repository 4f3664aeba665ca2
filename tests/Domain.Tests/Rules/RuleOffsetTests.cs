using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Domain.Tests.Rules;

/// <summary>The rule columns that name days: Days (ahead or delay), DemandDays and DemandRoll, and Repeat with its caps.</summary>
public class RuleOffsetTests
{
    private static readonly RuleRow Overdue = new()
    {
        Id = "R3", Level = "notice", Trigger = "overdue", To = "owner", Channels = "email", Template = "overdue",
        Demand = "整改", DemandDays = "10",
    };

    private static EscalationRule Parsed(RuleRow row)
    {
        var (rule, problems) = row.Parse();
        Assert.Empty(problems);
        return Assert.IsType<EscalationRule>(rule);
    }

    private static Problem Rejected(RuleRow row)
    {
        var (rule, problems) = row.Parse();
        Assert.Null(rule);
        return Assert.Single(problems);
    }

    [Theory]
    [InlineData("3", 3, DayUnit.WorkingDays)]
    [InlineData("3个工作日", 3, DayUnit.WorkingDays)]
    [InlineData("15天", 15, DayUnit.CalendarDays)]
    [InlineData("15d", 15, DayUnit.CalendarDays)]
    public void Parse_ReadsDueSoonDays_InWorkingOrCalendarDays(string days, int count, DayUnit unit)
    {
        var rule = Parsed(Overdue with { Trigger = "due-soon", Days = days, Demand = null, DemandDays = null });

        Assert.Equal(new DaySpan(count, unit), rule.Trigger.Days);
    }

    [Theory]
    [InlineData("overdue")]
    [InlineData("report-missing")]
    [InlineData("demand-overdue")]
    public void Parse_ReadsDaysAsADelay_ForTriggersAfterTheDueDate(string trigger)
    {
        Assert.Equal(DaySpan.Working(20), Parsed(Overdue with { Trigger = trigger, Days = "20" }).Trigger.Days);
        Assert.Equal(DaySpan.Calendar(30), Parsed(Overdue with { Trigger = trigger, Days = "30天" }).Trigger.Days);
        Assert.Null(Parsed(Overdue with { Trigger = trigger, Days = "" }).Trigger.Days);
    }

    [Fact]
    public void Parse_RejectsABadDelay_NamingTheField()
    {
        var problem = Rejected(Overdue with { Days = "20周" });

        Assert.Equal(("R3", "Days", "20周"), (problem.Key, problem.Field, problem.Value));
        Assert.Contains("无法识别「20周」", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", 10, DayUnit.WorkingDays)]
    [InlineData("10个工作日", 10, DayUnit.WorkingDays)]
    [InlineData("15天", 15, DayUnit.CalendarDays)]
    [InlineData("15个自然日", 15, DayUnit.CalendarDays)]
    public void Parse_ReadsDemandDays_InWorkingOrCalendarDays(string days, int count, DayUnit unit)
    {
        var rule = Parsed(Overdue with { DemandDays = days });

        Assert.Equal(new DemandSpec(DemandKind.Rectification, new DaySpan(count, unit)), rule.Demand);
    }

    [Theory]
    [InlineData("roll", true)]
    [InlineData("顺延", true)]
    [InlineData("TRUE", true)]
    [InlineData("是", true)]
    [InlineData("", false)]
    [InlineData("none", false)]
    [InlineData("不顺延", false)]
    [InlineData("false", false)]
    [InlineData("否", false)]
    public void Parse_ReadsDemandRoll_WithCalendarDays(string roll, bool rolls)
    {
        var rule = Parsed(Overdue with { DemandDays = "15天", DemandRoll = roll });

        Assert.Equal(new DemandSpec(DemandKind.Rectification, DaySpan.Calendar(15), rolls), rule.Demand);
    }

    [Fact]
    public void Parse_AdoptsTheRuleButReportsAndIgnoresTheRoll_WhenDemandDaysAreWorkingDays()
    {
        var (rule, problems) = (Overdue with { DemandDays = "10", DemandRoll = "顺延" }).Parse();

        Assert.NotNull(rule);
        Assert.Equal(new DemandSpec(DemandKind.Rectification, DaySpan.Working(10), Roll: false), rule.Demand);
        var problem = Assert.Single(problems);
        Assert.Equal(("R3", "DemandRoll", "顺延"), (problem.Key, problem.Field, problem.Value));
        Assert.Contains("工作日", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("已忽略", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AdoptsTheRuleButReportsTheRoll_WhenThereIsNoDemand()
    {
        var (rule, problems) = (Overdue with { Demand = null, DemandDays = null, DemandRoll = "roll" }).Parse();

        Assert.NotNull(rule);
        Assert.Null(rule.Demand);
        Assert.Equal("DemandRoll", Assert.Single(problems).Field);
    }

    [Fact]
    public void Parse_RejectsAnUnknownRoll_NamingTheField()
    {
        var problem = Rejected(Overdue with { DemandDays = "15天", DemandRoll = "maybe" });

        Assert.Equal(("DemandRoll", "maybe"), (problem.Field, problem.Value));
        Assert.Contains("「顺延」", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("every 5", 5, DayUnit.WorkingDays, null, false)]
    [InlineData("every 15d", 15, DayUnit.CalendarDays, null, false)]
    [InlineData("every 10wd", 10, DayUnit.WorkingDays, null, false)]
    [InlineData("每10个工作日", 10, DayUnit.WorkingDays, null, false)]
    [InlineData("每15天", 15, DayUnit.CalendarDays, null, false)]
    [InlineData("every 20 max 3", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("EVERY 20 MAX 3", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("每20个工作日 最多3次", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("每20个工作日，最多3次", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("每20个工作日,最多3次", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("每20个工作日重复，最多3次", 20, DayUnit.WorkingDays, 3, false)]
    [InlineData("every 5 until-higher", 5, DayUnit.WorkingDays, null, true)]
    [InlineData("每5个工作日，直至升级", 5, DayUnit.WorkingDays, null, true)]
    [InlineData("every 5 max 4 until-higher", 5, DayUnit.WorkingDays, 4, true)]
    [InlineData("every 30d, until-higher, max 2", 30, DayUnit.CalendarDays, 2, true)]
    [InlineData("every 5 max 100", 5, DayUnit.WorkingDays, 100, false)]
    [InlineData("every 90", 90, DayUnit.WorkingDays, null, false)]
    public void Parse_ReadsRepeatIntervalAndCaps_ForReportMissing(string text, int every, DayUnit unit, int? max, bool untilHigher)
    {
        var rule = Parsed(Overdue with { Trigger = "report-missing", Repeat = text, Demand = null, DemandDays = null });

        Assert.Equal(new Repeat(RepeatKind.EveryWorkingDays, new DaySpan(every, unit)) { Max = max, UntilHigher = untilHigher }, rule.Repeat);
    }

    [Theory]
    [InlineData("every 20", 3)]
    [InlineData("每20个工作日", 3)]
    [InlineData("every 20 max 5", 5)]
    [InlineData("every 20 max none", null)]
    [InlineData("每20个工作日，不限次数", null)]
    public void Parse_CapsAnOverdueRepeatAtThreeByDefault_UnlessTheRowSaysOtherwise(string text, int? max)
    {
        var rule = Parsed(Overdue with { Repeat = text });

        Assert.Equal(max, rule.Repeat.Max);
    }

    [Theory]
    [InlineData("report-missing")]
    [InlineData("demand-overdue")]
    public void Parse_LeavesOtherTriggersRepeatsUnlimited_ByDefault(string trigger)
    {
        Assert.Null(Parsed(Overdue with { Trigger = trigger, Repeat = "every 20" }).Repeat.Max);
    }

    [Theory]
    [InlineData("once max 3", "只能与「every N」一起使用")]
    [InlineData("max 3", "只能与「every N」一起使用")]
    [InlineData("on-due-day until-higher", "只能与「every N」一起使用")]
    [InlineData("every 5 max 0", "次数上限「0」超出范围：应为 1 到 100 之间的整数")]
    [InlineData("every 5 max 101", "次数上限「101」超出范围")]
    [InlineData("every 5 max three", "无法识别「max three」")]
    [InlineData("every 5 max 3 max 4", "写了不止一次")]
    [InlineData("every 0", "重复间隔「0」超出范围")]
    [InlineData("every 5 weeks", "无法识别。")]
    [InlineData("每5周", "无法识别。")]
    public void Parse_RejectsBadRepeat_NamingTheField(string text, string reason)
    {
        var problem = Rejected(Overdue with { Repeat = text });

        Assert.Equal(("R3", "Repeat", text), (problem.Key, problem.Field, problem.Value));
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("due-soon", "every 5 max 3")]
    [InlineData("lag-streak", "每5个工作日，直至升级")]
    public void Parse_RejectsRepeatCaps_ForTriggersThatDoNotRepeat(string trigger, string text)
    {
        var problem = Rejected(Overdue with { Trigger = trigger, Days = "3", Streak = "1", Repeat = text, Demand = null, DemandDays = null });

        Assert.Equal("Repeat", problem.Field);
    }

    [Fact]
    public void ChineseNames_ShowTheNewForms()
    {
        var rule = Parsed(Overdue with { Days = "20", DemandDays = "15天", DemandRoll = "顺延", Repeat = "每20个工作日，最多3次" });

        Assert.Equal("时间节点或截止日期已过20个工作日仍未达目标", ChineseNames.Of(rule.Trigger));
        Assert.Equal("15天内限期整改（遇休息日顺延）", ChineseNames.Of(rule.Demand!));
        Assert.Equal("每20个工作日重复，最多3次", ChineseNames.Of(rule.Repeat));
        Assert.Equal("每15天重复，不限次数，直至升级", ChineseNames.Of(new Repeat(RepeatKind.EveryWorkingDays, DaySpan.Calendar(15)) { UntilHigher = true }));
        Assert.Equal("10个工作日内书面说明", ChineseNames.Of(new DemandSpec(DemandKind.Explanation, 10)));
        Assert.Equal("截止日期前15天未达目标", ChineseNames.Of(new RuleTrigger(TriggerKind.DueSoon, DaySpan.Calendar(15), CheckpointScope.Deadline)));
    }

    [Fact]
    public void DefaultRules_MeanWhatTheyMeantBefore_BareNumbersWorkingDaysAndNoDelays()
    {
        var rules = DefaultRules.All.ToDictionary(r => r.Id.Value);
        string[] delayless = ["R2", "R3", "R4", "R5", "R6", "R7", "R8"];

        Assert.Equal(DaySpan.Working(3), rules["R1"].Trigger.Days);
        Assert.All(delayless, id => Assert.Null(rules[id].Trigger.Days));
        Assert.Equal(new DemandSpec(DemandKind.Explanation, DaySpan.Working(5), Roll: false), rules["R5"].Demand);
        Assert.All(rules.Values.Where(r => r.Id.Value != "R1"), r => Assert.Equal(Repeat.Once, r.Repeat));

        // Changed on purpose with issue 13: R3's rectification is 15 calendar days, rolled to the next working day
        // (限期整改15天); R9/R10 remind 1 working day before a report is due and on the due day (report-due-soon Days).
        Assert.Equal(new DemandSpec(DemandKind.Rectification, DaySpan.Calendar(15), Roll: true), rules["R3"].Demand);
        Assert.Equal(DaySpan.Working(1), rules["R9"].Trigger.Days);
        Assert.Equal(DaySpan.Working(0), rules["R10"].Trigger.Days);
    }
}
