import { eq, max, or, sql } from 'drizzle-orm';
import type { KgcCustomer, MarketingConsent } from '../contracts/kgc-events.js';
import { consentAllows } from '../domain/consent.js';
import { emailAddressHash } from '../domain/erasure.js';
import { normaliseEmail } from '../domain/twenty-person.js';
import { vipSinceOf } from './lifecycle-ledger.js';
import type { Db } from './client.js';
import { marketingEmailCaps, marketingOptOuts, partnerLinks } from './schema.js';

/** Keeps KGC's consent beside the partner link (a customer not linked yet gets a pending link carrying it). */
export async function rememberMarketingConsent(db: Db, customerId: string, consent: MarketingConsent | null | undefined): Promise<void> {
  const values = { marketingEmailConsent: consent ? consent.email : null, marketingConsentAt: consent ? new Date(consent.updated_at) : null };
  await db
    .insert(partnerLinks)
    .values({ customerId, syncStatus: 'pending', ...values })
    .onConflictDoUpdate({ target: partnerLinks.customerId, set: values });
}

/** The latest unsubscribe recorded for the customer or for the address (whoever it belonged to before an erasure). */
export async function latestOptOut(db: Db, who: { customerId: string; emailHash?: string }): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(marketingOptOuts.optedOutAt) })
    .from(marketingOptOuts)
    .where(who.emailHash ? or(eq(marketingOptOuts.customerId, who.customerId), eq(marketingOptOuts.emailHash, who.emailHash)) : eq(marketingOptOuts.customerId, who.customerId));
  return row?.at ?? null;
}

/**
 * Records an unsubscribe for the address and marks the link as without consent. Repeating it moves `opted_out_at`
 * forward, so consent KGC recorded before the latest click never counts.
 */
export async function recordOptOut(db: Db, o: { customerId: string | null; emailHash: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(marketingOptOuts)
      .values({ emailHash: o.emailHash, customerId: o.customerId, source: 'unsubscribe_link', optedOutAt: o.at })
      .onConflictDoUpdate({ target: marketingOptOuts.emailHash, set: { customerId: o.customerId, optedOutAt: o.at, reportedToKgcAt: null } });
    if (o.customerId) await tx.update(partnerLinks).set({ marketingEmailConsent: false, marketingConsentAt: o.at }).where(eq(partnerLinks.customerId, o.customerId));
  });
}

/**
 * Takes the customer's marketing slot for this email, in one statement: only when the customer's last marketing
 * email is older than `minIntervalMs`, or is this same email (a retry). False: capped.
 */
export async function takeMarketingSlot(db: Db, o: { customerId: string; emailKey: string; minIntervalMs: number }): Promise<boolean> {
  const taken = await db
    .insert(marketingEmailCaps)
    .values({ customerId: o.customerId, emailKey: o.emailKey, sentAt: new Date() })
    .onConflictDoUpdate({
      target: marketingEmailCaps.customerId,
      set: { emailKey: o.emailKey, sentAt: sql`case when ${marketingEmailCaps.emailKey} = excluded.email_key then ${marketingEmailCaps.sentAt} else excluded.sent_at end` },
      setWhere: sql`${marketingEmailCaps.emailKey} = excluded.email_key or ${marketingEmailCaps.sentAt} < now() - make_interval(secs => ${o.minIntervalMs / 1000})`,
    })
    .returning({ key: marketingEmailCaps.emailKey });
  return taken.length > 0;
}

/**
 * The campaign fields of a customer's Twenty person: whether marketing email is allowed now (KGC's consent, unless
 * an unsubscribe came after it) and since when the customer is a VIP. Every person write carries them, the single
 * upsert, the live batch and the bulk sync alike, so none of them resets what another wrote.
 */
export async function personCampaignFields(db: Db, customer: KgcCustomer): Promise<{ marketingEmailConsent: boolean; vipSince?: string }> {
  const email = normaliseEmail(customer.email);
  const optedOutAt = await latestOptOut(db, { customerId: customer.customer_id, ...(email ? { emailHash: emailAddressHash(email) } : {}) });
  const vipSince = await vipSinceOf(db, customer.customer_id);
  return {
    marketingEmailConsent: consentAllows('marketing', { consent: customer.marketing_consent, optedOutAt }).allowed,
    ...(vipSince ? { vipSince: vipSince.toISOString() } : {}),
  };
}
