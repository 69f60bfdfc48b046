import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwentyPersonAskActivities } from '../../src/activities/twenty-person-asks.js';
import { partnerChanged, type PartnerChanged } from '../../src/contracts/workflow-messages.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { partnerSync } from '../../src/workflows/partner-sync.js';
import { eventually } from '../support/eventually.js';
import { gate, startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

/** Holds every Twenty person write until the test lets it through, so changes can arrive while a sync runs. */
const personWrites = gate();
/** Customers whose person writes the gate holds; the others' go straight through. */
const held = new Set<string>();

describe('partnerSync with stub activities', () => {
  let w: StubWorkers;
  beforeAll(async () => {
    w = await startStubWorkers({
      main: {
        async partnerSyncChecks() {
          return { modules: { crm: true, support: true }, presence: { exists: true, erased: false }, personLinked: false };
        },
        async upsertChatwootContact({ customerId }) {
          return { contactId: `contact-${customerId}`, customerGone: false, warnings: [] };
        },
        async recordPartnerSynced() {},
        async recordPartnerSyncStopped() {},
        ...createTwentyPersonAskActivities(),
      },
      twenty: {
        async findTwentyEmailOwnersOfBatch() {
          return { claims: { self: [], other: [] }, gone: [] };
        },
        async upsertTwentyPersonBatch({ customerIds }) {
          if (customerIds.some((id) => held.has(id))) await personWrites.wait();
          return { results: customerIds.map((customerId) => ({ customerId, personId: `person-${customerId}`, warnings: [] })) };
        },
      },
    });
  });
  afterAll(() => w?.close());

  /** The batched person writes (twentyPersonBatcher's calls) that held this customer. */
  const personWritesOf = (customerId: string) => w.calls.filter((c) => c.name === 'upsertTwentyPersonBatch' && c.input.customerIds.includes(customerId));

  /** A customer.updated webhook, as the API hands it over: signal, starting the workflow if none runs. */
  function changed(customerId: string, n: number) {
    return w.client.workflow.signalWithStart<typeof partnerSync, [PartnerChanged]>('partnerSync', {
      workflowId: workflowIds.partnerSync(customerId),
      taskQueue: w.taskQueue,
      args: [{ customerId }],
      signal: partnerChanged,
      signalArgs: [{ eventType: 'customer.updated', eventId: `e${n}` }],
    });
  }

  it('syncs a customer to Twenty and Chatwoot once and records it', async () => {
    const customerId = `C-${randomUUID()}`;
    const handle = await changed(customerId, 1);
    expect(await handle.result()).toEqual({ customerId, syncs: 1, outcome: 'synced' });
    expect(w.callsOf(handle.workflowId, 'recordPartnerSynced')).toMatchObject([
      { customerId, eventType: 'customer.updated', twentyPersonId: `person-${customerId}`, chatwootContactId: `contact-${customerId}`, skipped: [] },
    ]);
  });

  it('coalesces a burst of changes that arrive during a sync into one more sync', async () => {
    const customerId = `C-${randomUUID()}`;
    held.add(customerId);
    const handle = await changed(customerId, 0);
    await eventually(() => personWrites.waiting > 0, 'the first sync writing the person', 10_000);
    for (let n = 1; n <= 5; n++) await changed(customerId, n);
    await personWrites.open();
    await personWrites.open();
    expect(await handle.result(), 'five changes during the first sync, one sync after it').toEqual({ customerId, syncs: 2, outcome: 'synced' });
    expect(personWritesOf(customerId)).toHaveLength(2);
  });

  it('continues as new when the server suggests it, carrying the changes not yet synced', async () => {
    const customerId = `C-${randomUUID()}`;
    held.add(customerId);
    const workflowId = workflowIds.partnerSync(customerId);
    const first = await changed(customerId, 0);
    const firstRunId = first.signaledRunId;
    // One change during each sync keeps the run going until its history reaches the dev server's suggestion
    // threshold (limit.historyCount.suggestContinueAsNew in the test setup).
    let signals = 1;
    for (let i = 0; i < 40; i++) {
      await eventually(() => personWrites.waiting > 0, 'a sync writing the person', 10_000);
      await changed(customerId, signals++);
      await personWrites.open();
      if ((await w.client.workflow.getHandle(workflowId).describe()).runId !== firstRunId) break;
    }
    const firstRun = await w.client.workflow.getHandle(workflowId, firstRunId).describe();
    expect(firstRun.status.name, 'the first run continued as new').toBe('CONTINUED_AS_NEW');
    await personWrites.open();
    const result = await w.client.workflow.getHandle(workflowId).result();
    expect(result, 'the new run synced the carried change').toMatchObject({ customerId, outcome: 'synced' });
    expect(result.syncs).toBeGreaterThanOrEqual(1);
    expect(w.callsOf(workflowId, 'recordPartnerSynced'), 'every change synced once: none lost across continue-as-new').toHaveLength(signals);
  });
});
