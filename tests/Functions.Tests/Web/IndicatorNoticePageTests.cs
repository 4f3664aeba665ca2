using System.Net;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The notice page of an indicator notice (I2 on 固定资产投资增速, ind:gdtz-zs, to fgw, demanding an explanation by
/// 2026-06-05) over the samples: fgw's reporter answers it there, the office decides there and finds it on /office, and no
/// page links to a task page that does not exist.
/// </summary>
public sealed class IndicatorNoticePageTests
{
    private const string Reporter = "fgw-liu";
    private const string Office = "dcs-office";

    private static readonly ItemId Indicator = IndicatorItem.For(new IndicatorId("gdtz-zs"));

    private static readonly EscalationEvent Notice = NoticeSignTests.Event("fgw", Indicator.Value, "固定资产投资增速", "市发展改革委", "fgw-yang", EventLevel.Notice, "ind-lag:fgw/2026-04")
        with
        {
            Rule = new RuleId("I2"),
            Kind = EventKind.IndicatorLagging,
            Demand = new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 5)) { From = [new UnitId("fgw")] },
        };

    private static string NoticePath => "/notices/" + Notice.Id.Value;

    private static Task<WebHarness> Web() => WithLoop(async tables =>
    {
        var log = new EscalationLog(tables);
        var at = Instant.FromUtc(2026, 5, 29, 2, 0);
        await log.Log(Notice, at);
        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.Delivered, null, at);
    });

    private static async Task<(string Cookies, Answer Page)> Open(WebHarness web, string person, string path)
    {
        var cookies = await web.SignIn(person);
        return (cookies, await web.GetWithCookies(path, cookies));
    }

    [Fact]
    public async Task NoticePage_OfAnIndicatorNotice_ShowsTheAnswerFormToTheUnitsReporter_WithoutATaskLink()
    {
        await using var web = await Web();

        var (_, page) = await Open(web, Reporter, NoticePath);
        var (_, unit) = await Open(web, Reporter, "/units/fgw");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("答复与审核", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"answer-form\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"action=\"/notices/{Notice.Id.Value}/answer\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("固定资产投资增速", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/tasks/", page.Body, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"case-row\" data-notice=\"{Notice.Id.Value}\"", unit.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-indicator\">固定资产投资增速</span>", unit.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/tasks/fgw/ind", unit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_ToAnIndicatorNotice_IsRecorded_AndTheOfficeDecidesOnItsNoticePageAndFindsItOnTheOfficeList()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, Reporter, NoticePath);

        var post = await web.PostMultipart(NoticePath + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "4月投资增速回落系两个项目延期开工。")], [], cookies);
        var (_, office) = await Open(web, Office, NoticePath);
        var (_, list) = await Open(web, Office, "/office");

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        var table = await web.Tables.Table("explanations");
        var row = AdminTables.Explanations.FromEntity(Assert.Single(await table.Query(EntityQuery.Partition("fgw")).ToListAsync()));
        Assert.Equal((Indicator.Value, "explanation"), (row.Task, row.Kind));
        Assert.Contains("data-testid=\"accept-form\"", office.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"reject-form\"", office.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"pending-answer-indicator\">固定资产投资增速", list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/tasks/fgw/ind", list.Body, StringComparison.Ordinal);
    }
}
