import { and, count, eq } from 'drizzle-orm';
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
