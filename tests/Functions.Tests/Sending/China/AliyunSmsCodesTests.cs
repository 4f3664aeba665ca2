using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>What each dysmsapi answer code means for the engine (research notes, issue 17, §1.6).</summary>
public sealed class AliyunSmsCodesTests
{
    [Theory]
    [InlineData("OK", GatewayOutcome.Sent)]
    [InlineData("isv.BUSINESS_LIMIT_CONTROL", GatewayOutcome.RetryLater)]
    [InlineData("isv.DAY_LIMIT_CONTROL", GatewayOutcome.RetryLater)]
    [InlineData("isv.MONTH_LIMIT_CONTROL", GatewayOutcome.RetryLater)]
    [InlineData("Throttling", GatewayOutcome.RetryLater)]
    [InlineData("Throttling.User", GatewayOutcome.RetryLater)]
    [InlineData("Throttling.Api", GatewayOutcome.RetryLater)]
    [InlineData("isp.SYSTEM_ERROR", GatewayOutcome.RetryLater)]
    [InlineData("isv.AMOUNT_NOT_ENOUGH", GatewayOutcome.RetryLater)]
    [InlineData("isv.MOBILE_NUMBER_ILLEGAL", GatewayOutcome.InvalidAddress)]
    [InlineData("isv.SMS_SIGNATURE_ILLEGAL", GatewayOutcome.Rejected)]
    [InlineData("isv.SMS_SIGN_ILLEGAL", GatewayOutcome.Rejected)]
    [InlineData("isv.SMS_TEMPLATE_ILLEGAL", GatewayOutcome.Rejected)]
    [InlineData("isv.PARAM_LENGTH_LIMIT", GatewayOutcome.Rejected)]
    [InlineData("isv.INVALID_JSON_PARAM", GatewayOutcome.Rejected)]
    [InlineData("isv.MOBILE_COUNT_OVER_LIMIT", GatewayOutcome.Rejected)]
    [InlineData("InvalidAccessKeyId.NotFound", GatewayOutcome.Rejected)]
    [InlineData("InvalidAccessKeyId.Inactive", GatewayOutcome.Rejected)]
    [InlineData("SignatureDoesNotMatch", GatewayOutcome.Rejected)]
    [InlineData("InvalidTimeStamp.Expired", GatewayOutcome.Rejected)]
    [InlineData("isp.RAM_PERMISSION_DENY", GatewayOutcome.Rejected)]
    [InlineData("ok", GatewayOutcome.Rejected)]
    [InlineData("Throttlingx", GatewayOutcome.Rejected)]
    [InlineData("isv.NEVER_HEARD_OF", GatewayOutcome.Rejected)]
    public void Outcome_ClassifiesTheCode(string code, GatewayOutcome expected)
    {
        Assert.Equal(expected, AliyunSmsCodes.Outcome(code));
    }

    [Theory]
    [InlineData("Throttling.User", true)]
    [InlineData("SignatureNonceUsed", true)]
    [InlineData("isv.BUSINESS_LIMIT_CONTROL", false)]
    [InlineData("isp.SYSTEM_ERROR", false)]
    [InlineData(null, false)]
    public void IsRefusedBeforeProcessing_OnlyForGatewayRefusals(string? code, bool expected)
    {
        Assert.Equal(expected, AliyunSmsCodes.IsRefusedBeforeProcessing(code));
    }
}
