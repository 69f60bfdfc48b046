import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { kgcCustomerIdKey, kgcEventTypeKey } from '../../contracts/search-attributes.js';
import { workflowIds } from '../../mapping/ids.js';
import type { gdprCascadeDelete } from '../../workflows/gdpr-cascade-delete.js';
import type { Handoff } from './handoff.js';

/**
 * customer.deleted: start the cascade once. A repeated delete joins the running one (USE_EXISTING); once it has
 * finished, the id is not reused and the finished run (and its certificate) stands.
 */
export const gdprDeleteHandoff: Handoff = async (temporal, taskQueue, event) => {
  const customerId = String(event.data.customer_id);
  const workflowId = workflowIds.gdprDelete(customerId);
  try {
    await temporal.workflow.start<typeof gdprCascadeDelete>('gdprCascadeDelete', {
      workflowId,
      taskQueue,
      args: [{ customerId, reason: String(event.data.gdpr_reason).slice(0, 200) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: kgcCustomerIdKey, value: customerId },
        { key: kgcEventTypeKey, value: event.type },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { workflowId };
};
