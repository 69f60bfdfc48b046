import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RentalPlan } from '../activities/email-campaigns.js';
import type { SendCustomerEmailResult } from '../activities/email.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';
import { rentalChanged, rentalClosed, type RentalExpiryStatus, rentalExpiryStatus } from '../contracts/workflow-messages.js';

export interface RentalExpiryInput {
  rentalId: string;
}
export interface RentalExpiryResult {
  rentalId: string;
  outcome: 'returned' | 'ended_early' | 'late' | 'unknown_rental' | 'unknown_customer' | 'erased';
  reminder?: SendCustomerEmailResult['status'];
  lateNotice?: SendCustomerEmailResult['status'];
  markedLate?: boolean;
}


const { resolveCampaignCustomer, planRentalCampaign, sendCustomerEmail, getModuleStates } = mainActivities(profiles.email);

/**
 * `rental-expiry/<rental_id>`: a durable timer until the reminder moment (the day before rental_end,
 * 10:00 Europe/Budapest by default), a fresh look at the rental in KGC, the reminder if it is still out; then a
 * timer until it is due, and if it is still out the late notice and LATE in Twenty. Ids and dates only.
 */
export async function rentalExpiryCampaign({ rentalId }: RentalExpiryInput): Promise<RentalExpiryResult> {
  const twenty = twentyActivities(profiles.sync);
  let changed = false;
  let closed = false;
  const status: RentalExpiryStatus = { phase: 'waiting_to_remind' };
  setHandler(rentalChanged, () => {
    changed = true;
  });
  setHandler(rentalClosed, () => {
    closed = true;
  });
  setHandler(rentalExpiryStatus, () => status);

  const finish = (result: Omit<RentalExpiryResult, 'rentalId' | 'reminder'>): RentalExpiryResult => {
    status.phase = 'done';
    return { rentalId, reminder: status.reminder, ...result };
  };

  const who = await resolveCampaignCustomer({ campaign: 'rental-expiry', subjectId: rentalId });
  if (who.outcome !== 'resolved' || !who.customerId) return finish({ outcome: who.outcome === 'erased' ? 'erased' : 'unknown_customer' });
  const customerId = who.customerId;
  upsertSearchAttributes([{ key: kgcCustomerIdKey, value: customerId }]);

  let plan: RentalPlan = await planRentalCampaign({ rentalId });
  // The rental_end a reminder went out for: an extension gets a reminder of its own.
  let remindedFor: string | undefined;
  for (;;) {
    if (closed) return finish({ outcome: 'ended_early' });
    if (plan.state === 'returned') return finish({ outcome: 'returned' });
    if (plan.state === 'unknown_rental') return finish({ outcome: 'unknown_rental' });
    const rentalEnd = plan.rentalEnd!;
    // A campaign that starts after the rental is already due sends no "expires tomorrow" email.
    const remind = remindedFor !== rentalEnd && Date.now() < plan.dueAt!;
    const at = remind ? plan.remindAt! : plan.lateCheckAt!;
    Object.assign(status, { phase: remind ? 'waiting_to_remind' : 'waiting_for_return', rentalEnd, nextAt: at });

    if (at > Date.now()) {
      const interrupted = await condition(() => changed || closed, at - Date.now());
      if (closed) return finish({ outcome: 'ended_early' });
      changed = false;
      // KGC is the master: whatever woke us, act on the rental as it is now.
      const fresh = await planRentalCampaign({ rentalId });
      const moved = fresh.rentalEnd !== rentalEnd;
      plan = fresh;
      if (interrupted || moved || fresh.state !== 'out') continue;
    }

    if (remind) {
      status.reminder = (await sendCustomerEmail({ kind: 'rental_reminder', subjectId: rentalId, customerId, rentalEnd })).status;
      remindedFor = rentalEnd;
      continue;
    }
    const lateNotice = (await sendCustomerEmail({ kind: 'rental_late_notice', subjectId: rentalId, customerId, rentalEnd })).status;
    const markedLate = (await getModuleStates()).crm ? (await twenty.markTwentyPaymentLate({ customerId, rentalId })).updated : false;
    return finish({ outcome: 'late', lateNotice, markedLate });
  }
}
