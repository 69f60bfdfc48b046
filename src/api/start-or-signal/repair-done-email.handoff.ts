import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { emailCampaignSubjects } from '../../db/schema.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import type { repairDoneEmail } from '../../workflows/repair-done-email.js';
import type { Handoff } from './handoff.js';
import { startOnce, startOnceOptions } from '../../contracts/workflow-starts.js';

/**
 * service.repair_done: the "Gépét megjavítottuk, átvehető" email, once per worklog (`repair-done-email/<worklog_id>`).
 * The Chatwoot message for the same event is a separate workflow beside this one.
 */
export const repairDoneEmailHandoff: Handoff<'service.repair_done'> = async (temporal, taskQueue, event, db) => {
  const d = event.data;
  const details: Record<string, string> = {};
  if (d.machine_type) details.machine_type = d.machine_type;
  if (d.pickup_info) details.pickup_info = d.pickup_info;
  await db
    .insert(emailCampaignSubjects)
    .values({ campaign: 'repair-done', subjectId: d.worklog_id, customerId: d.customer_id, customerPhone: d.customer_id ? null : d.customer_phone, details })
    .onConflictDoNothing();
  const workflowId = workflowIds.repairDoneEmail(d.worklog_id);
  await startOnce<typeof repairDoneEmail>(temporal, 'repairDoneEmail', {
    workflowId,
    taskQueue,
    args: [{ worklogId: d.worklog_id }],
    ...startOnceOptions,
    typedSearchAttributes: [
      ...(d.customer_id ? [{ key: kgcCustomerIdKey, value: d.customer_id }] : []),
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
