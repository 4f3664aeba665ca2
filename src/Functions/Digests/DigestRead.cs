using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Digests;

/// <summary>
/// Reads what the digests are built from, with the readers the daily run uses (<see cref="DailyRead"/> for units and
/// indicators, <see cref="EscalationLog"/> for the month's events, <see cref="DispatchStore"/> for failed messages), then
/// hands it to the pure builders (<see cref="WeeklyList.Build"/>, <see cref="MonthlyNotice.Build"/>). Writes nothing.
/// </summary>
public sealed class DigestRead(IEntityTables tables, IClock clock, DateTimeZone zone)
{
    private readonly DailyRead _read = new(tables, clock, zone);
    private readonly EscalationLog _log = new(tables);
    private readonly DispatchStore _dispatches = new(tables);

    /// <summary>The configuration, its problems not recorded (the daily scan records them).</summary>
    public async Task<Configuration> Configuration(CancellationToken cancellationToken = default) =>
        (await _read.ConfigurationUnrecorded(cancellationToken).ConfigureAwait(false)).Configuration;

    /// <summary>Every indicator's inputs (definitions, values, groups), read indicator by indicator and merged.</summary>
    public async Task<IndicatorInputs> Indicators(Configuration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var definitions = new List<IndicatorDefinition>();
        var values = new List<IndicatorValue>();
        foreach (var id in configuration.Indicators.Definitions.Keys.OrderBy(i => i.Value, StringComparer.Ordinal))
        {
            var (inputs, _) = await _read.Indicator(configuration, id, cancellationToken).ConfigureAwait(false);
            definitions.AddRange(inputs.Definitions.Where(d => d.Id == id));
            values.AddRange(inputs.Values.Where(v => v.Indicator == id));
        }

        return new IndicatorInputs(definitions, values, configuration.Indicators.Groups, []);
    }

    /// <summary>The weekly list of <paramref name="week"/>, as of <paramref name="issuedOn"/>.</summary>
    public async Task<WeeklyList> Weekly(Configuration configuration, DigestPeriod week, LocalDate issuedOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (lights, units, rows) = await TaskLights(configuration, issuedOn, cancellationToken).ConfigureAwait(false);
        var indicators = await Indicators(configuration, cancellationToken).ConfigureAwait(false);
        lights.AddRange(IndicatorLights(indicators, issuedOn, null));
        var activities = LoopActivitiesOf(configuration, units, rows, LoopActivities.Window(issuedOn));
        var demands = (await RaisedBy(DemandSources(configuration, units, rows), issuedOn, cancellationToken).ConfigureAwait(false))
            .SelectMany(u => DemandEntries.Open(u.Unit, u.Sources, issuedOn, overdueOnly: true)).ToList();

        // The failures since the previous list: the seven days before the issue day.
        var failed = await _dispatches.Failed(new DateInterval(issuedOn.PlusDays(-7), issuedOn), cancellationToken).ConfigureAwait(false);
        var failures = failed.Select(d => new FailedMessage(
            d.Key.Id,
            d.Items.Count > 0 ? d.Items[0].Unit : null,
            configuration.People.TryGetValue(d.Key.Person, out var person) ? person.Name : d.Key.Person.Value,
            d.Key.Channel,
            d.LastError ?? "发送失败",
            d.Key.Day)).ToList();
        var unsigned = new List<UnsignedEntry>();
        foreach (var unit in configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
        {
            var (_, notices) = await _log.Issued(unit, cancellationToken).ConfigureAwait(false);
            unsigned.AddRange(UnsignedEntries.Open(
                notices.Select(n => (unit, n.Item, n.Title, n.Reference ?? n.Notice.Value, n.Level, n.Kind, configuration.Calendar.DateAt(n.DeliveredAt),
                    n.SignedAt is { } signed ? configuration.Calendar.DateAt(signed) : (LocalDate?)null)),
                issuedOn));
        }

        return WeeklyList.Build(week, issuedOn, new WeeklyListInputs(lights, demands, failures, UnitNames(configuration)) { UnsignedNotices = unsigned, LoopActivities = activities });
    }

    /// <summary>The monthly notice of <paramref name="month"/>, as of <paramref name="issuedOn"/>.</summary>
    public async Task<MonthlyNotice> Monthly(Configuration configuration, DigestPeriod month, LocalDate issuedOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var close = month.Period.End;
        var (lights, units, rows) = await TaskLights(configuration, close, cancellationToken).ConfigureAwait(false);
        var indicators = await Indicators(configuration, cancellationToken).ConfigureAwait(false);
        lights.AddRange(IndicatorLights(indicators, issuedOn, month.Period));
        var demands = (await RaisedBy(DemandSources(configuration, units, rows), issuedOn, cancellationToken).ConfigureAwait(false))
            .SelectMany(u => DemandEntries.Open(u.Unit, u.Sources, issuedOn, overdueOnly: false)).ToList();

        var streaks = new List<StreakEntry>();
        var summonses = new List<SummonsEntry>();
        await foreach (var entry in _log.OfMonth(month.Period.Key, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var e = entry.Event;
            if (e.Facts.Streak is { } streak && e.Kind is EventKind.Lagging or EventKind.IndicatorLagging)
            {
                streaks.Add(new StreakEntry(e.Unit, e.Item, e.Facts.ItemTitle, streak, e.Facts.Period ?? "", e.Level, Notice(e)));
            }

            if (e.Level == EventLevel.Summons)
            {
                summonses.Add(new SummonsEntry(e.Unit, e.Item, e.Facts.ItemTitle, Notice(e), ChineseNames.Of(e.Kind), e.Date));
            }
        }

        var missing = DigestSchedule.MissingData(month.Period, indicators.Definitions, indicators.Values, indicators.Groups, issuedOn);
        return MonthlyNotice.Build(month, issuedOn,
            new MonthlyNoticeInputs(lights, indicators.Definitions, indicators.Values, indicators.Groups, streaks, summonses, demands, UnitNames(configuration)),
            missing);
    }

    /// <summary>True when every monthly (and, closing a quarter, quarterly) indicator has the month's data published by <paramref name="today"/>.</summary>
    public static bool Published(IndicatorInputs indicators, IndicatorPeriod month, LocalDate today)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        return DigestSchedule.MissingData(month, indicators.Definitions, indicators.Values, indicators.Groups, today).Count == 0;
    }

    private async Task<(List<LightSighting> Lights, List<(UnitId Unit, IReadOnlyList<ItemState> Items)> Units, List<UnitRows> Rows)> TaskLights(
        Configuration configuration, LocalDate date, CancellationToken cancellationToken)
    {
        var evaluator = new Evaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var lights = new List<LightSighting>();
        var units = new List<(UnitId, IReadOnlyList<ItemState>)>();
        var rows = new List<UnitRows>();
        foreach (var unit in configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
        {
            var (items, _, unitRows) = await _read.UnitWithRows(configuration, unit, cancellationToken).ConfigureAwait(false);
            units.Add((unit, items));
            rows.Add(unitRows);
            foreach (var state in items)
            {
                if (state.Item.Status != ItemStatus.Active || date < state.Item.Start || !configuration.Calendar.Covers(date.Year))
                {
                    continue;
                }

                if (evaluator.Snapshot(state, date) is { } snapshot)
                {
                    var status = string.Create(CultureInfo.InvariantCulture, $"计划 {snapshot.Planned:0.0}%，实际 {snapshot.Reported:0.0}%");
                    if (snapshot.Overdue is { } overdue)
                    {
                        status += $"；节点「{overdue.Name}」（{Domain.Calendar.IsoDate.Format(overdue.Due)}）已逾期";
                    }

                    lights.Add(new LightSighting(state.Item.Unit, state.Item.Id, state.Item.Title, snapshot.Light, status, date));
                }
            }
        }

        return (lights, units, rows);
    }

    /// <summary>
    /// 本周答复和处理: each unit's answers, exemption requests and decisions of <paramref name="window"/>, from the rows the
    /// unit's evaluation reads (explanations through <see cref="UnitItems.Answers"/>, decisions and exemptionrequests through
    /// <see cref="CaseRecords"/>).
    /// </summary>
    private static List<LoopActivity> LoopActivitiesOf(
        Configuration configuration, List<(UnitId Unit, IReadOnlyList<ItemState> Items)> units, List<UnitRows> rows, DateInterval window)
    {
        var titles = units.SelectMany(u => u.Items).GroupBy(i => i.Item.Id).ToDictionary(g => g.Key, g => g.First().Item.Title);
        foreach (var (id, definition) in configuration.Indicators.Definitions)
        {
            titles.TryAdd(IndicatorItem.For(id), definition.Name);
        }

        var activities = new List<LoopActivity>();
        foreach (var unitRows in rows)
        {
            var references = unitRows.Demands.GroupBy(d => d.Notice).ToDictionary(g => g.Key, g => g.First().Reference);
            activities.AddRange(LoopActivities.Of(
                UnitItems.Answers(configuration, unitRows), unitRows.ExemptionRequests, unitRows.Decisions, window, configuration.Calendar.Zone,
                item => titles.GetValueOrDefault(item),
                notice => references.GetValueOrDefault(notice),
                person => configuration.People.TryGetValue(person, out var contact) ? contact.Name : person.Value));
        }

        return activities;
    }

    /// <summary>
    /// Each unit's light on each indicator: its latest value published by <paramref name="publishedBy"/> (for a monthly
    /// notice, of a period not after <paramref name="upTo"/>'s), judged against the time-proportional plan; indicators
    /// without an annual target have no light.
    /// </summary>
    private static IEnumerable<LightSighting> IndicatorLights(IndicatorInputs indicators, LocalDate publishedBy, IndicatorPeriod? upTo)
    {
        var definitions = indicators.Definitions.ToDictionary(d => d.Id);
        foreach (var latest in indicators.Values
            .Where(v => v.Published <= publishedBy && (upTo is not { } last || v.Period.End <= last.End))
            .GroupBy(v => (v.Indicator, v.Unit))
            .Select(g => g.MaxBy(v => v.Period)!))
        {
            if (!definitions.TryGetValue(latest.Indicator, out var definition) || definition.LightOf(latest.Value, latest.Period) is not { } light)
            {
                continue;
            }

            var mu = definition.MeasureUnit;
            var c = CultureInfo.InvariantCulture;
            var status = string.Create(c, $"{latest.Period.Label(definition.IsCumulative)} {latest.Value:0.##}{mu}，计划 {definition.PlannedFor(latest.Period):0.##}{mu}");
            if (latest.ProvincialRank is { } rank)
            {
                status += string.Create(c, $"，全省第{rank}位");
            }

            yield return new LightSighting(latest.Unit, IndicatorItem.For(latest.Indicator), definition.Name, light, status, latest.Published);
        }
    }

    /// <summary>Each unit's demand sources: its tasks and the follow-ups of its indicator notices (<c>ind:{indicator}</c>).</summary>
    private static List<(UnitId Unit, IReadOnlyList<DemandSource> Sources)> DemandSources(
        Configuration configuration, List<(UnitId Unit, IReadOnlyList<ItemState> Items)> units, List<UnitRows> rows) =>
        [.. units.Zip(rows, (u, r) => (u.Unit, (IReadOnlyList<DemandSource>)[.. u.Items.Select(DemandSource.Of), .. UnitItems.FollowUps(configuration, r).Select(DemandSource.Of)]))];

    /// <summary>
    /// The sources with only the demands raised by <paramref name="date"/>: a digest rendered again later (the web's page of
    /// a digest, a retry on a later day) lists the demands as they stood on its issue day, not those raised since. On the
    /// issue day itself (the timers) nothing later exists, and nothing is read.
    /// </summary>
    private async Task<List<(UnitId Unit, IReadOnlyList<DemandSource> Sources)>> RaisedBy(
        List<(UnitId Unit, IReadOnlyList<DemandSource> Sources)> units, LocalDate date, CancellationToken cancellationToken)
    {
        if (date >= clock.GetCurrentInstant().InZone(zone).Date)
        {
            return units;
        }

        var log = await tables.Table(EscalationLog.TableName, cancellationToken).ConfigureAwait(false);
        var raised = new Dictionary<(UnitId, EventId), bool>();
        var result = new List<(UnitId, IReadOnlyList<DemandSource>)>(units.Count);
        foreach (var (unit, sources) in units)
        {
            var kept = new List<DemandSource>(sources.Count);
            foreach (var source in sources)
            {
                if (source.Demands.Count == 0)
                {
                    kept.Add(source);
                    continue;
                }

                var demands = new List<OpenDemand>(source.Demands.Count);
                foreach (var demand in source.Demands)
                {
                    if (!raised.TryGetValue((unit, demand.Notice), out var by))
                    {
                        var row = await log.Find(unit.Value, demand.Notice.Value, ["Date"], cancellationToken).ConfigureAwait(false);
                        by = Domain.Calendar.IsoDate.TryParse(row?.GetString("Date")) is not { } on || on <= date;
                        raised[(unit, demand.Notice)] = by;
                    }

                    if (by)
                    {
                        demands.Add(demand);
                    }
                }

                kept.Add(demands.Count == source.Demands.Count ? source : source with { Demands = demands });
            }

            result.Add((unit, kept));
        }

        return result;
    }

    /// <summary>How a logged event is shown in a digest: its reference (文号) when it has one, else its event id.</summary>
    private static string Notice(EscalationEvent logged) => logged.Reference ?? logged.Id.Value;

    private static Dictionary<UnitId, string> UnitNames(Configuration configuration) =>
        configuration.Roster.Units.ToDictionary(u => u.Key, u => u.Value.Name);
}
