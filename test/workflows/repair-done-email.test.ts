import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { repairDoneEmail } from '../../src/workflows/repair-done-email.js';
import { startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

/** Worklogs whose customer KGC does not know (any other worklog's customer is `C-<worklog>`). */
const unknownCustomer = new Set<string>();

describe('repairDoneEmail with stub activities', () => {
  let w: StubWorkers;
  beforeAll(async () => {
    w = await startStubWorkers({
      main: {
        async resolveCampaignCustomer({ subjectId }) {
          return unknownCustomer.has(subjectId) ? { outcome: 'unknown_customer' as const } : { outcome: 'resolved' as const, customerId: `C-${subjectId}` };
        },
        async sendCustomerEmail({ subjectId }) {
          return { key: `repair_done:${subjectId}`, status: 'sent' as const };
        },
      },
    });
  });
  afterAll(() => w?.close());

  const run = (worklogId: string) =>
    w.client.workflow.execute<typeof repairDoneEmail>('repairDoneEmail', { workflowId: workflowIds.repairDoneEmail(worklogId), taskQueue: w.taskQueue, args: [{ worklogId }] });

  it('emails the customer of the worklog once, by ids only', async () => {
    const worklogId = `W-${randomUUID()}`;
    const workflowId = workflowIds.repairDoneEmail(worklogId);
    expect(await run(worklogId)).toEqual({ worklogId, status: 'sent' });
    expect(w.callsOf(workflowId, 'sendCustomerEmail'), 'one repair_done email for the resolved customer').toEqual([
      { kind: 'repair_done', subjectId: worklogId, customerId: `C-${worklogId}` },
    ]);
  });

  it('skips a worklog whose customer cannot be resolved, sending nothing', async () => {
    const worklogId = `W-${randomUUID()}`;
    unknownCustomer.add(worklogId);
    expect(await run(worklogId)).toEqual({ worklogId, status: 'skipped', reason: 'unknown_customer' });
    expect(w.namesOf(workflowIds.repairDoneEmail(worklogId)), 'no email for an unknown customer').toEqual(['resolveCampaignCustomer']);
  });
});
