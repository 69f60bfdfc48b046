import type { SendCustomerEmailResult } from '../activities/email.js';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';
import { attemptUntilCapAllows } from './frequency-cap-wait.js';

export interface VipWelcomeResult {
  customerId: string;
  outcome: 'vip' | 'below_threshold' | 'erased';
  twenty?: 'updated' | 'crm_off';
  email?: SendCustomerEmailResult['status'];
  reason?: string;
}

const { claimVipStatus, getModuleStates } = mainActivities(profiles.sync);
const { sendCustomerEmail } = mainActivities(profiles.email);

/**
 * `vip-welcome/<customer_id>`, started by the rental.completed that brings the customer's completed rentals to ten:
 * `vipSince` on the Twenty person and "Köszönjük hűségét! VIP státusz – 10% kedvezmény", once per customer, ever
 * (the link keeps the moment, the email's key its one send). Held back by the frequency cap, the email waits for
 * the cap's window to end, as there is no later chance to welcome the customer.
 */
export async function vipWelcome({ customerId }: { customerId: string }): Promise<VipWelcomeResult> {
  const status = await claimVipStatus({ customerId });
  if (status.outcome !== 'vip') return { customerId, outcome: status.outcome };
  let twenty: VipWelcomeResult['twenty'] = 'crm_off';
  if ((await getModuleStates()).crm) {
    await twentyActivities(profiles.sync).markTwentyVip({ customerId });
    twenty = 'updated';
  }
  const sent = await attemptUntilCapAllows((capWait) => sendCustomerEmail({ kind: 'vip_welcome', subjectId: customerId, customerId, ...(capWait ? { capWait } : {}) }));
  return { customerId, outcome: 'vip', twenty, email: sent.status, ...(sent.reason ? { reason: sent.reason } : {}) };
}
