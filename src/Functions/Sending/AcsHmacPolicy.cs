using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Signs each request with a Communication Services access key (HMAC-SHA256): headers <c>x-ms-date</c> (RFC 1123, from
/// the injected clock), <c>x-ms-content-sha256</c> (base64 SHA-256 of the body, empty body included) and
/// <c>Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=...</c>, the signature
/// being over <c>VERB\n{path and query}\n{date};{host};{content hash}</c> with the base64-decoded key. The host is the
/// URI's authority, so it carries the port when that is not the scheme's default, as the Host header does.
/// Per retry, so that each attempt is signed with its own date.
/// </summary>
internal sealed class AcsHmacPolicy(byte[] key, IClock clock) : HttpPipelineSynchronousPolicy
{
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var contentHash = ContentHash(request.Content, message.CancellationToken);
        var date = clock.GetCurrentInstant().ToDateTimeOffset().ToString("R", CultureInfo.InvariantCulture);
        var signature = Sign(key, request.Method.Method, uri.PathAndQuery, date, uri.Authority, contentHash);

        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-content-sha256", contentHash);
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"HMAC-SHA256 SignedHeaders={SignedHeaders}&Signature={signature}");
    }

    internal static string Sign(byte[] key, string method, string pathAndQuery, string date, string host, string contentHash)
    {
        var stringToSign = $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{date};{host};{contentHash}";
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string ContentHash(RequestContent? content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        content?.WriteTo(body, cancellationToken);
        return Convert.ToBase64String(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
    }
}
