import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredSystems, historyLedger, partnerLinks } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { type gdprCascadeDelete } from '../../src/workflows/gdpr-cascade-delete.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { gdprDeleteStatus } from '../../src/contracts/workflow-messages.js';

describe('erasure while the customer is being written', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE: '360000' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a bulk sync and a partnerSync whose writes land after the first destroy leave nothing of the customer', async () => {
    const target = newCustomer({ customer_id: `C-0000${Date.now().toString(36)}` });
    const others = Array.from({ length: 40 }, () => newCustomer());
    for (const c of [target, ...others]) h.kgc.putCustomer(c);
    h.kgc.putRental({ rental_id: `R-${target.customer_id}`, customer_id: target.customer_id, machine_name: 'Makita fúró', rental_start: '2026-10-01', rental_end: '2026-10-03', total_days: 2, total_cost: 20000, status: 'completed' });

    // Every write of the target's person is held until the erasure has done its first pass.
    const personId = twentyRecordId('person', target.customer_id);
    let held = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    h.twenty.beforeRecordRequest(async (body) => {
      if (/create(People|Person)\b/.test(body.query ?? '') && JSON.stringify(body.variables).includes(personId)) {
        held++;
        await released;
      }
    });
    try {
      expect((await h.admin('POST', '/admin/bulk-sync', { historyMonths: 12 })).status).toBe(202);
      expect((await h.send('customer.updated', target)).status).toBe(202);
      await eventually(() => held === 2, 'the bulk batch and the live upsert of the customer both in flight');

      expect((await h.send('customer.deleted', { customer_id: target.customer_id, gdpr_reason: 'customer_request' })).status).toBe(202);
      const erasure = h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${target.customer_id}`);
      await eventually(async () => (await erasure.query(gdprDeleteStatus)).step === 'draining', 'the erasure to finish its first pass');
      release();
      await eventually(() => h.person(target.customer_id), 'the held writes to land after the first pass', 5_000);

      expect(await erasure.result()).toMatchObject({ status: 'complete' });
    } finally {
      release();
      h.twenty.beforeRecordRequest(undefined);
    }
    const [run] = await h.db.query.bulkSyncRuns.findMany({ limit: 1 });
    await h.client.workflow.getHandle(run!.workflowId).result();

    expect(h.person(target.customer_id)).toBeUndefined();
    expect(h.twenty.listRecords('rentalRecords', { withDeleted: true }).filter((r) => r.personId === personId)).toEqual([]);
    expect(h.contactOf(target.customer_id)).toBeUndefined();
    expect(await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, target.customer_id))).toEqual([]);
    expect(await h.db.select().from(historyLedger).where(eq(historyLedger.customerId, target.customer_id))).toEqual([]);
    expect(h.person(others[0]!.customer_id), 'the other customers were synced').toBeDefined();
  });
});

describe('erasure with Chatwoot not configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { SUPPORT_MODULE_ENABLED: 'false', CHATWOOT_API_URL: '', CHATWOOT_API_KEY: '', CHATWOOT_ACCOUNT_ID: '' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function erase(customerId: string) {
    expect((await h.send('customer.deleted', { customer_id: customerId, gdpr_reason: 'customer_request' })).status).toBe(202);
    return h.client.workflow.getHandle<typeof gdprCascadeDelete>(`gdpr-delete/${customerId}`).result();
  }

  it('is complete when this deployment never had Chatwoot, and incomplete when it once had', async () => {
    const never = newCustomer();
    expect(await erase(never.customer_id)).toMatchObject({ status: 'complete', pending: [] });
    const certificate = (await h.admin('GET', `/admin/erasures/${never.customer_id}`)).body;
    expect(certificate.systems.find((s: { system: string }) => s.system === 'chatwoot')).toMatchObject({ status: 'not_configured' });

    await h.db.insert(configuredSystems).values({ system: 'chatwoot' });
    const once = newCustomer();
    expect(await erase(once.customer_id), 'a system configured before must be erased before the certificate is complete').toMatchObject({
      status: 'incomplete',
      pending: ['chatwoot'],
    });
    expect((await h.admin('GET', `/admin/erasures/${once.customer_id}`)).body.status).toBe('incomplete');
  });
});
