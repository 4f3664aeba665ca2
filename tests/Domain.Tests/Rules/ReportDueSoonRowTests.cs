using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Rules;

/// <summary>The report-due-soon trigger's Days, and the Scan column every rule has.</summary>
public class ReportDueSoonRowTests
{
    private static readonly RuleRow Soon = new()
    {
        Id = "S1", Level = "提醒", Trigger = "report-due-soon", To = "owner", Channels = "sms", Template = "report-due-soon",
    };

    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("0", 0)]
    [InlineData("2", 2)]
    [InlineData("60", 60)]
    public void Parse_ReadsReportDueSoonDays_EmptyAsOne(string? days, int expected)
    {
        var (rule, problems) = (Soon with { Days = days }).Parse();

        Assert.Empty(problems);
        Assert.Equal(new RuleTrigger(TriggerKind.ReportDueSoon, DaySpan.Working(expected)), rule!.Trigger);
    }

    [Theory]
    [InlineData("61")]
    [InlineData("-1")]
    [InlineData("one")]
    public void Parse_RejectsReportDueSoonDays_OutsideZeroToSixty(string days)
    {
        var problem = Assert.Single((Soon with { Days = days }).Parse().Problems);

        Assert.Equal(("rules", "S1", "Days"), (problem.Table, problem.Key, problem.Field));
        Assert.Contains("0 到 60", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StillRequiresDueSoonDaysFromOne()
    {
        var problem = Assert.Single((Soon with { Trigger = "due-soon", Days = "0" }).Parse().Problems);

        Assert.Equal("Days", problem.Field);
    }

    [Theory]
    [InlineData(null, ScanSlot.Morning)]
    [InlineData("morning", ScanSlot.Morning)]
    [InlineData("上午", ScanSlot.Morning)]
    [InlineData("Afternoon", ScanSlot.Afternoon)]
    [InlineData(" 下午 ", ScanSlot.Afternoon)]
    public void Parse_ReadsScan_MorningByDefault(string? scan, ScanSlot expected)
    {
        var (rule, problems) = (Soon with { Scan = scan }).Parse();

        Assert.Empty(problems);
        Assert.Equal(expected, rule!.Scan);
    }

    [Fact]
    public void Parse_NamesTheChoices_WhenScanIsUnknown()
    {
        var problem = Assert.Single((Soon with { Scan = "evening" }).Parse().Problems);

        Assert.Equal(("S1", "Scan", "evening"), (problem.Key, problem.Field, problem.Value));
        Assert.Contains("afternoon", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("下午", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesEveryN_ForReportDueSoon()
    {
        var problem = Assert.Single((Soon with { Repeat = "every 2" }).Parse().Problems);

        Assert.Equal("Repeat", problem.Field);
    }

    [Fact]
    public void DefaultRules_ExistingRulesStayInTheMorningScan()
    {
        Assert.All(DefaultRules.All.Where(r => r.Id.Value is "R1" or "R2" or "R3" or "R4" or "R5" or "R6" or "R7"), r => Assert.Equal(ScanSlot.Morning, r.Scan));
    }
}
