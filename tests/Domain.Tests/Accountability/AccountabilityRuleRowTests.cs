using Escalation.Domain.Accountability;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Accountability;

/// <summary>
/// Rows of the fourth level as admins write them: 问责建议 goes to the supervision office and decision makers only, so a
/// role of the item's own unit is refused when the row is read, naming the rule, the field and the token; a consequence
/// (后果通知) names what is recommended and the unit that executes it, resolved with the other tables.
/// </summary>
public class AccountabilityRuleRowTests
{
    /// <summary>A demand still unmet 10 working days after it was due: a recommendation to the office, copied to the lead official.</summary>
    private static readonly RuleRow Valid = new()
    {
        Id = "R12", Name = "整改逾期问责建议", Level = "accountability", Trigger = "demand-overdue", Days = "10",
        To = "supervision-office", Copy = "lead-official", Channels = "email", Template = "accountability",
    };

    /// <summary>A project overdue 20 working days: 市发改委 is recommended to cut its preparatory funds.</summary>
    private static readonly RuleRow Consequence = new()
    {
        Id = "R13", Name = "逾期项目核减前期费", Level = "问责建议", Trigger = "overdue", Days = "20个工作日",
        Copy = "督查室", Channels = "email", Template = "consequence-notice", Consequence = "核减前期费", ConsequenceUnit = "fgw",
    };

    [Theory]
    [InlineData("accountability")]
    [InlineData("问责建议")]
    [InlineData("Accountability")]
    public void Parse_ReadsTheFourthLevel_InEnglishAndChinese(string level)
    {
        var (rule, problems) = (Valid with { Level = level }).Parse();

        Assert.Empty(problems);
        Assert.Equal(EventLevel.Accountability, rule!.Level);
        Assert.Equal(4, (int)rule.Level);
        Assert.Equal(EventLevel.Accountability, RuleRow.ParseLevel(level));
    }

    [Fact]
    public void Parse_AcceptsTheOfficeTheLeadOfficialNamedPeopleAndNamedUnits()
    {
        var (rule, problems) = (Valid with { To = "督查室, person:city-wang", Copy = "包保领导, unit:jw/principal, 人员:王副市长" }).Parse();

        Assert.Empty(problems);
        Assert.Equal([RecipientRole.SupervisionOffice, new RecipientSpec.NamedPerson("city-wang", "person:city-wang")], rule!.To);
        Assert.Equal(3, rule.Copy.Count);
    }

    [Fact]
    public void Parse_RefusesEveryRoleOfTheItemsSide_NamingTheRuleTheFieldAndTheToken()
    {
        var (rule, problems) = (Valid with { To = "督查室, principal", Copy = "具体责任人, 分管负责同志, builder, 包保领导" }).Parse();

        Assert.Null(rule);
        Assert.Equal(
            [("R12", "To", "principal"), ("R12", "Copy", "具体责任人"), ("R12", "Copy", "分管负责同志"), ("R12", "Copy", "builder")],
            problems.Select(p => (p.Key, p.Field, p.Value)));
        Assert.All(problems, p => Assert.Contains("「问责建议」只发给督查室和决策人员，不发给被督办单位", p.Reason, StringComparison.Ordinal));
        Assert.Contains("「principal」（主要负责人）是被督办单位一方的人员，请从「To」中删去", problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("可填：督查室（supervision-office）、包保领导（lead-official", problems[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesADemand_SinceTheUnitNeverReceivesIt()
    {
        var (rule, problems) = (Valid with { Demand = "整改", DemandDays = "10" }).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal(("R12", "Demand"), (problem.Key, problem.Field));
        Assert.Contains("不能向其提出要求", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("due-soon", "3")]
    [InlineData("report-due-soon", "1")]
    [InlineData("stretch-missed", null)]
    [InlineData("scoreboard", null)]
    [InlineData("share", null)]
    [InlineData("pledge", null)]
    public void Parse_RefusesATriggerThatStatesNoFailure(string trigger, string? days)
    {
        var (rule, problems) = (Valid with { Trigger = trigger, Days = days, Copy = null }).Parse();

        Assert.Null(rule);
        Assert.Contains(problems, p => p.Field == "Level" && p.Reason.Contains("不能提出「问责建议」", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("overdue")]
    [InlineData("report-missing")]
    [InlineData("demand-overdue")]
    [InlineData("start-missed")]
    [InlineData("target-missed")]
    [InlineData("below-earlier")]
    [InlineData("year-end-rank")]
    [InlineData("bottom-rank")]
    public void Parse_AcceptsAFailureTrigger(string trigger)
    {
        var (rule, problems) = (Valid with { Trigger = trigger, Days = trigger == "start-missed" ? null : "5" }).Parse();

        Assert.Empty(problems);
        Assert.True(AccountabilityLevel.MayRaise(rule!.Trigger.Kind));
    }

    [Fact]
    public void Parse_AcceptsAStreakAtTheTopOfTheLagLadder()
    {
        var (rule, problems) = (Valid with { Trigger = "lag-streak", Days = null, Streak = "4" }).Parse();

        Assert.Empty(problems);
        Assert.Equal((TriggerKind.LagStreak, 4), (rule!.Trigger.Kind, rule.Trigger.MinStreak));
    }

    [Theory]
    [InlineData("fgw", "fgw", RecipientRole.UnitPrincipal)]
    [InlineData("单位:市发改委", "市发改委", RecipientRole.UnitPrincipal)]
    [InlineData("unit：fgw/deputy", "fgw", RecipientRole.DeputyInCharge)]
    [InlineData("发改委/分管负责同志", "发改委", RecipientRole.DeputyInCharge)]
    [InlineData("fgw/包保领导", "fgw", RecipientRole.LeadOfficial)]
    public void Parse_ReadsAConsequence_WithItsExecutingUnitAndTheRoleAddressed(string unit, string reference, RecipientRole role)
    {
        var (rule, problems) = (Consequence with { ConsequenceUnit = unit }).Parse();

        Assert.Empty(problems);
        Assert.Equal(new ConsequenceSpec("核减前期费", reference, role, unit), rule!.Consequence);
        Assert.Empty(rule.To); // the configuration adds the executing unit's role
    }

    [Fact]
    public void Parse_RefusesAConsequence_BelowTheFourthLevel()
    {
        var (rule, problems) = (Consequence with { Level = "约谈", To = "principal" }).Parse();

        Assert.Null(rule);
        var problem = Assert.Single(problems);
        Assert.Equal(("R13", "Consequence", "核减前期费"), (problem.Key, problem.Field, problem.Value));
        Assert.Contains("请把「Level」（级别）改为「accountability」（问责建议）", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RefusesAConsequence_WithoutTheUnitThatExecutesIt()
    {
        var (rule, problems) = (Consequence with { ConsequenceUnit = " " }).Parse();

        Assert.Null(rule);
        Assert.Equal("ConsequenceUnit", Assert.Single(problems).Field);
    }

    [Fact]
    public void Parse_RefusesAnExecutingUnit_WithoutAConsequence()
    {
        var (rule, problems) = (Consequence with { Consequence = null, To = "督查室" }).Parse();

        Assert.Null(rule);
        Assert.Equal("Consequence", Assert.Single(problems).Field);
    }

    [Theory]
    [InlineData("fgw/科长")]
    [InlineData("unit:/principal")]
    public void Parse_RefusesAnExecutingUnitItCannotRead(string unit)
    {
        var (rule, problems) = (Consequence with { ConsequenceUnit = unit }).Parse();

        Assert.Null(rule);
        Assert.Equal(("ConsequenceUnit", unit), (Assert.Single(problems).Field, problems[0].Value));
    }

    [Fact]
    public void Parse_RefusesAConsequenceLongerThanAMeasure()
    {
        var (rule, problems) = (Consequence with { Consequence = new string('减', RuleRow.MaxConsequenceLength + 1) }).Parse();

        Assert.Null(rule);
        Assert.Equal("Consequence", Assert.Single(problems).Field);
    }

    [Fact]
    public void Parse_StillNeedsTo_ForARecommendationWithoutConsequence()
    {
        var (rule, problems) = (Valid with { To = null }).Parse();

        Assert.Null(rule);
        Assert.Equal("To", Assert.Single(problems).Field);
    }

    // ---- Resolved with the tables: 商务局 (swj) and 发改委 (fgw, principal 陈主任) -----------------------------------------

    [Theory]
    [InlineData("fgw")]
    [InlineData("单位:发改委")]
    public void Build_AddressesTheExecutingUnitsPrincipalFirst_ByIdOrName(string unit)
    {
        var (configuration, problems) = Build(Rows with { Rules = [Consequence with { ConsequenceUnit = unit, To = "lead-official" }] });

        Assert.Empty(problems);
        var rule = Assert.Single(configuration.Rules);
        Assert.Equal(new ConsequenceSpec("核减前期费", "fgw", RecipientRole.UnitPrincipal, unit), rule.Consequence);
        Assert.Equal([new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, unit), RecipientRole.LeadOfficial], rule.To);
        Assert.Equal([RecipientRole.SupervisionOffice], rule.Copy);
    }

    [Fact]
    public void Build_DoesNotAdoptAConsequenceRule_WhoseExecutingUnitIsUnknown()
    {
        var (configuration, problems) = Build(Rows with { Rules = [Consequence with { ConsequenceUnit = "fwg" }] });

        Assert.Empty(configuration.Rules);
        var problem = Assert.Single(problems);
        Assert.Equal(("rules", "R13", "ConsequenceUnit", "fwg"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("「units」表中没有编号或名称为「fwg」的单位", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("这条规则的后果通知没有可发送的执行单位，改正前此规则未采用", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PlacesEveryoneWithAUnitInTheRoster_ForTheScreen()
    {
        var (configuration, _) = Build(Rows);

        Assert.Equal(new UnitId("swj"), configuration.Roster.Members[new PersonId("swj-zhou")]);
        Assert.Equal(new UnitId("fgw"), configuration.Roster.Members[new PersonId("fgw-chen")]);
        Assert.False(configuration.Roster.Members.ContainsKey(new PersonId("city-wang")));
    }

    [Fact]
    public void DefaultRules_ParseWithoutProblems_AndEndTheLadderWithTheRecommendation()
    {
        var (configuration, problems) = Build(Rows with { Rules = DefaultRules.Rows });

        Assert.Equal(Array.Empty<Problem>(), problems);
        // Later default rules (R12 and on) belong to the closed loop and the unsigned chase: the demand ladder ends with R11.
        var top = configuration.Rules.Single(r => r.Id.Value == "R11");
        Assert.Equal((new RuleId("R11"), EventLevel.Accountability, TriggerKind.DemandOverdue), (top.Id, top.Level, top.Trigger.Kind));
        var accountability = configuration.Rules.Where(r => r.Level == EventLevel.Accountability).ToList();
        Assert.Equal(["R11", "R14"], accountability.Select(r => r.Id.Value));
        Assert.All(accountability.SelectMany(r => r.To.Concat(r.Copy)), spec => Assert.True(AccountabilityLevel.Allows(spec)));
    }
}
