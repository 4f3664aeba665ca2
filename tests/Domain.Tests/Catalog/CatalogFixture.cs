using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>
/// Admin tables that are valid as they stand: 商务局 (swj) and 发改委 (fgw) with their people, a staged plan template
/// and two 2026 tasks of 商务局. Each test changes one thing and checks that only that thing is reported and skipped.
/// </summary>
internal static class CatalogFixture
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static readonly UnitId Commerce = new("swj");

    public static IReadOnlyList<UnitRow> Units { get; } =
    [
        new("swj", "商务局", Principal: "swj-zhang", DeputyInCharge: "swj-li", LeadOfficial: "city-wang"),
        new("fgw", "发改委", Principal: "fgw-chen"),
    ];

    public static IReadOnlyList<PersonRow> People { get; } =
    [
        new("swj-zhou", "周科长", "swj", "科长", "zhou@swj.example.gov.cn", "13800138000"),
        new("swj-zhang", "张局长", "swj", "局长", "zhang@swj.example.gov.cn", "13900139000"),
        new("swj-li", "李副局长", "swj", "副局长", "li@swj.example.gov.cn"),
        new("fgw-chen", "陈主任", "fgw", "主任", Mobile: "13700137000"),
        new("city-wang", "王副市长", Title: "副市长", Email: "wang@example.gov.cn"),
        new("dcs", "督查室", Email: "dcs@example.gov.cn"),
    ];

    public static IReadOnlyList<PlanStageRow> PlanStages { get; } =
    [
        new("build", "建设项目", "1", "前期", "20", "20"),
        new("build", "", "2", "施工", "60", "80"),
        new("build", "", "3", "验收", "10", "100"),
    ];

    public static IReadOnlyList<SettingRow> Settings { get; } = [new("SupervisionOffice", "dcs")];

    public static ConfigurationRows Rows { get; } = new(Units, People, PlanStages, [], [], [], Settings);

    /// <summary>The fixture's configuration, built once: its rows are valid.</summary>
    public static Configuration ValidConfiguration { get; } = BuildValid();

    public static LocalDate D(int y, int m, int d) => new(y, m, d);

    public static (Configuration Configuration, IReadOnlyList<Problem> Problems) Build(ConfigurationRows rows) =>
        Configuration.Build(rows, ShippedCalendar.ChinaMainland, Zone);

    /// <summary>A valid task of 商务局, 2026-03-02 to 2026-09-30, owned by 周科长, linear, reported per 旬.</summary>
    public static TaskRow ValidTask(string id) =>
        new(id, "swj", "外贸稳增长行动" + id, "KeyTask", "2026-03-02", "2026-09-30", "swj-zhou");

    /// <summary>The changed row of T1 and the untouched T2, which must still build whatever is wrong with T1.</summary>
    public static TaskRow[] WithT1(TaskRow t1) => [t1, ValidTask("T2")];

    public static UnitRows UnitRows(
        IReadOnlyList<TaskRow>? tasks = null,
        IReadOnlyList<MilestoneRow>? milestones = null,
        IReadOnlyList<ProgressRow>? progress = null,
        IReadOnlyList<ExemptionRow>? exemptions = null,
        IReadOnlyList<ExplanationRow>? explanations = null,
        IReadOnlyList<IssuedDemand>? demands = null,
        UnitId? unit = null) =>
        new(unit ?? Commerce, tasks ?? WithT1(ValidTask("T1")), milestones ?? [], progress ?? [], exemptions ?? [], explanations ?? [], demands ?? []);

    public static (IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> Problems) BuildItems(UnitRows rows) =>
        UnitItems.Build(ValidConfiguration, rows);

    public static ItemState Item(IReadOnlyList<ItemState> items, string id) => Assert.Single(items, i => i.Item.Id.Value == id);

    /// <summary>Asserts that the problems are exactly one, as described, and returns it.</summary>
    public static Problem AssertSingleProblem(
        IReadOnlyList<Problem> problems, string table, string key, string field, string? value, string reason)
    {
        var problem = Assert.Single(problems);
        Assert.Equal(table, problem.Table);
        Assert.Equal(key, problem.Key);
        Assert.Equal(field, problem.Field);
        Assert.Equal(value, problem.Value);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        return problem;
    }

    private static Configuration BuildValid()
    {
        var (configuration, problems) = Build(Rows);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The catalog fixture is not valid: " + string.Join("; ", problems));
        }

        return configuration;
    }
}
