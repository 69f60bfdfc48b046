import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../mapping/ids.js';
import { type partnerSync } from '../../workflows/partner-sync.js';
import type { Handoff } from './handoff.js';
import { partnerChanged, type PartnerChanged } from '../../contracts/workflow-messages.js';

/** customer.created / customer.updated: mark the partner dirty in its entity workflow, starting it if needed. */
export const partnerSyncHandoff: Handoff = async (temporal, taskQueue, event) => {
  const customerId = String(event.data.customer_id);
  const workflowId = workflowIds.partnerSync(customerId);
  await temporal.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
    workflowId,
    taskQueue,
    args: [{ customerId }],
    signal: partnerChanged,
    signalArgs: [{ eventType: event.type, eventId: event.eventId }],
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: customerId },
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
