using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Rules;

/// <summary>
/// To and Copy name, besides roles of the item, a person (<c>person:ID</c>) or a role of a named unit (<c>unit:U/role</c>),
/// in English or Chinese, with a half- or full-width colon. Parsing keeps the reference as written: names are resolved
/// later, against the tables (see NamedRecipientTests).
/// </summary>
public class RecipientTokenTests
{
    private static readonly RuleRow Row = new()
    {
        Id = "R9", Level = "notice", Trigger = "overdue", To = "owner", Channels = "email", Template = "overdue",
    };

    [Theory]
    [InlineData("person:fgw-chen", "fgw-chen")]
    [InlineData("Person:fgw-chen", "fgw-chen")]
    [InlineData("人员:fgw-chen", "fgw-chen")]
    [InlineData("人员：陈主任", "陈主任")]
    [InlineData("person：陈主任", "陈主任")]
    public void Parse_ReadsANamedPerson_InEveryForm(string token, string reference)
    {
        var (rule, problems) = (Row with { To = token }).Parse();

        Assert.Empty(problems);
        Assert.Equal([new RecipientSpec.NamedPerson(reference, token)], rule!.To);
    }

    [Theory]
    [InlineData("unit:fgw/principal", "fgw", RecipientRole.UnitPrincipal)]
    [InlineData("unit:fgw/deputy", "fgw", RecipientRole.DeputyInCharge)]
    [InlineData("UNIT:fgw/lead-official", "fgw", RecipientRole.LeadOfficial)]
    [InlineData("单位:fgw/主要负责人", "fgw", RecipientRole.UnitPrincipal)]
    [InlineData("单位：发改委/分管负责同志", "发改委", RecipientRole.DeputyInCharge)]
    [InlineData("单位:发改委/分管负责人", "发改委", RecipientRole.DeputyInCharge)]
    [InlineData("单位:发改委/包保领导", "发改委", RecipientRole.LeadOfficial)]
    [InlineData("单位:发改委/分管市领导", "发改委", RecipientRole.LeadOfficial)]
    [InlineData("unit：市发改委／principal", "市发改委", RecipientRole.UnitPrincipal)]
    public void Parse_ReadsANamedUnitsRole_InEveryForm(string token, string unit, RecipientRole role)
    {
        var (rule, problems) = (Row with { Copy = token }).Parse();

        Assert.Empty(problems);
        Assert.Equal([new RecipientSpec.NamedUnitRole(unit, role, token)], rule!.Copy);
    }

    [Fact]
    public void Parse_KeepsRolesAndNamedRecipientsInTheirOrder_WithTheUsualSeparators()
    {
        var (rule, problems) = (Row with { To = "owner、person:fgw-chen，principal", Copy = "督查室;单位:fgw/主要负责人" }).Parse();

        Assert.Empty(problems);
        Assert.Equal(
            [new RecipientSpec.ByRole(RecipientRole.Owner), new RecipientSpec.NamedPerson("fgw-chen", "person:fgw-chen"), new RecipientSpec.ByRole(RecipientRole.UnitPrincipal)],
            rule!.To);
        Assert.Equal([new RecipientSpec.ByRole(RecipientRole.SupervisionOffice), new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, "单位:fgw/主要负责人")], rule.Copy);
    }

    [Theory]
    [InlineData("person:", "没有写清是哪位人员")]
    [InlineData("人员：", "没有写清是哪位人员")]
    [InlineData("unit:fgw", "没有写明要发给该单位的哪位负责人")]
    [InlineData("unit:/principal", "没有写清是哪个单位")]
    [InlineData("unit:fgw/owner", "「owner」不是单位的负责人角色")]
    [InlineData("单位:fgw/督查室", "「督查室」不是单位的负责人角色")]
    [InlineData("mayor:wang", "「mayor:wang」不在可选值之中")]
    public void Parse_RejectsAMalformedToken_NamingRuleFieldAndValue(string token, string reason)
    {
        var (rule, problems) = (Row with { To = "owner, " + token }).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal(("rules", "R9", "To", "owner, " + token), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SaysWhichNamedFormsExist_WhenATokenIsUnknown()
    {
        var (_, problems) = (Row with { Copy = "mayor" }).Parse();

        Assert.Contains("person:人员编号", Assert.Single(problems).Reason, StringComparison.Ordinal);
    }
}
