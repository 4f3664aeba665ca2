using System.Text;
using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>TC3-HMAC-SHA256 against the official example of Tencent's signing page and a SendSms fixture derived from it.</summary>
public sealed class Tc3SignerTests
{
    private const string SecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

    [Fact]
    public void Sign_ReproducesTheOfficialExample_WhenGivenItsRequest()
    {
        // https://tencentcloud.com/document/product/1026/31038: DescribeInstances on cvm, the body byte for byte.
        var body = Encoding.UTF8.GetBytes("""{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}""");

        var signature = Tc3Signer.Sign(
            SecretKey,
            "cvm",
            1551113065,
            "POST",
            [new("content-type", "application/json; charset=utf-8"), new("host", "cvm.tencentcloudapi.com")],
            body);

        Assert.Equal("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064", signature.PayloadHash);
        Assert.Equal(
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
            signature.CanonicalRequest);
        Assert.Equal("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031", signature.HashedCanonicalRequest);
        Assert.Equal("2019-02-25/cvm/tc3_request", signature.CredentialScope);
        Assert.Equal("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", signature.Signature);
        Assert.Equal(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
            Tc3Signer.Authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", signature));
    }

    [Fact]
    public void Sign_ReproducesTheSendSmsFixture_WhenTheActionIsSigned()
    {
        // Derived in the research notes (issue17-sms-research.md §2.2) with the documented algorithm; not official.
        var body = Encoding.UTF8.GetBytes("""{"PhoneNumberSet":["+8613800000000"],"SmsSdkAppId":"1400006666","SignName":"TestSign","TemplateId":"1110","TemplateParamSet":["123456"],"SessionContext":"msg-0001"}""");

        var signature = Tc3Signer.Sign(
            SecretKey,
            "sms",
            1700000000,
            "POST",
            [new("X-TC-Action", "SendSms"), new("Host", "sms.tencentcloudapi.com"), new("Content-Type", "application/json; charset=utf-8")],
            body);

        Assert.Equal("d408062813a63071a3b79ed42fb43fb807e4077564daa4c5b60a8686f21db2ed", signature.PayloadHash);
        Assert.Equal("content-type;host;x-tc-action", signature.SignedHeaders);
        Assert.Contains("x-tc-action:sendsms\n", signature.CanonicalRequest, StringComparison.Ordinal);
        Assert.Equal("2023-11-14/sms/tc3_request", signature.CredentialScope);
        Assert.Equal("77914365585e5f1ea22e1c7a979eb2d6326390c4fd5e22927a8bc2af3b6f48c8", signature.Signature);
    }

    [Theory]
    // 2019-02-25T23:59:59Z is already the 26th in Beijing: the scope keeps the UTC date.
    [InlineData(1551139199, "2019-02-25")]
    [InlineData(1551139200, "2019-02-26")]
    public void Sign_ScopesTheUtcDate_WhenBeijingIsAlreadyTheNextDay(long timestamp, string date)
    {
        var signature = Tc3Signer.Sign(SecretKey, "sms", timestamp, "POST", [new("host", "sms.tencentcloudapi.com")], []);

        Assert.Equal($"{date}/sms/tc3_request", signature.CredentialScope);
    }
}
