import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { startOnce, startOnceOptions } from '../../contracts/workflow-starts.js';
import { ledgerRentalCount, vipSinceOf } from '../../db/lifecycle-ledger.js';
import { vipRentalThreshold } from '../../domain/lifecycle-campaigns.js';
import type { vipWelcome } from '../../workflows/vip-welcome.js';
import type { Handoff } from './handoff.js';

/**
 * rental.completed, after the ledger has it: the rental that brings the customer to ten starts
 * `vip-welcome/<customer_id>`; a customer already a VIP, or below ten, starts nothing.
 */
export const vipWelcomeHandoff: Handoff<'rental.completed'> = async (temporal, taskQueue, event, db) => {
  const customerId = event.data.customer_id;
  const workflowId = workflowIds.vipWelcome(customerId);
  if ((await vipSinceOf(db, customerId)) || (await ledgerRentalCount(db, customerId)) < vipRentalThreshold) return { workflowId };
  await startOnce<typeof vipWelcome>(temporal, 'vipWelcome', {
    workflowId,
    taskQueue,
    args: [{ customerId }],
    ...startOnceOptions,
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: customerId },
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
