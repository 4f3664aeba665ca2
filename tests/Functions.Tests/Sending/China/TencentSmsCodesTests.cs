using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

public sealed class TencentSmsCodesTests
{
    [Theory]
    [InlineData("Ok", GatewayOutcome.Sent)]
    [InlineData("LimitExceeded.PhoneNumberDailyLimit", GatewayOutcome.RetryLater)]
    [InlineData("LimitExceeded.PhoneNumberThirtySecondLimit", GatewayOutcome.RetryLater)]
    [InlineData("LimitExceeded.PhoneNumberOneHourLimit", GatewayOutcome.RetryLater)]
    [InlineData("LimitExceeded.PhoneNumberSameContentDailyLimit", GatewayOutcome.RetryLater)]
    [InlineData("LimitExceeded.AppDailyLimit", GatewayOutcome.RetryLater)]
    [InlineData("RequestLimitExceeded", GatewayOutcome.RetryLater)]
    [InlineData("RequestLimitExceeded.UinLimitExceeded", GatewayOutcome.RetryLater)]
    [InlineData("InternalError.Timeout", GatewayOutcome.RetryLater)]
    [InlineData("InvalidParameterValue.IncorrectPhoneNumber", GatewayOutcome.InvalidAddress)]
    [InlineData("FailedOperation.PhoneNumberInBlacklist", GatewayOutcome.InvalidAddress)]
    [InlineData("FailedOperation.SignatureIncorrectOrUnapproved", GatewayOutcome.Rejected)]
    [InlineData("FailedOperation.TemplateIncorrectOrUnapproved", GatewayOutcome.Rejected)]
    [InlineData("InvalidParameterValue.TemplateParameterLengthLimit", GatewayOutcome.Rejected)]
    [InlineData("AuthFailure.SignatureFailure", GatewayOutcome.Rejected)]
    [InlineData("AuthFailure.SignatureExpire", GatewayOutcome.Rejected)]
    [InlineData("UnauthorizedOperation.SmsSdkAppIdVerifyFail", GatewayOutcome.Rejected)]
    [InlineData("FailedOperation.InsufficientBalanceInSmsPackage", GatewayOutcome.Rejected)]
    [InlineData("LimitExceeded.PhoneNumberCountLimit", GatewayOutcome.Rejected)]
    [InlineData("SomethingNew.NeverSeen", GatewayOutcome.Rejected)]
    [InlineData("", GatewayOutcome.Rejected)]
    public void Outcome_MapsTheCode_AsTheResearchClassifiesIt(string code, GatewayOutcome expected)
    {
        Assert.Equal(expected, TencentSmsCodes.Outcome(code));
    }

    [Fact]
    public void MayHaveBeenSent_IsTrueForInternalErrorsOnly_WhenTheCodeIsRetryable()
    {
        Assert.True(TencentSmsCodes.MayHaveBeenSent("InternalError"));
        Assert.True(TencentSmsCodes.MayHaveBeenSent("InternalError.SendAndRecvFail"));
        Assert.False(TencentSmsCodes.MayHaveBeenSent("RequestLimitExceeded"));
        Assert.False(TencentSmsCodes.MayHaveBeenSent("LimitExceeded.PhoneNumberDailyLimit"));
    }
}
