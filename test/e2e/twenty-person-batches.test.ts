import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds } from '../../src/contracts/workflow-ids.js';
import { gdprDeleteStatus } from '../../src/contracts/workflow-messages.js';
import { partnerLinks } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import type { gdprCascadeDelete } from '../../src/workflows/gdpr-cascade-delete.js';
import { eventually } from '../support/eventually.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { historyText } from '../support/history-text.js';

/** Twenty record requests, in the order the stand-in received them. */
interface Request {
  operation: string;
  variables: string;
}

describe('live person writes share Twenty requests across customers', () => {
  let h: Harness;
  const requests: Request[] = [];
  /** A request the hook holds until the test releases it. */
  let hold: { match: (r: Request) => boolean; held: boolean; release: () => void; released: Promise<void> } | undefined;

  beforeAll(async () => {
    // Twenty's default budget: the pacing is what makes customers arriving together share a batch.
    h = await startHarness({ env: { TWENTY_REQUESTS_PER_MINUTE: '100', SUPPORT_MODULE_ENABLED: 'false' } });
    h.twenty.beforeRecordRequest(async (body) => {
      const r = { operation: /(query|mutation) (\w+)/.exec(body.query ?? '')?.[2] ?? '?', variables: JSON.stringify(body.variables ?? {}) };
      requests.push(r);
      if (hold && !hold.held && hold.match(r)) {
        hold.held = true;
        await hold.released;
      }
    });
  });
  afterEach(() => hold?.release());
  afterAll(async () => {
    await h?.close();
  });

  function holdRequest(match: (r: Request) => boolean) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    hold = { match, held: false, release, released };
    return hold;
  }
  const mentions = (r: Request, customerId: string) => r.variables.includes(twentyRecordId('person', customerId));
  const upserts = () => requests.filter((r) => r.operation === 'UpsertPersonBatch');
  /** Whether the customer's partnerSync has handed its person write to the batcher (its local activity is recorded). */
  async function asked(customerId: string): Promise<boolean> {
    const history = await h.client.workflow.getHandle(workflowIds.partnerSync(customerId)).fetchHistory();
    return history.events!.some((e) => e.markerRecordedEventAttributes);
  }

  it('writes a burst of 20 new customers with a few shared requests, every person right, no personal data in the batcher history', async () => {
    const burst = Array.from({ length: 20 }, () => newCustomer());
    for (const c of burst) h.kgc.putCustomer(c);
    const before = requests.length;
    for (const c of burst) expect((await h.send('customer.created', c)).status).toBe(202);
    for (const c of burst) expect(await h.partnerSyncResult(c.customer_id)).toMatchObject({ outcome: 'synced' });

    const used = requests.slice(before);
    expect(used.length, `Twenty requests for 20 new customers (two each before batching: 40): ${used.map((r) => r.operation).join(', ')}`).toBeLessThanOrEqual(8);
    for (const c of burst) {
      expect(h.person(c.customer_id), `person of ${c.customer_id}`).toMatchObject({ kgcCustomerId: c.customer_id, emails: { primaryEmail: c.email }, name: { lastName: 'Kovács' } });
      const [link] = await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, c.customer_id));
      expect(link, `partner link of ${c.customer_id}`).toMatchObject({ syncStatus: 'synced', twentyPersonId: twentyRecordId('person', c.customer_id) });
    }
    const history = historyText(await h.client.workflow.getHandle(workflowIds.twentyPersonBatcher(h.taskQueue)).fetchHistory());
    for (const c of burst) {
      expect(history, 'the batcher history names customers by id').toContain(c.customer_id);
      expect(history, 'the batcher history holds no email').not.toContain(c.email!);
      expect(history, 'the batcher history holds no phone').not.toContain(c.phone.slice(3));
      expect(history, 'the batcher history holds no name').not.toContain(c.name);
    }
    await maybeRecordHistory(h, workflowIds.twentyPersonBatcher(h.taskQueue), 'twenty-person-batcher-burst');
    await maybeRecordHistory(h, workflowIds.partnerSync(burst[0]!.customer_id), 'partner-sync-batched');
  });

  it('writes the history records of a burst of new customers with a few shared requests: each record once and right, each person before its records', async () => {
    const micros = (huf: number) => ({ amountMicros: huf * 1_000_000, currencyCode: 'HUF' });
    const burst = Array.from({ length: 20 }, (_, i) => {
      const c = newCustomer();
      const rental = (n: number) => ({
        rental_id: `R-${c.customer_id}-${n}`,
        customer_id: c.customer_id,
        machine_name: `Makita fúró ${n}`,
        rental_start: '2025-12-01',
        rental_end: `2025-12-1${n}`,
        total_days: 10 + n,
        total_cost: 10_000 * n + i,
        status: i === 0 && n === 2 ? 'late' : 'completed',
        ...(i === 0 && n === 2 ? { late_days: 1 } : {}),
      });
      const worklog = { worklog_id: `M-${c.customer_id}`, customer_id: c.customer_id, machine_type: 'Husqvarna láncfűrész', issue_description: 'Lánccsere', repair_cost: 18_500, completed_at: '2025-12-20T15:00:00Z', status: 'completed' };
      return { c, rentals: [rental(1), rental(2)], worklog };
    });
    for (const { c } of burst) h.kgc.putCustomer(c);
    const before = requests.length;
    // As KGC sends a busy moment: the customers side by side, each one's events in order.
    await Promise.all(
      burst.map(async ({ c, rentals, worklog }) => {
        expect((await h.send('customer.created', c)).status).toBe(202);
        for (const r of rentals) expect((await h.send('rental.completed', r)).status).toBe(202);
        expect((await h.send('service.completed', worklog)).status).toBe(202);
      }),
    );
    for (const { c } of burst) expect(await h.partnerSyncResult(c.customer_id)).toMatchObject({ outcome: 'synced' });

    const used = requests.slice(before);
    // One customer at a time cost 5 requests each (email owner, person, rentals, services, aggregates): 100 here.
    expect(used.length, `Twenty requests for 20 new customers with 3 records each: ${used.map((r) => r.operation).join(', ')}`).toBeLessThanOrEqual(15);
    const historyWrites = used.filter((r) => r.operation === 'WriteHistoryBatch');
    expect(historyWrites.length, 'history requests shared across customers').toBeLessThan(burst.length);
    for (const { c, rentals, worklog } of burst) {
      const personId = twentyRecordId('person', c.customer_id);
      for (const r of rentals) {
        const id = twentyRecordId('rentalRecord', r.rental_id);
        expect(historyWrites.filter((w) => w.variables.includes(id)), `requests that carried rental ${r.rental_id}`).toHaveLength(1);
        expect(h.twenty.getRecord('rentalRecord', id), `rental ${r.rental_id} in Twenty`).toMatchObject({ personId, kgcRentalId: r.rental_id, machineName: r.machine_name, rentalEnd: r.rental_end, totalCost: micros(r.total_cost) });
      }
      const serviceId = twentyRecordId('serviceRecord', worklog.worklog_id);
      expect(historyWrites.filter((w) => w.variables.includes(serviceId)), `requests that carried worklog ${worklog.worklog_id}`).toHaveLength(1);
      expect(h.twenty.getRecord('serviceRecord', serviceId)).toMatchObject({ personId, kgcWorklogId: worklog.worklog_id, repairCost: micros(18_500) });
      const firstPerson = used.findIndex((r) => r.operation === 'UpsertPersonBatch' && mentions(r, c.customer_id));
      const firstRecord = used.findIndex((r) => r.operation === 'WriteHistoryBatch' && r.variables.includes(personId));
      expect(firstPerson, `the person of ${c.customer_id} was written`).toBeGreaterThanOrEqual(0);
      expect(firstRecord, `the person of ${c.customer_id} was written before its first record`).toBeGreaterThan(firstPerson);
      expect(h.person(c.customer_id), `aggregates of ${c.customer_id}`).toMatchObject({
        name: { lastName: 'Kovács' },
        totalRentals: 2,
        totalRevenue: micros(rentals[0]!.total_cost + rentals[1]!.total_cost),
        lastRentalDate: '2025-12-12',
        lastServiceDate: '2025-12-20',
      });
    }
    expect(h.person(burst[0]!.c.customer_id)!.paymentStatus, 'a late rental marks its person LATE').toBe('LATE');
    expect(h.person(burst[1]!.c.customer_id)!.paymentStatus).not.toBe('LATE');
    await maybeRecordHistory(h, workflowIds.twentyPersonBatcher(h.taskQueue), 'twenty-person-batcher-history');
    await maybeRecordHistory(h, workflowIds.partnerSync(burst[0]!.c.customer_id), 'partner-sync-history-batched');
  });

  it('two customers sharing a new email in one batch stay two people; the email stays with one of them, the other gets a warning', async () => {
    const door = newCustomer();
    const shared = `kozos.${Date.now().toString(36)}@example.hu`;
    const [a, b] = [newCustomer({ email: shared }), newCustomer({ email: shared.toUpperCase() })];
    for (const c of [door, a, b]) h.kgc.putCustomer(c);
    const gate = holdRequest((r) => r.operation === 'PersonBatchEmailOwners' && r.variables.includes(door.email!));
    await h.send('customer.created', door);
    await eventually(() => gate.held, 'the door customer\'s batch in flight');
    await h.send('customer.created', a);
    await h.send('customer.created', b);
    await eventually(async () => (await asked(a.customer_id)) && (await asked(b.customer_id)), 'both customers waiting for the next batch');
    gate.release();
    for (const c of [door, a, b]) expect(await h.partnerSyncResult(c.customer_id)).toMatchObject({ outcome: 'synced' });

    expect(upserts().filter((r) => mentions(r, a.customer_id) && mentions(r, b.customer_id)), 'one upsert request wrote both').toHaveLength(1);
    const people = [a, b].map((c) => h.person(c.customer_id)!);
    expect(people.map((p) => p.emails.primaryEmail).filter((e) => e !== null), 'exactly one holds the email as primary').toEqual([shared]);
    const second = [a, b][people.findIndex((p) => p.emails.primaryEmail === null)]!;
    expect(h.person(second.customer_id)!.emails.additionalEmails).toEqual([shared]);
    const [link] = await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, second.customer_id));
    expect(link!.warnings, 'the second customer\'s link says its email stayed with another person').toContain('twenty_email_shared');
  });

  it('keeps one customer\'s writes in order: a change during its batch is written by a later batch, last state wins', async () => {
    const c = newCustomer({ name: 'Első Változat' });
    h.kgc.putCustomer(c);
    const gate = holdRequest((r) => r.operation === 'UpsertPersonBatch' && mentions(r, c.customer_id));
    await h.send('customer.created', c);
    await eventually(() => gate.held, 'the customer\'s first upsert in flight');
    h.kgc.putCustomer({ ...c, name: 'Második Változat' });
    await h.send('customer.updated', { ...c, name: 'Második Változat' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(upserts().filter((r) => mentions(r, c.customer_id)), 'no second write while the first is in flight').toHaveLength(1);
    gate.release();
    expect(await h.partnerSyncResult(c.customer_id)).toMatchObject({ outcome: 'synced', syncs: 2 });

    const names = upserts()
      .filter((r) => mentions(r, c.customer_id))
      .map((r) => (JSON.parse(r.variables) as { data: Array<{ id: string; name: { lastName: string } }> }).data.find((d) => d.id === twentyRecordId('person', c.customer_id))!.name.lastName);
    expect(names, 'the customer\'s upserts, in the order Twenty received them').toEqual(['Első', 'Második']);
    expect(h.person(c.customer_id)!.name).toEqual({ lastName: 'Második', firstName: 'Változat' });
  });

  it('an erasure while the customer\'s batch is in flight leaves nothing: the upsert checks the tombstone right before it writes', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const gate = holdRequest((r) => r.operation === 'PersonBatchEmailOwners' && r.variables.includes(c.email!));
    await h.send('customer.created', c);
    await eventually(() => gate.held, 'the customer\'s batch asking Twenty who owns its email');

    expect((await h.send('customer.deleted', { customer_id: c.customer_id, gdpr_reason: 'customer_request' })).status).toBe(202);
    const erasure = h.client.workflow.getHandle<typeof gdprCascadeDelete>(workflowIds.gdprDelete(c.customer_id));
    await eventually(async () => ['draining', 'second_pass', 'certificate', 'done'].includes((await erasure.query(gdprDeleteStatus)).step), 'the erasure past its first pass');
    gate.release();
    expect(await erasure.result()).toMatchObject({ status: 'complete' });
    // Batches run one after another: once a later customer is in Twenty, the erased one's batch has finished.
    const after = newCustomer();
    h.kgc.putCustomer(after);
    await h.send('customer.created', after);
    await h.partnerSyncResult(after.customer_id);

    expect(upserts().filter((r) => mentions(r, c.customer_id)), 'no upsert carried the erased customer').toEqual([]);
    expect(h.person(c.customer_id)).toBeUndefined();
    expect(await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, c.customer_id))).toEqual([]);
  });
});
