using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>
/// Web roles (网页角色): written in the people table, else by default: the SupervisionOffice setting's person is the
/// office, a person with a unit its reporter, a person without a unit leadership.
/// </summary>
public class WebRoleTests
{
    private static readonly PersonId Office = new("dcs");

    [Theory]
    [InlineData("office", WebRole.Office)]
    [InlineData("督查室", WebRole.Office)]
    [InlineData(" Reporter ", WebRole.Reporter)]
    [InlineData("填报员", WebRole.Reporter)]
    [InlineData("LEADER", WebRole.Leader)]
    [InlineData("领导", WebRole.Leader)]
    [InlineData("none", WebRole.None)]
    [InlineData("无", WebRole.None)]
    public void Parse_ReturnsTheRole_ForEnglishAndChineseWords(string text, WebRole expected)
    {
        Assert.Equal(expected, WebRoles.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admin")]
    public void Parse_ReturnsNull_WhenTheCellNamesNoRole(string? text)
    {
        Assert.Null(WebRoles.Parse(text));
    }

    [Theory]
    [InlineData("dcs", null, null, WebRole.Office)]
    [InlineData("swj-zhou", "swj", null, WebRole.Reporter)]
    [InlineData("city-wang", null, null, WebRole.Leader)]
    [InlineData("swj-zhang", "swj", WebRole.Leader, WebRole.Leader)]
    [InlineData("dcs", null, WebRole.None, WebRole.None)]
    [InlineData("city-liu", null, WebRole.Reporter, WebRole.None)]
    public void Of_DefaultsByTheOfficeSettingAndTheUnit_UnlessTheTableSaysOtherwise(string id, string? unit, WebRole? written, WebRole expected)
    {
        var person = new Contact(new PersonId(id), "某人", unit is null ? null : new UnitId(unit), null, null, null, []) { WebRole = written };

        var role = WebRoles.Of(person, Office);

        Assert.Equal(expected, role);
    }

    [Fact]
    public void Build_ReadsRoleAndLogin_FromThePeopleRows()
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Role = "领导", Login = " Zhou@Partner.example " }) };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        var zhou = configuration.People[new PersonId("swj-zhou")];
        Assert.Equal((WebRole.Leader, "Zhou@Partner.example"), (zhou.WebRole, zhou.Login));
    }

    [Fact]
    public void Build_ReportsTheRoleAndKeepsThePerson_WhenTheRoleIsUnknown()
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Role = "管理员" }) };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "swj-zhou", "Role", "管理员", "不是可用的网页角色");
        Assert.Null(configuration.People[new PersonId("swj-zhou")].WebRole);
    }

    // A typo in a reporter's Unit cell used to leave them without a unit, and a person without a unit defaults to leader:
    // read access to every unit. Until the cell names a unit, the person has no web access, whatever their Role cell says.
    [Theory]
    [InlineData("swjj", null)]
    [InlineData("swjj", "领导")]
    [InlineData("swjj", "督查室")]
    [InlineData("swj/2", null)]
    public void Build_LeavesThePersonWithoutWebAccess_WhenTheUnitCellNamesNoUnit(string unit, string? role)
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Unit = unit, Role = role }) };

        var (configuration, problems) = Build(rows);

        var zhou = configuration.People[new PersonId("swj-zhou")];
        Assert.Equal((null, unit), (zhou.Unit, zhou.UnknownUnit));
        Assert.Equal(WebRole.None, WebRoles.Of(zhou, Office));
        var problem = AssertSingleProblem(problems, "people", "swj-zhou", "Unit", unit, "也不能访问网页");
        Assert.Contains("改正前，此人不属于任何单位", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_IsNone_ForAPersonWhoseUnitCellNamedNoUnit_EvenWhenTheyAreTheOffice()
    {
        var person = new Contact(Office, "督查室", null, null, null, null, []) { UnknownUnit = "dcss" };

        Assert.Equal(WebRole.None, WebRoles.Of(person, Office));
    }

    [Fact]
    public void Build_ReportsALoginTwoPeopleShare_AndAnEmailTwoPeopleShareThatNoLoginSettles()
    {
        var rows = Rows with
        {
            People =
            [
                .. People,
                new PersonRow("swj-office", "商务局办公室", "swj", Email: "ZHOU@swj.example.gov.cn"),
                new PersonRow("fgw-a", "甲", "fgw") { Login = "shared@fgw.example" },
                new PersonRow("fgw-b", "乙", "fgw") { Login = "Shared@fgw.example" },
                new PersonRow("fgw-c", "丙", "fgw", Email: "same@fgw.example.gov.cn"),
                new PersonRow("fgw-d", "丁", "fgw", Email: "same@fgw.example.gov.cn") { Login = "same@fgw.example.gov.cn" },
            ],
        };

        var (_, problems) = Build(rows);

        var shared = problems.Where(p => p.Table == "people").OrderBy(p => p.Field, StringComparer.Ordinal).ToList();
        Assert.Equal(2, shared.Count);
        Assert.Equal(("Email", "swj-office", "ZHOU@swj.example.gov.cn"), (shared[0].Field, shared[0].Key, shared[0].Value));
        Assert.Contains("商务局办公室（swj-office）、周科长（swj-zhou）", shared[0].Reason, StringComparison.Ordinal);
        Assert.Contains("登录账号优先于邮箱", shared[0].Reason, StringComparison.Ordinal);
        Assert.Equal(("Login", "fgw-a", "shared@fgw.example"), (shared[1].Field, shared[1].Key, shared[1].Value));
        Assert.Contains("甲（fgw-a）、乙（fgw-b）", shared[1].Reason, StringComparison.Ordinal);
        Assert.Contains("网页会拒绝访问", shared[1].Reason, StringComparison.Ordinal);
    }

    private static List<T> Replace<T>(IReadOnlyList<T> rows, int index, T row) =>
        [.. rows.Select((r, i) => i == index ? row : r)];
}
