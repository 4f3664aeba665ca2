// The storage account: the engine's tables (admin configuration and what the engine writes) and the Functions host's
// blobs (timer leases and the Flex deployment package). Shared-key access is off: everything signs in with Entra.
import { roles } from 'roles.bicep'

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainer string

@description('Blob container of the evidence files uploaded through the web pages (private).')
param evidenceContainer string

@description('Resource id of the identity (names its role assignments, stable before deployment).')
param identityId string

@description('Principal id of the identity granted data access.')
param principalId string

@description('Object id of the admin who imports and exports with the CLI (Storage Table Data Contributor), or empty.')
param adminPrincipalId string

@description('Kind of adminPrincipalId.')
param adminPrincipalType string

// Every table of src/Functions/Storage/Tables.cs: fifteen that admins fill (import), six that the engine writes.
// A C# test (InfrastructureTests) fails if this list and the engine's schema differ.
var tables = [
  'units'
  'people'
  'tasks'
  'milestones'
  'plantemplates'
  'progress'
  'rules'
  'templates'
  'smstemplates'
  'robots'
  'calendar'
  'settings'
  'exemptions'
  'explanations'
  'indicators'
  'indicatorvalues'
  'rankinggroups'
  'escalationlog'
  'escalationbymonth'
  'deliveries'
  'dispatches'
  'problems'
  'firstseen'
  'indicatorclaims'
  'digests'
  'references'
  'webkeys'
  'feeds'
  'decisions'
  'exemptionrequests'
]

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    accessTier: 'Hot'
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
        }
        table: {
          enabled: true
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainer
  properties: {
    publicAccess: 'None'
  }
}

// Evidence files: private (no anonymous read, and shared keys and SAS are off on the account); downloads go through
// the app, which serves them as attachments with their checked content type.
resource evidence 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: evidenceContainer
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tables: {
    parent: tableService
    name: tableName
  }
]

// Blob Data Owner: the host's own storage and the deployment package. Table Data Contributor: the engine's tables.
resource identityRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageTableDataContributor]: {
    scope: account
    name: guid(account.id, identityId, role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Reading and writing the evidence files, on their container only. The account-wide Blob Data Owner above (which the
// host's storage needs) covers it today; this assignment keeps evidence working if that role is ever narrowed to the
// host's own containers.
resource evidenceContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: evidence
  name: guid(evidence.id, identityId, roles.storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Data-plane access for the admin's `import`/`export` with az login: owning the resource group does not include it.
resource adminTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(adminPrincipalId)) {
  scope: account
  name: guid(account.id, adminPrincipalId, roles.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: adminPrincipalId
    principalType: adminPrincipalType
  }
}

@description('Account name.')
output name string = account.name

@description('Blob endpoint, with a trailing slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint, with a trailing slash.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint, with a trailing slash.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Evidence container name.')
output evidenceContainer string = evidence.name

@description('Tables created.')
output tables array = [for (tableName, i) in tables: table[i].name]
