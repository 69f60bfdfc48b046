import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities, createChatwootBulkActivities, createTwentyActivities, createTwentyBulkActivities, createTwentyCampaignActivities, createTwentyErasureActivities, createTwentyOpportunityActivities, createTwentyPaymentStatusActivities, createTwentyPersonBatchActivities, createTwentyHistoryBatchActivities, type ActivityDeps } from './activities/index.js';
import { sanitiseFailures } from './activities/failure-interceptor.js';
import { heartbeatWhileRunning } from './activities/heartbeat-interceptor.js';
import { chatwootBulkTaskQueue, twentyTaskQueue } from './contracts/task-queues.js';

/** Next to this file both when run from source (tsx) and compiled (`npm run build`, dist/). */
export const workflowsPath = fileURLToPath(new URL(`./workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** TWENTY_REQUESTS_PER_MINUTE, TWENTY_PACING_SHARE, TWENTY_WORKER_PROCESSES. */
  twenty: { requestsPerMinute: number; pacingShare: number; workerProcesses: number };
  /** WORKER_MAX_CACHED_WORKFLOWS (default 250). */
  maxCachedWorkflows?: number;
  /** BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE. */
  bulkSync?: { chatwootRequestsPerMinute: number };
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per file); without it the worker bundles `workflowsPath` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/**
 * The main worker (workflows and most activities), the Twenty worker and initialBulkSync's Chatwoot worker.
 * Live and bulk Twenty calls share one task queue and so one budget, TWENTY_REQUESTS_PER_MINUTE: Twenty keeps one
 * token bucket per workspace. Each Twenty activity makes one request, so pacing activities paces requests.
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
    maxCachedWorkflows: setup.maxCachedWorkflows ?? 250,
    shutdownGraceTime: '10s',
  });
  // initialBulkSync gives its activities a short heartbeatTimeout: a killed worker costs seconds, not minutes.
  // The first interceptor is the outermost: failures are sanitised whatever the heartbeat interceptor lets through.
  const interceptors = { activity: [sanitiseFailures, heartbeatWhileRunning(2_000)] };
  // The worker's own limiter, not the task queue's: the server splits a queue's limit across its partitions (four
  // by default), and four quarter-rate streams bunch up against Twenty's bucket, which floors its refill and
  // restarts the refill clock on every take. The worker's limiter spaces its polls evenly at the pacing share. Two
  // polls at a time, not the default ten: an idle worker's open polls are all filled at once when work arrives,
  // which is a burst above the pace; one poll alone waits out each round trip to the server (0.91 of the budget
  // with the default four partitions against 0.96 with two polls).
  // Live calls outrank bulk batches by priority (contracts/task-queues.ts), so webhooks keep flowing during a sync.
  const { requestsPerMinute, pacingShare, workerProcesses } = setup.twenty;
  const twenty = await Worker.create({
    connection,
    namespace,
    taskQueue: twentyTaskQueue(taskQueue),
    activities: {
      ...createTwentyActivities(deps),
      ...createTwentyPaymentStatusActivities(deps),
      ...createTwentyErasureActivities(deps),
      ...createTwentyOpportunityActivities(deps),
      ...createTwentyBulkActivities(deps),
      ...createTwentyPersonBatchActivities(deps),
      ...createTwentyHistoryBatchActivities(deps),
      ...createTwentyCampaignActivities(deps),
    },
    interceptors,
    maxConcurrentActivityTaskExecutions: 10,
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 },
    maxActivitiesPerSecond: (requestsPerMinute * pacingShare) / workerProcesses / 60,
    shutdownGraceTime: '10s',
  });
  const bulk = setup.bulkSync ?? { chatwootRequestsPerMinute: 1500 };
  // One contact page (60 contacts) costs about 60 Chatwoot requests.
  const chatwootBulk = await Worker.create({
    connection,
    namespace,
    taskQueue: chatwootBulkTaskQueue(taskQueue),
    activities: createChatwootBulkActivities(deps),
    interceptors,
    maxConcurrentActivityTaskExecutions: 2,
    maxActivitiesPerSecond: bulk.chatwootRequestsPerMinute / 60 / 60,
    shutdownGraceTime: '10s',
  });
  return [main, twenty, chatwootBulk];
}
