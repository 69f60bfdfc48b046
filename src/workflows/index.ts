export { partnerSync } from './partner-sync.js';
export { gdprCascadeDelete } from './gdpr-cascade-delete.js';
export { kokoConversation } from './koko-conversation.js';
export { customerNotification } from './customer-notification.js';
export { pruneDeliveries } from './prune-deliveries.js';
