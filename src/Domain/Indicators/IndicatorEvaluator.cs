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
/// Periods without a value (1–2月 published together, no January) are not judged: they neither count in a streak nor
/// break it, like exempt periods. A group's period is ranked only when every unit of the group has a value for it; until
/// then a problem names the missing units.
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
            var context = new SeriesContext(run, definition, values.AsMemory(start, end - start), exemptions);
            context.Evaluate();
            series[(values[start].Indicator, values[start].Unit)] = (start, end - start);
            start = end;
        }

        if (_anyGroupRule)
        {
            foreach (var group in inputs.Groups)
            {
                if (!definitions.TryGetValue(group.Indicator, out var definition))
                {
                    run.Problems.Add(new Problem(RankingGroup.Table, group.Id.Value, nameof(RankingGroup.Indicator), group.Indicator.Value,
                        $"没有编号为{Words.Quote(group.Indicator.Value)}的可用指标，此分组不排名。请填写「indicators」表中已有的指标编号，或先改正该指标的问题。"));
                    continue;
                }

                EvaluateGroup(run, definition, group, values, series, exemptions);
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
    /// The values published by today of usable indicators, grouped by indicator and sorted by unit and period (O(n log n)); a value of
    /// an unknown indicator, of another period kind, or repeating an (indicator, unit, period) is reported and left out.
    /// </summary>
    private static IndicatorValue[] Published(IReadOnlyList<IndicatorValue> values, Dictionary<IndicatorId, IndicatorDefinition> definitions, Run run)
    {
        // Bucketed by indicator in O(n) (a counting sort on the definition's index), then each bucket sorted by unit and
        // period: comparing short buckets by unit id is much cheaper than sorting every value by two strings.
        var indexOf = new Dictionary<IndicatorId, int>(definitions.Count);
        foreach (var id in definitions.Keys)
        {
            indexOf.Add(id, indexOf.Count);
        }

        var kept = new List<(int Index, IndicatorValue Value)>(values.Count);
        var counts = new int[indexOf.Count + 1];
        foreach (var value in values)
        {
            if (value.Published > run.Today)
            {
                continue;
            }

            if (!indexOf.TryGetValue(value.Indicator, out var index))
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, value.Indicator.Value, nameof(IndicatorValue.Indicator), value.Indicator.Value,
                    $"没有编号为{Words.Quote(value.Indicator.Value)}的可用指标，该指标的数据均未采用。请填写「indicators」表中已有的指标编号，或先改正该指标的问题。"));
                continue;
            }

            var definition = definitions[value.Indicator];
            if (value.Period.Kind != definition.PeriodKind)
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, value.RowKey, nameof(IndicatorValue.Period), value.Period.Key,
                    $"指标「{definition.Name}」按{ChineseNames.Of(definition.PeriodKind)}发布，此行的期次不是{ChineseNames.Of(definition.PeriodKind)}，未采用。请改正期次（月如 2025-05，季如 2025-Q1，周如 2025-W10）。"));
                continue;
            }

            kept.Add((index, value));
            counts[index + 1]++;
        }

        for (var i = 1; i < counts.Length; i++)
        {
            counts[i] += counts[i - 1];
        }

        var sorted = new IndicatorValue[kept.Count];
        var next = (int[])counts.Clone();
        foreach (var (index, value) in kept)
        {
            sorted[next[index]++] = value;
        }

        for (var i = 0; i + 1 < counts.Length; i++)
        {
            Array.Sort(sorted, counts[i], counts[i + 1] - counts[i], ByUnitAndPeriod);
        }

        var count = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (count > 0 && sorted[count - 1] is var last && last.Indicator == sorted[i].Indicator && last.Unit == sorted[i].Unit && last.Period == sorted[i].Period)
            {
                run.Problems.Add(new Problem(IndicatorValue.Table, sorted[i].RowKey, nameof(IndicatorValue.Period), sorted[i].Period.Key,
                    "同一指标、单位和期次有多行数据，只采用了其中一行。请删除重复的行（更正数据请直接修改原行）。"));
                continue;
            }

            sorted[count++] = sorted[i];
        }

        return sorted[..count];
    }

    private static readonly IComparer<IndicatorValue> ByUnitAndPeriod = Comparer<IndicatorValue>.Create(static (a, b) =>
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
        HashSet<(IndicatorId, UnitId, IndicatorPeriod)>? exemptions)
    {
        var units = group.Units.Distinct().ToArray();
        var members = new List<IndicatorValue>();
        foreach (var unit in units)
        {
            if (series.TryGetValue((definition.Id, unit), out var range))
            {
                members.AddRange(values.AsSpan(range.Start, range.Count));
            }
        }

        members.Sort(static (a, b) => a.Period.CompareTo(b.Period));
        var index = new Dictionary<UnitId, int>(units.Length);
        for (var i = 0; i < units.Length; i++)
        {
            index[units[i]] = i;
        }

        // Per unit (by its index in the group): consecutive ranked periods qualifying for bottom-rank, up to the current one.
        var consecutive = new int[units.Length];
        var slice = new (UnitId, double)[units.Length];
        for (var start = 0; start < members.Count;)
        {
            var end = start + 1;
            while (end < members.Count && members[end].Period == members[start].Period)
            {
                end++;
            }

            var period = members[start].Period;
            var published = members[start].Published;
            for (var i = start + 1; i < end; i++)
            {
                published = members[i].Published > published ? members[i].Published : published;
            }

            if (end - start < units.Length)
            {
                // Not ranked: the period neither counts nor breaks a unit's run of bottom places.
                if (run.MayFire(published))
                {
                    var have = members.GetRange(start, end - start).Select(v => v.Unit).ToHashSet();
                    run.Problems.Add(new Problem(IndicatorValue.Table, $"{definition.Id.Value}/{period.Key}", nameof(IndicatorValue.Unit),
                        string.Join("、", units.Where(u => !have.Contains(u)).Select(u => u.Value)),
                        $"排名分组{Words.Quote(group.Name)}（{group.Id.Value}）{period.Label(definition.IsCumulative)}缺少这些单位的数据，该期暂不排名、不发成绩单和约谈。请补录这些单位的数据。"));
                }

                start = end;
                continue;
            }

            var byUnit = new IndicatorValue[units.Length];
            for (var i = start; i < end; i++)
            {
                slice[i - start] = (members[i].Unit, members[i].Value);
                byUnit[index[members[i].Unit]] = members[i];
            }

            var standings = Ranking.Rank(slice, definition.Direction);
            var ranked = new RankedPeriod(definition, group, period, published, standings);
            foreach (var standing in standings)
            {
                var at = index[standing.Unit];
                var value = byUnit[at];

                // Exempt: no bottom-rank summons and no pledge; the period neither counts nor breaks the run of bottom places.
                var exempt = exemptions is not null && exemptions.Contains((definition.Id, standing.Unit, period));
                var qualifies = !exempt && standing.InBottom(group.BottomK) && value.ProvincialAverage is { } average && definition.IsWorse(value.Value, average);
                if (!exempt)
                {
                    var counted = _options.GoLive is not { } goLive || value.Published >= goLive;
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
                        $"{Words.Quote(UnitName(standing.Unit))}排在分组{Words.Quote(group.Name)}后{group.BottomK}位，但此行没有全省平均值，无法判断是否低于全省平均，未约谈。请补录全省平均值。"));
                }

                if (definition.PeriodKind != IndicatorPeriodKind.Month)
                {
                    continue;
                }

                if (standing.InTop(group.TopK))
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

            start = end;
        }
    }

    private string UnitName(UnitId unit) => _roster.Units.TryGetValue(unit, out var roster) ? roster.Name : unit.Value;

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

    /// <summary>One unit's values of one indicator, in period order: the per-unit triggers.</summary>
    private readonly struct SeriesContext(Run run, IndicatorDefinition definition, ReadOnlyMemory<IndicatorValue> series, HashSet<(IndicatorId, UnitId, IndicatorPeriod)>? exemptions)
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
            if (Owner._lagLadder.Length == 0 || !definition.IsLagging(values[index]))
            {
                return;
            }

            var goLive = Owner._options.GoLive;
            if (goLive is { } g && values[index].Published < g)
            {
                return;
            }

            var streak = 1;
            for (var j = index - 1; j >= 0; j--)
            {
                if (goLive is { } from && values[j].Published < from)
                {
                    break;
                }

                if (Exempt(values[j]))
                {
                    continue;
                }

                if (!definition.IsLagging(values[j]))
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
                if (run.Due(rule, values[index].Published) is { } first)
                {
                    run.Raise(rule, first, EventKind.IndicatorLagging, definition, values[index].Unit, Occurrence("ind-lag", values[index]), Run.ValueFacts(definition, values[index]), streak: streak);
                }

                return;
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
                        run.Raise(rule, first, EventKind.TargetMissed, definition, value.Unit, Occurrence("ind-floor", value), Run.ValueFacts(definition, value) with { Target = floor });
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
                        run.Raise(rule, first, EventKind.StretchMissed, definition, value.Unit, Occurrence("ind-stretch", value), Run.ValueFacts(definition, value) with { Target = stretch });
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
                            run.Raise(rule, first, EventKind.BelowEarlier, definition, value.Unit, Occurrence("ind-earlier", value), facts);
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
            if (!value.Period.IsLastOfYear || value is not { ProvincialRank: { } rank, PeerCount: { } peers } || peers < 1)
            {
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
                    run.Raise(rule, first, EventKind.YearEndRank, definition, value.Unit, Occurrence("ind-yearend", value), facts, logOnly: exempt);
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
        /// <param name="unit">The unit the event is about (the scoreboard: the indicator's owner).</param>
        /// <param name="occurrence">The occurrence key.</param>
        /// <param name="facts">The figures.</param>
        /// <param name="streak">For lag events: the streak.</param>
        /// <param name="escalate">For bottom-rank: the deputy in charge is replaced by the principal.</param>
        /// <param name="logOnly">Logged only: no recipients, no channels, no demand.</param>
        /// <param name="everyUnit">For the scoreboard: the rule's unit roles are those of every unit here.</param>
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
            UnitId[]? everyUnit = null)
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
                // Never to the unit the indicator event is about, whatever the rule names (see AccountabilityLevel).
                var (kept, dropped) = Accountability.AccountabilityLevel.Screen(recipients, [unit], null, owner._roster);
                foreach (var recipient in dropped)
                {
                    Problems.Add(Accountability.AccountabilityLevel.Dropped(rule, recipient, unitName));
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
