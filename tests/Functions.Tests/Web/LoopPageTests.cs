using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Functions.Cases;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Web.Uploads;
using Escalation.Functions.Web;
using Escalation.Functions.Web.Uploads;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The closed loop's pages as the local <c>web</c> command serves them (the development sign-in), over the samples with
/// two notices of fgw logged: one demanding an explanation (due 2026-06-05), one a rectification (due 2026-06-10), and a
/// notice of jtj. People: fgw-liu (fgw's reporter), jtj-wang (jtj's reporter by default), dcs-office (the office),
/// city-wang (leadership).
/// </summary>
public sealed class LoopPageTests
{
    private const string Reporter = "fgw-liu";
    private const string OtherReporter = "jtj-wang";
    private const string Office = "dcs-office";
    private const string Leader = "city-wang";
    private const string Task = "fgw-2026-01";

    private static readonly EscalationEvent Explanation = NoticeSignTests.FgwNotice;

    private static readonly EscalationEvent Rectification = NoticeSignTests.Event("fgw", Task, "优化营商环境攻坚行动", "市发展改革委", "fgw-yang", EventLevel.Notice, "overdue:2026-05-20")
        with { Demand = new Demand(DemandKind.Rectification, new LocalDate(2026, 6, 10)) };

    private static async Task Seed(IEntityTables tables)
    {
        var log = new EscalationLog(tables);
        var at = Instant.FromUtc(2026, 5, 29, 2, 0);
        foreach (var e in new[] { Explanation, Rectification, NoticeSignTests.JtjNotice })
        {
            await log.Log(e, at);
            await log.SetStatus(e.Unit, e.Id, _ => LogStatus.Delivered, null, at);
        }
    }

    private static Task<WebHarness> Web() => WithLoop(Seed);

    /// <summary>A notice of fgw's task demanding an explanation of fgw AND of jtj (jtj as a builder/co-submitter).</summary>
    private static readonly EscalationEvent Shared = NoticeSignTests.Event("fgw", Task, "优化营商环境攻坚行动", "市发展改革委", "fgw-yang", EventLevel.Notice, "overdue:2026-05-27")
        with { Demand = new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 5)) { From = [new UnitId("fgw"), new UnitId("jtj")] } };

    private static async Task SeedShared(IEntityTables tables)
    {
        var log = new EscalationLog(tables);
        var at = Instant.FromUtc(2026, 5, 29, 2, 0);
        await log.Log(Shared, at);
        await log.SetStatus(Shared.Unit, Shared.Id, _ => LogStatus.Delivered, null, at);
    }

    private static string NoticePath(EscalationEvent e) => "/notices/" + e.Id.Value;

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Signs in and opens <paramref name="path"/>: the cookies and the page (its antiforgery token).</summary>
    private static async Task<(string Cookies, Answer Page)> Open(WebHarness web, string person, string path)
    {
        var cookies = await web.SignIn(person);
        var page = await web.GetWithCookies(path, cookies);
        return (cookies, page);
    }

    private static async Task<IReadOnlyList<ExplanationRow>> Answers(WebHarness web)
    {
        var table = await web.Tables.Table("explanations");
        return [.. await table.Query(EntityQuery.Partition("fgw")).Select(AdminTables.Explanations.FromEntity).ToListAsync()];
    }

    private static async Task<IReadOnlyList<Decision>> Decisions(WebHarness web) => await new CaseRecords(web.Tables).Decisions(new UnitId("fgw"));

    private static async Task<IReadOnlyList<LogEntry>> Logged(WebHarness web, EventKind kind) =>
        [.. (await new EscalationLog(web.Tables).OfUnit(new UnitId("fgw")).ToListAsync()).Where(e => e.Event.Kind == kind)];

    private static int Published(WebHarness web) => web.Publisher!.To(ServiceBusEntities.EventsTopic).Count;

    private static int StoredFiles(WebHarness web) =>
        Directory.Exists(web.EvidenceFolder) ? Directory.EnumerateFiles(web.EvidenceFolder, "*", SearchOption.AllDirectories).Count(f => !f.EndsWith(".json", StringComparison.Ordinal)) : 0;

    private static async Task<Answer> SubmitAnswer(WebHarness web, EscalationEvent notice, string kind, string text, params (string, byte[])[] files)
    {
        var (cookies, page) = await Open(web, Reporter, NoticePath(notice));
        return await web.PostMultipart(NoticePath(notice) + "/answer", [new("__csrf", page.Token), new("kind", kind), new("text", text)], files, cookies);
    }

    private static async Task<Answer> Decide(WebHarness web, string person, string key, string decision, string reason = "")
    {
        var (cookies, page) = await Open(web, person, "/units/fgw");
        return await web.PostForm($"/answers/fgw/{Uri.EscapeDataString(key)}/decide", [new("__csrf", page.Token), new("decision", decision), new("reason", reason)], cookies);
    }

    // ---- The notice page and the answer --------------------------------------------------------------------------

    [Fact]
    public async Task NoticePage_ShowsTheDemandAndTheAnswerForm_ToTheUnitsReporter_AndNoFormToOthers()
    {
        await using var web = await Web();

        var (_, reporter) = await Open(web, Reporter, NoticePath(Explanation));
        var (_, office) = await Open(web, Office, NoticePath(Explanation));
        var (_, leader) = await Open(web, Leader, NoticePath(Explanation));

        Assert.Equal(HttpStatusCode.OK, reporter.Status);
        Assert.Contains("答复与审核", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-kind\">情况说明", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("2026-06-05 前报送", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-status\">待提交", reporter.Body, StringComparison.Ordinal);
        Assert.Contains($"action=\"/notices/{Explanation.Id.Value}/answer\"", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("enctype=\"multipart/form-data\"", reporter.Body, StringComparison.Ordinal);
        Assert.All(new[] { office, leader }, p => Assert.DoesNotContain("data-testid=\"answer-form\"", p.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answer_StoresTheFileAndSubmits_AndTheNoticeShowsItPendingWithItsHashAndLink()
    {
        await using var web = await Web();

        var post = await SubmitAnswer(web, Explanation, "explanation", "5月进度滞后系审批流程调整所致。", ("情况说明.pdf", Samples.Pdf));
        var (_, after) = await Open(web, Reporter, NoticePath(Explanation));

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.Equal(NoticePath(Explanation) + "#answers", post.Response.Headers.Location?.OriginalString);
        var row = Assert.Single(await Answers(web));
        Assert.Equal(("explanation", "fgw-liu", "1"), (row.Kind, row.SubmittedBy, row.Seq));
        Assert.Equal(Sha(Samples.Pdf), Assert.Single(EvidenceColumn.Parse(row.Evidence).Files!).Sha256);
        Assert.Equal(1, StoredFiles(web));
        Assert.Contains("已提交，待督查室审核", after.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-status\">待审核", after.Body, StringComparison.Ordinal);
        Assert.Contains($"href=\"/evidence/fgw/{Sha(Samples.Pdf)}\">情况说明.pdf</a>", after.Body, StringComparison.Ordinal);
        Assert.Contains("SHA-256 " + Sha(Samples.Pdf), after.Body, StringComparison.Ordinal);
        Assert.Contains("刘丽华", after.Body, StringComparison.Ordinal);
        Assert.Single(await Logged(web, EventKind.AnswerSubmitted));
        Assert.Equal(1, Published(web));
    }

    [Fact]
    public async Task Answer_SubmittedTwice_WritesOneRowAndSendsOneMessage()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, Reporter, NoticePath(Explanation));
        KeyValuePair<string, string>[] fields = [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明内容")];

        var first = await web.PostMultipart(NoticePath(Explanation) + "/answer", fields, [("说明.pdf", Samples.Pdf)], cookies);
        var second = await web.PostMultipart(NoticePath(Explanation) + "/answer", fields, [("说明.pdf", Samples.Pdf)], cookies);

        Assert.Equal(HttpStatusCode.SeeOther, first.Status);
        Assert.Equal(HttpStatusCode.SeeOther, second.Status);
        Assert.Single(await Answers(web));
        Assert.Single(await Logged(web, EventKind.AnswerSubmitted));
        Assert.Equal(1, Published(web));
    }

    [Fact]
    public async Task Answer_PostedThreeTimesAtOnce_WritesOneRowAndLogsOneEventTheTopicKeepsOnce()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, Reporter, NoticePath(Explanation));

        Task<Answer> Post() => web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "同一份说明。")], [], cookies);
        var posts = await System.Threading.Tasks.Task.WhenAll(Post(), Post(), Post());

        Assert.All(posts, p => Assert.Equal(HttpStatusCode.SeeOther, p.Status));
        Assert.Single(await Answers(web), r => r.Notice == Explanation.Id.Value);
        Assert.Single(await Logged(web, EventKind.AnswerSubmitted));

        // A racing call may publish the logged event again before the first marks it published: the same message id,
        // which the topic's duplicate detection drops (and the senders' delivery ledger would not deliver twice).
        Assert.Single(web.Publisher!.Kept(ServiceBusEntities.EventsTopic));
    }

    /// <summary>A multipart body without a boundary, or cut off (a broken client): a 400 page in Chinese, never 413 or 500.</summary>
    [Theory]
    [InlineData("/answers/fgw/x/decide")]
    [InlineData("/exemptions/fgw/x/decide")]
    [InlineData("/tasks/fgw/fgw-2026-01/exemption")]
    [InlineData("/units/fgw/exemption")]
    [InlineData("/notices/ev-00000000000000000000000000000000/answer")]
    [InlineData("/notices/ev-00000000000000000000000000000000/sign")]
    [InlineData("/tasks/fgw/fgw-2026-01/progress")]
    [InlineData("/feeds")]
    [InlineData("/feeds/revoke")]
    [InlineData("/signin")]
    [InlineData("/signout")]
    public async Task AnyForm_Answers400InChinese_ForAnUnreadableMultipartBody(string path)
    {
        await using var web = await Web();
        var cookies = await web.SignIn(path.Contains("decide", StringComparison.Ordinal) ? Office : Reporter);
        var body = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"u8.ToArray();

        async Task<Answer> Post(string contentType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Add("Cookie", cookies);
            return await web.Send(request);
        }

        var noBoundary = await Post("multipart/form-data");
        var cutOff = await Post("multipart/form-data; boundary=x");

        Assert.All(new[] { noBoundary, cutOff }, a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.Contains("表单无效", a.Body, StringComparison.Ordinal);
        });
        Assert.Empty(await Answers(web));
        Assert.Empty(await Requests(web));
    }

    /// <summary>An upload over the limit is 413 whether its length is declared (refused unread) or found while reading.</summary>
    [Fact]
    public async Task Answer_Answers413AndWritesNothing_ForABodyOverTheLimit_DeclaredOrNot()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, Reporter, NoticePath(Explanation));
        var big = new byte[2 * 1024 * 1024];
        var declared = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明")], [("说明.pdf", big)], cookies);

        using var form = new MultipartFormDataContent { { new StringContent(page.Token), "__csrf" }, { new ByteArrayContent(big), "files", "说明.pdf" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(NoticePath(Explanation) + "/answer", UriKind.Relative))
        {
            Content = new UndeclaredLength(await form.ReadAsByteArrayAsync(), form.Headers.ContentType!.ToString()),
        };
        request.Headers.Add("Cookie", cookies);
        var undeclared = await web.Send(request);

        Assert.All(new[] { declared, undeclared }, a =>
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, a.Status);
            Assert.Contains("上传的文件太大", a.Body, StringComparison.Ordinal);
        });
        Assert.Empty(await Answers(web));
        Assert.Equal(0, StoredFiles(web));
    }

    /// <summary>A body sent without Content-Length (chunked), so that only reading it finds its size.</summary>
    private sealed class UndeclaredLength : HttpContent
    {
        private readonly byte[] _content;

        public UndeclaredLength(byte[] content, string contentType)
        {
            _content = content;
            Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_content).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task Answer_Answers400AndWritesNothing_WithoutAValidAntiforgeryToken()
    {
        await using var web = await Web();
        var (cookies, _) = await Open(web, Reporter, NoticePath(Explanation));

        var missing = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("kind", "explanation"), new("text", "说明")], [("说明.pdf", Samples.Pdf)], cookies);
        var forged = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", "forged"), new("kind", "explanation"), new("text", "说明")], [("说明.pdf", Samples.Pdf)], cookies);

        Assert.All(new[] { missing, forged }, a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.Contains("表单已失效", a.Body, StringComparison.Ordinal);
        });
        Assert.Empty(await Answers(web));
        Assert.Equal(0, StoredFiles(web));
    }

    [Theory]
    [InlineData(Office)]
    [InlineData(Leader)]
    public async Task Answer_Answers403AndWritesNothing_ForTheOfficeAndLeadership(string person)
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, person, NoticePath(Explanation));

        var post = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明")], [], cookies);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("答复由被通报单位的填报员提交", post.Body, StringComparison.Ordinal);
        Assert.Empty(await Answers(web));
    }

    [Fact]
    public async Task Answer_Answers403WithNoneOfItsData_ForAReporterOfAnotherUnit()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, OtherReporter, "/units/jtj");

        var post = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明")], [], cookies);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.DoesNotContain("优化营商环境", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("市发展改革委", post.Body, StringComparison.Ordinal);
        Assert.Empty(await Answers(web));
    }

    [Fact]
    public async Task Answer_Answers404_ForAnUnknownNotice()
    {
        await using var web = await Web();
        var (cookies, page) = await Open(web, Reporter, "/units/fgw");

        var post = await web.PostMultipart("/notices/ev-00000000000000000000000000000000/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明")], [], cookies);

        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Contains("没有这份通报", post.Body, StringComparison.Ordinal);
        Assert.Empty(await Answers(web));
    }

    public static TheoryData<string, byte[], string> RefusedFiles => new()
    {
        { "setup.exe", Samples.Executable, "不接受扩展名为「.exe」的文件" },
        { "说明.pdf", Samples.Html, "文件内容不是PDF 文件" },
        { "空白.pdf", [], "文件是空的" },
        { "大文件.pdf", Samples.Pdf.Concat(new byte[70 * 1024]).ToArray(), "超过了上限" },
        { "宏.docx", Samples.OpenXml("word/document.xml", macros: true), "含有宏" },
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public async Task Answer_Answers400InChineseAndWritesNothing_ForARefusedFile(string name, byte[] content, string why)
    {
        await using var web = await Web();

        var post = await SubmitAnswer(web, Explanation, "explanation", "说明内容", ("照片.png", Samples.Png), (name, content));

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains(why, post.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"answer-error\"", post.Body, StringComparison.Ordinal);
        Assert.Contains(">说明内容</textarea>", post.Body, StringComparison.Ordinal);
        Assert.Empty(await Answers(web));
        Assert.Equal(0, StoredFiles(web));
        Assert.Equal(0, Published(web));
    }

    [Fact]
    public async Task Answer_Answers400InChinese_ForAKindTheNoticeDoesNotDemand_AndForNothingToSubmit()
    {
        await using var web = await Web();

        var wrongKind = await SubmitAnswer(web, Explanation, "rectification", "整改内容");
        var empty = await SubmitAnswer(web, Explanation, "explanation", "  ");

        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.Status);
        Assert.Contains("要求的是", wrongKind.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Contains("既没有填写内容，也没有附佐证材料", empty.Body, StringComparison.Ordinal);
        Assert.Empty(await Answers(web));
    }

    // ---- No orphan evidence files ---------------------------------------------------------------------------------

    [Fact]
    public async Task Answer_RefusedByTheLoop_StoresNoFile_ForTheWrongKind_AnotherUnit_AnUnknownNotice_OrAnAcceptedCase()
    {
        await using var web = await Web();

        var wrongKind = await SubmitAnswer(web, Explanation, "rectification", "整改内容", ("整改照片.jpg", Samples.Jpeg));
        var (otherCookies, otherPage) = await Open(web, OtherReporter, "/units/jtj");
        var otherUnit = await web.PostMultipart(NoticePath(Explanation) + "/answer", [new("__csrf", otherPage.Token), new("kind", "explanation"), new("text", "说明")], [("说明.pdf", Samples.Pdf)], otherCookies);
        var (cookies, page) = await Open(web, Reporter, "/units/fgw");
        var unknown = await web.PostMultipart("/notices/ev-00000000000000000000000000000000/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "说明")], [("说明.pdf", Samples.Pdf)], cookies);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (wrongKind.Status, otherUnit.Status, unknown.Status));
        Assert.Empty(await Answers(web));
        Assert.Equal(0, StoredFiles(web));

        // An accepted explanation takes no further answer: the refused one's file is not stored either.
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        await Decide(web, Office, $"{Explanation.Id.Value}:explanation", "accept");
        var closed = await SubmitAnswer(web, Explanation, "explanation", "补充说明", ("补充材料.pdf", Samples.Pdf));

        Assert.Equal(HttpStatusCode.Conflict, closed.Status);
        Assert.Contains("无需再次提交", closed.Body, StringComparison.Ordinal);
        Assert.Equal(0, StoredFiles(web));
    }

    [Fact]
    public async Task Answer_Accepted_StoresEachFileOnce()
    {
        await using var web = await Web();

        var post = await SubmitAnswer(web, Explanation, "explanation", "说明内容", ("情况说明.pdf", Samples.Pdf), ("现场照片.jpg", Samples.Jpeg));

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.Equal(2, StoredFiles(web));
        Assert.Equal(2, EvidenceColumn.Parse(Assert.Single(await Answers(web)).Evidence).Files!.Count);
    }

    [Fact]
    public async Task Exemption_RefusedByTheLoop_StoresNoFile_AndAnAcceptedOneStoresIt()
    {
        await using var web = await Web();

        var noReason = await RequestExemption(web, Reporter, "fgw", Task, "2026-05", " ", ("省厅通知.pdf", Samples.Pdf));
        var badPeriod = await RequestExemption(web, Reporter, "fgw", Task, "2026-13", "省级政策调整。", ("省厅通知.pdf", Samples.Pdf));
        var (cookies, page) = await Open(web, Reporter, "/units/fgw");
        var indicator = await web.PostMultipart("/units/fgw/exemption", [new("__csrf", page.Token), new("indicator", "no-such-indicator"), new("period", "2026-05"), new("reason", "原因")], [("省厅通知.pdf", Samples.Pdf)], cookies);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (noReason.Status, badPeriod.Status));
        Assert.Equal(HttpStatusCode.NotFound, indicator.Status);
        Assert.Equal(0, StoredFiles(web));

        var accepted = await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。", ("省厅通知.pdf", Samples.Pdf));

        Assert.Equal(HttpStatusCode.SeeOther, accepted.Status);
        Assert.Equal(1, StoredFiles(web));
    }

    // ---- A further answer while one is pending --------------------------------------------------------------------

    [Fact]
    public async Task NoticePage_ShowsTheAnswerFormWhileAnAnswerIsPending_UnderANoteThatANewOneReplacesIt()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");

        var (_, reporter) = await Open(web, Reporter, NoticePath(Explanation));
        var (_, office) = await Open(web, Office, NoticePath(Explanation));

        Assert.Contains("data-testid=\"case-status\">待审核", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("已有答复待督查室审核。如需补充材料，可再次提交，新提交的答复将取代待审核的答复。", reporter.Body, StringComparison.Ordinal);
        var note = reporter.Body.IndexOf("data-testid=\"answer-pending-note\"", StringComparison.Ordinal);
        Assert.True(note > 0 && reporter.Body.IndexOf("data-testid=\"answer-form\"", StringComparison.Ordinal) > note, "the form follows the note");
        Assert.DoesNotContain("data-testid=\"answer-form\"", office.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"answer-pending-note\"", office.Body, StringComparison.Ordinal);
        // The unit page's row links the reporter to answer again.
        var (_, unit) = await Open(web, Reporter, "/units/fgw");
        Assert.Contains($"data-testid=\"case-answer-link\" href=\"/notices/{Explanation.Id.Value}#answers\">去答复", unit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_SubmittedAgainWhilePending_SupersedesThePendingOne_InTheHistoryTheOfficesListAndTheUnitPage()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        web.Clock.AdvanceMinutes(5);
        var again = await SubmitAnswer(web, Explanation, "explanation", "说明内容，补充佐证材料。", ("情况说明.pdf", Samples.Pdf));

        var first = $"{Explanation.Id.Value}:explanation";
        var second = first + "@2";
        var (_, notice) = await Open(web, Office, NoticePath(Explanation));
        var (_, pending) = await Open(web, Office, "/office");
        var (_, unit) = await Open(web, Reporter, "/units/fgw");

        Assert.Equal(HttpStatusCode.SeeOther, again.Status);
        Assert.Equal([first, second], (await Answers(web)).Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await Logged(web, EventKind.AnswerSubmitted)).Count);
        // The history keeps the older one, marked superseded; the office's forms are for the newer one.
        Assert.Contains($"data-testid=\"answer\" data-key=\"{first}\" data-status=\"superseded\"", notice.Body, StringComparison.Ordinal);
        Assert.Contains("已被新答复取代", notice.Body, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"answer\" data-key=\"{second}\" data-status=\"pending\"", notice.Body, StringComparison.Ordinal);
        Assert.Contains($"action=\"/answers/fgw/{Uri.EscapeDataString(second)}/decide\"", notice.Body, StringComparison.Ordinal);
        Assert.DoesNotContain($"action=\"/answers/fgw/{Uri.EscapeDataString(first)}/decide\"", notice.Body, StringComparison.Ordinal);
        // The office's list and the unit's table show the newest pending answer only.
        Assert.Contains($"data-testid=\"pending-answer\" data-key=\"{second}\"", pending.Body, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-testid=\"pending-answer\" data-key=\"{first}\"", pending.Body, StringComparison.Ordinal);
        var row = RowOf(CasesOf(unit.Body), Explanation);
        Assert.Contains("提交情况说明（第 2 次）：刘丽华", row, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(CasesOf(unit.Body), $"data-notice=\"{Explanation.Id.Value}\""));
    }

    [Fact]
    public async Task Decide_OnASupersededAnswer_Answers409NamingTheNewerOne_AndWritesNothing_WhileTheNewerOneIsDecided()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        await SubmitAnswer(web, Explanation, "explanation", "说明内容，补充佐证材料。", ("情况说明.pdf", Samples.Pdf));
        var first = $"{Explanation.Id.Value}:explanation";
        var published = Published(web);

        var refused = await Decide(web, Office, first, "accept");
        var rejected = await Decide(web, Office, first, "reject", "材料不全。");
        var accepted = await Decide(web, Office, first + "@2", "accept");

        Assert.All(new[] { refused, rejected }, r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.Status);
            Assert.Contains($"这份情况说明已被第 2 次提交的情况说明（{first}@2，", r.Body, StringComparison.Ordinal);
            Assert.Contains("取代，不能再处理。请处理最新的答复", r.Body, StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.SeeOther, accepted.Status);
        var decision = Assert.Single(await Decisions(web));
        Assert.Equal((first + "@2", LoopDecision.Accept), (decision.Subject, decision.Kind));
        Assert.Equal(published + 1, Published(web));
    }

    // ---- The office's decisions ----------------------------------------------------------------------------------

    [Fact]
    public async Task Decide_RectificationWithoutEvidence_ShowsOnlyReject_AndAnAcceptIsRefusedWithNothingWritten()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Rectification, "rectification", "已整改完毕。");
        var key = Assert.Single(await Answers(web)).Key;

        var (_, page) = await Open(web, Office, NoticePath(Rectification));
        var accept = await Decide(web, Office, key, "accept");

        Assert.Contains("data-testid=\"accept-unavailable\"", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"decide-accept\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"decide-reject\"", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, accept.Status);
        Assert.Contains("整改报告未附佐证材料，不能采纳（销号）", accept.Body, StringComparison.Ordinal);
        Assert.Empty(await Decisions(web));
    }

    [Fact]
    public async Task Decide_RejectWithoutReason_Answers400AndWritesNothing_AndWithAReasonRejects()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Rectification, "rectification", "已整改完毕。");
        var key = Assert.Single(await Answers(web)).Key;

        var bare = await Decide(web, Office, key, "reject");
        var rejected = await Decide(web, Office, key, "reject", "请补充整改前后照片。");
        var (_, reporter) = await Open(web, Reporter, NoticePath(Rectification));

        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Contains("退回答复必须填写理由", bare.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, rejected.Status);
        Assert.Equal(NoticePath(Rectification) + "#answers", rejected.Response.Headers.Location?.OriginalString);
        Assert.Equal(LoopDecision.Reject, Assert.Single(await Decisions(web)).Kind);
        Assert.Contains("data-testid=\"case-status\">已退回", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("理由：请补充整改前后照片。", reporter.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"answer-form\"", reporter.Body, StringComparison.Ordinal);
        Assert.Single(await Logged(web, EventKind.AnswerDecided));
    }

    [Fact]
    public async Task Decide_AcceptsARectificationWithEvidence_ClosesIt_AndReopeningAsFalseNeedsAReasonAndRaisesOneRecommendation()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Rectification, "rectification", "已整改完毕。", ("整改照片.jpg", Samples.Jpeg));
        var key = Assert.Single(await Answers(web)).Key;

        var accepted = await Decide(web, Office, key, "accept");
        var (_, closed) = await Open(web, Office, NoticePath(Rectification));
        var bare = await Decide(web, Office, key, "reopen");
        var reopened = await Decide(web, Office, key, "reopen", "现场核查发现未整改。");
        var again = await Decide(web, Office, key, "reopen", "现场核查发现未整改。");
        var (_, after) = await Open(web, Reporter, NoticePath(Rectification));

        Assert.Equal(HttpStatusCode.SeeOther, accepted.Status);
        Assert.Contains("data-testid=\"case-status\">已销号", closed.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"decide-reopen\"", closed.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Contains("认定虚假整改必须填写理由", bare.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, reopened.Status);
        Assert.Equal(HttpStatusCode.SeeOther, again.Status);
        Assert.Equal([LoopDecision.Accept, LoopDecision.Reopen], (await Decisions(web)).OrderBy(d => d.Seq).Select(d => d.Kind));
        Assert.Single(await Logged(web, EventKind.FalseRectification));
        Assert.Contains("data-testid=\"case-status\">已重新打开", after.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"answer-form\"", after.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Reporter)]
    [InlineData(Leader)]
    public async Task Decide_Answers403AndWritesNothing_ForAnyoneButTheOffice(string person)
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        var key = Assert.Single(await Answers(web)).Key;

        var post = await Decide(web, person, key, "accept");

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("只有督查室可以处理答复", post.Body, StringComparison.Ordinal);
        Assert.Empty(await Decisions(web));
    }

    [Fact]
    public async Task Decide_Answers400WithoutAToken_And404ForAnUnknownAnswerOrUnit()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        var key = Assert.Single(await Answers(web)).Key;
        var (cookies, page) = await Open(web, Office, "/office");

        var missing = await web.PostForm($"/answers/fgw/{Uri.EscapeDataString(key)}/decide", [new("decision", "accept")], cookies);
        var unknown = await web.PostForm("/answers/fgw/no-such-answer/decide", [new("__csrf", page.Token), new("decision", "accept")], cookies);
        var noUnit = await web.PostForm($"/answers/nounit/{Uri.EscapeDataString(key)}/decide", [new("__csrf", page.Token), new("decision", "accept")], cookies);

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("表单已失效", missing.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("没有编号为「no-such-answer」的答复", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noUnit.Status);
        Assert.Empty(await Decisions(web));
    }

    // ---- Exemption requests --------------------------------------------------------------------------------------

    private static async Task<Answer> RequestExemption(WebHarness web, string person, string unit, string task, string period, string reason, params (string, byte[])[] files)
    {
        var (cookies, page) = await Open(web, person, $"/units/{unit}");
        return await web.PostMultipart($"/tasks/{unit}/{task}/exemption", [new("__csrf", page.Token), new("period", period), new("reason", reason)], files, cookies);
    }

    private static async Task<IReadOnlyList<RequestView>> Requests(WebHarness web) => await web.Loop!.ExemptionRequests(new UnitId("fgw"));

    [Fact]
    public async Task Exemption_AReporterRequests_TheTaskPageListsIt_AndTheOfficeApprovesIt()
    {
        await using var web = await Web();

        var post = await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整，项目暂缓审批。", ("省厅通知.pdf", Samples.Pdf));
        var (_, page) = await Open(web, Reporter, $"/tasks/fgw/{Task}");
        var (officeCookies, officePage) = await Open(web, Office, $"/tasks/fgw/{Task}");
        var key = Assert.Single(await Requests(web)).Key;
        var approved = await web.PostForm($"/exemptions/fgw/{Uri.EscapeDataString(key)}/decide", [new("__csrf", officePage.Token), new("decision", "approve")], officeCookies);
        var (_, after) = await Open(web, Reporter, $"/tasks/fgw/{Task}");

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.Equal($"/tasks/fgw/{Task}#exemptions", post.Response.Headers.Location?.OriginalString);
        Assert.Contains("豁免申请", page.Body, StringComparison.Ordinal);
        Assert.Contains("省级政策调整，项目暂缓审批。", page.Body, StringComparison.Ordinal);
        Assert.Contains("待审批", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"decide-approve\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"decide-approve\"", officePage.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, approved.Status);
        Assert.Equal(RequestStatus.Approved, Assert.Single(await Requests(web)).Status);
        Assert.Contains("已批准", after.Body, StringComparison.Ordinal);
        var exemptions = await web.Tables.Table("exemptions");
        Assert.Contains(await exemptions.Query(EntityQuery.Partition("fgw")).ToListAsync(), e => e.GetString("Request") == key);
    }

    [Fact]
    public async Task Exemption_RefusesInChinese_WithoutACauseOrAPeriod_ForAnotherUnit_AndWithoutAToken()
    {
        await using var web = await Web();

        var noReason = await RequestExemption(web, Reporter, "fgw", Task, "2026-05", " ");
        var noPeriod = await RequestExemption(web, Reporter, "fgw", Task, "", "原因");
        var other = await RequestExemption(web, OtherReporter, "fgw", Task, "2026-05", "原因");
        var leader = await RequestExemption(web, Leader, "fgw", Task, "2026-05", "原因");
        var (cookies, _) = await Open(web, Reporter, "/units/fgw");
        var missing = await web.PostMultipart($"/tasks/fgw/{Task}/exemption", [new("period", "2026-05"), new("reason", "原因")], [], cookies);

        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Contains("申请豁免必须写明客观原因", noReason.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"exemption-error\"", noReason.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noPeriod.Status);
        Assert.Contains("没有填写申请豁免的期次或节点", noPeriod.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.DoesNotContain("优化营商环境", other.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, leader.Status);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("表单已失效", missing.Body, StringComparison.Ordinal);
        Assert.Empty(await Requests(web));
    }

    [Fact]
    public async Task Exemption_DenyNeedsAReason_OnlyTheOfficeDecides_AndAnUnknownRequestIs404()
    {
        await using var web = await Web();
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。");
        var key = Assert.Single(await Requests(web)).Key;
        var path = $"/exemptions/fgw/{Uri.EscapeDataString(key)}/decide";
        var (officeCookies, officePage) = await Open(web, Office, "/office");
        var (reporterCookies, reporterPage) = await Open(web, Reporter, "/units/fgw");

        var bare = await web.PostForm(path, [new("__csrf", officePage.Token), new("decision", "deny")], officeCookies);
        var byReporter = await web.PostForm(path, [new("__csrf", reporterPage.Token), new("decision", "approve")], reporterCookies);
        var unknown = await web.PostForm("/exemptions/fgw/no-such-request/decide", [new("__csrf", officePage.Token), new("decision", "approve")], officeCookies);
        var missing = await web.PostForm(path, [new("decision", "approve")], officeCookies);
        var denied = await web.PostForm(path, [new("__csrf", officePage.Token), new("decision", "deny"), new("reason", "理由不属于客观原因。")], officeCookies);

        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Contains("不予批准豁免申请必须填写理由", bare.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byReporter.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(HttpStatusCode.SeeOther, denied.Status);
        Assert.Equal(RequestStatus.Denied, Assert.Single(await Requests(web)).Status);
    }

    private static async Task<Answer> RequestIndicatorExemption(WebHarness web, string indicator, string period, string reason)
    {
        var (cookies, page) = await Open(web, Reporter, "/units/fgw");
        return await web.PostMultipart("/units/fgw/exemption", [new("__csrf", page.Token), new("indicator", indicator), new("period", period), new("reason", reason)], [], cookies);
    }

    [Fact]
    public async Task Exemption_ForAnIndicatorPeriodPendingOrAlreadyExempted_Answers409AndWritesNothing()
    {
        await using var web = await Web();
        var first = await RequestIndicatorExemption(web, "gdtz-zs", "2026-04", "统计口径调整。");
        var pending = await RequestIndicatorExemption(web, "gdtz-zs", "2026-04", "另一个理由。");
        var approved = await web.Loop!.DecideExemption(new PersonId(Office), new UnitId("fgw"), Assert.Single(await Requests(web)).Key, "approve", null);
        var exempted = await RequestIndicatorExemption(web, "gdtz-zs", "2026-04", "再次申请：统计口径调整。");

        Assert.Equal(HttpStatusCode.SeeOther, first.Status);
        Assert.True(approved.Ok, approved.Refusal?.Message);
        Assert.Equal(HttpStatusCode.Conflict, pending.Status);
        Assert.Contains("已有一份待审批的豁免申请", pending.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, exempted.Status);
        Assert.Contains("该指标的「2026-04」已经豁免", exempted.Body, StringComparison.Ordinal);
        Assert.Single(await Requests(web));
    }

    [Fact]
    public async Task Exemption_ForAnIndicatorTheUnitIsNotAssessedOn_Answers400NamingIt_WhileAUnitWithValuesMayAsk()
    {
        await using var web = await Web();

        var notAssessed = await RequestIndicatorExemption(web, "shxf-zs", "2026-04", "与本单位无关的指标。");
        var withValues = await web.Loop!.RequestExemption(new PersonId(Office), new UnitId("town-bs"), null, "zdxm-wcl", "2026-04", "汛期停工。", []);

        Assert.Equal(HttpStatusCode.BadRequest, notAssessed.Status);
        Assert.Contains("社会消费品零售总额增速", notAssessed.Body, StringComparison.Ordinal);
        Assert.Contains("不按这个指标考核", notAssessed.Body, StringComparison.Ordinal);
        Assert.Empty(await Requests(web));
        Assert.True(withValues.Ok, withValues.Refusal?.Message);
    }

    // ---- /office and the unit page -------------------------------------------------------------------------------

    [Fact]
    public async Task Office_ListsPendingAnswersAndRequestsOldestFirst_WithTheCountInTheHeader()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        web.Clock.AdvanceMinutes(5);
        await SubmitAnswer(web, Rectification, "rectification", "整改内容", ("照片.jpg", Samples.Jpeg));
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。");

        var (_, office) = await Open(web, Office, "/office");
        var (_, leader) = await Open(web, Leader, "/office");
        var (_, reporter) = await Open(web, Reporter, "/office");

        Assert.Equal(HttpStatusCode.OK, office.Status);
        // The samples' explanations hold answers of other units that wait too: the count is all of them, as listed.
        var listed = Regex.Count(office.Body, "data-testid=\"pending-answer\"") + Regex.Count(office.Body, "data-testid=\"pending-request\"");
        Assert.True(listed >= 3, "the two answers and the request are listed");
        Assert.Contains($"data-testid=\"pending-count\">{listed}<", office.Body, StringComparison.Ordinal);
        var explanation = office.Body.IndexOf($"data-key=\"{Explanation.Id.Value}:explanation\"", StringComparison.Ordinal);
        var rectification = office.Body.IndexOf($"data-key=\"{Rectification.Id.Value}:rectification\"", StringComparison.Ordinal);
        Assert.True(explanation > 0 && rectification > explanation, "the older answer comes first");
        Assert.Contains("data-testid=\"pending-request\"", office.Body, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{Explanation.Id.Value}#answers\"", office.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, leader.Status);
        Assert.DoesNotContain("<form method=\"post\" action=\"/answers", leader.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reporter.Status);
    }

    [Fact]
    public async Task UnitPage_ShowsTheOpenCasesWithTheirStatusAndALinkToAnswer_AndThePendingRequests()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。");

        var (_, page) = await Open(web, Reporter, "/units/fgw");

        Assert.Contains($"data-testid=\"case-row\" data-notice=\"{Explanation.Id.Value}\" data-status=\"pending\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"case-row\" data-notice=\"{Rectification.Id.Value}\" data-status=\"open\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{Rectification.Id.Value}#answers\">去答复", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"unit-requests\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_ListsEachDemandOnce_InOneTable_WithItsNoticeTaskDueDateStatusLatestStepAndAction()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");

        var (_, reporter) = await Open(web, Reporter, "/units/fgw");
        var (_, office) = await Open(web, Office, "/units/fgw");
        var (_, leader) = await Open(web, Leader, "/units/fgw");

        // One table: the old 待办要求 table is gone, and each demand is one row.
        Assert.Contains("待办要求与答复", reporter.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"demands\"", reporter.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("待办要求（说明、整改）", reporter.Body, StringComparison.Ordinal);
        var table = CasesOf(reporter.Body);
        Assert.Equal(1, Regex.Count(table, $"data-testid=\"case-row\" data-notice=\"{Explanation.Id.Value}\""));
        Assert.Equal(1, Regex.Count(table, $"data-testid=\"case-row\" data-notice=\"{Rectification.Id.Value}\""));
        var row = RowOf(table, Rectification);
        // 通报: its 文号, linked to the notice, and its level; 事项: the task, linked; 要求; 期限; 状态; 最近一次; 操作.
        Assert.Matches($"<a data-testid=\"case-notice-link\" href=\"/notices/{Rectification.Id.Value}\">督办〔2026〕[^<]*号</a><br><span class=\"muted\">通报</span>", row);
        Assert.Contains($"<a href=\"/tasks/fgw/{Task}\">优化营商环境攻坚行动</a><br><span class=\"muted\">{Task}</span>", row, StringComparison.Ordinal);
        Assert.Contains("<td>整改报告</td><td>2026-06-10</td>", row, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-row-status\">待提交<", row, StringComparison.Ordinal);
        Assert.Contains("尚未提交", row, StringComparison.Ordinal);
        var pending = RowOf(table, Explanation);
        Assert.Contains("data-testid=\"case-row-status\">待审核<", pending, StringComparison.Ordinal);
        Assert.Contains("提交情况说明：刘丽华<br><span class=\"muted\">", pending, StringComparison.Ordinal);
        // 操作: the reporter answers the open one; the office reviews the pending one; the leader only looks.
        Assert.Contains("data-testid=\"case-answer-link\"", row, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"case-review-link\" href=\"/notices/{Explanation.Id.Value}#answers\">去审核", RowOf(CasesOf(office.Body), Explanation), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-view-link\"", RowOf(CasesOf(office.Body), Rectification), StringComparison.Ordinal);
        Assert.DoesNotContain("去答复", CasesOf(leader.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("去审核", CasesOf(leader.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("<script", reporter.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_ListsADemandOwedOnAnotherUnitsNotice_WithItsTaskThere_AndItsOwnAnswer()
    {
        // Shared: fgw's notice demands an explanation of fgw and of jtj (jtj as a co-submitter).
        await using var web = await WithLoop(SeedShared);
        var (cookies, before) = await Open(web, OtherReporter, "/units/jtj");
        var (noticeCookies, page) = await Open(web, OtherReporter, NoticePath(Shared));
        await web.PostMultipart(NoticePath(Shared) + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "交通局配合部分的情况说明。")], [], noticeCookies);
        var after = await web.GetWithCookies("/units/jtj", cookies);
        var (_, fgw) = await Open(web, Reporter, "/units/fgw");

        var row = RowOf(CasesOf(before.Body), Shared);
        Assert.Contains("data-status=\"open\"", row, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/tasks/fgw/{Task}\">", row, StringComparison.Ordinal);
        Assert.Contains($"href=\"/notices/{Shared.Id.Value}#answers\">去答复", row, StringComparison.Ordinal);
        Assert.Contains("data-status=\"pending\"", RowOf(CasesOf(after.Body), Shared), StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(CasesOf(after.Body), $"data-notice=\"{Shared.Id.Value}\""));
        // fgw's own row of the same notice is fgw's case, still without an answer.
        Assert.Contains("data-status=\"open\"", RowOf(CasesOf(fgw.Body), Shared), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_ListsOverdueDemandsFirst_ThenByDueDate()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");

        var (cookies, before) = await Open(web, Reporter, "/units/fgw");
        web.Clock.AdvanceDays(12);
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。"); // a write: the pages are judged again, as of the new day
        var after = await web.GetWithCookies("/units/fgw", cookies);

        // Before: by due date (the explanation, due 2026-06-05, first). After: the rectification (due 2026-06-10) is overdue
        // without an answer and comes first; the explanation was answered in time and is not overdue.
        Assert.True(CasesOf(before.Body).IndexOf(Explanation.Id.Value, StringComparison.Ordinal) < CasesOf(before.Body).IndexOf(Rectification.Id.Value, StringComparison.Ordinal));
        Assert.True(CasesOf(after.Body).IndexOf(Rectification.Id.Value, StringComparison.Ordinal) < CasesOf(after.Body).IndexOf(Explanation.Id.Value, StringComparison.Ordinal));
        Assert.Contains("data-overdue=\"true\"", RowOf(CasesOf(after.Body), Rectification), StringComparison.Ordinal);
        Assert.DoesNotContain("已逾期", RowOf(CasesOf(after.Body), Explanation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_KeepsAnAcceptedCaseAWhile_MarkedAccepted_WithTheDecisionAsItsLatestStep_AndNoLinkToAnswer()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        await Decide(web, Office, $"{Explanation.Id.Value}:explanation", "accept");

        var (cookies, page) = await Open(web, Reporter, "/units/fgw");
        web.Clock.AdvanceDays(LoopPages.RecentlyDecidedDays + 1);
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。"); // a write: the pages are judged again, as of the new day
        var later = await web.GetWithCookies("/units/fgw", cookies);

        var row = RowOf(CasesOf(page.Body), Explanation);
        Assert.Contains("data-status=\"accepted\"", row, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-row-status\">已采纳<", row, StringComparison.Ordinal);
        Assert.Contains("采纳：", row, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-view-link\"", row, StringComparison.Ordinal);
        Assert.DoesNotContain(Explanation.Id.Value, CasesOf(later.Body), StringComparison.Ordinal);
        Assert.Contains(Rectification.Id.Value, CasesOf(later.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitPage_MarksACaseStillWithoutAnAnswerPastItsDueDate_AsOverdue_AndOneNotYetDue_AsNot()
    {
        await using var web = await Web();

        var (cookies, before) = await Open(web, Reporter, "/units/fgw");
        web.Clock.AdvanceDays(12);
        await RequestExemption(web, Reporter, "fgw", Task, "2026-05", "省级政策调整。"); // a write: the pages are judged again, as of the new day
        var after = await web.GetWithCookies("/units/fgw", cookies);

        // The explanation was due 2026-06-05, the rectification 2026-06-10: neither has an answer (待提交, and 已逾期 by the due date).
        Assert.DoesNotContain("已逾期", CasesOf(before.Body), StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(CasesOf(before.Body), "data-testid=\"case-row-status\">待提交<"));
        Assert.Equal(2, Regex.Count(CasesOf(after.Body), "<span class=\"light red\" data-testid=\"case-overdue\">已逾期</span>"));
        Assert.Equal(2, Regex.Count(CasesOf(after.Body), "data-testid=\"case-row-status\">待提交<"));
    }

    private static string RowOf(string table, EscalationEvent notice)
    {
        var start = table.IndexOf($"data-testid=\"case-row\" data-notice=\"{notice.Id.Value}\"", StringComparison.Ordinal);
        return start < 0 ? "" : table[start..table.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static string CasesOf(string body)
    {
        var start = body.IndexOf("data-testid=\"cases\"", StringComparison.Ordinal);
        return start < 0 ? "" : body[start..body.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    // ---- Evidence downloads --------------------------------------------------------------------------------------

    [Fact]
    public async Task Evidence_IsDownloadedByTheOfficeAndTheUnitsPeople_AsAnAttachment_AndRefusedToOthers()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容", ("情况说明.pdf", Samples.Pdf));
        var path = "/evidence/fgw/" + Sha(Samples.Pdf);

        var byReporter = await web.GetWithCookies(path, await web.SignIn(Reporter));
        var byPrincipal = await web.GetWithCookies(path, await web.SignIn("fgw-yang"));
        var byOffice = await web.GetWithCookies(path, await web.SignIn(Office));
        var byLeader = await web.GetWithCookies(path, await web.SignIn(Leader));
        var byOther = await web.GetWithCookies(path, await web.SignIn(OtherReporter));

        foreach (var ok in new[] { byReporter, byPrincipal, byOffice })
        {
            Assert.Equal(HttpStatusCode.OK, ok.Status);
            Assert.Equal("application/pdf", ok.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", ok.Response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", string.Join("", ok.Response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal(Samples.Pdf, await ok.Response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(HttpStatusCode.Forbidden, byLeader.Status);
        Assert.Equal(HttpStatusCode.Forbidden, byOther.Status);
        Assert.Contains("无权下载", byOther.Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// jtj's reporter answers fgw's notice that demands an answer of jtj too, with a file: it is linked under fgw (where the
    /// answer is stored) and downloaded by jtj's reporter who uploaded it, fgw's people and the office; not by a third unit.
    /// </summary>
    [Fact]
    public async Task Evidence_OfAnotherUnitsAnswerToTheTasksNotice_IsDownloadedByThatUnitTheTasksUnitAndTheOffice_Only()
    {
        await using var web = await WithLoop(SeedShared);
        var path = NoticePath(Shared);
        var (cookies, page) = await Open(web, OtherReporter, path);

        var post = await web.PostMultipart(path + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "交通局配合部分的情况说明。")],
            [("配合说明.pdf", Samples.Pdf)], cookies);
        var after = await web.GetWithCookies(path, cookies);
        var link = Regex.Match(after.Body, "href=\"(/evidence/[^\"]+)\"").Groups[1].Value;

        var byUploader = await web.GetWithCookies(link, cookies);
        var byTasksUnit = await web.GetWithCookies(link, await web.SignIn(Reporter));
        var byOffice = await web.GetWithCookies(link, await web.SignIn(Office));
        var byThirdUnit = await web.GetWithCookies(link, await web.SignIn("zjj-zheng"));

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.Equal("/evidence/fgw/" + Sha(Samples.Pdf), link);
        foreach (var ok in new[] { byUploader, byTasksUnit, byOffice })
        {
            Assert.Equal(HttpStatusCode.OK, ok.Status);
            Assert.Equal(Samples.Pdf, await ok.Response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(HttpStatusCode.Forbidden, byThirdUnit.Status);
        Assert.Contains("无权下载", byThirdUnit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_Answers404_ForAnUnknownHash_AHashOfNoRecordOfTheUnit_AndAnUnknownUnit()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容", ("情况说明.pdf", Samples.Pdf));
        var png = Sha(Samples.Png);
        await web.Evidence!.Save(new EvidenceFile("照片.png", png, Samples.Png.Length, "image/png"), new MemoryStream(Samples.Png));
        var office = await web.SignIn(Office);

        var unknown = await web.GetWithCookies("/evidence/fgw/" + new string('0', 64), office);
        var unattached = await web.GetWithCookies("/evidence/fgw/" + png, office);
        var otherUnit = await web.GetWithCookies("/evidence/jtj/" + Sha(Samples.Pdf), office);
        var notAHash = await web.GetWithCookies("/evidence/fgw/..%2F..%2Fstore", office);
        var noUnit = await web.GetWithCookies("/evidence/nounit/" + Sha(Samples.Pdf), office);

        Assert.All(new[] { unknown, unattached, otherUnit, notAHash, noUnit }, a => Assert.Equal(HttpStatusCode.NotFound, a.Status));
        Assert.Contains("没有这份材料", unattached.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_IsNeverServedWithAnExecutableContentType_WhateverItWasStoredWith()
    {
        await using var web = await Web();
        var html = Samples.Html;
        var file = new EvidenceFile("照片.html", Sha(html), html.Length, "text/html");
        await web.Evidence!.Save(file, new MemoryStream(html));
        var result = await web.Loop!.SubmitAnswer(new PersonId(Reporter), new UnitId("fgw"), Explanation.Id.Value, "explanation", "说明", [file]);
        Assert.True(result.Ok, result.Refusal?.Message);

        var download = await web.GetWithCookies("/evidence/fgw/" + file.Hash, await web.SignIn(Office));

        Assert.Equal(HttpStatusCode.OK, download.Status);
        Assert.Equal("application/octet-stream", download.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", string.Join("", download.Response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerAddress_LeadsToItsNotice_ForTheUnitAndTheOffice_And403Or404Otherwise()
    {
        await using var web = await Web();
        await SubmitAnswer(web, Explanation, "explanation", "说明内容");
        var path = "/answers/fgw/" + Uri.EscapeDataString(Assert.Single(await Answers(web)).Key);

        var office = await web.GetWithCookies(path, await web.SignIn(Office));
        var other = await web.GetWithCookies(path, await web.SignIn(OtherReporter));
        var unknown = await web.GetWithCookies("/answers/fgw/no-such-answer", await web.SignIn(Reporter));

        Assert.Equal(HttpStatusCode.SeeOther, office.Status);
        Assert.Equal(NoticePath(Explanation) + "#answers", office.Response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("没有这份答复", unknown.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithoutServiceBus_AnswersTheLoopsFormsWith503InChinese_AndTheNoticePageStillShows()
    {
        await using var web = await Serve(NoticeSignTests.Seed);
        var reporter = PrincipalOf("LIULIHUA@fgw.partner.example");
        var page = await web.Get(NoticePath(Explanation), reporter);
        using var content = new MultipartFormDataContent { { new StringContent(page.Token), "__csrf" }, { new StringContent("explanation"), "kind" }, { new StringContent("说明"), "text" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(NoticePath(Explanation) + "/answer", UriKind.Relative)) { Content = content };
        request.Headers.Add("Cookie", CookiesOf(page));
        request.Headers.Add(Escalation.Functions.Web.AppServicePrincipalSource.PrincipalHeader, reporter);

        var post = await web.Send(request);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-testid=\"loop-unavailable\"", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.Status);
        Assert.Contains("答复功能暂不可用", post.Body, StringComparison.Ordinal);
    }
}
