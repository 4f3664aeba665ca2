using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using NodaTime;

namespace Escalation.Functions.Messaging;

/// <summary>
/// Signs each request with a Service Bus shared access token,
/// <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={url-encoded HMAC-SHA256}&amp;se={unix expiry}&amp;skn={key name}</c>,
/// where the signature is over <c>{url-encoded resource}\n{expiry}</c> with the key's UTF-8 bytes. The resource is the
/// entity's URI, which both namespace-level and entity-level keys accept. Tokens are cached per entity and made again
/// five minutes before they expire, on the injected clock.
/// </summary>
internal sealed class ServiceBusSasPolicy : HttpPipelineSynchronousPolicy
{
    private static readonly Duration RenewBeforeExpiry = Duration.FromMinutes(5);

    private readonly string _keyName;
    private readonly byte[] _key;
    private readonly IClock _clock;
    private readonly Duration _lifetime;
    private readonly ConcurrentDictionary<string, Token> _tokens = new(StringComparer.Ordinal);

    public ServiceBusSasPolicy(string keyName, string key, IClock clock, Duration lifetime)
    {
        if (lifetime < Duration.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A shared access token must live at least ten minutes.");
        }

        _keyName = keyName;
        _key = Encoding.UTF8.GetBytes(key);
        _clock = clock;
        _lifetime = lifetime;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var audience = Audience(message.Request.Uri.ToUri());
        var now = _clock.GetCurrentInstant();
        if (!_tokens.TryGetValue(audience, out var token) || now >= token.Expiry - RenewBeforeExpiry)
        {
            var expiry = Instant.FromUnixTimeSeconds((now + _lifetime).ToUnixTimeSeconds());
            token = new Token(Create(audience, _keyName, _key, expiry), expiry);
            _tokens[audience] = token;
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, token.Value);
    }

    /// <summary>The entity's URI: the request URI without <c>/messages</c> and the query.</summary>
    internal static string Audience(Uri requestUri)
    {
        var path = requestUri.AbsolutePath;
        const string suffix = "/messages";
        if (path.EndsWith(suffix, StringComparison.Ordinal))
        {
            path = path[..^suffix.Length];
        }

        return $"https://{requestUri.Authority}{path}";
    }

    internal static string Create(string audience, string keyName, byte[] key, Instant expiry)
    {
        var resource = WebUtility.UrlEncode(audience);
        var se = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{resource}\n{se}")));
        return $"SharedAccessSignature sr={resource}&sig={WebUtility.UrlEncode(signature)}&se={se}&skn={WebUtility.UrlEncode(keyName)}";
    }

    private sealed record Token(string Value, Instant Expiry);
}
