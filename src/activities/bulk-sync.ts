import { activityInfo, heartbeat } from '@temporalio/activity';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { KgcList } from '../clients/kgc-client.js';
import { customerSchema, kgcEventSchemas } from '../contracts/kgc-events.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { upsertLedgerEntries } from '../db/history-ledger.js';
import { bulkSyncRuns, historyLedger, partnerLinks } from '../db/schema.js';
import { toLedgerEntry } from '../domain/history.js';
import type { ActivityDeps } from './context.js';
import { erasedAmong, recordDeadLetters } from './bulk-sync-records.js';

/** KGC's largest page (docs/kgc-contract.md#pages): reads into our own database are not rate-limited by Twenty. */
const kgcPageSize = 500;

export const historyLists: Record<HistoryKind, { list: KgcList; event: 'rental.completed' | 'service.completed' | 'order.delivered' }> = {
  rental: { list: 'rentals', event: 'rental.completed' },
  service: { list: 'worklogs', event: 'service.completed' },
  order: { list: 'orders', event: 'order.delivered' },
};

/** Main-queue steps of initialBulkSync: KGC reads into Postgres and run bookkeeping. Inputs and results are ids and counts. */
export function createBulkSyncActivities({ db, kgc }: ActivityDeps) {
  return {
    /** Pages through KGC's active customers; a retried attempt resumes from its last heartbeat. */
    async countKgcCustomers(): Promise<{ total: number }> {
      const resume = activityInfo().heartbeatDetails as { cursor: string | null; total: number } | undefined;
      let { cursor, total } = resume ?? { cursor: null, total: 0 };
      do {
        const page = await kgc.listPage('customers', customerSchema, { cursor, limit: kgcPageSize });
        total += page.records.length + page.invalid.length;
        cursor = page.nextCursor;
        heartbeat({ cursor, total });
      } while (cursor);
      return { total };
    },

    /**
     * One KGC page of completed history into the ledger, upserted on the KGC id as the history webhooks do: an
     * unchanged record keeps its synced mark, so a rerun writes nothing twice. Erased customers are left out.
     */
    async loadHistoryPage(input: { runId: string; kind: HistoryKind; since: string; cursor: string | null }): Promise<{ nextCursor: string | null; loaded: number; invalid: number }> {
      const { list, event } = historyLists[input.kind];
      const page = await kgc.listPage(list, kgcEventSchemas[event], { cursor: input.cursor, limit: kgcPageSize, since: input.since });
      await recordDeadLetters(db, input.runId, page.invalid.map((kgcId) => ({ system: 'kgc' as const, recordKind: input.kind, kgcId, reason: 'KGC record fails the event schema' })));
      const erased = await erasedAmong(db, [...new Set(page.records.map((r) => r.customer_id))]);
      const entries = page.records.filter((r) => !erased.has(r.customer_id)).map((r) => toLedgerEntry[event](r as never));
      await upsertLedgerEntries(db, entries);
      return { nextCursor: page.nextCursor, loaded: entries.length, invalid: page.invalid.length };
    },

    /** Ledger rows still to write whose person is in Twenty: the history phase's total. */
    async countPendingHistory(): Promise<{ pending: number }> {
      const [row] = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(historyLedger)
        .innerJoin(partnerLinks, eq(partnerLinks.customerId, historyLedger.customerId))
        .where(and(isNull(historyLedger.syncedAt), isNotNull(partnerLinks.twentyPersonId)));
      return { pending: row?.n ?? 0 };
    },

    /** Frees the one-run-at-a-time slot (bulk_sync_runs.active). */
    async finishBulkSyncRun({ runId, status }: { runId: string; status: 'completed' | 'cancelled' | 'failed' }): Promise<void> {
      await db.update(bulkSyncRuns).set({ active: null, status, finishedAt: new Date() }).where(eq(bulkSyncRuns.runId, runId));
    },
  };
}
