import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { upsertLedgerEntries } from '../../db/history-ledger.js';
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
  await upsertLedgerEntries(db, [entry]);
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
