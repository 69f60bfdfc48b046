import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SendCustomerEmailResult } from '../activities/email.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { mainActivities, profiles } from './activity-profiles.js';

export interface RepairDoneEmailResult {
  worklogId: string;
  status: SendCustomerEmailResult['status'];
  reason?: string;
}

const { resolveCampaignCustomer, sendCustomerEmail } = mainActivities(profiles.email);

/** `repair-done-email/<worklog_id>`: "Gépét megjavítottuk, átvehető", once per worklog. */
export async function repairDoneEmail({ worklogId }: { worklogId: string }): Promise<RepairDoneEmailResult> {
  const who = await resolveCampaignCustomer({ campaign: 'repair-done', subjectId: worklogId });
  if (who.outcome !== 'resolved' || !who.customerId) return { worklogId, status: 'skipped', reason: who.outcome };
  upsertSearchAttributes([{ key: kgcCustomerIdKey, value: who.customerId }]);
  const sent = await sendCustomerEmail({ kind: 'repair_done', subjectId: worklogId, customerId: who.customerId });
  return { worklogId, status: sent.status, ...(sent.reason ? { reason: sent.reason } : {}) };
}
