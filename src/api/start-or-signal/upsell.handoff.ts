import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { startOnce, startOnceOptions } from '../../contracts/workflow-starts.js';
import { rentalsEndedInMonth } from '../../db/lifecycle-ledger.js';
import { budapestMonth, upsellMonthlyRentals } from '../../domain/lifecycle-campaigns.js';
import type { upsell } from '../../workflows/upsell.js';
import type { Handoff } from './handoff.js';

/**
 * rental.completed, after the ledger has it: once the rental's Budapest month holds more than three of the
 * customer's completed rentals, `upsell/<customer_id>/<month>` (one per month; the workflow keeps the 90 days).
 */
export const upsellHandoff: Handoff<'rental.completed'> = async (temporal, taskQueue, event, db) => {
  const { customer_id: customerId, rental_end: rentalEnd } = event.data;
  const month = budapestMonth(rentalEnd);
  const workflowId = workflowIds.upsell(customerId, month);
  if ((await rentalsEndedInMonth(db, customerId, month)).length <= upsellMonthlyRentals) return { workflowId };
  await startOnce<typeof upsell>(temporal, 'upsell', {
    workflowId,
    taskQueue,
    args: [{ customerId, month }],
    ...startOnceOptions,
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: customerId },
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
