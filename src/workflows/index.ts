export { partnerSync } from './partner-sync.js';
export { gdprCascadeDelete } from './gdpr-cascade-delete.js';
