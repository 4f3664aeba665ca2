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
