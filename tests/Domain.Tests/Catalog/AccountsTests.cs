using Escalation.Domain.Catalog;
using Escalation.Domain.Items;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>
/// Which person a signed-in account is: Login first, then Email, ignoring case; two people at the same strength are a
/// conflict, never the one whose id sorts first.
/// </summary>
public class AccountsTests
{
    private static Contact Person(string id, string? email = null, string? login = null, string? unit = null) =>
        new(new PersonId(id), id, unit is null ? null : new UnitId(unit), null, email, null, []) { Login = login };

    [Fact]
    public void Match_FindsThePerson_ByEmailIgnoringCase()
    {
        var match = Accounts.Match([Person("a", "a@x.example"), Person("b", "b@x.example")], ["B@X.example"]);

        Assert.Equal("b", Assert.IsType<AccountMatch.One>(match).Person.Id.Value);
    }

    [Fact]
    public void Match_PrefersThePersonWhoseLoginIsTheAccount_OverAnotherWhoseEmailIs()
    {
        // a-mail sorts first and has the account as its (old) Email; z-login wrote it as its sign-in name.
        var people = new[] { Person("a-mail", "li@city.example.cn", unit: "fgw"), Person("z-login", "li.dcs@example.gov.cn", login: "li@city.example.cn") };

        var match = Accounts.Match(people, ["li@city.example.cn"]);

        Assert.Equal("z-login", Assert.IsType<AccountMatch.One>(match).Person.Id.Value);
    }

    [Fact]
    public void Match_RefusesAnAccount_ThatIsTheEmailOfTwoPeople()
    {
        // A shared mailbox: the office's and a unit's reporter's. Whichever role it got would be a guess.
        var people = new[] { Person("dcs", "dcs@example.gov.cn"), Person("a-shared", "DCS@example.gov.cn", unit: "swj") };

        var match = Accounts.Match(people, ["dcs@example.gov.cn"]);

        var ambiguous = Assert.IsType<AccountMatch.Ambiguous>(match);
        Assert.Equal(["a-shared", "dcs"], ambiguous.People.Select(p => p.Id.Value));
        Assert.False(ambiguous.ByLogin);
    }

    [Fact]
    public void Match_RefusesAnAccount_WhoseNamesAreTheLoginsOfTwoPeople()
    {
        var people = new[] { Person("a", login: "upn@x.example"), Person("b", login: "mail@x.example") };

        var match = Accounts.Match(people, ["upn@x.example", "mail@x.example"]);

        Assert.True(Assert.IsType<AccountMatch.Ambiguous>(match).ByLogin);
    }

    [Fact]
    public void Match_IsNobody_ForAnUnknownAccountOrAGroupRobot()
    {
        var robot = Person("robot-swj", "robot@x.example") with { Robot = "swj" };

        Assert.IsType<AccountMatch.Nobody>(Accounts.Match([robot, Person("a", "a@x.example")], ["robot@x.example"]));
        Assert.IsType<AccountMatch.Nobody>(Accounts.Match([Person("a", "a@x.example")], ["stranger@x.example", " "]));
    }

    [Fact]
    public void Shared_ListsWhatMatchWouldRefuse_AndNotAnEmailALoginSettles()
    {
        var people = new[]
        {
            Person("a", "box@x.example"), Person("b", "BOX@x.example"),
            Person("c", "settled@x.example"), Person("d", "settled@x.example", login: "settled@x.example"),
            Person("e", login: "l@x.example"), Person("f", login: "L@x.example"),
        };

        var shared = Accounts.Shared(people);

        Assert.Equal(
            [("l@x.example", true, "e,f"), ("box@x.example", false, "a,b")],
            shared.Select(s => (s.Name, s.ByLogin, string.Join(",", s.People.Select(p => p.Id.Value)))));
        foreach (var s in shared)
        {
            Assert.IsType<AccountMatch.Ambiguous>(Accounts.Match(people, [s.Name]));
        }

        Assert.IsType<AccountMatch.One>(Accounts.Match(people, ["settled@x.example"]));
    }
}
