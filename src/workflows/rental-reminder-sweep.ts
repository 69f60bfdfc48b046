import type { MainActivities } from '../activities/index.js';
import { mainActivities, profiles } from './activity-profiles.js';

export interface RentalReminderSweepResult {
  endsOn: string;
  started: number;
  existing: number;
  invalid: number;
  pages: number;
}

type SweepPage = Awaited<ReturnType<MainActivities['startMissingRentalCampaigns']>>;

const { startMissingRentalCampaigns } = mainActivities(profiles.sweep);

/**
 * Daily at the reminder hour (schedule `<task queue>/rental-expiry-sweep`): the safety net for a lost rental.started.
 * Pages through KGC's active rentals whose reminder is due today and starts each missing `rental-expiry/<rental_id>`.
 */
export async function rentalReminderSweep({ pageSize = 200 }: { pageSize?: number } = {}): Promise<RentalReminderSweepResult> {
  const totals = { started: 0, existing: 0, invalid: 0, pages: 0 };
  let endsOn: string | undefined;
  let cursor: string | null = null;
  do {
    const page: SweepPage = await startMissingRentalCampaigns({ endsOn, cursor, pageSize });
    endsOn = page.endsOn;
    cursor = page.nextCursor;
    totals.started += page.started;
    totals.existing += page.existing;
    totals.invalid += page.invalid;
    totals.pages++;
  } while (cursor);
  return { endsOn: endsOn!, ...totals };
}
