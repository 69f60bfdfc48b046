import { patched } from '@temporalio/workflow';
import { mainActivities, profiles } from './activity-profiles.js';

const { pruneKgcDeliveries, pruneTwentyDeliveries } = mainActivities(profiles.housekeeping);

/**
 * Daily (schedule `<task queue>/prune-kgc-deliveries`): forgets KGC and Twenty deliveries older than the
 * de-duplication window (KGC_DEDUP_RETENTION, at least 72 hours), so the tables do not grow without bound.
 */
export async function pruneDeliveries({ olderThanHours }: { olderThanHours: number }): Promise<{ deleted: number }> {
  const kgc = await pruneKgcDeliveries({ olderThanHours });
  if (!patched('prune-twenty-deliveries')) return kgc;
  const twenty = await pruneTwentyDeliveries({ olderThanHours });
  return { deleted: kgc.deleted + twenty.deleted };
}
