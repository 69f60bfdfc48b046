import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErasedSystem, ErasureSystem } from '../../src/contracts/erasure-steps.js';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import type { gdprCascadeDelete } from '../../src/workflows/gdpr-cascade-delete.js';
import { startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

const allSystems: ErasureSystem[] = ['twenty', 'chatwoot', 'koko', 'integration_db'];
const drainMs = 1_000;

/** Each customer's erasure as the stubs see it: what is left to do, what fails, and the steps recorded with when. */
interface Erasure {
  pending: ErasureSystem[];
  chatwootRefuses?: boolean;
  twentyUnconfigured?: boolean;
  recorded: Array<ErasedSystem & { recordedAt: number }>;
}
const erasures = new Map<string, Erasure>();

describe('gdprCascadeDelete with stub activities', () => {
  let w: StubWorkers;
  beforeAll(async () => {
    const destroyed = async () => ({ configured: true as const, destroyed: 1 });
    w = await startStubWorkers({
      main: {
        async beginErasure({ customerId }) {
          return { customerHash: `hash-${customerId}`, pending: erasures.get(customerId)!.pending, drainMs };
        },
        async stopCustomerWorkflows() {
          return { stopped: 0 };
        },
        async collectKgcErasureKeys() {
          return { knownToKgc: true };
        },
        async collectChatwootErasureKeys() {
          return { configured: true, contacts: 1 };
        },
        async deleteChatwootContacts({ customerId }) {
          if (erasures.get(customerId)!.chatwootRefuses) {
            throw ApplicationFailure.create({ type: 'ChatwootRejected', message: 'Chatwoot refused', details: [{ status: 403, code: 'forbidden' }], nonRetryable: true });
          }
          return { configured: true, contacts: 1, conversations: 2 };
        },
        async eraseKokoData() {
          return { messages: 1 };
        },
        async eraseIntegrationRows() {
          return { partner_links: 1 };
        },
        async recordErasureStep({ customerId, step }) {
          erasures.get(customerId)!.recorded.push({ ...step, recordedAt: Date.now() });
        },
        // As the real one reads the erasure row: complete once no step is left failed.
        async finishErasure({ customerId }) {
          const latest = new Map(erasures.get(customerId)!.recorded.map((s) => [s.system, s.status]));
          const pending = allSystems.filter((s) => latest.get(s) === 'failed');
          return { status: pending.length === 0 ? ('complete' as const) : ('incomplete' as const), pending };
        },
      },
      twenty: {
        async collectTwentyErasureKeys({ customerId }) {
          return erasures.get(customerId)!.twentyUnconfigured ? { configured: false as const } : { configured: true as const, found: 1 };
        },
        destroyTwentyHistory: destroyed,
        destroyTwentyPerson: destroyed,
      },
    });
  });
  afterAll(() => w?.close());

  async function erase(e: Omit<Erasure, 'recorded'>) {
    const customerId = `C-${randomUUID()}`;
    const erasure: Erasure = { ...e, recorded: [] };
    erasures.set(customerId, erasure);
    const workflowId = workflowIds.gdprDelete(customerId);
    const result = await w.client.workflow.execute<typeof gdprCascadeDelete>('gdprCascadeDelete', { workflowId, taskQueue: w.taskQueue, args: [{ customerId, reasonCode: 'customer_request' }] });
    const passes = (system: ErasureSystem) => erasure.recorded.filter((s) => s.system === system);
    return { customerId, workflowId, result, erasure, passes };
  }

  it('erases every system, waits for in-flight writes to drain, erases again and certifies the erasure complete', async () => {
    const e = await erase({ pending: allSystems });
    expect(e.result).toEqual({ customerHash: `hash-${e.customerId}`, status: 'complete', pending: [] });
    for (const system of allSystems) expect(e.passes(system).map((s) => s.status), `${system}: first pass and second pass`).toEqual(['erased', 'erased']);
    const firstPassDone = Math.max(...e.erasure.recorded.slice(0, 4).map((s) => s.recordedAt));
    const secondPassStart = Math.min(...e.erasure.recorded.slice(4).map((s) => s.recordedAt));
    expect(secondPassStart - firstPassDone, 'the second pass waits drainMs from beginErasure').toBeGreaterThanOrEqual(drainMs - 50);
    expect(e.passes('twenty')[1]!.erased, 'the certificate counts both passes').toEqual({ rentalRecords: 2, serviceRecords: 2, salesRecords: 2, people: 2 });
  });

  it('leaves the erasure incomplete when one step fails, while every other system is still erased', async () => {
    const e = await erase({ pending: allSystems, chatwootRefuses: true });
    expect(e.result).toEqual({ customerHash: `hash-${e.customerId}`, status: 'incomplete', pending: ['chatwoot'] });
    expect(e.passes('chatwoot'), 'the failed step records why, as a code').toMatchObject([{ status: 'failed', code: 'ChatwootRejected:403:forbidden', erased: {} }]);
    expect(w.callsOf(e.workflowId, 'deleteChatwootContacts'), 'a refused step is neither retried nor run again after the drain').toHaveLength(1);
    for (const system of ['twenty', 'koko', 'integration_db'] as const) expect(e.passes(system).map((s) => s.status), system).toEqual(['erased', 'erased']);
  });

  it('marks a system that is not configured not_configured and never calls it', async () => {
    const e = await erase({ pending: allSystems, twentyUnconfigured: true });
    expect(e.result.status).toBe('complete');
    expect(e.passes('twenty').map((s) => s.status), 'one record, no second pass').toEqual(['not_configured']);
    expect(w.callsOf(e.workflowId, 'destroyTwentyPerson'), 'nothing destroyed in Twenty').toEqual([]);
  });

  it('does only what a repeated erasure has left: the failed step', async () => {
    const e = await erase({ pending: ['chatwoot'] });
    expect(e.result.status).toBe('complete');
    expect(e.erasure.recorded.map((s) => s.system), 'only Chatwoot, in both passes').toEqual(['chatwoot', 'chatwoot']);
    expect(w.callsOf(e.workflowId, 'destroyTwentyPerson'), 'Twenty, done before, is left alone').toEqual([]);
  });

  it('certifies a customer with nothing left to erase at once, stopping and touching nothing', async () => {
    const e = await erase({ pending: [] });
    expect(e.result).toEqual({ customerHash: `hash-${e.customerId}`, status: 'complete', pending: [] });
    expect(w.namesOf(e.workflowId)).toEqual(['beginErasure']);
  });
});
