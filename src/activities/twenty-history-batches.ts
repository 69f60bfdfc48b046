import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import { upsertPeopleMutation } from '../clients/twenty-people-documents.js';
import { historyLedger } from '../db/schema.js';
import { personAggregates } from '../db/history-ledger.js';
import { historyObjectOf, toTwentyAggregates, toTwentyHistoryRecord } from '../domain/history.js';
import { twentyRecordId } from '../domain/ids.js';
import { erasedAmong } from './bulk-sync-records.js';
import type { ActivityDeps } from './context.js';
import { requireTwenty, isTwentyRejection } from './twenty-access.js';

const upsertAggregates = upsertPeopleMutation('UpsertAggregatesBatch');

/** Twenty's documented batch size: one request, one rate-limit token, up to 60 records. */
const batchSize = 60;

/** A batch Twenty refused as a whole: the batcher splits it until the customer at fault stands alone. */
export interface Rejected {
  rejected: true;
}

/**
 * The history records of live syncs, gathered across customers by the twentyPersonBatcher workflow after their
 * people: up to 60 records of one kind per createXRecords upsert, whoever they belong to, then every customer's
 * aggregates in one createPeople upsert. Like every Twenty activity, each makes at most ONE Twenty request. A
 * single customer's refusal is thrown (non-retryable, TwentyRejected), as the one-customer writes did.
 */
export function createTwentyHistoryBatchActivities({ db, twenty }: ActivityDeps) {
  return {
    /**
     * The customers' oldest unsynced ledger rows of one kind (the first kind that has any), as one upsert on their
     * deterministic ids; rows are marked synced only if unchanged since read. `more`: rows of these customers are
     * still waiting. `late`: customers with a late rental among the rows written. Erased customers are left out.
     */
    async writeTwentyHistoryOfBatch(input: { customerIds: string[] }): Promise<Rejected | { rejected?: false; written: number; late: string[]; more: boolean }> {
      const erased = await erasedAmong(db, input.customerIds);
      const customerIds = input.customerIds.filter((id) => !erased.has(id));
      if (customerIds.length === 0) return { written: 0, late: [], more: false };
      const rows = await db
        .select()
        .from(historyLedger)
        .where(and(inArray(historyLedger.customerId, customerIds), isNull(historyLedger.syncedAt)))
        .orderBy(asc(historyLedger.kind), asc(historyLedger.occurredOn), asc(historyLedger.kgcId))
        .limit(batchSize + 1);
      if (rows.length === 0) return { written: 0, late: [], more: false };
      const kind = rows[0]!.kind;
      const batch = rows.filter((r) => r.kind === kind).slice(0, batchSize);
      const object = historyObjectOf[kind];
      try {
        await requireTwenty(twenty).query(`mutation WriteHistoryBatch($data: [${object.input}!]!) { ${object.createMany}(data: $data, upsert: true) { id } }`, {
          data: batch.map((r) => toTwentyHistoryRecord(kind, r.kgcId, r.payload, twentyRecordId('person', r.customerId))),
        });
      } catch (err) {
        if (isTwentyRejection(err) && customerIds.length > 1) return { rejected: true };
        throw err;
      }
      await db.execute(sql`
        update history_ledger as h set synced_at = now()
        from (values ${sql.join(batch.map((r) => sql`(${r.kgcId}::text, ${r.updatedAt.toISOString()}::timestamptz)`), sql`, `)}) as v(kgc_id, updated_at)
        where h.kind = ${kind} and h.kgc_id = v.kgc_id and h.updated_at = v.updated_at`);
      const late = [...new Set(batch.filter((r) => r.late).map((r) => r.customerId))];
      return { written: batch.length, late, more: rows.length > batch.length };
    },

    /**
     * Recomputes each customer's aggregates from its synced ledger rows (never increments) and writes them as one
     * createPeople upsert of `{ id, aggregates }`: Twenty updates only the fields sent (upsert updates are partial)
     * and answers with the ids. `late` customers get paymentStatus LATE (a newly synced late rental). The batcher
     * asks only for customers whose person it has written or a sync has linked, so the upsert updates, it does not
     * create; like any person write it brings back a person trashed in Twenty.
     */
    async refreshTwentyAggregatesOfBatch(input: { customerIds: string[]; late: string[] }): Promise<Rejected | { rejected?: false }> {
      const erased = await erasedAmong(db, input.customerIds);
      const customerIds = input.customerIds.filter((id) => !erased.has(id));
      if (customerIds.length === 0) return {};
      const late = new Set(input.late);
      const aggregates = await personAggregates(db, customerIds, { syncedOnly: true });
      const data = customerIds.map((id) => ({
        id: twentyRecordId('person', id),
        ...toTwentyAggregates(aggregates.get(id)!),
        ...(late.has(id) ? { paymentStatus: 'LATE' } : {}),
      }));
      try {
        await requireTwenty(twenty).query(upsertAggregates, { data });
      } catch (err) {
        if (isTwentyRejection(err) && customerIds.length > 1) return { rejected: true };
        throw err;
      }
      return {};
    },
  };
}
