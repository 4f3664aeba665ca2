using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>The robots table: one robot per unit (or the office) and platform, secrets never in it, faults named.</summary>
public class RobotDirectoryTests
{
    private static readonly Dictionary<UnitId, string> Units = new() { [new UnitId("zjj")] = "市住建局", [new UnitId("fgw")] = "市发展改革委" };

    private static (RobotDirectory Robots, List<Problem> Problems) Build(params RobotRow[] rows)
    {
        var problems = new List<Problem>();
        return (RobotDirectory.Build(rows, Units, [new PersonId("robot-taken")], problems), problems);
    }

    [Fact]
    public void Rows_BecomeRobots_ByUnitAndPlatform_TheOfficeByEitherWord()
    {
        var (robots, problems) = Build(
            new RobotRow("zjj", "zjj", "企业微信"),
            new RobotRow("office", "督查室", "dingtalk", "督办", "https://oapi.zwding.example/"),
            new RobotRow("fgwding", "fgw", "钉钉"));

        Assert.Empty(problems);
        var zjj = robots.For(new UnitId("zjj"), Channel.WeCom)!;
        Assert.Equal(("zjj", "市住建局企业微信群机器人", "robot-zjj"), (zjj.Id, zjj.Name, zjj.Person.Value));
        Assert.Null(robots.For(new UnitId("zjj"), Channel.DingTalk));
        var office = robots.For(null, Channel.DingTalk)!;
        Assert.Equal(("office", "督办", "https://oapi.zwding.example/", true), (office.Id, office.Keyword, office.BaseUrl!.AbsoluteUri, office.IsOffice));
        Assert.Same(office, robots.ByPerson(new PersonId("robot-office")));
        Assert.Equal("office", office.Contact.AddressFor(Channel.DingTalk));
        Assert.Equal(("Escalation__Robots__office__Webhook", "Escalation__Robots__office__Secret"), (Robot.WebhookSetting("office"), Robot.SecretSetting("office")));
    }

    [Theory]
    [InlineData("zj-j", "zjj", "wecom", null, null, "Id", "英文字母和数字")]
    [InlineData("taken", "zjj", "wecom", null, null, "Id", "robot-taken")]
    [InlineData("a1", "jtj", "wecom", null, null, "Unit", "不在「units」表中")]
    [InlineData("a1", "", "wecom", null, null, "Unit", "没有填所属单位")]
    [InlineData("a1", "zjj", "短信", null, null, "Platform", "企业微信")]
    [InlineData("a1", "zjj", "dingtalk", null, "http://x.example/", "BaseUrl", "https://")]
    public void AFaultyRow_IsLeftOut_WithItsColumnAndHowToFixIt(string id, string unit, string platform, string? keyword, string? baseUrl, string field, string reason)
    {
        var (robots, problems) = Build(new RobotRow(id, unit, platform, keyword, baseUrl));

        Assert.Empty(robots.All);
        var problem = Assert.Single(problems);
        Assert.Equal(("robots", field), (problem.Table, problem.Field));
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondRobotOfOneGroupAndPlatform_OrARepeatedId_IsLeftOut()
    {
        var (robots, problems) = Build(
            new RobotRow("a", "zjj", "wecom"),
            new RobotRow("b", "zjj", "企业微信"),
            new RobotRow("A", "fgw", "wecom"));

        Assert.Equal(["a"], robots.All.Select(r => r.Id));
        Assert.Equal([("b", "Unit"), ("A", "Id")], problems.Select(p => (p.Key, p.Field)));
        Assert.Contains("已有企业微信机器人「a」", problems[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyword_IsOnlyForDingTalk_AndIgnoredOnWeCom()
    {
        var (robots, problems) = Build(new RobotRow("zjj", "zjj", "wecom", "督办"));

        Assert.Null(Assert.Single(robots.All).Keyword);
        Assert.Equal("Keyword", Assert.Single(problems).Field);
    }
}
