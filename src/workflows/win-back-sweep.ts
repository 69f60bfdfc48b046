import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { mainActivities, profiles } from './activity-profiles.js';

export interface WinBackSweepInput {
  pageSize?: number;
  /** Carried across continue-as-new. */
  after?: string;
  started?: number;
}

const { startWinBackCampaigns } = mainActivities(profiles.sweep);

/** Daily (schedule `<task queue>/win-back-sweep`): pages through the inactive customers and starts their win-back. */
export async function winBackSweep({ pageSize = 200, after, started = 0 }: WinBackSweepInput = {}): Promise<{ started: number }> {
  for (;;) {
    const page = await startWinBackCampaigns({ after, pageSize });
    started += page.started;
    if (!page.next) return { started };
    after = page.next;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof winBackSweep>({ pageSize, after, started });
  }
}
