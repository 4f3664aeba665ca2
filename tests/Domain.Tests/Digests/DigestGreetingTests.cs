using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Digests;

/// <summary>A digest copy is addressed as a 公文 addresses its 主送机关: the office and the units by name, a leader in person.</summary>
public class DigestGreetingTests
{
    private static readonly PersonId Office = new("dcs-office");
    private static readonly PersonId ZjjHead = new("zjj-zhang");
    private static readonly PersonId TwoUnitsHead = new("wang");
    private static readonly PersonId Leader = new("city-liu");

    private static readonly Roster Roster = Roster.Of(
    [
        new UnitRoster(new UnitId("zjj"), "市住房城乡建设局", ZjjHead, LeadOfficial: Leader),
        new UnitRoster(new UnitId("swj"), "市商务局", TwoUnitsHead, LeadOfficial: Leader),
        new UnitRoster(new UnitId("fgw"), "市发展改革委", TwoUnitsHead),
    ], Office);

    [Theory]
    [InlineData("dcs-office", "督查室公共邮箱", null, "督查室：")]
    [InlineData("zjj-zhang", "张伟", "zjj", "市住房城乡建设局：")]
    [InlineData("zjj-zhang", "张伟", null, "市住房城乡建设局：")]
    [InlineData("wang", "王强", null, "市发展改革委、市商务局：")]
    [InlineData("wang", "王强", "swj", "市商务局：")]
    [InlineData("wang", "王强", "swj,fgw", "市发展改革委、市商务局：")] // both units' parts in one copy
    [InlineData("city-liu", "刘振华", null, "刘振华同志：")]
    public void For_AddressesTheOfficeAndUnitsByName_AndALeaderInPerson(string person, string name, string? parts, string expected)
    {
        var greeting = DigestGreeting.For(new PersonId(person), name, parts is null ? [] : [.. parts.Split(',').Select(u => new UnitId(u))], Roster);

        Assert.Equal(expected, greeting);
    }

    [Fact]
    public void For_TheOffice_EvenWhenItsMailboxIsAlsoAUnitsPrincipal()
    {
        var roster = Roster.Of([new UnitRoster(new UnitId("dcs"), "市委市政府督查室", Office)], Office);

        Assert.Equal("督查室：", DigestGreeting.For(Office, "督查室", [], roster));
    }
}
