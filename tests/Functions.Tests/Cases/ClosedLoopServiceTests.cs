using Escalation.Domain.Calendar;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Cases;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Tests.Pipeline;
using Escalation.Functions.Tests.Web.Uploads;
using Escalation.Functions.Web.Uploads;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Tests.Cases;

/// <summary>
/// The closed loop's service over the embedded store: every refusal and success path, each record written once and each
/// event published once, under a repeated call and two calls at once. The store: 商务局 (swj) with task T1 and a notice of
/// R3 demanding a rectification by 2025-08-29 (督办〔2025〕0001号); 发改委 (fgw); the office dcs; city-wang, a leader.
/// </summary>
public sealed class ClosedLoopServiceTests : IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly UnitId Swj = new("swj");
    private static readonly UnitId Fgw = new("fgw");
    private static readonly PersonId Reporter = new("swj-zhou");
    private static readonly PersonId OtherReporter = new("fgw-chen");
    private static readonly PersonId Office = new("dcs");
    private static readonly PersonId Leader = new("city-wang");
    private static readonly EventId Notice = EventId.For(new RuleId("R3"), new ItemId("T1"), "overdue:2025-08-13");
    private static readonly EvidenceFile Photo = new("整改照片.jpg", new string('a', 64), 20480, "image/jpeg");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "escalation-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(At(2025, 8, 27, 10));
    private readonly SqliteTables _tables;
    private readonly RecordingPublisher _publisher = new();

    private readonly CountingStore _store;

    public ClosedLoopServiceTests()
    {
        _tables = SqliteTables.Open(_folder, _clock);
        _store = new CountingStore(new FolderEvidenceStore(Path.Combine(_folder, "evidence")));
    }

    /// <summary>A folder store that counts the files it was asked to save.</summary>
    private sealed class CountingStore(IEvidenceStore inner) : IEvidenceStore
    {
        private int _saves;

        public int Saves => _saves;

        public string Describe => inner.Describe;

        public Task<EvidenceFile> Save(EvidenceFile file, Stream content, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _saves);
            return inner.Save(file, content, cancellationToken);
        }

        public Task<StoredEvidence?> Open(string hash, CancellationToken cancellationToken = default) => inner.Open(hash, cancellationToken);
    }

    /// <summary>Files checked by the upload policy as the web checks them, to be stored in <see cref="_store"/> by the loop.</summary>
    private EvidenceUploads Uploads(params (string Name, byte[] Content)[] files) => EvidenceUploads.Checked(
        [
            .. files.Select(f =>
            {
                using var content = new MemoryStream(f.Content);
                var file = Assert.IsType<UploadCheck.Accepted>(new UploadPolicy().Check(f.Name, content)).File;
                return new EvidenceUpload(file, _ => Task.FromResult<Stream>(new MemoryStream(f.Content)));
            }),
        ],
        _store);

    /// <summary>The files in the evidence folder (not their metadata).</summary>
    private int StoredFiles()
    {
        var folder = Path.Combine(_folder, "evidence");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count(f => !f.EndsWith(".json", StringComparison.Ordinal)) : 0;
    }

    private ClosedLoop Loop => new(_tables, _publisher, _clock, Zone, NullLogger.Instance);

    private static Instant At(int y, int m, int d, int hour) => new LocalDateTime(y, m, d, hour, 0).InZoneStrictly(Zone).ToInstant();

    /// <summary>The store and the notice: R3's rectification of T1, logged on 2025-08-14 with its reference.</summary>
    private async Task<string> Seed()
    {
        var admin = new AdminStore(_tables);
        await admin.Write(AdminTables.Units, [new UnitRow("swj", "商务局", "swj-zhang", "swj-li", "city-wang"), new UnitRow("fgw", "发改委", "fgw-chen")]);
        await admin.Write(AdminTables.People,
        [
            new PersonRow("swj-zhou", "周科长", "swj", "科长", "zhou@swj.example.gov.cn"),
            new PersonRow("swj-zhang", "张局长", "swj", "局长", "zhang@swj.example.gov.cn"),
            new PersonRow("swj-li", "李副局长", "swj", "副局长", "li@swj.example.gov.cn"),
            new PersonRow("fgw-chen", "陈主任", "fgw", "主任", "chen@fgw.example.gov.cn"),
            new PersonRow("city-wang", "王副市长", Title: "副市长", Email: "wang@example.gov.cn"),
            new PersonRow("dcs", "督查室", Email: "dcs@example.gov.cn"),
        ]);
        await admin.Write(AdminTables.Settings, [new SettingRow("SupervisionOffice", "dcs")]);
        await admin.Write(AdminTables.Tasks, [new TaskRow("T1", "swj", "外贸综合服务中心建设", "KeyTask", "2025-03-03", "2025-12-31", "swj-zhou")]);
        var notice = new EscalationEvent(Notice, new RuleId("R3"), EventLevel.Notice, EventKind.Overdue, new ItemId("T1"), Swj, new LocalDate(2025, 8, 14),
            "overdue:2025-08-13", [new Recipient(RecipientRole.Owner, Reporter, false)], [Channel.Email], "overdue",
            new EventFacts("外贸综合服务中心建设", "商务局", 60, 40), new Demand(DemandKind.Rectification, new LocalDate(2025, 8, 29)));
        var logged = await new EscalationLog(_tables).Log(notice, At(2025, 8, 14, 9));
        return logged!.Reference!;
    }

    private async Task<IReadOnlyList<ExplanationRow>> Answers()
    {
        var table = await _tables.Table("explanations");
        return [.. await table.Query(EntityQuery.Partition("swj")).Select(AdminTables.Explanations.FromEntity).ToListAsync()];
    }

    private async Task<IReadOnlyList<Decision>> Decisions() => await new CaseRecords(_tables).Decisions(Swj);

    private async Task<IReadOnlyList<LogEntry>> Logged(EventKind kind) =>
        [.. (await new EscalationLog(_tables).OfUnit(Swj).ToListAsync()).Where(e => e.Event.Kind == kind)];

    private IReadOnlyList<string> PublishedIds => [.. _publisher.To(ServiceBusEntities.EventsTopic).Select(m => m.MessageId)];

    // ---- SubmitAnswer ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubmitAnswer_WritesTheRowAndTellsTheOffice_WhenAReporterAnswersTheNoticeByItsReference()
    {
        var reference = await Seed();

        var result = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.False(result.Repeated);
        var row = Assert.Single(await Answers());
        Assert.Equal((Notice.Value + ":rectification", "rectification", "1", "swj-zhou", "2025-08-27"), (row.Key, row.Kind, row.Seq, row.SubmittedBy, row.SubmittedOn));
        Assert.Equal([new Evidence("整改照片.jpg", new string('a', 64), 20480, "image/jpeg")], EvidenceColumn.Parse(row.Evidence).Files);
        Assert.Equal(CaseStatus.Pending, result.Value!.Status);
        var told = Assert.Single(await Logged(EventKind.AnswerSubmitted));
        Assert.Equal((new RuleId("R12"), "answer:" + row.Key, LogStatus.Published), (told.Event.Rule, told.Event.Occurrence, told.Status));
        Assert.Equal([Office], told.Event.Recipients.Select(r => r.Person));
        Assert.Equal([told.Event.Id.Value], PublishedIds);
        Assert.Equal(reference, told.Event.Facts.Loop!.NoticeReference);
    }

    [Fact]
    public async Task SubmitAnswer_WritesOnceAndSendsOnce_WhenTheSameAnswerIsSubmittedTwice()
    {
        var reference = await Seed();

        var first = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        var second = await Loop.SubmitAnswer(Reporter, Swj, Notice.Value, "rectification", " 已完成整改 ", [Photo]);

        Assert.True(second.Ok);
        Assert.True(second.Repeated);
        Assert.Equal(first.Value!.Key, second.Value!.Key);
        Assert.Single(await Answers());
        Assert.Single(PublishedIds);
    }

    [Fact]
    public async Task SubmitAnswer_WritesOnceAndSendsOnce_WhenTwoInstancesSubmitAtOnce()
    {
        var reference = await Seed();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]))));

        Assert.All(results, r => Assert.True(r.Ok, r.Refusal?.Message));
        Assert.Single(results.Select(r => r.Value!.Key).Distinct());
        Assert.Single(await Answers());
        Assert.Single(await Logged(EventKind.AnswerSubmitted));

        // A call that finds the event logged but not yet marked published (the first call between the two) publishes it
        // again, as the daily run would after a crash: under the same message id, which the broker's duplicate detection
        // and the delivery ledger keep to one message (see the local test below).
        Assert.Single(PublishedIds.Distinct());
    }

    [Fact]
    public async Task LocalWeb_PutsOneEmailInTheOutbox_WhenTwoInstancesSubmitAtOnce()
    {
        var reference = await Seed();
        var outbox = Path.Combine(_folder, "outbox");
        var engine = Commands.EngineSettings.From(_ => null).Settings!;
        using var local = LocalLoop.Create(_tables, _clock, Zone, engine, outbox, NullLoggerFactory.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => local.Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]))));

        Assert.All(results, r => Assert.True(r.Ok, r.Refusal?.Message));
        var mail = Assert.Single(Directory.GetFiles(Path.Combine(outbox, "email"), "*.eml"));
        Assert.Contains("dcs@example.gov.cn", await File.ReadAllTextAsync(mail), StringComparison.Ordinal);
        Assert.Equal(LogStatus.Delivered, Assert.Single(await Logged(EventKind.AnswerSubmitted)).Status);
    }

    [Fact]
    public async Task SubmitAnswer_NumbersAResubmission_AfterTheFirstWasRejected()
    {
        var reference = await Seed();
        var first = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", []);
        await Loop.Decide(Office, Swj, first.Value!.Key, "退回", "未附整改佐证材料");
        _clock.Reset(At(2025, 8, 28, 9));

        var second = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改，附照片", [Photo]);

        Assert.True(second.Ok, second.Refusal?.Message);
        Assert.Equal((Notice.Value + ":rectification@2", 2), (second.Value!.Key, second.Value.Seq));
        Assert.Equal(2, (await Answers()).Count);
    }

    public static TheoryData<string, string, string?, string?, string, RefusalKind, string> Refusals() => new()
    {
        { "fgw-chen", "swj", null, "整改", "Unit", RefusalKind.Forbidden, "只能为本单位提交答复" },
        { "city-wang", "swj", null, "整改", "Person", RefusalKind.Forbidden, "领导账号只能查看" },
        { "nobody", "swj", null, "整改", "Person", RefusalKind.Forbidden, "不在人员表中" },
        { "swj-zhou", "swj", "督办〔2025〕0099号", "整改", "Notice", RefusalKind.NotFound, "没有编号或文号为「督办〔2025〕0099号」" },
        { "swj-zhou", "swj", "not-a-notice", "整改", "Notice", RefusalKind.NotFound, "请核对文号" },
        { "swj-zhou", "swj", null, "说明", "Kind", RefusalKind.Invalid, "要求的是限期整改，不是书面说明" },
        { "swj-zhou", "swj", null, "whatever", "Kind", RefusalKind.Invalid, "答复类型「whatever」无法识别" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task SubmitAnswer_RefusesAndWritesNothing_WhenTheInputIsWrong(string person, string unit, string? notice, string? kind, string field, RefusalKind refusal, string message)
    {
        var reference = await Seed();

        var result = await Loop.SubmitAnswer(new PersonId(person), new UnitId(unit), notice ?? reference, kind, "已完成整改", Uploads(("整改照片.jpg", Samples.Jpeg)));

        Assert.False(result.Ok);
        Assert.Equal((refusal, field), (result.Refusal!.Kind, result.Refusal.Field));
        Assert.Contains(message, result.Refusal.Message, StringComparison.Ordinal);
        Assert.Empty(await Answers());
        Assert.Empty(PublishedIds);
        Assert.Equal((0, 0), (_store.Saves, StoredFiles()));
    }

    [Fact]
    public async Task SubmitAnswer_WhilePending_WritesANewerAnswerThatSupersedesIt_EvenWithTheContentOfAnOlderOne()
    {
        var reference = await Seed();

        var first = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        var second = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改，补充验收报告", [Photo]);
        var third = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        var click = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);

        Assert.Equal([1, 2, 3, 3], new[] { first, second, third, click }.Select(r => r.Value!.Seq));
        Assert.Equal([false, false, false, true], new[] { first, second, third, click }.Select(r => r.Repeated));
        Assert.Equal(3, (await Answers()).Count);
        var pending = await Loop.Pending();
        Assert.Equal(third.Value!.Key, Assert.Single(pending.Answers, a => a.Unit == Swj).Key);
        var refused = await Loop.Decide(Office, Swj, first.Value!.Key, "采纳", null);
        Assert.Equal((RefusalKind.Conflict, "Answer"), (refused.Refusal?.Kind, refused.Refusal?.Field));
        Assert.Contains($"已被第 2 次提交的整改报告（{second.Value!.Key}，", refused.Refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(await Decisions());
    }

    [Fact]
    public async Task SubmitAnswer_StoresEachFileOnce_WhenAccepted_AndTheSameAnswerAgainStoresNothingMore()
    {
        var reference = await Seed();

        var first = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", Uploads(("整改照片.jpg", Samples.Jpeg), ("验收报告.pdf", Samples.Pdf)));
        var again = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", Uploads(("整改照片.jpg", Samples.Jpeg), ("验收报告.pdf", Samples.Pdf)));

        Assert.True(first.Ok);
        Assert.True(again.Repeated);
        Assert.Equal((2, 2), (_store.Saves, StoredFiles()));
        Assert.Equal(["整改照片.jpg", "验收报告.pdf"], first.Value!.Evidence.Select(e => e.Name));
        Assert.NotNull(await _store.Open(first.Value.Evidence[1].Sha256!));
        Assert.Single(await Answers());
    }

    [Fact]
    public async Task SubmitAnswer_StoresNoFile_WhenTheCaseIsClosed()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        await Loop.Decide(Office, Swj, answer.Value!.Key, "采纳", null);

        var refused = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "补充材料", Uploads(("补充照片.jpg", Samples.Jpeg)));

        Assert.Equal(RefusalKind.Conflict, refused.Refusal?.Kind);
        Assert.Equal((0, 0), (_store.Saves, StoredFiles()));
    }

    [Fact]
    public async Task RequestExemption_StoresItsFileOnce_WhenAccepted()
    {
        await Seed();

        var request = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", Uploads(("停工通知.pdf", Samples.Pdf)));
        var again = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", Uploads(("停工通知.pdf", Samples.Pdf)));

        Assert.True(request.Ok);
        Assert.True(again.Repeated);
        Assert.Equal((1, 1), (_store.Saves, StoredFiles()));
    }

    [Fact]
    public async Task SubmitAnswer_Refuses_WhenThereIsNeitherTextNorEvidence()
    {
        var reference = await Seed();

        var result = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "  ", []);

        Assert.Equal((RefusalKind.Invalid, "Text"), (result.Refusal?.Kind, result.Refusal?.Field));
        Assert.Contains("既没有填写内容，也没有附佐证材料", result.Refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(await Answers());
    }

    [Fact]
    public async Task SubmitAnswer_Refuses_WhenTheCaseIsClosed_ButTakesANewOneOnceItIsReopened()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        await Loop.Decide(Office, Swj, answer.Value!.Key, "采纳", null);

        var refused = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "补充材料", [Photo]);
        await Loop.Decide(Office, Swj, answer.Value.Key, "虚假整改", "现场核查发现问题依旧");
        var accepted = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "重新整改", [Photo]);

        Assert.Equal(RefusalKind.Conflict, refused.Refusal?.Kind);
        Assert.Contains("已经督查室采纳并销号，不能再提交", refused.Refusal!.Message, StringComparison.Ordinal);
        Assert.True(accepted.Ok, accepted.Refusal?.Message);
        Assert.Equal(2, accepted.Value!.Seq);
    }

    // ---- Decide ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Decide_RecordsTheRejectionAndTellsTheUnit()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", []);
        _clock.Advance(Duration.FromHours(2));

        var result = await Loop.Decide(Office, Swj, answer.Value!.Key, "reject", "未附整改佐证材料");

        Assert.True(result.Ok, result.Refusal?.Message);
        Assert.Equal(CaseStatus.Rejected, result.Value!.Status);
        Assert.False(result.Value.MeetsDemand);
        var decision = Assert.Single(await Decisions());
        Assert.Equal((answer.Value.Key + "!01", LoopDecision.Reject, Office, "未附整改佐证材料"), (decision.Key, decision.Kind, decision.DecidedBy, decision.Reason));
        var told = Assert.Single(await Logged(EventKind.AnswerDecided));
        Assert.Equal(["swj-zhou", "swj-zhang"], told.Event.Recipients.Select(r => r.Person.Value));
        Assert.Equal(LoopDecision.Reject, told.Event.Facts.Loop!.Decision);
    }

    public static TheoryData<string, string?, string?, RefusalKind, string, string> DecideRefusals() => new()
    {
        { "swj-zhou", "accept", null, RefusalKind.Forbidden, "Person", "只有督查室可以处理答复" },
        { "city-wang", "accept", null, RefusalKind.Forbidden, "Person", "只有督查室可以处理答复" },
        { "dcs", "accept", null, RefusalKind.Conflict, "Decision", "整改报告未附佐证材料，不能采纳" },
        { "dcs", "reject", " ", RefusalKind.Invalid, "Reason", "退回答复必须填写理由" },
        { "dcs", "reopen", "整改不实", RefusalKind.Conflict, "Decision", "只有已采纳销号的整改才能认定为虚假整改" },
        { "dcs", "approve", null, RefusalKind.Invalid, "Decision", "用于豁免申请" },
        { "dcs", "maybe", null, RefusalKind.Invalid, "Decision", "处理决定「maybe」无法识别" },
    };

    [Theory]
    [MemberData(nameof(DecideRefusals))]
    public async Task Decide_RefusesAndWritesNothing_WhenTheDecisionIsNotAllowed(string person, string? decision, string? reason, RefusalKind kind, string field, string message)
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", []);

        var result = await Loop.Decide(new PersonId(person), Swj, answer.Value!.Key, decision, reason);

        Assert.Equal((kind, field), (result.Refusal?.Kind, result.Refusal?.Field));
        Assert.Contains(message, result.Refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(await Decisions());
        Assert.Empty(await Logged(EventKind.AnswerDecided));
    }

    [Fact]
    public async Task Decide_Refuses_WhenTheAnswerIsUnknown()
    {
        await Seed();

        var result = await Loop.Decide(Office, Swj, "ev-nothing:rectification", "accept", null);

        Assert.Equal((RefusalKind.NotFound, "Answer"), (result.Refusal?.Kind, result.Refusal?.Field));
        Assert.Contains("没有编号为「ev-nothing:rectification」的答复", result.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_Refuses_WhenAnotherDecisionWasMadeAlready_AndRepeatsTheSameOneQuietly()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        await Loop.Decide(Office, Swj, answer.Value!.Key, "accept", null);
        var published = PublishedIds.Count;

        var again = await Loop.Decide(Office, Swj, answer.Value.Key, "accept", null);
        var other = await Loop.Decide(Office, Swj, answer.Value.Key, "reject", "再看看");

        Assert.True(again.Repeated);
        Assert.Equal(CaseStatus.Closed, again.Value!.Status);
        Assert.Equal(RefusalKind.Conflict, other.Refusal?.Kind);
        Assert.Contains("已采纳销号，不能再次处理", other.Refusal!.Message, StringComparison.Ordinal);
        Assert.Single(await Decisions());
        Assert.Equal(published, PublishedIds.Count);
    }

    [Fact]
    public async Task Decide_WritesOneDecisionAndOneRecommendation_WhenTwoInstancesReopenAtOnce()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        await Loop.Decide(Office, Swj, answer.Value!.Key, "accept", null);
        _clock.Reset(At(2025, 9, 10, 15));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Loop.Decide(Office, Swj, answer.Value.Key, "虚假整改", "现场核查发现问题依旧"))));

        Assert.All(results, r => Assert.True(r.Ok, r.Refusal?.Message));
        Assert.Equal(2, (await Decisions()).Count);
        var recommendation = Assert.Single(await Logged(EventKind.FalseRectification));
        Assert.Equal((EventLevel.Accountability, new RuleId("R14")), (recommendation.Event.Level, recommendation.Event.Rule));
        Assert.DoesNotContain(recommendation.Event.Recipients, r => r.Person.Value.StartsWith("swj", StringComparison.Ordinal));
        // One message id: a concurrent call may publish it again (same id), which duplicate detection and the ledger absorb.
        Assert.Single(PublishedIds.Distinct(), id => id == recommendation.Event.Id.Value);
    }

    // ---- The scenario --------------------------------------------------------------------------------------------

    [Fact]
    public async Task ClosedLoop_ThroughTheService_RejectsAcceptsClosesAndReopensOnce()
    {
        var reference = await Seed();

        var bare = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", []);
        var rejected = await Loop.Decide(Office, Swj, bare.Value!.Key, "退回", "未附整改佐证材料");
        _clock.Reset(At(2025, 8, 28, 10));
        var evidenced = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改，附整改照片", [Photo]);
        _clock.Reset(At(2025, 8, 29, 10));
        var closed = await Loop.Decide(Office, Swj, evidenced.Value!.Key, "采纳", null);
        _clock.Reset(At(2025, 9, 10, 10));
        var reopened = await Loop.Decide(Office, Swj, evidenced.Value.Key, "虚假整改", "现场核查发现问题依旧");

        Assert.Equal(CaseStatus.Rejected, rejected.Value!.Status);
        Assert.Equal(CaseStatus.Closed, closed.Value!.Status);
        Assert.Equal(CaseStatus.Reopened, reopened.Value!.Status);
        Assert.Single(await Logged(EventKind.FalseRectification));
        var thecase = Assert.Single(await Loop.UnitCases(Swj));
        Assert.Equal((CaseStatus.Reopened, "已重新打开", new LocalDate(2025, 8, 28), true), (thecase.Status, thecase.StatusWords, thecase.MetOn, thecase.CanSubmit));
        Assert.Equal([(1, "已退回"), (2, "已重新打开")], thecase.Answers.Select(a => (a.Seq, a.StatusWords)));
        Assert.Equal(["采纳（销号）", "认定虚假整改（重新打开）"], thecase.Answers[1].Decisions.Select(d => d.Words));
        Assert.Equal(("督查室", new string('a', 64)), (thecase.Answers[1].Decisions[0].DecidedBy.Name, thecase.Answers[1].Evidence[0].Sha256));
        Assert.Equal(reference, thecase.Reference);
    }

    [Fact]
    public async Task Pending_ListsTheUndecidedAnswersAndRequests_OfEveryUnit()
    {
        var reference = await Seed();
        var answer = await Loop.SubmitAnswer(Reporter, Swj, reference, "整改", "已完成整改", [Photo]);
        var request = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", [Photo]);

        var pending = await Loop.Pending();
        await Loop.Decide(Office, Swj, answer.Value!.Key, "accept", null);
        var after = await Loop.Pending();

        Assert.Equal([answer.Value.Key], pending.Answers.Select(a => a.Key));
        Assert.Equal([request.Value!.Key], pending.Requests.Select(r => r.Key));
        Assert.Empty(after.Answers);
        Assert.Equal(answer.Value.Key, (await Loop.Answer(Swj, answer.Value.Key))!.Key);
        Assert.Null(await Loop.Answer(Swj, "ev-none:explanation"));
    }

    // ---- Exemption requests ---------------------------------------------------------------------------------------

    [Fact]
    public async Task RequestExemption_WritesTheRequestAndTellsTheOffice_AndApprovalExemptsThePeriod()
    {
        await Seed();

        var request = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", [Photo]);
        var again = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", [Photo]);
        var approved = await Loop.DecideExemption(Office, Swj, request.Value!.Key, "批准", null);

        Assert.True(request.Ok, request.Refusal?.Message);
        Assert.Equal("T1:2025-08@1", request.Value.Key);
        Assert.True(again.Repeated);
        Assert.Single(await Logged(EventKind.ExemptionRequested));
        Assert.Equal((RequestStatus.Approved, "已批准"), (approved.Value!.Status, approved.Value.StatusWords));
        var exemptions = await new AdminStore(_tables).ReadAll();
        var row = Assert.Single(exemptions.Exemptions);
        Assert.Equal(("T1", "2025-08", "客观", "dcs", "T1:2025-08@1"), (row.Task, row.Period, row.Cause, row.ApprovedBy, row.Request));
        var (configuration, _) = await new DailyRead(_tables, _clock, Zone).ConfigurationUnrecorded();
        var (items, _) = await new DailyRead(_tables, _clock, Zone).Unit(configuration, Swj);
        Assert.Contains("2025-08", Assert.Single(items).ExemptPeriods);
        var told = Assert.Single(await Logged(EventKind.AnswerDecided));
        Assert.Equal(LoopDecision.Approve, told.Event.Facts.Loop!.Decision);
    }

    public static TheoryData<string, string?, string?, string?, string?, RefusalKind, string, string> RequestRefusals() => new()
    {
        { "fgw-chen", "T1", null, "2025-08", "停工", RefusalKind.Forbidden, "Unit", "只能为本单位申请豁免" },
        { "swj-zhou", "T1", null, "2025-13", "停工", RefusalKind.Invalid, "Period", "不是有效的期次" },
        { "swj-zhou", "T1", null, "节点:2025-07-01", "停工", RefusalKind.Invalid, "Period", "没有在 2025-07-01 到期的节点" },
        { "swj-zhou", "T1", null, "start", "停工", RefusalKind.Invalid, "Period", "没有填写计划开工日期" },
        { "swj-zhou", "T1", null, "2025-08", " ", RefusalKind.Invalid, "Reason", "必须写明客观原因" },
        { "swj-zhou", "T9", null, "2025-08", "停工", RefusalKind.NotFound, "Task", "没有可用的编号为「T9」的任务" },
        { "swj-zhou", "T1", "gdp", "2025-08", "停工", RefusalKind.Invalid, "Indicator", "只能针对一项任务或一个指标" },
        { "swj-zhou", null, "gdp", "2025-08", "停工", RefusalKind.NotFound, "Indicator", "没有可用的编号为「gdp」的指标" },
    };

    [Theory]
    [MemberData(nameof(RequestRefusals))]
    public async Task RequestExemption_RefusesAndWritesNothing_WhenTheInputIsWrong(
        string person, string? task, string? indicator, string? period, string? reason, RefusalKind kind, string field, string message)
    {
        await Seed();

        var result = await Loop.RequestExemption(new PersonId(person), Swj, task, indicator, period, reason, Uploads(("停工通知.pdf", Samples.Pdf)));

        Assert.Equal((kind, field), (result.Refusal?.Kind, result.Refusal?.Field));
        Assert.Contains(message, result.Refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(await new CaseRecords(_tables).Requests(Swj));
        Assert.Equal((0, 0), (_store.Saves, StoredFiles()));
    }

    [Fact]
    public async Task RequestExemption_Refuses_WhileTheSamePeriodWaitsForTheOffice()
    {
        await Seed();
        await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", []);

        var second = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "另一个理由", Uploads(("停工通知.pdf", Samples.Pdf)));

        Assert.Equal(RefusalKind.Conflict, second.Refusal?.Kind);
        Assert.Contains("已有一份待审批的豁免申请", second.Refusal!.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (_store.Saves, StoredFiles()));
    }

    [Fact]
    public async Task DecideExemption_RefusesTheWrongDecisions_AndDeniesWithAReason()
    {
        await Seed();
        var request = await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", []);
        var key = request.Value!.Key;

        var byReporter = await Loop.DecideExemption(Reporter, Swj, key, "approve", null);
        var denyWithoutReason = await Loop.DecideExemption(Office, Swj, key, "deny", null);
        var unknown = await Loop.DecideExemption(Office, Swj, "T1:2025-09@1", "approve", null);
        var accept = await Loop.DecideExemption(Office, Swj, key, "accept", null);
        var denied = await Loop.DecideExemption(Office, Swj, key, "不予批准", "停工与台风无关");
        var approveAfter = await Loop.DecideExemption(Office, Swj, key, "approve", null);

        Assert.Equal(RefusalKind.Forbidden, byReporter.Refusal?.Kind);
        Assert.Equal("Reason", denyWithoutReason.Refusal?.Field);
        Assert.Equal(RefusalKind.NotFound, unknown.Refusal?.Kind);
        Assert.Equal(RefusalKind.Invalid, accept.Refusal?.Kind);
        Assert.Equal(RequestStatus.Denied, denied.Value!.Status);
        Assert.Equal(RefusalKind.Conflict, approveAfter.Refusal?.Kind);
        Assert.Empty((await new AdminStore(_tables).ReadAll()).Exemptions);
        Assert.Equal(RequestStatus.Denied, Assert.Single(await Loop.ExemptionRequests(Swj)).Status);
    }

    /// <summary>
    /// Two office people decide one request at once, and the denial's decision row lands first: the approval is refused and
    /// writes no exemptions row, so the period still counts.
    /// </summary>
    [Fact]
    public async Task DecideExemption_AnApprovalLosingTheRaceToADenial_IsRefused_AndExemptsNothing()
    {
        await Seed();
        var key = (await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", [])).Value!.Key;
        var racing = new RacingTables(_tables, "decisions", () => Loop.DecideExemption(Office, Swj, key, "deny", "停工与台风无关"));

        var approve = await new ClosedLoop(racing, _publisher, _clock, Zone, NullLogger.Instance).DecideExemption(Office, Swj, key, "approve", null);

        Assert.Equal(RefusalKind.Conflict, approve.Refusal?.Kind);
        Assert.Contains("刚刚已由", approve.Refusal!.Message, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Denied, Assert.Single(await Loop.ExemptionRequests(Swj)).Status);
        Assert.Empty((await new AdminStore(_tables).ReadAll()).Exemptions);
    }

    /// <summary>
    /// A crash after the approval's decision row, before its exemptions row: approving again finds the approval and writes
    /// the row (as of the approval), telling the unit once; a denial afterwards is still refused.
    /// </summary>
    [Fact]
    public async Task DecideExemption_ApprovingAgain_CompletesTheExemptionRow_WhenACrashLeftItOut()
    {
        await Seed();
        var key = (await Loop.RequestExemption(Reporter, Swj, "T1", null, "2025-08", "受台风影响停工", [])).Value!.Key;
        await Loop.DecideExemption(Office, Swj, key, "approve", null);
        var exemptions = await _tables.Table("exemptions");
        Assert.True(await exemptions.Delete("swj", "T1:2025-08", Azure.ETag.All));
        _clock.Advance(Duration.FromDays(1));

        var again = await Loop.DecideExemption(Office, Swj, key, "批准", "补写");
        var deny = await Loop.DecideExemption(Office, Swj, key, "deny", "停工与台风无关");

        Assert.True(again.Ok, again.Refusal?.Message);
        Assert.True(again.Repeated);
        var row = Assert.Single((await new AdminStore(_tables).ReadAll()).Exemptions);
        Assert.Equal(("T1", "2025-08", "客观", "dcs", "2025-08-27", key), (row.Task, row.Period, row.Cause, row.ApprovedBy, row.ApprovedOn, row.Request));
        Assert.Single(await new CaseRecords(_tables).Decisions(Swj));
        Assert.Single(await Logged(EventKind.AnswerDecided));
        Assert.Equal(RefusalKind.Conflict, deny.Refusal?.Kind);
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

        private async Task RaceOnce()
        {
            if (!_raced)
            {
                _raced = true;
                await other();
            }
        }

        private sealed class Racing(IEntityTable t, RacingTables owner) : IEntityTable
        {
            public string Name => t.Name;

            public async Task<bool> AddIfAbsent(Azure.Data.Tables.TableEntity entity, CancellationToken cancellationToken = default)
            {
                await owner.RaceOnce();
                return await t.AddIfAbsent(entity, cancellationToken);
            }

            public Task UpsertAll(IReadOnlyList<Azure.Data.Tables.TableEntity> entities, CancellationToken cancellationToken = default) => t.UpsertAll(entities, cancellationToken);

            public Task<bool> ReplaceIfMatch(Azure.Data.Tables.TableEntity entity, Azure.ETag ifMatch, CancellationToken cancellationToken = default) => t.ReplaceIfMatch(entity, ifMatch, cancellationToken);

            public Task Merge(Azure.Data.Tables.TableEntity entity, CancellationToken cancellationToken = default) => t.Merge(entity, cancellationToken);

            public Task<bool> Delete(string partitionKey, string rowKey, Azure.ETag ifMatch, CancellationToken cancellationToken = default) => t.Delete(partitionKey, rowKey, ifMatch, cancellationToken);

            public Task<Azure.Data.Tables.TableEntity?> Find(string partitionKey, string rowKey, IReadOnlyList<string>? properties = null, CancellationToken cancellationToken = default) =>
                t.Find(partitionKey, rowKey, properties, cancellationToken);

            public IAsyncEnumerable<Azure.Data.Tables.TableEntity> Query(EntityQuery query, CancellationToken cancellationToken = default) => t.Query(query, cancellationToken);
        }
    }

    // ---- Crash between the record and the log ------------------------------------------------------------------------

    [Fact]
    public async Task DailyRun_LogsAndSendsTheAnswersEventOnce_WhenTheWebDiedBetweenTheRecordAndTheLog()
    {
        await Seed();
        var row = new ExplanationRow("swj", Notice.Value, "T1", "rectification", "2025-08-27", "swj-zhou", "已完成整改")
        {
            Evidence = EvidenceColumn.Format([new Evidence("整改照片.jpg", new string('a', 64), 20480, "image/jpeg")]),
            Seq = "1",
            SubmittedAt = "2025-08-27T02:00:00Z",
        };
        await (await _tables.Table("explanations")).AddIfAbsent(AdminTables.Explanations.ToEntity(row));
        var email = new RecordingEmailSender(_clock);
        var channels = new ChannelSet([new EmailChannel(email), new SmsChannel(new RecordingSmsSender(_clock))]);
        var local = LocalMode.Create(_tables, null, _clock, DeliveryOptions.Default, Zone, channels, NullLoggerFactory.Instance);

        await local.Cycle(At(2025, 8, 28, 8), _clock.Reset);
        await local.Cycle(At(2025, 8, 29, 8), _clock.Reset);

        var told = Assert.Single(await Logged(EventKind.AnswerSubmitted));
        Assert.Equal((EventId.For(new RuleId("R12"), new ItemId("T1"), "answer:" + row.Key), LogStatus.Delivered), (told.Event.Id, told.Status));
        var sent = Assert.Single(email.Sent, s => s.Email.Events.Contains(told.Event.Id.Value));
        Assert.Equal("dcs@example.gov.cn", sent.Email.To);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
