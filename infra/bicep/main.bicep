// The escalation engine's whole Azure footprint, in one resource group: one user-assigned identity that every part trusts,
// no keys or connection strings anywhere (shared key, SAS and local auth are off), and the Function App on Flex Consumption
// running the custom handler. Deploy with `az deployment group create -g RG -p infra/bicep/main.bicepparam` or `azd up`;
// see the README's "Deploy" section for the steps before and after.
targetScope = 'resourceGroup'

@description('Azure region for every regional resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Lowercase letters and digits, starting with a letter, that start every resource name, e.g. "duban".')
@minLength(3)
@maxLength(10)
param namePrefix string

@description('IANA time zone of the office; working days, deadlines and the sending window are read in it (Escalation__TimeZone).')
param timeZone string = 'Asia/Shanghai'

@description('When the daily scan runs: 6-field NCRONTAB, in UTC (Flex does not support WEBSITE_TIME_ZONE). The default is 08:30 in Shanghai.')
param scanSchedule string = '0 30 0 * * *'

@description('When the afternoon scan runs (rules with Scan afternoon, e.g. same-day report chases): 6-field NCRONTAB, in UTC. The default is 16:00 in Shanghai, before the sending window closes.')
param afternoonScanSchedule string = '0 0 8 * * *'

@description('When the weekly supervision list timer runs (6-field NCRONTAB, UTC; it issues on the ISO week\'s first working day, or a later working day of the week if that run was missed). Default 09:00 in Shanghai.')
param weeklyListSchedule string = '0 0 1 * * *'

@description('When the monthly notice timer runs (6-field NCRONTAB, UTC; it issues last month\'s notice once due). Default 09:10 in Shanghai.')
param monthlyNoticeSchedule string = '0 10 1 * * *'

@description('The red header (红头) of the weekly list and the monthly notice.')
param digestHeader string = '市委市政府督查室'

@description('The working day after the month by which the monthly notice is issued even with data missing (1-20; 10 = the next month\'s 10th; past a shorter next month it falls in the month after).')
@minValue(1)
@maxValue(20)
param digestMonthlyLatestWorkingDay int = 10

@description('Local hours, on working days, in which messages are sent ("HH:mm-HH:mm"); outside them deliveries wait for the next opening.')
param sendingWindow string = '08:30-18:00'

@description('Levels delivered at once even outside the sending window, comma-separated: reminder, notice, summons, accountability (e.g. "summons,accountability"); empty for none.')
param sendAtOnce string = ''

@description('Attempts per recipient and channel before a delivery is given up as failed.')
@minValue(1)
@maxValue(20)
param deliveryMaxAttempts int = 5

@description('Minutes before the first retry of a transient failure; each next retry waits twice as long (capped at 6 hours).')
@minValue(1)
@maxValue(360)
param deliveryFirstRetryMinutes int = 5

@description('Minutes a person\'s message of the day waits for the day\'s other events at the same level before it goes (one message per person, day, channel and level).')
@minValue(0)
@maxValue(60)
param deliveryGatherMinutes int = 10

@description('Deploy Communication Services with an Azure-managed email domain. Turn off where it is not offered (e.g. Azure China) and use SMTP.')
param deployCommunicationServices bool = true

@description('Where Communication Services keeps its data at rest.')
@allowed([
  'Africa'
  'Asia Pacific'
  'Australia'
  'Brazil'
  'Canada'
  'Europe'
  'France'
  'Germany'
  'India'
  'Japan'
  'Korea'
  'Norway'
  'Switzerland'
  'UAE'
  'UK'
  'United States'
])
param communicationDataLocation string = 'Asia Pacific'

@description('Phone number (E.164) that Communication Services sends SMS from; empty leaves SMS unconfigured (ACS sends no SMS to mainland numbers).')
param smsFrom string = ''

@description('Who sends SMS: acs (Communication Services; no mainland numbers), aliyun (Alibaba Cloud SMS) or tencent (Tencent Cloud SMS).')
@allowed([
  'acs'
  'aliyun'
  'tencent'
])
param smsProvider string = 'acs'

@description('The SMS gateway\'s approved signature name (签名, without 【】); required with aliyun or tencent.')
param smsSignName string = ''

@description('The SMS gateway\'s AccessKey id (Tencent: SecretId).')
param smsAccessKeyId string = ''

@description('The SMS gateway\'s AccessKey secret (Tencent: SecretKey), stored in the deployment\'s Key Vault when smsAccessKeyId is set; Escalation__Sms__AccessKeySecret references it.')
@secure()
param smsAccessKeySecret string = ''

@description('Tencent Cloud SMS application id (SmsSdkAppId).')
param smsSdkAppId string = ''

@description('Tencent Cloud region of the SMS API.')
param smsRegion string = 'ap-guangzhou'

@description('The SMS gateway\'s https endpoint; empty for the provider\'s public one.')
param smsEndpoint string = ''

@description('The longest template variable the SMS account allows; 0 for the provider\'s default (20 Aliyun, 12 Tencent).')
param smsMaxParameterLength int = 0

@description('At most this many SMS messages to one number a day (mainland gateways cap them); over it a message waits for the next day\'s first window. 0: no cap.')
@minValue(0)
@maxValue(100)
param smsDailyCap int = 8

@description('Ids of the group robots (the robots table\'s Id, same spelling) whose webhook robotSecrets holds. Not secret: they name the app settings Escalation__Robots__<Id>__Webhook.')
param robotIds array = []

@description('Ids of the DingTalk robots whose signing secret (加签, SEC...) robotSecrets holds: Escalation__Robots__<Id>__Secret.')
param signedRobotIds array = []

@description('The robots\' webhooks and DingTalk signing secrets by robot id: { "zjj": { "webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..." }, "office": { "webhook": "...", "secret": "SEC..." } }. Each value listed in robotIds / signedRobotIds becomes a Key Vault secret.')
@secure()
param robotSecrets object = {}

@description('SMTP server for email when Communication Services is not deployed (empty: none).')
param smtpHost string = ''

@description('SMTP port.')
param smtpPort int = 587

@description('SMTP transport security.')
@allowed([
  'none'
  'starttls'
  'ssl-on-connect'
  'auto'
])
param smtpSecurity string = 'starttls'

@description('SMTP user name (empty: no authentication). The sender address is this user unless emailSender is set.')
param smtpUser string = ''

@description('Send the SMTP password even on a connection without TLS (in clear). Leave false: with it, a server that offers no TLS, or anyone in between who strips STARTTLS, receives the password.')
param smtpAllowPlainTextAuth bool = false

@description('Key Vault secret URI of the SMTP password (https://VAULT.vault.azure.net/secrets/NAME). Grant the app\'s identity (output identityPrincipalId) "Key Vault Secrets User" on it, then restart the app.')
param smtpPasswordSecretUri string = ''

@description('Sender address. With Communication Services: an address on a domain in linkedEmailDomainIds (empty: DoNotReply@ the managed domain). With SMTP: empty means smtpUser.')
param emailSender string = ''

@description('Resource ids of verified custom email domains (emailServices/domains) to link besides the managed one; listed here so that a redeployment keeps them linked.')
param linkedEmailDomainIds array = []

@description('Most instances the Function App scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps the logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('Mailbox that is alerted when the daily scan has not succeeded for 26 hours or a message is dead-lettered or parked as poison. Empty: no alerts.')
param alertEmail string = ''

@description('Object id of an admin (user or group) who imports the configuration and exports the log: gets Storage Table Data Contributor. Empty: nobody.')
param adminPrincipalId string = ''

@description('Kind of adminPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param adminPrincipalType string = 'User'

@description('Application (client) id of the Entra ID app registration that signs people in to the web pages (App Service authentication). Empty: authentication still guards every page, but nobody can sign in (fail closed); /api stays reachable with a function key.')
param authClientId string = ''

@description('Tenant of that app registration; sign-in accepts accounts of this tenant only.')
param authTenantId string = tenant().tenantId

@description('A client secret of that app registration, written to the deployment\'s Key Vault (secret auth-client-secret); MICROSOFT_PROVIDER_AUTHENTICATION_SECRET references it. Empty keeps the vault\'s.')
@secure()
param authClientSecret string = ''

@description('Largest evidence file accepted by an upload, in bytes (Escalation__Web__MaxUploadBytes).')
@minValue(1024)
@maxValue(104857600)
param maxUploadBytes int = 20971520

@description('The web\'s public address for the sign links (签收) in messages (Escalation__Web__BaseUrl); empty: the app\'s https default host name.')
param webBaseUrl string = ''

@description('Tags for every resource (azd adds azd-env-name).')
param tags object = {}

var token = toLower(uniqueString(subscription().id, resourceGroup().id, namePrefix))
var prefix = toLower(namePrefix)
var names = {
  identity: '${prefix}-id-${token}'
  storage: take('${prefix}${token}', 24)
  serviceBus: '${prefix}-sb-${token}'
  logs: '${prefix}-log-${token}'
  insights: '${prefix}-appi-${token}'
  communication: '${prefix}-acs-${token}'
  email: '${prefix}-email-${token}'
  plan: '${prefix}-plan-${token}'
  functionApp: '${prefix}-func-${token}'
  keyVault: take('${prefix}-kv-${token}', 24)
}
var deploymentContainer = 'app-package'
// Evidence files uploaded through the web pages (private; the app's identity reads and writes them).
var evidenceContainer = 'evidence'
// App Service authentication reads the Entra client secret from this app setting (a Key Vault reference).
var authSecretSetting = 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
var storeAuthSecret = !empty(authClientId)
// The secrets in the deployment's Key Vault and the app settings that reference them. The names are known before the
// deployment (what-if and the tests see them); the values come from the @secure() parameters. Key Vault secret names are
// case-insensitive, so robot ids (letters and digits, unique regardless of case in the robots table) are lowercased there.
var keyVaultUri = 'https://${names.keyVault}${environment().suffixes.keyvaultDns}/'
var robotVaultSecrets = concat(
  map(robotIds, id => { id: id, kind: 'webhook', name: 'robot-${toLower(id)}-webhook', setting: 'Escalation__Robots__${id}__Webhook' }),
  map(signedRobotIds, id => { id: id, kind: 'secret', name: 'robot-${toLower(id)}-secret', setting: 'Escalation__Robots__${id}__Secret' })
)
var storeSmsSecret = !empty(smsAccessKeyId)
// Versionless secret URIs: the app reads the latest version (a new one within a day, at once when its settings change).
var keyVaultReferences = union(
  storeSmsSecret ? { Escalation__Sms__AccessKeySecret: '${keyVaultUri}secrets/sms-access-key-secret' } : {},
  toObject(robotVaultSecrets, s => s.setting, s => '${keyVaultUri}secrets/${s.name}'),
  // The SMTP password stays in a vault of the office's own (smtpPasswordSecretUri), as before.
  empty(smtpPasswordSecretUri) ? {} : { Escalation__Smtp__Password: smtpPasswordSecretUri },
  storeAuthSecret ? { '${authSecretSetting}': '${keyVaultUri}secrets/auth-client-secret' } : {}
)
// The sender: emailSender when given (a redeployment must not reset it); otherwise the managed domain's DoNotReply with
// Communication Services, or the SMTP user's mailbox.
var smtpSender = empty(emailSender) ? smtpUser : emailSender
var sender = deployCommunicationServices && empty(emailSender) ? communication!.outputs.senderAddress : smtpSender

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.identity
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainer: deploymentContainer
    evidenceContainer: evidenceContainer
    adminPrincipalId: adminPrincipalId
    adminPrincipalType: adminPrincipalType
    identityId: identity.id
    principalId: identity.properties.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    identityId: identity.id
    principalId: identity.properties.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.logs
    insightsName: names.insights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
    identityId: identity.id
    principalId: identity.properties.principalId
  }
}

module communication 'modules/communication.bicep' = if (deployCommunicationServices) {
  name: 'communication'
  params: {
    communicationName: names.communication
    emailName: names.email
    dataLocation: communicationDataLocation
    linkedEmailDomainIds: linkedEmailDomainIds
    tags: tags
    identityId: identity.id
    principalId: identity.properties.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    identityId: identity.id
    principalId: identity.properties.principalId
    storeSmsSecret: storeSmsSecret
    smsAccessKeySecret: smsAccessKeySecret
    robotVaultSecrets: map(robotVaultSecrets, s => { id: s.id, kind: s.kind, name: s.name })
    robotSecrets: robotSecrets
    storeAuthSecret: storeAuthSecret
    authClientSecret: authClientSecret
  }
}

module alerts 'modules/alerts.bicep' = if (!empty(alertEmail)) {
  name: 'alerts'
  params: {
    namePrefix: prefix
    location: location
    tags: tags
    email: alertEmail
    insightsId: monitoring.outputs.id
    namespaceId: serviceBus.outputs.id
    poisonQueue: serviceBus.outputs.poisonQueue
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  // The references must resolve on the first start: the secrets and the identity's role on the vault come first.
  dependsOn: [
    keyVault
  ]
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: tags
    identityId: identity.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainer}'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    // Secret-valued settings, each a Key Vault reference resolved with the identity.
    keyVaultReferences: keyVaultReferences
    // App Service authentication (Entra ID) in front of the pages; /api is left to function keys.
    authClientId: authClientId
    authTenantId: authTenantId
    authCredentialAppSetting: storeAuthSecret ? authSecretSetting : ''
    appSettings: {
      // The Functions host: its own storage (timer leases, keys) and the Service Bus triggers, both through the identity.
      // Service URIs rather than __accountName, which only works with public Azure's default DNS suffixes.
      AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
      AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
      AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identity.properties.clientId
      // Application Insights with Entra-only ingestion: the host's telemetry, and the handler's traces and metrics (with the identity).
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.properties.clientId}'
      // The handler: DefaultAzureCredential picks the user-assigned identity by its client id.
      AZURE_CLIENT_ID: identity.properties.clientId
      Escalation__TimeZone: timeZone
      Escalation__ScanSchedule: scanSchedule
      Escalation__AfternoonScanSchedule: afternoonScanSchedule
      Escalation__WeeklyListSchedule: weeklyListSchedule
      Escalation__MonthlyNoticeSchedule: monthlyNoticeSchedule
      Escalation__DigestHeader: digestHeader
      Escalation__DigestMonthlyLatestWorkingDay: string(digestMonthlyLatestWorkingDay)
      Escalation__SendingWindow: sendingWindow
      Escalation__SendAtOnce: sendAtOnce
      Escalation__Delivery__MaxAttempts: string(deliveryMaxAttempts)
      Escalation__Delivery__FirstRetryMinutes: string(deliveryFirstRetryMinutes)
      Escalation__Delivery__GatherMinutes: string(deliveryGatherMinutes)
      Escalation__Tables__ServiceUri: storage.outputs.tableEndpoint
      Escalation__Acs__Endpoint: deployCommunicationServices ? communication!.outputs.endpoint : ''
      Escalation__Email__Sender: sender
      Escalation__Sms__From: smsFrom
      Escalation__Sms__Provider: smsProvider
      Escalation__Sms__SignName: smsSignName
      Escalation__Sms__AccessKeyId: smsAccessKeyId
      Escalation__Sms__SdkAppId: smsSdkAppId
      Escalation__Sms__Region: smsRegion
      Escalation__Sms__Endpoint: smsEndpoint
      Escalation__Sms__MaxParameterLength: smsMaxParameterLength == 0 ? '' : string(smsMaxParameterLength)
      Escalation__Sms__DailyCap: string(smsDailyCap)
      Escalation__Smtp__Host: deployCommunicationServices ? '' : smtpHost
      Escalation__Smtp__Port: string(smtpPort)
      Escalation__Smtp__Security: smtpSecurity
      Escalation__Smtp__User: smtpUser
      Escalation__Smtp__AllowPlainTextAuth: string(smtpAllowPlainTextAuth)
      Escalation__Web__EvidenceContainerUrl: '${storage.outputs.blobEndpoint}${evidenceContainer}'
      Escalation__Web__MaxUploadBytes: string(maxUploadBytes)
      Escalation__Web__BaseUrl: empty(webBaseUrl) ? 'https://${names.functionApp}.${environment().name == 'AzureChinaCloud' ? 'chinacloudsites.cn' : 'azurewebsites.net'}' : webBaseUrl
    }
  }
}

@description('The Function App, for zip deployment (az functionapp deployment source config-zip -n ...).')
output functionAppName string = functionApp.outputs.name

@description('Table endpoint: pass it to `import --tables` to seed the configuration.')
output tableEndpoint string = storage.outputs.tableEndpoint

@description('Service Bus namespace name (for az servicebus ... --namespace-name).')
output serviceBusNamespaceName string = serviceBus.outputs.name

@description('Application Insights resource name, for checking the first run.')
output applicationInsightsName string = monitoring.outputs.name

@description('Address emails are sent from (Communication Services managed domain, or the SMTP sender).')
output emailSender string = sender

@description('Client id of the identity every part uses.')
output identityClientId string = identity.properties.clientId

@description('Principal id of the identity (grant it "Key Vault Secrets User" on the SMTP password secret when you use SMTP).')
output identityPrincipalId string = identity.properties.principalId

@description('The Key Vault holding the SMS gateway\'s and the robots\' secrets, which deployments write (smsAccessKeySecret, robotSecrets); `az keyvault secret set` on it needs "Key Vault Secrets Officer".')
output keyVaultName string = keyVault.outputs.name
