import { Context } from '@temporalio/activity';
import { and, eq, inArray } from 'drizzle-orm';
import { workflowIds } from '../contracts/workflow-ids.js';
import { startOnce } from '../contracts/workflow-starts.js';
import { integrationLog } from '../db/schema.js';
import { logger } from '../logger.js';
import { readModuleStates } from './store.js';
import type { ActivityDeps } from './context.js';

/** The won-deal sweep's side in Temporal and Postgres: which won deals no onboarding has decided, and their start. */
export function createFranchiseOnboardingStartActivities({ db }: ActivityDeps) {
  return {
    /**
     * Starts `franchise-onboarding/<id>` for each won deal without a recorded outcome (every finished or stopped
     * onboarding leaves one): a webhook Twenty could not deliver is never sent again, so the sweep is how such a
     * deal is onboarded. A run in progress is joined. Nothing starts while the CRM module is off.
     */
    async startMissedFranchiseOnboardings({ opportunityIds, wonStage }: { opportunityIds: string[]; wonStage: string }): Promise<{ started: number }> {
      if (opportunityIds.length === 0 || !(await readModuleStates(db)).crm) return { started: 0 };
      const ids = opportunityIds.map(workflowIds.franchiseOnboarding);
      const decided = new Set(
        (await db.select({ workflowId: integrationLog.workflowId }).from(integrationLog).where(and(inArray(integrationLog.workflowId, ids), eq(integrationLog.action, 'create_franchise_tenant')))).map((r) => r.workflowId),
      );
      const { client, info } = Context.current();
      let started = 0;
      for (const opportunityId of opportunityIds) {
        const workflowId = workflowIds.franchiseOnboarding(opportunityId);
        if (decided.has(workflowId)) continue;
        const fresh = await startOnce(client, 'franchiseOnboarding', {
          workflowId,
          taskQueue: info.taskQueue,
          args: [{ opportunityId, wonStage }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        });
        if (fresh) started++;
      }
      if (started > 0) logger.info({ started }, 'franchise onboardings started by the won-deal sweep');
      return { started };
    },
  };
}
