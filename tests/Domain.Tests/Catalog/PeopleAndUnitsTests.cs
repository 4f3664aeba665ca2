using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class PeopleAndUnitsTests
{
    private static readonly PersonId Zhou = new("swj-zhou");

    [Fact]
    public void Build_ReturnsEveryPersonAndUnit_WhenRowsAreValid()
    {
        var rows = Rows;

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(People.Count, configuration.People.Count);
        var zhou = configuration.People[Zhou];
        Assert.Equal(new Contact(Zhou, "周科长", Commerce, "科长", "zhou@swj.example.gov.cn", "+8613800138000", zhou.Channels), zhou);
        var commerce = configuration.Roster.Units[Commerce];
        Assert.Equal(("商务局", "swj-zhang", "swj-li", "city-wang"),
            (commerce.Name, commerce.Principal?.Value, commerce.DeputyInCharge?.Value, commerce.LeadOfficial?.Value));
        Assert.Equal(new PersonId("dcs"), configuration.Roster.SupervisionOffice);
    }

    [Fact]
    public void Build_KeepsPersonWithoutEmail_WhenEmailIsMalformed()
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Email = "zhou at swj.example.gov.cn" }) };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "swj-zhou", "Email", "zhou at swj.example.gov.cn", "不是有效的邮箱地址");
        var zhou = configuration.People[Zhou];
        Assert.Null(zhou.Email);
        Assert.Equal("+8613800138000", zhou.Mobile);
        Assert.Equal([Channel.Sms], zhou.Channels);
        Assert.Equal(People.Count, configuration.People.Count);
    }

    [Theory]
    [InlineData("13800138000", "+8613800138000")]
    [InlineData("138 0013 8000", "+8613800138000")]
    [InlineData("138-0013-8000", "+8613800138000")]
    [InlineData("+8613800138000", "+8613800138000")]
    [InlineData("+86 138 0013 8000", "+8613800138000")]
    [InlineData("8613800138000", "+8613800138000")]
    [InlineData("008613800138000", "+8613800138000")]
    [InlineData("+447911123456", "+447911123456")]
    public void Build_NormalizesMobileToE164_WhenWrittenInACommonFormat(string mobile, string expected)
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Mobile = mobile }) };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(expected, configuration.People[Zhou].Mobile);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1380013800")]
    [InlineData("23800138000")]
    [InlineData("12800138000")]
    [InlineData("+8623800138000")]
    [InlineData("010-12345678")]
    public void Build_KeepsPersonWithoutMobile_WhenMobileIsNotANumber(string mobile)
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Mobile = mobile }) };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "swj-zhou", "Mobile", mobile, "不是有效的手机号码");
        var zhou = configuration.People[Zhou];
        Assert.Null(zhou.Mobile);
        Assert.Equal([Channel.Email], zhou.Channels);
    }

    [Fact]
    public void Build_ReportsSecondRowAndKeepsFirst_WhenTwoPeopleShareAnId()
    {
        var rows = Rows with { People = [.. People, new PersonRow("swj-zhou", "周二", "swj")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "swj-zhou", "Id", "swj-zhou", "已有其他人员使用编号「swj-zhou」");
        Assert.Equal("周科长", configuration.People[Zhou].Name);
        Assert.Equal(People.Count, configuration.People.Count);
    }

    [Fact]
    public void Build_ReportsUnitAndKeepsPerson_WhenPersonsUnitIsUnknown()
    {
        var rows = Rows with { People = Replace(People, 0, People[0] with { Unit = "jyj" }) };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "swj-zhou", "Unit", "jyj", "「units」表中没有编号为「jyj」的单位");
        Assert.Null(configuration.People[Zhou].Unit);
    }

    [Theory]
    [InlineData("a@example.cn", null, "", new[] { Channel.Email })]
    [InlineData(null, "13800138000", "", new[] { Channel.Sms })]
    [InlineData("a@example.cn", "13800138000", null, new[] { Channel.Email, Channel.Sms })]
    [InlineData(null, null, null, new Channel[0])]
    [InlineData("a@example.cn", "13800138000", "短信", new[] { Channel.Sms })]
    [InlineData("a@example.cn", "13800138000", "sms、email", new[] { Channel.Sms, Channel.Email })]
    public void Build_DefaultsChannelsToThoseWithAnAddress_WhenChannelsAreEmpty(string? email, string? mobile, string? channels, Channel[] expected)
    {
        var rows = Rows with { People = [.. People, new PersonRow("p1", "测试", Email: email, Mobile: mobile, Channels: channels)] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(expected, configuration.People[new PersonId("p1")].Channels);
    }

    [Fact]
    public void Build_ReportsChannelsAndKeepsTheKnownOnes_WhenAChannelIsUnknown()
    {
        var rows = Rows with { People = [.. People, new PersonRow("p1", "测试", Email: "a@example.cn", Channels: "email, fax")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "people", "p1", "Channels", "email, fax", "「fax」不在可选值之中");
        Assert.Equal([Channel.Email], configuration.People[new PersonId("p1")].Channels);
    }

    [Theory]
    [InlineData("zhang@example.gov.cn", "zh***@example.gov.cn")]
    [InlineData("a@example.cn", "a***@example.cn")]
    [InlineData("+8613812345678", "+86138****5678")]
    [InlineData("+447911123456", "+44791****3456")]
    [InlineData("12345678", "****")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_HidesMostOfTheAddress(string? address, string expected)
    {
        var masked = ContactAddress.Mask(address);

        Assert.Equal(expected, masked);
    }

    [Fact]
    public void Build_KeepsUnitWithRoleEmpty_WhenPrincipalIsUnknown()
    {
        var rows = Rows with { Units = Replace(Units, 1, Units[1] with { Principal = "fgw-nobody" }) };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "units", "fgw", "Principal", "fgw-nobody", "「people」表中没有编号为「fgw-nobody」的人员");
        var planning = configuration.Roster.Units[new UnitId("fgw")];
        Assert.Equal("发改委", planning.Name);
        Assert.Null(planning.Principal);
        Assert.Equal(2, configuration.Roster.Units.Count);
    }

    [Fact]
    public void Build_ReportsSecondRowAndKeepsFirst_WhenTwoUnitsShareAnId()
    {
        var rows = Rows with { Units = [.. Units, new UnitRow("swj", "商务局（重复）")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "units", "swj", "Id", "swj", "已有其他单位使用编号「swj」");
        Assert.Equal("商务局", configuration.Roster.Units[Commerce].Name);
        Assert.Equal(2, configuration.Roster.Units.Count);
    }

    [Fact]
    public void Build_ReportsAndSkipsUnit_WhenIdIsNotAUsableKey()
    {
        var rows = Rows with { Units = [.. Units, new UnitRow("a/b", "某局")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "units", "a/b", "Id", "a/b", "不能用作编号");
        Assert.Equal(2, configuration.Roster.Units.Count);
    }

    private static List<T> Replace<T>(IReadOnlyList<T> rows, int index, T row) =>
        [.. rows.Select((r, i) => i == index ? row : r)];
}
