import { upsertLedgerEntries } from '../../db/history-ledger.js';
import { toLedgerEntry, type HistoryEvent } from '../../domain/history.js';
import type { Handoff } from './handoff.js';
import { startPartnerSync } from './partner-sync.handoff.js';
import { historyChanged } from '../../contracts/workflow-messages.js';

/**
 * rental.completed / service.completed / order.delivered: the record goes into the history ledger (upsert on the
 * KGC id, so a repeat changes nothing), then the partner's workflow is told, so all writes for one partner stay
 * serialised and the workflow history carries ids only.
 */
export async function historyHandoff<E extends HistoryEvent>(...[temporal, taskQueue, event, db]: Parameters<Handoff<E>>): ReturnType<Handoff<E>> {
  const entry = toLedgerEntry[event.type](event.data);
  await upsertLedgerEntries(db, [entry]);
  return startPartnerSync(temporal, taskQueue, { customerId: entry.customerId, eventType: event.type, eventId: event.eventId }, historyChanged);
}
