// The Key Vault that holds the app's secrets (the SMS gateway's AccessKey secret, the group robots' webhooks and DingTalk
// signing secrets), written from @secure() deployment parameters, never from a table or a plain app setting. Azure RBAC
// only (no access policies): the app's identity reads the secrets as "Key Vault Secrets User" through Key Vault references
// (@Microsoft.KeyVault(SecretUri=...)) that the platform resolves with that identity (the site's keyVaultReferenceIdentity).
import { roles } from 'roles.bicep'

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Resource id of the identity (names its role assignment, stable before deployment).')
param identityId string

@description('Principal id of the identity that reads the secrets.')
param principalId string

@description('Whether the SMS gateway\'s AccessKey secret belongs in the vault (a gateway account is configured).')
param storeSmsSecret bool

@description('The SMS gateway\'s AccessKey secret (Tencent: SecretKey); empty keeps the vault\'s.')
@secure()
param smsAccessKeySecret string

@description('The robots\' Key Vault secrets to write: { id, kind (webhook or secret), name (the Key Vault secret\'s) }; no values.')
param robotVaultSecrets array

@description('The values, by robot id and kind: { "<id>": { "webhook": "...", "secret": "..." } }; a value left out keeps the vault\'s.')
@secure()
param robotSecrets object

@description('Whether the Entra client secret of App Service authentication belongs in the vault (authClientId is set).')
param storeAuthSecret bool

@description('That client secret; empty keeps the vault\'s.')
@secure()
param authClientSecret string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Like the storage account: reachable over the public endpoint (Flex Consumption without a virtual network resolves
    // Key Vault references from there), every request signed in with Entra and authorized by RBAC.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
  }
}

// A secret is written only when its value is given, so that a later deployment without the value (the references stay)
// keeps what the vault holds instead of blanking it.
resource smsSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (storeSmsSecret && !empty(smsAccessKeySecret)) {
  parent: vault
  name: 'sms-access-key-secret'
  properties: {
    value: smsAccessKeySecret
    contentType: 'text/plain'
  }
}

resource authSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (storeAuthSecret && !empty(authClientSecret)) {
  parent: vault
  name: 'auth-client-secret'
  properties: {
    value: authClientSecret
    contentType: 'text/plain'
  }
}

resource robotSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for secret in robotVaultSecrets: if (!empty(robotSecrets[?secret.id][?secret.kind] ?? '')) {
    parent: vault
    name: secret.name
    properties: {
      value: robotSecrets[secret.id][secret.kind]
      contentType: 'text/plain'
    }
  }
]

// Read secrets, nothing else (not keys, not certificates, not the vault's configuration); on this vault only.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identityId, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Vault name.')
output name string = vault.name
