using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Escalation.Functions.Sending.China;

/// <summary>The parts of a TC3-HMAC-SHA256 signature, each kept so that tests can compare them with the documented steps.</summary>
/// <param name="PayloadHash">Lowercase hex SHA-256 of the body.</param>
/// <param name="CanonicalRequest">The six lines: method, URI, query, headers, signed header names, payload hash.</param>
/// <param name="HashedCanonicalRequest">Lowercase hex SHA-256 of <paramref name="CanonicalRequest"/>.</param>
/// <param name="CredentialScope"><c>{UTC date}/{service}/tc3_request</c>.</param>
/// <param name="SignedHeaders">The signed header names, lowercase, sorted, joined with <c>;</c>.</param>
/// <param name="Signature">Lowercase hex of the final HMAC.</param>
internal sealed record Tc3Signature(
    string PayloadHash,
    string CanonicalRequest,
    string HashedCanonicalRequest,
    string CredentialScope,
    string SignedHeaders,
    string Signature);

/// <summary>
/// Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), as documented for every product
/// (https://tencentcloud.com/document/product/1026/31038, the same steps on each product's "签名方法 v3" page): a canonical request of the method, <c>/</c>, the query
/// (empty for POST), the signed headers (names and values lowercased and trimmed, sorted by name, each <c>name:value\n</c>),
/// their names and the body's SHA-256; a string to sign <c>TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hash of it}</c> with
/// the scope <c>{UTC date of the timestamp}/{service}/tc3_request</c>; keys derived from <c>"TC3" + SecretKey</c> by the
/// date, the service and <c>tc3_request</c>.
/// </summary>
internal static class Tc3Signer
{
    public const string Algorithm = "TC3-HMAC-SHA256";

    public static Tc3Signature Sign(
        string secretKey,
        string service,
        long timestamp,
        string method,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> payload)
    {
        var canonical = headers
            .Select(h => (Name: h.Key.Trim().ToLowerInvariant(), Value: h.Value.Trim().ToLowerInvariant()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var canonicalHeaders = string.Concat(canonical.Select(h => $"{h.Name}:{h.Value}\n"));
        var signedHeaders = string.Join(';', canonical.Select(h => h.Name));
        var payloadHash = Hex(SHA256.HashData(payload));
        var canonicalRequest = $"{method.ToUpperInvariant()}\n/\n\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var hashedCanonicalRequest = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

        // The UTC date of the timestamp: a local (UTC+8) date fails for eight hours a day.
        var date = Instant.FromUnixTimeSeconds(timestamp).InUtc().Date.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{service}/tc3_request";
        var stringToSign = $"{Algorithm}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{scope}\n{hashedCanonicalRequest}";

        var secretDate = Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), date);
        var secretService = Hmac(secretDate, service);
        var secretSigning = Hmac(secretService, "tc3_request");
        var signature = Hex(Hmac(secretSigning, stringToSign));
        return new Tc3Signature(payloadHash, canonicalRequest, hashedCanonicalRequest, scope, signedHeaders, signature);
    }

    /// <summary>The Authorization header: note the comma and space between its parts.</summary>
    public static string Authorization(string secretId, Tc3Signature signature) =>
        $"{Algorithm} Credential={secretId}/{signature.CredentialScope}, SignedHeaders={signature.SignedHeaders}, Signature={signature.Signature}";

    private static byte[] Hmac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
