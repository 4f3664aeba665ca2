using System.Net;
using Escalation.Domain.Catalog;
using Escalation.Functions.Storage;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The task page and its report form, as <c>serve</c> answers them, on Monday 2026-06-01 over the samples: fgw-2026-01
/// (fgw, owner fgw-liu) has reported 48% that day (Seq 1). fgw-liu is fgw's reporter, dcs-office the office, city-wang
/// leadership; jtj-2026-01 is another unit's task.
/// </summary>
public sealed class TaskPageTests
{
    private const string Task = "/tasks/fgw/fgw-2026-01";
    private const string Report = Task + "/progress";
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");
    private static readonly string Leader = PrincipalOf("王建国", "WangJianGuo@szf.gov.example");
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");

    [Fact]
    public async Task TaskPage_ShowsTheTaskTimelineHistoryDemandsAndPreview_ToTheUnitsReporter()
    {
        await using var web = await Serve();

        var page = await web.Get(Task, FgwReporter);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-testid=\"task-title\" data-task=\"fgw-2026-01\" data-unit=\"fgw\">优化营商环境攻坚行动</h1>", page.Body, StringComparison.Ordinal);
        Assert.Contains("刘丽华（fgw-liu）", page.Body, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"timeline\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"planned-value\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"progress-row\" data-on=\"2026-06-01\" data-seq=\"1\" data-progress=\"48\"", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-on=\"2026-06-10\"", page.Body, StringComparison.Ordinal); // later rows are not history yet
        Assert.Contains("data-testid=\"progress-form\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"seq\" value=\"2\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("个工作日的督办预览", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"preview-note\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskPage_ListsTheComingReminders_WithLevelReasonAndRecipients()
    {
        await using var web = await Serve();
        var board = await web.Get("/board?kind=task&light=red", Office);
        var red = board.Rows.First(r => r.Kind == "task");

        var page = await web.Get($"/tasks/{red.Unit}/{red.Id}", Office);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("data-testid=\"preview-event\"", page.Body, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"preview-event\" data-level=\"(reminder|notice|summons|accountability)\"", page.Body);
        Assert.Contains("送达：", page.Body, StringComparison.Ordinal);
        Assert.Contains("（规则 R", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_WritesNothing_ToTheLog()
    {
        await using var web = await Serve();
        var before = await Count(web, "escalationlog");

        await web.Get(Task, Office);

        Assert.Equal(before, await Count(web, "escalationlog"));
    }

    [Fact]
    public async Task BoardRows_AndUnitPageItems_LinkToTheTaskPage()
    {
        await using var web = await Serve();

        var board = await web.Get("/board?unit=fgw", Office);
        var unit = await web.Get("/units/fgw", FgwReporter);

        Assert.Contains($"data-testid=\"task-link\" href=\"{Task}\"", board.Body, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"task-link\" href=\"{Task}\"", unit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskPage_ForTheLeader_HasNoReportForm()
    {
        await using var web = await Serve();

        var page = await web.Get(Task, Leader);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("data-testid=\"progress-form\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"progress-form-none\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskPage_Answers403WithNoneOfItsData_ToAnotherUnitsReporter()
    {
        await using var web = await Serve();

        var page = await web.Get("/tasks/jtj/jtj-2026-01", FgwReporter);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("无权查看", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("地铁3号线", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/tasks/nosuchunit/fgw-2026-01", "没有这个单位")]
    [InlineData("/tasks/fgw/no-such-task", "没有这个任务")]
    [InlineData("/tasks/fgw/jtj-2026-01", "没有这个任务")]
    public async Task TaskPage_Answers404InChinese_ForAnUnknownUnitOrTask(string path, string heading)
    {
        await using var web = await Serve();

        var page = await web.Get(path, Office);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains(heading, page.Body, StringComparison.Ordinal);
        Assert.Contains("lang=\"zh-CN\"", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskPage_Answers401_WhenSignedOut()
    {
        await using var web = await Serve();

        var page = await web.Get(Task);
        var post = await web.PostForm(Report, [new("progress", "50")]);

        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, post.Status);
        Assert.DoesNotContain("优化营商环境", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WritesOneRowForToday_AndShowsItOnThePage()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);

        var post = await web.PostForm(Report, Form(page, "50", "完成首批事项清单"), CookiesOf(page), FgwReporter);
        var after = await web.Get(Task, FgwReporter);

        Assert.Equal(HttpStatusCode.SeeOther, post.Status);
        Assert.Equal(Task + "#history", post.Response.Headers.Location?.OriginalString);
        var row = Assert.Single(await Reports(web), r => r.ReportedOn == "2026-06-01" && r.SeqOrDefault == "02");
        Assert.Equal(("50", "完成首批事项清单", "fgw-liu"), (row.Progress, row.Note, row.ReportedBy));
        Assert.Contains("data-on=\"2026-06-01\" data-seq=\"2\" data-progress=\"50\"", after.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"reported-value\">50%", after.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"seq\" value=\"3\"", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_TheSameFormPostedTwice_WritesOnce()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, Office);
        var before = (await Reports(web)).Count;

        var first = await web.PostForm(Report, Form(page, "52", ""), CookiesOf(page), Office);
        var second = await web.PostForm(Report, Form(page, "52", ""), CookiesOf(page), Office);

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (first.Status, second.Status));
        Assert.Equal(before + 1, (await Reports(web)).Count);
        Assert.Equal("dcs-office", Assert.Single(await Reports(web), r => r.ReportedOn == "2026-06-01" && r.SeqOrDefault == "02").ReportedBy);
    }

    [Fact]
    public async Task Report_TwoFormsOfTheSameDay_WriteTwoRows()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);

        await web.PostForm(Report, Form(page, "50", ""), CookiesOf(page), FgwReporter);
        var again = await web.Get(Task, FgwReporter);
        await web.PostForm(Report, Form(again, "51", ""), CookiesOf(again), FgwReporter);

        Assert.Equal(["48", "50", "51"], (await Reports(web)).Where(r => r.ReportedOn == "2026-06-01").Select(r => r.Progress));
    }

    [Fact]
    public async Task Report_GoingDownWithoutNote_IsRefusedWithTheTablesMessage_AndWithANoteAccepted()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);
        var before = (await Reports(web)).Count;

        var refused = await web.PostForm(Report, Form(page, "40", "  "), CookiesOf(page), FgwReporter);
        var countAfterRefusal = (await Reports(web)).Count;
        var accepted = await web.PostForm(Report, Form(page, "40", "剔除未验收部分，口径调整"), CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("完成进度低于此前报送的 48（2026-06-01），且未填写说明。请在「说明」中说明进度下降的原因，或改正进度。", refused.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"progress-error\"", refused.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"progress-value\" value=\"40\"", refused.Body, StringComparison.Ordinal);
        Assert.Equal(before, countAfterRefusal);
        Assert.Equal(HttpStatusCode.SeeOther, accepted.Status);
        Assert.Equal(before + 1, (await Reports(web)).Count);
    }

    [Theory]
    [InlineData("abc", "应为 0 到 100 之间的数字")]
    [InlineData("101", "应为 0 到 100 之间的数字")]
    [InlineData("-1", "应为 0 到 100 之间的数字")]
    [InlineData("", "此项必填")]
    public async Task Report_ValueNotAPercentage_IsRefusedInChinese_AndNothingWritten(string value, string reason)
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);
        var before = (await Reports(web)).Count;

        var post = await web.PostForm(Report, Form(page, value, "说明"), CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains("完成进度：", post.Body, StringComparison.Ordinal);
        Assert.Contains(reason, post.Body, StringComparison.Ordinal);
        Assert.Equal(before, (await Reports(web)).Count);
    }

    [Fact]
    public async Task Report_NoteTooLong_IsRefused()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);

        var post = await web.PostForm(Report, Form(page, "60", new string('很', 501)), CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains("说明最多 500 字", post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WithoutAntiforgeryToken_Answers400_AndWritesNothing()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);
        var before = (await Reports(web)).Count;

        var noToken = await web.PostForm(Report, [new("progress", "60"), new("on", "2026-06-01"), new("seq", "2")], CookiesOf(page), FgwReporter);
        var wrongToken = await web.PostForm(Report, [new("__csrf", "forged"), new("progress", "60"), new("on", "2026-06-01"), new("seq", "2")], CookiesOf(page), FgwReporter);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (noToken.Status, wrongToken.Status));
        Assert.Contains("表单已失效", noToken.Body, StringComparison.Ordinal);
        Assert.Equal(before, (await Reports(web)).Count);
    }

    [Theory]
    [InlineData(null, "2")]
    [InlineData("2026-06-01", null)]
    [InlineData("not a date", "2")]
    [InlineData("2026-06-01", "0")]
    [InlineData("2026-06-01", "100")]
    public async Task Report_WithoutTheFormsDateOrNumber_Answers400(string? on, string? seq)
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);
        var fields = new List<KeyValuePair<string, string>> { new("__csrf", page.Token), new("progress", "60") };
        if (on is not null)
        {
            fields.Add(new("on", on));
        }

        if (seq is not null)
        {
            fields.Add(new("seq", seq));
        }

        var post = await web.PostForm(Report, fields, CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.BadRequest, post.Status);
        Assert.Contains("表单无效", post.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ByTheLeader_Answers403_AndWritesNothing()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, Leader);
        var before = (await Reports(web)).Count;

        var post = await web.PostForm(Report, [new("__csrf", page.Token), new("progress", "60"), new("on", "2026-06-01"), new("seq", "2")], CookiesOf(page), Leader);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("无权报送", post.Body, StringComparison.Ordinal);
        Assert.Equal(before, (await Reports(web)).Count);
    }

    [Fact]
    public async Task Report_ForAnotherUnitsTask_Answers403_AndWritesNothing()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, FgwReporter);

        var post = await web.PostForm("/tasks/jtj/jtj-2026-01/progress", Form(page, "60", ""), CookiesOf(page), FgwReporter);

        Assert.Equal(HttpStatusCode.Forbidden, post.Status);
        Assert.Contains("无权查看", post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(await Reports(web, "jtj", "jtj-2026-01"), r => r.ReportedBy == "fgw-liu");
    }

    [Fact]
    public async Task Report_ForAnUnknownTask_Answers404()
    {
        await using var web = await Serve();
        var page = await web.Get(Task, Office);

        var post = await web.PostForm("/tasks/fgw/no-such-task/progress", Form(page, "60", ""), CookiesOf(page), Office);

        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Contains("没有这个任务", post.Body, StringComparison.Ordinal);
    }

    /// <summary>The report form's fields as the page rendered them, with the values typed.</summary>
    private static List<KeyValuePair<string, string>> Form(Answer page, string progress, string note)
    {
        string Hidden(string name) => System.Text.RegularExpressions.Regex.Match(page.Body, $"name=\"{name}\" value=\"(?<v>[^\"]*)\"").Groups["v"].Value;
        return [new("__csrf", page.Token), new("on", Hidden("on")), new("seq", Hidden("seq")), new("progress", progress), new("note", note)];
    }

    private static async Task<List<ProgressRow>> Reports(WebHarness web, string unit = "fgw", string task = "fgw-2026-01")
    {
        var table = await web.Tables.Table(ProgressRow.Table);
        var rows = new List<ProgressRow>();
        await foreach (var entity in table.Query(EntityQuery.Prefix(unit, task + ":")))
        {
            rows.Add(AdminTables.Progress.FromEntity(entity));
        }

        return rows;
    }

    private static async Task<int> Count(WebHarness web, string name)
    {
        var table = await web.Tables.Table(name);
        var n = 0;
        await foreach (var _ in table.Query(EntityQuery.WholeTable(["RowKey"])))
        {
            n++;
        }

        return n;
    }
}
