import type { Client } from '@temporalio/client';
import type { KgcEventType } from '../../contracts/kgc-events.js';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { type partnerSync } from '../../workflows/partner-sync.js';
import { coalescedSignal } from './coalesced-signal.js';
import type { Handoff } from './handoff.js';
import { historyChanged, partnerChanged, type PartnerChanged } from '../../contracts/workflow-messages.js';

/**
 * Marks the partner dirty in its entity workflow, starting it if needed: for KGC's events and the admin's resync
 * (`partnerChanged`), and for its history records (`historyChanged`, history.handoff.ts).
 */
export async function startPartnerSync(
  temporal: Client,
  taskQueue: string,
  event: { customerId: string; eventType: KgcEventType; eventId: string },
  signal: typeof partnerChanged | typeof historyChanged = partnerChanged,
): Promise<{ workflowId: string }> {
  const { customerId } = event;
  const workflowId = workflowIds.partnerSync(customerId);
  await coalescedSignal(temporal, workflowId, signal.name, () =>
    temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
      workflowId,
      taskQueue,
      args: [{ customerId }],
      signal,
      signalArgs: [{ eventType: event.eventType, eventId: event.eventId }],
      typedSearchAttributes: [
        { key: kgcCustomerIdKey, value: customerId },
        { key: kgcEventTypeKey, value: event.eventType },
      ],
    }),
  );
  return { workflowId };
}

/** customer.created / customer.updated. */
export const partnerSyncHandoff: Handoff<'customer.created' | 'customer.updated'> = async (temporal, taskQueue, event) =>
  startPartnerSync(temporal, taskQueue, { customerId: event.data.customer_id, eventType: event.type, eventId: event.eventId });
