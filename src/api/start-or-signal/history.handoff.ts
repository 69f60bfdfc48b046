import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { upsertLedgerEntries } from '../../db/history-ledger.js';
import { toLedgerEntry, type HistoryEvent } from '../../domain/history.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { type partnerSync } from '../../workflows/partner-sync.js';
import { coalescedSignal } from './coalesced-signal.js';
import type { Handoff } from './handoff.js';
import { historyChanged, type PartnerChanged } from '../../contracts/workflow-messages.js';

/**
 * rental.completed / service.completed / order.delivered: the record goes into the history ledger (upsert on the
 * KGC id, so a repeat changes nothing), then the partner's workflow is told, so all writes for one partner stay
 * serialised and the workflow history carries ids only.
 */
export async function historyHandoff<E extends HistoryEvent>(...[temporal, taskQueue, event, db]: Parameters<Handoff<E>>): ReturnType<Handoff<E>> {
  const entry = toLedgerEntry[event.type](event.data);
  await upsertLedgerEntries(db, [entry]);
  const workflowId = workflowIds.partnerSync(entry.customerId);
  await coalescedSignal(temporal, workflowId, historyChanged.name, () =>
    temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
      workflowId,
      taskQueue,
      args: [{ customerId: entry.customerId }],
      signal: historyChanged,
      signalArgs: [{ eventType: event.type, eventId: event.eventId }],
      typedSearchAttributes: [
        { key: kgcCustomerIdKey, value: entry.customerId },
        { key: kgcEventTypeKey, value: event.type },
      ],
    }),
  );
  return { workflowId };
}
