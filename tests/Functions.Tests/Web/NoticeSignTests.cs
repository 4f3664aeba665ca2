using System.Net;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// 签收 on the web as <c>serve</c> answers it: the notice page (/notices/{eventId}) and the signature
/// (POST /notices/{eventId}/sign), over the samples with a few log rows seeded: a delivered notice of fgw (addressed to
/// its principal fgw-yang, the office in copy), a notice of jtj, a reminder and an accountability recommendation of fgw.
/// </summary>
public sealed class NoticeSignTests
{
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");
    private static readonly string Leader = PrincipalOf("王建国", "WangJianGuo@szf.gov.example");
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");

    internal static readonly EscalationEvent FgwNotice = Event("fgw", "fgw-2026-01", "优化营商环境攻坚行动", "市发展改革委", "fgw-yang", EventLevel.Notice, "lag:2026-05");
    internal static readonly EscalationEvent JtjNotice = Event("jtj", "jtj-2026-01", "交通项目", "市交通运输局", "jtj-wang", EventLevel.Notice, "lag:2026-05");
    internal static readonly EscalationEvent FgwReminder = Event("fgw", "fgw-2026-01", "优化营商环境攻坚行动", "市发展改革委", "fgw-liu", EventLevel.Reminder, "lag:2026-04");
    internal static readonly EscalationEvent FgwAccountability = Event("fgw", "fgw-2026-01", "优化营商环境攻坚行动", "市发展改革委", "dcs-office", EventLevel.Accountability, "demand:x");

    internal static EscalationEvent Event(string unit, string task, string title, string unitName, string to, EventLevel level, string occurrence) => new(
        EventId.For(new RuleId(level.ToString()), new ItemId(task), occurrence),
        new RuleId(level == EventLevel.Notice ? "R5" : level == EventLevel.Reminder ? "R4" : "R11"),
        level,
        EventKind.Lagging,
        new ItemId(task),
        new UnitId(unit),
        new LocalDate(2026, 5, 29),
        occurrence,
        [new Recipient(level == EventLevel.Accountability ? RecipientRole.SupervisionOffice : RecipientRole.UnitPrincipal, new PersonId(to), false), new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), true)],
        [Channel.Email],
        level == EventLevel.Notice ? "lag-notice" : level == EventLevel.Reminder ? "lag-reminder" : "accountability",
        new EventFacts(title, unitName, 45.5, 20, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05"),
        level == EventLevel.Notice ? new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 5)) : null);

    /// <summary>Logs the events (numbered as a run numbers them) and marks them delivered on Friday 2026-05-29 10:00.</summary>
    internal static async Task Seed(IEntityTables tables)
    {
        var log = new EscalationLog(tables);
        var at = Instant.FromUtc(2026, 5, 29, 2, 0);
        foreach (var e in new[] { FgwNotice, JtjNotice, FgwReminder, FgwAccountability })
        {
            await log.Log(e, at);
            await log.SetStatus(e.Unit, e.Id, _ => LogStatus.Delivered, null, at);
        }
    }

    private static Task<WebHarness> Serve() => WebHarness.Serve(Seed);

    private static string NoticePath(EscalationEvent e) => "/notices/" + e.Id.Value;

    private static async Task<LogEntry> Row(WebHarness web, EscalationEvent e) =>
        (await new EscalationLog(web.Tables).Find(e.Unit, e.Id))!;

    [Fact]
    public async Task Notice_ShowsTheNoticeAsLoggedWithTheSignButton_ToTheUnitsReporter()
    {
        await using var web = await Serve();

        var page = await web.Get(NoticePath(FgwNotice), FgwReporter);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("督办〔2026〕", page.Body, StringComparison.Ordinal);
        Assert.Contains("href=\"/tasks/fgw/fgw-2026-01\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("2026年6月5日前报送书面说明", page.Body, StringComparison.Ordinal);
        Assert.Contains("杨雪梅（fgw-yang）", page.Body, StringComparison.Ordinal);
        Assert.Contains("已送达（送达 2026-05-29 10:00）", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-signed=\"no\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"action=\"/notices/{FgwNotice.Id.Value}/sign\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_HasNoSignButton_ForTheOfficeAndLeadership()
    {
        await using var web = await Serve();

        foreach (var who in new[] { Office, Leader })
        {
            var page = await web.Get(NoticePath(FgwNotice), who);

            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("data-testid=\"sign-form\"", page.Body, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"sign-not-yours\"", page.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ev-00000000000000000000000000000000")]
    [InlineData("not-an-event")]
    public async Task Notice_Answers404InChinese_ForAnUnknownId(string id)
    {
        await using var web = await Serve();

        var page = await web.Get("/notices/" + id, FgwReporter);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("没有这份通报", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_Answers403WithNoneOfItsData_ToAReporterOfAnotherUnit()
    {
        await using var web = await Serve();

        var page = await web.Get(NoticePath(JtjNotice), FgwReporter);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("无权查看", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("交通项目", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("市交通运输局", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_Answers403_ToTheUnitsReporter_ForAnAccountabilityRecommendation()
    {
        await using var web = await Serve();

        var page = await web.Get(NoticePath(FgwAccountability), FgwReporter);
        var office = await web.Get(NoticePath(FgwAccountability), Office);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal(HttpStatusCode.OK, office.Status);
        Assert.Contains("问责建议不需要签收", office.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_SignsOnce_OnTheLogRowAndItsMonthCopy_AndGoesBackToTheNotice()
    {
        await using var web = await Serve();
        web.Clock.AdvanceMinutes(60 * 24 * 3);
        var page = await web.Get(NoticePath(FgwNotice), FgwReporter);

        var post = await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.Redirect, post.Status);
        Assert.Equal(NoticePath(FgwNotice), post.Response.Headers.Location?.OriginalString);
        var row = await Row(web, FgwNotice);
        Assert.Equal(new PersonId("fgw-liu"), row.SignedBy);
        Assert.Equal(web.Clock.GetCurrentInstant(), row.SignedAt);
        var copy = Assert.Single(await new EscalationLog(web.Tables).OfMonth("2026-05", new UnitId("fgw")).Where(e => e.Event.Id == FgwNotice.Id).ToListAsync());
        Assert.Equal((row.SignedBy, row.SignedAt), (copy.SignedBy, copy.SignedAt));
        var after = await web.Get(NoticePath(FgwNotice), FgwReporter);
        Assert.Contains("已签收：刘丽华（fgw-liu），2026-06-04 08:30", after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"sign-form\"", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_SaysWhoSignedAndWhen_AndWritesNothing_WhenSignedAlready()
    {
        await using var web = await Serve();
        var page = await web.Get(NoticePath(FgwNotice), FgwReporter);
        await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);
        var first = await Row(web, FgwNotice);
        web.Clock.AdvanceMinutes(30);

        var again = await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains("已由刘丽华（fgw-liu）于2026-06-01 08:30签收，无需再次签收", again.Body, StringComparison.Ordinal);
        var second = await Row(web, FgwNotice);
        Assert.Equal((first.SignedBy, first.SignedAt, first.UpdatedAt), (second.SignedBy, second.SignedAt, second.UpdatedAt));
    }

    [Fact]
    public async Task Sign_Answers400AndWritesNothing_WithoutAValidAntiforgeryToken()
    {
        await using var web = await Serve();
        var page = await web.Get(NoticePath(FgwNotice), FgwReporter);

        var missing = await web.PostForm(NoticePath(FgwNotice) + "/sign", [], CookiesOf(page), FgwReporter);
        var forged = await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", "forged")], CookiesOf(page), FgwReporter);

        Assert.All(new[] { missing, forged }, a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.Contains("表单已失效", a.Body, StringComparison.Ordinal);
        });
        Assert.Null((await Row(web, FgwNotice)).SignedBy);
    }

    [Fact]
    public async Task Sign_Answers403AndWritesNothing_ForTheOfficeAndLeadership()
    {
        await using var web = await Serve();

        foreach (var who in new[] { Office, Leader })
        {
            var page = await web.Get(NoticePath(FgwNotice), who);
            var post = await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), who);

            Assert.Equal(HttpStatusCode.Forbidden, post.Status);
            Assert.Contains("督查室和领导不能代替单位签收", post.Body, StringComparison.Ordinal);
        }

        Assert.Null((await Row(web, FgwNotice)).SignedBy);
    }

    [Fact]
    public async Task Sign_Answers403AndWritesNothing_ForAReporterOfAnotherUnit()
    {
        await using var web = await Serve();
        var page = await web.Get("/units/fgw", FgwReporter);

        var post = await web.PostForm(NoticePath(JtjNotice) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.DoesNotContain("交通项目", post.Body, StringComparison.Ordinal);
        Assert.Null((await Row(web, JtjNotice)).SignedBy);
    }

    [Fact]
    public async Task Sign_Answers400_ForAReminder_And404_ForAnUnknownId()
    {
        await using var web = await Serve();
        var page = await web.Get("/units/fgw", FgwReporter);

        var reminder = await web.PostForm(NoticePath(FgwReminder) + "/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);
        var unknown = await web.PostForm("/notices/ev-00000000000000000000000000000000/sign", [new("__csrf", page.Token)], CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.BadRequest, reminder.Status);
        Assert.Contains("无需签收", reminder.Body, StringComparison.Ordinal);
        Assert.Null((await Row(web, FgwReminder)).SignedBy);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("没有这份通报", unknown.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_Answers401_WhenSignedOut()
    {
        await using var web = await Serve();

        var post = await web.PostForm(NoticePath(FgwNotice) + "/sign", []);

        Assert.Equal(HttpStatusCode.Unauthorized, post.Status);
        Assert.Null((await Row(web, FgwNotice)).SignedBy);
    }

    [Fact]
    public async Task UnitPage_ListsTheUnitsNotices_WithASignButton_AndSigningThereComesBackToIt()
    {
        await using var web = await Serve();
        var page = await web.Get("/units/fgw", FgwReporter);

        var post = await web.PostForm(NoticePath(FgwNotice) + "/sign", [new("__csrf", page.Token), new("from", "unit")], CookiesOf(page), FgwReporter);
        var after = await web.Get("/units/fgw", FgwReporter);

        Assert.Contains($"data-testid=\"notice-row\" data-event=\"{FgwNotice.Id.Value}\" data-signed=\"no\"", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(FgwReminder.Id.Value, page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(FgwAccountability.Id.Value, page.Body, StringComparison.Ordinal);
        Assert.Equal("/units/fgw#notices", post.Response.Headers.Location?.OriginalString);
        Assert.Contains($"data-testid=\"notice-row\" data-event=\"{FgwNotice.Id.Value}\" data-signed=\"yes\"", after.Body, StringComparison.Ordinal);
        Assert.Contains("已签收：刘丽华（fgw-liu）", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_ShowsNoSignButton_ToLeadership()
    {
        await using var web = await Serve();

        var page = await web.Get("/units/fgw", Leader);

        Assert.Contains($"data-event=\"{FgwNotice.Id.Value}\" data-signed=\"no\"", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"sign-form\"", page.Body, StringComparison.Ordinal);
    }
}
