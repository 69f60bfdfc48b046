import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RentalPlan } from '../../src/activities/email-campaigns.js';
import { rentalClosed, rentalExpiryStatus } from '../../src/contracts/workflow-messages.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { rentalExpiryCampaign } from '../../src/workflows/rental-expiry-campaign.js';
import { eventually } from '../support/eventually.js';
import { startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

/**
 * What KGC says about each rental when the campaign reads it (the read's number from 1, and whether the reminder
 * went out): the plans put the campaign's moments a second or two after the first read, so its timers fire within
 * the test however long the workflow took to start.
 */
type Kgc = (read: { n: number; reminded: boolean }) => RentalPlan;
const plans = new Map<string, Kgc>();
const reads = new Map<string, number>();
const reminded = new Set<string>();

/** A rental still out, its reminder in `remindInMs`, due 800 ms later, checked for lateness 800 ms after that. */
function outPlan(remindInMs: number, rentalEnd = '2026-12-02T10:00:00+01:00'): RentalPlan {
  const remindAt = Date.now() + remindInMs;
  return { state: 'out', rentalEnd, remindAt, dueAt: remindAt + 800, lateCheckAt: remindAt + 1_600 };
}
/** The same plan at every read, made at the first. */
function firstRead(make: () => RentalPlan): () => RentalPlan {
  let plan: RentalPlan | undefined;
  return () => (plan ??= make());
}
const returned = (rentalEnd?: string): RentalPlan => ({ state: 'returned', rentalEnd });

describe('rentalExpiryCampaign with stub activities', () => {
  let w: StubWorkers;
  beforeAll(async () => {
    w = await startStubWorkers({
      main: {
        async resolveCampaignCustomer({ subjectId }) {
          return { outcome: 'resolved' as const, customerId: `C-${subjectId}` };
        },
        async planRentalCampaign({ rentalId }) {
          const n = (reads.get(rentalId) ?? 0) + 1;
          reads.set(rentalId, n);
          return plans.get(rentalId)!({ n, reminded: reminded.has(rentalId) });
        },
        async sendCustomerEmail({ kind, subjectId }) {
          if (kind === 'rental_reminder') reminded.add(subjectId);
          return { key: `${kind}:${subjectId}`, status: 'sent' as const };
        },
        async getModuleStates() {
          return { crm: true, support: true };
        },
      },
      twenty: {
        async markTwentyPaymentLate() {
          return { updated: true };
        },
      },
    });
  });
  afterAll(() => w?.close());

  function campaign(rentalId: string) {
    return w.client.workflow.start<typeof rentalExpiryCampaign>('rentalExpiryCampaign', { workflowId: workflowIds.rentalExpiry(rentalId), taskQueue: w.taskQueue, args: [{ rentalId }] });
  }
  const emails = (rentalId: string) => w.callsOf(workflowIds.rentalExpiry(rentalId), 'sendCustomerEmail').map((e) => e.kind);

  it('reminds at the planned moment, then ends quietly when the machine comes back before the late check', async () => {
    const rentalId = `R-${randomUUID()}`;
    const out = firstRead(() => outPlan(800));
    // Out until the reminder went out, back by the late check.
    plans.set(rentalId, (read) => (read.reminded ? returned(out().rentalEnd) : out()));
    const handle = await campaign(rentalId);
    expect(await handle.result()).toEqual({ rentalId, outcome: 'returned', reminder: 'sent' });
    expect(emails(rentalId), 'the reminder only').toEqual(['rental_reminder']);
    expect(w.callsOf(workflowIds.rentalExpiry(rentalId), 'markTwentyPaymentLate'), 'not marked late').toEqual([]);
  });

  it('sends the late notice and marks the payment LATE in Twenty when the machine is still out after its due time', async () => {
    const rentalId = `R-${randomUUID()}`;
    plans.set(rentalId, firstRead(() => outPlan(500)));
    const handle = await campaign(rentalId);
    expect(await handle.result()).toEqual({ rentalId, outcome: 'late', reminder: 'sent', lateNotice: 'sent', markedLate: true });
    expect(emails(rentalId), 'reminder, then late notice').toEqual(['rental_reminder', 'rental_late_notice']);
    expect(w.callsOf(workflowIds.rentalExpiry(rentalId), 'markTwentyPaymentLate')).toEqual([{ customerId: `C-${rentalId}`, rentalId }]);
  });

  it('sends no "expires tomorrow" email for a rental already due when the campaign starts, only the late notice', async () => {
    const rentalId = `R-${randomUUID()}`;
    const now = Date.now();
    const plan: RentalPlan = { state: 'out', rentalEnd: '2026-12-01T10:00:00+01:00', remindAt: now - 2_000, dueAt: now - 1_000, lateCheckAt: now + 500 };
    plans.set(rentalId, () => plan);
    const handle = await campaign(rentalId);
    expect(await handle.result()).toMatchObject({ outcome: 'late', lateNotice: 'sent' });
    expect(emails(rentalId), 'no reminder').toEqual(['rental_late_notice']);
  });

  it('gives an extended rental a reminder of its own for the new end', async () => {
    const rentalId = `R-${randomUUID()}`;
    const first = firstRead(() => outPlan(800, '2026-12-02T10:00:00+01:00'));
    const extended = firstRead(() => outPlan(800, '2026-12-09T10:00:00+01:00'));
    // Extended after the first read, before its reminder moment; back once the reminder went out.
    plans.set(rentalId, (read) => (read.n === 1 ? first() : read.reminded ? returned(extended().rentalEnd) : extended()));
    const handle = await campaign(rentalId);
    expect(await handle.result()).toMatchObject({ outcome: 'returned', reminder: 'sent' });
    expect(w.callsOf(workflowIds.rentalExpiry(rentalId), 'sendCustomerEmail'), 'one reminder, for the extended end').toMatchObject([
      { kind: 'rental_reminder', rentalEnd: extended().rentalEnd },
    ]);
  });

  it('ends early without email when KGC reports the rental closed while it waits', async () => {
    const rentalId = `R-${randomUUID()}`;
    plans.set(rentalId, firstRead(() => outPlan(60_000)));
    const handle = await campaign(rentalId);
    await eventually(async () => (await handle.query(rentalExpiryStatus)).phase === 'waiting_to_remind', 'the campaign waiting to remind', 10_000);
    await handle.signal(rentalClosed, { eventType: 'rental.completed', eventId: 'e1' });
    expect(await handle.result()).toEqual({ rentalId, outcome: 'ended_early' });
    expect(emails(rentalId), 'no email').toEqual([]);
  });
});
