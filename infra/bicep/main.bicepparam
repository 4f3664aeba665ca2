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
