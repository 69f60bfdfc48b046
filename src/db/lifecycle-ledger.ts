import { and, count, eq, gt, sql } from 'drizzle-orm';
import { budapestMonth } from '../domain/lifecycle-campaigns.js';
import type { Db } from './client.js';
import { historyLedger, partnerLinks } from './schema.js';

/** Completed rentals of the customer in the history ledger (each KGC rental id counted once). */
export async function ledgerRentalCount(db: Db, customerId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(historyLedger).where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental')));
  return row?.n ?? 0;
}

export async function vipSinceOf(db: Db, customerId: string): Promise<Date | null> {
  const [row] = await db.select({ vipSince: partnerLinks.vipSince }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
  return row?.vipSince ?? null;
}

/**
 * The machines of the customer's completed rentals that ended in a Budapest calendar month (`2026-01`), in order
 * of their end. The ledger's date is KGC's; a day either side is read so a UTC end time near midnight still counts.
 */
export async function rentalsEndedInMonth(db: Db, customerId: string, month: string): Promise<string[]> {
  const rows = await db
    .select({ payload: historyLedger.payload, occurredOn: historyLedger.occurredOn })
    .from(historyLedger)
    .where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental'), sql`${historyLedger.occurredOn} between (${`${month}-01`}::date - 1) and ((${`${month}-01`}::date + interval '1 month')::date)`))
    .orderBy(historyLedger.occurredOn);
  return rows
    .map((r) => r.payload as { rental_end?: string; machine_name?: string })
    .filter((p) => p.rental_end && budapestMonth(p.rental_end) === month)
    .map((p) => p.machine_name ?? '');
}

/**
 * A page of customers, in id order after `after`, whose latest completed rental ended before `endedBefore`
 * (a date): the inactive ones, each with that rental's date, which names its inactive period.
 */
export async function inactiveRenters(db: Db, o: { endedBefore: string; after?: string; limit: number }): Promise<Array<{ customerId: string; lastRentalOn: string }>> {
  const lastRentalOn = sql<string>`max(${historyLedger.occurredOn})`;
  return db
    .select({ customerId: historyLedger.customerId, lastRentalOn })
    .from(historyLedger)
    .where(and(eq(historyLedger.kind, 'rental'), o.after ? gt(historyLedger.customerId, o.after) : undefined))
    .groupBy(historyLedger.customerId)
    .having(sql`max(${historyLedger.occurredOn}) < ${o.endedBefore}::date`)
    .orderBy(historyLedger.customerId)
    .limit(o.limit);
}

/** The date the customer's latest completed rental ended, if any. */
export async function lastRentalOn(db: Db, customerId: string): Promise<string | null> {
  const [row] = await db
    .select({ last: sql<string | null>`max(${historyLedger.occurredOn})` })
    .from(historyLedger)
    .where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, 'rental')));
  return row?.last ?? null;
}
