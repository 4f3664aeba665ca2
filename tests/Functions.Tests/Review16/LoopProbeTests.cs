using System.Net;
using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Delivery;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Cases;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Web;
using Escalation.Functions.Tests.Web.Uploads;
using Escalation.Functions.Web.Uploads;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;
using Answer = Escalation.Functions.Tests.Web.Answer;

namespace Escalation.Functions.Tests.Review16;

/// <summary>
/// Review probes of issue 16 (the closed loop on the web). Each test states what a city's user should get; a failing one is
/// a finding of the review (see the report), a passing one is a check that held.
/// </summary>
public sealed class LoopProbeTests
{
    private const string Office = "dcs-office";
    private const string Task = "fgw-2026-01";

    /// <summary>A notice of fgw's task demanding an explanation of fgw AND of jtj (jtj as a builder/co-submitter).</summary>
    private static readonly EscalationEvent Shared = NoticeSignTests.Event("fgw", Task, "优化营商环境攻坚行动", "市发展改革委", "fgw-yang", EventLevel.Notice, "probe:shared")
        with { Demand = new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 5)) { From = [new UnitId("fgw"), new UnitId("jtj")] } };

    private static async Task Seed(IEntityTables tables)
    {
        var log = new EscalationLog(tables);
        var at = Instant.FromUtc(2026, 5, 29, 2, 0);
        await log.Log(Shared, at);
        await log.SetStatus(Shared.Unit, Shared.Id, _ => LogStatus.Delivered, null, at);
    }

    private static async Task<(string Cookies, Answer Page)> Open(WebHarness web, string person, string path)
    {
        var cookies = await web.SignIn(person);
        return (cookies, await web.GetWithCookies(path, cookies));
    }

    // ---- Access: a co-submitting unit's own evidence ------------------------------------------------------------------

    /// <summary>
    /// jtj's reporter answers fgw's notice that demands an answer of jtj too (the notice page offers the form), with a file.
    /// The page links the file as /evidence/fgw/{sha}; jtj's reporter, who uploaded it, should be able to download it.
    /// </summary>
    [Fact]
    public async Task Probe_CoSubmittingUnitsReporter_DownloadsTheEvidenceTheyUploaded()
    {
        await using var web = await WithLoop(Seed);
        var path = "/notices/" + Shared.Id.Value;
        var (cookies, page) = await Open(web, "jtj-wang", path);
        Assert.Equal(HttpStatusCode.OK, page.Status);

        var post = await web.PostMultipart(path + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "交通局配合部分的情况说明。")],
            [("配合说明.pdf", Samples.Pdf)], cookies);
        Assert.Equal(HttpStatusCode.SeeOther, post.Status);

        var after = await web.GetWithCookies(path, cookies);
        var link = System.Text.RegularExpressions.Regex.Match(after.Body, "href=\"(/evidence/[^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(link), "the notice page links the uploaded file");

        var download = await web.GetWithCookies(link, cookies);
        var (_, byOffice) = await Open(web, Office, link);

        Assert.True(download.Status == HttpStatusCode.OK, $"jtj's reporter gets {download.Status} for {link}");
        Assert.True(byOffice.Status == HttpStatusCode.OK, $"the office gets {byOffice.Status} for {link}");
    }

    // ---- Exactly once: approve racing deny on one exemption request ----------------------------------------------------

    /// <summary>
    /// Two office people decide the same exemption request at once: one approves, one denies, and the deny's decision row
    /// lands first. The approval is refused (409) — but the period must then not be exempt: no exemptions row for it.
    /// </summary>
    [Fact]
    public async Task Probe_ApprovalLosingTheRaceToADenial_LeavesNoExemptionInForce()
    {
        await using var web = await WithLoop();
        var requested = await web.Loop!.RequestExemption(new PersonId("fgw-liu"), new UnitId("fgw"), Task, null, "2026-05", "省级政策调整。", []);
        Assert.True(requested.Ok, requested.Refusal?.Message);
        var key = requested.Value!.Key;

        // The racing instance: its decisions-table insert finds the other office person's denial written just before.
        var racing = new RacingTables(web.Tables, "decisions", () => web.Loop.DecideExemption(new PersonId(Office), new UnitId("fgw"), key, "deny", "不属于客观原因。"));
        var loop = new ClosedLoop(racing, new Escalation.Functions.Tests.Host.RecordingPublisher(), web.Clock, HandlerHarness.Zone, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var approve = await loop.DecideExemption(new PersonId(Office), new UnitId("fgw"), key, "approve", null);

        Assert.Equal(RefusalKind.Conflict, approve.Refusal?.Kind);
        Assert.Equal(RequestStatus.Denied, Assert.Single(await web.Loop.ExemptionRequests(new UnitId("fgw"))).Status);
        var exemptions = await web.Tables.Table("exemptions");
        var written = await exemptions.Query(EntityQuery.Partition("fgw")).Select(AdminTables.Exemptions.FromEntity).Where(e => e.Request == key).ToListAsync();
        Assert.Empty(written);
    }

    // ---- Domain: indicator exemption requests ---------------------------------------------------------------------------

    /// <summary>A task's period already exempt is refused (409); an indicator's period already exempt should be too.</summary>
    [Fact]
    public async Task Probe_IndicatorExemption_ForAPeriodAlreadyExempted_IsRefused()
    {
        await using var web = await WithLoop();
        var (reporter, fgw) = (new PersonId("fgw-liu"), new UnitId("fgw"));
        var first = await web.Loop!.RequestExemption(reporter, fgw, null, "gdtz-zs", "2026-04", "统计口径调整。", []);
        Assert.True(first.Ok, first.Refusal?.Message);
        var approved = await web.Loop.DecideExemption(new PersonId(Office), fgw, first.Value!.Key, "approve", null);
        Assert.True(approved.Ok, approved.Refusal?.Message);

        var again = await web.Loop.RequestExemption(reporter, fgw, null, "gdtz-zs", "2026-04", "再次申请：统计口径调整。", []);

        Assert.Equal(RefusalKind.Conflict, again.Refusal?.Kind);
    }

    /// <summary>
    /// fgw's reporter asks to exempt fgw from an indicator fgw is not assessed on (shxf-zs is swuj's; fgw has no values of
    /// it). It cannot touch swuj's standing (exemptions are per unit), but the office should not be asked to approve it.
    /// </summary>
    [Fact]
    public async Task Probe_IndicatorExemption_ForAnIndicatorTheUnitIsNotAssessedOn_IsRefused()
    {
        await using var web = await WithLoop();

        var request = await web.Loop!.RequestExemption(new PersonId("fgw-liu"), new UnitId("fgw"), null, "shxf-zs", "2026-04", "与本单位无关的指标。", []);

        Assert.False(request.Ok, "a request for another unit's indicator is accepted and lands on the office's list");
    }

    // ---- Exactly once: concurrent identical answers --------------------------------------------------------------------

    [Fact]
    public async Task Probe_TheSameAnswerPostedTwiceAtOnce_WritesOneRowAndLogsOneEvent()
    {
        await using var web = await WithLoop(Seed);
        var path = "/notices/" + Shared.Id.Value;
        var (cookies, page) = await Open(web, "fgw-liu", path);

        Task<Answer> Post() => web.PostMultipart(path + "/answer", [new("__csrf", page.Token), new("kind", "explanation"), new("text", "同一份说明。")], [], cookies);
        var posts = await System.Threading.Tasks.Task.WhenAll(Post(), Post(), Post());

        Assert.All(posts, p => Assert.Equal(HttpStatusCode.SeeOther, p.Status));
        var table = await web.Tables.Table("explanations");
        Assert.Single(await table.Query(EntityQuery.Partition("fgw")).Select(AdminTables.Explanations.FromEntity).Where(r => r.Notice == Shared.Id.Value).ToListAsync());
        var log = await new EscalationLog(web.Tables).OfUnit(new UnitId("fgw")).ToListAsync();
        Assert.Single(log, e => e.Event.Kind == EventKind.AnswerSubmitted);
        Assert.Single(web.Publisher!.To(Escalation.Functions.Messaging.ServiceBusEntities.EventsTopic));
    }

    // ---- Bad input ------------------------------------------------------------------------------------------------------

    /// <summary>A multipart body without a boundary (a broken client) is bad input: 400 in Chinese, not 413 "too large" nor 500.</summary>
    [Theory]
    [InlineData("/answers/fgw/x/decide")]
    [InlineData("/exemptions/fgw/x/decide")]
    [InlineData("/tasks/fgw/fgw-2026-01/exemption")]
    [InlineData("/units/fgw/exemption")]
    [InlineData("/notices/ev-00000000000000000000000000000000/answer")]
    [InlineData("/notices/ev-00000000000000000000000000000000/sign")]
    [InlineData("/tasks/fgw/fgw-2026-01/progress")]
    public async Task Probe_AMalformedMultipartBody_Answers400InChinese(string path)
    {
        await using var web = await WithLoop(Seed);
        var cookies = await web.SignIn(path.Contains("decide", StringComparison.Ordinal) ? Office : "fgw-liu");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
        request.Headers.Add("Cookie", cookies);

        var answer = await web.Send(request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("<html", answer.Body, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Wraps one table so that its first insert lets another writer go first (a deterministic race).</summary>
    private sealed class RacingTables(IEntityTables inner, string table, Func<Task> other) : IEntityTables
    {
        private bool _raced;

        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default)
        {
            var t = await inner.Table(name, cancellationToken);
            return name == table ? new Racing(t, this) : t;
        }

        private sealed class Racing(IEntityTable t, RacingTables owner) : IEntityTable
        {
            public string Name => t.Name;

            public async Task<bool> AddIfAbsent(TableEntity entity, CancellationToken cancellationToken = default)
            {
                if (!owner._raced)
                {
                    owner._raced = true;
                    await owner.Other();
                }

                return await t.AddIfAbsent(entity, cancellationToken);
            }

            public Task UpsertAll(IReadOnlyList<TableEntity> entities, CancellationToken cancellationToken = default) => t.UpsertAll(entities, cancellationToken);

            public Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) => t.ReplaceIfMatch(entity, ifMatch, cancellationToken);

            public Task Merge(TableEntity entity, CancellationToken cancellationToken = default) => t.Merge(entity, cancellationToken);

            public Task<bool> Delete(string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken = default) => t.Delete(partitionKey, rowKey, ifMatch, cancellationToken);

            public Task<TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default) =>
                t.Find(partitionKey, rowKey, properties, cancellationToken);

            public IAsyncEnumerable<TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default) => t.Query(query, cancellationToken);
        }

        private Task Other() => other();
    }
}
