using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>
/// What every run reads, validated: the configuration once, then each unit's rows. The problems found are reconciled
/// into the problems table per scope (<c>config</c>, the unit id), so that a fixed row's problem is resolved on the next
/// read. Nothing here stops on bad input: faulty rows are left out and reported.
/// </summary>
public sealed class DailyRead(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private readonly AdminStore _admin = new(tables);
    private readonly EscalationLog _log = new(tables);
    private readonly ProblemLog _problems = new(tables);
    private readonly FirstSeenDates _firstSeen = new(tables);

    /// <summary>The configuration, with its problems recorded under the <c>config</c> scope.</summary>
    public async Task<(Configuration Configuration, IReadOnlyList<Problem> Problems)> Configuration(CancellationToken cancellationToken = default)
    {
        var (configuration, problems) = await ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        await RecordConfiguration(problems, cancellationToken).ConfigureAwait(false);
        return (configuration, problems);
    }

    /// <summary>Reconciles the <c>config</c> scope with the configuration's problems (and any found about it elsewhere).</summary>
    public Task<ProblemCount> RecordConfiguration(IReadOnlyList<Problem> problems, CancellationToken cancellationToken = default) =>
        _problems.Reconcile(ProblemLog.ConfigScope, problems, clock.GetCurrentInstant(), cancellationToken);

    /// <summary>The configuration without recording its problems: for the steps after the scan (evaluate, deliver), which need it but
    /// must not each write the same problems again.</summary>
    public async Task<(Configuration Configuration, IReadOnlyList<Problem> Problems)> ConfigurationUnrecorded(CancellationToken cancellationToken = default)
    {
        var rows = await _admin.ReadConfiguration(cancellationToken).ConfigureAwait(false);
        return Domain.Catalog.Configuration.Build(rows, ShippedCalendar.ChinaMainland, zone);
    }

    /// <summary>
    /// One unit's items, ready for the evaluator, and the problems of its rows. The caller adds what it finds later for
    /// the same unit (the evaluator's own problems) and hands them all to <see cref="Record"/>. Each item carries its
    /// first-seen date, or null when the engine has not seen it yet (<see cref="ItemState.SeenBy"/> and
    /// <see cref="RecordFirstSeen"/>).
    /// </summary>
    public async Task<(IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> Problems)> Unit(
        Configuration configuration, UnitId unit, CancellationToken cancellationToken = default)
    {
        var firstSeen = _firstSeen.OfUnit(unit, cancellationToken);
        var demands = await _log.Demands(unit, cancellationToken).ConfigureAwait(false);
        var rows = await _admin.ReadUnit(unit, demands, cancellationToken).ConfigureAwait(false);
        var (items, problems) = UnitItems.Build(configuration, rows);
        var seen = await firstSeen.ConfigureAwait(false);
        return ([.. items.Select(i => seen.TryGetValue(i.Item.Id, out var date) ? i with { FirstSeen = date } : i)], problems);
    }

    /// <summary>Records <paramref name="date"/> as the first-seen date of those of the unit's items that have none.</summary>
    public Task<int> RecordFirstSeen(UnitId unit, IEnumerable<ItemState> items, LocalDate date, CancellationToken cancellationToken = default) =>
        _firstSeen.AddMissing(unit, [.. items.Where(i => i.FirstSeen is null).Select(i => i.Item.Id)], date, FirstSeenSource.Evaluation, cancellationToken);

    /// <summary>Reconciles the unit's scope with everything found this run (row problems and evaluation problems).</summary>
    public Task<ProblemCount> Record(UnitId unit, IReadOnlyList<Problem> problems, CancellationToken cancellationToken = default) =>
        _problems.Reconcile(unit.Value, problems, clock.GetCurrentInstant(), cancellationToken);
}
