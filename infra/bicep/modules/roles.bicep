// Built-in role definition ids (the same in every tenant), named once for all modules.
@export()
@description('Built-in Azure role definition ids used by this deployment.')
var roles = {
  // Host storage with an identity (the timer's singleton lease, keys) and the Flex deployment package: the role the
  // Functions docs require for AzureWebJobsStorage.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Evidence files uploaded through the web pages, on their container.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // The engine's tables: read configuration, write the log, the ledger and problems.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Publishing evaluate messages and events (the Service Bus SDK over AMQP).
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  // The host's Service Bus triggers.
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  // Scaling on the triggered entities (reading their message counts needs the Manage right); scoped to those entities.
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  // Entra-only ingestion into Application Insights.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Sending email and SMS with an Entra token: Communication and Email Service Owner. No send-only built-in role exists;
  // this one is narrower than Contributor (README, Deploy, for the reasoning).
  communicationSender: '09976791-48a7-449e-bb21-39d1a415f350'
  // Reading the app's secrets through Key Vault references (secrets' values and metadata only), on the engine's vault.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}
