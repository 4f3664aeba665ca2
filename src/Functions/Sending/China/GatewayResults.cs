namespace Escalation.Functions.Sending.China;

/// <summary>What a mainland gateway (an SMS provider, a chat robot) answered for one address of a request.</summary>
public enum GatewayOutcome
{
    /// <summary>Accepted for delivery.</summary>
    Sent,

    /// <summary>Throttled, over a quota or a transient fault: try again later, the same request.</summary>
    RetryLater,

    /// <summary>This address cannot be reached (an invalid or blacklisted number): failed for this recipient only.</summary>
    InvalidAddress,

    /// <summary>The request itself is refused for good (signature, template, credentials, content): an operator must act.</summary>
    Rejected,
}

/// <summary>The answer for one address: its outcome, the provider's id for it, and the provider's code and message.</summary>
/// <param name="Address">The phone number (E.164) or the robot id the result is for.</param>
/// <param name="Outcome">What to do about it.</param>
/// <param name="ProviderId">The provider's id (BizId, SerialNo) when sent.</param>
/// <param name="Code">The provider's code, e.g. <c>isv.BUSINESS_LIMIT_CONTROL</c> or <c>45009</c>.</param>
/// <param name="Message">The provider's message, as it came.</param>
public sealed record GatewayResult(string Address, GatewayOutcome Outcome, string? ProviderId, string? Code, string? Message);
