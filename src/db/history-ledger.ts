import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import type { LedgerEntry } from '../domain/history.js';
import type { Db } from './client.js';
import { historyLedger } from './schema.js';

/**
 * Upserts history on its KGC id, for the history webhooks and the bulk sync alike. A record KGC sends again
 * unchanged keeps its row as it was, `updatedAt` and synced mark included: `updatedAt` says when the content last
 * changed, which is what the sync's "mark synced only if unchanged since read" needs, so a repeat arriving while
 * the row is being written to Twenty does not make it written twice. A changed record is synced again.
 */
export async function upsertLedgerEntries(db: Db, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // A JS Date (millisecond precision), never the database's now(): the sync compares the value it read back.
  const now = new Date();
  await db
    .insert(historyLedger)
    .values(entries.map((e) => ({ ...e, updatedAt: now })))
    .onConflictDoUpdate({
      target: [historyLedger.kind, historyLedger.kgcId],
      set: {
        customerId: sql`excluded.customer_id`,
        amountHuf: sql`excluded.amount_huf`,
        occurredOn: sql`excluded.occurred_on`,
        late: sql`excluded.late`,
        payload: sql`excluded.payload`,
        updatedAt: sql`case when ${historyLedger.payload} = excluded.payload then ${historyLedger.updatedAt} else excluded.updated_at end`,
        syncedAt: sql`case when ${historyLedger.payload} = excluded.payload then ${historyLedger.syncedAt} else null end`,
      },
    });
}

export interface PersonAggregates {
  totalRentals: number;
  /** Rental total_cost plus order total_amount; repair costs are service revenue, kept apart. */
  revenueHuf: number;
  lastRentalDate: string | null;
  lastServiceDate: string | null;
}

const noHistory: PersonAggregates = { totalRentals: 0, revenueHuf: 0, lastRentalDate: null, lastServiceDate: null };

/**
 * The Twenty person aggregates of each customer, recomputed from the ledger (never incremented). `syncedOnly`
 * counts only the rows already in Twenty (the live sync); the bulk sync writes people before their history and
 * counts every row. A customer without history gets zeros.
 */
export async function personAggregates(db: Db, customerIds: readonly string[], opts: { syncedOnly: boolean }): Promise<Map<string, PersonAggregates>> {
  const rows =
    customerIds.length === 0
      ? []
      : await db
          .select({
            customerId: historyLedger.customerId,
            totalRentals: sql<number>`count(*) filter (where ${historyLedger.kind} = 'rental')`.mapWith(Number),
            revenueHuf: sql<number>`coalesce(sum(${historyLedger.amountHuf}) filter (where ${historyLedger.kind} in ('rental', 'order')), 0)`.mapWith(Number),
            lastRentalDate: sql<string | null>`max(${historyLedger.occurredOn}) filter (where ${historyLedger.kind} = 'rental')`,
            lastServiceDate: sql<string | null>`max(${historyLedger.occurredOn}) filter (where ${historyLedger.kind} = 'service')`,
          })
          .from(historyLedger)
          .where(and(inArray(historyLedger.customerId, [...customerIds]), opts.syncedOnly ? isNotNull(historyLedger.syncedAt) : undefined))
          .groupBy(historyLedger.customerId);
  const byCustomer = new Map(rows.map(({ customerId, ...agg }) => [customerId, agg]));
  return new Map(customerIds.map((id) => [id, byCustomer.get(id) ?? noHistory]));
}
