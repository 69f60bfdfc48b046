/**
 * Workflow ids are business keys: one workflow per customer, conversation, rental, worklog or event, so a repeated
 * event finds the workflow it already started. Operators search the Web UI by them; they never change.
 */
export const workflowIds = {
  partnerSync: (customerId: string) => `partner-sync/${customerId}`,
  gdprDelete: (customerId: string) => `gdpr-delete/${customerId}`,
  notification: (event: string, kgcId: string) => `notify/${event}/${kgcId}`,
  kokoConversation: (conversationId: number) => `koko/${conversationId}`,
  rentalExpiry: (rentalId: string) => `rental-expiry/${rentalId}`,
  repairDoneEmail: (worklogId: string) => `repair-done-email/${worklogId}`,
  initialBulkSync: (runId: string) => `initial-bulk-sync/${runId}`,
  /** One per task queue: gathers the person writes of every partnerSync into shared Twenty requests. */
  twentyPersonBatcher: (taskQueue: string) => `twenty-person-batcher/${taskQueue}`,
  marketingOptOut: (customerId: string) => `marketing-opt-out/${customerId}`,
  vipWelcome: (customerId: string) => `vip-welcome/${customerId}`,
  chatWorklog: (conversationId: number, requestId: string) => `chat-worklog/${conversationId}/${requestId}`,
  worklogStatus: (worklogId: string, status: string) => `worklog-status/${worklogId}/${status}`,
  franchiseOnboarding: (opportunityId: string) => `franchise-onboarding/${opportunityId}`,
  upsell: (customerId: string, month: string) => `upsell/${customerId}/${month}`,
  winBack: (customerId: string, lastRentalOn: string) => `win-back/${customerId}/${lastRentalOn}`,
  newProduct: (runId: string) => `new-product/${runId}`,
};
