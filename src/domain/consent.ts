import type { MarketingConsent } from '../contracts/kgc-events.js';
import type { EmailPurpose } from '../templates/email/index.js';

/** Why a marketing email was not sent; the new-product report counts them under these names. */
export const consentRefusals = { noConsent: 'no marketing consent', unsubscribed: 'unsubscribed' } as const;

export interface ConsentFacts {
  /** KGC's `marketing_consent`, read right before the send. */
  consent?: MarketingConsent | null;
  /** The latest unsubscribe recorded here for the customer or the address, if any. */
  optedOutAt?: Date | null;
}

/**
 * The gate every customer email passes. Transactional mail (the customer's own rental or repair) needs no consent.
 * Marketing mail needs KGC's `email: true`, given after the latest unsubscribe recorded here: KGC may not have
 * taken our opt-out in yet, and an erased customer who returns with the same address must opt in anew.
 */
export function consentAllows(purpose: EmailPurpose, facts: ConsentFacts = {}): { allowed: true } | { allowed: false; reason: string } {
  if (purpose === 'transactional') return { allowed: true };
  const consentedAt = facts.consent?.email === true ? Date.parse(facts.consent.updated_at) : undefined;
  // Named first, so a customer who unsubscribed here is reported so, whether or not KGC has taken it in yet.
  if (facts.optedOutAt && (consentedAt === undefined || consentedAt <= facts.optedOutAt.getTime())) return { allowed: false, reason: consentRefusals.unsubscribed };
  if (consentedAt === undefined) return { allowed: false, reason: consentRefusals.noConsent };
  return { allowed: true };
}
