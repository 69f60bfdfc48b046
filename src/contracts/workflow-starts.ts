import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/** How the service starts a business workflow: join the run in progress, never start a second one. */
export const startOnceOptions = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as const;

/**
 * Starts a workflow, or finds it started: business ids make a repeated start the same workflow, so "already
 * started" is the answer a repeat deserves, not an error. True when this call started it.
 */
export async function startOnce<T extends Workflow>(client: Client, workflowType: string, options: WorkflowStartOptions<T>): Promise<boolean> {
  try {
    await client.workflow.start<T>(workflowType, options);
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
