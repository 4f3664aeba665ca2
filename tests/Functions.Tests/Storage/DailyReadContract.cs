using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Storage;

/// <summary>Rows an admin edits by hand (Storage Explorer) are validated on every read; bad ones are reported and skipped, then resolved once fixed.</summary>
public abstract class DailyReadContract<TBackend>(TBackend backend)
    where TBackend : IBackend
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly UnitId Fgw = new("fgw");

    [Fact]
    public async Task Unit_ReportsABadRowAndKeepsTheRest_ThenResolvesItOnceFixed()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var store = new AdminStore(tables);
        var data = StoreContract<TBackend>.SampleAdminData();
        await store.Write(AdminTables.Units, data.Units);
        await store.Write(AdminTables.People, data.People);
        var good = data.Tasks[0];
        var bad = good with { Id = "fgw-2026-02", Deadline = "2026/09/30" };
        await store.Write(AdminTables.Tasks, [good, bad]);
        var read = new DailyRead(tables, clock, Zone);

        var (configuration, _, _) = await read.Configuration();
        var (items, problems) = await read.Unit(configuration, Fgw);
        await read.Record(Fgw, problems);
        var open = await new ProblemLog(tables).Of("fgw");

        Assert.Equal("fgw-2026-01", Assert.Single(items).Item.Id.Value);
        var problem = Assert.Single(open).Problem;
        Assert.Equal(("tasks", "fgw-2026-02", "Deadline", "2026/09/30"), (problem.Table, problem.Key, problem.Field, problem.Value));

        clock.AdvanceHours(24);
        await store.Write(AdminTables.Tasks, [bad with { Deadline = "2026-09-30" }]);
        var (fixedItems, fixedProblems) = await read.Unit(configuration, Fgw);
        var count = await read.Record(Fgw, fixedProblems);
        var after = Assert.Single(await new ProblemLog(tables).Of("fgw"));

        Assert.Equal(2, fixedItems.Count);
        Assert.Equal(1, count.Resolved);
        Assert.False(after.Open);
        Assert.Equal(clock.GetCurrentInstant(), after.ResolvedAt);
    }

    [Fact]
    public async Task Unit_GivesEachItemItsFirstSeenDate_AndRecordingAgainKeepsTheFirst()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        var store = new AdminStore(tables);
        var data = StoreContract<TBackend>.SampleAdminData();
        await store.Write(AdminTables.Units, data.Units);
        await store.Write(AdminTables.People, data.People);
        await store.Write(AdminTables.Tasks, [data.Tasks[0]]);
        var read = new DailyRead(tables, clock, Zone);
        var (configuration, _, _) = await read.Configuration();

        var (unseen, _) = await read.Unit(configuration, Fgw);
        var recorded = await read.RecordFirstSeen(Fgw, unseen, new LocalDate(2026, 6, 1));
        var (seen, _) = await read.Unit(configuration, Fgw);
        var again = await read.RecordFirstSeen(Fgw, [seen[0] with { FirstSeen = null }], new LocalDate(2026, 7, 1));
        var (later, _) = await read.Unit(configuration, Fgw);

        Assert.Null(Assert.Single(unseen).FirstSeen);
        Assert.Equal(1, recorded);
        Assert.Equal(new LocalDate(2026, 6, 1), Assert.Single(seen).FirstSeen);
        Assert.Equal(0, again);
        Assert.Equal(new LocalDate(2026, 6, 1), Assert.Single(later).FirstSeen);
    }

    [Fact]
    public async Task Indicator_BuildsTheIndicatorsInputs_AndReportsItsBadRows()
    {
        var tables = backend.Fresh();
        var store = new AdminStore(tables);
        var data = StoreContract<TBackend>.SampleAdminData();
        await store.Write(AdminTables.Units, data.Units);
        await store.Write(AdminTables.People, data.People);
        await store.Write(AdminTables.Indicators, data.Indicators);
        await store.Write(AdminTables.RankingGroups, data.RankingGroups);
        await store.Write(AdminTables.IndicatorValues, [.. data.IndicatorValues, new IndicatorValueRow("gdtz-zs", "fgw", "2025-W23", "7.0", "2025-06-09")]);
        await store.Write(AdminTables.Exemptions, data.Exemptions);
        var read = new DailyRead(tables, new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30)), Zone);
        var (configuration, _, configurationProblems) = await read.Configuration();

        var (inputs, problems) = await read.Indicator(configuration, new IndicatorId("gdtz-zs"));
        var (funds, _) = await read.Indicator(configuration, new IndicatorId("zjbf-jd"));

        Assert.DoesNotContain(configurationProblems, p => p.Table is "indicators" or "rankinggroups");
        Assert.Equal(["gdtz-zs"], inputs.Definitions.Select(d => d.Id.Value));
        Assert.Equal(["2025-04", "2025-05"], inputs.Values.Select(v => v.Period.Key).Order(StringComparer.Ordinal));
        Assert.Equal([new IndicatorExemption(new IndicatorId("gdtz-zs"), Fgw, IndicatorPeriod.Month(2025, 12))], inputs.Exemptions);
        var problem = Assert.Single(problems);
        Assert.Equal(("indicatorvalues", "gdtz-zs/fgw/2025-W23", "Period"), (problem.Table, problem.Key, problem.Field));
        Assert.Equal(["bureaus-zjbf"], funds.Groups.Select(g => g.Id.Value));
    }

    [Fact]
    public async Task Configuration_RecordsProblemsUnderTheConfigScope()
    {
        var tables = backend.Fresh();
        var store = new AdminStore(tables);
        await store.Write(AdminTables.Rules, [new Domain.Rules.RuleRow { Id = "R9", Level = "提醒", Trigger = "whenever", To = "owner", Channels = "email", Template = "due-soon" }]);
        var read = new DailyRead(tables, new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30)), Zone);

        var (configuration, _, problems) = await read.Configuration();
        var recorded = await new ProblemLog(tables).Of(ProblemLog.ConfigScope);

        Assert.Empty(configuration.Rules);
        Assert.Contains(problems, p => p is { Table: "rules", Key: "R9", Field: "Trigger" });
        Assert.Contains(recorded, r => r.Open && r.Problem.Field == "Trigger");
    }
}

public sealed class AzuriteDailyReadTests() : DailyReadContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteDailyReadTests(SqliteBackend backend) : DailyReadContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
