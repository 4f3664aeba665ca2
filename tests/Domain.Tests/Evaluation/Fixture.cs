using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>The city of the scenarios: 商务局 with its people, the shipped calendar and the default rules.</summary>
internal static class Fixture
{
    public static readonly UnitId Commerce = new("swj");
    public static readonly PersonId Owner = new("swj-zhou");
    public static readonly PersonId Principal = new("swj-zhang");
    public static readonly PersonId Deputy = new("swj-li");
    public static readonly PersonId LeadOfficial = new("city-wang");
    public static readonly PersonId Office = new("dcs");

    public static readonly Roster Roster = Roster.Of(
        [new UnitRoster(Commerce, "商务局", Principal, Deputy, LeadOfficial)], Office);

    public static Evaluator Evaluator(IEnumerable<EscalationRule>? rules = null, Roster? roster = null, EvaluationOptions? options = null) =>
        new(ShippedCalendar.Default, rules ?? DefaultRules.All, roster ?? Roster, options);

    public static LocalDate D(int y, int m, int d) => new(y, m, d);

    public static SupervisedItem Item(
        string id,
        LocalDate start,
        LocalDate deadline,
        Plan? plan = null,
        ReportCadence? cadence = null,
        string title = "外贸稳增长行动",
        ItemKind kind = ItemKind.KeyTask) =>
        new(new ItemId(id), Commerce, title, kind, start, deadline, Owner, plan ?? Plan.Linear, cadence ?? ReportCadence.None);

    /// <summary>The annual 2024 task of the lag scenarios: linear from 01-01 to 12-31, no report cadence.</summary>
    public static SupervisedItem Annual2024(string id = "2024-ZD-001") => Item(id, D(2024, 1, 1), D(2024, 12, 31));

    public static ProgressReport Report(LocalDate on, double progress) => new(on, progress);

    public static IReadOnlyList<EscalationEvent> Run(Evaluator evaluator, LocalDate today, params ItemState[] items) =>
        evaluator.Evaluate(items, today).Events;
}
