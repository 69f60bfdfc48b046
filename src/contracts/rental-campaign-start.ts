import { kgcCustomerIdKey, kgcEventTypeKey } from './search-attributes.js';
import { workflowIds } from './workflow-ids.js';

/**
 * How every `rental-expiry/<rental_id>` run is started, by the intake (rental.started) and by the daily sweep alike.
 * A finished campaign is never restarted (REJECT_DUPLICATE): its reminder and late notice already went out.
 */
export function rentalCampaignStart(args: { rentalId: string; customerId?: string; eventType: string; taskQueue: string }) {
  return {
    workflowId: workflowIds.rentalExpiry(args.rentalId),
    taskQueue: args.taskQueue,
    args: [{ rentalId: args.rentalId }] as [{ rentalId: string }],
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [
      ...(args.customerId ? [{ key: kgcCustomerIdKey, value: args.customerId }] : []),
      { key: kgcEventTypeKey, value: args.eventType },
    ],
  };
}
