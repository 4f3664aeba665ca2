using System.Globalization;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Digests;
using Escalation.Functions.Messaging;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Telemetry;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Pipeline;

/// <summary>
/// The four functions, one body each, shared by both shells: the custom handler (Azure: Service Bus SDK over AMQP,
/// Communication Services) and local mode (in-process bus, outbox or SMTP). Each takes a received message, parses it,
/// and settles it: completed, or dead-lettered with a reason when it can never succeed. Failures that may pass throw.
/// </summary>
public sealed partial class Engine
{
    private readonly DailyScan _scan;
    private readonly UnitEvaluation _evaluation;
    private readonly IndicatorEvaluation _indicators;
    private readonly ChannelDelivery _delivery;
    private readonly DigestIssuing _digests;
    private readonly ILogger _logger;

    public Engine(
        IEntityTables tables, IMessagePublisher publisher, ChannelSet channels,
        DeliveryOptions delivery, IClock clock, DateTimeZone zone, ILoggerFactory loggers, DigestOptions? digests = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        Channels = channels ?? throw new ArgumentNullException(nameof(channels));
        Publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _logger = loggers.CreateLogger("Escalation.Engine");
        _scan = new DailyScan(tables, publisher, clock, zone, loggers.CreateLogger("Escalation.ScanDeadlines"));
        var configurations = new ConfigurationCache(tables, clock, zone, ConfigurationTtl);
        _evaluation = new UnitEvaluation(tables, publisher, configurations, clock, zone, loggers.CreateLogger("Escalation.EvaluateUnit"));
        _indicators = new IndicatorEvaluation(tables, publisher, configurations, clock, zone, loggers.CreateLogger("Escalation.EvaluateUnit"));
        _delivery = new ChannelDelivery(tables, publisher, channels, configurations, delivery, clock, loggers.CreateLogger("Escalation.Deliver"));
        _digests = new DigestIssuing(
            tables, (channels[Channel.Email] as IEmailCarrier)?.Mail, digests ?? DigestOptions.Default, clock, zone, loggers.CreateLogger("Escalation.Digests"));
        Logged += EngineTelemetry.EventLogged;
    }

    /// <summary>The digests (weekly list, monthly notice): issued by the two timers, and by the <c>digest</c> command.</summary>
    public DigestIssuing Digests => _digests;

    /// <summary>WeeklyList (timer): issues this week's supervision list on its issue day, once.</summary>
    public Task<DigestOutcome> WeeklyList(CancellationToken cancellationToken = default) => _digests.WeeklyList(cancellationToken);

    /// <summary>MonthlyNotice (timer): issues last month's notice once it is due, once.</summary>
    public Task<DigestOutcome> MonthlyNotice(CancellationToken cancellationToken = default) => _digests.MonthlyNotice(cancellationToken);

    /// <summary>Where it publishes (the closed loop's web steps publish their events there too).</summary>
    public IMessagePublisher Publisher { get; }

    /// <summary>The channels it delivers, one adapter each.</summary>
    public ChannelSet Channels { get; }

    /// <summary>How long the evaluate and deliver steps reuse the configuration they read.</summary>
    public static readonly Duration ConfigurationTtl = Duration.FromMinutes(1);

    /// <summary>Called for each event logged for the first time (local mode prints them).</summary>
    public event Action<EscalationEvent>? Logged;

    /// <summary>Called for each unit evaluated (local mode sums up the items that need a year without calendar).</summary>
    public event Action<EvaluationOutcome>? Evaluated;

    /// <summary>ScanDeadlines (timer): the morning scan.</summary>
    public Task<ScanOutcome> ScanDeadlines(CancellationToken cancellationToken = default) =>
        EngineTelemetry.Scan(EngineTelemetry.ScanDeadlines, () => _scan.Run(ScanSlot.Morning, cancellationToken));

    /// <summary>ScanAfternoon (timer): the afternoon scan, with the afternoon's rules only.</summary>
    public Task<ScanOutcome> ScanAfternoon(CancellationToken cancellationToken = default) =>
        EngineTelemetry.Scan(EngineTelemetry.ScanAfternoon, () => _scan.Run(ScanSlot.Afternoon, cancellationToken));

    /// <summary>The scan of <paramref name="scan"/>: <see cref="ScanDeadlines"/> or <see cref="ScanAfternoon"/>.</summary>
    public Task<ScanOutcome> Scan(ScanSlot scan, CancellationToken cancellationToken = default) =>
        scan == ScanSlot.Afternoon ? ScanAfternoon(cancellationToken) : ScanDeadlines(cancellationToken);

    /// <summary>
    /// EvaluateUnit (queue <c>evaluate</c>), in a span that continues the trace the message carries: a unit's request, or
    /// an indicator's (<see cref="EvaluateMessage"/>), each logged and published the same way.
    /// </summary>
    public Task<Settlement> EvaluateUnit(ReceivedMessage message, CancellationToken cancellationToken = default) =>
        EngineTelemetry.Evaluate(message, () => RunEvaluateUnit(message, cancellationToken));

    /// <summary>DeliverEmail / DeliverSms (topic <c>events</c>, subscription per channel), in a span that continues the trace the message carries.</summary>
    public Task<Settlement> Deliver(ReceivedMessage message, Channel channel, CancellationToken cancellationToken = default) =>
        EngineTelemetry.Deliver(channel, message, () => RunDeliver(message, channel, cancellationToken));

    private async Task<Settlement> RunEvaluateUnit(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (request, indicator, error) = EvaluateMessage.Parse(message.Body);
        if (request is null && indicator is null)
        {
            return DeadLetter(message, error!);
        }

        var (outcome, unusable) = request is not null
            ? await _evaluation.Run(request, cancellationToken).ConfigureAwait(false)
            : await _indicators.Run(indicator!, cancellationToken).ConfigureAwait(false);
        if (outcome is null)
        {
            return DeadLetter(message, unusable!);
        }

        foreach (var e in outcome.Logged)
        {
            Logged?.Invoke(e);
        }

        Evaluated?.Invoke(outcome);
        return new Settlement.Completed(request is not null
            ? string.Create(CultureInfo.InvariantCulture,
                $"unit {request.Unit} on {request.Date:yyyy-MM-dd}: {outcome.Logged.Count} new events, {outcome.Republished} republished, {outcome.Problems} problems{(outcome.CalendarGaps.Count > 0 ? $", {outcome.CalendarGaps.Count} of them tasks needing a year without calendar" : "")}")
            : string.Create(CultureInfo.InvariantCulture,
                $"indicator {indicator!.Indicator} on {indicator.Date:yyyy-MM-dd}: {outcome.Logged.Count} new events, {outcome.Republished} republished, {outcome.Problems} problems"));
    }

    private async Task<Settlement> RunDeliver(ReceivedMessage message, Channel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        DeliveryOutcome? outcome;
        string? unusable;
        try
        {
            if (DispatchNotice.Is(message.Body))
            {
                var (dispatch, error) = DispatchNotice.Parse(message.Body);
                if (dispatch is null)
                {
                    return DeadLetter(message, error!);
                }

                (outcome, unusable) = await _delivery.OnDispatch(dispatch, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var (notice, error) = EventNotice.Parse(message.Body);
                if (notice is null)
                {
                    return DeadLetter(message, error!);
                }

                (outcome, unusable) = await _delivery.OnEvent(notice, channel, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Domain.Calendar.CalendarYearNotLoadedException e)
        {
            // The sending window's next opening falls in a year without a calendar: retrying cannot help until an admin
            // enters it. The event stays published, so the first scan after that delivers it.
            return DeadLetter(message, $"{e.Message} The event stays published; the next scan after the year is entered delivers it.");
        }

        if (outcome is null)
        {
            return DeadLetter(message, unusable!);
        }

        return new Settlement.Completed($"{channel}: {outcome.Summary}{(outcome.EventStatus is { } s ? $"; event {s}" : "")}");
    }

    private Settlement.DeadLetter DeadLetter(ReceivedMessage message, string reason)
    {
        LogDeadLetter(_logger, message.MessageId, message.DeliveryCount, reason);
        return new Settlement.DeadLetter(reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} (delivery {DeliveryCount}) dead-lettered: {Reason}")]
    private static partial void LogDeadLetter(ILogger logger, string messageId, int deliveryCount, string reason);
}
