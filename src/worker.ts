import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, createTwentyActivities, type ActivityDeps } from './activities/index.js';
import { twentyTaskQueue } from './contracts/task-queues.js';

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  twentyRequestsPerMinute: number;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per file); without it the worker bundles `workflowsPath` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * The main worker (workflows and most activities) and the Twenty worker, whose task queue carries the
 * server-side rate limit TWENTY_REQUESTS_PER_MINUTE: Temporal paces the calls, no sleeps in our code.
 */
export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const { connection, namespace, taskQueue, deps } = setup;
  const code = setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath };
  const main = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...code,
    activities: createActivities(deps),
    maxConcurrentActivityTaskExecutions: 50,
    maxConcurrentWorkflowTaskExecutions: 40,
    shutdownGraceTime: '10s',
  });
  const twenty = await Worker.create({
    connection,
    namespace,
    taskQueue: twentyTaskQueue(taskQueue),
    activities: createTwentyActivities(deps),
    maxConcurrentActivityTaskExecutions: 10,
    maxTaskQueueActivitiesPerSecond: setup.twentyRequestsPerMinute / 60,
    shutdownGraceTime: '10s',
  });
  return [main, twenty];
}
