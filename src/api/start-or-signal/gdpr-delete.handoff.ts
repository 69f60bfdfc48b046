import type { Client } from '@temporalio/client';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { erasureReasonCode } from '../../domain/erasure.js';
import { workflowIds } from '../../contracts/workflow-ids.js';
import type { gdprCascadeDelete } from '../../workflows/gdpr-cascade-delete.js';
import type { Handoff } from './handoff.js';
import { startOnce } from '../../contracts/workflow-starts.js';

/**
 * Starts `gdpr-delete/<customer id>`, or joins the run in progress. Once a run has ended, the next start is a new
 * run of the same id that does only the steps not yet done, so a repeated delete or the operator's retry finishes
 * an incomplete erasure (and finds a complete one complete).
 */
export async function startErasure(temporal: Client, taskQueue: string, customerId: string, reasonCode: string): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.gdprDelete(customerId);
  await startOnce<typeof gdprCascadeDelete>(temporal, 'gdprCascadeDelete', {
    workflowId,
    taskQueue,
    args: [{ customerId, reasonCode }],
    // Unlike other workflows, an ended erasure may run again: the new run does what the last one could not.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: kgcCustomerIdKey, value: customerId },
      { key: kgcEventTypeKey, value: 'customer.deleted' },
    ],
  });
  return { workflowId };
}

/** customer.deleted: KGC's free-text reason stays here; the workflow gets a reason code. */
export const gdprDeleteHandoff: Handoff<'customer.deleted'> = async (temporal, taskQueue, event) =>
  startErasure(temporal, taskQueue, event.data.customer_id, erasureReasonCode(event.data.gdpr_reason));
