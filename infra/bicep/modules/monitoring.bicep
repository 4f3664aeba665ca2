// Log Analytics and a workspace-based Application Insights that accepts telemetry only from Entra identities
// (local auth, i.e. the instrumentation key alone, is refused).
import { roles } from 'roles.bicep'

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights name.')
param insightsName string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Days the workspace keeps data.')
param retentionInDays int

@description('Resource id of the identity (names its role assignments, stable before deployment).')
param identityId string

@description('Principal id of the identity that sends telemetry.')
param principalId string

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identityId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Application Insights resource id.')
output id string = insights.id

@description('Application Insights name.')
output name string = insights.name

@description('Connection string (not a secret: with local auth off it only says where to send; the token authorizes).')
output connectionString string = insights.properties.ConnectionString
