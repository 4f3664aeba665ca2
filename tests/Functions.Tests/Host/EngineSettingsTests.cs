using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using NodaTime;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// The handler's settings: the defaults, and for each bad value an error that names the key and the value (the handler
/// logs it on each invocation, so that whoever reads the invocation log can fix the app setting).
/// </summary>
public sealed class EngineSettingsTests
{
    [Fact]
    public void From_UsesTheDefaults_WhenNothingIsSet()
    {
        var (settings, errors) = From();

        Assert.Empty(errors);
        var delivery = settings!.Delivery;
        Assert.Equal((new LocalTime(8, 30), new LocalTime(18, 0)), (delivery.Window.Opens, delivery.Window.Closes));
        Assert.Equal((5, Duration.FromMinutes(5)), (delivery.MaxAttempts, delivery.FirstRetry));
        Assert.Empty(delivery.SendAtOnce);
        Assert.Equal("0 30 0 * * *", settings.ScanScheduleText);
        // 00:30 UTC is 08:30 in Asia/Shanghai, the opening of the sending window.
        Assert.Equal(
            Instant.FromUtc(2026, 6, 1, 0, 30).ToDateTimeUtc(),
            settings.ScanSchedule.GetNextOccurrence(Instant.FromUtc(2026, 5, 31, 0, 30).ToDateTimeUtc()));
        Assert.Equal((".local/outbox", OutboxEmailSender.DefaultSenderAddress), (settings.Outbox, settings.EmailSender));
        Assert.Null(settings.Smtp);
        Assert.Equal((null, null, null, null, null), (settings.SmsFrom, settings.AcsEndpoint, settings.AcsConnectionString, settings.ServiceBusNamespace, settings.ServiceBusConnectionString));
    }

    [Fact]
    public void From_ReadsEachSetting_WhenAllAreGood()
    {
        var (settings, errors) = From(
            (EngineSettings.ScanScheduleKey, "0 0 1 * * 1-5"),
            (EngineSettings.SendingWindowKey, "09:00-17:30"),
            (EngineSettings.SendAtOnceKey, "summons, 通报"),
            (EngineSettings.MaxAttemptsKey, "3"),
            (EngineSettings.FirstRetryMinutesKey, "10"),
            (EngineSettings.SmtpHostKey, "smtp.example.gov.cn"),
            (EngineSettings.SmtpPortKey, "465"),
            (EngineSettings.SmtpSecurityKey, "ssl-on-connect"),
            (EngineSettings.EmailSenderKey, "duchashi@szf.example.gov.cn"),
            (EngineSettings.AcsEndpointKey, "https://acs-escalation.communication.azure.com"),
            (EngineSettings.ServiceBusNamespaceKey, "sb-escalation.servicebus.windows.net"));

        Assert.Empty(errors);
        Assert.Equal("0 0 1 * * 1-5", settings!.ScanScheduleText);
        Assert.Equal((new LocalTime(9, 0), new LocalTime(17, 30)), (settings.Delivery.Window.Opens, settings.Delivery.Window.Closes));
        Assert.Equal([EventLevel.Notice, EventLevel.Summons], settings.Delivery.SendAtOnce.Order());
        Assert.Equal((3, Duration.FromMinutes(10)), (settings.Delivery.MaxAttempts, settings.Delivery.FirstRetry));
        Assert.Equal(("smtp.example.gov.cn", 465, SmtpSecurity.SslOnConnect), (settings.Smtp!.Host, settings.Smtp.Port, settings.Smtp.Security));
        Assert.Equal("duchashi@szf.example.gov.cn", settings.EmailSender);
        Assert.Equal("https://acs-escalation.communication.azure.com", settings.AcsEndpoint);
        Assert.Equal("sb-escalation.servicebus.windows.net", settings.ServiceBusNamespace);
    }

    [Theory]
    [InlineData("0 30 0 * *")]
    [InlineData("0 30 0 * * * 2026")]
    [InlineData("every day at 08:30")]
    [InlineData("0 61 0 * * *")]
    public void From_NamesTheKeyAndValue_WhenTheScheduleIsNotSixFieldNcrontab(string schedule) =>
        AssertRefused(EngineSettings.ScanScheduleKey, schedule);

    /// <summary>
    /// Cronos also reads <c>?</c>, <c>L</c>, <c>W</c> and <c>#</c>; the Functions host reads the schedule with NCrontab, which
    /// refuses them (atifaziz/NCrontab#66 for <c>?</c>, Azure/azure-functions-host#1840 for <c>#</c>): such a value must be
    /// refused here, or ScanDeadlines would fail to start in Azure.
    /// </summary>
    [Theory]
    [InlineData("0 30 0 ? * MON-FRI")]
    [InlineData("0 30 0 L * *")]
    [InlineData("0 30 0 * * MON#1")]
    public void From_NamesTheKeyAndValue_WhenTheScheduleUsesSyntaxTheFunctionsHostRefuses(string schedule) =>
        AssertRefused(EngineSettings.ScanScheduleKey, schedule);

    [Theory]
    [InlineData("8:30 to 18:00")]
    [InlineData("08:30")]
    [InlineData("18:00-08:30")]
    [InlineData("08:30-24:00")]
    public void From_NamesTheKeyAndValue_WhenTheSendingWindowIsBad(string window) =>
        AssertRefused(EngineSettings.SendingWindowKey, window);

    [Theory]
    [InlineData("问责建议")]
    [InlineData("accountability")]
    public void From_ReadsTheFourthLevel_WhenSendAtOnceNamesIt(string value)
    {
        var (settings, errors) = From((EngineSettings.SendAtOnceKey, "约谈," + value));

        Assert.Empty(errors);
        Assert.Equal([EventLevel.Summons, EventLevel.Accountability], settings!.Delivery.SendAtOnce.Order());
    }

    [Theory]
    [InlineData("reminder, urgent", "urgent")]
    [InlineData("提醒,督办", "督办")]
    public void From_NamesTheKeyAndTheLevel_WhenSendAtOnceNamesAnUnknownLevel(string value, string level) =>
        AssertRefused(EngineSettings.SendAtOnceKey, level, (EngineSettings.SendAtOnceKey, value));

    [Theory]
    [InlineData(EngineSettings.MaxAttemptsKey, "0")]
    [InlineData(EngineSettings.MaxAttemptsKey, "51")]
    [InlineData(EngineSettings.MaxAttemptsKey, "five")]
    [InlineData(EngineSettings.FirstRetryMinutesKey, "0")]
    [InlineData(EngineSettings.FirstRetryMinutesKey, "1441")]
    [InlineData(EngineSettings.FirstRetryMinutesKey, "2.5")]
    [InlineData(EngineSettings.SmtpPortKey, "70000")]
    public void From_NamesTheKeyAndValue_WhenANumberIsOutOfRange(string key, string value) =>
        AssertRefused(key, value, (key, value), (EngineSettings.SmtpHostKey, "smtp.example.gov.cn"));

    [Theory]
    [InlineData("tls")]
    [InlineData("ssl")]
    public void From_NamesTheKeyAndValue_WhenSmtpSecurityIsUnknown(string security) =>
        AssertRefused(EngineSettings.SmtpSecurityKey, security, (EngineSettings.SmtpSecurityKey, security), (EngineSettings.SmtpHostKey, "smtp.example.gov.cn"));

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    public void From_NamesTheKeyAndValue_WhenAllowPlainTextAuthIsNotABoolean(string value) =>
        AssertRefused(EngineSettings.SmtpAllowPlainTextAuthKey, value, (EngineSettings.SmtpAllowPlainTextAuthKey, value), (EngineSettings.SmtpHostKey, "smtp.example.gov.cn"));

    [Fact]
    public void From_RefusesAPasswordInClearAndNamesTheSetting_WhenSecurityIsNoneWithAUser()
    {
        var (settings, errors) = From(
            (EngineSettings.SmtpHostKey, "relay.example.gov.cn"),
            (EngineSettings.SmtpSecurityKey, "none"),
            (EngineSettings.SmtpUserKey, "duchashi"),
            (EngineSettings.SmtpPasswordKey, "secret"));

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains(EngineSettings.SmtpAllowPlainTextAuthKey, error, StringComparison.Ordinal);
        Assert.Contains("明文", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", "duchashi", "true", true)]
    [InlineData("none", null, null, false)]
    [InlineData("auto", "duchashi", null, false)]
    [InlineData("auto", "duchashi", "TRUE", true)]
    public void From_AcceptsTheSmtpSettings_WhenNoPasswordWouldGoInClearUnlessAllowed(string security, string? user, string? allow, bool allowed)
    {
        var values = new List<(string, string)> { (EngineSettings.SmtpHostKey, "relay.example.gov.cn"), (EngineSettings.SmtpSecurityKey, security) };
        if (user is not null)
        {
            values.Add((EngineSettings.SmtpUserKey, user));
        }

        if (allow is not null)
        {
            values.Add((EngineSettings.SmtpAllowPlainTextAuthKey, allow));
        }

        var (settings, errors) = From([.. values]);

        Assert.Empty(errors);
        Assert.Equal(allowed, settings!.Smtp!.AllowPlainTextAuth);
    }

    [Theory]
    [InlineData("acs-escalation.communication.azure.com")]
    [InlineData("https//acs-escalation.communication.azure.com")]
    public void From_NamesTheKeyAndValue_WhenTheAcsEndpointIsNotAnAbsoluteUri(string endpoint) =>
        AssertRefused(EngineSettings.AcsEndpointKey, endpoint);

    [Theory]
    [InlineData("督查室")]
    [InlineData("duchashi@")]
    [InlineData("duchashi at szf.example.gov.cn")]
    public void From_NamesTheKeyAndValue_WhenTheEmailSenderIsNotAnAddress(string sender) =>
        AssertRefused(EngineSettings.EmailSenderKey, sender);

    [Fact]
    public void From_NamesTheKeyAndValue_WhenTheServiceBusNamespaceIsNotAHostName() =>
        AssertRefused(EngineSettings.ServiceBusNamespaceKey, "sb escalation");

    [Fact]
    public void From_ReportsEveryBadSetting_WhenSeveralAreBad()
    {
        var (settings, errors) = From(
            (EngineSettings.ScanScheduleKey, "daily"),
            (EngineSettings.MaxAttemptsKey, "0"),
            (EngineSettings.EmailSenderKey, "nobody"));

        Assert.Null(settings);
        Assert.Equal(3, errors.Count);
        Assert.Equal(
            [EngineSettings.ScanScheduleKey, EngineSettings.MaxAttemptsKey, EngineSettings.EmailSenderKey],
            errors.Select(e => new[] { EngineSettings.ScanScheduleKey, EngineSettings.MaxAttemptsKey, EngineSettings.EmailSenderKey }.Single(k => e.Contains(k, StringComparison.Ordinal))));
    }

    private static (EngineSettings? Settings, IReadOnlyList<string> Errors) From(params (string Key, string Value)[] values)
    {
        var map = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        return EngineSettings.From(key => map.GetValueOrDefault(key));
    }

    /// <summary>The settings are refused with one error naming <paramref name="key"/> and quoting <paramref name="value"/>.</summary>
    private static void AssertRefused(string key, string value, params (string Key, string Value)[] settings)
    {
        var (engine, errors) = From(settings.Length > 0 ? settings : [(key, value)]);

        Assert.Null(engine);
        var error = Assert.Single(errors);
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://duban.example.gov.cn", "https://duban.example.gov.cn")]
    [InlineData(" https://duban.example.gov.cn/ ", "https://duban.example.gov.cn")]
    [InlineData("https://example.gov.cn/duban", "https://example.gov.cn/duban")]
    [InlineData("", null)]
    public void WebBaseUrl_IsReadWithoutTheTrailingSlash_AndIsNullWhenNotSet(string value, string? expected)
    {
        var (settings, errors) = From((EngineSettings.WebBaseUrlKey, value));

        Assert.Empty(errors);
        Assert.Equal(expected, settings!.WebBaseUrl);
    }

    [Theory]
    [InlineData("duban.example.gov.cn")]
    [InlineData("ftp://duban.example.gov.cn")]
    [InlineData("https://duban.example.gov.cn/?a=1")]
    public void WebBaseUrl_IsAnErrorNamingTheKey_WhenItIsNoWebAddress(string value)
    {
        var (settings, errors) = From((EngineSettings.WebBaseUrlKey, value));

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains(EngineSettings.WebBaseUrlKey, error, StringComparison.Ordinal);
        Assert.Contains("不是网页的地址", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ServeWebBaseUrl_IsTheSetting_ElseTheAppServiceHostName_ElseNone()
    {
        const string host = "duban-func-x1.azurewebsites.net";

        var fromSetting = ServeCommand.WebBaseUrl(key => key == EngineSettings.WebBaseUrlKey ? "https://duban.example.gov.cn/" : key == ServeCommand.AppServiceHostNameKey ? host : null);
        var fromHost = ServeCommand.WebBaseUrl(key => key == ServeCommand.AppServiceHostNameKey ? host : null);
        var none = ServeCommand.WebBaseUrl(_ => null);

        Assert.Equal("https://duban.example.gov.cn", fromSetting);
        Assert.Equal("https://" + host, fromHost);
        Assert.Null(none);
    }
}
