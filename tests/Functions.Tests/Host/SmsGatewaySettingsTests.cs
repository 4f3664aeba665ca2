using Escalation.Functions.Commands;

namespace Escalation.Functions.Tests.Host;

/// <summary>The Escalation__Sms__* settings of a mainland SMS gateway: defaults, each value read, Chinese errors naming key and value.</summary>
public sealed class SmsGatewaySettingsTests
{
    private static (EngineSettings? Settings, IReadOnlyList<string> Errors) From(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return EngineSettings.From(key => map.GetValueOrDefault(key));
    }

    [Fact]
    public void From_UsesAcs_WhenNoProviderIsSet()
    {
        var (settings, errors) = From();

        Assert.Empty(errors);
        Assert.Equal(SmsProvider.Acs, settings!.SmsGateway.Provider);
        Assert.False(settings.SmsGateway.IsGateway);
    }

    [Fact]
    public void From_ReadsATencentAccount_WhenAllIsGood()
    {
        var (settings, errors) = From(
            (EngineSettings.SmsProviderKey, "tencent"),
            (EngineSettings.SmsSignNameKey, "【市督查室】"),
            (EngineSettings.SmsAccessKeyIdKey, "AKIDabcdefgh1234"),
            (EngineSettings.SmsAccessKeySecretKey, "secret-key"),
            (EngineSettings.SmsSdkAppIdKey, "1400006666"),
            (EngineSettings.SmsRegionKey, "ap-beijing"),
            (EngineSettings.SmsEndpointKey, "https://sms.ap-beijing.tencentcloudapi.com"));

        Assert.Empty(errors);
        var sms = settings!.SmsGateway;
        Assert.Equal((SmsProvider.Tencent, "市督查室", "1400006666", "ap-beijing", 12), (sms.Provider, sms.SignName, sms.SdkAppId, sms.Region, sms.MaxParameterLength));
        Assert.True(sms.HasCredentials);
        Assert.DoesNotContain("secret-key", sms.ToString(), StringComparison.Ordinal);
        Assert.Contains("****1234", sms.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_DefaultsTheParameterLengthTo20_ForAliyun()
    {
        var (settings, errors) = From((EngineSettings.SmsProviderKey, "aliyun"), (EngineSettings.SmsSignNameKey, "市督查室"));

        Assert.Empty(errors);
        Assert.Equal(20, settings!.SmsGateway.MaxParameterLength);
        Assert.False(settings.SmsGateway.HasCredentials);
    }

    [Theory]
    [InlineData(EngineSettings.SmsProviderKey, "huawei")]
    [InlineData(EngineSettings.SmsSignNameKey, "督")]
    [InlineData(EngineSettings.SmsSdkAppIdKey, "12345")]
    [InlineData(EngineSettings.SmsRegionKey, "Guangzhou")]
    [InlineData(EngineSettings.SmsEndpointKey, "http://sms.example.com")]
    [InlineData(EngineSettings.SmsMaxParameterLengthKey, "1")]
    public void From_RefusesABadValue_NamingKeyAndValueInChinese(string key, string value)
    {
        (string, string)[] good = [(EngineSettings.SmsProviderKey, "tencent"), (EngineSettings.SmsSignNameKey, "市督查室")];
        var (settings, errors) = From([.. good.Where(g => g.Item1 != key), (key, value)]);

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Matches("[\u4e00-\u9fff]", error);
    }

    [Fact]
    public void From_RequiresTheSignName_ForAGateway()
    {
        var (_, errors) = From((EngineSettings.SmsProviderKey, "aliyun"));

        Assert.Contains(EngineSettings.SmsSignNameKey, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void From_RefusesAnIdWithoutItsSecret()
    {
        var (_, errors) = From((EngineSettings.SmsProviderKey, "aliyun"), (EngineSettings.SmsSignNameKey, "市督查室"), (EngineSettings.SmsAccessKeyIdKey, "LTAI0000"));

        Assert.Contains(EngineSettings.SmsAccessKeySecretKey, Assert.Single(errors), StringComparison.Ordinal);
    }
}
