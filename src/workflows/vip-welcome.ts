import type { SendCustomerEmailResult } from '../activities/email.js';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';

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
 * (the link keeps the moment, the email's key its one send).
 */
export async function vipWelcome({ customerId }: { customerId: string }): Promise<VipWelcomeResult> {
  const status = await claimVipStatus({ customerId });
  if (status.outcome !== 'vip') return { customerId, outcome: status.outcome };
  let twenty: VipWelcomeResult['twenty'] = 'crm_off';
  if ((await getModuleStates()).crm) {
    await twentyActivities(profiles.sync).markTwentyVip({ customerId });
    twenty = 'updated';
  }
  const sent = await sendCustomerEmail({ kind: 'vip_welcome', subjectId: customerId, customerId });
  return { customerId, outcome: 'vip', twenty, email: sent.status, ...(sent.reason ? { reason: sent.reason } : {}) };
}
