using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using Microsoft.Playwright;
using NodaTime;
using static Escalation.Web.Tests.SampleCityBrowserTests;

namespace Escalation.Web.Tests;

/// <summary>
/// The closed loop (闭环) in a real browser, over the sample city as <c>simulate</c> left it on 2026-04-09
/// (<see cref="ClosedLoopBrowserTests.City"/>): on 2026-04-01 R3 put 市交通运输局's 城区交通拥堵综合治理 (jtj-2026-04) and
/// 市卫生健康委's 紧密型城市医疗集团建设 (wjw-2026-04) under 限期整改 (rectification due 2026-04-15). Each test serves its own
/// copy of that store with <c>web --at 2026-04-09</c> (the tests write answers, decisions and requests), its local outbox
/// in a folder of its own. A unit's reporter answers on the notice page (with and without evidence), the office decides
/// there (采纳 / 退回 / 虚假整改), an approved exemption request keeps its period out of the next evaluation, a reporter
/// of another unit and a form without its antiforgery token are refused with nothing written.
/// </summary>
public sealed class ClosedLoopBrowserTests(BrowserFixture browser, ClosedLoopBrowserTests.City city) : IClassFixture<BrowserFixture>, IClassFixture<ClosedLoopBrowserTests.City>
{
    private const string Office = "dcs-office";
    private const string JtjReporter = "jtj-cao";

    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>A small valid PDF (one empty page): what a unit would attach as its rectification report.</summary>
    private static readonly byte[] Pdf = MinimalPdf();

    [BrowserFact]
    public async Task Rectification_WithEvidence_IsPendingWithItsFileAndHash_AndTheOfficeDownloadsTheFile()
    {
        await using var web = await city.Serve();
        var notice = city.JtjRectification;
        await using var office = await SignedIn(web, Office);
        var before = await PendingCount(office.Page);

        await using (var reporter = await SignedIn(web, JtjReporter))
        {
            var page = reporter.Page;
            await page.GotoAsync(web.Url("/notices/" + notice).ToString());
            await page.Locator("[data-testid=answer-form]").WaitForAsync();
            await page.FillAsync("[data-testid=answer-text]", "已完成 12 个拥堵点位的渠化改造，附整改报告。");
            await page.SetInputFilesAsync("[data-testid=answer-files]", new FilePayload { Name = "整改报告.pdf", MimeType = "application/pdf", Buffer = Pdf });
            await page.ClickAsync("[data-testid=answer-submit]");
            await Arrived(page, new Regex("/notices/" + notice + "#answers$"), "[data-testid=case-note]");

            Assert.Equal("待审核", await page.InnerTextAsync("[data-testid=case-status]"));
            Assert.Equal("整改报告.pdf", await page.InnerTextAsync("[data-testid=answer] [data-testid=evidence-link]"));
            Assert.Equal("SHA-256 " + Sha256(Pdf), (await page.InnerTextAsync("[data-testid=answer] [data-testid=evidence-sha256]")).Trim());
            // Pending: the form stays, under a note that a new answer replaces the pending one.
            Assert.Equal("已有答复待督查室审核。如需补充材料，可再次提交，新提交的答复将取代待审核的答复。", await page.InnerTextAsync("[data-testid=answer-pending-note]"));
            Assert.Equal(1, await page.Locator("[data-testid=answer-form]").CountAsync());
        }

        var officePage = office.Page;
        await officePage.GotoAsync(web.Url("/office").ToString());
        await officePage.Locator("[data-testid=office-title]").WaitForAsync();
        Assert.Equal(before + 1, await PendingCount(officePage));
        await officePage.ClickAsync($"[data-testid=pending-answer][data-key='{notice}:rectification'] [data-testid=pending-answer-link]");
        await Arrived(officePage, new Regex("/notices/" + notice + "#answers$"), "[data-testid=evidence-link]");
        Assert.Equal(1, await officePage.Locator("[data-testid=decide-accept]").CountAsync());
        var href = await officePage.GetAttributeAsync("[data-testid=evidence-link]", "href");
        Assert.Equal("/evidence/jtj/" + Sha256(Pdf), href);

        var download = await office.Context.APIRequest.GetAsync(web.Url(href!).ToString(), new() { MaxRedirects = 0 });

        Assert.Equal(200, download.Status);
        Assert.StartsWith("attachment", download.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''" + Uri.EscapeDataString("整改报告.pdf"), download.Headers["content-disposition"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("application/pdf", download.Headers["content-type"]);
        Assert.Equal("nosniff", download.Headers["x-content-type-options"]);
        Assert.Equal(Pdf, await download.BodyAsync());
    }

    [BrowserFact]
    public async Task Rectification_WithoutEvidence_CannotBeAccepted_EvenByACraftedPost_AndIsRejectedWithAReason_TheCaseStayingOpen()
    {
        await using var web = await city.Serve();
        var notice = city.JtjRectification;
        await using var reporter = await SignedIn(web, JtjReporter);
        await Answer(web, reporter.Page, notice, "整改已完成。", withPdf: false);
        Assert.Equal("待审核", await reporter.Page.InnerTextAsync("[data-testid=case-status]"));
        Assert.Equal(0, await reporter.Page.Locator("[data-testid=answer] [data-testid=evidence-link]").CountAsync());

        await using var office = await SignedIn(web, Office);
        var page = office.Page;
        await page.GotoAsync(web.Url("/notices/" + notice).ToString());
        await page.Locator("[data-testid=reject-form]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=decide-accept]").CountAsync());
        Assert.Contains("整改报告未附佐证材料，不能采纳", await page.InnerTextAsync("[data-testid=accept-unavailable]"), StringComparison.Ordinal);

        // An accept posted anyway, with the page's own valid token, to the action of the case's reject form.
        var action = await page.GetAttributeAsync("[data-testid=reject-form]", "action");
        var token = await page.GetAttributeAsync("[data-testid=reject-form] input[name=__csrf]", "value");
        var accept = office.Context.APIRequest.CreateFormData();
        accept.Set("__csrf", token!);
        accept.Set("decision", "accept");
        var crafted = await office.Context.APIRequest.PostAsync(web.Url(action!).ToString(), new() { Form = accept, MaxRedirects = 0 });

        Assert.Equal(409, crafted.Status);
        Assert.Contains("整改报告未附佐证材料，不能采纳（销号）。请选择「退回」", await crafted.TextAsync(), StringComparison.Ordinal);
        await page.ReloadAsync();
        await page.Locator("[data-testid=reject-form]").WaitForAsync();
        Assert.Equal("待审核", await page.InnerTextAsync("[data-testid=case-status]"));
        Assert.Equal(0, await page.Locator("[data-testid=decision]").CountAsync());

        // Rejected with a reason: 已退回, and the unit may submit again.
        await page.FillAsync("[data-testid=reject-reason]", "未附佐证材料，请补充整改报告和现场照片后重新提交。");
        await page.ClickAsync("[data-testid=decide-reject]");
        await Arrived(page, new Regex("/notices/" + notice + "#answers$"), "[data-testid=decision][data-decision=reject]");
        Assert.Equal("已退回", await page.InnerTextAsync("[data-testid=case-status]"));
        Assert.Contains("理由：未附佐证材料，请补充整改报告和现场照片后重新提交。", await page.InnerTextAsync("[data-testid=decision]"), StringComparison.Ordinal);

        var own = reporter.Page;
        await own.GotoAsync(web.Url("/units/jtj").ToString());
        await own.Locator($"[data-testid=case-row][data-notice={notice}]").WaitForAsync();
        Assert.Equal("rejected", await own.GetAttributeAsync($"[data-testid=case-row][data-notice={notice}]", "data-status"));
        // The unit page's one table 待办要求与答复: one row for the demand, with its status, the latest step and the link to answer again.
        var row = own.Locator($"[data-testid=case-row][data-notice={notice}]");
        Assert.Equal(1, await row.CountAsync());
        Assert.Equal(0, await own.Locator("[data-testid=demands]").CountAsync());
        Assert.Equal("已退回", await row.Locator("[data-testid=case-row-status]").InnerTextAsync());
        Assert.StartsWith("退回：", await row.Locator("[data-testid=case-latest]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("去答复", await row.Locator("[data-testid=case-answer-link]").InnerTextAsync());
        Assert.Equal("/notices/" + notice, await row.Locator("[data-testid=case-notice-link]").GetAttributeAsync("href"));
        await own.GotoAsync(web.Url("/notices/" + notice).ToString());
        await own.Locator("[data-testid=answer-form]").WaitForAsync();
        Assert.Equal("已退回", await own.InnerTextAsync("[data-testid=case-status]"));
    }

    [BrowserFact]
    public async Task Rectification_AcceptedCloses_ThenReopenedAsFalse_RaisesExactlyOneAccountabilityRecommendation_NotToTheUnit()
    {
        var web = await city.Serve();
        await using var _ = web;
        var notice = city.JtjRectification;
        await using (var reporter = await SignedIn(web, JtjReporter))
        {
            await Answer(web, reporter.Page, notice, "已完成 12 个拥堵点位的渠化改造，附整改报告。", withPdf: true);
        }

        await using (var office = await SignedIn(web, Office))
        {
            var page = office.Page;
            await page.GotoAsync(web.Url("/notices/" + notice).ToString());
            await page.ClickAsync("[data-testid=decide-accept]");
            await Arrived(page, new Regex("/notices/" + notice + "#answers$"), "[data-testid=reopen-form]");
            Assert.Equal("已销号", await page.InnerTextAsync("[data-testid=case-status]"));

            await page.FillAsync("[data-testid=reopen-reason]", "4 月 20 日暗访发现 12 个点位中有 5 个未改造，整改报告与实际不符。");
            await page.ClickAsync("[data-testid=decide-reopen]");
            await Arrived(page, new Regex("/notices/" + notice + "#answers$"), "[data-testid=decision][data-decision=reopen]");
            Assert.Equal("已重新打开", await page.InnerTextAsync("[data-testid=case-status]"));
            Assert.Equal(0, await page.Locator("[data-testid=reopen-form]").CountAsync());
        }

        // The web has ended (it holds the store): the log, and the local outbox it delivered to.
        await web.Stop();
        var tables = SqliteTables.Open(web.Store, new FixedClock(Instant.FromUtc(2026, 4, 9, 4, 0)));
        var units = await People(tables);
        var logged = new List<LogEntry>();
        await foreach (var entry in new EscalationLog(tables).OfUnit(new UnitId("jtj")))
        {
            logged.Add(entry);
        }

        var recommendation = Assert.Single(logged, e => e.Event.Rule.Value == "R14");
        Assert.Equal((EventLevel.Accountability, EventKind.FalseRectification), (recommendation.Event.Level, recommendation.Event.Kind));
        Assert.StartsWith("false:" + notice + ":rectification", recommendation.Event.Occurrence, StringComparison.Ordinal);
        Assert.Contains(recommendation.Event.Recipients, r => r.Role == RecipientRole.SupervisionOffice && r.Person.Value == Office);
        Assert.All(recommendation.Event.Recipients, r => Assert.True(
            r.Role is RecipientRole.SupervisionOffice or RecipientRole.LeadOfficial && units.GetValueOrDefault(r.Person.Value) != "jtj",
            $"{r.Person} ({r.Role}) received the accountability recommendation about jtj"));

        var emails = Emails(web.Outbox).ToList();
        var recommended = emails.Where(m => m.Text.Contains("本件为问责建议", StringComparison.Ordinal)).ToList();
        Assert.True(recommended.Exists(m => m.To == Office), "no recommendation to the office in the outbox:\n" + string.Join("\n----\n", emails.Select(m => m.To + ": " + m.Text)));
        Assert.Contains(emails, m => m.To == JtjReporter && m.Text.Contains("已重新打开", StringComparison.Ordinal)); // the unit is told of the decision
        Assert.Equal(recommended.Count, recommended.Select(m => m.To).Distinct().Count()); // one email each
        Assert.All(recommended, m => Assert.NotEqual("jtj", units.GetValueOrDefault(m.To)));
        Assert.All(recommended, m => Assert.Contains(m.To, recommendation.Event.Recipients.Select(r => r.Person.Value)));
    }

    [BrowserFact]
    public async Task ExemptionRequest_Approved_KeepsThePeriodOutOfTheNextEvaluation()
    {
        var web = await city.Serve();
        await using var _ = web;
        const string Exempted = "jtj-2026-05";
        const string Control = "jtj-2026-06";
        string key;
        await using (var reporter = await SignedIn(web, "jtj-luo"))
        {
            var page = reporter.Page;
            await page.GotoAsync(web.Url($"/tasks/jtj/{Exempted}").ToString());
            await page.Locator("[data-testid=exemption-form]").WaitForAsync();
            await page.FillAsync("[data-testid=exemption-period]", "2026-04");
            await page.FillAsync("[data-testid=exemption-reason]", "4 月公交车辆采购因省级集中招标延期，线路无法按期开通，属客观原因。");
            await page.ClickAsync("[data-testid=exemption-submit]");
            await Arrived(page, new Regex($"/tasks/jtj/{Exempted}#exemptions$"), "tr[data-testid=request][data-status=pending]");
            key = (await page.GetAttributeAsync("tr[data-testid=request]", "data-key"))!;
            Assert.Equal($"{Exempted}:2026-04@1", key);
        }

        await using (var office = await SignedIn(web, Office))
        {
            var page = office.Page;
            await page.GotoAsync(web.Url("/office").ToString());
            await page.ClickAsync($"tr[data-testid=pending-request][data-key='{key}'] [data-testid=pending-request-link]");
            await Arrived(page, new Regex($"/tasks/jtj/{Exempted}#exemptions$"), "[data-testid=decide-approve]");
            await page.ClickAsync("[data-testid=decide-approve]");
            await Arrived(page, new Regex($"/tasks/jtj/{Exempted}#exemptions$"), "tr[data-testid=request][data-status=approved]");
            Assert.Equal(0, await page.Locator("[data-testid=decide-approve]").CountAsync());
        }

        await web.Stop();

        // The approval wrote the exemptions row (Cause 客观, Request = the request's key) the evaluator reads.
        var first = new FixedClock(new LocalDateTime(2026, 5, 1, 8, 30).InZoneLeniently(Zone).ToInstant());
        var tables = SqliteTables.Open(web.Store, first);
        var exemptions = await tables.Table(AdminTables.Exemptions.Schema.Name);
        var rows = new List<Escalation.Domain.Catalog.ExemptionRow>();
        await foreach (var entity in exemptions.Query(EntityQuery.Partition("jtj")))
        {
            rows.Add(AdminTables.Exemptions.FromEntity(entity));
        }

        var row = Assert.Single(rows, r => r.Task == Exempted && r.Period == "2026-04");
        Assert.Equal(("客观", key, Office), (row.Cause, row.Request, row.ApprovedBy));

        // The first evaluation after April: the exempted task raises no lag event for 2026-04; the control task does.
        var read = new DailyRead(tables, first, Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        var assessed = await read.Assess(configuration, new UnitId("jtj"), new LocalDate(2026, 5, 1));
        var april = assessed.Result.Events.Where(e => e.Kind == EventKind.Lagging && e.Occurrence == "lag:2026-04").ToList();

        Assert.Contains(april, e => e.Item.Value == Control);
        Assert.DoesNotContain(april, e => e.Item.Value == Exempted);
    }

    [BrowserFact]
    public async Task Reporter_OfAnotherUnit_GetsForbidden_OnTheNoticeAndItsAnswerRoute_WithNoneOfItsData_AndNothingWritten()
    {
        await using var web = await city.Serve();
        var theirs = city.WjwRectification;
        await using var office = await SignedIn(web, Office);
        var before = await PendingCount(office.Page);
        await using var jtj = await SignedIn(web, JtjReporter);
        var page = jtj.Page;

        // A valid token of jtj-cao's own answer form, so that only the unit check can refuse.
        await page.GotoAsync(web.Url("/notices/" + city.JtjRectification).ToString());
        await page.Locator("[data-testid=answer-form]").WaitForAsync();
        var token = await page.GetAttributeAsync("[data-testid=answer-form] input[name=__csrf]", "value");

        var opened = await page.GotoAsync(web.Url("/notices/" + theirs).ToString());
        var openedContent = await page.ContentAsync();
        var form = jtj.Context.APIRequest.CreateFormData();
        form.Set("__csrf", token!);
        form.Set("kind", "rectification");
        form.Set("text", "代为提交的整改报告");
        form.Set("files", new FilePayload { Name = "整改报告.pdf", MimeType = "application/pdf", Buffer = Pdf });
        var posted = await jtj.Context.APIRequest.PostAsync(web.Url($"/notices/{theirs}/answer").ToString(), new() { Multipart = form, MaxRedirects = 0 });
        var postedContent = await posted.TextAsync();

        Assert.Equal(403, opened!.Status);
        Assert.Equal(403, posted.Status);
        foreach (var content in new[] { openedContent, postedContent })
        {
            Assert.Contains("无权", content, StringComparison.Ordinal);
            Assert.DoesNotContain("紧密型城市医疗集团建设", content, StringComparison.Ordinal);
            Assert.DoesNotContain("wjw-2026-04", content, StringComparison.Ordinal);
            Assert.DoesNotContain("市卫生健康委", content, StringComparison.Ordinal);
            Assert.DoesNotContain("吕玉兰", content, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"answer-form\"", content, StringComparison.Ordinal);
        }

        // Nothing was written: wjw's case has no answer, and nothing waits for the office.
        await office.Page.GotoAsync(web.Url("/office").ToString());
        await office.Page.Locator("[data-testid=office-title]").WaitForAsync();
        Assert.Equal(before, await PendingCount(office.Page));
        Assert.Equal(0, await office.Page.Locator($"[data-testid=pending-answer-link][href^='/notices/{theirs}']").CountAsync());
        await office.Page.GotoAsync(web.Url("/notices/" + theirs).ToString());
        await office.Page.Locator("[data-testid=case]").WaitForAsync();
        Assert.Equal(1, await office.Page.Locator("[data-testid=history-none]").CountAsync());
        Assert.DoesNotContain("代为提交的整改报告", await office.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(web.Store, "evidence")) && Directory.EnumerateFiles(Path.Combine(web.Store, "evidence"), "*", SearchOption.AllDirectories).Any(),
            "the refused post stored its file");
    }

    [BrowserFact]
    public async Task AnswerForm_WithoutItsAntiforgeryToken_IsRefusedWith400_AndNothingIsWritten()
    {
        await using var web = await city.Serve();
        var notice = city.JtjRectification;
        await using var reporter = await SignedIn(web, JtjReporter);
        var page = reporter.Page;
        await page.GotoAsync(web.Url("/notices/" + notice).ToString());
        await page.Locator("[data-testid=answer-form]").WaitForAsync();

        // The browser's own form, its hidden token removed before submitting.
        await page.FillAsync("[data-testid=answer-text]", "没有令牌的整改报告");
        await page.SetInputFilesAsync("[data-testid=answer-files]", new FilePayload { Name = "整改报告.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await page.EvaluateAsync("() => document.querySelector('[data-testid=answer-form] input[name=__csrf]').remove()");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("[data-testid=answer-submit]"), r => r.Url.EndsWith("/answer", StringComparison.Ordinal) && r.Request.Method == "POST");
        await Arrived(page, new Regex($"/notices/{notice}/answer$"), "h1");
        Assert.Equal(400, refused.Status);
        Assert.Contains("表单已失效", await page.InnerTextAsync("body"), StringComparison.Ordinal);

        // A raw post with the session's cookies and no token at all.
        var raw = reporter.Context.APIRequest.CreateFormData();
        raw.Set("kind", "rectification");
        raw.Set("text", "没有令牌的整改报告");
        var rawPost = await reporter.Context.APIRequest.PostAsync(web.Url($"/notices/{notice}/answer").ToString(), new() { Multipart = raw, MaxRedirects = 0 });
        Assert.Equal(400, rawPost.Status);
        Assert.Contains("表单已失效", await rawPost.TextAsync(), StringComparison.Ordinal);

        // Nothing written: no answer, no file, the form still offered.
        await page.GotoAsync(web.Url("/notices/" + notice).ToString());
        await page.Locator("[data-testid=answer-form]").WaitForAsync();
        Assert.Equal(1, await page.Locator("[data-testid=history-none]").CountAsync());
        Assert.DoesNotContain("没有令牌的整改报告", await page.InnerTextAsync("[data-testid=case]"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(web.Store, "evidence")) && Directory.EnumerateFiles(Path.Combine(web.Store, "evidence"), "*", SearchOption.AllDirectories).Any(),
            "the refused post stored its file");
    }

    /// <summary>Submits an answer to <paramref name="notice"/> on its page (text, and a PDF when asked) and waits for 待审核.</summary>
    private static async Task Answer(Served web, IPage page, string notice, string text, bool withPdf)
    {
        await page.GotoAsync(web.Url("/notices/" + notice).ToString());
        await page.Locator("[data-testid=answer-form]").WaitForAsync();
        await page.FillAsync("[data-testid=answer-text]", text);
        if (withPdf)
        {
            await page.SetInputFilesAsync("[data-testid=answer-files]", new FilePayload { Name = "整改报告.pdf", MimeType = "application/pdf", Buffer = Pdf });
        }

        await page.ClickAsync("[data-testid=answer-submit]");
        await Arrived(page, new Regex("/notices/" + notice + "#answers$"), "[data-testid=case-note]");
    }

    /// <summary>A new context signed in through the development sign-in page as <paramref name="person"/>, on the board.</summary>
    private async Task<SignedInContext> SignedIn(Served web, string person)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, Locale = "zh-CN" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(web.Url("/signin").ToString());
        await page.SelectOptionAsync("[data-testid=signin-person]", person);
        await page.ClickAsync("[data-testid=signin-submit]");
        await page.Locator("[data-testid=board-title]").WaitForAsync();
        return new SignedInContext(context, page);
    }

    /// <summary>The office's count of answers and requests waiting for it, in the page's header (none shown: 0).</summary>
    private static async Task<int> PendingCount(IPage page)
    {
        var count = page.Locator("[data-testid=pending-count]");
        return await count.CountAsync() == 0 ? 0 : int.Parse(await count.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Each person's unit (people.Unit), as the store holds them.</summary>
    private static async Task<Dictionary<string, string?>> People(SqliteTables tables)
    {
        var people = new Dictionary<string, string?>(StringComparer.Ordinal);
        var table = await tables.Table(AdminTables.People.Schema.Name);
        await foreach (var entity in table.Query(EntityQuery.WholeTable()))
        {
            var row = AdminTables.People.FromEntity(entity);
            people[row.Id!] = string.IsNullOrWhiteSpace(row.Unit) ? null : row.Unit;
        }

        return people;
    }

    /// <summary>The emails of the local outbox (<c>Email_{person}_{date}_{level}_…eml</c>): to whom, and their text.</summary>
    private static IEnumerable<(string To, string Text)> Emails(string outbox)
    {
        var folder = Path.Combine(outbox, "email");
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "Email_*.eml"))
        {
            using var message = MimeKit.MimeMessage.Load(file);
            var person = Path.GetFileName(file)["Email_".Length..].Split('_')[0];
            yield return (person, (message.Subject ?? "") + "\n" + (message.TextBody ?? message.HtmlBody ?? ""));
        }
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static byte[] MinimalPdf()
    {
        // A one-page PDF with a correct cross-reference table.
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>A signed-in browser context and its page; disposing closes the context.</summary>
    private sealed record SignedInContext(IBrowserContext Context, IPage Page) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Context.DisposeAsync();
    }

    /// <summary>
    /// The sample city simulated once per class (<c>simulate --data samples --from 2026-03-30 --to 2026-04-09</c>), and the
    /// rectification notices R3 logged on 2026-04-01 (read from its events.jsonl). <see cref="Serve"/> copies its store for a
    /// test and serves the copy.
    /// </summary>
    public sealed class City : IAsyncLifetime
    {
        public const string From = "2026-03-30";
        public const string To = "2026-04-09";

        private string? _jtj;
        private string? _wjw;

        /// <summary>The simulation's folder: <c>store/</c>, <c>outbox/</c>, <c>events.jsonl</c>; each served copy beside it.</summary>
        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "escalation-web-tests", "loop-" + Guid.NewGuid().ToString("N"));

        /// <summary>R3's 限期整改 notice of jtj-2026-04 (市交通运输局).</summary>
        public string JtjRectification => _jtj ?? throw new InvalidOperationException("The city was not simulated (no chromium).");

        /// <summary>R3's 限期整改 notice of wjw-2026-04 (市卫生健康委).</summary>
        public string WjwRectification => _wjw ?? throw new InvalidOperationException("The city was not simulated (no chromium).");

        public async Task InitializeAsync()
        {
            if (Chromium.SkipReason is not null)
            {
                return;
            }

            await AppProcess.RunEngine(["simulate", "--data", SampleStore.SamplesFolder, "--from", From, "--to", To, "--out", Folder]).ConfigureAwait(false);
            var rectifications = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(Folder, "events.jsonl")).ConfigureAwait(false))
            {
                using var json = JsonDocument.Parse(line);
                var e = json.RootElement;
                if (e.TryGetProperty("demand", out var demand) && demand.GetString() == "rectification" && e.GetProperty("ruleId").GetString() == "R3")
                {
                    rectifications[e.GetProperty("taskId").GetString()!] = e.GetProperty("eventId").GetString()!;
                }
            }

            _jtj = rectifications.GetValueOrDefault("jtj-2026-04") ?? throw new InvalidOperationException($"The simulation logged no R3 rectification of jtj-2026-04 ({string.Join(", ", rectifications.Keys)}).");
            _wjw = rectifications.GetValueOrDefault("wjw-2026-04") ?? throw new InvalidOperationException($"The simulation logged no R3 rectification of wjw-2026-04 ({string.Join(", ", rectifications.Keys)}).");
        }

        /// <summary>A copy of the simulated store served by <c>web --at 2026-04-09</c>, its local outbox a folder of its own.</summary>
        public async Task<Served> Serve()
        {
            var folder = Path.Combine(Folder, "web-" + Guid.NewGuid().ToString("N"));
            var store = Path.Combine(folder, "store");
            Copy(Path.Combine(Folder, "store"), store);
            var outbox = Path.Combine(folder, "outbox");
            var port = AppProcess.FreePort();
            var app = await AppProcess.App(port, ["web", "--store", store, "--port", $"{port}", "--at", To], readyPath: "/signin",
                environment: new Dictionary<string, string> { ["Escalation__Outbox"] = outbox }).ConfigureAwait(false);
            return new Served(folder, store, outbox, app);
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }

            return Task.CompletedTask;
        }

        private static void Copy(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var folder in Directory.EnumerateDirectories(from))
            {
                Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }

    /// <summary>One test's copy of the store, its outbox, and the web serving it (stopped by <see cref="Stop"/> or disposal).</summary>
    public sealed class Served(string folder, string store, string outbox, AppProcess web) : IAsyncDisposable
    {
        private AppProcess? _web = web;

        public string Store { get; } = store;

        public string Outbox { get; } = outbox;

        public Uri Url(string path) => new((_web ?? throw new InvalidOperationException("The web was stopped.")).BaseUrl, path);

        /// <summary>Ends the web process, which holds the store, so that the test may read it.</summary>
        public async Task Stop()
        {
            if (_web is { } running)
            {
                _web = null;
                await running.DisposeAsync().ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Stop().ConfigureAwait(false);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
