// Alerts for the people who run the engine: it chases deadlines, so a day it silently does not run, or messages it
// cannot process, must reach a person. One action group (email) and four rules:
//   - no successful ScanDeadlines, or no successful ScanAfternoon (the same-day chases), in the last 26 hours
//     (Application Insights requests; both timers fire every day, the afternoon one even without afternoon rules);
//   - a message parked on the poison queue (unprocessable: malformed, or a year with no calendar);
//   - a message dead-lettered by Service Bus (delivered 10 times without success, or expired).

@description('Name prefix for the alert resources.')
param namePrefix string

@description('Region of the log alert (that of Application Insights).')
param location string

@description('Tags.')
param tags object

@description('Mailbox that receives the alerts.')
param email string

@description('Resource id of Application Insights.')
param insightsId string

@description('Resource id of the Service Bus namespace.')
param namespaceId string

@description('Name of the queue where unprocessable messages are parked.')
param poisonQueue string

resource group 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    enabled: true
    groupShortName: take('${namePrefix}ops', 12)
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

// The morning scan keeps the rule's original name, so that an existing deployment updates it in place.
var scans = [
  {
    function: 'ScanDeadlines'
    name: '${namePrefix}-scan-missing'
    description: 'The daily scan did not run or kept failing: nobody is being reminded. Check the Function App and its logs.'
    severity: 1
  }
  {
    function: 'ScanAfternoon'
    name: '${namePrefix}-afternoon-scan-missing'
    description: 'The afternoon scan did not run or kept failing: the same-day chases (rules with Scan = afternoon) are not sent. Check the Function App and its logs.'
    severity: 2
  }
]

resource scanMissing 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [for scan in scans: {
  name: scan.name
  location: location
  tags: tags
  properties: {
    displayName: '${scan.function} has not succeeded for 26 hours'
    description: scan.description
    severity: scan.severity
    enabled: true
    scopes: [
      insightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: 'requests | where operation_Name == "${scan.function}" and success == true and timestamp > ago(26h)'
          timeAggregation: 'Count'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        group.id
      ]
    }
  }
}]

resource poisonParked 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${namePrefix}-poison'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message was parked on the poison queue: it can never succeed as it is (read its reason in Service Bus Explorer).'
    severity: 2
    enabled: true
    scopes: [
      namespaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'poison'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'ActiveMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                poisonQueue
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: group.id
      }
    ]
  }
}

resource deadLettered 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Service Bus dead-lettered a message (delivered too often without success, or expired).'
    severity: 2
    enabled: true
    scopes: [
      namespaceId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'deadletters'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: group.id
      }
    ]
  }
}
