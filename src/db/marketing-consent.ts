import { eq, inArray, max, or, sql } from 'drizzle-orm';
import type { KgcCustomer, MarketingConsent } from '../contracts/kgc-events.js';
import { consentAllows } from '../domain/consent.js';
import { emailAddressHash } from '../domain/erasure.js';
import { normaliseEmail } from '../domain/twenty-person.js';
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
 * When the customer's marketing slot frees: the interval after the last marketing email took it, plus a second,
 * as takeMarketingSlot wants the last one strictly older than the interval.
 */
export async function marketingSlotFreeAt(db: Db, o: { customerId: string; minIntervalMs: number }): Promise<Date> {
  const [cap] = await db.select({ sentAt: marketingEmailCaps.sentAt }).from(marketingEmailCaps).where(eq(marketingEmailCaps.customerId, o.customerId));
  return new Date((cap?.sentAt.getTime() ?? Date.now()) + o.minIntervalMs + 1_000);
}

/**
 * The campaign fields of a customer's Twenty person: whether marketing email is allowed now (KGC's consent, unless
 * an unsubscribe came after it) and since when the customer is a VIP. Every person write carries them, the single
 * upsert, the live batch and the bulk sync alike, so none of them resets what another wrote.
 */
export async function personCampaignFields(db: Db, customer: KgcCustomer): Promise<CampaignFields> {
  return (await peopleCampaignFields(db, [customer])).get(customer.customer_id)!;
}

export interface CampaignFields {
  marketingEmailConsent: boolean;
  vipSince?: string;
}

/**
 * personCampaignFields of a whole batch, by customer id, in two queries whatever its size: the unsubscribes of
 * the customers or their addresses (the latest counts), and the VIP dates on their links.
 */
export async function peopleCampaignFields(db: Db, customers: readonly KgcCustomer[]): Promise<Map<string, CampaignFields>> {
  if (customers.length === 0) return new Map();
  const ids = customers.map((c) => c.customer_id);
  const hashOf = new Map(customers.map((c) => [c.customer_id, emailHashOf(c)]));
  const hashes = [...hashOf.values()].filter((h): h is string => h !== undefined);
  const [optOuts, links] = await Promise.all([
    db
      .select({ customerId: marketingOptOuts.customerId, emailHash: marketingOptOuts.emailHash, at: marketingOptOuts.optedOutAt })
      .from(marketingOptOuts)
      .where(hashes.length > 0 ? or(inArray(marketingOptOuts.customerId, ids), inArray(marketingOptOuts.emailHash, hashes)) : inArray(marketingOptOuts.customerId, ids)),
    db.select({ customerId: partnerLinks.customerId, vipSince: partnerLinks.vipSince }).from(partnerLinks).where(inArray(partnerLinks.customerId, ids)),
  ]);
  const vipDates = new Map(links.map((l) => [l.customerId, l.vipSince]));
  return new Map(
    customers.map((c) => {
      const hash = hashOf.get(c.customer_id);
      const mine = optOuts.filter((o) => o.customerId === c.customer_id || (hash !== undefined && o.emailHash === hash));
      const optedOutAt = mine.length === 0 ? null : new Date(Math.max(...mine.map((o) => o.at.getTime())));
      const vipSince = vipDates.get(c.customer_id);
      return [
        c.customer_id,
        {
          marketingEmailConsent: consentAllows('marketing', { consent: c.marketing_consent, optedOutAt }).allowed,
          ...(vipSince ? { vipSince: vipSince.toISOString() } : {}),
        },
      ];
    }),
  );
}

function emailHashOf(customer: KgcCustomer): string | undefined {
  const email = normaliseEmail(customer.email);
  return email ? emailAddressHash(email) : undefined;
}
