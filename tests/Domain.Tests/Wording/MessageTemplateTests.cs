namespace Escalation.Domain.Tests.Wording;

// Inside the namespace so that "Wording" names the class, not this test folder's namespace.
using Escalation.Domain.Wording;

public class MessageTemplateTests
{
    private static MessageTemplate Valid => new("t1", "【督查提醒】{unit}“{item}”", "{recipient}同志：\n{unit}{when}", "{unit}{item}");

    public static TheoryData<string> DefaultTemplateIds() => new(DefaultTemplates.All.Select(t => t.Id));

    [Theory]
    [MemberData(nameof(DefaultTemplateIds))]
    public void Validate_ReturnsNoProblems_ForEveryDefaultTemplate(string id)
    {
        var problems = DefaultTemplates.ById[id].Validate();

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_ReturnsNoProblems_WhenTemplateUsesEveryPlaceholder()
    {
        var all = string.Concat(MessageTemplate.Placeholders.Select(p => "{" + p + "}"));
        var template = new MessageTemplate("all", all, all, all);

        var problems = template.Validate();

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_ReportsUnknownPlaceholder_WithTemplateIdAndField()
    {
        var template = Valid with { Body = "{unit}承担的{task}" };

        var problems = template.Validate();

        var problem = Assert.Single(problems);
        Assert.Equal("templates", problem.Table);
        Assert.Equal("t1", problem.Key);
        Assert.Equal("Body", problem.Field);
        Assert.Equal("{unit}承担的{task}", problem.Value);
        Assert.Contains("无法识别占位符「{task}」", problem.Reason, StringComparison.Ordinal);
        Assert.All(MessageTemplate.Placeholders, p => Assert.Contains("{" + p + "}", problem.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{unit", "Subject", 1)]
    [InlineData("unit}", "Subject", 5)]
    [InlineData("{unit{item}", "Sms", 1)]
    [InlineData("{item}}", "Sms", 7)]
    public void Validate_ReportsUnbalancedBrace_WithPosition(string text, string field, int position)
    {
        var template = field == "Subject" ? Valid with { Subject = text } : Valid with { Sms = text };

        var problems = template.Validate();

        var problem = Assert.Single(problems);
        Assert.Equal(("templates", "t1", field, text), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains($"第 {position} 个字符处", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsEveryFault_NotJustTheFirst()
    {
        var template = new MessageTemplate("t2", "{foo}", "{bar} {", "");

        var problems = template.Validate();

        Assert.Equal(["Subject", "Body", "Body", "Sms"], problems.Select(p => p.Field));
    }

    [Fact]
    public void Validate_ReportsMissingId_WhenIdBlank()
    {
        var template = Valid with { Id = " " };

        var problem = Assert.Single(template.Validate());

        Assert.Equal(("（无编号）", "Id"), (problem.Key, problem.Field));
    }

    [Theory]
    [InlineData("{{unit}}")]
    [InlineData("{UNIT}{ReportDue}")]
    public void Validate_Accepts_WhenBracesDoubledOrCaseDiffers(string text)
    {
        var template = Valid with { Subject = text };

        Assert.Empty(template.Validate());
    }
}
