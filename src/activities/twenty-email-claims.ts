import { createHash } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { twentyEmailClaims } from '../db/schema.js';
import type { ActivityDeps } from './context.js';

type Db = ActivityDeps['db'];

/** A normalised email as the claims table names it: a hash, so the table holds no address. */
export function emailClaimKey(email: string): string {
  return createHash('sha256').update(`twenty-email:${email}`).digest('hex');
}

export interface EmailClaim {
  customerId: string;
  /** The customer's normalised KGC email, if any: its claims on any other email are released. */
  email: string | undefined;
  /** Whether to take the claim if it is free; false only keeps a claim the customer already holds. */
  claim: boolean;
}

/**
 * The customers that may send their email as primary: each one's claim on its email is taken if free, in one
 * INSERT … ON CONFLICT whose primary key serialises concurrent claimers, so of two customers sending one email at
 * the same instant exactly one holds it. Claims on emails a customer no longer has are released first. `takeOver`
 * is for a customer whose own Twenty person already holds the email: Twenty's state wins over a stale claim.
 * Safe to repeat: a claim is only ever released by its holder (or erased with it).
 */
export async function claimPrimaryEmails(db: Db, claims: EmailClaim[], opts: { takeOver?: boolean } = {}): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const wanted = claims.map((c) => ({ ...c, key: c.email ? emailClaimKey(c.email) : null }));
  await db.execute(sql`
    delete from ${twentyEmailClaims} as t
    using (values ${sql.join(wanted.map((w) => sql`(${w.customerId}::text, ${w.key}::text)`), sql`, `)}) as v(customer_id, email_hash)
    where t.customer_id = v.customer_id and t.email_hash is distinct from v.email_hash`);
  // A statement may not claim one key twice: the first customer in the list asks, the others find it held.
  const firstPerKey = new Map<string, string>();
  for (const w of wanted) if (w.claim && w.key && !firstPerKey.has(w.key)) firstPerKey.set(w.key, w.customerId);
  if (firstPerKey.size > 0) {
    const insert = db.insert(twentyEmailClaims).values([...firstPerKey].map(([emailHash, customerId]) => ({ emailHash, customerId })));
    await (opts.takeOver
      ? insert.onConflictDoUpdate({ target: twentyEmailClaims.emailHash, set: { customerId: sql.raw('excluded.customer_id'), claimedAt: new Date() } })
      : insert.onConflictDoNothing());
  }
  const withEmail = wanted.filter((w) => w.key).map((w) => w.customerId);
  if (withEmail.length === 0) return new Set();
  const held = await db.select({ customerId: twentyEmailClaims.customerId }).from(twentyEmailClaims).where(inArray(twentyEmailClaims.customerId, withEmail));
  return new Set(held.map((h) => h.customerId));
}
