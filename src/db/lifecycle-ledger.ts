import { and, count, eq, sql } from 'drizzle-orm';
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
