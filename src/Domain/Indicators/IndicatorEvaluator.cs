using Escalation.Domain.Calendar;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;

namespace Escalation.Domain.Indicators;

/// <summary>Everything the indicator rules judge: the city's indicators, their published values, ranking groups and exemptions.</summary>
/// <param name="Definitions">The indicators.</param>
/// <param name="Values">Their values, every unit and period (values published after the evaluation day are not read).</param>
/// <param name="Groups">Which units are ranked together for which indicator.</param>
/// <param name="Exemptions">Periods the office exempted for an objective cause.</param>
public sealed record IndicatorInputs(
    IReadOnlyList<IndicatorDefinition> Definitions,
    IReadOnlyList<IndicatorValue> Values,
    IReadOnlyList<RankingGroup> Groups,
    IReadOnlyList<IndicatorExemption> Exemptions)
{
    public static IndicatorInputs Empty { get; } = new([], [], [], []);

    private static readonly IReadOnlyDictionary<IndicatorId, LocalDate> NoDates = new Dictionary<IndicatorId, LocalDate>();

    /// <summary>
    /// The day the engine first saw each indicator (first imported, or first evaluated), local date, like a task's
    /// <see cref="ItemState.FirstSeen"/>: lag streaks and runs of bottom places count only values published on or after
    /// it, unless a go-live date is set (<see cref="EvaluationOptions.GoLive"/>, which wins for every indicator). An
    /// indicator without a date counts its whole history. The shell passes the stored dates and, for an indicator it has
    /// never seen, the evaluation day (<see cref="SeenBy"/>), and records that day.
    /// </summary>
    public IReadOnlyDictionary<IndicatorId, LocalDate> FirstSeen { get; init; } = NoDates;

    /// <summary>The inputs as a run on <paramref name="today"/> sees them: an indicator never seen before is first seen today.</summary>
    public IndicatorInputs SeenBy(LocalDate today)
    {
        if (Definitions.All(d => FirstSeen.ContainsKey(d.Id)))
        {
            return this;
        }

        var dates = new Dictionary<IndicatorId, LocalDate>(FirstSeen);
        foreach (var definition in Definitions)
        {
            dates.TryAdd(definition.Id, today);
        }

        return this with { FirstSeen = dates };
    }
}

/// <summary>
/// Decides the indicator events of a day, city-wide: lag streaks, floor and stretch targets, 不低于前期, the year-end
/// first third, below-average-and-bottom-k summonses and the monthly scoreboard. It must see every unit's value to rank,
/// so it runs once per scan, before the per-unit fan-out. Like <see cref="Evaluator"/> it is a pure function of its
/// inputs: no clock, no state between calls; each event's id is <see cref="EventId.For"/>(rule, <see cref="IndicatorItem.For"/>
/// (indicator), occurrence), so a retried or doubled run decides the same events with the same ids.
/// </summary>
/// <remarks>
/// <para>
/// An occurrence is a published value (or a group's ranked period): a rule first fires for it on its publication date
/// plus the rule's <c>Days</c> (no delay: the publication date), and only within
/// <see cref="EvaluationOptions.CatchUpWorkingDays"/> working days of that day, so a first run over a year of imported
/// values raises only what is recent. Demands count from that day too (working days, rolled as the task rules roll
/// them): published Tuesday 2025-05-20, 5 working days → due 2025-05-27.
/// </para>
/// <para>Occurrence keys (the unit and group ids cannot contain <c>/</c>, so the keys cannot collide):</para>
/// <list type="bullet">
/// <item><c>ind-lag:{unit}/{period}</c>, <c>ind-floor:…</c>, <c>ind-stretch:…</c>, <c>ind-earlier:…</c> for a unit's value;</item>
/// <item><c>ind-yearend:{unit}/{period}</c> for the year's last period;</item>
/// <item><c>ind-bottom:{group}/{unit}/{period}</c>, <c>share:{group}/{unit}/{period}</c>, <c>pledge:{group}/{unit}/{period}</c>;</item>
/// <item><c>scoreboard:{group}/{period}</c> for the group's scoreboard.</item>
/// </list>
/// <para>
/// Streaks (the lag ladder, a unit's run of bottom places) count consecutive periods: a period without a value breaks
/// them, except January for cumulative monthly data (1–2月 are published together) and a period the unit was exempted
/// for. An exempt period, and a value that cannot be judged (lag by rank without a provincial rank; bottom places without
/// the provincial average, reported), neither counts nor breaks. Values published before the go-live date, or else
/// before the day the engine first saw the indicator (<see cref="IndicatorInputs.FirstSeen"/>), do not count. A group's
/// period is ranked only when every unit of the group has a value for it; until then a problem names the missing units.
/// </para>
/// <para>
/// Who answers: a unit ranked in a group of the indicator for its own values; for any other unit's value (the city's in a
/// provincial ranking) the indicator's owner, whose roles are addressed and who owes the demand (the occurrence still names
/// the unit measured). An accountability recommendation never reaches the unit measured or the owner.
/// </para>
/// </remarks>
public sealed class IndicatorEvaluator
{
    private readonly WorkingCalendar _calendar;
    private readonly Roster _roster;
    private readonly EvaluationOptions _options;
    private readonly EscalationRule[] _lagLadder;
    private readonly EscalationRule[] _floor;
    private readonly EscalationRule[] _stretch;
    private readonly EscalationRule[] _earlier;
    private readonly EscalationRule[] _yearEnd;
    private readonly EscalationRule[] _bottom;
    private readonly EscalationRule[] _scoreboard;
    private readonly EscalationRule[] _share;
    private readonly EscalationRule[] _pledge;
    private readonly bool _anyGroupRule;
    private readonly int _longestDelay;

    /// <param name="calendar">The working calendar: delays and demands count on it.</param>
    /// <param name="rules">All rules; only the indicator kinds (<see cref="IndicatorTriggers.IsIndicator"/>) are read.</param>
    /// <param name="roster">Who holds which role in each unit.</param>
    /// <param name="options">Catch-up window and go-live date.</param>
    public IndicatorEvaluator(WorkingCalendar calendar, IEnumerable<EscalationRule> rules, Roster roster, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _calendar = calendar ?? throw new ArgumentNullException(nameof(calendar));
        _roster = roster ?? throw new ArgumentNullException(nameof(roster));
        _options = options ?? EvaluationOptions.Default;
        var all = rules.Where(r => r.Trigger.Kind.IsIndicator()).ToArray();
        EscalationRule[] Of(TriggerKind kind) => [.. all.Where(r => r.Trigger.Kind == kind)];

        // One ladder: at each published period only its highest matching rung fires (two periods: notice, not also a reminder).
        _lagLadder = [.. Of(TriggerKind.IndicatorLag).OrderByDescending(r => r.Trigger.MinStreak)];
        _floor = Of(TriggerKind.TargetMissed);
        _stretch = Of(TriggerKind.StretchMissed);
        _earlier = Of(TriggerKind.BelowEarlier);
        _yearEnd = Of(TriggerKind.YearEndRank);
        _bottom = Of(TriggerKind.BottomRank);
        _scoreboard = Of(TriggerKind.Scoreboard);
        _share = Of(TriggerKind.ShareInvitation);
        _pledge = Of(TriggerKind.Pledge);
        _anyGroupRule = _bottom.Length + _scoreboard.Length + _share.Length + _pledge.Length > 0;
        _longestDelay = all.Select(r => r.Trigger.Days?.Count ?? 0).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// The indicator events due on <paramref name="today"/> for the rules of <paramref name="scan"/>, and the input it could
    /// not use (each problem once). Throws <see cref="CalendarYearNotLoadedException"/> when today's year has no calendar;
    /// an event whose delay or demand needs another year without calendar is held back (and reported) until it is loaded.
    /// </summary>
    public EvaluationResult Evaluate(IndicatorInputs inputs, LocalDate today, ScanSlot scan = ScanSlot.Morning)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _calendar.EnsureLoaded(today);
        var run = new Run(this, today, scan);
        var definitions = Definitions(inputs.Definitions, run);
        var exemptions = inputs.Exemptions.Count == 0 ? null : inputs.Exemptions.Select(e => (e.Indicator, e.Unit, e.Period)).ToHashSet();
        var values = Published(inputs.Values, definitions, run);
        var (ranked, overlapping) = Members(inputs.Groups, definitions, run);

        // Each (indicator, unit)'s values are one run of the sorted array, in period order.
        var series = new Dictionary<(IndicatorId, UnitId), (int Start, int Count)>();
        for (var start = 0; start < values.Length;)
        {
            var end = start + 1;
            while (end < values.Length && values[end].Indicator == values[start].Indicator && values[end].Unit == values[start].Unit)
            {
                end++;
            }

            var definition = definitions[values[start].Indicator];

            // A unit ranked in a group of the indicator answers for its own values; any other unit's value (the city's, in
            // a provincial ranking) is the owner's (行业主管部门) to answer for: its roles are addressed and it owes the demand.
            var subject = ranked.ContainsKey((definition.Id, values[start].Unit)) ? values[start].Unit : definition.Owner;
            var firstSeen = inputs.FirstSeen.TryGetValue(definition.Id, out var seen) ? seen : (LocalDate?)null;
            var context = new SeriesContext(run, definition, values.AsMemory(start, end - start), exemptions, subject, CountsFrom(firstSeen));
            context.Evaluate();
            series[(values[start].Indicator, values[start].Unit)] = (start, end - start);
            start = end;
        }

        if (_anyGroupRule)
        {
            for (var g = 0; g < inputs.Groups.Count; g++)
            {
                var group = inputs.Groups[g];
                if (!definitions.TryGetValue(group.Indicator, out var definition))
                {
                    run.Problems.Add(new Problem(RankingGroup.Table, group.Id.Value, nameof(RankingGroup.Indicator), group.Indicator.Value,
                        $"没有编号为{Words.Quote(group.Indicator.Value)}的可用指标，此分组不排名。请填写「indicators」表中已有的指标编号，或先改正该指标的问题。"));
                    continue;
                }

                if (overlapping.Contains(g))
                {
                    continue;
                }

                var firstSeen = inputs.FirstSeen.TryGetValue(definition.Id, out var seen) ? seen : (LocalDate?)null;
                EvaluateGroup(run, definition, group, values, series, exemptions, CountsFrom(firstSeen));
            }
        }

        return new EvaluationResult(run.Events, run.Problems.List, []);
    }

    /// <summary>The usable definitions by id; a repeated id or a definition with problems is reported and left out.</summary>
    private static Dictionary<IndicatorId, IndicatorDefinition> Definitions(IReadOnlyList<IndicatorDefinition> definitions, Run run)
    {
        var repeated = definitions.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var result = new Dictionary<IndicatorId, IndicatorDefinition>(definitions.Count);
        foreach (var definition in definitions)
        {
            if (repeated.Contains(definition.Id))
            {
                run.Problems.Add(new Problem(IndicatorDefinition.Table, definition.Id.Value, nameof(IndicatorDefinition.Id), definition.Id.Value,
                    "有多个指标使用此编号，这些指标均未采用。请为每个指标设置不同的编号。"));
                continue;
            }

            var problems = definition.Check();
            foreach (var problem in problems)
            {
                run.Problems.Add(problem);
            }

            if (problems.Count == 0)
            {
                result.Add(definition.Id, definition);
            }
        }

        return result;
    }

    /// <summary>
    /// The units ranked in a group of each usable indicator (with their group), and the indexes of the groups left out because they share a
    /// unit with an earlier group of the same indicator (reported): a unit in two groups of one indicator would be summoned,
    /// invited and called to pledge twice for one period. Configuration refuses such groups too (IndicatorItems).
    /// </summary>
    private (Dictionary<(IndicatorId, UnitId), RankingGroup> Ranked, HashSet<int> Overlapping) Members(
        IReadOnlyList<RankingGroup> groups, Dictionary<IndicatorId, IndicatorDefinition> definitions, Run run)
    {
        var overlapping = new HashSet<int>();
        var groupOf = new Dictionary<(IndicatorId, UnitId), RankingGroup>();
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            if (!definitions.TryGetValue(group.Indicator, out var definition))
            {
                continue;
            }

            var shared = group.Units.FirstOrDefault(u => groupOf.ContainsKey((group.Indicator, u)));
            if (shared.Value is not null)
            {
                var other = groupOf[(group.Indicator, shared)];
                run.Problems.Add(new Problem(RankingGroup.Table, group.Id.Value, nameof(RankingGroup.Units), shared.Value,
                    RankingGroup.Overlap(UnitName(shared), shared, definition.Name, other, group)));
                overlapping.Add(g);
                continue;
            }

            foreach (var unit in group.Units)
            {
                groupOf.TryAdd((group.Indicator, unit), group);
            }
        }

        return (groupOf, overlapping);
    }

    /// <summary>
    /// The first publication date whose values count in a lag streak or a run of bottom places: the go-live date when one
    /// is set (it wins for every indicator), else the day the engine first saw the indicator
    /// (<see cref="IndicatorInputs.FirstSeen"/>), else none (every value counts). Values published before it neither
    /// count nor break: a first run over imported history starts each unit at the bottom of the ladder.
    /// </summary>
    private LocalDate? CountsFrom(LocalDate? firstSeen) => _options.GoLive ?? firstSeen;

    /// <summary>
    /// The values published by today of usable indicators, grouped by indicator and sorted by unit and period (O(n log n)); a value of
    /// an unknown indicator, of another period kind, or repeating an (indicator, unit, period) is reported and left out.
    /// </summary>
    private static IndicatorValue[] Published(IReadOnlyList<IndicatorValue> values, Dictionary<IndicatorId, IndicatorDefinition> definitions, Run run)
    {
        // Bucketed by indicator in O(n) (a counting sort on the definition's index), then each bucket sorted by unit and
        // period: comparing short buckets by unit id is much cheaper than sorting every value by two strings.
        var indexOf = new Dictionary<IndicatorId, (int Index, IndicatorDefinition Definition)>(definitions.Count);
        foreach (var (id, definition) in definitions)
        {
            indexOf.Add(id, (indexOf.Count, definition));
        }

        // First pass, in input order (so problems keep their order): each value's bucket, or -1 when it is left out.
        // Rows come grouped by indicator (one partition each), so the last indicator's lookup is reused.
        var bucketOf = new int[values.Count];
        var counts = new int[indexOf.Count + 1];
        var kept = 0;
        var last = (Id: default(IndicatorId), Index: -1, Definition: (IndicatorDefinition?)null);
        for (var i = 0; i < bucketOf.Length; i++)
        {
            var value = values[i];
            bucketOf[i] = -1;
            if (value.Published > run.Today)
            {
                continue;
            }

            if (last.Definition is null || value.Indicator != last.Id)
            {
                if (!indexOf.TryGetValue(value.Indicator, out var found))
                {
                    run.Problems.Add(new Problem(IndicatorValue.Table, value.Indicator.Value, nameof(IndicatorValue.Indicator), value.Indicator.Value,
                        $"没有编号为{Words.Quote(value.Indicator.Value)}的可用指标，该指标的数据均未采用。请填写「indicators」表中已有的指标编号，或先改正该指标的问题。"));
                    continue;
                }

                last = (value.Indicator, found.Index, found.Definition);
            }

            var definition = last.Definition;
            if (value.Period.Kind != definition.PeriodKind)
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, value.RowKey, nameof(IndicatorValue.Period), value.Period.Key,
                    $"指标「{definition.Name}」按{ChineseNames.Of(definition.PeriodKind)}发布，此行的期次不是{ChineseNames.Of(definition.PeriodKind)}，未采用。请改正期次（月如 2025-05，季如 2025-Q1，周如 2025-W10）。"));
                continue;
            }

            bucketOf[i] = last.Index;
            counts[last.Index + 1]++;
            kept++;
        }

        for (var i = 1; i < counts.Length; i++)
        {
            counts[i] += counts[i - 1];
        }

        var sorted = new IndicatorValue[kept];
        var next = (int[])counts.Clone();
        for (var i = 0; i < bucketOf.Length; i++)
        {
            if (bucketOf[i] >= 0)
            {
                sorted[next[bucketOf[i]]++] = values[i];
            }
        }

        // A partition read returns its rows in key order ({unit}:{period}), mostly sorted already: a bucket in strictly
        // increasing order is what sorting would give (no two values compare equal), so the sort is skipped.
        for (var i = 0; i + 1 < counts.Length; i++)
        {
            if (!StrictlyIncreasing(sorted.AsSpan(counts[i], counts[i + 1] - counts[i])))
            {
                Array.Sort(sorted, counts[i], counts[i + 1] - counts[i], ByUnitAndPeriod);
            }
        }

        var count = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (count > 0 && sorted[count - 1] is var previous && previous.Indicator == sorted[i].Indicator && previous.Unit == sorted[i].Unit && previous.Period == sorted[i].Period)
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, sorted[i].RowKey, nameof(IndicatorValue.Period), sorted[i].Period.Key,
                    "同一指标、单位和期次有多行数据，只采用了其中一行。请删除重复的行（更正数据请直接修改原行）。"));
                continue;
            }

            sorted[count++] = sorted[i];
        }

        return count == sorted.Length ? sorted : sorted[..count];
    }

    private static bool StrictlyIncreasing(ReadOnlySpan<IndicatorValue> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (ByUnitAndPeriod.Compare(values[i - 1], values[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly Comparer<IndicatorValue> ByUnitAndPeriod = Comparer<IndicatorValue>.Create(static (a, b) =>
    {
        var c = string.CompareOrdinal(a.Unit.Value, b.Unit.Value);
        return c != 0 ? c : a.Period.CompareTo(b.Period);
    });

    private void EvaluateGroup(
        Run run,
        IndicatorDefinition definition,
        RankingGroup group,
        IndicatorValue[] values,
        Dictionary<(IndicatorId, UnitId), (int Start, int Count)> series,
        HashSet<(IndicatorId, UnitId, IndicatorPeriod)>? exemptions,
        LocalDate? countsFrom)
    {
        var units = group.Units.Distinct().ToArray();

        // Each unit's values (a run of the sorted array, in period order) are walked side by side, one period at a time,
        // with a cursor per unit: no sort and no lookup per value. The periods are every period any unit has, in order.
        var cursor = new int[units.Length];
        var stop = new int[units.Length];
        var periods = new List<IndicatorPeriod>();
        var merged = new List<IndicatorPeriod>();
        var index = new Dictionary<string, int>(units.Length, StringComparer.Ordinal);
        for (var i = 0; i < units.Length; i++)
        {
            index[units[i].Value] = i;
            if (series.TryGetValue((definition.Id, units[i]), out var range))
            {
                cursor[i] = range.Start;
                stop[i] = range.Start + range.Count;
                Merge(periods, values.AsSpan(range.Start, range.Count), merged);
            }
        }

        // Per unit (by its index in the group): consecutive ranked periods qualifying for bottom-rank, up to the current one.
        var consecutive = new int[units.Length];
        var slice = new (UnitId, double)[units.Length];
        var byUnit = new IndicatorValue?[units.Length];
        IndicatorPeriod? previous = null;
        foreach (var period in periods)
        {
            var have = 0;
            var published = default(LocalDate);
            for (var i = 0; i < units.Length; i++)
            {
                byUnit[i] = null;
                if (cursor[i] < stop[i] && values[cursor[i]].Period == period)
                {
                    var value = values[cursor[i]++];
                    byUnit[i] = value;
                    published = have == 0 || value.Published > published ? value.Published : published;
                    have++;
                }
            }

            if (previous is { } before && !Follows(definition, before, period, exemptions: null))
            {
                // A period of the group without any value (not the January that cumulative monthly data skips): the runs of
                // bottom places stop there, as they do at a period that does not qualify.
                Array.Clear(consecutive);
            }

            previous = period;
            if (have < units.Length)
            {
                // Not ranked: the period neither counts nor breaks a unit's run of bottom places.
                if (run.MayFire(published))
                {
                    run.Problems.Add(new Problem(IndicatorValue.Table, $"{definition.Id.Value}/{period.Key}", nameof(IndicatorValue.Unit),
                        string.Join("、", units.Where((_, i) => byUnit[i] is null).Select(u => u.Value)),
                        $"排名分组{Words.Quote(group.Name)}（{group.Id.Value}）{period.Label(definition.IsCumulative)}缺少这些单位的数据，该期暂不排名、不发成绩单和约谈。请补录这些单位的数据。"));
                }

                continue;
            }

            // Ranking orders by value, then unit id: the order the slice is filled in does not matter.
            for (var i = 0; i < units.Length; i++)
            {
                slice[i] = (byUnit[i]!.Unit, byUnit[i]!.Value);
            }

            var standings = Ranking.Rank(slice, definition.Direction);
            var ranked = new RankedPeriod(definition, group, period, published, standings);
            foreach (var standing in standings)
            {
                var at = index[standing.Unit.Value];
                var value = byUnit[at]!;

                // Exempt: no bottom-rank summons and no pledge; the period neither counts nor breaks the run of bottom places.
                // In the bottom without a provincial average (reported below): no evidence either way, the same.
                var exempt = exemptions is not null && exemptions.Contains((definition.Id, standing.Unit, period));
                var unknown = standing.InBottom(group.BottomK) && value.ProvincialAverage is null;
                var qualifies = !exempt && standing.InBottom(group.BottomK) && value.ProvincialAverage is { } average && definition.IsWorse(value.Value, average);
                if (!exempt && !unknown)
                {
                    var counted = countsFrom is not { } from || value.Published >= from;
                    consecutive[at] = qualifies && counted ? consecutive[at] + 1 : 0;
                }

                if (qualifies)
                {
                    foreach (var rule in _bottom)
                    {
                        ranked.RaiseBottom(run, rule, standing, value, Math.Max(consecutive[at], 1));
                    }
                }
                else if (!exempt && standing.InBottom(group.BottomK) && value.ProvincialAverage is null && _bottom.Length > 0 && run.MayFire(published))
                {
                    run.Problems.Add(new Problem(IndicatorValue.Table, value.RowKey, nameof(IndicatorValue.ProvincialAverage), null,
                        $"{Words.Quote(UnitName(standing.Unit))}排在分组{Words.Quote(group.Name)}后{group.BottomK}位，但此行没有全省平均值，无法判断是否低于全省平均，未约谈；该期不计入也不中断连续排名靠后的期数。请补录全省平均值。"));
                }

                if (definition.PeriodKind != IndicatorPeriodKind.Month)
                {
                    continue;
                }

                // A unit summoned for this period (below the average and in the bottom k: in a small group, or with ties, the
                // top and bottom places overlap) is never invited to share; it is called to pledge instead.
                if (standing.InTop(group.TopK) && !qualifies)
                {
                    foreach (var rule in _share)
                    {
                        ranked.RaiseUnit(run, rule, EventKind.ShareInvitation, "share", standing, value);
                    }
                }
                else if (!exempt && standing.InBottom(group.BottomK))
                {
                    foreach (var rule in _pledge)
                    {
                        ranked.RaiseUnit(run, rule, EventKind.Pledge, "pledge", standing, value);
                    }
                }
            }

            if (definition.PeriodKind == IndicatorPeriodKind.Month)
            {
                foreach (var rule in _scoreboard)
                {
                    ranked.RaiseScoreboard(run, rule, units);
                }
            }
        }
    }

    /// <summary>
    /// Adds the periods of <paramref name="series"/> (in order, each once) to <paramref name="periods"/> (in order, each
    /// once). The group's units usually share their periods: then nothing is added, found in one linear walk.
    /// </summary>
    private static void Merge(List<IndicatorPeriod> periods, ReadOnlySpan<IndicatorValue> series, List<IndicatorPeriod> scratch)
    {
        var at = 0;
        var all = true;
        foreach (var value in series)
        {
            while (at < periods.Count && periods[at] < value.Period)
            {
                at++;
            }

            if (at == periods.Count || periods[at] != value.Period)
            {
                all = false;
                break;
            }
        }

        if (all)
        {
            return;
        }

        scratch.Clear();
        var i = 0;
        var j = 0;
        while (i < periods.Count || j < series.Length)
        {
            var c = i == periods.Count ? 1 : j == series.Length ? -1 : periods[i].CompareTo(series[j].Period);
            scratch.Add(c <= 0 ? periods[i] : series[j].Period);
            i += c <= 0 ? 1 : 0;
            j += c >= 0 ? 1 : 0;
        }

        periods.Clear();
        periods.AddRange(scratch);
    }

    private string UnitName(UnitId unit) => _roster.Units.TryGetValue(unit, out var roster) ? roster.Name : unit.Value;

    /// <summary>Which of <paramref name="subjects"/> <paramref name="person"/> belongs to (people.Unit, or a role held), the first one otherwise.</summary>
    private UnitId SubjectOf(PersonId person, UnitId[] subjects)
    {
        if (_roster.Members.TryGetValue(person, out var member) && subjects.Contains(member))
        {
            return member;
        }

        foreach (var subject in subjects)
        {
            if (_roster.Units.TryGetValue(subject, out var held) && (held.Principal == person || held.DeputyInCharge == person))
            {
                return subject;
            }
        }

        return subjects[0];
    }

    /// <summary>One ranked period of one group: raises its unit events and its scoreboard.</summary>
    private sealed class RankedPeriod(
        IndicatorDefinition definition,
        RankingGroup group,
        IndicatorPeriod period,
        LocalDate published,
        Standing[] standings)
    {
        public void RaiseBottom(Run run, EscalationRule rule, Standing standing, IndicatorValue value, int consecutive)
        {
            if (run.Due(rule, published) is not { } first)
            {
                return;
            }

            var occurrence = $"ind-bottom:{group.Id.Value}/{standing.Unit.Value}/{period.Key}";
            var facts = Facts(value, standing) with { Consecutive = consecutive, Escalated = consecutive > 1 };
            run.Raise(rule, first, EventKind.BottomRank, definition, standing.Unit, occurrence, facts, escalate: consecutive > 1);
        }

        public void RaiseUnit(Run run, EscalationRule rule, EventKind kind, string prefix, Standing standing, IndicatorValue value)
        {
            if (run.Due(rule, published) is not { } first)
            {
                return;
            }

            var occurrence = $"{prefix}:{group.Id.Value}/{standing.Unit.Value}/{period.Key}";
            run.Raise(rule, first, kind, definition, standing.Unit, occurrence, Facts(value, standing));
        }

        public void RaiseScoreboard(Run run, EscalationRule rule, UnitId[] units)
        {
            if (run.Due(rule, published) is not { } first)
            {
                return;
            }

            var facts = new IndicatorFacts(definition.Id, period, period.Label(definition.IsCumulative), definition.MeasureUnit, published)
            {
                Group = group.Id,
                GroupName = group.Name,
                GroupSize = standings.Length,
                TopK = group.TopK,
                BottomK = group.BottomK,
                Ranks = definition.Ranks,
                Standings = standings,
            };
            run.Raise(rule, first, EventKind.Scoreboard, definition, definition.Owner, $"scoreboard:{group.Id.Value}/{period.Key}", facts, everyUnit: units);
        }

        private IndicatorFacts Facts(IndicatorValue value, Standing standing) => Run.ValueFacts(definition, value) with
        {
            Group = group.Id,
            GroupName = group.Name,
            GroupSize = standings.Length,
            TopK = group.TopK,
            BottomK = group.BottomK,
            Standing = standing,
        };
    }

    /// <summary>
    /// True when <paramref name="later"/> comes right after <paramref name="earlier"/>: nothing is missing between them but
    /// periods <paramref name="unit"/> was exempted for, and for cumulative monthly data January (1–2月 are published
    /// together, so the first value of a year is February's). Call with <paramref name="earlier"/> before <paramref name="later"/>.
    /// </summary>
    private static bool Follows(
        IndicatorDefinition definition, IndicatorPeriod earlier, IndicatorPeriod later, HashSet<(IndicatorId, UnitId, IndicatorPeriod)>? exemptions, UnitId? unit = null)
    {
        var between = later.Previous();
        while (between > earlier)
        {
            var january = definition.IsCumulative && between.Kind == IndicatorPeriodKind.Month && between.Number == 1;
            if (!january && !(unit is { } u && exemptions is not null && exemptions.Contains((definition.Id, u, between))))
            {
                return false;
            }

            between = between.Previous();
        }

        return between == earlier;
    }

    /// <summary>One unit's values of one indicator, in period order: the per-unit triggers.</summary>
    /// <param name="run">The evaluation.</param>
    /// <param name="definition">The indicator.</param>
    /// <param name="series">The unit's values, in period order.</param>
    /// <param name="exemptions">The exempt (indicator, unit, period)s.</param>
    /// <param name="subject">The unit that answers for these values: the measured unit when it is ranked in a group of the indicator, else the owner.</param>
    /// <param name="countsFrom">Values published before this day neither count in nor break a lag streak (<see cref="CountsFrom"/>).</param>
    private readonly struct SeriesContext(
        Run run,
        IndicatorDefinition definition,
        ReadOnlyMemory<IndicatorValue> series,
        HashSet<(IndicatorId, UnitId, IndicatorPeriod)>? exemptions,
        UnitId subject,
        LocalDate? countsFrom)
    {
        private IndicatorEvaluator Owner => run.Owner;

        public void Evaluate()
        {
            var values = series.Span;
            for (var i = values.Length - 1; i >= 0; i--)
            {
                var value = values[i];
                if (!run.MayFire(value.Published))
                {
                    // Older values are past every rule's catch-up window; only the lag streak reads them (below).
                    continue;
                }

                var exempt = Exempt(value);
                if (!exempt)
                {
                    Lag(i);
                    Targets(value);
                    Earlier(i);
                }

                YearEnd(value, exempt);
            }
        }

        private bool Exempt(IndicatorValue value) => exemptions is not null && exemptions.Contains((value.Indicator, value.Unit, value.Period));

        private void Lag(int index)
        {
            var values = series.Span;
            if (Owner._lagLadder.Length == 0)
            {
                return;
            }

            var value = values[index];
            if (definition.Lagging(value) is not { } lagging)
            {
                Unknown(value);
                return;
            }

            if (!lagging || countsFrom is { } from && value.Published < from)
            {
                return;
            }

            // Back through the unit's earlier values while each follows the next (a missing period breaks the streak):
            // exempt values and values that cannot be judged neither count nor break it; a value that does not lag, or
            // one published before the streak counts, ends it.
            var streak = 1;
            var later = value.Period;
            for (var j = index - 1; j >= 0; j--)
            {
                var earlier = values[j];
                if (!Follows(definition, earlier.Period, later, exemptions, earlier.Unit) || countsFrom is { } start && earlier.Published < start)
                {
                    break;
                }

                later = earlier.Period;
                if (Exempt(earlier) || definition.Lagging(earlier) is not { } lagged)
                {
                    continue;
                }

                if (!lagged)
                {
                    break;
                }

                streak++;
            }

            foreach (var rule in Owner._lagLadder)
            {
                if (rule.Trigger.MinStreak > streak || !rule.AppliesOn(run.Today))
                {
                    continue;
                }

                // The highest matching rung is the one; if it belongs to the other scan, that scan raises it.
                if (run.Due(rule, value.Published) is { } first)
                {
                    run.Raise(rule, first, EventKind.IndicatorLagging, definition, subject, Occurrence("ind-lag", value), Run.ValueFacts(definition, value), streak: streak, measured: value.Unit);
                }

                return;
            }
        }

        /// <summary>A value whose lag cannot be told (no provincial rank for lag by rank): reported, no event.</summary>
        private void Unknown(IndicatorValue value)
        {
            if (definition.Lag == LagBasis.Rank && value.ProvincialRank is null)
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, value.RowKey, nameof(IndicatorValue.ProvincialRank), null,
                    $"指标「{definition.Name}」按全省排名判定是否落后，但{value.Period.Label(definition.IsCumulative)}的这一行没有全省排名，无法判断该期是否落后：该期不提醒，也不计入、不中断连续落后的期数。请在「indicatorvalues」表中补录全省排名（如全省第5位填 5）。"));
            }
        }

        private void Targets(IndicatorValue value)
        {
            var targets = definition.Targets;
            if (targets.CheckAt == TargetCheck.YearEnd && !value.Period.IsLastOfYear)
            {
                return;
            }

            if (targets.Floor is { } floor && !definition.Meets(value.Value, floor))
            {
                foreach (var rule in Owner._floor)
                {
                    if (run.Due(rule, value.Published) is { } first)
                    {
                        run.Raise(rule, first, EventKind.TargetMissed, definition, subject, Occurrence("ind-floor", value), Run.ValueFacts(definition, value) with { Target = floor }, measured: value.Unit);
                    }
                }

                // Missing the floor is the failure; the stretch is not mentioned as well.
                return;
            }

            if (targets.Stretch is { } stretch && !definition.Meets(value.Value, stretch))
            {
                foreach (var rule in Owner._stretch)
                {
                    if (run.Due(rule, value.Published) is { } first)
                    {
                        run.Raise(rule, first, EventKind.StretchMissed, definition, subject, Occurrence("ind-stretch", value), Run.ValueFacts(definition, value) with { Target = stretch }, measured: value.Unit);
                    }
                }
            }
        }

        private void Earlier(int index)
        {
            var values = series.Span;
            var value = values[index];
            if (Owner._earlier.Length == 0 || definition.NotLowerThan?.In(value.Period.Year, definition.PeriodKind) is not { } earlier || value.Period <= earlier)
            {
                return;
            }

            for (var j = index - 1; j >= 0 && values[j].Period >= earlier; j--)
            {
                if (values[j].Period != earlier)
                {
                    continue;
                }

                if (definition.IsWorse(value.Value, values[j].Value))
                {
                    foreach (var rule in Owner._earlier)
                    {
                        if (run.Due(rule, value.Published) is { } first)
                        {
                            var facts = Run.ValueFacts(definition, value) with { Target = values[j].Value, EarlierPeriod = earlier };
                            run.Raise(rule, first, EventKind.BelowEarlier, definition, subject, Occurrence("ind-earlier", value), facts, measured: value.Unit);
                        }
                    }
                }

                return;
            }
        }

        /// <summary>
        /// 年终: the year's last value ranked outside the first third (⌈N/3⌉) owes an explanation; with an objective cause
        /// approved, the event is logged only (no recipients, no channels, no demand).
        /// </summary>
        private void YearEnd(IndicatorValue value, bool exempt)
        {
            if (!value.Period.IsLastOfYear || Owner._yearEnd.Length == 0)
            {
                return;
            }

            if (value is not { ProvincialRank: { } rank, PeerCount: { } peers } || peers < 1)
            {
                // Not silently owed nothing: the admin has the figure the province published and can enter it.
                foreach (var (field, missing, what) in new[] { (nameof(IndicatorValue.ProvincialRank), value.ProvincialRank is null, "全省排名"), (nameof(IndicatorValue.PeerCount), value.PeerCount is null, "参与排名数") })
                {
                    if (missing)
                    {
                        run.Problems.Add(new Problem(IndicatorValue.Table, value.RowKey, field, null,
                            $"{value.Period.Label(definition.IsCumulative)}是指标「{definition.Name}」全年的最后一期，要按全省排名判断是否在第一方阵（前三分之一）之外，但这一行没有{what}，暂不能判断是否需要作出说明。请在「indicatorvalues」表中补录{what}（如「全省第5/12」填全省排名 5、参与排名数 12）。"));
                    }
                }

                return;
            }

            var firstThird = (peers + 2) / 3;
            if (rank <= firstThird)
            {
                return;
            }

            foreach (var rule in Owner._yearEnd)
            {
                if (run.Due(rule, value.Published) is { } first)
                {
                    var facts = Run.ValueFacts(definition, value) with { FirstThird = firstThird, Exempt = exempt };
                    run.Raise(rule, first, EventKind.YearEndRank, definition, subject, Occurrence("ind-yearend", value), facts, logOnly: exempt, measured: value.Unit);
                }
            }
        }

        private static string Occurrence(string prefix, IndicatorValue value) => $"{prefix}:{value.Unit.Value}/{value.Period.Key}";
    }

    /// <summary>What one evaluation shares: today, the scan, its results.</summary>
    private sealed class Run(IndicatorEvaluator owner, LocalDate today, ScanSlot scan)
    {
        /// <summary>
        /// No value published before this can fire for any rule: its first day (publication + the longest delay) is past
        /// the catch-up window. A calendar-day bound, generous on purpose (n working days are never more than 3n + 30 days).
        /// </summary>
        private readonly LocalDate _roughCutoff = today.PlusDays(-((owner._options.CatchUpWorkingDays + owner._longestDelay) * 3) - 30);

        public IndicatorEvaluator Owner => owner;

        public LocalDate Today => today;

        public List<EscalationEvent> Events { get; } = [];

        public ProblemList Problems { get; } = new();

        /// <summary>A cheap test that a value published on <paramref name="published"/> may still fire a rule; <see cref="Raise"/> decides exactly.</summary>
        public bool MayFire(LocalDate published) => published >= _roughCutoff && published <= today;

        public static IndicatorFacts ValueFacts(IndicatorDefinition definition, IndicatorValue value) =>
            new(definition.Id, value.Period, value.Period.Label(definition.IsCumulative), definition.MeasureUnit, value.Published)
            {
                Value = value.Value,
                Planned = definition.PlannedFor(value.Period),
                Light = definition.LightOf(value.Value, value.Period),
                ProvincialRank = value.ProvincialRank,
                PeerCount = value.PeerCount,
                ProvincialAverage = value.ProvincialAverage,
                Ranks = definition.Ranks == RankTargets.None ? null : definition.Ranks,
            };

        /// <summary>
        /// The day <paramref name="rule"/> first fires for data published on <paramref name="published"/> (publication + the
        /// rule's delay) when the rule is due today: it is the rule's scan, the rule applies today, and today is that day or
        /// within the catch-up window after it. Null otherwise, and while the delay needs a year without calendar (reported).
        /// Worked out once per publication date and delay: a run meets the same few dates for thousands of values.
        /// </summary>
        public LocalDate? Due(EscalationRule rule, LocalDate published)
        {
            if (rule.Scan != scan || !rule.AppliesOn(today))
            {
                return null;
            }

            var key = (published, rule.Trigger.Days);
            if (_due.TryGetValue(key, out var known))
            {
                return known;
            }

            LocalDate? due = null;
            var calendar = owner._calendar;
            try
            {
                var first = rule.Trigger.Days is { } delay ? delay.AddTo(published, calendar) : published;
                due = first <= today && calendar.WorkingDaysBetween(first, today) <= owner._options.CatchUpWorkingDays ? first : null;
            }
            catch (CalendarYearNotLoadedException e)
            {
                Held(rule, e);
            }

            _due[key] = due;
            return due;
        }

        private readonly Dictionary<(LocalDate, DaySpan?), LocalDate?> _due = [];

        private void Held(EscalationRule rule, CalendarYearNotLoadedException e) =>
            Problems.Add(new Problem("calendar", e.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), "", null,
                $"指标规则{Words.Quote(rule.Id.Value)}的事件需要按{e.Year}年的工作日计算，但该年的节假日安排尚未载入，这些事件暂缓发出。请在「calendar」表中补充{e.Year}年的安排；补充后在补发期限内会自动补发。"));

        /// <summary>Raises <paramref name="rule"/> for the occurrence, which <see cref="Due"/> found due with first day <paramref name="first"/>.</summary>
        /// <param name="rule">The rule.</param>
        /// <param name="first">The rule's first day for the occurrence: the demand counts from it.</param>
        /// <param name="kind">What happened.</param>
        /// <param name="definition">The indicator.</param>
        /// <param name="unit">
        /// The unit the event is about, whose roles are addressed and which owes the demand: a ranked unit for its group
        /// events and its own values, the indicator's owner for the scoreboard and for values of units ranked in no group
        /// (the city's value in a provincial ranking).
        /// </param>
        /// <param name="occurrence">The occurrence key.</param>
        /// <param name="facts">The figures.</param>
        /// <param name="streak">For lag events: the streak.</param>
        /// <param name="escalate">For bottom-rank: the deputy in charge is replaced by the principal.</param>
        /// <param name="logOnly">Logged only: no recipients, no channels, no demand.</param>
        /// <param name="everyUnit">For the scoreboard: the rule's unit roles are those of every unit here.</param>
        /// <param name="measured">For a value's event: the unit measured, when it is not <paramref name="unit"/>.</param>
        public void Raise(
            EscalationRule rule,
            LocalDate first,
            EventKind kind,
            IndicatorDefinition definition,
            UnitId unit,
            string occurrence,
            IndicatorFacts facts,
            int? streak = null,
            bool escalate = false,
            bool logOnly = false,
            UnitId[]? everyUnit = null,
            UnitId? measured = null)
        {
            Demand? demand = null;
            if (rule.Demand is { } spec && !logOnly)
            {
                try
                {
                    // Counted from the first day, so every run raising this id gives the same date; never a day already past.
                    var calendar = owner._calendar;
                    var dueBy = spec.DueBy(first, calendar);
                    demand = new Demand(spec.Kind, dueBy < today ? spec.DueBy(today, calendar) : dueBy) { From = [unit] };
                }
                catch (CalendarYearNotLoadedException e)
                {
                    Held(rule, e);
                    return;
                }
            }

            var unitName = owner.UnitName(unit);
            var recipients = logOnly ? [] : owner.Recipients(rule, unit, escalate, everyUnit, this);
            Accountability.AccountabilityFacts? accountability = null;
            if (rule.Level == EventLevel.Accountability)
            {
                // Never to the units the indicator event is about, whatever the rule names (see AccountabilityLevel): the
                // unit addressed, the unit measured and the indicator's owner, who answers for it.
                UnitId[] subjects = [.. new[] { unit, measured ?? unit, definition.Owner }.Distinct()];
                var (kept, dropped) = Accountability.AccountabilityLevel.Screen(recipients, subjects, null, owner._roster);
                foreach (var recipient in dropped)
                {
                    Problems.Add(Accountability.AccountabilityLevel.Dropped(rule, recipient, owner.UnitName(owner.SubjectOf(recipient.Person, subjects))));
                }

                recipients = kept;
                accountability = Accountability.AccountabilityLevel.Facts(rule, owner._roster);
            }

            Events.Add(new EscalationEvent(
                EventId.For(rule.Id, IndicatorItem.For(definition.Id), occurrence),
                rule.Id,
                rule.Level,
                kind,
                IndicatorItem.For(definition.Id),
                unit,
                today,
                occurrence,
                recipients,
                logOnly ? [] : rule.Channels,
                rule.Template,
                new EventFacts(definition.Name, unitName, facts.Planned ?? 0, facts.Value ?? 0, Streak: streak, Period: facts.PeriodLabel, PeriodKey: facts.Period.Key)
                {
                    Indicator = facts,
                    Accountability = accountability,
                },
                demand));
        }
    }

    /// <summary>
    /// The rule's recipients for an event about <paramref name="unit"/>: its unit roles are the unit's (every listed unit's
    /// for the scoreboard), with the deputy in charge replaced by the principal when <paramref name="escalate"/>.
    /// A person named twice is listed once, in the first role named. An empty role is reported (units table) and skipped.
    /// </summary>
    private Recipient[] Recipients(EscalationRule rule, UnitId unit, bool escalate, UnitId[]? everyUnit, Run run)
    {
        var recipients = new List<Recipient>(rule.To.Count + rule.Copy.Count);
        void Add(Recipient recipient)
        {
            foreach (var r in recipients)
            {
                if (r.Person == recipient.Person)
                {
                    return;
                }
            }

            recipients.Add(recipient);
        }

        void AddAll(IReadOnlyList<RecipientSpec> specs, bool isCopy)
        {
            foreach (var spec in specs)
            {
                switch (spec)
                {
                    case RecipientSpec.ByRole { Role: RecipientRole.SupervisionOffice }:
                        // A missing office is reported once for the configuration (Configuration.Build).
                        if (_roster.SupervisionOffice is { } office)
                        {
                            Add(new Recipient(RecipientRole.SupervisionOffice, office, isCopy));
                        }

                        break;
                    case RecipientSpec.ByRole { Role: var role }:
                        var asRole = escalate && role == RecipientRole.DeputyInCharge ? RecipientRole.UnitPrincipal : role;
                        foreach (var of in everyUnit ?? [unit])
                        {
                            AddUnitRole(of, asRole, isCopy, named: everyUnit is not null);
                        }

                        break;
                    case RecipientSpec.NamedPerson named:
                        Add(new Recipient(RecipientRole.Named, new PersonId(named.Reference), isCopy));
                        break;
                    case RecipientSpec.NamedUnitRole named:
                        // Configuration resolved the unit and reported an empty role once, for the rule.
                        if (_roster.Units.TryGetValue(new UnitId(named.Unit), out var other) && other.Holder(named.Role) is { } holder)
                        {
                            Add(new Recipient(named.Role, holder, isCopy, other.Id, other.Name));
                        }

                        break;
                }
            }
        }

        void AddUnitRole(UnitId of, RecipientRole role, bool isCopy, bool named)
        {
            _roster.Units.TryGetValue(of, out var roster);
            if (roster?.Holder(role) is { } person)
            {
                Add(named ? new Recipient(role, person, isCopy, of, roster.Name) : new Recipient(role, person, isCopy));
                return;
            }

            run.Problems.Add(new Problem("units", of.Value, Catalog.Configuration.UnitField(role), null,
                $"指标规则{Words.Quote(rule.Id.Value)}要发给单位的{ChineseNames.Of(role)}，但{roster?.Name ?? of.Value}没有填写这一角色，这条消息只发给其他收件人。请在「units」表中为该单位填写{ChineseNames.Of(role)}的人员编号。"));
        }

        AddAll(rule.To, isCopy: false);
        AddAll(rule.Copy, isCopy: true);
        return [.. recipients];
    }

    /// <summary>Problems in first-seen order, each once.</summary>
    private sealed class ProblemList
    {
        private readonly HashSet<Problem> _seen = [];

        public List<Problem> List { get; } = [];

        public void Add(Problem problem)
        {
            if (_seen.Add(problem))
            {
                List.Add(problem);
            }
        }
    }
}
