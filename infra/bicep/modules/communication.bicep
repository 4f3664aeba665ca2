// Communication Services with an Email service and its Azure-managed domain (xxxx.azurecomm.net) linked, so that the
// handler can send from DoNotReply@ that domain as soon as the deployment ends. A custom domain (the office's own) needs
// DNS verification: add it to the Email service in the portal, then list it in linkedEmailDomainIds and set emailSender
// (redeploying writes both, so neither is lost).
import { roles } from 'roles.bicep'

@description('Communication Services name.')
param communicationName string

@description('Email Communication Service name.')
param emailName string

@description('Where the data is kept at rest; the email service and Communication Services must share it.')
param dataLocation string

@description('Resource ids of further verified email domains to link (custom domains added to the Email service).')
param linkedEmailDomainIds array

@description('Tags.')
param tags object

@description('Resource id of the identity (names its role assignments, stable before deployment).')
param identityId string

@description('Principal id of the identity that sends.')
param principalId string

resource email 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource domain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: email
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    // The whole list is written on each deployment: a domain linked only in the portal would be unlinked again.
    linkedDomains: union([domain.id], linkedEmailDomainIds)
    disableLocalAuth: true
  }
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: communication
  name: guid(communication.id, identityId, roles.communicationSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.communicationSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Endpoint for the REST calls (https://{name}.{region}.communication.azure.com/).')
output endpoint string = 'https://${communication.properties.hostName}/'

@description('Sender address on the managed domain.')
output senderAddress string = 'DoNotReply@${domain.properties.mailFromSenderDomain}'
