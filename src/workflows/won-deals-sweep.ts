import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import { mainActivities, profiles, twentyActivities } from './activity-profiles.js';

export interface WonDealsSweepInput {
  wonStage: string;
  pageSize?: number;
  /** Carried across continue-as-new. */
  after?: string;
  started?: number;
}

const { startMissedFranchiseOnboardings } = mainActivities(profiles.sweep);

/**
 * Hourly (schedule `<task queue>/won-deals-sweep`): Twenty sends a webhook once and never again, so a deal won
 * while this service was down or Temporal unreachable would wait for ever. The sweep pages through the won deals
 * without a KGC tenant and starts the onboarding of each that no onboarding has decided yet.
 */
export async function wonDealsSweep({ wonStage, pageSize = 60, after, started = 0 }: WonDealsSweepInput): Promise<{ started: number }> {
  const twenty = twentyActivities(profiles.sweep);
  for (;;) {
    const page = await twenty.listWonDealsWithoutTenant({ wonStage, pageSize, after });
    started += (await startMissedFranchiseOnboardings({ opportunityIds: page.opportunityIds, wonStage })).started;
    if (!page.next) return { started };
    after = page.next;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof wonDealsSweep>({ wonStage, pageSize, after, started });
  }
}
