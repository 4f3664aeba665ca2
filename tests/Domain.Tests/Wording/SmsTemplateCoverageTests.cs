using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>
/// With a mainland SMS gateway every letter goes as an approved template: every (level, kind) an enabled SMS rule can
/// raise needs its smstemplates row or the level's grouped row, and every such level a grouped row for letters of
/// several items.
/// </summary>
public class SmsTemplateCoverageTests
{
    private static SmsTemplateMap Map(params SmsTemplateRow[] rows)
    {
        var problems = new List<Problem>();
        var map = SmsTemplateMap.Build(rows, problems);
        Assert.Empty(problems);
        return map;
    }

    private static EscalationRule Rule(string id) => DefaultRules.All.Single(r => r.Id.Value == id);

    [Fact]
    public void KindsOf_GivesWhatARuleCanRaise()
    {
        Assert.Equal([EventKind.DueSoon, EventKind.DueToday], SmsTemplateCoverage.KindsOf(Rule("R1")));
        Assert.Equal([EventKind.Lagging], SmsTemplateCoverage.KindsOf(Rule("R5")));
        Assert.Equal([EventKind.DueSoon], SmsTemplateCoverage.KindsOf(Rule("R1") with { Repeat = Repeat.Once }));
        Assert.Equal([EventKind.ReportDueSoon], SmsTemplateCoverage.KindsOf(Rule("R10")));
    }

    [Fact]
    public void Problems_NameTheRuleAndTheMissingRow_AndHowToFix()
    {
        var map = Map(new SmsTemplateRow("通报", "grouped", "SMS_9", "count={count};items={items}"));

        var problems = SmsTemplateCoverage.Problems([Rule("R1"), Rule("R5")], map, "阿里云短信");

        var dueSoon = Assert.Single(problems, p => p.Key == "R1" && p.Reason.Contains("「提醒」级「节点临近」", StringComparison.Ordinal));
        Assert.Equal(("rules", "Channels"), (dueSoon.Table, dueSoon.Field));
        Assert.Contains("阿里云短信", dueSoon.Reason, StringComparison.Ordinal);
        Assert.Contains("smstemplates", dueSoon.Reason, StringComparison.Ordinal);
        Assert.Contains("重新导入", dueSoon.Reason, StringComparison.Ordinal);
        Assert.Single(problems, p => p.Key == "R1" && p.Reason.Contains("「提醒」级「节点当日」", StringComparison.Ordinal));
        var grouped = Assert.Single(problems, p => p.Table == "smstemplates");
        Assert.Equal(("Reminder:grouped", "Kind"), (grouped.Key, grouped.Field));
        Assert.Contains("R1", grouped.Reason, StringComparison.Ordinal);
        Assert.Contains("合并", grouped.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(problems, p => p.Key == "R5");
        Assert.Equal(3, problems.Count);
    }

    // Each indicator trigger raises its own kind (IndicatorEvaluator); a summons by SMS about towns below the provincial
    // average and in the bottom three needs the row 约谈 / 低于平均且排名靠后, or the summons' grouped row.
    [Theory]
    [InlineData("indicator-lag", "2", EventKind.IndicatorLagging)]
    [InlineData("target-missed", null, EventKind.TargetMissed)]
    [InlineData("stretch-missed", null, EventKind.StretchMissed)]
    [InlineData("below-earlier", null, EventKind.BelowEarlier)]
    [InlineData("year-end-rank", null, EventKind.YearEndRank)]
    [InlineData("bottom-rank", null, EventKind.BottomRank)]
    [InlineData("scoreboard", null, EventKind.Scoreboard)]
    [InlineData("share", null, EventKind.ShareInvitation)]
    [InlineData("pledge", null, EventKind.Pledge)]
    public void KindsOf_GivesTheIndicatorKind_OfEachIndicatorTrigger(string trigger, string? streak, EventKind expected)
    {
        var (rule, problems) = new RuleRow
        {
            Id = "I1", Level = trigger == "stretch-missed" ? "提醒" : "约谈", Trigger = trigger, Streak = streak, To = "principal", Channels = "sms", Template = "x",
        }.Parse();
        Assert.Empty(problems);

        Assert.Equal([expected], SmsTemplateCoverage.KindsOf(rule!));
    }

    [Fact]
    public void Problems_NameTheIndicatorKind_WhenAnIndicatorSummonsBySmsHasNoRow()
    {
        var (rule, _) = new RuleRow { Id = "I8", Name = "低于全省平均且排名后三位约谈", Level = "约谈", Trigger = "bottom-rank", To = "deputy", Channels = "email,sms", Template = "indicator-bottom-rank" }.Parse();
        var map = Map(new SmsTemplateRow("提醒", "grouped", "SMS_7", "count={count};items={items}"));

        var problems = SmsTemplateCoverage.Problems([rule!], map, "阿里云短信");

        Assert.Single(problems, p => p.Key == "I8" && p.Reason.Contains("「约谈」级「低于平均且排名靠后」", StringComparison.Ordinal));
        Assert.Empty(SmsTemplateCoverage.Problems([rule!], Map(
            new SmsTemplateRow("约谈", "低于平均且排名靠后", "SMS_8", "unit={unit};item={item};period={period};value={value};average={average}"),
            new SmsTemplateRow("约谈", "grouped", "SMS_9", "count={count};items={items}")), "阿里云短信"));
    }

    [Fact]
    public void Problems_AreNone_WhenEachLevelHasAGroupedRow()
    {
        var map = Map(
            new SmsTemplateRow("提醒", "grouped", "SMS_7", "count={count};items={items}"),
            new SmsTemplateRow("通报", "grouped", "SMS_8", "count={count};items={items}"),
            new SmsTemplateRow("约谈", "grouped", "SMS_9", "count={count};items={items}"));

        Assert.Empty(SmsTemplateCoverage.Problems(DefaultRules.All, map, "腾讯云短信"));
    }

    [Fact]
    public void Problems_LeaveOutDisabledRulesAndRulesWithoutSms()
    {
        var disabled = Rule("R5") with { Enabled = false };
        var emailOnly = Rule("R6") with { Channels = [Channel.Email] };

        Assert.Empty(SmsTemplateCoverage.Problems([disabled, emailOnly], SmsTemplateMap.Empty, "阿里云短信"));
    }

    [Fact]
    public void Render_UsesTheLevelsGroupedRow_ForOneItemWithoutARowOfItsKind()
    {
        var map = Map(new SmsTemplateRow("通报", "grouped", "SMS_9", "count={count};units={units}"));

        var message = map.Render(LetterOf(null, [Overdue("道路")]), Office, 20);

        Assert.Equal("SMS_9", message?.TemplateCode);
        Assert.Equal("1", message!.Parameters[0].Value);
    }
}
