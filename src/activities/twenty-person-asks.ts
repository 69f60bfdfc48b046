import { Context } from '@temporalio/activity';
import { workflowIds } from '../contracts/workflow-ids.js';
import { personWriteWanted, type PersonWriteWanted } from '../contracts/workflow-messages.js';
import type { twentyPersonBatcher } from '../workflows/twenty-person-batcher.js';

/**
 * Hands a partnerSync's person write to its task queue's batcher workflow, starting the batcher if none runs
 * (a workflow cannot signal-with-start itself, so a local activity does it with the worker's client). Repeating
 * it only asks twice: the batcher answers both and partnerSync keeps the first answer.
 */
export function createTwentyPersonAskActivities() {
  return {
    async askTwentyPersonWrite(input: PersonWriteWanted & { taskQueue: string }): Promise<void> {
      const { taskQueue, ...ask } = input;
      await Context.current().client.workflow.signalWithStart<typeof twentyPersonBatcher, [PersonWriteWanted]>('twentyPersonBatcher', {
        workflowId: workflowIds.twentyPersonBatcher(taskQueue),
        taskQueue,
        args: [{}],
        signal: personWriteWanted,
        signalArgs: [ask],
      });
    },
  };
}
