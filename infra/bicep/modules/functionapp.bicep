// The Function App on the Flex Consumption plan: runtime "custom" (the handler is a self-contained linux-x64 executable,
// started by the host as host.json says), the package deployed from a blob container that the platform reads with the
// user-assigned identity, and no publishing credentials (deployment signs in with Entra too).

@description('Flex Consumption plan name.')
param planName string

@description('Function App name.')
param name string

@description('Region.')
param location string

@description('Tags; the app also gets azd-service-name so that azd deploy finds it.')
param tags object

@description('Resource id of the user-assigned identity.')
param identityId string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Memory per instance, in MB.')
param instanceMemoryMB int

@description('Secret-valued app settings: name to the URI of the Key Vault secret that holds the value. Each becomes a Key Vault reference.')
param keyVaultReferences object

@description('App settings: name to value. None of them is a secret.')
param appSettings object

@description('Application (client) id of the Entra app registration for sign-in; empty: no provider, every page refused (fail closed).')
param authClientId string

@description('Tenant whose accounts may sign in.')
param authTenantId string

@description('Name of the app setting holding the Entra client secret (a Key Vault reference), or empty for none.')
param authCredentialAppSetting string

// The secrets the app needs (the SMTP password, the SMS gateway's secret, the robots' webhooks and signing secrets) stay
// in Key Vault; the app setting is a reference the platform resolves with the identity (keyVaultReferenceIdentity below).
var secretSettings = toObject(items(keyVaultReferences), s => s.key, s => '@Microsoft.KeyVault(SecretUri=${s.value})')

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(union(appSettings, secretSettings)): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

// App Service authentication (Easy Auth) in front of the handler: every page needs a signed-in Entra account of the
// office's tenant (a browser without a session is sent to the sign-in page); the handler reads the person from the
// X-MS-CLIENT-PRINCIPAL headers, which the platform sets and strips from what clients send. /api is excluded: machine
// callers use a function key (the Api function's authLevel), which the Functions host checks. /ical/* is excluded too:
// calendar applications fetch feeds without a session, and the feed's random token (only its hash is stored) authorises.
// No token store: the app needs only the principal headers, not the provider's tokens. README, "Deploy", "Sign-in" for the sources.
resource auth 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: empty(authClientId) ? 'Return401' : 'RedirectToLoginPage'
      redirectToProvider: empty(authClientId) ? null : 'azureactivedirectory'
      excludedPaths: [
        '/api'
        '/api/*'
        '/ical/*'
      ]
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: !empty(authClientId)
        registration: {
          clientId: authClientId
          clientSecretSettingName: empty(authCredentialAppSetting) ? null : authCredentialAppSetting
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(authClientId) ? [] : [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
      preserveUrlFragmentsForLogins: false
      cookieExpiration: {
        convention: 'FixedTime'
        timeToExpiration: '08:00:00'
      }
      nonce: {
        validateNonce: true
      }
    }
  }
}

// No FTP or basic-auth zip deployment: `az functionapp deployment source config-zip` and azd sign in with Entra.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Function App name.')
output name string = site.name
