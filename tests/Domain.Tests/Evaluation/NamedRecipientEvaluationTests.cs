using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// An overdue notice (R3) of 商务局's task that also names a person and 市发改委's principal, as a rule 「市发改委相应核减该项目前期费」
/// would: everyone is told once, in the first role they are named in.
/// </summary>
public class NamedRecipientEvaluationTests
{
    private static readonly UnitId Development = new("fgw");
    private static readonly PersonId DevelopmentHead = new("fgw-chen");
    private static readonly PersonId Auditor = new("sjj-liu");

    private static readonly Roster WithDevelopment = Escalation.Domain.Evaluation.Roster.Of(
        [.. Fixture.Roster.Units.Values, new UnitRoster(Development, "市发改委", DevelopmentHead)], Office);

    //   March 2024: deadline Fri 03-15, 80 % reported; Mon 03-18 is the first working day after it.
    private static readonly ItemState Late = ItemState.Of(Item("D-1", D(2024, 3, 4), D(2024, 3, 15)), [Report(D(2024, 3, 14), 80)]);

    private static EscalationEvent OverdueWith(IReadOnlyList<RecipientSpec> to, IReadOnlyList<RecipientSpec> copy)
    {
        var rule = DefaultRules.All.Single(r => r.Id.Value == "R3") with { To = to, Copy = copy };
        return Assert.Single(Run(Evaluator([rule], WithDevelopment), D(2024, 3, 18), Late));
    }

    [Fact]
    public void Evaluate_SendsToTheNamedPersonAndAnotherUnitsPrincipal()
    {
        var notice = OverdueWith(
            [RecipientRole.Owner, new RecipientSpec.NamedPerson(Auditor.Value, "person:sjj-liu")],
            [RecipientRole.SupervisionOffice, new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, "unit:fgw/principal")]);

        Assert.Equal(
            [
                new Recipient(RecipientRole.Owner, Owner, false),
                new Recipient(RecipientRole.Named, Auditor, false),
                new Recipient(RecipientRole.SupervisionOffice, Office, true),
                new Recipient(RecipientRole.UnitPrincipal, DevelopmentHead, true, Development, "市发改委"),
            ],
            notice.Recipients);
    }

    [Fact]
    public void Evaluate_TellsAPersonOnce_InTheFirstRoleTheyAreNamedIn()
    {
        var notice = OverdueWith(
            [RecipientRole.Owner, new RecipientSpec.NamedPerson(Owner.Value, "person:swj-zhou"), new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, "unit:fgw/principal")],
            [new RecipientSpec.NamedPerson(DevelopmentHead.Value, "person:fgw-chen"), new RecipientSpec.NamedUnitRole("swj", RecipientRole.UnitPrincipal, "unit:swj/principal"), RecipientRole.UnitPrincipal]);

        Assert.Equal(
            [
                new Recipient(RecipientRole.Owner, Owner, false),
                new Recipient(RecipientRole.UnitPrincipal, DevelopmentHead, false, Development, "市发改委"),
                new Recipient(RecipientRole.UnitPrincipal, Principal, true, Commerce, "商务局"),
            ],
            notice.Recipients);
    }

    [Fact]
    public void Evaluate_SkipsANamedUnitsEmptyRole_WithoutAProblemPerEvent()
    {
        var rule = DefaultRules.All.Single(r => r.Id.Value == "R3") with
        {
            To = [RecipientRole.Owner], Copy = [new RecipientSpec.NamedUnitRole("fgw", RecipientRole.DeputyInCharge, "unit:fgw/deputy")],
        };

        var result = Evaluator([rule], WithDevelopment).Evaluate([Late], D(2024, 3, 18));

        Assert.Equal([new Recipient(RecipientRole.Owner, Owner, false)], Assert.Single(result.Events).Recipients);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Evaluate_UsesTheNamedUnitsOwnLeadOfficial_NotTheItems()
    {
        var roster = Escalation.Domain.Evaluation.Roster.Of([.. Fixture.Roster.Units.Values, new UnitRoster(Development, "市发改委", LeadOfficial: new PersonId("city-li"))], Office);
        var rule = DefaultRules.All.Single(r => r.Id.Value == "R3") with
        {
            To = [new RecipientSpec.NamedUnitRole("fgw", RecipientRole.LeadOfficial, "unit:fgw/lead-official")], Copy = [],
        };

        var notice = Assert.Single(Run(Evaluator([rule], roster), D(2024, 3, 18), Late));

        Assert.Equal([new Recipient(RecipientRole.LeadOfficial, new PersonId("city-li"), false, Development, "市发改委")], notice.Recipients);
    }

    [Fact]
    public void Recipient_ReadsAsUnitAndRole_ForANamedUnit_AndAsTheRoleOtherwise()
    {
        Assert.Equal("市发改委主要负责人", ChineseNames.Of(new Recipient(RecipientRole.UnitPrincipal, DevelopmentHead, true, Development, "市发改委")));
        Assert.Equal("主要负责人", ChineseNames.Of(new Recipient(RecipientRole.UnitPrincipal, Principal, false)));
        Assert.Equal("指定人员", ChineseNames.Of(new Recipient(RecipientRole.Named, Auditor, false)));
        Assert.Equal("fgw分管负责同志", ChineseNames.Of(new Recipient(RecipientRole.DeputyInCharge, DevelopmentHead, true, Development)));
    }

    [Fact]
    public void RecipientSpec_ReadsWithNamesAndIds_WhenTheTablesAreGiven()
    {
        var people = new Dictionary<PersonId, Escalation.Domain.Catalog.Contact> { [Auditor] = new(Auditor, "刘审计", null, null, null, null, []) };
        RecipientSpec person = new RecipientSpec.NamedPerson("sjj-liu", "person:sjj-liu");
        RecipientSpec unit = new RecipientSpec.NamedUnitRole("fgw", RecipientRole.UnitPrincipal, "unit:fgw/principal");

        Assert.Equal("指定人员 刘审计（sjj-liu）", ChineseNames.Of(person, people, WithDevelopment));
        Assert.Equal("市发改委（fgw）主要负责人", ChineseNames.Of(unit, people, WithDevelopment));
        Assert.Equal("指定人员「sjj-liu」", ChineseNames.Of(person));
        Assert.Equal("单位「fgw」主要负责人", ChineseNames.Of(unit));
        Assert.Equal("督查室", ChineseNames.Of(RecipientSpec.FromRecipientRole(RecipientRole.SupervisionOffice)));
    }
}
