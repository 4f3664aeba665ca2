namespace Escalation.Functions.Sending.China;

/// <summary>
/// What an Alibaba Cloud SMS (dysmsapi 2017-05-25) answer code means for the engine. Alibaba does not label its codes as
/// retryable; the classes are ours (research notes, issue 17, §1.6), from the error-code pages
/// (help.aliyun.com/document_detail/101346.html) and the gateway's common errors.
/// </summary>
public static class AliyunSmsCodes
{
    /// <summary>The request was accepted (not yet delivered).</summary>
    public const string Ok = "OK";

    /// <summary>Per-number flow control (minute, hour or day window, per signature and template).</summary>
    public const string BusinessLimitControl = "isv.BUSINESS_LIMIT_CONTROL";

    /// <summary>The number is not a valid mobile number.</summary>
    public const string MobileNumberIllegal = "isv.MOBILE_NUMBER_ILLEGAL";

    /// <summary>The gateway saw this nonce before; the request was not processed.</summary>
    public const string SignatureNonceUsed = "SignatureNonceUsed";

    /// <summary>Accepted, throttled, or over a quota that lifts by itself or when an operator tops up: same request later.</summary>
    private static readonly HashSet<string> Later = new(StringComparer.Ordinal)
    {
        BusinessLimitControl,
        "isv.DAY_LIMIT_CONTROL",
        "isv.MONTH_LIMIT_CONTROL",
        // Over the balance or stopped for arrears: nothing is wrong with the message; it goes once the account is paid.
        "isv.AMOUNT_NOT_ENOUGH",
        "isv.OUT_OF_SERVICE",
        // A fault on Alibaba's side: the message may or may not have been taken, so the caller reconciles first.
        "isp.SYSTEM_ERROR",
        "ServiceUnavailable",
        "InternalError",
        SignatureNonceUsed,
    };

    /// <summary>The address alone is at fault; the same message to other numbers is fine.</summary>
    private static readonly HashSet<string> Address = new(StringComparer.Ordinal)
    {
        MobileNumberIllegal,
    };

    /// <summary>The outcome an answer code stands for; an unknown code is a rejection (an operator reads its code).</summary>
    public static GatewayOutcome Outcome(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (string.Equals(code, Ok, StringComparison.Ordinal))
        {
            return GatewayOutcome.Sent;
        }

        if (IsThrottling(code) || Later.Contains(code))
        {
            return GatewayOutcome.RetryLater;
        }

        return Address.Contains(code) ? GatewayOutcome.InvalidAddress : GatewayOutcome.Rejected;
    }

    /// <summary>
    /// Whether the gateway refused the request before acting on it, so that the same request, signed again with a new
    /// nonce and date, may be sent again at once without texting anybody twice: API rate control (<c>Throttling</c>,
    /// <c>Throttling.User</c>, <c>Throttling.Api</c>) and a reused nonce.
    /// </summary>
    public static bool IsRefusedBeforeProcessing(string? code) =>
        code is not null && (IsThrottling(code) || string.Equals(code, SignatureNonceUsed, StringComparison.Ordinal));

    private static bool IsThrottling(string code) =>
        string.Equals(code, "Throttling", StringComparison.Ordinal) || code.StartsWith("Throttling.", StringComparison.Ordinal);
}
