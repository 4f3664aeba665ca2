using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Escalation.Functions.Sending.China;

/// <summary>
/// Alibaba Cloud's V3 request signature, <c>ACS3-HMAC-SHA256</c>, as documented in "V3版本请求体&amp;签名机制"
/// (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature, document 2593177):
/// <list type="number">
/// <item>CanonicalRequest = method \n canonical URI \n canonical query \n canonical headers \n signed headers \n
/// hex(SHA-256(body)); the canonical headers are <c>host</c>, <c>content-type</c> and every <c>x-acs-*</c> header,
/// lower-cased, values trimmed, sorted, each <c>name:value\n</c> (so a blank line follows them);</item>
/// <item>StringToSign = <c>ACS3-HMAC-SHA256\n</c> + hex(SHA-256(CanonicalRequest));</item>
/// <item>Signature = hex(HMAC-SHA256(AccessKeySecret, StringToSign)), lower case, the secret as is (no trailing
/// <c>&amp;</c>, unlike V2);</item>
/// <item><c>Authorization: ACS3-HMAC-SHA256 Credential={id},SignedHeaders={names},Signature={hex}</c>.</item>
/// </list>
/// Names and values are percent-encoded per RFC 3986 in UTF-8: only <c>A-Z a-z 0-9 - _ . ~</c> stay as they are,
/// everything else is <c>%XX</c> with upper-case hex (a space is <c>%20</c>, <c>*</c> is <c>%2A</c>).
/// </summary>
internal static class AliyunAcs3Signer
{
    public const string Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>hex(SHA-256("")), the payload hash of a request without a body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>RFC 3986 percent-encoding of UTF-8, upper-case hex, only unreserved characters left as they are.</summary>
    public static string PercentEncode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>The parameters encoded and sorted by encoded name (then value), joined as <c>name=value&amp;...</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return string.Join(
            '&',
            parameters
                .Select(p => (Name: PercentEncode(p.Key), Value: PercentEncode(p.Value ?? "")))
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>Whether a header takes part in the signature: <c>host</c>, <c>content-type</c> and <c>x-acs-*</c>.</summary>
    public static bool IsSigned(string headerName) =>
        headerName.Equals("host", StringComparison.OrdinalIgnoreCase)
        || headerName.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || headerName.StartsWith("x-acs-", StringComparison.OrdinalIgnoreCase);

    /// <summary>The canonical request and the signed header names (<c>a;b;c</c>) of a request.</summary>
    /// <param name="method">The HTTP method, e.g. POST.</param>
    /// <param name="canonicalUri">The encoded path; <c>/</c> for RPC APIs such as dysmsapi.</param>
    /// <param name="canonicalQuery">From <see cref="CanonicalQuery"/>.</param>
    /// <param name="headers">The request's headers; those not signed are left out here.</param>
    /// <param name="payloadHash">hex(SHA-256(body)), <see cref="EmptyPayloadHash"/> without a body.</param>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var signed = headers
            .Where(h => IsSigned(h.Key))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var canonicalHeaders = string.Concat(signed.Select(h => $"{h.Name}:{h.Value}\n"));
        var signedHeaders = string.Join(';', signed.Select(h => h.Name));
        return ($"{method.ToUpperInvariant()}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}", signedHeaders);
    }

    /// <summary>hex(SHA-256(text as UTF-8)), lower case.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>hex(SHA-256(bytes)), lower case.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The signature of a canonical request: hex(HMAC-SHA256(secret, <c>ACS3-HMAC-SHA256\n</c> + hex(SHA-256(request)))).</summary>
    public static string Signature(string accessKeySecret, string canonicalRequest)
    {
        var stringToSign = $"{Algorithm}\n{Sha256Hex(canonicalRequest)}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The <c>Authorization</c> header's value; no spaces after the commas.</summary>
    public static string Authorization(string accessKeyId, string signedHeaders, string signature) =>
        $"{Algorithm} Credential={accessKeyId},SignedHeaders={signedHeaders},Signature={signature}";
}
