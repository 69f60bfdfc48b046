import { and, eq } from 'drizzle-orm';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import { startOnce, startOnceOptions } from '../../contracts/workflow-starts.js';
import { chatWorklogs } from '../../db/schema.js';
import type { worklogStatus } from '../../workflows/worklog-status.js';
import type { Handoff } from './handoff.js';
import { notificationHandoff } from './notification.handoff.js';

/**
 * worklog.status_changed: into the conversation the worklog came from (KGC names it, or we opened the worklog from
 * one), as `worklog-status/<worklog id>/<status>`; a worklog without one goes the way of every customer
 * notification (`notify/worklog.status_changed/<worklog id>:<status>`).
 */
export const worklogStatusHandoff: Handoff<'worklog.status_changed'> = async (temporal, taskQueue, event, db) => {
  const d = event.data;
  const [ours] = d.chatwoot_conversation_id
    ? []
    : await db.select({ conversationId: chatWorklogs.conversationId }).from(chatWorklogs).where(and(eq(chatWorklogs.worklogId, d.worklog_id), eq(chatWorklogs.status, 'opened')));
  const conversationId = d.chatwoot_conversation_id ?? ours?.conversationId;
  if (!conversationId) return notificationHandoff(temporal, taskQueue, event, db);
  const workflowId = workflowIds.worklogStatus(d.worklog_id, d.status);
  await startOnce<typeof worklogStatus>(temporal, 'worklogStatus', {
    workflowId,
    taskQueue,
    args: [{ worklogId: d.worklog_id, status: d.status, statusHu: d.status_hu, estimatedCompletion: d.estimated_completion ?? null, conversationId }],
    ...startOnceOptions,
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: d.customer_id },
      { key: kgcEventTypeKey, value: event.type },
    ],
  });
  return { workflowId };
};
