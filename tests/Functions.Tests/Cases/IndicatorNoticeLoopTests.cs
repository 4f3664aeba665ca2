using Escalation.Domain.Catalog;
using Escalation.Domain.Cases;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Digests;
using Escalation.Functions.Cases;
using Escalation.Functions.Digests;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Web.Uploads;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Tests.Cases;

/// <summary>
/// The closed loop of an indicator notice over the embedded store: 商务局 (swj) got I2's notice on 固定资产投资增速
/// (ind:gdtz-zs) on Wed 2025-08-27, demanding an explanation by Wed 2025-09-03; it answers, the office decides, and the
/// daily run chases what is still owed (R7 from Thu 09-04; R15 the working day after delivery) as for a task notice.
/// </summary>
public sealed class IndicatorNoticeLoopTests : IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly UnitId Swj = new("swj");
    private static readonly PersonId Reporter = new("swj-zhou");
    private static readonly PersonId OtherReporter = new("fgw-chen");
    private static readonly PersonId Office = new("dcs");
    private static readonly ItemId Indicator = IndicatorItem.For(new IndicatorId("gdtz-zs"));
    private static readonly EventId Notice = EventId.For(new RuleId("I2"), Indicator, "ind-lag:swj/2025-07");
    private static readonly EvidenceFile Table = new("投资明细.xlsx", new string('b', 64), 10240, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "escalation-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(At(2025, 8, 28, 10));
    private readonly SqliteTables _tables;
    private readonly RecordingPublisher _publisher = new();

    public IndicatorNoticeLoopTests()
    {
        _tables = SqliteTables.Open(_folder, _clock);
    }

    private ClosedLoop Loop => new(_tables, _publisher, _clock, Zone, NullLogger.Instance);

    private static Instant At(int y, int m, int d, int hour) => new LocalDateTime(y, m, d, hour, 0).InZoneStrictly(Zone).ToInstant();

    /// <summary>The store and I2's notice to swj, logged and delivered on 2025-08-27.</summary>
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
        await admin.Write(AdminTables.Indicators, [new IndicatorRow { Id = "gdtz-zs", Name = "固定资产投资增速", Owner = "fgw", MeasureUnit = "%", Accumulation = "累计", PeriodKind = "月" }]);
        var notice = new EscalationEvent(Notice, new RuleId("I2"), EventLevel.Notice, EventKind.IndicatorLagging, Indicator, Swj, new LocalDate(2025, 8, 27),
            "ind-lag:swj/2025-07", [new Recipient(RecipientRole.UnitPrincipal, new PersonId("swj-zhang"), false)], [Channel.Email], "indicator-lag-notice",
            new EventFacts("固定资产投资增速", "商务局", 6, 4), new Demand(DemandKind.Explanation, new LocalDate(2025, 9, 3)) { From = [Swj] });
        var log = new EscalationLog(_tables);
        var logged = await log.Log(notice, At(2025, 8, 27, 9));
        await log.SetStatus(Swj, Notice, _ => LogStatus.Delivered, null, At(2025, 8, 27, 9));
        return logged!.Reference!;
    }

    private async Task<IReadOnlyList<ExplanationRow>> Answers()
    {
        var table = await _tables.Table("explanations");
        return [.. await table.Query(EntityQuery.Partition("swj")).Select(AdminTables.Explanations.FromEntity).ToListAsync()];
    }

    private async Task<IReadOnlyList<LogEntry>> Logged(EventKind kind) =>
        [.. (await new EscalationLog(_tables).OfUnit(Swj).ToListAsync()).Where(e => e.Event.Kind == kind)];

    /// <summary>The daily run's events for swj on <paramref name="date"/> (nothing written).</summary>
    private async Task<IReadOnlyList<EscalationEvent>> Evaluated(LocalDate date)
    {
        var read = new DailyRead(_tables, _clock, Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        return (await read.Assess(configuration, Swj, date)).Result.Events;
    }

    [Fact]
    public async Task SubmitAnswer_WritesTheRowAndTellsTheOffice_WhenAReporterAnswersAnIndicatorNotice()
    {
        var reference = await Seed();

        var result = await Loop.SubmitAnswer(Reporter, Swj, reference, "说明", "七月投资增速回落系两个项目延期开工", [Table]);

        Assert.True(result.Ok, result.Refusal?.Message);
        var row = Assert.Single(await Answers());
        Assert.Equal((Notice.Value + ":explanation", Indicator.Value, "explanation", "swj-zhou"), (row.Key, row.Task, row.Kind, row.SubmittedBy));
        Assert.Equal((Indicator, CaseStatus.Pending), (result.Value!.Task, result.Value.Status));
        var told = Assert.Single(await Logged(EventKind.AnswerSubmitted));
        Assert.Equal((new RuleId("R12"), Indicator, "固定资产投资增速"), (told.Event.Rule, told.Event.Item, told.Event.Facts.ItemTitle));
        Assert.Equal([Office], told.Event.Recipients.Select(r => r.Person));
        var listed = Assert.Single(await Loop.UnitCases(Swj));
        Assert.Equal((Indicator, "固定资产投资增速", CaseStatus.Pending), (listed.Task, listed.TaskTitle, listed.Status));
    }

    [Fact]
    public async Task SubmitAnswer_Refuses_WhenAReporterOfAnotherUnitAnswersTheIndicatorNotice()
    {
        var reference = await Seed();

        var forSwj = await Loop.SubmitAnswer(OtherReporter, Swj, reference, "说明", "代为说明", [Table]);
        var asFgw = await Loop.SubmitAnswer(OtherReporter, new UnitId("fgw"), Notice.Value, "说明", "代为说明", [Table], taskUnit: Swj);

        Assert.Equal(RefusalKind.Forbidden, forSwj.Refusal!.Kind);
        Assert.Equal(RefusalKind.Forbidden, asFgw.Refusal!.Kind);
        Assert.Contains("没有要求发改委提交答复", asFgw.Refusal.Message, StringComparison.Ordinal);
        Assert.Empty(await Answers());
    }

    [Fact]
    public async Task Decide_RejectsThenAccepts_AnAnswerToAnIndicatorNotice_AndTellsTheUnit()
    {
        var reference = await Seed();
        var first = await Loop.SubmitAnswer(Reporter, Swj, reference, "说明", "初稿", []);

        var pending = await Loop.Pending();
        var rejected = await Loop.Decide(Office, Swj, first.Value!.Key, "退回", "未说明下阶段措施");
        var second = await Loop.SubmitAnswer(Reporter, Swj, reference, "说明", "补充了下阶段措施", [Table]);
        var accepted = await Loop.Decide(Office, Swj, second.Value!.Key, "采纳", null);

        Assert.Equal([first.Value.Key], pending.Answers.Select(a => a.Key));
        Assert.True(rejected.Ok, rejected.Refusal?.Message);
        Assert.True(accepted.Ok, accepted.Refusal?.Message);
        Assert.Equal(CaseStatus.Accepted, accepted.Value!.Status);
        var told = await Logged(EventKind.AnswerDecided);
        Assert.Equal(2, told.Count);
        Assert.All(told, e => Assert.Equal((new RuleId("R13"), Indicator), (e.Event.Rule, e.Event.Item)));
        Assert.Contains(told[0].Event.Recipients, r => r.Person == new PersonId("swj-zhang"));
        Assert.Empty((await Loop.Pending()).Answers);
    }

    [Fact]
    public async Task DailyRun_ChasesTheOverdueExplanation_OnlyWhileTheIndicatorNoticeIsUnanswered()
    {
        var reference = await Seed();

        var unanswered = await Evaluated(new LocalDate(2025, 9, 4));
        await Loop.SubmitAnswer(Reporter, Swj, reference, "说明", "七月投资增速回落系两个项目延期开工", []);
        var answered = await Evaluated(new LocalDate(2025, 9, 4));

        var summons = Assert.Single(unanswered, e => e.Rule == new RuleId("R7"));
        Assert.Equal(EventId.For(new RuleId("R7"), Indicator, "demand:" + Notice.Value), summons.Id);
        Assert.Equal(Swj, summons.Unit);
        Assert.DoesNotContain(answered, e => e.Rule == new RuleId("R7"));
    }

    [Fact]
    public async Task DailyRun_ChasesTheUnsignedIndicatorNotice_TheWorkingDayAfterDelivery_NotOnceSigned()
    {
        await Seed();

        var unsigned = await Evaluated(new LocalDate(2025, 8, 28));
        await new EscalationLog(_tables).Sign(Swj, Notice, new PersonId("swj-zhang"), At(2025, 8, 28, 8));
        var signed = await Evaluated(new LocalDate(2025, 8, 28));

        var chase = Assert.Single(unsigned, e => e.Rule == new RuleId("R15"));
        Assert.Equal(EventId.For(new RuleId("R15"), Indicator, "unsigned:" + Notice.Value), chase.Id);
        Assert.DoesNotContain(signed, e => e.Rule == new RuleId("R15"));
    }

    [Fact]
    public async Task WeeklyList_ListsTheIndicatorNoticesOverdueExplanation_UntilItIsAnswered()
    {
        var reference = await Seed();
        _clock.Reset(At(2025, 9, 8, 8));
        var read = new DigestRead(_tables, _clock, Zone);
        var (configuration, _) = await new DailyRead(_tables, _clock, Zone).ConfigurationUnrecorded();
        var week = DigestPeriod.Week(IndicatorPeriod.Week(2025, 37));

        var owed = await read.Weekly(configuration, week, new LocalDate(2025, 9, 8));
        await Loop.SubmitAnswer(Reporter, Swj, reference, "说明", "七月投资增速回落系两个项目延期开工", [Table]);
        var answered = await read.Weekly(configuration, week, new LocalDate(2025, 9, 8));

        var entry = Assert.Single(owed.Demands);
        Assert.Equal((Swj, Indicator, "固定资产投资增速", reference, DemandKind.Explanation, new LocalDate(2025, 9, 3)),
            (entry.Unit, entry.Item, entry.Title, entry.Notice, entry.Kind, entry.DueBy));
        Assert.Empty(answered.Demands);
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
            // A file the OS still holds: the temp folder is cleaned later.
        }
    }
}
