import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, createChatwootBulkActivities, createTwentyActivities, createTwentyBulkActivities, createTwentyErasureActivities, createTwentyPaymentStatusActivities, type ActivityDeps } from './activities/index.js';
import { sanitiseFailures } from './activities/failure-interceptor.js';
import { heartbeatWhileRunning } from './activities/heartbeat-interceptor.js';
import { chatwootBulkTaskQueue, twentyBulkTaskQueue, twentyTaskQueue } from './contracts/task-queues.js';

/** Next to this file both when run from source (tsx) and compiled (`npm run build`, dist/). */
export const workflowsPath = fileURLToPath(new URL(`./workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  twentyRequestsPerMinute: number;
  /** initialBulkSync's rate limits: its share of the Twenty limit, and Chatwoot requests per minute. */
  bulkSync?: { twentyShare: number; chatwootRequestsPerMinute: number };
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
  const sanitised = { activity: [sanitiseFailures] };
  const main = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...code,
    activities: createActivities(deps),
    interceptors: sanitised,
    maxConcurrentActivityTaskExecutions: 50,
    maxConcurrentWorkflowTaskExecutions: 40,
    // The SDK derives the cache from the heap limit, which gives 10 under the default 128 MiB cap
    // (scripts/run-compiled.sh): too few for entity workflows. Ours keep small state.
    maxCachedWorkflows: 250,
    shutdownGraceTime: '10s',
  });
  const twenty = await Worker.create({
    connection,
    namespace,
    taskQueue: twentyTaskQueue(taskQueue),
    activities: { ...createTwentyActivities(deps), ...createTwentyPaymentStatusActivities(deps), ...createTwentyErasureActivities(deps) },
    interceptors: sanitised,
    maxConcurrentActivityTaskExecutions: 10,
    maxTaskQueueActivitiesPerSecond: setup.twentyRequestsPerMinute / 60,
    shutdownGraceTime: '10s',
  });
  const bulk = setup.bulkSync ?? { twentyShare: 0.9, chatwootRequestsPerMinute: 1500 };
  // initialBulkSync gives these activities a short heartbeatTimeout: a killed worker costs seconds, not minutes.
  // The first interceptor is the outermost: failures are sanitised whatever the heartbeat interceptor lets through.
  const interceptors = { activity: [sanitiseFailures, heartbeatWhileRunning(2_000)] };
  // A bulk sync gets its own queues: live partnerSync calls never wait behind thousands of batches.
  const twentyBulk = await Worker.create({
    connection,
    namespace,
    taskQueue: twentyBulkTaskQueue(taskQueue),
    activities: createTwentyBulkActivities(deps),
    interceptors,
    maxConcurrentActivityTaskExecutions: 6,
    maxTaskQueueActivitiesPerSecond: (setup.twentyRequestsPerMinute * bulk.twentyShare) / 60,
    shutdownGraceTime: '10s',
  });
  // One contact page (60 contacts) costs about 60 Chatwoot requests.
  const chatwootBulk = await Worker.create({
    connection,
    namespace,
    taskQueue: chatwootBulkTaskQueue(taskQueue),
    activities: createChatwootBulkActivities(deps),
    interceptors,
    maxConcurrentActivityTaskExecutions: 2,
    maxTaskQueueActivitiesPerSecond: bulk.chatwootRequestsPerMinute / 60 / 60,
    shutdownGraceTime: '10s',
  });
  return [main, twenty, twentyBulk, chatwootBulk];
}
