import { proxyActivities } from '@temporalio/workflow';
import type { MainActivities } from '../activities/index.js';

const { pruneUnlinkedPersonalData: prune } = proxyActivities<MainActivities>({ startToCloseTimeout: '5m', retry: { maximumInterval: '5m' } });

/**
 * Nightly (schedule `<task queue>/prune-unlinked-personal-data`): personal data that no erasure can find by
 * customer id expires after UNLINKED_PERSONAL_DATA_RETENTION_DAYS.
 */
export async function pruneUnlinkedPersonalData({ olderThanDays }: { olderThanDays: number }): Promise<Record<string, number>> {
  return prune({ olderThanDays });
}
