using Escalation.Domain.Calendar;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Functions.Storage;

/// <summary>What a day's run works with: the configuration, the local date it evaluates, and the configuration's problems.</summary>
/// <param name="Configuration">The configuration, validated.</param>
/// <param name="Today">The local date of the run, in the deployment's zone.</param>
/// <param name="Problems">The configuration's problems, including, when today's year has no calendar, the one that stops the run.</param>
public sealed record DayConfiguration(Configuration Configuration, LocalDate Today, IReadOnlyList<Problem> Problems)
{
    /// <summary>False when today's year has no calendar: nothing can be evaluated today, and <see cref="Problems"/> says so.</summary>
    public bool CanEvaluate => Configuration.Calendar.IsLoaded(Today.Year);
}

/// <summary>One unit read and evaluated, nothing written: its items as stored, its rows' problems, and the evaluation.</summary>
public sealed record UnitAssessment(IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> RowProblems, EvaluationResult Result);

/// <summary>One unit read and evaluated: its items, the evaluation, and every problem found (rows and evaluation).</summary>
public sealed record UnitCheck(IReadOnlyList<ItemState> Items, EvaluationResult Result, IReadOnlyList<Problem> Problems, ProblemCount Recorded);

/// <summary>One indicator read and evaluated city-wide, nothing written: its rows' problems and the evaluation.</summary>
public sealed record IndicatorAssessment(IndicatorInputs Inputs, IReadOnlyList<Problem> RowProblems, EvaluationResult Result)
{
    /// <summary>Everything found: the rows' problems, then the evaluation's.</summary>
    public IReadOnlyList<Problem> Problems => [.. RowProblems, .. Result.Problems];
}

/// <summary>
/// What every run reads, validated: the configuration once, then each unit's rows. The problems found are reconciled
/// into the problems table per scope (<c>config</c>, the unit id, <c>ind:</c> and an indicator id), so that a fixed row's problem is resolved on the next
/// read. Nothing here stops on bad input: faulty rows are left out and reported.
/// </summary>
public sealed class DailyRead(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private readonly AdminStore _admin = new(tables);
    private readonly EscalationLog _log = new(tables);
    private readonly ProblemLog _problems = new(tables);
    private readonly FirstSeenDates _firstSeen = new(tables);

    /// <summary>
    /// The configuration as the daily scan validates it, for today (the clock's local date), with its problems recorded
    /// under the <c>config</c> scope. When today's year has no calendar, that is one of the problems (and the day cannot
    /// be evaluated): the scan and <c>check</c> both read the configuration here, so neither resolves what the other found.
    /// </summary>
    public async Task<DayConfiguration> Configuration(CancellationToken cancellationToken = default)
    {
        var (configuration, problems) = await ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        if (!configuration.Calendar.IsLoaded(today.Year))
        {
            problems = [.. problems, MissingYear.StopsTheRun(today, configuration.Calendar.LoadedYears)];
        }

        await RecordConfiguration(problems, cancellationToken).ConfigureAwait(false);
        return new DayConfiguration(configuration, today, problems);
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
    /// <see cref="RecordFirstSeen(UnitId, IEnumerable{ItemState}, LocalDate, CancellationToken)"/>).
    /// </summary>
    public async Task<(IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> Problems)> Unit(
        Configuration configuration, UnitId unit, CancellationToken cancellationToken = default)
    {
        var (items, problems, _) = await UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        return (items, problems);
    }

    /// <summary>
    /// <see cref="Unit"/> and the rows it was built from: the unit's admin rows, the demands of its notices, and the
    /// closed loop's decisions and exemption requests of its partition.
    /// </summary>
    public async Task<(IReadOnlyList<ItemState> Items, IReadOnlyList<Problem> Problems, UnitRows Rows)> UnitWithRows(
        Configuration configuration, UnitId unit, CancellationToken cancellationToken = default)
    {
        var firstSeen = _firstSeen.OfUnit(unit, cancellationToken);
        var (demands, notices) = await _log.Issued(unit, cancellationToken).ConfigureAwait(false);
        var cases = new CaseRecords(tables);
        var rows = await _admin.ReadUnit(unit, demands, cancellationToken).ConfigureAwait(false) with
        {
            Decisions = await cases.Decisions(unit, cancellationToken).ConfigureAwait(false),
            ExemptionRequests = await cases.Requests(unit, cancellationToken).ConfigureAwait(false),
            Notices = notices,
        };
        var (items, problems) = UnitItems.Build(configuration, rows);
        var seen = await firstSeen.ConfigureAwait(false);
        return ([.. items.Select(i => seen.TryGetValue(i.Item.Id, out var date) ? i with { FirstSeen = date } : i)], problems, rows);
    }

    /// <summary>
    /// One indicator's inputs for <see cref="Domain.Indicators.IndicatorEvaluator"/>: its definition and ranking groups
    /// from <paramref name="configuration"/>, every unit's values and its exemptions read with two partition queries, its
    /// first-seen date (<see cref="IndicatorInputs.FirstSeen"/>, absent when the engine has not seen it yet: see
    /// <see cref="IndicatorInputs.SeenBy"/> and <see cref="RecordFirstSeen(Configuration, IndicatorInputs, LocalDate, CancellationToken)"/>),
    /// and the problems of those rows (faulty rows are left out). The caller adds what the evaluator finds and records them.
    /// </summary>
    public async Task<(IndicatorInputs Inputs, IReadOnlyList<Problem> Problems)> Indicator(
        Configuration configuration, IndicatorId indicator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var firstSeen = configuration.Indicators.Definitions.TryGetValue(indicator, out var definition)
            ? _firstSeen.OfIndicator(definition.Owner, indicator, cancellationToken)
            : Task.FromResult<LocalDate?>(null);
        var rows = await _admin.ReadIndicator(indicator, cancellationToken).ConfigureAwait(false);
        var (inputs, problems) = IndicatorItems.Build(configuration, rows);
        return await firstSeen.ConfigureAwait(false) is { } seen
            ? (inputs with { FirstSeen = new Dictionary<IndicatorId, LocalDate> { [indicator] = seen } }, problems)
            : (inputs, problems);
    }

    /// <summary>
    /// Reads one indicator (<see cref="Indicator"/>) and evaluates it on <paramref name="today"/> with the rules of
    /// <paramref name="scan"/>, city-wide, writing nothing. An indicator never seen before is evaluated as first seen today;
    /// <see cref="IndicatorAssessment.Inputs"/> keeps it as stored (no first-seen date) for the caller to record. Throws
    /// <see cref="CalendarYearNotLoadedException"/> when today's year has no calendar.
    /// </summary>
    public async Task<IndicatorAssessment> AssessIndicator(
        Configuration configuration, IndicatorId indicator, LocalDate today, ScanSlot scan = ScanSlot.Morning, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (inputs, rowProblems) = await Indicator(configuration, indicator, cancellationToken).ConfigureAwait(false);
        var evaluator = new IndicatorEvaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        return new IndicatorAssessment(inputs, rowProblems, evaluator.Evaluate(inputs.SeenBy(today), today, scan));
    }

    /// <summary>
    /// <see cref="AssessIndicator"/> with the morning's rules, then reconciles the indicator's scope with everything found,
    /// as <see cref="Evaluate"/> does for a unit: <c>check</c> finds an indicator's problems this way.
    /// </summary>
    public async Task<(IndicatorAssessment Assessment, ProblemCount Recorded)> EvaluateIndicator(
        Configuration configuration, IndicatorId indicator, LocalDate today, CancellationToken cancellationToken = default)
    {
        var assessed = await AssessIndicator(configuration, indicator, today, cancellationToken: cancellationToken).ConfigureAwait(false);
        var recorded = await RecordIndicator(indicator, assessed.Problems, cancellationToken).ConfigureAwait(false);
        return (assessed, recorded);
    }

    /// <summary>Reconciles the indicator's scope (<see cref="ProblemLog.IndicatorScope"/>) with everything found this run.</summary>
    public Task<ProblemCount> RecordIndicator(IndicatorId indicator, IReadOnlyList<Problem> problems, CancellationToken cancellationToken = default) =>
        _problems.Reconcile(ProblemLog.IndicatorScope(indicator), problems, clock.GetCurrentInstant(), cancellationToken);

    /// <summary>
    /// Records <paramref name="date"/> as the first-seen date of those of <paramref name="inputs"/>' indicators (as
    /// <see cref="Indicator"/> read them) that have none, each under its owner unit.
    /// </summary>
    public Task<int> RecordFirstSeen(Configuration configuration, IndicatorInputs inputs, LocalDate date, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(inputs);
        var unseen = inputs.Definitions
            .Where(d => !inputs.FirstSeen.ContainsKey(d.Id) && configuration.Indicators.Definitions.ContainsKey(d.Id))
            .Select(d => (d.Owner, d.Id));
        return _firstSeen.AddMissingIndicators(unseen, date, FirstSeenSource.Evaluation, cancellationToken);
    }

    /// <summary>Records <paramref name="date"/> as the first-seen date of those of the unit's items that have none.</summary>
    public Task<int> RecordFirstSeen(UnitId unit, IEnumerable<ItemState> items, LocalDate date, CancellationToken cancellationToken = default) =>
        _firstSeen.AddMissing(unit, [.. items.Where(i => i.FirstSeen is null).Select(i => i.Item.Id)], date, FirstSeenSource.Evaluation, cancellationToken);

    /// <summary>
    /// Reads one unit and evaluates it on <paramref name="today"/>, writing nothing. Items never seen before are evaluated
    /// as first seen today; <see cref="UnitAssessment.Items"/> keeps them as stored (first-seen null) for the caller to record.
    /// </summary>
    public async Task<UnitAssessment> Assess(
        Configuration configuration, UnitId unit, LocalDate today, ScanSlot scan = ScanSlot.Morning, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (items, rowProblems, rows) = await UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
        var evaluator = new Evaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var result = evaluator.Evaluate([.. items.Select(i => i.SeenBy(today))], today, scan);

        // The follow-up of the unit's indicator notices (their explanations overdue, their notices unsigned), judged as a task's.
        var followUps = UnitItems.FollowUps(configuration, rows);
        if (followUps.Count > 0)
        {
            var followed = evaluator.EvaluateFollowUps(followUps, today, scan);
            result = result with { Events = [.. result.Events, .. followed.Events], Problems = [.. result.Problems, .. followed.Problems] };
        }

        // The closed loop's events of the catch-up window's records: the web raised them when it wrote each record, and
        // raising them again (same ids) repairs a crash between the record and its event.
        var loop = LoopEvents.ForUnit(configuration, rows, items, today, scan);
        if (loop.Count > 0)
        {
            result = result with { Events = [.. result.Events, .. loop] };
        }

        return new UnitAssessment(items, rowProblems, result);
    }

    /// <summary>
    /// <see cref="Assess"/>, then reconciles the unit's problem scope with everything found: its rows' problems and the
    /// evaluation's (calendar gaps included). The daily run and <c>check</c> both find a unit's problems this way, so that
    /// neither resolves a problem the other still finds.
    /// </summary>
    public async Task<UnitCheck> Evaluate(Configuration configuration, UnitId unit, LocalDate today, CancellationToken cancellationToken = default)
    {
        var assessed = await Assess(configuration, unit, today, cancellationToken: cancellationToken).ConfigureAwait(false);
        List<Problem> problems = [.. assessed.RowProblems, .. assessed.Result.Problems];
        var recorded = await Record(unit, problems, cancellationToken).ConfigureAwait(false);
        return new UnitCheck(assessed.Items, assessed.Result, problems, recorded);
    }

    /// <summary>Reconciles the unit's scope with everything found this run (row problems and evaluation problems).</summary>
    public Task<ProblemCount> Record(UnitId unit, IReadOnlyList<Problem> problems, CancellationToken cancellationToken = default) =>
        _problems.Reconcile(unit.Value, problems, clock.GetCurrentInstant(), cancellationToken);
}
