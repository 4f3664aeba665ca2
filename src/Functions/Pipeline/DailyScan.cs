using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>What a scan did.</summary>
/// <param name="Date">The local date evaluated.</param>
/// <param name="Units">Evaluate requests published, one per unit.</param>
/// <param name="ConfigurationProblems">Problems open in the configuration (recorded in the problems table).</param>
/// <param name="Scan">Which of the two daily scans it was.</param>
public sealed record ScanOutcome(LocalDate Date, int Units, int ConfigurationProblems, ScanSlot Scan = ScanSlot.Morning)
{
    /// <summary>Evaluate requests published for indicators, one per indicator (none without an enabled indicator rule for the scan).</summary>
    public int Indicators { get; init; }
}

/// <summary>
/// ScanDeadlines: once a day, validate the configuration (recording its problems) and ask for each unit to be evaluated
/// as of today, local date. Fans out by unit so that units are evaluated in parallel and each in one table partition.
/// A date in a year the calendar does not hold fails the run loudly, with a problem for the admins: no guessing.
/// ScanAfternoon is the same with the afternoon's rules; it publishes nothing when no enabled rule is for the afternoon.
/// When an enabled indicator rule is for the scan, it also asks for each usable indicator to be evaluated city-wide, on
/// the same queue (<see cref="EvaluateIndicatorRequest"/>): ranking needs every unit's value of an indicator, which is
/// one partition of <c>indicatorvalues</c>, so the indicator is the partition of work there, as the unit is for tasks.
/// </summary>
public sealed partial class DailyScan(IEntityTables tables, IMessagePublisher publisher, IClock clock, DateTimeZone zone, ILogger logger)
{
    public async Task<ScanOutcome> Run(ScanSlot scan = ScanSlot.Morning, CancellationToken cancellationToken = default)
    {
        var read = new DailyRead(tables, clock, zone);
        var (configuration, today, problems) = await read.Configuration(cancellationToken).ConfigureAwait(false);
        if (!configuration.Calendar.IsLoaded(today.Year))
        {
            LogYearMissing(logger, today.Year);
            throw new CalendarYearNotLoadedException(today.Year, configuration.Calendar.LoadedYears);
        }

        if (scan != ScanSlot.Morning && !configuration.Rules.Any(r => r.Enabled && r.Scan == scan))
        {
            LogNoRules(logger, today, scan);
            return new ScanOutcome(today, 0, problems.Count, scan);
        }

        var requests = configuration.Roster.Units.Keys
            .OrderBy(u => u.Value, StringComparer.Ordinal)
            .Select(unit => new EvaluateRequest(unit, today, scan).ToMessage())
            .ToList();
        var units = requests.Count;
        if (EvaluatesIndicators(configuration, today, scan))
        {
            requests.AddRange(configuration.Indicators.Definitions.Keys
                .OrderBy(i => i.Value, StringComparer.Ordinal)
                .Select(indicator => new EvaluateIndicatorRequest(indicator, today, scan).ToMessage()));
        }

        await publisher.Publish(ServiceBusEntities.EvaluateQueue, requests, cancellationToken).ConfigureAwait(false);
        LogScanned(logger, scan, today, units, requests.Count - units, problems.Count);
        return new ScanOutcome(today, units, problems.Count, scan) { Indicators = requests.Count - units };
    }

    /// <summary>True when the scan of <paramref name="scan"/> on <paramref name="date"/> asks for the indicators to be evaluated: an indicator rule applies then.</summary>
    public static bool EvaluatesIndicators(Configuration configuration, LocalDate date, ScanSlot scan)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.Rules.Any(r => r.Scan == scan && r.Trigger.Kind.IsIndicator() && r.AppliesOn(date));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan ({Scan}) of {Date}: no enabled rule is for this scan; nothing to evaluate")]
    private static partial void LogNoRules(ILogger logger, LocalDate date, ScanSlot scan);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan ({Scan}) of {Date}: {Units} units and {Indicators} indicators to evaluate, {Problems} configuration problems open")]
    private static partial void LogScanned(ILogger logger, ScanSlot scan, LocalDate date, int units, int indicators, int problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan refused: no working calendar for {Year}")]
    private static partial void LogYearMissing(ILogger logger, int year);
}
