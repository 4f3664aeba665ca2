using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>The stores' behaviour, on Azurite and on the embedded store alike.</summary>
public abstract class StoreContract<TBackend>(TBackend backend)
    where TBackend : IBackend
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 2, 0, 30);
    private static readonly UnitId Unit = new("fgw");

    internal static EscalationEvent Notice(string occurrence = "lag:2026-05", string unit = "fgw") => new(
        EventId.For(new RuleId("R5"), new ItemId("fgw-2026-01"), occurrence),
        new RuleId("R5"),
        EventLevel.Notice,
        EventKind.Lagging,
        new ItemId("fgw-2026-01"),
        new UnitId(unit),
        new LocalDate(2026, 6, 2),
        occurrence,
        [new Recipient(RecipientRole.UnitPrincipal, new PersonId("fgw-zhang"), false), new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), true)],
        [Channel.Email, Channel.Sms],
        "lag-notice",
        new EventFacts("推进城市更新“一号工程”", "市发展改革委", 45.5, 20, "完成方案报批", new LocalDate(2026, 5, 29), 40, false, 3, 2, "2026年5月", "2026-05",
            new LocalDate(2026, 5, 31), EventId.For(new RuleId("R4"), new ItemId("fgw-2026-01"), "x"), new LocalDate(2026, 6, 9)),
        new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9)));

    [Fact]
    public async Task Log_RecordsAnEventExactlyOnce_AndReadsItBackWhole()
    {
        var log = new EscalationLog(backend.Fresh());
        var notice = Notice();

        var first = await log.Record(notice, Now);
        var again = await log.Record(notice with { Date = new LocalDate(2026, 6, 3) }, Now.Plus(Duration.FromDays(1)));
        var read = await log.Find(Unit, notice.Id);

        Assert.True(first);
        Assert.False(again);
        Assert.Equal(LogStatus.Logged, read!.Status);
        Assert.Equal(Now, read.LoggedAt);
        Assert.Equal(notice.Date, read.Event.Date);
        Assert.Equivalent(notice with { Reference = "督办〔2026〕0001号" }, read.Event, strict: true);
    }

    [Fact]
    public async Task Log_RecordsIndicatorEventsWithEveryFigure_AndALogOnlyOneAsLogOnly()
    {
        var log = new EscalationLog(backend.Fresh());
        var events = Tests.Storage.IndicatorEvents.All;
        foreach (var e in events)
        {
            Assert.True(await log.Record(e, Now));
        }

        var states = await log.States(events);

        foreach (var e in events)
        {
            var read = (await log.Find(e.Unit, e.Id))!;
            Tests.Storage.IndicatorEvents.AssertSameFacts(e.Facts.Indicator!, read.Event.Facts.Indicator);
            Assert.Equal(e.LogOnly ? LogStatus.LogOnly : LogStatus.Logged, read.Status);
            Assert.Equal(read.Status, states[e.Id.Value].Status);
            var copy = Assert.Single(await log.OfMonth(e.Date.ToString("yyyy-MM", null), e.Unit).ToListAsync(), c => c.Event.Id == e.Id);
            Tests.Storage.IndicatorEvents.AssertSameFacts(e.Facts.Indicator!, copy.Event.Facts.Indicator);
        }

        Assert.Empty(await log.States([Notice()]));
    }

    [Fact]
    public async Task Log_ListsEventsByMonthAndUnit_FromTheMonthIndex()
    {
        var log = new EscalationLog(backend.Fresh());
        await log.Record(Notice("lag:2026-05"), Now);
        await log.Record(Notice("lag:2026-04"), Now);
        await log.Record(Notice("lag:2026-05", unit: "zjj"), Now);
        await log.Record(Notice("lag:2026-06") with { Date = new LocalDate(2026, 7, 1) }, Now);

        var june = await log.OfMonth("2026-06").ToListAsync();
        var juneFgw = await log.OfMonth("2026-06", Unit).ToListAsync();
        var fgw = await log.OfUnit(Unit).ToListAsync();

        Assert.Equal(3, june.Count);
        Assert.Equal(2, juneFgw.Count);
        Assert.All(juneFgw, e => Assert.Equal("fgw", e.Event.Unit.Value));
        Assert.Equal(3, fgw.Count);
    }

    [Fact]
    public async Task Log_KnowsWhatIsLoggedAndIndexed_AndTheDemandsMade()
    {
        var log = new EscalationLog(backend.Fresh());
        var notice = Notice();
        await log.Record(notice, Now);

        var known = await log.Known(Unit);
        var demands = await log.Demands(Unit);

        Assert.Equal(new LoggedState(LogStatus.Logged, true), known[notice.Id.Value]);
        var demand = Assert.Single(demands);
        Assert.Equal((notice.Id, DemandKind.Explanation, new LocalDate(2026, 6, 9)), (demand.Notice, demand.Kind, demand.DueBy));
    }

    [Fact]
    public async Task Log_StatusChangesReachTheMonthCopy_AndConcurrentChangesAreNotLost()
    {
        var log = new EscalationLog(backend.Fresh());
        var notice = Notice();
        await log.Record(notice, Now);

        await Task.WhenAll(
            log.SetStatus(Unit, notice.Id, s => s == LogStatus.Logged ? LogStatus.Published : LogStatus.Delivered, null, Now),
            log.SetStatus(Unit, notice.Id, s => s == LogStatus.Logged ? LogStatus.Published : LogStatus.Delivered, null, Now));
        var entry = await log.Find(Unit, notice.Id);
        var copy = Assert.Single(await log.OfMonth("2026-06").ToListAsync());

        Assert.Equal(LogStatus.Delivered, entry!.Status);
        Assert.Equal(LogStatus.Delivered, copy.Status);
    }

    [Fact]
    public async Task Ledger_OpensADeliveryOnce_AndRefusesAStaleUpdate()
    {
        var ledger = new DeliveryLedger(backend.Fresh());
        var notice = Notice();
        var delivery = new Delivery(notice.Id, Unit, Channel.Sms, new PersonId("fgw-zhang"), RecipientRole.UnitPrincipal, false,
            DeliveryStatus.Pending, 0, null, null, "+86138****8000", null, Now);

        var opened = await ledger.Open(delivery);
        var reopened = await ledger.Open(delivery with { Status = DeliveryStatus.Sent });
        var read = (await ledger.Find(notice.Id, Channel.Sms, new PersonId("fgw-zhang")))!;
        var sent = await ledger.Update(read with { Status = DeliveryStatus.Sent, Attempts = 1, ProviderId = "msg-1" });
        var stale = await ledger.Update(read with { Status = DeliveryStatus.Failed, Attempts = 1, LastError = "late" });
        var all = await ledger.OfEvent(notice.Id);

        Assert.True(opened);
        Assert.False(reopened);
        Assert.Equal(DeliveryStatus.Pending, read.Status);
        Assert.True(sent);
        Assert.False(stale);
        var only = Assert.Single(all);
        Assert.Equal((DeliveryStatus.Sent, 1, "msg-1", "+86138****8000"), (only.Status, only.Attempts, only.ProviderId, only.MaskedAddress));
    }

    [Fact]
    public async Task Ledger_RoundTripsEveryField()
    {
        var ledger = new DeliveryLedger(backend.Fresh());
        var delivery = new Delivery(Notice().Id, Unit, Channel.Email, new PersonId("dcs-office"), RecipientRole.SupervisionOffice, true,
            DeliveryStatus.Deferred, 2, "op-1", "503 Service Unavailable", "dc***@example.gov.cn", Now.Plus(Duration.FromHours(8)), Now)
        {
            FirstAttemptAt = Now,
            DispatchDay = new LocalDate(2026, 6, 2),
            DispatchId = "Email:dcs-office:20260602:Notice:001",
        };

        await ledger.Open(delivery);
        var read = await ledger.Find(delivery.Event, Channel.Email, new PersonId("dcs-office"));

        Assert.NotNull(read!.Version);
        Assert.Equal(delivery, read with { Version = null });
    }

    [Fact]
    public async Task Dispatches_RoundTripEveryField_AndListOneDayAndLevelOfOnePerson()
    {
        var store = new DispatchStore(backend.Fresh());
        var person = new PersonId("fgw:zhang 张");
        DispatchKey Key(LocalDate day, EventLevel level, int sequence) => new(Channel.Sms, person, day, level, sequence);
        var june2 = new LocalDate(2026, 6, 2);
        var full = new Dispatch(Key(june2, EventLevel.Notice, 1), DispatchStatus.Deferred,
            [new DispatchItem(Notice().Id, Unit, false), new DispatchItem(EventId.For(new RuleId("R9"), new ItemId("t-2"), "x"), new UnitId("wjw"), true)],
            Now, 2, Now.Plus(Duration.FromMinutes(10)), "op-7", "429 Too Many Requests", "+86138****8000", Now)
        {
            FirstAttemptAt = Now,
            UnconfirmedSince = Now.Plus(Duration.FromSeconds(3)),
        };
        var second = new Dispatch(Key(june2, EventLevel.Notice, 2), DispatchStatus.Open, [new DispatchItem(Notice().Id, Unit, false)], Now, 0, null, null, null, null, Now);
        var otherLevel = second with { Key = Key(june2, EventLevel.Summons, 1) };
        var otherDay = second with { Key = Key(june2.PlusDays(1), EventLevel.Notice, 1) };

        Assert.True(await store.Add(full));
        Assert.False(await store.Add(full));
        foreach (var d in new[] { otherDay, second, otherLevel })
        {
            await store.Add(d);
        }

        var read = await store.Find(full.Key);
        var slot = await store.Slot(Key(june2, EventLevel.Notice, 1));

        Assert.Equal(full with { Items = [] }, read! with { Version = null, Items = [] });
        Assert.Equal(full.Items, read.Items);
        Assert.Equal([1, 2], slot.Select(d => d.Key.Sequence));
        Assert.Equal(full.Key.Id, DispatchKey.TryParse(full.Key.Id)!.Id);
    }

    [Fact]
    public async Task Dispatches_AreUpdatedOnlyOverTheVersionRead()
    {
        var store = new DispatchStore(backend.Fresh());
        var open = new Dispatch(new DispatchKey(Channel.Email, new PersonId("fgw-zhang"), new LocalDate(2026, 6, 2), EventLevel.Reminder, 1),
            DispatchStatus.Open, [new DispatchItem(Notice().Id, Unit, false)], Now, 0, null, null, null, null, Now);
        await store.Add(open);
        var read = (await store.Find(open.Key))!;

        var claimed = await store.Update(read with { Status = DispatchStatus.Sending, Attempts = 1 });
        var stale = await store.Update(read with { Items = [.. read.Items, new DispatchItem(EventId.For(new RuleId("R1"), new ItemId("t"), "y"), Unit, true)] });

        Assert.True(claimed);
        Assert.False(stale);
        Assert.Equal((DispatchStatus.Sending, 1), ((await store.Find(open.Key))!.Status, (await store.Find(open.Key))!.Items.Count));
    }

    [Fact]
    public async Task Problems_AreKeptUntilFixed_ThenResolved_AndReopenedIfTheyComeBack()
    {
        var problems = new ProblemLog(backend.Fresh());
        var date = new Problem("tasks", "fgw-2026-01", "Deadline", "2026/09/30", "不是有效的日期。");
        var owner = new Problem("tasks", "fgw/2026#02?", "Owner", "nobody", "「people」表中没有编号为「nobody」的人员。");

        var first = await problems.Reconcile("fgw", [date, owner], Now);
        var second = await problems.Reconcile("fgw", [date], Now.Plus(Duration.FromDays(1)));
        var records = await problems.Of("fgw");
        var third = await problems.Reconcile("fgw", [date, owner], Now.Plus(Duration.FromDays(2)));

        Assert.Equal(new ProblemCount(2, 2, 0), first);
        Assert.Equal(new ProblemCount(1, 0, 1), second);
        var open = Assert.Single(records, r => r.Open);
        Assert.Equal((date, Now, Now.Plus(Duration.FromDays(1))), (open.Problem, open.FirstSeen, open.LastSeen));
        var resolved = Assert.Single(records, r => !r.Open);
        Assert.Equal(owner, resolved.Problem);
        Assert.Equal(Now.Plus(Duration.FromDays(1)), resolved.ResolvedAt);
        Assert.Equal(new ProblemCount(2, 1, 0), third);
    }

    [Fact]
    public async Task Problems_OfOneScope_DoNotResolveAnother()
    {
        var problems = new ProblemLog(backend.Fresh());
        await problems.Reconcile("fgw", [new Problem("progress", "a:2026-01-10:01", "Progress", "120", "out of range")], Now);

        await problems.Reconcile("zjj", [], Now);

        Assert.True(Assert.Single(await problems.Of("fgw")).Open);
    }

    [Fact]
    public async Task AdminStore_RoundTripsEveryAdminRow_AndReadsOneUnitsPartitions()
    {
        var store = new AdminStore(backend.Fresh());
        var data = SampleAdminData();

        await WriteAll(store, data);
        var all = await store.ReadAll();
        var config = await store.ReadConfiguration();
        var unit = await store.ReadUnit(Unit, []);

        Assert.Equivalent(data, all, strict: true);
        Assert.Equivalent(data.Configuration, config, strict: true);
        Assert.Equivalent(data.OfUnit(Unit), unit, strict: true);
    }

    [Fact]
    public async Task AdminStore_ReadsOneIndicatorsValuesAndExemptions_AndLeavesThemOutOfTheUnits()
    {
        var store = new AdminStore(backend.Fresh());
        var data = SampleAdminData();
        await WriteAll(store, data);

        var investment = await store.ReadIndicator(new IndicatorId("gdtz-zs"));
        var funds = await store.ReadIndicator(new IndicatorId("zjbf-jd"));
        var unit = await store.ReadUnit(Unit, []);

        Assert.Equivalent(data.OfIndicator(new IndicatorId("gdtz-zs")), investment, strict: true);
        Assert.Equal(["2025-04", "2025-05"], investment.Values.Select(v => v.Period));
        Assert.Equal("gdtz-zs", Assert.Single(investment.Exemptions).Indicator);
        Assert.Equal(("82.5", "70"), (Assert.Single(funds.Values).Value, funds.Values[0].ProvincialAverage));
        Assert.Empty(funds.Exemptions);
        Assert.Equal(["fgw-2026-01"], unit.Exemptions.Select(e => e.Task));
    }

    [Fact]
    public async Task AdminStore_WritingTheSameRowsTwice_ChangesNothing()
    {
        var store = new AdminStore(backend.Fresh());
        var data = SampleAdminData();

        var first = await WriteAll(store, data);
        var second = await WriteAll(store, data);
        var changed = await store.Write(AdminTables.Tasks, [data.Tasks[0] with { Title = "改了名字" }]);

        Assert.Equal(0, first.Updated + first.Unchanged);
        Assert.Equal(new WriteCount(0, 0, first.Added), second);
        Assert.Equal(new WriteCount(0, 1, 0), changed);
    }

    [Fact]
    public async Task AdminStore_KeepsWhatAnAdminTyped_WhenANumberColumnHoldsText()
    {
        var store = new AdminStore(backend.Fresh());

        await store.Write(AdminTables.Progress, [new ProgressRow("fgw", "t1", "2026-01-10", "1", "三十", "见附件")]);
        var read = Assert.Single((await store.ReadUnit(Unit, [])).Progress);

        Assert.Equal("三十", read.Progress);
    }

    private static async Task<WriteCount> WriteAll(AdminStore store, AdminData d) =>
        await store.Write(AdminTables.Units, d.Units) + await store.Write(AdminTables.People, d.People)
        + await store.Write(AdminTables.Tasks, d.Tasks) + await store.Write(AdminTables.Milestones, d.Milestones)
        + await store.Write(AdminTables.PlanTemplates, d.PlanStages) + await store.Write(AdminTables.Progress, d.Progress)
        + await store.Write(AdminTables.Rules, d.Rules) + await store.Write(AdminTables.Templates, d.Templates)
        + await store.Write(AdminTables.Calendar, d.Calendar) + await store.Write(AdminTables.Settings, d.Settings)
        + await store.Write(AdminTables.Exemptions, d.Exemptions) + await store.Write(AdminTables.Explanations, d.Explanations)
        + await store.Write(AdminTables.Indicators, d.Indicators) + await store.Write(AdminTables.IndicatorValues, d.IndicatorValues)
        + await store.Write(AdminTables.RankingGroups, d.RankingGroups);

    internal static AdminData SampleAdminData() => new(
        [new UnitRow("fgw", "市发展改革委", "fgw-zhang", "fgw-li", "city-wang"), new UnitRow("zjj", "市住房城乡建设局", "zjj-zhao")],
        [
            new PersonRow("fgw-zhang", "张伟", "fgw", "主任", "zhangwei@fgw.example.gov.cn", "13800138000", "email,sms"),
            new PersonRow("fgw-li", "李娜", "fgw", "副主任", "lina@fgw.example.gov.cn", null, "邮件"),
            new PersonRow("city-wang", "王强", null, "副市长", "wangqiang@example.gov.cn", "+8613900139000"),
        ],
        [
            new TaskRow("fgw-2026-01", "fgw", "推进城市更新", "重点任务", "2026-01-05", "2026-09-30", "fgw-li", null, "进行中", "旬"),
            new TaskRow("zjj-2026-01", "zjj", "老旧小区改造", "重点项目", "2026-02-02", "2026-11-30", "zjj-zhao", "project-4stage", null, "月", "city-wang"),
        ],
        [new MilestoneRow("fgw", "fgw-2026-01", "2026-04-30", "完成方案报批", "30")],
        [
            new PlanStageRow("project-4stage", "重点项目四阶段", "1", "前期手续", "40", "25"),
            new PlanStageRow("project-4stage", null, "2", "主体施工", "60", "100"),
        ],
        [
            new ProgressRow("fgw", "fgw-2026-01", "2026-01-10", "1", "5", "启动", "fgw-li"),
            new ProgressRow("fgw", "fgw-2026-01", "2026-01-10", "2", "4.5", "更正：口径调整", "fgw-li"),
        ],
        [.. DefaultRules.Rows.Take(2)],
        [new MessageTemplate("due-soon", "【提醒】{item}", "{recipient}：请注意{due}到期。", "{item}将于{due}到期")],
        [new CorrectionRow("2027", "year", "国办发明电〔2026〕X号"), new CorrectionRow("2027-01-01", "休", "元旦")],
        [new SettingRow("SupervisionOffice", "dcs-office", "督查室公共邮箱")],
        [
            new ExemptionRow("fgw", "fgw-2026-01", "2026-07", "督查室", "2026-07-03", "汛期停工"),
            new ExemptionRow("fgw", null, "2025-12", "fgw-zhang", "2026-01-20", "重大项目审批调整", "客观", "gdtz-zs"),
        ],
        [new ExplanationRow("fgw", "ev-0123456789abcdef0123456789abcdef", "fgw-2026-01", "说明", "2026-06-05", "fgw-li", "已召开专题会")])
    {
        Indicators =
        [
            new IndicatorRow
            {
                Id = "gdtz-zs", Name = "固定资产投资增速", Owner = "fgw", MeasureUnit = "%", Direction = "越高越好", Accumulation = "累计", PeriodKind = "月",
                AnnualTarget = "8", Floor = "6.5", Stretch = "7.5", CheckAt = "每期", RankFloor = "4", RankGoal = "3", RankStretch = "1",
                NotLowerThan = "一季度", Lag = "排名", YellowRatio = "90%",
            },
            new IndicatorRow { Id = "zjbf-jd", Name = "资金拨付进度", Owner = "zjj", Accumulation = "cumulative", PeriodKind = "week" },
        ],
        IndicatorValues =
        [
            new IndicatorValueRow("gdtz-zs", "fgw", "2025-04", "6.1", "2025-05-20", "5", "12", "5.8", "fgw-li"),
            new IndicatorValueRow("gdtz-zs", "fgw", "2025-05", "-0.5", "2025-06-18", "11", "12", "6.1"),
            new IndicatorValueRow("zjbf-jd", "zjj", "2025-W10", "82.5", "2025-03-10", ProvincialAverage: "70"),
        ],
        RankingGroups = [new RankingGroupRow("bureaus-zjbf", "各部门", "zjbf-jd", "fgw、zjj", "1", "1")],
    };
}

public sealed class AzuriteStoreTests() : StoreContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteStoreTests(SqliteBackend backend) : StoreContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
