using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Events of several items and units, as one day's evaluation raises them, and letters of them.</summary>
internal static class LetterFixtures
{
    /// <summary>Tuesday 2026-06-02: the first working day after May's close (05-31 is a Sunday).</summary>
    public static readonly LocalDate Today = new(2026, 6, 2);

    public static readonly WordingSettings Office = new("市政府督查室", "【市督查室】", "联系人：王某，电话：0755-12345678");

    public static EscalationEvent Lag(
        string title,
        string unit = "市卫健委",
        string unitId = "wjw",
        EventLevel level = EventLevel.Summons,
        int? streak = null,
        double planned = 50,
        double reported = 30,
        LocalDate? date = null,
        Demand? demand = null)
    {
        var rule = new RuleId(level switch { EventLevel.Reminder => "R4", EventLevel.Notice => "R5", _ => "R6" });
        var item = ItemOf(unitId, title);
        var template = level switch { EventLevel.Reminder => "lag-reminder", EventLevel.Notice => "lag-notice", _ => "lag-summons" };
        var facts = new EventFacts(title, unit, planned, reported,
            Streak: streak ?? level switch { EventLevel.Reminder => 1, EventLevel.Notice => 2, _ => 3 }, Period: "2026年5月", PeriodKey: "2026-05");
        return new EscalationEvent(
            EventId.For(rule, item, "lag:2026-05"), rule, level, EventKind.Lagging, item, new UnitId(unitId), date ?? Today, "lag:2026-05",
            [], [Channel.Email, Channel.Sms], template, facts, demand);
    }

    public static EscalationEvent Overdue(string title, string unit = "市交通运输局", string unitId = "jtj", LocalDate? date = null, Demand? demand = null)
    {
        var rule = new RuleId("R3");
        var item = ItemOf(unitId, title);
        var facts = new EventFacts(title, unit, 60, 45, Checkpoint: "完成主体施工", CheckpointDue: new LocalDate(2026, 5, 29), CheckpointTarget: 60);
        return new EscalationEvent(
            EventId.For(rule, item, "overdue:2026-05-29"), rule, EventLevel.Notice, EventKind.Overdue, item, new UnitId(unitId), date ?? Today,
            "overdue:2026-05-29", [], [Channel.Email, Channel.Sms], "overdue", facts,
            demand ?? new Demand(DemandKind.Rectification, new LocalDate(2026, 6, 16)));
    }

    /// <summary>An item id from a title that may hold any character (ids may not).</summary>
    private static ItemId ItemOf(string unitId, string title) =>
        new(unitId + "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(title)))[..12]);

    /// <summary>Six tasks of 市卫健委 at a three-month streak: one summons to its principal.</summary>
    public static IReadOnlyList<EscalationEvent> SixSummonses { get; } =
    [
        Lag("基层医疗卫生服务能力提升"), Lag("公立医院高质量发展"), Lag("“一网通办”医疗服务改革"),
        Lag("社区卫生服务中心建设"), Lag("全民健康信息平台建设"), Lag("医疗废物集中处置"),
    ];

    public static Letter LetterOf(string? name, IEnumerable<EscalationEvent> events, bool isCopy = false, LocalDate? day = null)
    {
        var list = events.ToList();
        return new Letter(name, list[0].Level, day ?? Today, [.. list.Select(e => new LetterItem(e, DefaultTemplates.ById[e.Template], isCopy))]);
    }
}
