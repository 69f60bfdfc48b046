import { mainActivities, profiles } from './activity-profiles.js';

const { pruneUnlinkedPersonalData: prune } = mainActivities(profiles.housekeeping);

/**
 * Nightly (schedule `<task queue>/prune-unlinked-personal-data`): personal data that no erasure can find by
 * customer id expires after UNLINKED_PERSONAL_DATA_RETENTION_DAYS.
 */
export async function pruneUnlinkedPersonalData({ olderThanDays }: { olderThanDays: number }): Promise<Record<string, number>> {
  return prune({ olderThanDays });
}
