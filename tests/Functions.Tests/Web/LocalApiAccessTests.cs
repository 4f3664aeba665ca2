using System.Net;

namespace Escalation.Functions.Tests.Web;

/// <summary>The local web's API and shared board, by role: the API serves the office and leadership only.</summary>
public sealed class LocalApiAccessTests
{
    [Theory]
    [InlineData("/api/board")]
    [InlineData("/api/board?unit=zjj")]
    [InlineData("/api/units/zjj")]
    [InlineData("/api/units/fgw")]
    [InlineData("/api/digests")]
    public async Task Api_RefusesAReporterSession_EvenForTheirOwnUnit(string path)
    {
        await using var web = await WebHarness.Local();
        var reporter = await web.SignIn("fgw-liu");

        var answer = await web.GetWithCookies(path, reporter);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.DoesNotContain("\"rows\"", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("市住房城乡建设局", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_AnswersALeaderSession()
    {
        await using var web = await WebHarness.Local();
        var leader = await web.SignIn("city-wang");

        var answer = await web.GetWithCookies("/api/units/zjj", leader);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task SharedBoard_NeverGivesTheOfficeAReportersFilteredView_NorTheReporterTheOffices()
    {
        await using var web = await WebHarness.Local();
        var reporter = await web.SignIn("fgw-liu");
        var office = await web.SignIn("dcs-office");

        var first = await web.GetWithCookies("/board", reporter);
        var all = await web.GetWithCookies("/board", office);
        var again = await web.GetWithCookies("/board?unit=", reporter);

        Assert.All(first.Rows, r => Assert.Equal("fgw", r.Unit));
        Assert.All(again.Rows, r => Assert.Equal("fgw", r.Unit));
        Assert.Contains(all.Rows, r => r.Unit != "fgw");
    }
}
