import { sql } from 'drizzle-orm';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { historyLedger } from '../../db/schema.js';
import { toLedgerEntry } from '../../mapping/history.js';
import { workflowIds } from '../../mapping/ids.js';
import { type partnerSync } from '../../workflows/partner-sync.js';
import type { Handoff } from './handoff.js';
import { historyChanged, type PartnerChanged } from '../../contracts/workflow-messages.js';

type HistoryEvent = 'rental.completed' | 'service.completed' | 'order.delivered';

/**
 * rental.completed / service.completed / order.delivered: the record goes into the history ledger (upsert on the
 * KGC id, so a repeat changes nothing), then the partner's workflow is told, so all writes for one partner stay
 * serialised and the workflow history carries ids only.
 */
export const historyHandoff: Handoff = async (temporal, taskQueue, event, db) => {
  const entry = toLedgerEntry[event.type as HistoryEvent](event.data as never);
  // Millisecond precision on purpose: the sync marks a row synced only if it is unchanged since it was read.
  const now = new Date();
  await db
    .insert(historyLedger)
    .values({ ...entry, updatedAt: now })
    .onConflictDoUpdate({
      target: [historyLedger.kind, historyLedger.kgcId],
      set: {
        customerId: entry.customerId,
        amountHuf: entry.amountHuf,
        occurredOn: entry.occurredOn,
        late: entry.late,
        payload: entry.payload,
        updatedAt: now,
        syncedAt: sql`case when ${historyLedger.payload} = excluded.payload then ${historyLedger.syncedAt} else null end`,
      },
    });
  const workflowId = workflowIds.partnerSync(entry.customerId);
  await temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
    workflowId,
    taskQueue,
    args: [{ customerId: entry.customerId }],
    signal: historyChanged,
    signalArgs: [{ eventType: event.type, eventId: event.eventId }],
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: entry.customerId },
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
