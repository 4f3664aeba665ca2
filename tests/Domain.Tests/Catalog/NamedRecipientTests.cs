using Escalation.Domain.Catalog;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>
/// Named recipients are resolved when the configuration is built: by id, or by a name exactly one person (unit) has.
/// What does not resolve is reported against the rule, its field and the token, and dropped; the rule stays unless its
/// To is left empty. The fixture: 商务局 (swj) with all three roles, 发改委 (fgw) with only its principal 陈主任.
/// </summary>
public class NamedRecipientTests
{
    private static readonly RuleRow Overdue = DefaultRules.Rows.Single(r => r.Id == "R3");

    private static (Configuration Configuration, IReadOnlyList<Escalation.Domain.Problems.Problem> Problems) BuildWith(string to, string? copy = null, ConfigurationRows? rows = null) =>
        Build((rows ?? Rows) with { Rules = [Overdue with { To = to, Copy = copy }] });

    private static EscalationRule Single(Configuration configuration) => Assert.Single(configuration.Rules);

    [Theory]
    [InlineData("person:fgw-chen")]
    [InlineData("人员:陈主任")]
    [InlineData("人员：陈主任")]
    public void Build_ResolvesANamedPerson_ByIdOrUniqueName(string token)
    {
        var (configuration, problems) = BuildWith("owner, " + token);

        Assert.Empty(problems);
        Assert.Equal([RecipientRole.Owner, new RecipientSpec.NamedPerson("fgw-chen", token)], Single(configuration).To);
    }

    [Theory]
    [InlineData("unit:fgw/principal")]
    [InlineData("单位:发改委/主要负责人")]
    public void Build_ResolvesANamedUnit_ByIdOrUniqueName(string token)
    {
        var (configuration, problems) = BuildWith("owner", token);

        Assert.Empty(problems);
        Assert.Equal([new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, token)], Single(configuration).Copy);
    }

    [Fact]
    public void Build_SuggestsTheClosestPerson_WhenANamedPersonIsMistyped()
    {
        var (configuration, problems) = BuildWith("owner", "person:fgw-chn");

        AssertSingleProblem(problems, "rules", "R3", "Copy", "person:fgw-chn", "是不是想写「person:fgw-chen」？");
        Assert.Empty(Single(configuration).Copy);
    }

    [Fact]
    public void Build_SuggestsTheClosestUnit_WhenANamedUnitIsMistyped()
    {
        var (_, problems) = BuildWith("owner", "unit:fwg/principal");

        AssertSingleProblem(problems, "rules", "R3", "Copy", "unit:fwg/principal", "是不是想写「unit:fgw/principal」");
    }

    [Fact]
    public void Build_PrefersTheUnitIdAndSaysSo_WhenAReferenceIsOneUnitsIdAndAnothersName()
    {
        var rows = Rows with { Units = [.. Units, new UnitRow("zz", "fgw", Principal: "swj-zhang")] };

        var (configuration, problems) = BuildWith("owner", "unit:fgw/principal", rows);

        AssertSingleProblem(problems, "rules", "R3", "Copy", "unit:fgw/principal", "如要发给后者，请写「unit:zz/principal」");
        Assert.Equal([new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, "unit:fgw/principal")], Single(configuration).Copy);
    }

    [Fact]
    public void Build_DropsAmbiguousPersonAndAsksForTheId_WhenTwoPeopleShareTheName()
    {
        var rows = Rows with { People = [.. People, new PersonRow("fgw-chen2", "陈主任", "fgw")] };

        var (configuration, problems) = BuildWith("owner", "人员:陈主任", rows);

        var problem = AssertSingleProblem(problems, "rules", "R3", "Copy", "人员:陈主任", "有 2 位人员名为「陈主任」");
        Assert.Contains("「fgw-chen」、「fgw-chen2」", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("「person:fgw-chen」", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(Single(configuration).Copy);
    }

    [Fact]
    public void Build_DropsAmbiguousUnitAndAsksForTheId_WhenTwoUnitsShareTheName()
    {
        var rows = Rows with { Units = [.. Units, new UnitRow("fgw2", "发改委", Principal: "swj-zhang")] };

        var (configuration, problems) = BuildWith("owner, 单位:发改委/主要负责人", rows: rows);

        AssertSingleProblem(problems, "rules", "R3", "To", "单位:发改委/主要负责人", "有 2 个单位名为「发改委」（编号「fgw」、「fgw2」）");
        Assert.Equal([RecipientRole.Owner], Single(configuration).To);
    }

    [Theory]
    [InlineData("person:nobody", "「people」表中没有编号或姓名为「nobody」的人员")]
    [InlineData("人员:王五", "「people」表中没有编号或姓名为「王五」的人员")]
    [InlineData("unit:jtj/principal", "「units」表中没有编号或名称为「jtj」的单位")]
    [InlineData("单位:交通局/分管负责同志", "「units」表中没有编号或名称为「交通局」的单位")]
    public void Build_ReportsAndDropsAnUnknownRecipient_KeepingTheRule(string token, string reason)
    {
        var (configuration, problems) = BuildWith("owner, principal", "supervision-office, " + token);

        var problem = AssertSingleProblem(problems, "rules", "R3", "Copy", token, reason);
        Assert.Contains("照常发给其他收件人", problem.Reason, StringComparison.Ordinal);
        var rule = Single(configuration);
        Assert.Equal([RecipientRole.Owner, RecipientRole.UnitPrincipal], rule.To);
        Assert.Equal([RecipientRole.SupervisionOffice], rule.Copy);
    }

    [Fact]
    public void Build_DoesNotAdoptTheRule_WhenNoAddresseeRemainsInTo()
    {
        var (configuration, problems) = BuildWith("person:nobody", "supervision-office");

        var problem = AssertSingleProblem(problems, "rules", "R3", "To", "person:nobody", "没有编号或姓名为「nobody」");
        Assert.Contains("此规则未采用", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(configuration.Rules);
    }

    [Fact]
    public void Build_ReportsEachBadRecipient_WhenSeveralFail()
    {
        var (configuration, problems) = BuildWith("person:nobody, unit:jtj/principal", "person:fgw-chen");

        Assert.Equal(["person:nobody", "unit:jtj/principal"], problems.Select(p => p.Value));
        Assert.All(problems, p => Assert.Contains("此规则未采用", p.Reason, StringComparison.Ordinal));
        Assert.Empty(configuration.Rules);
    }

    [Fact]
    public void Build_ReportsANamedUnitsEmptyRole_AndKeepsTheRecipient()
    {
        var (configuration, problems) = BuildWith("owner", "unit:fgw/deputy");

        AssertSingleProblem(problems, "units", "fgw", "DeputyInCharge", null, "规则「R3」要发给发改委的分管负责同志（unit:fgw/deputy），但发改委没有填写这一角色，这条消息只发给其他收件人");
        Assert.Equal([new RecipientSpec.NamedUnitRole("fgw", RecipientRole.DeputyInCharge, "unit:fgw/deputy")], Single(configuration).Copy);
    }

    [Fact]
    public void Build_PrefersTheIdAndSaysSo_WhenAReferenceIsOnePersonsIdAndAnothersName()
    {
        var rows = Rows with { People = [.. People, new PersonRow("zz", "fgw-chen")] };

        var (configuration, problems) = BuildWith("person:fgw-chen", rows: rows);

        AssertSingleProblem(problems, "rules", "R3", "To", "person:fgw-chen", "已按编号发给陈主任。如要发给后者，请写「person:zz」");
        Assert.Equal([new RecipientSpec.NamedPerson("fgw-chen", "person:fgw-chen")], Single(configuration).To);
    }

    [Fact]
    public void Build_LeavesTheDefaultRulesAsTheyAre_WhenTheyNameRolesOnly()
    {
        var (configuration, problems) = Build(Rows with { Rules = DefaultRules.Rows });

        Assert.Empty(problems);
        Assert.Equal(DefaultRules.All.Select(r => (r.To, r.Copy)), configuration.Rules.Select(r => (r.To, r.Copy)), new RecipientListsComparer());
    }

    private sealed class RecipientListsComparer : IEqualityComparer<(IReadOnlyList<RecipientSpec> To, IReadOnlyList<RecipientSpec> Copy)>
    {
        public bool Equals((IReadOnlyList<RecipientSpec> To, IReadOnlyList<RecipientSpec> Copy) x, (IReadOnlyList<RecipientSpec> To, IReadOnlyList<RecipientSpec> Copy) y) =>
            x.To.SequenceEqual(y.To) && x.Copy.SequenceEqual(y.Copy);

        public int GetHashCode((IReadOnlyList<RecipientSpec> To, IReadOnlyList<RecipientSpec> Copy) obj) => obj.To.Count;
    }
}
