using System.Globalization;
using Cronos;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// The settings of the pipeline and its adapters, by the names used in local.settings.sample.json, the README and the
/// Bicep app settings. Each key is named once, here (or in <see cref="Settings"/> and <see cref="StoreSettings"/>).
/// </summary>
internal sealed record EngineSettings(
    DeliveryOptions Delivery,
    CronExpression ScanSchedule,
    string ScanScheduleText,
    string Outbox,
    SmtpOptions? Smtp,
    string EmailSender,
    string? SmsFrom,
    string? AcsEndpoint,
    string? AcsConnectionString,
    string? ServiceBusNamespace,
    string? ServiceBusConnectionString)
{
    /// <summary>The afternoon scan's schedule (ScanAfternoon's timer), NCRONTAB, UTC.</summary>
    public CronExpression AfternoonScanSchedule { get; init; } = CronExpression.Parse(DefaultAfternoonScanSchedule, CronFormat.IncludeSeconds);

    public string AfternoonScanScheduleText { get; init; } = DefaultAfternoonScanSchedule;

    /// <summary>The weekly list's timer (WeeklyList), NCRONTAB, UTC: each run decides whether today is the issue day.</summary>
    public string WeeklyListScheduleText { get; init; } = DefaultWeeklyListSchedule;

    /// <summary>The monthly notice's timer (MonthlyNotice), NCRONTAB, UTC.</summary>
    public string MonthlyNoticeScheduleText { get; init; } = DefaultMonthlyNoticeSchedule;

    /// <summary>The digests' red header and the monthly notice's latest working day.</summary>
    public Digests.DigestOptions Digests { get; init; } = Functions.Digests.DigestOptions.Default;

    /// <summary>The web's public address (https://host, no trailing slash), for links in calendar feeds; null when not set.</summary>
    public string? WebBaseUrl { get; init; }

    /// <summary>The SMS provider and, for a mainland gateway, its account; <see cref="SmsGatewaySettings.Acs"/> by default.</summary>
    public SmsGatewaySettings SmsGateway { get; init; } = SmsGatewaySettings.Acs;

    /// <summary>
    /// Reads the group robots' settings, named by robot id: <c>Escalation__Robots__{Id}__Webhook</c> and <c>__Secret</c>
    /// (not in <see cref="Keys"/>: their names come from the robots table).
    /// </summary>
    public Func<string, string?> Robots { get; init; } = _ => null;

    /// <summary>Local mode's secrets file: the robots' webhooks and secrets by setting name, so that they stay out of the tables.</summary>
    public const string DefaultSecretsFile = ".local/secrets.json";

    public const string ScanScheduleKey = "Escalation__ScanSchedule";

    /// <summary>When ScanAfternoon runs (NCRONTAB, UTC): the same-day chases of afternoon rules.</summary>
    public const string AfternoonScanScheduleKey = "Escalation__AfternoonScanSchedule";
    public const string SendingWindowKey = "Escalation__SendingWindow";

    /// <summary>When WeeklyList runs (NCRONTAB, UTC); it issues the week's list on the week's first working day, or a later working day of the week if that run was missed.</summary>
    public const string WeeklyListScheduleKey = "Escalation__WeeklyListSchedule";

    /// <summary>When MonthlyNotice runs (NCRONTAB, UTC); it issues last month's notice once its data is published.</summary>
    public const string MonthlyNoticeScheduleKey = "Escalation__MonthlyNoticeSchedule";

    /// <summary>The red header (红头) of the weekly list and the monthly notice, e.g. XX市委市政府督查室.</summary>
    public const string DigestHeaderKey = "Escalation__DigestHeader";

    /// <summary>The working day after the month by which the monthly notice is issued even with data missing (1–20, default 10: the next month's 10th; past a short next month, in the month after).</summary>
    public const string DigestMonthlyLatestWorkingDayKey = "Escalation__DigestMonthlyLatestWorkingDay";
    public const string SendAtOnceKey = "Escalation__SendAtOnce";

    /// <summary>The web's public address as people's browsers reach it (https://duban.example.gov.cn), for links in calendar feeds.</summary>
    public const string WebBaseUrlKey = "Escalation__Web__BaseUrl";
    public const string MaxAttemptsKey = "Escalation__Delivery__MaxAttempts";
    public const string FirstRetryMinutesKey = "Escalation__Delivery__FirstRetryMinutes";

    /// <summary>Minutes a person's message of the day waits for the day's other events before it goes (0–60, default 10).</summary>
    public const string GatherMinutesKey = "Escalation__Delivery__GatherMinutes";
    public const string OutboxKey = "Escalation__Outbox";
    public const string EmailSenderKey = "Escalation__Email__Sender";
    public const string SmsFromKey = "Escalation__Sms__From";

    /// <summary>Which SMS provider sends: acs (default), aliyun or tencent (mainland gateways).</summary>
    public const string SmsProviderKey = "Escalation__Sms__Provider";

    /// <summary>The approved SMS signature name of the gateway account (签名), without 【】.</summary>
    public const string SmsSignNameKey = "Escalation__Sms__SignName";
    public const string SmsAccessKeyIdKey = "Escalation__Sms__AccessKeyId";

    /// <summary>The gateway's secret (AccessKey secret, Tencent SecretKey): a Key Vault reference in Azure.</summary>
    public const string SmsAccessKeySecretKey = "Escalation__Sms__AccessKeySecret";

    /// <summary>Tencent Cloud's SMS application id (SmsSdkAppId).</summary>
    public const string SmsSdkAppIdKey = "Escalation__Sms__SdkAppId";

    /// <summary>Tencent Cloud's region (default ap-guangzhou).</summary>
    public const string SmsRegionKey = "Escalation__Sms__Region";

    /// <summary>The gateway's endpoint, https (default the provider's public one).</summary>
    public const string SmsEndpointKey = "Escalation__Sms__Endpoint";

    /// <summary>The longest template variable the account allows (default 20 Aliyun, 12 Tencent).</summary>
    public const string SmsMaxParameterLengthKey = "Escalation__Sms__MaxParameterLength";

    /// <summary>At most this many SMS messages to one number a day (0–100, default 8; 0: no cap).</summary>
    public const string SmsDailyCapKey = "Escalation__Sms__DailyCap";
    public const string AcsEndpointKey = "Escalation__Acs__Endpoint";
    public const string AcsConnectionStringKey = "Escalation__Acs__ConnectionString";
    public const string SmtpHostKey = "Escalation__Smtp__Host";
    public const string SmtpPortKey = "Escalation__Smtp__Port";
    public const string SmtpSecurityKey = "Escalation__Smtp__Security";
    public const string SmtpUserKey = "Escalation__Smtp__User";
    public const string SmtpPasswordKey = "Escalation__Smtp__Password";

    /// <summary>Whether the SMTP password may be sent on a connection without TLS (<c>true</c>/<c>false</c>, default false).</summary>
    public const string SmtpAllowPlainTextAuthKey = "Escalation__Smtp__AllowPlainTextAuth";

    /// <summary>The Service Bus connection the trigger bindings use (<c>"connection": "ServiceBusConnection"</c>): with an identity, its namespace.</summary>
    public const string ServiceBusNamespaceKey = "ServiceBusConnection__fullyQualifiedNamespace";

    /// <summary>Or a connection string with a shared access key (the same name the bindings read).</summary>
    public const string ServiceBusConnectionStringKey = "ServiceBusConnection";

    /// <summary>Application Insights (the same setting the Functions host reads): the handler exports its traces and metrics there.</summary>
    public const string ApplicationInsightsConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>An OTLP/gRPC endpoint (the OpenTelemetry standard variable) to export traces and metrics to, e.g. locally.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether spans and metrics are printed on stdout (<c>true</c>/<c>false</c>, default false).</summary>
    public const string TelemetryConsoleKey = "Escalation__Telemetry__Console";

    /// <summary>08:30 Asia/Shanghai is 00:30 UTC; NCRONTAB with seconds, UTC (Flex Consumption has no WEBSITE_TIME_ZONE).</summary>
    public const string DefaultScanSchedule = "0 30 0 * * *";

    /// <summary>16:00 Asia/Shanghai is 08:00 UTC: two hours before the default sending window closes at 18:00.</summary>
    public const string DefaultAfternoonScanSchedule = "0 0 8 * * *";
    /// <summary>09:00 Asia/Shanghai (01:00 UTC) every day, after the morning scan; the engine skips non-working days.</summary>
    public const string DefaultWeeklyListSchedule = "0 0 1 * * *";

    /// <summary>09:10 Asia/Shanghai (01:10 UTC) every day; the engine issues only when last month's notice is due.</summary>
    public const string DefaultMonthlyNoticeSchedule = "0 10 1 * * *";
    public const string DefaultOutbox = ".local/outbox";
    public const string DefaultEmailSender = OutboxEmailSender.DefaultSenderAddress;

    /// <summary>Every key the app reads, for the documentation checks.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        Settings.TimeZoneKey, StoreSettings.ServiceUriKey, StoreSettings.ConnectionStringKey, StoreSettings.LocalStoreKey,
        ScanScheduleKey, AfternoonScanScheduleKey, WeeklyListScheduleKey, MonthlyNoticeScheduleKey, DigestHeaderKey, DigestMonthlyLatestWorkingDayKey, SendingWindowKey, SendAtOnceKey, MaxAttemptsKey, FirstRetryMinutesKey, GatherMinutesKey, OutboxKey,
        EmailSenderKey, SmsFromKey, AcsEndpointKey, AcsConnectionStringKey,
        SmsProviderKey, SmsSignNameKey, SmsAccessKeyIdKey, SmsAccessKeySecretKey, SmsSdkAppIdKey, SmsRegionKey, SmsEndpointKey, SmsMaxParameterLengthKey, SmsDailyCapKey,
        SmtpHostKey, SmtpPortKey, SmtpSecurityKey, SmtpUserKey, SmtpPasswordKey, SmtpAllowPlainTextAuthKey,
        ServiceBusNamespaceKey, ServiceBusConnectionStringKey,
        ApplicationInsightsConnectionStringKey, OtlpEndpointKey, TelemetryConsoleKey,
        Web.Uploads.UploadPolicy.MaxUploadBytesKey, Web.Uploads.BlobEvidenceStore.ContainerUrlKey,
        WebBaseUrlKey,
    ];

    private static readonly HashSet<string> CronNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT",
    };

    /// <summary>The web's base URL without a trailing slash, or the Chinese error naming the setting; (null, null) when not set.</summary>
    internal static (string? Url, string? Error) ParseWebBaseUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var trimmed = text.Trim().TrimEnd('/');
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? (trimmed, null)
            : (null, $"设置 {WebBaseUrlKey} = '{text}' 不是网页的地址：应写成浏览器打开本系统网页的地址，如 https://duban.example.gov.cn（不带路径以外的查询参数）。");
    }

    /// <summary>
    /// The timer reads the schedule with NCrontab, which knows less than Cronos: six fields of numbers, <c>*</c>, lists,
    /// ranges, steps and month/day names, and none of <c>?</c>, <c>L</c>, <c>W</c> or <c>#</c>. Null when it is such a schedule.
    /// </summary>
    private static string? NcrontabFault(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            return $"it has {fields.Length} fields; NCRONTAB with seconds has 6 (second minute hour day month weekday, UTC).";
        }

        foreach (var field in fields)
        {
            foreach (var token in field.Split(',', '-', '/'))
            {
                if (token != "*" && !(token.Length > 0 && token.All(char.IsAsciiDigit)) && !CronNames.Contains(token))
                {
                    return $"'{token}' in '{field}' is not a number, * or a month/day name (?, L, W and # are not NCRONTAB).";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// What is odd about the two scans' times, in the deployment's zone (for <c>check</c>): an afternoon scan at or after
    /// the sending window closes (its chases would wait for the next morning), or not after the morning scan. Read on the
    /// first occurrence of each on or after <paramref name="from"/>'s local day.
    /// </summary>
    public IReadOnlyList<string> ScheduleWarnings(Instant from, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var dayStart = from.InZone(zone).Date.AtStartOfDayInZone(zone).ToInstant().ToDateTimeUtc();
        if (ScanSchedule.GetNextOccurrence(dayStart, inclusive: true) is not { } morningUtc
            || AfternoonScanSchedule.GetNextOccurrence(dayStart, inclusive: true) is not { } afternoonUtc)
        {
            return [];
        }

        var morning = Instant.FromDateTimeUtc(morningUtc).InZone(zone).TimeOfDay;
        var afternoon = Instant.FromDateTimeUtc(afternoonUtc).InZone(zone).TimeOfDay;
        var warnings = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (afternoon >= Delivery.Window.Closes)
        {
            warnings.Add(string.Create(c, $"注意：下午扫描（{AfternoonScanScheduleKey} = '{AfternoonScanScheduleText}'）在 {zone.Id} 时间 {afternoon:HH:mm}，不早于发送时段的结束时间 {Delivery.Window.Closes:HH:mm}（{SendingWindowKey}）：当天下午的催报要等到下一个工作日早上才发出。请把下午扫描提前到 {Delivery.Window.Closes:HH:mm} 之前（注意计划表达式是 UTC 时间），或把发送时段延后。"));
        }

        if (afternoon <= morning)
        {
            warnings.Add(string.Create(c, $"注意：下午扫描（{AfternoonScanScheduleKey} = '{AfternoonScanScheduleText}'）在 {zone.Id} 时间 {afternoon:HH:mm}，不晚于上午扫描（{ScanScheduleKey} = '{ScanScheduleText}'，{morning:HH:mm}）。下午扫描用于当天的催报，应在上午扫描之后；请调整两者的时间（计划表达式是 UTC 时间）。"));
        }

        return warnings;
    }

    /// <summary>Reads and checks every setting; each fault names the key, the value and what is expected.</summary>
    public static (EngineSettings? Settings, IReadOnlyList<string> Errors) From(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var errors = new List<string>();
        string? Get(string key) => setting(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var scheduleText = Get(ScanScheduleKey) ?? DefaultScanSchedule;
        var schedule = Schedule(ScanScheduleKey, scheduleText, "0 30 0 * * * 即北京时间 08:30");
        var afternoonText = Get(AfternoonScanScheduleKey) ?? DefaultAfternoonScanSchedule;
        var afternoon = Schedule(AfternoonScanScheduleKey, afternoonText, "0 0 8 * * * 即北京时间 16:00");

        var window = SendingWindow.Default;
        if (Get(SendingWindowKey) is { } windowText)
        {
            var (parsed, error) = SendingWindow.Parse(windowText);
            if (parsed is null)
            {
                errors.Add($"设置 {SendingWindowKey}：{error}");
            }
            else
            {
                window = parsed;
            }
        }

        var atOnce = new HashSet<EventLevel>();
        foreach (var name in (Get(SendAtOnceKey) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (RuleRow.ParseLevel(name) is { } level)
            {
                atOnce.Add(level);
            }
            else
            {
                errors.Add($"设置 {SendAtOnceKey}：'{name}' 不是督办级别，可填 提醒、通报、约谈、问责建议（或 reminder、notice、summons、accountability），多个用逗号分隔。");
            }
        }

        var maxAttempts = Number(MaxAttemptsKey, 5, 1, 50);
        var firstRetry = Number(FirstRetryMinutesKey, 5, 1, 24 * 60);
        var gather = Number(GatherMinutesKey, 10, 0, 60);
        var smsDailyCap = Number(SmsDailyCapKey, DeliveryOptions.DefaultSmsDailyCap, 0, 100);

        var emailSender = Get(EmailSenderKey) ?? DefaultEmailSender;
        if (!Domain.Catalog.ContactAddress.IsEmail(emailSender))
        {
            errors.Add($"设置 {EmailSenderKey} = '{emailSender}' 不是有效的邮箱地址。");
        }

        SmtpOptions? smtp = null;
        if (Get(SmtpHostKey) is { } host)
        {
            var securityText = Get(SmtpSecurityKey) ?? "auto";
            if (!SmtpOptions.TryParseSecurity(securityText, out var security))
            {
                errors.Add($"设置 {SmtpSecurityKey} = '{securityText}' 只能是 auto、none、starttls 或 ssl-on-connect。");
            }

            var allowPlainTextAuth = false;
            if (Get(SmtpAllowPlainTextAuthKey) is { } allowText && !bool.TryParse(allowText, out allowPlainTextAuth))
            {
                errors.Add($"设置 {SmtpAllowPlainTextAuthKey} = '{allowText}' 只能是 true 或 false。");
            }

            smtp = new SmtpOptions
            {
                Host = host,
                Port = Number(SmtpPortKey, 25, 1, 65535),
                Security = security,
                User = Get(SmtpUserKey),
                Password = Get(SmtpPasswordKey),
                AllowPlainTextAuth = allowPlainTextAuth,
                SenderAddress = emailSender,
            };

            // With "none" the connection is never encrypted: refuse now rather than at the first send.
            if (smtp is { Security: SmtpSecurity.None, User: not null, AllowPlainTextAuth: false })
            {
                errors.Add(SmtpEmailSender.PlainTextAuthRefusal(smtp));
            }
        }

        var acsEndpoint = Get(AcsEndpointKey);
        if (acsEndpoint is not null && (!Uri.TryCreate(acsEndpoint, UriKind.Absolute, out var acsUri) || acsUri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"设置 {AcsEndpointKey} = '{acsEndpoint}' 不是绝对 URI，应写成 https://<资源名>.communication.azure.com。");
        }

        var sbNamespace = Get(ServiceBusNamespaceKey);
        if (sbNamespace is not null && Uri.CheckHostName(sbNamespace.Replace("https://", "", StringComparison.OrdinalIgnoreCase).TrimEnd('/')) == UriHostNameType.Unknown)
        {
            errors.Add($"设置 {ServiceBusNamespaceKey} = '{sbNamespace}' 不是主机名，应写成 <命名空间>.servicebus.windows.net。");
        }

        var smsGateway = SmsGatewaySettings.From(Get, errors);

        errors.AddRange(Telemetry.TelemetryOptions.From(setting).Errors);

        var weeklyText = Get(WeeklyListScheduleKey) ?? DefaultWeeklyListSchedule;
        var weekly = Schedule(WeeklyListScheduleKey, weeklyText, "0 0 1 * * * 即北京时间 09:00");
        var monthlyText = Get(MonthlyNoticeScheduleKey) ?? DefaultMonthlyNoticeSchedule;
        var monthly = Schedule(MonthlyNoticeScheduleKey, monthlyText, "0 10 1 * * * 即北京时间 09:10");
        var header = Get(DigestHeaderKey) ?? Functions.Digests.DigestLetterhead.DefaultOffice;
        if (header.Length > 40)
        {
            errors.Add($"设置 {DigestHeaderKey} = '{header}' 太长：督查清单和通报的红头最多 40 个字，如「某某市委市政府督查室」。");
        }

        var latestDay = Number(DigestMonthlyLatestWorkingDayKey, Domain.Digests.DigestSchedule.DefaultMonthlyLatestWorkingDay, 1, 20);
        var (webBaseUrl, webBaseUrlError) = ParseWebBaseUrl(Get(WebBaseUrlKey));
        if (webBaseUrlError is not null)
        {
            errors.Add(webBaseUrlError);
        }

        if (errors.Count > 0 || schedule is null || afternoon is null || weekly is null || monthly is null)
        {
            return (null, errors);
        }

        return (new EngineSettings(
            new DeliveryOptions(window, atOnce, maxAttempts, Duration.FromMinutes(firstRetry), DeliveryOptions.Default.Lease) { Gather = Duration.FromMinutes(gather), SmsDailyCap = smsDailyCap, WebBaseUrl = webBaseUrl },
            schedule,
            scheduleText,
            Get(OutboxKey) ?? DefaultOutbox,
            smtp,
            emailSender,
            Get(SmsFromKey),
            acsEndpoint,
            Get(AcsConnectionStringKey),
            sbNamespace,
            Get(ServiceBusConnectionStringKey))
        {
            WebBaseUrl = webBaseUrl,
            AfternoonScanSchedule = afternoon,
            AfternoonScanScheduleText = afternoonText,
            WeeklyListScheduleText = weeklyText,
            MonthlyNoticeScheduleText = monthlyText,
            Digests = new Functions.Digests.DigestOptions(header, latestDay),
            SmsGateway = smsGateway,
            Robots = setting,
        }, errors);

        CronExpression? Schedule(string key, string text, string example)
        {
            if (NcrontabFault(text) is { } fault)
            {
                errors.Add($"设置 {key} = '{text}' 不是 Functions 主机接受的计划表达式：{fault}");
                return null;
            }

            try
            {
                return CronExpression.Parse(text, CronFormat.IncludeSeconds);
            }
            catch (CronFormatException e)
            {
                errors.Add($"设置 {key} = '{text}' 不是 6 段的 NCRONTAB 表达式（秒 分 时 日 月 星期，UTC 时间，如 {example}）：{e.Message}");
                return null;
            }
        }

        int Number(string key, int fallback, int min, int max)
        {
            if (Get(key) is not { } text)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }

            errors.Add(string.Create(CultureInfo.InvariantCulture, $"设置 {key} = '{text}' 应为 {min} 到 {max} 之间的整数。"));
            return fallback;
        }
    }
}
