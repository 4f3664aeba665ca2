using System.Text.Json;
using System.Xml;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Host;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Deploy;

/// <summary>
/// infra/bicep against the app: every setting the handler reads is set (or deliberately left out, for a reason), every
/// binding of every function folder refers to an entity the templates create, every table the engine uses exists, and
/// the security posture the deployment promises (no keys, Entra only, least-privilege roles) holds in what would deploy.
/// </summary>
public sealed class InfrastructureTests
{
    private static readonly string AppFolder = Path.Combine(Repo.Root, "src", "Functions", "FunctionApp");

    /// <summary>Settings the handler reads that the templates must not set, each with the reason.</summary>
    private static readonly Dictionary<string, string> LeftOut = new(StringComparer.Ordinal)
    {
        [StoreSettings.ConnectionStringKey] = "a secret; the identity reaches the tables through Escalation__Tables__ServiceUri",
        [EngineSettings.ServiceBusConnectionStringKey] = "a secret; the identity reaches Service Bus through ServiceBusConnection__fullyQualifiedNamespace",
        [EngineSettings.AcsConnectionStringKey] = "a secret; the identity reaches Communication Services through Escalation__Acs__Endpoint",
        [EngineSettings.SmtpPasswordKey] = "a secret; set only as a Key Vault reference when smtpPasswordSecretUri is given",
        [EngineSettings.SmsAccessKeySecretKey] = "a secret; set only as a Key Vault reference to the deployment's vault when a gateway account (smsAccessKeyId) is given",
        [StoreSettings.LocalStoreKey] = "local mode only; in Azure it would be ignored for the service URI, and on a read-only package it cannot be written",
        [EngineSettings.OutboxKey] = "local mode only; in Azure mail goes to Communication Services or SMTP",
        [EngineSettings.OtlpEndpointKey] = "local tracing; in Azure traces and metrics go to Application Insights",
        [EngineSettings.TelemetryConsoleKey] = "local tracing; in Azure the handler's stdout is its log stream, forwarded by the host",
    };

    /// <summary>Settings the Functions host and the Azure SDK read (not the handler's own), which an identity-only app needs.</summary>
    private static readonly string[] PlatformSettings =
    [
        "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
        "ServiceBusConnection__credential", "ServiceBusConnection__clientId",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AZURE_CLIENT_ID",
    ];

    /// <summary>App settings Flex Consumption refuses or ignores (functions-app-settings, "Flex Consumption plan deprecations").</summary>
    private static readonly string[] NotOnFlex =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_TIME_ZONE", "TZ", "AzureWebJobsStorage",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
    ];

    /// <summary>ACS off, email by SMTP with the password in Key Vault: the other shape an office may deploy.</summary>
    private static readonly Task<BicepSnapshot> WithSmtp = BicepSnapshot.Take("""
        using 'main.bicep'
        param namePrefix = 'duban'
        param deployCommunicationServices = false
        param smtpHost = 'smtp.example.gov.cn'
        param smtpPort = 465
        param smtpSecurity = 'ssl-on-connect'
        param smtpUser = 'duchashi@example.gov.cn'
        param smtpPasswordSecretUri = 'https://kv-duban.vault.azure.net/secrets/smtp-password'
        param adminPrincipalId = '11111111-2222-3333-4444-555555555555'
        param alertEmail = 'ops@example.gov.cn'
        """);

    /// <summary>The secret values of <see cref="WithGatewayAndRobots"/>: none may appear anywhere in what would deploy.</summary>
    private static readonly string[] SecretValues = ["sms-secret-7f3a91", "wecom-key-5d2c08", "dingtalk-token-b41e77", "SECdingtalk9a0c33"];

    /// <summary>A mainland SMS gateway and two group robots (a WeCom one, a signed DingTalk one), secrets in the vault.</summary>
    private static readonly Task<BicepSnapshot> WithGatewayAndRobots = BicepSnapshot.Take("""
        using 'main.bicep'
        param namePrefix = 'duban'
        param smsProvider = 'aliyun'
        param smsSignName = '某市督查室'
        param smsAccessKeyId = 'LTAI5tExampleId'
        param smsAccessKeySecret = 'sms-secret-7f3a91'
        param robotIds = ['zjj', 'Office']
        param signedRobotIds = ['Office']
        param robotSecrets = {
          zjj: { webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-5d2c08' }
          Office: { webhook: 'dingtalk-token-b41e77', secret: 'SECdingtalk9a0c33' }
        }
        """);

    [Fact]
    public async Task Tables_AreExactlyTheOnesTheEngineDeclares()
    {
        var snapshot = await BicepSnapshot.Default;

        var tables = snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => t.Leaf).Order(StringComparer.Ordinal);

        Assert.Equal(Tables.Admin.Concat(Tables.Engine).Select(t => t.Name).Order(StringComparer.Ordinal), tables);
    }

    [Fact]
    public async Task ServiceBusEntities_TheEngineUsesAreCreated()
    {
        var snapshot = await BicepSnapshot.Default;

        var queues = Leaves(snapshot, "Microsoft.ServiceBus/namespaces/queues");
        var topics = Leaves(snapshot, "Microsoft.ServiceBus/namespaces/topics");
        var subscriptions = SubscriptionNames(snapshot);

        Assert.Equal([ServiceBusEntities.EvaluateQueue, ServiceBusEntities.PoisonQueue], queues.Order(StringComparer.Ordinal));
        Assert.Equal([ServiceBusEntities.EventsTopic], topics);
        Assert.Equal(
            Enum.GetValues<Channel>().Select(c => $"{ServiceBusEntities.EventsTopic}/{ChannelSet.SubscriptionName(c)}").Order(StringComparer.Ordinal),
            subscriptions.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> Functions => [.. CustomHandler.Names.Folders];

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task FunctionBindings_ReferToEntitiesAndSettingsTheBicepCreates(string function)
    {
        var snapshot = await BicepSnapshot.Default;
        var settings = snapshot.AppSettings();
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppFolder, function, "function.json")));

        var problems = new List<string>();
        foreach (var binding in json.RootElement.GetProperty("bindings").EnumerateArray())
        {
            var name = binding.GetProperty("name").GetString();
            if (Text(binding, "queueName") is { } queue && !Leaves(snapshot, "Microsoft.ServiceBus/namespaces/queues").Contains(queue))
            {
                problems.Add($"{name}: queue '{queue}' is not created");
            }

            if (Text(binding, "topicName") is { } topic)
            {
                var path = $"{topic}/{Text(binding, "subscriptionName")}";
                if (!SubscriptionNames(snapshot).Contains(path))
                {
                    problems.Add($"{name}: subscription '{path}' is not created");
                }
            }

            if (Text(binding, "connection") is { } connection && !settings.ContainsKey($"{connection}__fullyQualifiedNamespace"))
            {
                problems.Add($"{name}: connection '{connection}' has no {connection}__fullyQualifiedNamespace app setting");
            }

            if (Text(binding, "schedule") is { } schedule && schedule.StartsWith('%'))
            {
                var key = schedule.Trim('%');
                if (!settings.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"{name}: schedule setting {key} is not set");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task AppSettings_SetEverySettingTheHandlerReads_ExceptSecretsAndLocalOnes()
    {
        var settings = (await BicepSnapshot.Default).AppSettings();

        var unaccounted = EngineSettings.Keys.Where(k => !settings.ContainsKey(k) && !LeftOut.ContainsKey(k)).ToList();
        var setThoughLeftOut = LeftOut.Keys.Where(settings.ContainsKey).ToList();

        Assert.True(unaccounted.Count == 0, $"The handler reads {string.Join(", ", unaccounted)}, which main.bicep neither sets nor leaves out for a reason");
        Assert.Empty(setThoughLeftOut);
        Assert.All(LeftOut.Keys, k => Assert.Contains(k, EngineSettings.Keys));
    }

    [Fact]
    public async Task AppSettings_AreTheHandlersKeysOrThePlatformsIdentitySettings_AndNoneFlexRefuses()
    {
        var settings = (await BicepSnapshot.Default).AppSettings();

        var unknown = settings.Keys.Where(k => !EngineSettings.Keys.Contains(k) && !PlatformSettings.Contains(k)).ToList();

        Assert.True(unknown.Count == 0, $"main.bicep sets {string.Join(", ", unknown)}, which nothing reads (a typo?)");
        Assert.All(PlatformSettings, k => Assert.True(settings.ContainsKey(k), $"{k} is not set"));
        Assert.All(NotOnFlex, k => Assert.False(settings.ContainsKey(k), $"{k} is not allowed on Flex Consumption"));
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings["ServiceBusConnection__credential"]);
    }

    [Fact]
    public async Task AppSettings_MatchTheNamesOfLocalSettingsSample()
    {
        var settings = (await BicepSnapshot.Default).AppSettings();
        using var sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "local.settings.sample.json")));
        var sampleKeys = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var handlersSettings = settings.Keys.Where(k => EngineSettings.Keys.Contains(k)).ToList();

        Assert.NotEmpty(handlersSettings);
        Assert.All(handlersSettings, k => Assert.Contains(k, sampleKeys));
    }

    [Fact]
    public async Task AppSettings_AsDeployed_AreAcceptedByTheHandler()
    {
        var settings = (await BicepSnapshot.Default).AppSettings();

        var (parsed, errors) = EngineSettings.From(key => BicepSnapshot.AsDeployed(settings, key));

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal("Asia/Shanghai", settings[Settings.TimeZoneKey]);
        Assert.Equal(EngineSettings.DefaultScanSchedule, settings[EngineSettings.ScanScheduleKey]);
        Assert.Equal(SendingWindow.Default.ToString(), settings[EngineSettings.SendingWindowKey]);
    }

    [Fact]
    public async Task AppSettings_HoldNoSecret()
    {
        foreach (var snapshot in new[] { await BicepSnapshot.Default, await WithSmtp, await WithGatewayAndRobots })
        {
            var settings = snapshot.AppSettings();
            Assert.All(
                settings.Where(s => s.Key.EndsWith("Secret", StringComparison.Ordinal) || s.Key.EndsWith("__Webhook", StringComparison.Ordinal)),
                s => Assert.True(BicepSnapshot.IsKeyVaultReference(s.Value), $"{s.Key} holds a value instead of a Key Vault reference"));

            Assert.All(settings, s =>
            {
                Assert.DoesNotContain("AccountKey=", s.Value, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("SharedAccessKey", s.Value, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("accesskey=", s.Value, StringComparison.OrdinalIgnoreCase);
                Assert.False(
                    s.Key.Contains("Password", StringComparison.OrdinalIgnoreCase) && !s.Value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal),
                    $"{s.Key} holds a password instead of a Key Vault reference");
            });
        }
    }

    [Fact]
    public async Task WithoutCommunicationServices_NoAcsIsDeployed_AndSmtpIsConfiguredWithAKeyVaultPassword()
    {
        var snapshot = await WithSmtp;
        var settings = snapshot.AppSettings();
        var site = snapshot.One("Microsoft.Web/sites");
        var identity = snapshot.One("Microsoft.ManagedIdentity/userAssignedIdentities");

        Assert.DoesNotContain(snapshot.Resources, r => r.Type.StartsWith("Microsoft.Communication/", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("", settings[EngineSettings.AcsEndpointKey]);
        Assert.Equal(
            ("smtp.example.gov.cn", "465", "ssl-on-connect", "duchashi@example.gov.cn", "duchashi@example.gov.cn"),
            (settings[EngineSettings.SmtpHostKey], settings[EngineSettings.SmtpPortKey], settings[EngineSettings.SmtpSecurityKey], settings[EngineSettings.SmtpUserKey], settings[EngineSettings.EmailSenderKey]));
        Assert.Equal("@Microsoft.KeyVault(SecretUri=https://kv-duban.vault.azure.net/secrets/smtp-password)", settings[EngineSettings.SmtpPasswordKey]);
        Assert.Equal(identity.Id, site.Text("keyVaultReferenceIdentity"));

        var (parsed, errors) = EngineSettings.From(key => BicepSnapshot.AsDeployed(settings, key));
        Assert.Empty(errors);
        Assert.NotNull(parsed!.Smtp);
        Assert.False(parsed.Smtp.AllowPlainTextAuth);
        Assert.Null(parsed.AcsEndpoint);
    }

    [Fact]
    public async Task Storage_RefusesSharedKeysAndPublicBlobs_AndHoldsTheDeploymentContainer()
    {
        var snapshot = await BicepSnapshot.Default;
        var account = snapshot.One("Microsoft.Storage/storageAccounts");

        Assert.Equal(("false", "false", "TLS1_2", "true"), (account.Text("allowSharedKeyAccess"), account.Text("allowBlobPublicAccess"), account.Text("minimumTlsVersion"), account.Text("supportsHttpsTrafficOnly")));
        var containers = snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.Equal(["app-package", "evidence"], containers.Select(c => c.Leaf).Order(StringComparer.Ordinal));
        Assert.All(containers, c => Assert.Equal("None", c.Text("publicAccess")));
        var container = containers.Single(c => c.Leaf == "app-package");
        // [format('{0}{1}', reference(account).primaryEndpoints.blob, 'app-package')]: the account's blob endpoint and the container.
        var url = DeploymentStorage(snapshot).GetProperty("value").GetString()!;
        Assert.Contains($"reference('{account.Id}'", url, StringComparison.Ordinal);
        Assert.Contains(").primaryEndpoints.blob", url, StringComparison.Ordinal);
        Assert.EndsWith($"'{container.Leaf}')]", url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceBus_IsEntraOnly_AndDetectsDuplicatesForMinutesNotADay()
    {
        var snapshot = await BicepSnapshot.Default;

        var space = snapshot.One("Microsoft.ServiceBus/namespaces");
        Assert.Equal(("true", "Standard"), (space.Text("disableLocalAuth"), space.Whole.GetProperty("sku").GetProperty("name").GetString()));

        // The next day's scan re-publishes undelivered events under the same MessageId: a window of a day or more would
        // drop them. Minutes are enough to absorb a retried invocation.
        var deduplicated = snapshot.OfType("Microsoft.ServiceBus/namespaces/topics")
            .Concat(snapshot.OfType("Microsoft.ServiceBus/namespaces/queues").Where(q => q.Leaf == ServiceBusEntities.EvaluateQueue))
            .ToList();
        Assert.Equal(2, deduplicated.Count);
        Assert.All(deduplicated, e =>
        {
            Assert.Equal("true", e.Text("requiresDuplicateDetection"));
            var window = XmlConvert.ToTimeSpan(e.Text("duplicateDetectionHistoryTimeWindow")!);
            Assert.InRange(window, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        });
    }

    [Fact]
    public async Task Receivers_HaveAShortLockTheHostRenews_ABoundedDeliveryCount_AndDeadLetterOnExpiry()
    {
        var snapshot = await BicepSnapshot.Default;
        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppFolder, "host.json")));
        var renewal = TimeSpan.Parse(host.RootElement.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxAutoLockRenewalDuration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        var receivers = snapshot.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions")
            .Concat(snapshot.OfType("Microsoft.ServiceBus/namespaces/queues").Where(q => q.Leaf == ServiceBusEntities.EvaluateQueue))
            .ToList();

        Assert.Equal(1 + Enum.GetValues<Channel>().Length, receivers.Count);
        Assert.All(receivers, r =>
        {
            var lockDuration = XmlConvert.ToTimeSpan(r.Text("lockDuration")!);
            Assert.InRange(lockDuration, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
            Assert.True(renewal >= lockDuration, $"{r.Name}: host.json renews locks for {renewal}, less than the lock itself");
            Assert.InRange(int.Parse(r.Text("maxDeliveryCount")!, System.Globalization.CultureInfo.InvariantCulture), 3, 20);
            Assert.Equal("true", r.Text("deadLetteringOnMessageExpiration"));
        });
    }

    [Fact]
    public async Task ChannelFilters_ReplaceTheCatchAllRule_AndRouteEachChannelToItsSubscriptionOnly()
    {
        var snapshot = await BicepSnapshot.Default;
        var rules = snapshot.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules").ToList();
        var notice = new EventNotice(EventId.Parse("ev-0123456789abcdef0123456789abcdef"), new UnitId("fgw"));
        var at = Instant.FromUtc(2026, 11, 23, 0, 30);

        Assert.Equal(Enum.GetValues<Channel>().Length, rules.Count);
        Assert.All(rules, r => Assert.Equal(("$Default", "CorrelationFilter"), (r.Leaf, r.Text("filterType"))));
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var dispatch = new DispatchNotice(new DispatchKey(channel, new PersonId("fgw-zhang"), new LocalDate(2026, 11, 23), EventLevel.Notice, 1));
            var eventNotice = new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = notice.Unit.Value, [ChannelSet.FilterProperty(channel)] = "true" };
            foreach (var properties in new[] { eventNotice, dispatch.At(at).Properties })
            {
                var reached = rules.Where(r => Matches(r, properties)).Select(r => r.Name.Split('/')[2]).ToList();

                Assert.Equal([ChannelSet.SubscriptionName(channel)], reached);
            }
        }
    }

    [Fact]
    public async Task Identity_HoldsExactlyTheRolesItNeeds_OnTheResourcesThatNeedThem()
    {
        var snapshot = await BicepSnapshot.Default;
        var identity = snapshot.One("Microsoft.ManagedIdentity/userAssignedIdentities");

        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Select(a => (Role: a.Text("roleDefinitionId")!.Split('/')[^1], Scope: ScopeType(a.Id), Principal: a.Text("principalId")!, Kind: a.Text("principalType")))
            .ToList();

        Assert.Equal(
            new[]
            {
                ("090c5cfd-751d-490a-894a-3ce6f1109419", "Microsoft.ServiceBus/namespaces/queues"), // Azure Service Bus Data Owner on evaluate (scaling)
                ("090c5cfd-751d-490a-894a-3ce6f1109419", "Microsoft.ServiceBus/namespaces/topics"), // and on events
                ("09976791-48a7-449e-bb21-39d1a415f350", "Microsoft.Communication/communicationServices"), // Communication and Email Service Owner
                ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts"), // Storage Table Data Contributor
                ("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components"), // Monitoring Metrics Publisher
                ("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults"), // Key Vault Secrets User
                ("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "Microsoft.ServiceBus/namespaces"), // Azure Service Bus Data Receiver
                ("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces"), // Azure Service Bus Data Sender
                ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts"), // Storage Blob Data Owner
                ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts/blobServices/containers"), // Storage Blob Data Contributor on evidence
            },
            assignments.Select(a => (a.Role, a.Scope)).Order());
        Assert.All(assignments, a =>
        {
            Assert.Contains(identity.Id, a.Principal, StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", a.Kind);
        });
    }

    [Fact]
    public async Task Admin_GetsTableDataAccessOnly_AndOnlyWhenNamed()
    {
        var with = (await WithSmtp).OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Text("principalId") == "11111111-2222-3333-4444-555555555555")
            .Select(a => (Role: a.Text("roleDefinitionId")!.Split('/')[^1], Scope: ScopeType(a.Id), Kind: a.Text("principalType")))
            .ToList();
        var without = (await BicepSnapshot.Default).OfType("Microsoft.Authorization/roleAssignments").Where(a => a.Text("principalType") != "ServicePrincipal");

        Assert.Equal([("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts", (string?)"User")], with);
        Assert.Empty(without);
    }

    [Fact]
    public async Task Alerts_ReachTheOperators_WhenTheScanStopsOrAMessageCannotBeProcessed_AndOnlyWhenAsked()
    {
        var snapshot = await WithSmtp;
        var group = snapshot.One("Microsoft.Insights/actionGroups");
        var scans = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").ToList();
        var metrics = snapshot.OfType("Microsoft.Insights/metricAlerts").ToList();
        var space = snapshot.One("Microsoft.ServiceBus/namespaces");

        Assert.Equal("ops@example.gov.cn", group.Properties.GetProperty("emailReceivers")[0].GetProperty("emailAddress").GetString());
        // One log alert per daily scan: the morning one (its name unchanged since before the afternoon scan) and the afternoon one.
        Assert.Equal(
            [("duban-afternoon-scan-missing", CustomHandler.Names.ScanAfternoon, 2), ("duban-scan-missing", CustomHandler.Names.ScanDeadlines, 1)],
            scans.Select(s => (s.Name, s.Properties.GetProperty("displayName").GetString()!.Split(' ')[0], s.Properties.GetProperty("severity").GetInt32()))
                .OrderBy(s => s.Name, StringComparer.Ordinal));
        foreach (var scan in scans)
        {
            Assert.Equal([snapshot.One("Microsoft.Insights/components").Id], scan.Properties.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
            var query = scan.Properties.GetProperty("criteria").GetProperty("allOf")[0];
            var function = scan.Properties.GetProperty("displayName").GetString()!.Split(' ')[0];
            Assert.Contains($"operation_Name == \"{function}\" and success == true", query.GetProperty("query").GetString(), StringComparison.Ordinal);
            Assert.Equal(("LessThan", 1), (query.GetProperty("operator").GetString(), query.GetProperty("threshold").GetInt32()));
        }

        Assert.Equal(
            ["ActiveMessages:" + ServiceBusEntities.PoisonQueue, "DeadletteredMessages:*"],
            metrics.Select(m => m.Properties.GetProperty("criteria").GetProperty("allOf")[0])
                .Select(c => $"{c.GetProperty("metricName").GetString()}:{c.GetProperty("dimensions")[0].GetProperty("values")[0].GetString()}")
                .Order(StringComparer.Ordinal));
        Assert.All(metrics, m => Assert.Equal([space.Id], m.Properties.GetProperty("scopes").EnumerateArray().Select(e => e.GetString())));
        Assert.DoesNotContain((await BicepSnapshot.Default).Resources, r => r.Type.StartsWith("Microsoft.Insights/", StringComparison.Ordinal) && r.Type != "Microsoft.Insights/components");
    }

    [Fact]
    public async Task Monitoring_AcceptsOnlyEntraTelemetry_FromTheIdentity()
    {
        var snapshot = await BicepSnapshot.Default;
        var settings = snapshot.AppSettings();

        Assert.Equal("true", snapshot.One("Microsoft.Insights/components").Text("DisableLocalAuth"));
        Assert.StartsWith("Authorization=AAD;ClientId=", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].Trim('[', ']').Replace("format('", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionApp_IsFlexConsumption_CustomRuntime_DeployedFromTheContainerWithTheIdentity()
    {
        var snapshot = await BicepSnapshot.Default;
        var plan = snapshot.One("Microsoft.Web/serverfarms");
        var site = snapshot.One("Microsoft.Web/sites");
        var identity = snapshot.One("Microsoft.ManagedIdentity/userAssignedIdentities");
        var config = site.Properties.GetProperty("functionAppConfig");
        var deployment = DeploymentStorage(snapshot);

        Assert.Equal(("FC1", "FlexConsumption"), (plan.Whole.GetProperty("sku").GetProperty("name").GetString(), plan.Whole.GetProperty("sku").GetProperty("tier").GetString()));
        Assert.Equal("custom", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("blobContainer", deployment.GetProperty("type").GetString());
        Assert.Equal(
            ("UserAssignedIdentity", identity.Id),
            (deployment.GetProperty("authentication").GetProperty("type").GetString(), deployment.GetProperty("authentication").GetProperty("userAssignedIdentityResourceId").GetString()));
        Assert.True(site.Whole.GetProperty("identity").GetProperty("userAssignedIdentities").TryGetProperty(identity.Id, out _), "the app does not run as the identity");
        Assert.Equal("true", site.Text("httpsOnly"));
        Assert.All(snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => Assert.Equal("false", p.Text("allow")));
        Assert.Equal(2, snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").Count());
    }

    [Fact]
    public async Task ServiceBusDataOwner_IsOnlyOnTheTriggeredEntities()
    {
        var snapshot = await BicepSnapshot.Default;

        var owned = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Text("roleDefinitionId")!.EndsWith("090c5cfd-751d-490a-894a-3ce6f1109419", StringComparison.Ordinal))
            .Select(a => a.Id.Split("/providers/Microsoft.Authorization/", StringSplitOptions.None)[0].Split('/')[^1])
            .Order(StringComparer.Ordinal);

        Assert.Equal([ServiceBusEntities.EvaluateQueue, ServiceBusEntities.EventsTopic], owned);
    }

    [Fact]
    public async Task CustomEmailDomain_AndSender_SurviveARedeployment()
    {
        const string custom = "/subscriptions/00000000-0000-0000-0000-0000000000e5/resourceGroups/rg-escalation-test/providers/Microsoft.Communication/emailServices/duban-email/domains/dcs.example.gov.cn";
        var snapshot = await BicepSnapshot.Take($$"""
            using 'main.bicep'
            param namePrefix = 'duban'
            param emailSender = 'duchashi@dcs.example.gov.cn'
            param linkedEmailDomainIds = ['{{custom}}']
            """);

        var acs = snapshot.One("Microsoft.Communication/communicationServices");
        var managed = snapshot.One("Microsoft.Communication/emailServices/domains");

        Assert.Equal([managed.Id, custom], acs.Properties.GetProperty("linkedDomains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("duchashi@dcs.example.gov.cn", snapshot.AppSettings()[EngineSettings.EmailSenderKey]);
    }

    [Fact]
    public async Task CommunicationServices_SendFromTheLinkedManagedDomain_WithEntraOnly()
    {
        var snapshot = await BicepSnapshot.Default;
        var settings = snapshot.AppSettings();
        var domain = snapshot.One("Microsoft.Communication/emailServices/domains");
        var acs = snapshot.One("Microsoft.Communication/communicationServices");

        Assert.Equal(("AzureManagedDomain", "AzureManaged"), (domain.Leaf, domain.Text("domainManagement")));
        Assert.Equal([domain.Id], acs.Properties.GetProperty("linkedDomains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("true", acs.Text("disableLocalAuth"));
        Assert.Contains("DoNotReply@", settings[EngineSettings.EmailSenderKey], StringComparison.Ordinal);
        Assert.Contains(domain.Id, settings[EngineSettings.EmailSenderKey], StringComparison.Ordinal);
        Assert.Contains(acs.Id, settings[EngineSettings.AcsEndpointKey], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyVault_IsRbacOnly_WithSoftDelete_OnThePublicEndpointLikeTheStorage_AndEmptyByDefault()
    {
        var snapshot = await BicepSnapshot.Default;
        var vault = snapshot.One("Microsoft.KeyVault/vaults");
        var account = snapshot.One("Microsoft.Storage/storageAccounts");

        Assert.Equal(("true", "true", null), (vault.Text("enableRbacAuthorization"), vault.Text("enableSoftDelete"), vault.Text("accessPolicies")));
        Assert.InRange(int.Parse(vault.Text("softDeleteRetentionInDays")!, System.Globalization.CultureInfo.InvariantCulture), 7, 90);
        Assert.Equal(account.Text("publicNetworkAccess"), vault.Text("publicNetworkAccess"));
        Assert.Equal("standard", vault.Text("sku", "name"));
        Assert.StartsWith("duban-kv-", vault.Name, StringComparison.Ordinal);
        Assert.InRange(vault.Name.Length, 3, 24);
        // No gateway account and no robot: nothing to keep, and no setting refers to the vault.
        Assert.Empty(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"));
        Assert.DoesNotContain(snapshot.AppSettings(), s => s.Value.Contains(vault.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyVault_OnlyTheIdentityReadsItsSecrets_AndTheSiteResolvesReferencesAsTheIdentity()
    {
        foreach (var snapshot in new[] { await BicepSnapshot.Default, await WithGatewayAndRobots })
        {
            var vault = snapshot.One("Microsoft.KeyVault/vaults");
            var identity = snapshot.One("Microsoft.ManagedIdentity/userAssignedIdentities");

            var onVault = snapshot.OfType("Microsoft.Authorization/roleAssignments").Where(a => a.Id.StartsWith(vault.Id + "/providers/", StringComparison.Ordinal)).ToList();

            var grant = Assert.Single(onVault);
            Assert.EndsWith("/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6", grant.Text("roleDefinitionId"), StringComparison.Ordinal);
            Assert.Contains(identity.Id, grant.Text("principalId"), StringComparison.Ordinal);
            Assert.Equal(identity.Id, snapshot.One("Microsoft.Web/sites").Text("keyVaultReferenceIdentity"));
        }
    }

    [Fact]
    public async Task GatewayAndRobotSecrets_GoIntoTheVault_FromTheSecureParameters_AndTheSettingsReferenceThem()
    {
        var snapshot = await WithGatewayAndRobots;
        var vault = snapshot.One("Microsoft.KeyVault/vaults");
        var settings = snapshot.AppSettings();
        var secrets = snapshot.OfType("Microsoft.KeyVault/vaults/secrets").ToDictionary(s => s.Leaf, StringComparer.Ordinal);

        // Key Vault names are case-insensitive: the ids are lowercased there; the settings keep the table's spelling.
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EngineSettings.SmsAccessKeySecretKey] = "sms-access-key-secret",
            [Robot.WebhookSetting("zjj")] = "robot-zjj-webhook",
            [Robot.WebhookSetting("Office")] = "robot-office-webhook",
            [Robot.SecretSetting("Office")] = "robot-office-secret",
        };
        Assert.Equal(expected.Values.Order(StringComparer.Ordinal), secrets.Keys.Order(StringComparer.Ordinal));
        foreach (var (setting, secret) in expected)
        {
            Assert.True(settings.TryGetValue(setting, out var value), $"{setting} is not set");
            Assert.True(BicepSnapshot.IsKeyVaultReference(value), $"{setting} = {value}");
            // https://{vault}{the cloud's Key Vault suffix}/secrets/{secret}, versionless (the latest version is read).
            Assert.Contains($"'{vault.Name}', environment().suffixes.keyvaultDns", value, StringComparison.Ordinal);
            Assert.Contains("secrets/", value, StringComparison.Ordinal);
            Assert.Contains(secret, value, StringComparison.Ordinal);

            // The value comes from a @secure() parameter, and a deployment without it keeps what the vault holds.
            var stored = secrets[secret];
            Assert.StartsWith("[parameters('", stored.Text("value"), StringComparison.Ordinal);
            Assert.Contains("parameters('", stored.Whole.GetProperty("condition").GetString(), StringComparison.Ordinal);
        }

        Assert.False(settings.ContainsKey(Robot.SecretSetting("zjj")), "zjj has no signing secret");
    }

    [Fact]
    public async Task NoSecretValue_AppearsInWhatWouldDeploy()
    {
        var snapshot = await WithGatewayAndRobots;

        var text = string.Join("\n", snapshot.Resources.Select(r => r.Whole.GetRawText()));

        Assert.All(SecretValues, v => Assert.DoesNotContain(v, text, StringComparison.Ordinal));
        Assert.NotEmpty(snapshot.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public async Task WithGatewayAndRobots_TheSettingsAreTheHandlersKeysOrTheRobotsOnes_AndTheHandlerAcceptsThem()
    {
        var settings = (await WithGatewayAndRobots).AppSettings();
        string[] robotSettings = [Robot.WebhookSetting("zjj"), Robot.WebhookSetting("Office"), Robot.SecretSetting("Office")];

        var unknown = settings.Keys.Where(k => !EngineSettings.Keys.Contains(k) && !PlatformSettings.Contains(k) && !robotSettings.Contains(k)).ToList();
        var (parsed, errors) = EngineSettings.From(key => BicepSnapshot.AsDeployed(settings, key));

        Assert.Empty(unknown);
        Assert.Empty(errors);
        Assert.Equal(("aliyun", "某市督查室", "LTAI5tExampleId"), (settings[EngineSettings.SmsProviderKey], settings[EngineSettings.SmsSignNameKey], settings[EngineSettings.SmsAccessKeyIdKey]));
        Assert.True(parsed!.SmsGateway.IsGateway);
        Assert.Equal("resolved-from-key-vault", parsed.SmsGateway.AccessKeySecret);
        Assert.Equal("resolved-from-key-vault", parsed.Robots(Robot.WebhookSetting("zjj")));
    }

    [Fact]
    public async Task MainBicepparam_ReadsTheGatewayAndTheRobotsFromTheEnvironment()
    {
        var snapshot = await BicepSnapshot.Take(null, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ESCALATION_SMS_PROVIDER"] = "tencent",
            ["ESCALATION_SMS_SIGN_NAME"] = "某市督查室",
            ["ESCALATION_SMS_ACCESS_KEY_ID"] = "AKIDexample",
            ["ESCALATION_SMS_ACCESS_KEY_SECRET"] = "sms-secret-7f3a91",
            ["ESCALATION_SMS_SDK_APP_ID"] = "1400000000",
            ["ESCALATION_SMS_REGION"] = "ap-beijing",
            ["ESCALATION_SMS_MAX_PARAMETER_LENGTH"] = "6",
            ["ESCALATION_SMS_DAILY_CAP"] = "5",
            ["ESCALATION_ROBOT_IDS"] = "zjj, office",
            ["ESCALATION_SIGNED_ROBOT_IDS"] = "office",
            ["ESCALATION_ROBOT_SECRETS"] = """{"zjj":{"webhook":"wecom-key-5d2c08"},"office":{"webhook":"dingtalk-token-b41e77","secret":"SECdingtalk9a0c33"}}""",
        });
        var settings = snapshot.AppSettings();

        Assert.Equal(
            ("tencent", "某市督查室", "AKIDexample", "1400000000", "ap-beijing", "6", "5"),
            (settings[EngineSettings.SmsProviderKey], settings[EngineSettings.SmsSignNameKey], settings[EngineSettings.SmsAccessKeyIdKey], settings[EngineSettings.SmsSdkAppIdKey],
                settings[EngineSettings.SmsRegionKey], settings[EngineSettings.SmsMaxParameterLengthKey], settings[EngineSettings.SmsDailyCapKey]));
        Assert.All(
            [EngineSettings.SmsAccessKeySecretKey, Robot.WebhookSetting("zjj"), Robot.WebhookSetting("office"), Robot.SecretSetting("office")],
            k => Assert.True(settings.TryGetValue(k, out var v) && BicepSnapshot.IsKeyVaultReference(v), $"{k} is not a Key Vault reference"));
        Assert.Equal(
            ["robot-office-secret", "robot-office-webhook", "robot-zjj-webhook", "sms-access-key-secret"],
            snapshot.OfType("Microsoft.KeyVault/vaults/secrets").Select(s => s.Leaf).Order(StringComparer.Ordinal));
    }

    private static bool Matches(PredictedResource rule, IReadOnlyDictionary<string, string> properties) =>
        rule.Properties.GetProperty("correlationFilter").GetProperty("properties").EnumerateObject()
            .All(p => properties.TryGetValue(p.Name, out var v) && v == p.Value.GetString());

    private static JsonElement DeploymentStorage(BicepSnapshot snapshot) =>
        snapshot.One("Microsoft.Web/sites").Properties.GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");

    /// <summary>
    /// The resource type a role assignment's id is scoped to: …/providers/{ns}/{type}/{name}[/{child}/{name}]/providers/
    /// Microsoft.Authorization/… gives {ns}/{type}[/{child}].
    /// </summary>
    private static string ScopeType(string id)
    {
        var parts = id.Split("/providers/", StringSplitOptions.None);
        var scope = parts[^2].Split('/');
        return string.Join('/', scope.Where((_, i) => i == 0 || i % 2 == 1));
    }

    private static List<string> Leaves(BicepSnapshot snapshot, string type) => [.. snapshot.OfType(type).Select(r => r.Leaf)];

    private static List<string> SubscriptionNames(BicepSnapshot snapshot) =>
        [.. snapshot.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").Select(s => string.Join('/', s.Name.Split('/')[1..]))];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
