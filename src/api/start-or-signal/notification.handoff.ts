import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { customerNotifications } from '../../db/schema.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { notificationSubject, type NotificationEvent } from '../../templates/notifications.js';
import type { customerNotification } from '../../workflows/customer-notification.js';
import type { Handoff } from './handoff.js';
import { startOnce, startOnceOptions } from '../../contracts/workflow-starts.js';

/**
 * Support events that tell the customer something (docs/kgc-contract.md#events): the event's data goes to Postgres under its
 * idempotency key, then one `notify/<event>/<kgc id>` workflow sends it; a repeat joins or finds that workflow.
 */
export const notificationHandoff: Handoff<NotificationEvent> = async (temporal, taskQueue, event, db) => {
  const key = `${event.type}:${notificationSubject(event.data)}`;
  const customerId = event.data.customer_id ?? null;
  await db.insert(customerNotifications).values({ key, eventType: event.type, customerId, payload: event.data, status: 'pending' }).onConflictDoNothing();
  const workflowId = workflowIds.notification(event.type, notificationSubject(event.data));
  await startOnce<typeof customerNotification>(temporal, 'customerNotification', {
    workflowId,
    taskQueue,
    args: [{ key }],
    ...startOnceOptions,
    typedSearchAttributes: [
      ...(customerId ? [{ key: kgcCustomerIdKey, value: customerId }] : []),
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
