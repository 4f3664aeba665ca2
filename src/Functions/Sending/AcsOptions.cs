using Azure.Core;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Options of the Communication Services senders: the Azure.Core pipeline's (<see cref="ClientOptions.Retry"/>, which
/// honours <c>Retry-After</c>; <see cref="ClientOptions.Transport"/>; diagnostics) plus email polling and SMS reports.
/// </summary>
public sealed class AcsOptions : ClientOptions
{
    /// <summary>Exponential retries, three of them, before a throttled or failed request is reported as transient.</summary>
    public AcsOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 3;
    }

    /// <summary>Wait between polls of an email send operation when the service gives no <c>retry-after</c> (default 2 s).</summary>
    public Duration EmailPollInterval { get; set; } = Duration.FromSeconds(2);

    /// <summary>
    /// The most time spent polling one email send operation (default 30 s). An operation still running then counts as
    /// sent: the service accepted it, and polling longer would only hold the invocation.
    /// </summary>
    public Duration EmailPollLimit { get; set; } = Duration.FromSeconds(30);

    /// <summary>How to wait between polls; tests replace it to run without waiting.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <summary>Ask for SMS delivery reports on Event Grid (<c>smsSendOptions.enableDeliveryReport</c>; default off).</summary>
    public bool SmsDeliveryReport { get; set; }
}
