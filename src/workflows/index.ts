export { partnerSync } from './partner-sync.js';
