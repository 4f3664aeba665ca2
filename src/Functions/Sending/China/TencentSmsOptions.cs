namespace Escalation.Functions.Sending.China;

/// <summary>A Tencent Cloud API key pair. <see cref="ToString"/> shows the id's last four characters only.</summary>
/// <param name="SecretId">The key id (<c>AKID…</c>).</param>
/// <param name="SecretKey">The key; never logged, never in an error.</param>
/// <param name="Token">The session token of temporary credentials (sent as <c>X-TC-Token</c>), or null.</param>
public sealed record TencentCredentials(string SecretId, string SecretKey, string? Token = null)
{
    /// <summary>The key id with all but its last four characters hidden, for messages.</summary>
    public string MaskedSecretId => SecretId.Length <= 4 ? "****" : "****" + SecretId[^4..];

    /// <inheritdoc />
    public override string ToString() => $"TencentCredentials {{ SecretId = {MaskedSecretId} }}";
}

/// <summary>Where and how <see cref="TencentSmsClient"/> talks to Tencent Cloud SMS.</summary>
public sealed class TencentSmsOptions
{
    /// <summary>The nearest-region endpoint (https://cloud.tencent.com/document/api/382/38766).</summary>
    public static readonly Uri DefaultEndpoint = new("https://sms.tencentcloudapi.com/");

    /// <summary>The API endpoint: <see cref="DefaultEndpoint"/>, a regional host such as <c>sms.ap-guangzhou.tencentcloudapi.com</c>, or a test fake.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>
    /// <c>X-TC-Region</c>, required by SendSms 2021-01-11; <c>ap-guangzhou</c>, <c>ap-beijing</c> and <c>ap-nanjing</c> are
    /// the values seen in use. Check it against the console.
    /// </summary>
    public string Region { get; init; } = "ap-guangzhou";

    /// <summary>The SMS application's SdkAppId from the console, e.g. <c>1400006666</c>.</summary>
    public required string SmsSdkAppId { get; init; }

    /// <summary>The approved signature's content (e.g. <c>某某市督查室</c>), not its id; required for mainland numbers.</summary>
    public required string SignName { get; init; }

    /// <summary><c>X-TC-Language</c>: the language of the error messages (<c>zh-CN</c> or <c>en-US</c>).</summary>
    public string Language { get; init; } = "zh-CN";

    /// <summary>How long one attempt may take, answer included; the research asks for at least a second.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times an attempt is repeated when it is known not to have been sent (connection refused, the API's rate
    /// limit); SendSms is never repeated after a lost or unreadable answer.
    /// </summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first wait between attempts; it doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The HTTP handler (tests pass one that trusts the fake's certificate); null for a default one.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
