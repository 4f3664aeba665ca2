using Azure.Core;
using Azure.Core.Pipeline;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// How to reach one Communication Services resource: its endpoint and how requests are authenticated, either an Entra
/// token (managed identity; no secret in settings) or the resource's access key from a connection string (HMAC-SHA256).
/// Shared by <see cref="AcsEmailSender"/> and <see cref="AcsSmsSender"/>.
/// </summary>
public sealed class AcsAccess
{
    /// <summary>The Entra scope for Communication Services data-plane tokens.</summary>
    public const string Scope = "https://communication.azure.com/.default";

    private readonly Func<HttpPipelinePolicy> _authentication;

    private AcsAccess(Uri endpoint, Func<HttpPipelinePolicy> authentication, string describe)
    {
        Endpoint = endpoint;
        _authentication = authentication;
        Describe = describe;
    }

    /// <summary>The resource's root, <c>https://{resource}.communication.azure.com/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>The resource and the kind of authentication, for logs (no secrets).</summary>
    public string Describe { get; }

    /// <summary>With an Entra token for <see cref="Scope"/> (managed identity in Azure).</summary>
    /// <param name="endpoint">The resource's endpoint, <c>https://{resource}.communication.azure.com/</c>.</param>
    /// <param name="credential">The token source, e.g. a <c>ManagedIdentityCredential</c>.</param>
    public static AcsAccess WithCredential(Uri endpoint, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var root = HttpsRoot(endpoint);
        return new AcsAccess(root, () => new BearerTokenAuthenticationPolicy(credential, Scope), $"Communication Services {root.Authority} (Entra token)");
    }

    /// <summary>
    /// From a connection string <c>endpoint=https://{resource}.communication.azure.com/;accesskey={base64 key}</c>: each
    /// request is signed with the key, dated from <paramref name="clock"/>.
    /// </summary>
    /// <param name="connectionString">The resource's connection string.</param>
    /// <param name="clock">The clock request dates are read from (the service refuses dates far from its own).</param>
    public static AcsAccess FromConnectionString(string connectionString, IClock clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(clock);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException("The Communication Services connection string has a part without 'name=value'.", nameof(connectionString));
            }

            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (!parts.TryGetValue("endpoint", out var endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            throw new ArgumentException("The Communication Services connection string has no absolute endpoint.", nameof(connectionString));
        }

        if (!parts.TryGetValue("accesskey", out var keyText) || keyText.Length == 0)
        {
            throw new ArgumentException("The Communication Services connection string has no accesskey.", nameof(connectionString));
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(keyText);
        }
        catch (FormatException)
        {
            // Not the exception's message: it would not echo the key, but say nothing more than this either.
            throw new ArgumentException("The Communication Services connection string's accesskey is not base64.", nameof(connectionString));
        }

        var root = HttpsRoot(endpoint);
        return new AcsAccess(root, () => new AcsHmacPolicy(key, clock), $"Communication Services {root.Authority} (access key)");
    }

    /// <summary>A pipeline that authenticates each attempt (per retry: a fresh date and signature, or a valid token).</summary>
    internal HttpPipeline Pipeline(AcsOptions options) => HttpPipelineBuilder.Build(options, _authentication());

    private static Uri HttpsRoot(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            // Plain HTTP would carry the token or signature in clear; Azure.Core's bearer policy refuses it too.
            throw new ArgumentException($"'{endpoint}' is not an https:// Communication Services endpoint.", nameof(endpoint));
        }

        return new Uri($"https://{endpoint.Authority}/");
    }
}
