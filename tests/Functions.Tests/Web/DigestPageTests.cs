using System.Net;
using System.Text.RegularExpressions;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Functions.Digests;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using MiniExcelLibs;
using NodaTime;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The digests' pages over the sample store (the clock at Monday 2026-06-01 08:30): the weekly list of 2026-W23 issued
/// that day and the monthly notice of 2026-04 issued on 2026-05-22, each through <see cref="DigestIssuing"/> to a
/// recording sender, so that every page can be compared with the email its role was sent.
/// </summary>
public sealed partial class DigestPageTests
{
    private static readonly DigestPeriod Week = DigestPeriod.Week(IndicatorPeriod.Parse("2026-W23"));
    private static readonly DigestPeriod April = DigestPeriod.Month(IndicatorPeriod.Parse("2026-04"));

    /// <summary>The local web over the samples with both digests issued; the emails as sent.</summary>
    private sealed class Issued : IAsyncDisposable
    {
        private Issued(WebHarness web, RecordingEmailSender email)
        {
            Web = web;
            Email = email;
        }

        public WebHarness Web { get; }

        public RecordingEmailSender Email { get; }

        public static async Task<Issued> Create(bool serve = false)
        {
            var web = serve ? await WebHarness.Serve() : await WebHarness.Local();
            var email = new RecordingEmailSender(web.Clock);
            var issuing = new DigestIssuing(web.Tables, email, DigestOptions.Default, web.Clock, HandlerHarness.Zone, NullLogger.Instance);
            var configuration = await issuing.Configuration();
            await issuing.Issue(configuration, Week, new LocalDate(2026, 6, 1));
            await issuing.Issue(configuration, April, new LocalDate(2026, 5, 22));
            return new Issued(web, email);
        }

        /// <summary>The email of <paramref name="period"/> sent to <paramref name="person"/>.</summary>
        public EmailToSend To(DigestPeriod period, string person) =>
            Assert.Single(Email.Sent, c => c.Email.DispatchId == $"{period.Key}:Email:{person}").Email;

        /// <summary>The units whose principals received a part of the weekly list, and the principals.</summary>
        public IReadOnlyList<string> ListedPrincipals =>
            [.. Email.Sent.Select(c => c.Email.DispatchId).Where(id => id.StartsWith(Week.Key + ":Email:", StringComparison.Ordinal))
                .Select(id => id[(Week.Key.Length + ":Email:".Length)..]).Where(p => p != "dcs-office")];

        public ValueTask DisposeAsync() => Web.DisposeAsync();
    }

    [Fact]
    public async Task DigestsPage_ListsTheIssuedDigests_NewestFirst_WithLinksToThePagesAndWorkbooks()
    {
        await using var issued = await Issued.Create();
        var office = await issued.Web.SignIn("dcs-office");

        var page = await issued.Web.GetWithCookies("/digests", office);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(["week:2026-W23", "month:2026-04"], RowKeys(page.Body));
        Assert.Contains("<a href=\"/digests/week/2026-W23\">2026年第23周督查清单</a>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/digests/month/2026-04.xlsx\">", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"nav-digests\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestsPage_SaysNoneIssuedYet_OnAFreshStore()
    {
        await using var web = await WebHarness.Local();
        var office = await web.SignIn("dcs-office");

        var page = await web.GetWithCookies("/digests", office);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("还没有发出过督查清单或通报", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dcs-office")]
    [InlineData("city-wang")]
    public async Task WeeklyList_OfficeAndLeader_SeeTheWholeList_AsTheOfficesEmailShowedIt(string person)
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn(person);

        var page = await issued.Web.GetWithCookies("/digests/week/2026-W23", cookies);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(Article(issued.To(Week, "dcs-office").Html), Article(page.Body));
        Assert.Contains("全文", page.Body, StringComparison.Ordinal);
        Assert.Contains("2026-06-01", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyList_AReporter_SeesTheirUnitsPartOnly_AsTheirPrincipalWasSentIt()
    {
        await using var issued = await Issued.Create();
        var principal = issued.ListedPrincipals[0];
        var cookies = await issued.Web.SignIn(principal);
        var whole = Article(issued.To(Week, "dcs-office").Html);

        var page = await issued.Web.GetWithCookies("/digests/week/2026-W23", cookies);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var part = Article(page.Body);
        Assert.Equal(Article(issued.To(Week, principal).Html), part);
        Assert.NotEqual(whole, part);
        Assert.True(part.Length < whole.Length);
        Assert.Contains("本单位部分", page.Body, StringComparison.Ordinal);

        // None of another listed unit's entries: the other principals' parts' item titles are not on the page.
        Assert.True(issued.ListedPrincipals.Count > 1, "the sample week lists one unit only");
        Assert.NotEmpty(Titles(issued.To(Week, issued.ListedPrincipals[1]).Html));
        foreach (var other in issued.ListedPrincipals.Skip(1))
        {
            foreach (var title in Titles(issued.To(Week, other).Html).Except(Titles(issued.To(Week, principal).Html)))
            {
                Assert.DoesNotContain(title, page.Body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task WeeklyList_AReporterOfAUnitNotListed_IsToldSo_AndGetsNoDocumentNorWorkbook()
    {
        await using var issued = await Issued.Create();
        var listed = issued.ListedPrincipals.ToHashSet(StringComparer.Ordinal);
        var configuration = await new DigestIssuing(issued.Web.Tables, null, DigestOptions.Default, issued.Web.Clock, HandlerHarness.Zone, NullLogger.Instance).Configuration();
        var unlisted = configuration.Roster.Units.Values.OrderBy(u => u.Id.Value, StringComparer.Ordinal)
            .First(u => u.Principal is { } p && !listed.Contains(p.Value) && configuration.People.ContainsKey(p));
        var cookies = await issued.Web.SignIn(unlisted.Principal!.Value.Value);

        var page = await issued.Web.GetWithCookies("/digests/week/2026-W23", cookies);
        var workbook = await issued.Web.GetWithCookies("/digests/week/2026-W23.xlsx", cookies);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-testid=\"not-listed\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"{unlisted.Name}没有列入2026年第23周督查清单", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<article", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, workbook.Status);
    }

    [Theory]
    [InlineData("dcs-office")]
    [InlineData("city-wang")]
    [InlineData("fgw-liu")]
    public async Task MonthlyNotice_EveryRole_SeesTheWholeNotice_AsEveryUnitsPrincipalWasSentIt(string person)
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn(person);

        var page = await issued.Web.GetWithCookies("/digests/month/2026-04", cookies);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(Article(issued.To(April, "fgw-yang").Html), Article(page.Body));
        Assert.Equal(Article(issued.To(April, "dcs-office").Html), Article(page.Body));
        Assert.Contains("2026-05-22", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestPage_AllowsTheDocumentsInlineStyles_ButStillNoScript()
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn("dcs-office");

        var page = await issued.Web.GetWithCookies("/digests/month/2026-04", cookies);

        var csp = string.Join(";", page.Response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("style-src-attr 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("dcs-office", "week:2026-W23", "/digests/week/2026-W23.xlsx", "dcs-office")]
    [InlineData("city-wang", "month:2026-04", "/digests/month/2026-04.xlsx", "dcs-office")]
    [InlineData("fgw-liu", "month:2026-04", "/digests/month/2026-04.xlsx", "fgw-yang")]
    public async Task Workbook_IsTheEmailsAttachment_AsADownload_NeverSniffed(string person, string key, string path, string recipient)
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn(person);
        var period = DigestPeriod.TryParse(key)!.Value;
        var attachment = Assert.Single(issued.To(period, recipient).Attachments);

        var answer = await issued.Web.GetWithCookies(path, cookies);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(EmailAttachment.Xlsx, answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", answer.Response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(attachment.Name, answer.Response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", string.Join(",", answer.Response.Headers.GetValues("X-Content-Type-Options")));
        var bytes = await answer.Response.Content.ReadAsByteArrayAsync();
        Assert.Equal(SheetsOf(attachment.Content.ToArray()), SheetsOf(bytes));
    }

    [Fact]
    public async Task Workbook_OfAReporter_IsTheirUnitsPart()
    {
        await using var issued = await Issued.Create();
        var principal = issued.ListedPrincipals[0];
        var cookies = await issued.Web.SignIn(principal);
        var attachment = Assert.Single(issued.To(Week, principal).Attachments);

        var answer = await issued.Web.GetWithCookies("/digests/week/2026-W23.xlsx", cookies);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(attachment.Name, answer.Response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Contains("（", attachment.Name, StringComparison.Ordinal); // the unit's name: its part, not the whole list
    }

    [Theory]
    [InlineData("/digests/week/2026-23", "周次无效")]
    [InlineData("/digests/week/2026-W60", "周次无效")]
    [InlineData("/digests/week/2026-W1", "周次无效")]
    [InlineData("/digests/week/2026-06", "周次无效")]
    [InlineData("/digests/week/%202026-W23", "周次无效")]
    [InlineData("/digests/week/2026-W23.csv", "周次无效")]
    [InlineData("/digests/month/2026-W23", "月份无效")]
    [InlineData("/digests/month/2026-6", "月份无效")]
    [InlineData("/digests/month/2026-13", "月份无效")]
    [InlineData("/digests/month/%3Cscript%3E.xlsx", "月份无效")]
    public async Task BadPeriod_Answers400InChinese(string path, string heading)
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn("dcs-office");

        var page = await issued.Web.GetWithCookies(path, cookies);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(heading, page.Body, StringComparison.Ordinal);
        Assert.Contains("应写成", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/digests/week/2026-W24", "2026年第24周督查清单尚未发出", "该周的清单将于 2026-06-08 发出")]
    [InlineData("/digests/week/2026-W24.xlsx", "2026年第24周督查清单尚未发出", "2026-06-08")]
    [InlineData("/digests/week/2026-W22", "2026年第22周督查清单尚未发出", "发出日 2026-05-25 已到，但没有发出记录")]
    [InlineData("/digests/month/2026-06", "2026年6月督查通报尚未发出", "该月尚未结束")]
    [InlineData("/digests/month/2026-05", "2026年5月督查通报尚未发出", "最迟于 2026-06-12 发出")]
    [InlineData("/digests/month/2026-03", "2026年3月督查通报尚未发出", "已过，但没有发出记录")]
    public async Task NotIssued_Answers404_SayingWhenItIsDue(string path, string heading, string when)
    {
        await using var issued = await Issued.Create();
        var cookies = await issued.Web.SignIn("dcs-office");

        var page = await issued.Web.GetWithCookies(path, cookies);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains(heading, page.Body, StringComparison.Ordinal);
        Assert.Contains(when, page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/digests")]
    [InlineData("/digests/week/2026-W23")]
    [InlineData("/digests/week/2026-W23.xlsx")]
    [InlineData("/digests/month/2026-04")]
    [InlineData("/digests/month/2026-04.xlsx")]
    [InlineData("/digests/week/bad")]
    public async Task SignedOut_NothingIsReadable_LocallyARedirectToSignIn(string path)
    {
        await using var issued = await Issued.Create();

        var page = await issued.Web.Get(path);

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.Equal("/signin", page.Response.Headers.Location?.OriginalString);
        Assert.Empty(page.Body);
    }

    [Theory]
    [InlineData("/digests")]
    [InlineData("/digests/week/2026-W23")]
    [InlineData("/digests/month/2026-04.xlsx")]
    public async Task SignedOut_InAzure_Answers401WithNoData(string path)
    {
        await using var issued = await Issued.Create(serve: true);

        var page = await issued.Web.Get(path);

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("未登录", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("督查清单〔", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("digest-row", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InAzure_TheOfficeAccount_SeesTheWholeWeeklyList()
    {
        await using var issued = await Issued.Create(serve: true);

        var page = await issued.Web.Get("/digests/week/2026-W23", WebHarness.PrincipalOf("市政府督查室", "dcs@szf.gov.example"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(Article(issued.To(Week, "dcs-office").Html), Article(page.Body));
    }

    /// <summary>The digest's <c>&lt;article&gt;</c> (the fragment DigestHtml renders), from a page or an email.</summary>
    private static string Article(string html)
    {
        var start = html.IndexOf("<article class=\"digest\"", StringComparison.Ordinal);
        var end = html.IndexOf("</article>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no digest article");
        return html[start..(end + "</article>".Length)];
    }

    /// <summary>The first data cell after the unit in each row of the first table (the item titles).</summary>
    private static IEnumerable<string> Titles(string html) =>
        CellPattern().Matches(Article(html)).Select(m => m.Groups["title"].Value).Where(t => t.Length > 4);

    private static IReadOnlyList<string> RowKeys(string body) => [.. RowKeyPattern().Matches(body).Select(m => m.Groups["k"].Value)];

    private static IReadOnlyList<string> SheetsOf(byte[] workbook)
    {
        using var stream = new MemoryStream(workbook);
        return [.. MiniExcel.GetSheetNames(stream)];
    }

    [GeneratedRegex("<tr><td[^>]*>\\d+</td><td[^>]*>[^<]*</td><td[^>]*>(?<title>[^<]+)</td>")]
    private static partial Regex CellPattern();

    [GeneratedRegex("data-testid=\"digest-row\" data-key=\"(?<k>[^\"]+)\"")]
    private static partial Regex RowKeyPattern();
}
