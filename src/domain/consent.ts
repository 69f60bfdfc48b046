import type { EmailPurpose } from '../templates/email/index.js';

/**
 * The gate every customer email passes. Transactional mail (the customer's own rental or repair) needs no consent;
 * marketing mail needs recorded opt-in, which KGC does not provide yet, so a marketing kind is refused until a
 * consent source is wired in here.
 */
export function consentAllows(purpose: EmailPurpose): { allowed: true } | { allowed: false; reason: string } {
  if (purpose === 'transactional') return { allowed: true };
  return { allowed: false, reason: 'no marketing consent on record' };
}
