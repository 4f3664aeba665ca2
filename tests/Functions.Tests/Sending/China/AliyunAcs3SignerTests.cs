using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The V3 signature against Alibaba's published example and a SendSms fixture computed with the documented algorithm.</summary>
public sealed class AliyunAcs3SignerTests
{
    [Fact]
    public void Signature_MatchesTheOfficialExample_WhenSigningRunInstances()
    {
        // help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature: POST ecs.cn-shanghai.aliyuncs.com/,
        // parameters in the query, no body.
        var query = AliyunAcs3Signer.CanonicalQuery(
        [
            new("RegionId", "cn-shanghai"),
            new("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
        ]);
        KeyValuePair<string, string>[] headers =
        [
            new("host", "ecs.cn-shanghai.aliyuncs.com"),
            new("x-acs-action", "RunInstances"),
            new("x-acs-version", "2014-05-26"),
            new("x-acs-date", "2023-10-26T10:22:32Z"),
            new("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            new("x-acs-content-sha256", AliyunAcs3Signer.EmptyPayloadHash),
            new("Accept", "application/json"),
        ];

        var (canonical, signedHeaders) = AliyunAcs3Signer.CanonicalRequest("POST", "/", query, headers, AliyunAcs3Signer.EmptyPayloadHash);
        var signature = AliyunAcs3Signer.Signature("YourAccessKeySecret", canonical);

        Assert.Equal("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai", query);
        Assert.Equal("host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version", signedHeaders);
        Assert.Equal("7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259", AliyunAcs3Signer.Sha256Hex(canonical));
        Assert.Equal("06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0", signature);
        Assert.Equal(
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                + "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            AliyunAcs3Signer.Authorization("YourAccessKeyId", signedHeaders, signature));
    }

    [Fact]
    public void CanonicalRequest_HasABlankLineAfterTheHeaders_WhenBuilt()
    {
        var (canonical, _) = AliyunAcs3Signer.CanonicalRequest(
            "post", "/", "A=1", [new("X-Acs-Date", "  2023-10-26T10:22:32Z "), new("host", "h")], AliyunAcs3Signer.EmptyPayloadHash);

        Assert.Equal(
            "POST\n/\nA=1\nhost:h\nx-acs-date:2023-10-26T10:22:32Z\n\nhost;x-acs-date\n" + AliyunAcs3Signer.EmptyPayloadHash,
            canonical);
    }

    [Fact]
    public void Signature_MatchesTheResearchFixture_WhenSigningSendSms()
    {
        // Derived with the documented algorithm (research notes, issue 17, §1.2.b), not published by Alibaba; it pins
        // the encoding of Chinese and JSON in the query.
        var query = AliyunAcs3Signer.CanonicalQuery(
        [
            new("PhoneNumbers", "13800000000"),
            new("SignName", "阿里云短信测试"),
            new("TemplateCode", "SMS_154950909"),
            new("TemplateParam", """{"code":"123456"}"""),
            new("OutId", "msg-0001"),
        ]);
        KeyValuePair<string, string>[] headers =
        [
            new("host", "dysmsapi.aliyuncs.com"),
            new("x-acs-action", "SendSms"),
            new("x-acs-version", "2017-05-25"),
            new("x-acs-date", "2023-11-14T22:13:20Z"),
            new("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
            new("x-acs-content-sha256", AliyunAcs3Signer.EmptyPayloadHash),
        ];

        var (canonical, _) = AliyunAcs3Signer.CanonicalRequest("POST", "/", query, headers, AliyunAcs3Signer.EmptyPayloadHash);

        Assert.Equal(
            "OutId=msg-0001&PhoneNumbers=13800000000&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95"
                + "&TemplateCode=SMS_154950909&TemplateParam=%7B%22code%22%3A%22123456%22%7D",
            query);
        Assert.Equal("f8d777b11487aa8f54b263307c189eca032728e9e611986780cc568cb73e1ff7", AliyunAcs3Signer.Sha256Hex(canonical));
        Assert.Equal("15c731b331620a40eb4de5cf8fd78b10d61ade91e27075322a440d3c5b404012", AliyunAcs3Signer.Signature("YourAccessKeySecret", canonical));
    }

    [Theory]
    [InlineData("AZaz09-_.~", "AZaz09-_.~")]
    [InlineData("a b", "a%20b")]
    [InlineData("a*b", "a%2Ab")]
    [InlineData("a+b/c=d&e", "a%2Bb%2Fc%3Dd%26e")]
    [InlineData("2017-07-12T02:42:19Z", "2017-07-12T02%3A42%3A19Z")]
    [InlineData("短信", "%E7%9F%AD%E4%BF%A1")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void PercentEncode_FollowsRfc3986InUpperCase_WhenEncoding(string value, string expected)
    {
        Assert.Equal(expected, AliyunAcs3Signer.PercentEncode(value));
    }

    [Fact]
    public void CanonicalQuery_SortsByName_WhenParametersComeInAnyOrder()
    {
        var query = AliyunAcs3Signer.CanonicalQuery([new("b", "2"), new("B", "1"), new("a", ""), new("A.1", "x y")]);

        Assert.Equal("A.1=x%20y&B=1&a=&b=2", query);
    }
}
