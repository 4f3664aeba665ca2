using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Rules;
using Escalation.Domain.Timelines;
using NodaTime;

namespace Escalation.Benchmarks;

/// <summary>
/// A deterministic, realistic portfolio: items across ~200 units, each with 5 explicit milestones between a start in
/// 2025 and a deadline in 2026, a few progress reports each (most on or near plan, some lagging, some done, a few
/// reporters gone quiet), a sprinkle of open demands and exempt periods. Everything derives from one seeded
/// <see cref="Random"/>, so two builds with the same arguments hold the same items and the evaluator raises the same events.
/// </summary>
public sealed class Workload
{
    public const int DefaultItemCount = 1_000_000;
    public const int UnitCount = 200;
    public const int DefaultSeed = 20_260_615;

    private const int OwnersPerUnit = 8;

    private static readonly string[] UnitNames =
    [
        "发展改革委", "教育局", "科技局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局", "人力资源社会保障局", "自然资源局",
        "生态环境局", "住房城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电旅游局", "卫生健康委", "应急管理局", "审计局",
        "市场监管局", "统计局", "医保局", "城管局", "行政审批局", "数据局", "退役军人事务局", "林业局", "体育局", "供销社",
    ];

    private static readonly string[] Titles =
    [
        "老旧小区改造", "城区雨污分流", "中小学校舍扩建", "智慧城市平台建设", "农村公路提档升级", "养老服务中心建设", "营商环境优化攻坚",
        "重点项目征地拆迁", "河道综合整治", "工业园区基础设施配套", "数字政府一网通办", "农贸市场升级改造", "社区卫生服务中心建设",
        "高标准农田建设", "公共停车场建设", "城市绿道贯通", "保障性住房建设", "供水管网改造", "垃圾分类处理设施", "招商引资专项行动",
        "文化馆新馆建设", "全民健身中心建设", "智慧交通信号改造", "天然气管网延伸", "农村饮水安全巩固", "电动自行车充电设施",
        "背街小巷整治", "学前教育普惠扩容", "职业技能提升行动", "医疗集团紧密型改革", "应急避难场所建设", "夜间经济街区打造",
    ];

    private static readonly string[] MilestoneNames = ["前期手续", "方案审定", "开工建设", "主体完工", "竣工验收"];

    private Workload(WorkingCalendar calendar, Roster roster, ItemState[] items, LocalDate today)
    {
        Calendar = calendar;
        Roster = roster;
        Items = items;
        Today = today;
    }

    /// <summary>The evaluation date: 2026-06-15 (a Monday, mid-month) unless told otherwise.</summary>
    public static LocalDate DefaultToday { get; } = new(2026, 6, 15);

    public WorkingCalendar Calendar { get; }

    public Roster Roster { get; }

    public ItemState[] Items { get; }

    public LocalDate Today { get; }

    /// <summary>An evaluator over this workload's calendar and roster, with the default rules unless told otherwise.</summary>
    public Evaluator CreateEvaluator(IEnumerable<EscalationRule>? rules = null) => new(Calendar, rules ?? DefaultRules.All, Roster);

    public static LocalDate ParseDate(string iso) =>
        LocalDate.FromDateOnly(DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>Builds <paramref name="count"/> items as the engine would see them on <paramref name="today"/> (no report dated after it).</summary>
    public static Workload Create(LocalDate today, int count = DefaultItemCount, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var calendar = ShippedCalendar.Default;
        var rng = new Random(seed);

        var units = new UnitRoster[UnitCount];
        var owners = new PersonId[UnitCount][];
        for (var u = 0; u < UnitCount; u++)
        {
            var code = Invariant($"u{u + 1:D3}");
            var name = UnitNames[u % UnitNames.Length] + (u < UnitNames.Length ? "" : Invariant($"（{u / UnitNames.Length + 1}）"));

            // 2% of units have no deputy on file: events addressed to the deputy then report a (deduplicated) problem.
            units[u] = new UnitRoster(
                new UnitId(code),
                name,
                new PersonId(code + "-principal"),
                rng.NextDouble() < 0.02 ? null : new PersonId(code + "-deputy"),
                new PersonId(Invariant($"city-lead-{u % 12:D2}")));
            owners[u] = new PersonId[OwnersPerUnit];
            for (var k = 0; k < OwnersPerUnit; k++)
            {
                owners[u][k] = new PersonId(Invariant($"{code}-staff{k}"));
            }
        }

        var roster = Roster.Of(units, new PersonId("supervision-office"));
        var items = new ItemState[count];
        var firstStart = new LocalDate(2025, 1, 1);
        var lastDeadline = new LocalDate(2026, 12, 31);
        for (var i = 0; i < count; i++)
        {
            items[i] = CreateItem(i, rng, calendar, units, owners, firstStart, lastDeadline, today);
        }

        return new Workload(calendar, roster, items, today);
    }

    private static ItemState CreateItem(
        int index,
        Random rng,
        WorkingCalendar calendar,
        UnitRoster[] units,
        PersonId[][] owners,
        LocalDate firstStart,
        LocalDate lastDeadline,
        LocalDate today)
    {
        var u = rng.Next(UnitCount);
        var unit = units[u];
        var id = new ItemId(Invariant($"2025-DB-{index + 1:D7}"));

        // Start somewhere in 2025; deadline in 2026, at least five months after the start.
        var start = firstStart.PlusDays(rng.Next(0, 330));
        var earliestDeadline = LocalDate.Max(start.PlusDays(150), new LocalDate(2026, 1, 1));
        var deadline = earliestDeadline.PlusDays(rng.Next(0, Period.DaysBetween(earliestDeadline, lastDeadline) + 1));

        // Five milestones strictly between start and deadline, evenly spread with jitter, targets rising ~16 points each.
        var span = Period.DaysBetween(start, deadline);
        var milestones = new Milestone[5];
        for (var k = 1; k <= 5; k++)
        {
            var jitter = rng.Next(-span / 24, span / 24 + 1);
            milestones[k - 1] = new Milestone(MilestoneNames[k - 1], start.PlusDays((span * k / 6) + jitter), (16 * k) + rng.Next(-3, 4));
        }

        var status = rng.NextDouble() < 0.015 ? ItemStatus.Suspended : ItemStatus.Active;
        var kind = (ItemKind)rng.Next(3);
        var owner = owners[u][rng.Next(OwnersPerUnit)];
        PersonId? lead = rng.NextDouble() < 0.1 ? new PersonId(Invariant($"city-lead-{rng.Next(12):D2}")) : null;
        var item = new SupervisedItem(
            id, unit.Id, Titles[rng.Next(Titles.Length)], kind, start, deadline, owner,
            Plan.WithMilestones(milestones), ReportCadence.Default, status, lead);

        // Exact planned progress (in working days), so that "on plan" really is on plan for the engine.
        var timeline = Timeline.Build(item, calendar).Timeline
                       ?? throw new InvalidOperationException($"generated item {id} has an unusable plan");

        var reports = CreateReports(rng, item, timeline, today, out var completed);
        if (completed && rng.NextDouble() < 0.5)
        {
            // Half of the finished items have been accepted and closed; the other half wait, active at 100%.
            item = item with { Status = ItemStatus.Completed };
        }

        string[]? exempt = rng.NextDouble() < 0.01 ? [Invariant($"{today.PlusMonths(-1):yyyy-MM}")] : null;
        OpenDemand[]? demands = null;
        if (rng.NextDouble() < 0.01)
        {
            // An earlier notice demanded a rectification; half were met on time, the rest are overdue now.
            var dueBy = today.PlusDays(-rng.Next(1, 21));
            var notice = EventId.For(new RuleId("R3"), id, Invariant($"overdue:{dueBy.PlusDays(-14):yyyy-MM-dd}"));
            demands = [new OpenDemand(notice, DemandKind.Rectification, dueBy, rng.NextDouble() < 0.5 ? dueBy.PlusDays(-1) : null)];
        }

        return ItemState.Of(item, reports, exempt, demands);
    }

    private static ProgressReport[] CreateReports(Random rng, SupervisedItem item, Timeline timeline, LocalDate today, out bool completed)
    {
        // Behaviour: past-deadline items are mostly done; running ones are mostly on or near plan.
        var roll = rng.NextDouble();
        Func<double, double>? progressFor;
        if (item.Deadline < today)
        {
            completed = roll < 0.85;
            progressFor = completed ? planned => planned : planned => planned * 0.75;
        }
        else
        {
            completed = roll < 0.03;
            // Most owners work a couple of weeks ahead of the plan line, so an upcoming milestone is usually already met.
            progressFor = roll switch
            {
                < 0.03 => _ => 100,  // finished early
                < 0.82 => null,  // on plan: about two weeks ahead
                < 0.96 => planned => planned - (rng.NextDouble() * 8),  // a little behind
                _ => planned => planned * 0.6,  // lagging badly
            };
        }

        // Most owners report at every 旬 close (a day or two late at most); 2% have gone quiet for weeks.
        var last = ReportingPeriod.ClosedBefore(PeriodKind.Xun, today).Close;
        last = rng.NextDouble() < 0.02
            ? last.PlusDays(-rng.Next(20, 60))
            : LocalDate.Min(today, last.PlusDays(rng.Next(0, 3)));
        if (last < item.Start)
        {
            last = item.Start;
        }

        if (completed)
        {
            last = LocalDate.Max(item.Start, LocalDate.Min(last, item.Deadline.PlusDays(-rng.Next(0, 20))));
        }

        var count = rng.Next(3, 7);
        var dates = new List<LocalDate> { last };
        var period = ReportingPeriod.ClosingOnOrBefore(PeriodKind.Xun, last.PlusDays(-1));
        while (dates.Count < count && period.Close >= item.Start)
        {
            dates.Add(LocalDate.Min(period.Close.PlusDays(rng.Next(0, 2)), last.PlusDays(-1)));
            period = period.Previous();
        }

        dates.Reverse();
        var reports = new ProgressReport[dates.Count];
        var previous = 0.0;
        for (var k = 0; k < dates.Count; k++)
        {
            var isFinal = completed && k == dates.Count - 1;
            var expected = progressFor is null
                ? timeline.PlannedOn(LocalDate.Min(dates[k].PlusDays(14), item.Deadline)) + (rng.NextDouble() * 3)
                : progressFor(timeline.PlannedOn(dates[k]));
            var progress = isFinal ? 100 : Math.Round(Math.Clamp(expected, previous, 99), 1);
            previous = progress;
            reports[k] = new ProgressReport(dates[k], progress, reportedBy: item.Owner);
        }

        return reports;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
