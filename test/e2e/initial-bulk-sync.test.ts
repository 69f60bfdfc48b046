import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters, partnerLinks } from '../../src/db/schema.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { twentyRecordId } from '../../src/domain/ids.js';

import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { type BulkSyncProgress } from '../../src/contracts/workflow-messages.js';
import { maybeRecordHistory } from '../support/record-histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { BULK_SYNC_CHATWOOT_REQUESTS_PER_MINUTE: '360000' } });
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
function rentalOf(customerId: string, over: Record<string, unknown> = {}) {
  n++;
  return { rental_id: `BR-${Date.now().toString(36)}-${n}`, customer_id: customerId, machine_name: 'Makita talajvágó', rental_start: daysAgo(40), rental_end: daysAgo(37), total_days: 3, total_cost: 45000, status: 'completed' as const, ...over };
}

/** Customers with one rental each; every 50th one also has a service. Returns their ids. */
function seed(count: number): { ids: string[]; rentals: string[] } {
  const ids: string[] = [];
  const rentals: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    ids.push(c.customer_id);
    const r = rentalOf(c.customer_id);
    h.kgc.putRental(r);
    rentals.push(r.rental_id);
    if (i % 50 === 0) {
      h.kgc.putWorklog({ worklog_id: `BW-${c.customer_id}`, customer_id: c.customer_id, machine_type: 'Stihl', issue_description: 'Lánccsere', repair_cost: 9000, completed_at: `${daysAgo(10)}T10:00:00Z`, status: 'completed' });
    }
  }
  return { ids, rentals };
}

async function startRun(): Promise<{ runId: string; workflowId: string }> {
  const res = await h.admin('POST', '/admin/bulk-sync', {});
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

async function finish(runId: string): Promise<BulkSyncProgress> {
  await h.client.workflow.getHandle(`initial-bulk-sync/${runId}`).result();
  const res = await h.admin('GET', `/admin/bulk-sync/${runId}`);
  expect(res.status).toBe(200);
  return res.body;
}

const peopleOf = (ids: string[]) => ids.map((id) => h.person(id)).filter(Boolean);

describe('initial bulk sync', () => {
  it('writes every customer, its history and contact once; shared emails stay with their owner; erased customers are never written', async () => {
    const { ids, rentals } = seed(130);
    // Shares an email with the next customer in KGC order, and one whose email a live sync gave to someone else.
    const sharedEmail = `csalad.${Date.now()}@example.hu`;
    const first = newCustomer({ customer_id: `C-zz${Date.now()}a`, email: sharedEmail });
    const second = newCustomer({ customer_id: `C-zz${Date.now()}b`, email: sharedEmail.toUpperCase() });
    const owner = newCustomer();
    h.kgc.putCustomer(owner);
    expect((await h.send('customer.created', owner)).status).toBe(202);
    await h.partnerSyncResult(owner.customer_id);
    const taken = newCustomer({ email: owner.email });
    const erased = newCustomer();
    for (const c of [first, second, taken, erased]) h.kgc.putCustomer(c);
    expect((await h.send('customer.deleted', { customer_id: erased.customer_id, gdpr_reason: 'user_request' })).status).toBe(202);
    await h.client.workflow.getHandle(`gdpr-delete/${erased.customer_id}`).result();
    h.kgc.putCustomer(erased);

    const { runId, workflowId } = await startRun();
    expect(workflowId).toBe(`initial-bulk-sync/${runId}`);
    const progress = await finish(runId);
    expect(progress).toMatchObject({ phase: 'done', done: true, paused: false, failed: 0, etaSeconds: 0 });
    expect(progress.processed).toBe(progress.total);

    expect(peopleOf(ids)).toHaveLength(ids.length);
    for (const r of rentals) expect(h.twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', r))).toBeDefined();
    expect(h.twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', rentals[0]!))?.name, 'records are titled, not "Untitled"').toBe(`${rentals[0]} · Makita talajvágó`);
    expect(h.person(ids[0]!)).toMatchObject({ totalRentals: 1, totalRevenue: { amountMicros: 45_000_000_000, currencyCode: 'HUF' }, lastRentalDate: daysAgo(37) });
    expect(h.person(first.customer_id)!.emails).toMatchObject({ primaryEmail: sharedEmail });
    expect(h.person(second.customer_id)!.emails).toMatchObject({ primaryEmail: null, additionalEmails: [sharedEmail] });
    expect(h.person(owner.customer_id)!.emails).toMatchObject({ primaryEmail: owner.email });
    expect(h.person(taken.customer_id)!.emails).toMatchObject({ primaryEmail: null, additionalEmails: [owner.email] });
    const [link] = await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, taken.customer_id));
    expect(link!.warnings).toContain('twenty_email_shared');
    expect(link!.chatwootContactId).toBeTruthy();
    expect(h.person(erased.customer_id)).toBeUndefined();
    expect(h.contactOf(erased.customer_id)).toBeUndefined();
    expect(ids.every((id) => h.contactOf(id))).toBe(true);

    // The memo carries the last checkpoint for the Web UI.
    const memo = (await h.client.workflow.getHandle(workflowId).describe()).memo as { bulkSync: BulkSyncProgress };
    expect(memo.bulkSync).toMatchObject({ phase: 'done', done: true });
  });

  it('a bulk sync and a live sync racing for one email keep two people; exactly one holds the email', async () => {
    const email = `verseny.${Date.now()}@example.hu`;
    const inBulk = newCustomer({ email });
    const live = newCustomer({ email: email.toUpperCase() });
    h.kgc.putCustomer(inBulk);
    h.kgc.putCustomer(live);
    // Slow Twenty answers: the bulk's email-owner query and the live sync's lookup both run before either upsert.
    h.twenty.faults.set({ latencyMs: 1500 });
    try {
      const { runId } = await startRun();
      expect((await h.send('customer.created', live)).status).toBe(202);
      expect((await h.partnerSyncResult(live.customer_id)).outcome).toBe('synced');
      expect(await finish(runId)).toMatchObject({ done: true, failed: 0 });
    } finally {
      h.twenty.faults.clear();
    }
    const pair = [inBulk, live];
    for (const c of pair) expect(h.person(c.customer_id)?.kgcCustomerId, `${c.customer_id} has a person of its own`).toBe(c.customer_id);
    const holders = pair.filter((c) => h.person(c.customer_id)!.emails.primaryEmail === email);
    expect(holders, 'exactly one person holds the email').toHaveLength(1);
    const other = pair.find((c) => c !== holders[0])!;
    expect(h.person(other.customer_id)!.emails).toMatchObject({ primaryEmail: null, additionalEmails: [email] });
    const links = await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, other.customer_id));
    expect(links[0]!.warnings).toContain('twenty_email_shared');
  });

  it('a rerun duplicates nothing', async () => {
    const { ids } = seed(70);
    await finish((await startRun()).runId);
    const people = h.twenty.listRecords('people').length;
    const rentalRecords = h.twenty.listRecords('rentalRecords').length;
    const contacts = h.chatwoot.contacts().length;
    const progress = await finish((await startRun()).runId);
    expect(progress).toMatchObject({ done: true, failed: 0 });
    expect(h.twenty.listRecords('people').length).toBe(people);
    expect(h.twenty.listRecords('rentalRecords').length).toBe(rentalRecords);
    expect(h.chatwoot.contacts().length).toBe(contacts);
    expect(peopleOf(ids)).toHaveLength(ids.length);
  });

  it('pauses and resumes; a second start answers 409 while one runs', async () => {
    seed(60);
    const { runId } = await startRun();
    expect((await h.admin('POST', `/admin/bulk-sync/${runId}/pause`)).status).toBe(202);
    const again = await h.admin('POST', '/admin/bulk-sync', {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('bulk_sync_running');
    await new Promise((r) => setTimeout(r, 1500));
    const paused = (await h.admin('GET', `/admin/bulk-sync/${runId}`)).body as BulkSyncProgress;
    expect(paused.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(((await h.admin('GET', `/admin/bulk-sync/${runId}`)).body as BulkSyncProgress).processed).toBe(paused.processed);
    expect((await h.admin('POST', `/admin/bulk-sync/${runId}/resume`)).status).toBe(202);
    expect(await finish(runId)).toMatchObject({ done: true, paused: false });
    await maybeRecordHistory(h, `initial-bulk-sync/${runId}`, 'initial-bulk-sync-paused-resumed');
  });

  it('cancels a run and frees the slot', async () => {
    seed(10);
    const { runId } = await startRun();
    expect((await h.admin('POST', `/admin/bulk-sync/${runId}/pause`)).status).toBe(202);
    expect((await h.admin('POST', `/admin/bulk-sync/${runId}/cancel`)).status).toBe(202);
    await expect(h.client.workflow.getHandle(`initial-bulk-sync/${runId}`).result()).rejects.toThrow();
    await finish((await startRun()).runId);
  });

  it('sends a record Twenty refuses to the dead letters, keeps going, and redrives it once the cause is fixed', async () => {
    // A person deleted by hand in Twenty: its history record fails the foreign key; the rest of the batch goes in.
    const gone = newCustomer();
    h.kgc.putCustomer(gone);
    expect((await h.send('customer.created', gone)).status).toBe(202);
    await h.partnerSyncResult(gone.customer_id);
    const twenty = new TwentyClient({ apiUrl: h.twenty.url, apiKey: h.twenty.apiKey, requestsPerMinute: 6000 });
    await twenty.query(`mutation { destroyPerson(id: "${twentyRecordId('person', gone.customer_id)}") { id } }`);
    h.kgc.putCustomer({ ...gone, active: false } as never);
    const bad = rentalOf(gone.customer_id);
    h.kgc.putRental(bad);
    const { rentals } = seed(20);

    const { runId } = await startRun();
    const progress = await finish(runId);
    expect(progress).toMatchObject({ done: true, failed: 1 });
    for (const r of rentals) expect(h.twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', r))).toBeDefined();
    const list = await h.admin('GET', `/admin/dead-letters?runId=${runId}`);
    expect(list.body.deadLetters).toEqual([expect.objectContaining({ system: 'twenty', recordKind: 'rental', kgcId: bad.rental_id, customerId: gone.customer_id, status: 'open' })]);
    expect(JSON.stringify(list.body)).not.toContain(gone.email!);

    h.kgc.putCustomer(gone);
    const redrive = await h.admin('POST', `/admin/dead-letters/${list.body.deadLetters[0].id}/redrive`);
    expect(redrive.status).toBe(202);
    await h.partnerSyncResult(gone.customer_id);
    expect(h.twenty.getRecord('rentalRecord', twentyRecordId('rentalRecord', bad.rental_id))).toMatchObject({ personId: twentyRecordId('person', gone.customer_id) });
    const [row] = await h.db.select().from(deadLetters).where(eq(deadLetters.runId, runId));
    expect(row!.status).toBe('redriven');
  });

  it('live partner updates keep flowing while a bulk sync runs', async () => {
    seed(240);
    const { runId } = await startRun();
    const live = newCustomer();
    h.kgc.putCustomer(live);
    const started = Date.now();
    expect((await h.send('customer.created', live)).status).toBe(202);
    expect((await h.partnerSyncResult(live.customer_id)).outcome).toBe('synced');
    const liveMs = Date.now() - started;
    const during = (await h.admin('GET', `/admin/bulk-sync/${runId}`)).body as BulkSyncProgress;
    expect(during.done).toBe(false);
    expect(liveMs).toBeLessThan(5_000);
    await finish(runId);
  });
});
