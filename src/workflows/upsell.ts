import type { SendCustomerEmailResult } from '../activities/email.js';
import { mainActivities, profiles } from './activity-profiles.js';
import { attemptUntilCapAllows } from './frequency-cap-wait.js';

export interface UpsellResult {
  customerId: string;
  month: string;
  outcome: 'send' | 'too_few_rentals' | 'sent_recently' | 'erased';
  email?: SendCustomerEmailResult['status'];
  reason?: string;
}

const { planUpsell } = mainActivities(profiles.sync);
const { sendCustomerEmail } = mainActivities(profiles.email);

/**
 * `upsell/<customer_id>/<YYYY-MM>`, started by the rental.completed that makes the Budapest month's fourth
 * completed rental: "Gyakori bérlő? Vegye meg 15% kedvezménnyel!" naming the machine rented most, at most once
 * per customer in 90 days. Held back by the frequency cap, it waits for the cap's window to end and is planned
 * again, so an upsell another month sent meanwhile still counts.
 */
export async function upsell({ customerId, month }: { customerId: string; month: string }): Promise<UpsellResult> {
  const result = await attemptUntilCapAllows(async (capWait): Promise<UpsellResult & { retryAt?: string }> => {
    const plan = await planUpsell({ customerId, month });
    if (plan.outcome !== 'send') return { customerId, month, outcome: plan.outcome };
    const sent = await sendCustomerEmail({ kind: 'upsell', subjectId: plan.subjectId, customerId, ...(capWait ? { capWait } : {}) });
    return { customerId, month, outcome: 'send', email: sent.status, ...(sent.reason ? { reason: sent.reason } : {}), ...(sent.retryAt ? { retryAt: sent.retryAt } : {}) };
  });
  const { retryAt: _, ...decided } = result;
  return decided;
}
