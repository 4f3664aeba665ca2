using System.Net;
using System.Text;
using Azure.Data.Tables;
using Escalation.Functions.Commands;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using NodaTime.Testing;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>The web as served in Azure (<c>serve</c>): HEAD, /api path tricks, a store failing at start, encoding, page extremes.</summary>
public sealed class ServeTests
{
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");
    private static readonly string FgwReporter = PrincipalOf("LIULIHUA@fgw.partner.example");

    // function.json of Web and Api allow "head".
    [Theory]
    [InlineData("/board")]
    [InlineData("/api/board")]
    public async Task Head_IsAnsweredLikeGet_WithoutABody(string path)
    {
        await using var web = await Serve();
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative));
        request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, Office);

        var answer = await web.Send(request);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("", answer.Body);
    }

    [Theory]
    [InlineData("//api/board")]
    [InlineData("/api%2Fboard")]
    public async Task ApiPathTricks_ThroughTheWebFunction_GiveAReporterNoCityData(string path)
    {
        await using var web = await Serve();

        var answer = await web.Get(path, FgwReporter);

        Assert.DoesNotContain("\"rows\"", answer.Body, StringComparison.Ordinal);
    }

    /// <summary>A store that cannot be opened at start: the handler must still answer the host (readiness and invocations).</summary>
    [Fact]
    public async Task StoreThatCannotOpen_StillAnswersReadinessAndInvocations_AndPagesSayWhyInChinese()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["blocker"], "a file where the store's parent folder should be");
        var store = Path.Combine(folder["blocker"], "store");
        string? Setting(string key) => key == StoreSettings.LocalStoreKey ? store : null;
        var clock = new FakeClock(HandlerHarness.ScanTime);
        var app = ServeCommand.Build(Settings.From(Setting), Setting, clock, w => w.UseTestServer());
        await app.StartAsync();
        try
        {
            var client = app.GetTestClient();
            using var ready = await client.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, ready.StatusCode);

            using var scan = await client.PostAsync(new Uri("/ScanDeadlines", UriKind.Relative), new StringContent("{\"Data\":{},\"Metadata\":{}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.InternalServerError, scan.StatusCode);
            Assert.Contains("will be retried", await scan.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // A signed-in page says the store cannot be reached (TestServer would rethrow an escaping exception).
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/board", UriKind.Relative));
            request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, Office);
            HttpResponseMessage? page = null;
            var thrown = await Record.ExceptionAsync(async () => page = await client.SendAsync(request));
            Assert.Null(thrown);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page!.StatusCode);
            Assert.Contains("存储", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A store that could not be opened at start (the warm-up failed) is used once it can be, without a restart.</summary>
    [Fact]
    public async Task StoreThatFailedAtStart_IsUsedOnceItCanBeOpened_WithoutARestart()
    {
        using var folder = await HandlerHarness.SeededCopy();
        File.WriteAllText(folder["blocker"], "in the way");
        var store = Path.Combine(folder["blocker"], "store");
        string? Setting(string key) => key == StoreSettings.LocalStoreKey ? store : null;
        var clock = new FakeClock(HandlerHarness.ScanTime);
        var app = ServeCommand.Build(Settings.From(Setting), Setting, clock, w => w.UseTestServer());
        await app.StartAsync();
        try
        {
            var client = app.GetTestClient();
            await Task.Delay(300); // the warm-up fails

            // The fault clears (the share is mounted, the network is back): the store is there now.
            File.Delete(folder["blocker"]);
            Directory.CreateDirectory(store);
            foreach (var file in Directory.EnumerateFiles(folder["store"]))
            {
                File.Copy(file, Path.Combine(store, Path.GetFileName(file)));
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/board", UriKind.Relative));
            request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, Office);
            HttpResponseMessage? page = null;
            var thrown = await Record.ExceptionAsync(async () => page = await client.SendAsync(request));
            Assert.Null(thrown);
            Assert.Equal(HttpStatusCode.OK, page!.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// No store setting at all: the web does not make an empty embedded store (everyone would be 账号未登记); pages and the
    /// API say the store cannot be reached, the page naming the setting to set.
    /// </summary>
    [Fact]
    public async Task NoStoreSetting_Is503_NamingTheSetting_AndCreatesNoStore()
    {
        Assert.False(Directory.Exists(StoreSettings.DefaultLocalStore), "the test needs no .local/store in its working folder");
        string? Setting(string key) => null;
        var app = ServeCommand.Build(Settings.From(Setting), Setting, new FakeClock(HandlerHarness.ScanTime), w => w.UseTestServer());
        await app.StartAsync();
        try
        {
            var client = app.GetTestClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/board", UriKind.Relative));
            request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, Office);

            using var page = await client.SendAsync(request);
            using var api = await client.GetAsync(new Uri("/api/board", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("数据存储暂时无法访问，请稍后再试；仍不行请联系系统管理员", html, StringComparison.Ordinal);
            Assert.Contains(StoreSettings.ServiceUriKey, html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.StartsWith("{\"error\":\"数据存储暂时无法访问", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(StoreSettings.DefaultLocalStore));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnitNameAndTaskTitle_WithScript_AreEncodedOnEveryPageAndInTheApi()
    {
        const string Evil = "<script>alert(1)</script>";
        await using var web = await Serve(async tables =>
        {
            var units = await tables.Table("units");
            await units.Merge(new TableEntity("unit", "fgw") { ["Name"] = "发改委" + Evil });
            var tasks = await tables.Table("tasks");
            await tasks.Merge(new TableEntity("fgw", "fgw-2026-01") { ["Title"] = "任务" + Evil });
        });

        foreach (var path in new[] { "/board", "/board?unit=fgw", "/units/fgw", "/board?unit=" + Uri.EscapeDataString(Evil), "/units/" + Uri.EscapeDataString(Evil) })
        {
            var page = await web.Get(path, Office);
            Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
        }

        var api = await web.Get("/api/units/fgw");
        Assert.Equal(HttpStatusCode.OK, api.Status);
        Assert.DoesNotContain("<script", api.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("nosniff", api.Response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("page=2147483647", HttpStatusCode.OK)]
    [InlineData("page=-1", HttpStatusCode.BadRequest)]
    [InlineData("page=99999999999", HttpStatusCode.BadRequest)]
    public async Task BoardPage_Extremes(string query, HttpStatusCode expected)
    {
        await using var web = await Serve();

        var page = await web.Get("/board?" + query, Office);
        var api = await web.Get("/api/board?" + query);

        Assert.Equal(expected, page.Status);
        Assert.Equal(expected, api.Status);
    }
}
