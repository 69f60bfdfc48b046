import { mainActivities, profiles } from './activity-profiles.js';

const { pruneKgcDeliveries } = mainActivities(profiles.housekeeping);

/**
 * Daily (schedule `<task queue>/prune-kgc-deliveries`): forgets KGC deliveries older than the de-duplication window
 * (KGC_DEDUP_RETENTION, at least 72 hours), so the table does not grow without bound.
 */
export async function pruneDeliveries({ olderThanHours }: { olderThanHours: number }): Promise<{ deleted: number }> {
  return pruneKgcDeliveries({ olderThanHours });
}
