import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { historyLedger } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { maybeRecordHistory } from '../support/record-histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const person = (customerId: string) => h.person(customerId);
const micros = (huf: number) => ({ amountMicros: huf * 1_000_000, currencyCode: 'HUF' });
let n = 0;
const rental = (customerId: string, over: Record<string, unknown> = {}) => ({
  rental_id: `R-${Date.now()}-${++n}`,
  customer_id: customerId,
  machine_name: 'Makita talajvágó',
  rental_start: '2025-12-25',
  rental_end: '2025-12-28',
  total_days: 3,
  total_cost: 45000,
  status: 'completed',
  ...over,
});

async function deliver(event: string, data: Record<string, unknown>, id?: string) {
  const res = await h.send(event, data, { id });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  await h.partnerSyncResult(String(data.customer_id));
  return res;
}

describe('service history into Twenty', () => {
  it('creates the partner first, then the rental record linked to it, with aggregates', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const r = rental(c.customer_id);
    const res = await deliver('rental.completed', r);
    expect(res.body).toMatchObject({ status: 'accepted', workflowId: `partner-sync/${c.customer_id}` });

    const personId = twentyRecordId('person', c.customer_id);
    expect(h.twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', r.rental_id))).toMatchObject({
      personId,
      kgcRentalId: r.rental_id,
      machineName: 'Makita talajvágó',
      rentalStart: '2025-12-25',
      rentalEnd: '2025-12-28',
      totalDays: 3,
      totalCost: micros(45000),
      status: 'COMPLETED',
    });
    expect(person(c.customer_id)).toMatchObject({ kgcCustomerId: c.customer_id, totalRentals: 1, totalRevenue: micros(45000), lastRentalDate: '2025-12-28' });
    await maybeRecordHistory(h, `partner-sync/${c.customer_id}`, 'partner-sync-history');
  });

  it('adds service and sales records; repair costs stay out of totalRevenue, order totals go in', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    await deliver('rental.completed', rental(c.customer_id));
    const worklog = { worklog_id: `M-${Date.now()}`, customer_id: c.customer_id, machine_type: 'Husqvarna láncfűrész', issue_description: 'Lánc és láncvezető csere', repair_cost: 18500, completed_at: '2025-12-28T15:00:00Z', status: 'completed' };
    await deliver('service.completed', worklog);
    const order = {
      order_id: `O-${Date.now()}`,
      customer_id: c.customer_id,
      items: [{ sku: 'MK-1', name: 'Makita fúró', quantity: 2, unit_price: 10000, total: 20000 }],
      total_amount: 20000,
      order_date: '2025-12-20',
      delivered_at: '2025-12-22T09:00:00Z',
    };
    await deliver('order.delivered', order);

    expect(h.twenty.getRecord('serviceRecord', twentyRecordId('serviceRecord', worklog.worklog_id))).toMatchObject({
      kgcWorklogId: worklog.worklog_id,
      repairCost: micros(18500),
      status: 'COMPLETED',
      completedAt: '2025-12-28T15:00:00.000Z',
    });
    expect(h.twenty.getRecord('salesRecord', twentyRecordId('salesRecord', order.order_id))).toMatchObject({ itemsSummary: '2× Makita fúró', totalAmount: micros(20000) });
    expect(person(c.customer_id)).toMatchObject({ totalRentals: 1, totalRevenue: micros(65000), lastServiceDate: '2025-12-28' });
  });

  it('delivering the same rental twice, even under another envelope id, counts it once', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const r = rental(c.customer_id);
    await deliver('rental.completed', r, `evt-a-${r.rental_id}`);
    expect((await h.send('rental.completed', r, { id: `evt-a-${r.rental_id}` })).body.status).toBe('duplicate');
    await deliver('rental.completed', r, `evt-b-${r.rental_id}`);
    expect(person(c.customer_id)).toMatchObject({ totalRentals: 1, totalRevenue: micros(45000) });
    expect(h.twenty.listRecords('rentalRecords').filter((x) => x.kgcRentalId === r.rental_id)).toHaveLength(1);
  });

  it('a rental KGC sends again unchanged keeps its ledger row as it was; a changed one is synced again', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const r = rental(c.customer_id);
    const ledgerRow = async () => (await h.db.select().from(historyLedger).where(and(eq(historyLedger.kind, 'rental'), eq(historyLedger.kgcId, r.rental_id))))[0]!;
    await deliver('rental.completed', r, `evt-a-${r.rental_id}`);
    const first = await ledgerRow();
    expect(first.syncedAt, 'the first delivery is synced').not.toBeNull();

    await deliver('rental.completed', r, `evt-b-${r.rental_id}`);
    const repeated = await ledgerRow();
    expect(repeated.updatedAt, 'an unchanged repeat must not move updatedAt (a sync in flight would then write the row twice)').toEqual(first.updatedAt);
    expect(repeated.syncedAt, 'an unchanged repeat keeps the synced mark').toEqual(first.syncedAt);

    await deliver('rental.completed', { ...r, total_cost: 50000 }, `evt-c-${r.rental_id}`);
    const changed = await ledgerRow();
    expect(changed.updatedAt.getTime(), 'a changed record moves updatedAt').toBeGreaterThan(first.updatedAt.getTime());
    expect(changed.syncedAt, 'a changed record is synced again').not.toBeNull();
    expect(person(c.customer_id)).toMatchObject({ totalRentals: 1, totalRevenue: micros(50000) });
  });

  it('aggregates stay exact when Twenty fails between the record write and the aggregate write', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    await deliver('rental.completed', rental(c.customer_id, { total_cost: 10000 }));
    const second = rental(c.customer_id, { total_cost: 5000, rental_end: '2026-01-05' });

    // A new run writes the records (1 call: the person an earlier run wrote is not written again), then the
    // aggregates: fail from the 2nd call on.
    const base = h.twenty.requestCount;
    h.twenty.faults.set({ latencyMs: 300 });
    expect((await h.send('rental.completed', second)).status).toBe(202);
    while (h.twenty.requestCount < base + 1) await new Promise((r) => setTimeout(r, 10));
    h.twenty.faults.set({ latencyMs: 0, failNext: { count: 2, status: 503 } });
    await h.partnerSyncResult(c.customer_id);
    h.twenty.faults.clear();

    // The aggregates are written by the task queue's batcher, shared with other customers' (twentyPersonBatcher).
    const history = await h.client.workflow.getHandle(workflowIds.twentyPersonBatcher(h.taskQueue)).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'refreshTwentyAggregatesOfBatch').map((e) => String(e.eventId));
    const attempts = events.filter((e) => scheduled.includes(String(e.activityTaskStartedEventAttributes?.scheduledEventId))).map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1);
    expect(Math.max(...attempts), 'the aggregate write was retried').toBeGreaterThanOrEqual(2);

    await deliver('rental.completed', second, `evt-again-${second.rental_id}`);
    expect(person(c.customer_id)).toMatchObject({ totalRentals: 2, totalRevenue: micros(15000), lastRentalDate: '2026-01-05' });
  });

  it('a late rental sets paymentStatus LATE; KGC payment_status on customer.updated is the master', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    await deliver('rental.completed', rental(c.customer_id, { status: 'late', late_days: 2 }));
    expect(person(c.customer_id)?.paymentStatus).toBe('LATE');
    expect(h.twenty.listRecords('rentalRecords').find((x) => x.personId === twentyRecordId('person', c.customer_id))?.status).toBe('LATE');

    h.kgc.putCustomer({ ...c, payment_status: 'good' } as typeof c);
    await deliver('customer.updated', { ...c, payment_status: 'good' });
    expect(person(c.customer_id)?.paymentStatus).toBe('GOOD');
  });

  it('is skipped and recorded while the CRM module is off', async () => {
    const c = newCustomer();
    await h.admin('PUT', '/admin/modules/crm', { enabled: false });
    try {
      const res = await h.send('rental.completed', rental(c.customer_id));
      expect(res.body).toMatchObject({ status: 'skipped', reason: 'crm module is off' });
    } finally {
      await h.admin('PUT', '/admin/modules/crm', { enabled: true });
    }
    expect(person(c.customer_id)).toBeUndefined();
  });
});
