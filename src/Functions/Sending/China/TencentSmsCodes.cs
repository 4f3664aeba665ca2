namespace Escalation.Functions.Sending.China;

/// <summary>
/// What a Tencent Cloud SMS error code (per number in <c>SendStatusSet</c>, or for the whole request in
/// <c>Response.Error</c>) means for the engine. Sources: the SMS codes in https://cloud.tencent.com/document/api/382/59177
/// (and <c>tencentcloud-sdk-go</c> sms/v20210111/errors.go), the common codes in
/// https://cloud.tencent.com/document/api/382/38780. The classes are our judgement; the provider states none.
/// </summary>
public static class TencentSmsCodes
{
    /// <summary>The per-number code of an accepted message (capital O, small k).</summary>
    public const string Ok = "Ok";

    private static readonly HashSet<string> InvalidAddresses = new(StringComparer.Ordinal)
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberInBlacklist",
        "UnsupportedOperation.UnsupportedRegion",
    };

    private static readonly HashSet<string> Throttles = new(StringComparer.Ordinal)
    {
        "LimitExceeded.PhoneNumberThirtySecondLimit",
        "LimitExceeded.PhoneNumberOneHourLimit",
        "LimitExceeded.PhoneNumberDailyLimit",
        "LimitExceeded.PhoneNumberSameContentDailyLimit",
        "LimitExceeded.DeliveryFrequencyLimit",
        "LimitExceeded.AppDailyLimit",
        "LimitExceeded.AppCountryOrRegionDailyLimit",
        "LimitExceeded.DailyLimit",
        "ServiceUnavailable",
        "ResourceUnavailable",
    };

    /// <summary>
    /// The outcome for <paramref name="code"/>: <see cref="Ok"/> is sent; the per-number and per-app frequency limits,
    /// the API rate limit (<c>RequestLimitExceeded</c> and its sub-codes) and internal errors are retry-later; a wrong
    /// or blacklisted number is that address's failure; everything else (signature, template, parameters, credentials,
    /// balance, unknown codes) is rejected, for an operator to look at.
    /// </summary>
    public static GatewayOutcome Outcome(string? code) => code switch
    {
        Ok => GatewayOutcome.Sent,
        null or "" => GatewayOutcome.Rejected,
        _ when InvalidAddresses.Contains(code) => GatewayOutcome.InvalidAddress,
        _ when Throttles.Contains(code) => GatewayOutcome.RetryLater,
        _ when IsRateLimit(code) || MayHaveBeenSent(code) => GatewayOutcome.RetryLater,
        _ => GatewayOutcome.Rejected,
    };

    /// <summary>Whether the code is about one address, so a whole request refused with it is that address's fault.</summary>
    public static bool IsAddressCode(string? code) => code is not null && InvalidAddresses.Contains(code);

    /// <summary>
    /// <c>RequestLimitExceeded</c> (and <c>RequestLimitExceeded.*</c>): the API call itself was refused for its rate,
    /// before anything was sent, so the same request may be repeated at once with a new signature.
    /// </summary>
    public static bool IsRateLimit(string? code) =>
        code is not null && (code == "RequestLimitExceeded" || code.StartsWith("RequestLimitExceeded.", StringComparison.Ordinal));

    /// <summary>
    /// <c>InternalError</c> and its sub-codes (timeouts, send/receive failures inside Tencent): the outcome is unknown,
    /// so the message may have gone out; reconcile before sending again.
    /// </summary>
    public static bool MayHaveBeenSent(string? code) =>
        code is not null && (code == "InternalError" || code.StartsWith("InternalError.", StringComparison.Ordinal));
}
