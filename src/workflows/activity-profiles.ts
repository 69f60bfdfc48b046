import type { Priority } from '@temporalio/common';
import { proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type {
  BulkSyncActivities,
  ChatwootBulkActivities,
  MainActivities,
  TwentyActivities,
  TwentyBulkActivities,
  TwentyCampaignActivities,
  TwentyErasureActivities,
  TwentyOpportunityActivities,
  TwentyPaymentStatusActivities,
  TwentyPersonBatchActivities,
  TwentyHistoryBatchActivities,
} from '../activities/index.js';
import { nonRetryableErrorTypes, setupErrorType } from '../clients/errors.js';
import { bulkTwentyPriority, chatwootBulkTaskQueue, liveTwentyPriority, twentyTaskQueue } from '../contracts/task-queues.js';

/**
 * Every activity's timeouts and retries, named by the kind of work (as Stripe's `workflows/_shared.ts`): a
 * workflow picks the profile that says what its call does and never writes numbers of its own. Which errors are
 * not retried comes from the error vocabulary (src/clients/errors.ts).
 */
const backoff = (initialInterval: string, maximumInterval: string, extra: Partial<RetryPolicy> = {}): RetryPolicy => ({
  initialInterval,
  backoffCoefficient: 2,
  maximumInterval,
  nonRetryableErrorTypes,
  ...extra,
});

/** Setup errors (a key, a role, the data model) end the attempt at once: the workflow decides what to do. */
const setupErrorsStop = { nonRetryableErrorTypes: [...nonRetryableErrorTypes, setupErrorType] };

export const profiles = {
  /** A sync step against KGC, Twenty or Chatwoot: an outage delays the write for up to a day, never loses it. */
  sync: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '24h', retry: backoff('1s', '1m') },
  /** A customer email and the KGC reads around it: SMTP outages back off further. */
  email: { startToCloseTimeout: '60s', scheduleToCloseTimeout: '24h', retry: backoff('2s', '5m') },
  /** Koko's writes to a conversation a customer waits in: an hour at most. */
  conversation: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '1h', retry: backoff('1s', '1m') },
  /** Koko's classification: the customer is waiting, so a few quick attempts, then a human takes over. */
  classification: { startToCloseTimeout: '30s', retry: backoff('1s', '10s', { maximumAttempts: 4 }) },
  /** The daily sweep through KGC's active rentals. */
  sweep: { startToCloseTimeout: '2m', scheduleToCloseTimeout: '6h', retry: backoff('5s', '5m') },
  /** Nightly clean-ups of our own tables. */
  housekeeping: { startToCloseTimeout: '5m', retry: { maximumInterval: '5m' } },
  /**
   * An erasure step: a system that is down delays only its own step (backing off to 10 minutes, for a day); a
   * permanent refusal or a setup error ends it at once as `failed`, for the operator to fix and retry.
   */
  erasureStep: { startToCloseTimeout: '1m', scheduleToCloseTimeout: '24h', retry: backoff('2s', '10m', setupErrorsStop) },
  /** What KGC still knows about an erased customer: a help, not a step (KGC may have deleted it already). */
  erasureHint: { startToCloseTimeout: '30s', retry: backoff('2s', '10m', { ...setupErrorsStop, maximumAttempts: 3 }) },
  /** Bulk sync bookkeeping on our own database and KGC's pages. */
  bulkStep: { startToCloseTimeout: '2m', retry: backoff('1s', '1m') },
  /** Counting KGC's customers: long, so it heartbeats. */
  bulkCount: { startToCloseTimeout: '2h', heartbeatTimeout: '30s', retry: backoff('1s', '1m') },
  /** A bulk batch: heartbeats every 2 s (the Twenty worker's interceptor), so a lost worker costs seconds. */
  bulkBatch: { startToCloseTimeout: '2m', heartbeatTimeout: '10s', retry: backoff('1s', '1m', setupErrorsStop) },
  /** A page of Chatwoot contacts (about 60 requests). */
  bulkContactPage: { startToCloseTimeout: '10m', heartbeatTimeout: '10s', retry: backoff('1s', '1m', setupErrorsStop) },
  /** A hand-off to another workflow through the Temporal server (a local activity): as patient as a sync step. */
  handoff: { startToCloseTimeout: '10s', scheduleToCloseTimeout: '24h', retry: backoff('200ms', '1m') },
} satisfies Record<string, ActivityOptions>;

/** Activities of the main task queue with one profile. */
export const mainActivities = (profile: ActivityOptions) => proxyActivities<MainActivities>(profile);

/** Twenty calls of a live workflow, on `<queue>-twenty`, paced at the Twenty budget. Call inside the workflow. */
export function twentyActivities(profile: ActivityOptions = profiles.sync, priority?: Priority) {
  return proxyActivities<TwentyActivities & TwentyPaymentStatusActivities & TwentyErasureActivities & TwentyCampaignActivities & TwentyOpportunityActivities>({
    ...profile,
    taskQueue: twentyTaskQueue(workflowInfo().taskQueue),
    ...(priority && { priority }),
  });
}

/** The bulk sync's activities: bookkeeping on the main queue, batches on the bulk queues. Call inside the workflow. */
export function bulkSyncActivities() {
  const taskQueue = workflowInfo().taskQueue;
  return {
    main: proxyActivities<BulkSyncActivities>(profiles.bulkStep),
    counting: proxyActivities<BulkSyncActivities>(profiles.bulkCount),
    // Bulk batches share the live Twenty queue and its budget, behind live syncs by priority.
    twenty: proxyActivities<TwentyBulkActivities>({ ...profiles.bulkBatch, taskQueue: twentyTaskQueue(taskQueue), priority: bulkTwentyPriority }),
    chatwoot: proxyActivities<ChatwootBulkActivities>({ ...profiles.bulkContactPage, taskQueue: chatwootBulkTaskQueue(taskQueue) }),
  };
}

/** Main-queue activities run inside the workflow task (local activities): short reads a workflow waits on at once. */
export const localMainActivities = (profile: ActivityOptions) => proxyLocalActivities<MainActivities>(profile);

/** A partnerSync's hand-off of its person write to the batcher, as a local activity: no task queue round trip. */
export const handoffActivities = () => proxyLocalActivities<MainActivities>(profiles.handoff);

/** The batcher's Twenty calls: live syncs' writes, on the Twenty queue at live priority. Call inside the workflow. */
export function twentyPersonBatchActivities() {
  return proxyActivities<TwentyPersonBatchActivities & TwentyHistoryBatchActivities>({ ...profiles.sync, taskQueue: twentyTaskQueue(workflowInfo().taskQueue), priority: liveTwentyPriority });
}
