using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Indicators;

/// <summary>The indicator triggers as admins write them in the rules table.</summary>
public class IndicatorRuleRowTests
{
    private static RuleRow Row(string trigger, string level = "notice", string to = "principal") => new()
    {
        Id = "I1", Level = level, Trigger = trigger, To = to, Channels = "email", Template = "indicator",
        Streak = trigger is "indicator-lag" or "指标落后" ? "2" : null,
    };

    [Theory]
    [InlineData("indicator-lag", "指标落后", TriggerKind.IndicatorLag)]
    [InlineData("target-missed", "未完成确保目标", TriggerKind.TargetMissed)]
    [InlineData("stretch-missed", "未达力争目标", TriggerKind.StretchMissed)]
    [InlineData("below-earlier", "低于前期", TriggerKind.BelowEarlier)]
    [InlineData("year-end-rank", "年终排名靠后", TriggerKind.YearEndRank)]
    [InlineData("bottom-rank", "低于平均且排名靠后", TriggerKind.BottomRank)]
    [InlineData("scoreboard", "成绩单", TriggerKind.Scoreboard)]
    [InlineData("share", "分享经验", TriggerKind.ShareInvitation)]
    [InlineData("pledge", "表态发言", TriggerKind.Pledge)]
    public void Parse_ReadsEachIndicatorTrigger_InEnglishAndChinese(string english, string chinese, TriggerKind kind)
    {
        var level = kind == TriggerKind.StretchMissed ? "reminder" : "notice";

        var (fromEnglish, englishProblems) = Row(english, level).Parse();
        var (fromChinese, chineseProblems) = Row(chinese, level).Parse();

        Assert.Empty(englishProblems);
        Assert.Empty(chineseProblems);
        Assert.Equal(kind, fromEnglish!.Trigger.Kind);
        Assert.Equal(kind, fromChinese!.Trigger.Kind);
        Assert.True(kind.IsIndicator());
        Assert.False(string.IsNullOrEmpty(ChineseNames.Of(fromEnglish.Trigger)));
    }

    [Fact]
    public void Parse_IndicatorLag_ReadsTheStreak_AndRequiresIt()
    {
        var (rule, _) = Row("indicator-lag").Parse();
        var (missing, problems) = (Row("indicator-lag") with { Streak = null }).Parse();

        Assert.Equal(2, rule!.Trigger.MinStreak);
        Assert.Null(missing);
        Assert.Equal("Streak", Assert.Single(problems).Field);
    }

    [Fact]
    public void Parse_DaysOfAnIndicatorRule_IsADelayAfterPublication()
    {
        var (rule, problems) = (Row("target-missed") with { Days = "3" }).Parse();

        Assert.Empty(problems);
        Assert.Equal(DaySpan.Working(3), rule!.Trigger.Days);
        Assert.Equal("指标未完成确保目标（数据发布后3个工作日）", ChineseNames.Of(rule.Trigger));
    }

    [Theory]
    [InlineData("notice")]
    [InlineData("summons")]
    public void Parse_StretchMissed_IsAReminderOnly(string level)
    {
        var (rule, problems) = Row("stretch-missed", level).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal("Level", problem.Field);
        Assert.Contains("只作提醒", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("owner", "具体责任人")]
    [InlineData("principal, 建设单位", "建设单位主要负责人")]
    public void Parse_IndicatorRule_RefusesItemRoles(string to, string named)
    {
        var (rule, problems) = Row("bottom-rank", "summons", to).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal("To", problem.Field);
        Assert.Contains(named, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IndicatorRule_AcceptsUnitRolesOfficeAndNamedRecipients()
    {
        var (rule, problems) = (Row("bottom-rank", "summons", "deputy, 主要负责人, person:fgw-chen") with { Copy = "督查室, unit:fgw/principal, lead-official" }).Parse();

        Assert.Empty(problems);
        Assert.Equal(3, rule!.To.Count);
        Assert.Equal(3, rule.Copy.Count);
    }

    [Fact]
    public void Parse_IndicatorRule_DoesNotRepeat()
    {
        var (rule, problems) = (Row("target-missed") with { Repeat = "every 5" }).Parse();

        Assert.Null(rule);
        Assert.Equal("Repeat", Assert.Single(problems).Field);
    }

    [Theory]
    [InlineData("bottom-rank", "Streak", "2", "不使用「Streak」")]
    [InlineData("target-missed", "Streak", "1", "不使用「Streak」")]
    [InlineData("indicator-lag", "Tolerance", "2", "不使用「Tolerance」")]
    [InlineData("year-end-rank", "Scope", "deadline", "不使用「Scope」")]
    [InlineData("below-earlier", "Period", "month", "不使用「Period」")]
    [InlineData("target-missed", "DemandFrom", "主管部门、建设单位", "指标没有建设单位")]
    public void Parse_IndicatorRule_RefusesAColumnItWouldIgnore_WithOneProblemNamingTheField(string trigger, string field, string value, string reason)
    {
        var row = Row(trigger) with { Demand = "说明", DemandDays = "5" };
        row = field switch
        {
            "Streak" => row with { Streak = value },
            "Tolerance" => row with { Tolerance = value },
            "Scope" => row with { Scope = value },
            "Period" => row with { Period = value },
            _ => row with { DemandFrom = value },
        };

        var (rule, problems) = row.Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal((field, value), (problem.Field, problem.Value));
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IndicatorRule_AcceptsTheUnitAsWhoOwesTheDemand()
    {
        var (rule, problems) = (Row("target-missed") with { Demand = "说明", DemandDays = "5", DemandFrom = "主管部门" }).Parse();

        Assert.Empty(problems);
        Assert.Equal([DemandSubmitter.Unit], rule!.Demand!.From);
    }

    [Fact]
    public void Parse_IndicatorRule_AnUnreadableScope_IsReportedOnce()
    {
        var (_, problems) = (Row("target-missed") with { Scope = "some" }).Parse();

        Assert.Equal("Scope", Assert.Single(problems).Field);
    }

    [Fact]
    public void TaskRows_MayNotUseTheIndicatorItemPrefix()
    {
        var rows = UnitRows(WithT1(ValidTask("T1") with { Id = "ind:gdtz" }));

        var (items, problems) = BuildItems(rows);

        AssertSingleProblem(problems, "tasks", "ind:gdtz", "Id", "ind:gdtz", "不能以「ind:」开头");
        Assert.Equal("T2", Assert.Single(items).Item.Id.Value);
    }
}
