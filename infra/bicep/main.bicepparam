using 'main.bicep'

// The values an office changes; everything else has a default in main.bicep (the region is the resource group's).
// azd fills the AZURE_* environment variables.
param namePrefix = readEnvironmentVariable('ESCALATION_NAME_PREFIX', 'duban')
param timeZone = 'Asia/Shanghai'
// 00:30 UTC = 08:30 in Shanghai, every day (the engine skips non-working days itself).
param scanSchedule = '0 30 0 * * *'
// 08:00 UTC = 16:00 in Shanghai: the afternoon scan (same-day chases), two hours before the sending window closes.
param afternoonScanSchedule = '0 0 8 * * *'
param sendingWindow = '08:30-18:00'
// 01:00 and 01:10 UTC = 09:00 and 09:10 in Shanghai, every day, after the morning scan: the weekly list goes out on the
// week's first working day (or a later working day of the week if that run was missed), the monthly notice when the
// month's data is published (the engine decides, on its calendar).
param weeklyListSchedule = '0 0 1 * * *'
param monthlyNoticeSchedule = '0 10 1 * * *'
// The digests' red header (红头) and the working day after the month by which the monthly notice goes even with data missing.
param digestHeader = readEnvironmentVariable('ESCALATION_DIGEST_HEADER', '市委市政府督查室')
param digestMonthlyLatestWorkingDay = int(readEnvironmentVariable('ESCALATION_DIGEST_MONTHLY_LATEST_WORKING_DAY', '10'))
param sendAtOnce = ''
param deployCommunicationServices = bool(readEnvironmentVariable('ESCALATION_DEPLOY_ACS', 'true'))
param communicationDataLocation = 'Asia Pacific'
param smsFrom = readEnvironmentVariable('ESCALATION_SMS_FROM', '')
// azd sets AZURE_PRINCIPAL_ID to the signed-in user, who then may import and export the tables.
param adminPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
// 'ServicePrincipal' when azd runs in a pipeline under one.
param adminPrincipalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')
// Who is told when the daily scan has not run or a message could not be processed (empty: no alerts).
param alertEmail = readEnvironmentVariable('ESCALATION_ALERT_EMAIL', '')
// A mainland SMS gateway instead of ACS (aliyun or tencent) and its account. The AccessKey secret goes into the
// deployment's Key Vault, never into an app setting in clear.
param smsProvider = readEnvironmentVariable('ESCALATION_SMS_PROVIDER', 'acs')
param smsSignName = readEnvironmentVariable('ESCALATION_SMS_SIGN_NAME', '')
param smsAccessKeyId = readEnvironmentVariable('ESCALATION_SMS_ACCESS_KEY_ID', '')
param smsAccessKeySecret = readEnvironmentVariable('ESCALATION_SMS_ACCESS_KEY_SECRET', '')
param smsSdkAppId = readEnvironmentVariable('ESCALATION_SMS_SDK_APP_ID', '')
param smsRegion = readEnvironmentVariable('ESCALATION_SMS_REGION', 'ap-guangzhou')
param smsEndpoint = readEnvironmentVariable('ESCALATION_SMS_ENDPOINT', '')
param smsMaxParameterLength = int(readEnvironmentVariable('ESCALATION_SMS_MAX_PARAMETER_LENGTH', '0'))
param smsDailyCap = int(readEnvironmentVariable('ESCALATION_SMS_DAILY_CAP', '8'))
// The group robots: their ids (comma-separated, as in the robots table), the DingTalk ones with a signing secret, and
// the webhooks and secrets themselves as one JSON object by id, which goes into the Key Vault only:
// {"zjj":{"webhook":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."},"office":{"webhook":"...","secret":"SEC..."}}
param robotIds = filter(map(split(readEnvironmentVariable('ESCALATION_ROBOT_IDS', ''), ','), id => trim(id)), id => !empty(id))
param signedRobotIds = filter(map(split(readEnvironmentVariable('ESCALATION_SIGNED_ROBOT_IDS', ''), ','), id => trim(id)), id => !empty(id))
param robotSecrets = json(readEnvironmentVariable('ESCALATION_ROBOT_SECRETS', '{}'))
// Sign-in to the web pages (App Service authentication with Entra ID): the app registration's client id and tenant, and
// a client secret of it, which goes into the deployment's Key Vault only (the tenant is the deployment's, main.bicep
// authTenantId). Without a client id every page is refused.
param authClientId = readEnvironmentVariable('ESCALATION_AUTH_CLIENT_ID', '')
param authClientSecret = readEnvironmentVariable('ESCALATION_AUTH_CLIENT_SECRET', '')
param maxUploadBytes = int(readEnvironmentVariable('ESCALATION_MAX_UPLOAD_BYTES', '20971520'))
// The pages' public address (calendar feeds, the sign links (签收) in messages); empty: the app's https default host name.
param webBaseUrl = readEnvironmentVariable('ESCALATION_WEB_BASE_URL', '')
