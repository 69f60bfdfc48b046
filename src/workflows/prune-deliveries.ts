import { proxyActivities } from '@temporalio/workflow';
import type { MainActivities } from '../activities/index.js';

const { pruneKgcDeliveries } = proxyActivities<MainActivities>({ startToCloseTimeout: '5m', retry: { maximumInterval: '5m' } });

/**
 * Daily (schedule `<task queue>/prune-kgc-deliveries`): forgets KGC deliveries older than the de-duplication window
 * (KGC_DEDUP_RETENTION, at least 72 hours), so the table does not grow without bound.
 */
export async function pruneDeliveries({ olderThanHours }: { olderThanHours: number }): Promise<{ deleted: number }> {
  return pruneKgcDeliveries({ olderThanHours });
}
