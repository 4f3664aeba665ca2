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

    private static List<T> Replace<T>(IReadOnlyList<T> rows, int index, T row) =>
        [.. rows.Select((r, i) => i == index ? row : r)];
}
