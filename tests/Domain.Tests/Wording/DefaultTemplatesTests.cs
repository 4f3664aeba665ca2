using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

using Escalation.Domain.Wording;

public class DefaultTemplatesTests
{
    public static TheoryData<string> DefaultRuleIds() => new(DefaultRules.All.Select(r => r.Id.Value));

    private static EscalationRule Rule(string id) => DefaultRules.All.Single(r => r.Id.Value == id);

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
    public void All_HasExactlyTheTemplatesTheDefaultRulesName()
    {
        var named = DefaultRules.All.Select(r => r.Template).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(named, DefaultTemplates.All.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, EventKind?> RuleAndKind()
    {
        var data = new TheoryData<string, EventKind?>();
        foreach (var rule in DefaultRules.All)
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
}
