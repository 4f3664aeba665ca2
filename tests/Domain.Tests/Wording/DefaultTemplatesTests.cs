using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

using Escalation.Domain.Wording;

public class DefaultTemplatesTests
{
    public static TheoryData<string> DefaultRuleIds() => new(DefaultRules.All.Select(r => r.Id.Value));

    /// <summary>
    /// The summons rung of the overdue ladder the docs show (not a default rule): 约谈, overdue, 20个工作日 after the
    /// checkpoint, worded by the shipped template overdue-summons.
    /// </summary>
    private static readonly EscalationRule OverdueSummons = DefaultRules.All.Single(r => r.Id.Value == "R3") with
    {
        Id = new RuleId("R90"),
        Name = "逾期二十个工作日约谈",
        Level = EventLevel.Summons,
        Trigger = new RuleTrigger(TriggerKind.Overdue, DaySpan.Working(20)),
        Template = "overdue-summons",
        Demand = null,
    };

    /// <summary>
    /// A consequence notice as the docs show it (not a default rule): a project still overdue 20 working days after its
    /// checkpoint, 市发改委 recommended to cut its preparatory funds (核减前期费).
    /// </summary>
    private static readonly EscalationRule ConsequenceNotice = DefaultRules.All.Single(r => r.Id.Value == "R11") with
    {
        Id = new RuleId("R91"),
        Name = "逾期项目核减前期费",
        Trigger = new RuleTrigger(TriggerKind.Overdue, DaySpan.Working(20)),
        Template = "consequence-notice",
        Consequence = new ConsequenceSpec("核减前期费", "fgw", RecipientRole.UnitPrincipal, "fgw"),
    };

    /// <summary>
    /// Shipped for rungs admins add, not named by a default rule: the overdue summons, the consequence notice, and the
    /// indicator events' wording (no default rule judges indicators; samples/rules.csv adds them).
    /// </summary>
    private static readonly string[] ShippedForAddedRungs =
    [
        "overdue-summons", "consequence-notice",
        "indicator-lag-reminder", "indicator-lag-notice", "indicator-lag-summons", "indicator-target-missed", "indicator-stretch-missed",
        "indicator-below-earlier", "indicator-year-end", "indicator-bottom-rank", "scoreboard", "scoreboard-share", "scoreboard-pledge",
    ];

    private static IEnumerable<EscalationRule> RulesWithShippedWording => [.. DefaultRules.All, OverdueSummons, ConsequenceNotice];

    private static EscalationRule Rule(string id) => RulesWithShippedWording.Single(r => r.Id.Value == id);

    [Theory]
    [MemberData(nameof(DefaultRuleIds))]
    public void ById_HasTheTemplate_ForEveryDefaultRule(string ruleId)
    {
        var rule = Rule(ruleId);

        Assert.True(DefaultTemplates.ById.ContainsKey(rule.Template), $"no default template '{rule.Template}' for rule {ruleId}");
    }

    [Fact]
    public void DefaultRuleRows_ParseClean_AgainstDefaultTemplateIds()
    {
        var known = DefaultTemplates.ById.Keys.ToHashSet(StringComparer.Ordinal);

        var problems = DefaultRules.Rows.SelectMany(row => row.Parse(known).Problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void All_HasExactlyTheTemplatesTheDefaultRulesName_TheOverdueSummonsTheConsequenceNoticeAndTheIndicatorEvents()
    {
        var named = DefaultRules.All.Select(r => r.Template).Concat(ShippedForAddedRungs).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(named, DefaultTemplates.All.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, EventKind?> RuleAndKind()
    {
        var data = new TheoryData<string, EventKind?>();
        foreach (var rule in RulesWithShippedWording)
        {
            data.Add(rule.Id.Value, null);
            if (rule.Trigger.Kind == TriggerKind.DueSoon)
            {
                data.Add(rule.Id.Value, EventKind.DueToday);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RuleAndKind))]
    public void RenderSms_FitsOneSegment_ForTypicalValues(string ruleId, EventKind? kind)
    {
        var rule = Rule(ruleId);

        var sms = MessageWording.RenderSms(TypicalEvent(rule, kind), DefaultTemplates.ById[rule.Template], "张三");

        Assert.True(sms.Text.Length <= 70, $"{sms.Text.Length} characters: {sms.Text}");
        Assert.Equal(1, sms.Segments);
    }

    [Theory]
    [MemberData(nameof(RuleAndKind))]
    public void RenderEmail_NamesUnitAndItemInSubject_ForEveryDefaultRule(string ruleId, EventKind? kind)
    {
        var rule = Rule(ruleId);

        var email = MessageWording.RenderEmail(TypicalEvent(rule, kind), DefaultTemplates.ById[rule.Template], "张三");

        Assert.Contains(TypicalUnit, email.Subject, StringComparison.Ordinal);
        Assert.Contains(TypicalItem, email.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleAndKind))]
    public void Render_LeavesNoPlaceholderOrNull_ForEveryDefaultRule(string ruleId, EventKind? kind)
    {
        var rule = Rule(ruleId);
        var template = DefaultTemplates.ById[rule.Template];
        var e = TypicalEvent(rule, kind);

        var email = MessageWording.RenderEmail(e, template, null);
        var sms = MessageWording.RenderSms(e, template, null);

        foreach (var text in new[] { email.Subject, email.PlainText, email.Html, sms.Text })
        {
            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            Assert.DoesNotContain("null", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("，，", text, StringComparison.Ordinal);
            Assert.DoesNotContain("，。", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OverdueSummons_SummonsTheUnit_ForACheckpointStillOverdue()
    {
        var e = TypicalEvent(OverdueSummons);

        var email = MessageWording.RenderEmail(e, DefaultTemplates.ById["overdue-summons"], "张三");
        var sms = MessageWording.RenderSms(e, DefaultTemplates.ById["overdue-summons"], "张三");

        Assert.Equal("【约谈通知】市商务局“全市重点项目建设推进工作”“完成主体施工”时间节点逾期未完成", email.Subject);
        Assert.Contains("拟对市商务局主要负责同志、分管负责同志开展约谈警示，具体时间、地点另行通知。", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【督查室】市商务局“全市重点项目建设推进工作”“完成主体施工”节点逾期未完成，拟予约谈警示，具体时间另行通知。", sms.Text);
    }

    [Fact]
    public void TemplateFor_WordsAnOverdueSummons_WithOverdueSummons_WhenItsTemplateIsMissing()
    {
        var e = TypicalEvent(OverdueSummons with { Template = "no-such-template" });

        var template = MessageWording.TemplateFor(new LetterItem(e, null, IsCopy: false));

        Assert.Equal("overdue-summons", template.Id);
    }
}
