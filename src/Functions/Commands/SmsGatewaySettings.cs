using System.Globalization;
using System.Text.RegularExpressions;
using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Commands;

/// <summary>Which service sends SMS.</summary>
public enum SmsProvider
{
    /// <summary>Azure Communication Services (cannot reach mainland numbers).</summary>
    Acs,

    /// <summary>Alibaba Cloud SMS (dysmsapi).</summary>
    Aliyun,

    /// <summary>Tencent Cloud SMS.</summary>
    Tencent,
}

/// <summary>
/// The SMS provider and a mainland gateway's account, from the <c>Escalation__Sms__*</c> settings. The secret is never
/// shown (<see cref="ToString"/> masks it).
/// </summary>
/// <param name="Provider">acs, aliyun or tencent.</param>
/// <param name="SignName">The approved signature name (签名), without 【】; required for a gateway.</param>
/// <param name="AccessKeyId">The AccessKey id (Tencent SecretId); null when not set (local mode then writes the outbox).</param>
/// <param name="AccessKeySecret">The AccessKey secret (Tencent SecretKey).</param>
/// <param name="SdkAppId">Tencent's SmsSdkAppId.</param>
/// <param name="Region">Tencent's region.</param>
/// <param name="Endpoint">The gateway's https endpoint, or null for the provider's public one.</param>
/// <param name="MaxParameterLength">The longest template variable.</param>
internal sealed partial record SmsGatewaySettings(
    SmsProvider Provider,
    string? SignName,
    string? AccessKeyId,
    string? AccessKeySecret,
    string? SdkAppId,
    string Region,
    Uri? Endpoint,
    int MaxParameterLength)
{
    public const string DefaultRegion = "ap-guangzhou";

    public static SmsGatewaySettings Acs { get; } = new(SmsProvider.Acs, null, null, null, null, DefaultRegion, null, AliyunTemplateParameters.DefaultMaxLength);

    /// <summary>True for aliyun and tencent.</summary>
    public bool IsGateway => Provider != SmsProvider.Acs;

    /// <summary>True when the account can be called: an id and a secret (and Tencent's app id).</summary>
    public bool HasCredentials =>
        AccessKeyId is not null && AccessKeySecret is not null && (Provider != SmsProvider.Tencent || SdkAppId is not null);

    /// <summary>The provider's name in Chinese, for messages.</summary>
    public string ProviderName => Provider switch
    {
        SmsProvider.Aliyun => "阿里云短信",
        SmsProvider.Tencent => "腾讯云短信",
        _ => "Azure 通信服务短信",
    };

    public override string ToString() =>
        $"{Provider} (SignName {SignName ?? "-"}, AccessKeyId {Mask(AccessKeyId)}, AccessKeySecret {(AccessKeySecret is null ? "-" : "****")}, SdkAppId {SdkAppId ?? "-"}, Region {Region}, Endpoint {Endpoint?.ToString() ?? "-"}, MaxParameterLength {MaxParameterLength.ToString(CultureInfo.InvariantCulture)})";

    private static string Mask(string? id) => id is null ? "-" : id.Length <= 4 ? "****" : "****" + id[^4..];

    /// <summary>Reads the settings; each fault is added to <paramref name="errors"/> in Chinese, naming key, value and the fix.</summary>
    public static SmsGatewaySettings From(Func<string, string?> get, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(errors);
        var providerText = get(EngineSettings.SmsProviderKey) ?? "acs";
        SmsProvider? provider = providerText.ToLowerInvariant() switch
        {
            "acs" => SmsProvider.Acs,
            "aliyun" or "阿里云" => SmsProvider.Aliyun,
            "tencent" or "腾讯云" => SmsProvider.Tencent,
            _ => null,
        };
        if (provider is null)
        {
            errors.Add($"设置 {EngineSettings.SmsProviderKey} = '{providerText}' 不是短信服务商。可填 acs（Azure 通信服务，默认；不能发往中国大陆号码）、aliyun（阿里云短信）或 tencent（腾讯云短信）。");
            return Acs;
        }

        var signName = get(EngineSettings.SmsSignNameKey);
        if (signName is not null)
        {
            signName = signName.Trim('【', '】').Trim();
            if (signName.Length is < 2 or > 12)
            {
                errors.Add($"设置 {EngineSettings.SmsSignNameKey} = '{get(EngineSettings.SmsSignNameKey)}' 应为短信服务商审核通过的签名名称，2 到 12 个字（不含【】），如「市督查室」。");
            }
        }
        else if (provider != SmsProvider.Acs)
        {
            errors.Add($"设置 {EngineSettings.SmsSignNameKey} 未填写：用 {providerText} 发短信时必须填写审核通过的短信签名名称（不含【】），如「市督查室」。");
        }

        var id = get(EngineSettings.SmsAccessKeyIdKey);
        var secret = get(EngineSettings.SmsAccessKeySecretKey);
        if ((id is null) != (secret is null))
        {
            errors.Add($"设置 {EngineSettings.SmsAccessKeyIdKey} 和 {EngineSettings.SmsAccessKeySecretKey} 要么都填，要么都不填（本地模式不填时短信写入发件箱 sms-gateway.log）；现在只填了{(id is null ? EngineSettings.SmsAccessKeySecretKey : EngineSettings.SmsAccessKeyIdKey)}。");
        }

        var appId = get(EngineSettings.SmsSdkAppIdKey);
        if (appId is not null && !SdkAppIdPattern().IsMatch(appId))
        {
            errors.Add($"设置 {EngineSettings.SmsSdkAppIdKey} = '{appId}' 应为腾讯云短信应用的 SdkAppId（以 14 开头的 10 位数字，见短信控制台「应用管理」）。");
        }
        else if (provider == SmsProvider.Tencent && id is not null && appId is null)
        {
            errors.Add($"设置 {EngineSettings.SmsSdkAppIdKey} 未填写：用腾讯云短信时必须填写短信应用的 SdkAppId（短信控制台「应用管理」中，如 1400006666）。");
        }

        var region = get(EngineSettings.SmsRegionKey) ?? DefaultRegion;
        if (!RegionPattern().IsMatch(region))
        {
            errors.Add($"设置 {EngineSettings.SmsRegionKey} = '{region}' 不是腾讯云地域，应写成如 ap-guangzhou、ap-beijing、ap-nanjing。");
        }

        Uri? endpoint = null;
        if (get(EngineSettings.SmsEndpointKey) is { } endpointText)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback))
            {
                endpoint = uri;
            }
            else
            {
                errors.Add($"设置 {EngineSettings.SmsEndpointKey} = '{endpointText}' 不是 https:// 开头的绝对地址；不填则用服务商的公共地址（阿里云 https://dysmsapi.aliyuncs.com，腾讯云 https://sms.tencentcloudapi.com）。");
            }
        }

        var fallback = provider == SmsProvider.Tencent ? TencentTemplateParameters.IndividualAccountLimit : AliyunTemplateParameters.DefaultMaxLength;
        var max = fallback;
        if (get(EngineSettings.SmsMaxParameterLengthKey) is { } maxText)
        {
            if (int.TryParse(maxText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 2 and <= 500)
            {
                max = n;
            }
            else
            {
                errors.Add($"设置 {EngineSettings.SmsMaxParameterLengthKey} = '{maxText}' 应为 2 到 500 之间的整数：短信模板每个变量最多几个字（阿里云一般为 20，腾讯云个人账号为 12、企业账号可更长）。");
            }
        }

        return new SmsGatewaySettings(provider.Value, signName, id, secret, appId, region, endpoint, max);
    }

    /// <summary>
    /// The SMS channel through the gateway: the Aliyun or Tencent client when the account has credentials; otherwise, in
    /// local mode, <c>sms-gateway.log</c> in <paramref name="outbox"/>. Null for ACS, or for a gateway without
    /// credentials outside local mode (the caller reports it). What must be disposed goes to <paramref name="own"/>.
    /// </summary>
    public Sending.IChannelSender? Channel(string? outbox, NodaTime.IClock clock, Action<IDisposable> own)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(own);
        if (!IsGateway)
        {
            return null;
        }

        ISmsGateway gateway;
        if (HasCredentials && Provider == SmsProvider.Aliyun)
        {
            var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            own(http);
            gateway = new AliyunSmsGateway(new AliyunSmsClient(http, new AliyunCredentials(AccessKeyId!, AccessKeySecret!), clock, options: new AliyunSmsOptions
            {
                Endpoint = Endpoint ?? AliyunSmsOptions.DefaultEndpoint,
                MaxParameterLength = MaxParameterLength,
            }));
        }
        else if (HasCredentials)
        {
            var client = TencentSmsClient.Create(new TencentCredentials(AccessKeyId!, AccessKeySecret!), new TencentSmsOptions
            {
                Endpoint = Endpoint ?? TencentSmsOptions.DefaultEndpoint,
                Region = Region,
                SmsSdkAppId = SdkAppId!,
                SignName = SignName!,
            }, clock);
            own(client);
            gateway = new TencentSmsGateway(client);
        }
        else if (outbox is not null)
        {
            var log = new OutboxSmsGateway(outbox, Provider.ToString().ToLowerInvariant(), clock);
            own(log);
            gateway = log;
        }
        else
        {
            return null;
        }

        return new GatewaySmsChannel(gateway, SignName!, MaxParameterLength, clock);
    }

    [GeneratedRegex("^14[0-9]{8}$")]
    private static partial Regex SdkAppIdPattern();

    [GeneratedRegex("^[a-z]{2}-[a-z]+(-[0-9]+)?$")]
    private static partial Regex RegionPattern();
}
