// Service Bus: the evaluate queue (one message per unit and day), the events topic (one message per event) with a
// subscription per channel, and the poison queue where the handler parks messages that can never succeed.
// Entra only: local (SAS) auth is off. Entity names must match src/Functions/Messaging/ServiceBusEntities.cs and the
// function.json bindings; InfrastructureTests checks both.
import { roles } from 'roles.bicep'

@description('Namespace name (6-50 characters).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Resource id of the identity (names its role assignments, stable before deployment).')
param identityId string

@description('Principal id of the identity that publishes (Service Bus SDK, AMQP) and receives (triggers).')
param principalId string

// Duplicate detection catches a publish repeated within minutes (a retried invocation, two overlapping scans). It must stay
// well under a day: the next day's scan re-publishes events logged but not yet delivered under the same MessageId, and a
// longer window would silently drop that re-publication.
var duplicateWindow = 'PT10M'

// Long enough for one invocation's work (read, evaluate, render, send, record); the host renews the lock up to
// host.json's maxAutoLockRenewalDuration (5 minutes) while an invocation runs.
var lockDuration = 'PT1M'

// Redeliveries after a failing invocation (the host abandons; Service Bus redelivers at once). The handler's own back-off
// is a scheduled re-publication, so this only counts infrastructure failures before a message goes to the dead-letter queue.
var maxDeliveryCount = 10

// Channel subscriptions: an event message carries one property per channel it must go out on ("Email" = 'true').
var channels = [
  {
    subscription: 'email'
    property: 'Email'
  }
  {
    subscription: 'sms'
    property: 'Sms'
  }
  {
    subscription: 'wecom'
    property: 'WeCom'
  }
  {
    subscription: 'dingtalk'
    property: 'DingTalk'
  }
]

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource evaluate 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: 'evaluate'
  properties: {
    lockDuration: lockDuration
    maxDeliveryCount: maxDeliveryCount
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateWindow
    // A unit not evaluated within a day is superseded by the next scan; the expired message is kept for inspection.
    defaultMessageTimeToLive: 'P1D'
    deadLetteringOnMessageExpiration: true
    maxSizeInMegabytes: 1024
  }
}

resource poison 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: 'poison'
  properties: {
    lockDuration: lockDuration
    maxDeliveryCount: maxDeliveryCount
    // Nobody consumes it automatically: operators read it (Service Bus Explorer in the portal). Kept four weeks, then
    // moved to its dead-letter queue rather than dropped.
    defaultMessageTimeToLive: 'P28D'
    deadLetteringOnMessageExpiration: true
    maxSizeInMegabytes: 1024
  }
}

resource events 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: 'events'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateWindow
    // Deferred deliveries are scheduled up to the next opening of the sending window, which after the National Day
    // holiday (and its make-up days) can be nine days away; two weeks leaves room.
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
    supportOrdering: false
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = [
  for channel in channels: {
    parent: events
    name: channel.subscription
    properties: {
      lockDuration: lockDuration
      maxDeliveryCount: maxDeliveryCount
      defaultMessageTimeToLive: 'P14D'
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      requiresSession: false
    }
  }
]

// Named $Default so that it replaces the catch-all rule Service Bus gives every new subscription; a rule under another
// name would sit beside the catch-all, and every event would reach every channel.
resource filter 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2026-01-01' = [
  for (channel, i) in channels: {
    parent: subscription[i]
    name: '$Default'
    properties: {
      filterType: 'CorrelationFilter'
      correlationFilter: {
        properties: {
          '${channel.property}': 'true'
        }
      }
    }
  }
]

// Sender: the engine publishes with the SDK (AMQP) and the poison output binding sends. Receiver: the host's triggers.
resource identityRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.serviceBusDataSender, roles.serviceBusDataReceiver]: {
    scope: namespace
    name: guid(namespace.id, identityId, role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The Functions scale controller decides how many instances the triggers need from the entities' message counts, read
// with the triggers' connection (this identity); reading runtime counts needs the Manage right, which only Data Owner
// holds. Scoped to the two triggered entities, not the namespace: the identity cannot touch anything else.
resource scaleEvaluate 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: evaluate
  name: guid(evaluate.id, identityId, roles.serviceBusDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource scaleEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: events
  name: guid(events.id, identityId, roles.serviceBusDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Namespace name.')
output name string = namespace.name

@description('Namespace resource id.')
output id string = namespace.id

@description('The queue where the handler parks unprocessable messages.')
output poisonQueue string = poison.name

// The endpoint is https://{name}.servicebus.windows.net:443/ in public Azure (another suffix in sovereign clouds); the
// engine's publisher and the host's triggers reach it over AMQP (TCP 5671), which needs no inbound rule and, without VNet
// integration, no outbound one either.
@description('Host name of the namespace, e.g. {name}.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]

@description('Queues created.')
output queues array = [evaluate.name, poison.name]

@description('Topic subscriptions created, as topic/subscription.')
output subscriptions array = [for (channel, i) in channels: '${events.name}/${subscription[i].name}']
