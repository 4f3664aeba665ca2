using Azure.Core;
using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>
/// Options of <see cref="ServiceBusRestPublisher"/>: the Azure.Core pipeline's (<see cref="ClientOptions.Retry"/>, which
/// honours <c>Retry-After</c>; <see cref="ClientOptions.Transport"/>; diagnostics) plus the shared access token lifetime.
/// </summary>
public sealed class ServiceBusRestOptions : ClientOptions
{
    /// <summary>Exponential retries, five of them: a broker restart or throttling usually passes within that.</summary>
    public ServiceBusRestOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
    }

    /// <summary>
    /// How long a shared access token made from a connection string is valid (at least ten minutes; default one hour).
    /// A token is made again five minutes before it expires.
    /// </summary>
    public Duration SasTokenLifetime { get; set; } = Duration.FromHours(1);
}
