import { upsertSearchAttributes } from '@temporalio/workflow';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { mainActivities, profiles } from './activity-profiles.js';

export interface CustomerNotificationInput {
  /** Idempotency key of the stored notification, `<event>:<kgc id>`. */
  key: string;
}
export type CustomerNotificationResult =
  | { status: 'sent'; conversationId: string; messageId: string }
  | { status: 'skipped'; reason: string };

const { getModuleStates, resolveNotificationCustomer, upsertChatwootContact, sendChatwootNotification, markNotificationSkipped } =
  mainActivities(profiles.sync);

/**
 * Tells a customer about a service, order or rental event in Chatwoot:
 * find the customer (by id, or by phone through KGC), make sure the Chatwoot contact exists, post once.
 */
export async function customerNotification({ key }: CustomerNotificationInput): Promise<CustomerNotificationResult> {
  if (!(await getModuleStates()).support) {
    await markNotificationSkipped({ key, reason: 'support module off' });
    return { status: 'skipped', reason: 'support module off' };
  }

  const who = await resolveNotificationCustomer({ key });
  if (who.outcome !== 'resolved' || !who.customerId) return { status: 'skipped', reason: who.outcome };
  upsertSearchAttributes([{ key: kgcCustomerIdKey, value: who.customerId }]);

  const contact = await upsertChatwootContact({ customerId: who.customerId });
  if (contact.customerGone || !contact.contactId) {
    await markNotificationSkipped({ key, reason: 'customer not found in KGC' });
    return { status: 'skipped', reason: 'customer not found in KGC' };
  }

  const sent = await sendChatwootNotification({ key, contactId: contact.contactId });
  return { status: 'sent', ...sent };
}
