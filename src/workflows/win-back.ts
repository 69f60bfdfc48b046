import type { SendCustomerEmailResult } from '../activities/email.js';
import { mainActivities, profiles } from './activity-profiles.js';

export interface WinBackResult {
  customerId: string;
  outcome: 'send' | 'active_again' | 'erased';
  email?: SendCustomerEmailResult['status'];
  reason?: string;
}

const { planWinBack } = mainActivities(profiles.sync);
const { sendCustomerEmail } = mainActivities(profiles.email);

/**
 * `win-back/<customer_id>/<period>`, started by the daily sweep: "Hiányzik! Íme 10% kedvezmény következő
 * bérlésre", once per inactive period (the period is named by its last rental's end, `lastRentalOn`: the date, or
 * the time when KGC gave one; a new rental ends it).
 */
export async function winBack(input: { customerId: string; lastRentalOn: string }): Promise<WinBackResult> {
  const plan = await planWinBack(input);
  if (plan.outcome !== 'send') return { customerId: input.customerId, outcome: plan.outcome };
  const sent = await sendCustomerEmail({ kind: 'win_back', subjectId: plan.subjectId, customerId: input.customerId });
  return { customerId: input.customerId, outcome: 'send', email: sent.status, ...(sent.reason ? { reason: sent.reason } : {}) };
}
