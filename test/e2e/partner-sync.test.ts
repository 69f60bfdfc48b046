import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/context.js';
import { createTwentyActivities } from '../../src/activities/twenty.js';
import { KgcClient } from '../../src/clients/kgc-client.js';
import { TwentyClient } from '../../src/clients/twenty-client.js';
import { integrationLog, partnerLinks } from '../../src/db/schema.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { newCustomer, startHarness, type Harness } from '../support/harness.js';
import { maybeRecordHistory } from '../support/record-histories.js';
import { historyText } from '../support/history-text.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const person = (customerId: string) => h.person(customerId);
const contactOf = (customerId: string) => h.contactOf(customerId);
const link = async (customerId: string) => (await h.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, customerId)))[0];
const twentyApi = () => new TwentyClient({ apiUrl: h.twenty.url, apiKey: h.twenty.apiKey, requestsPerMinute: 6000 });
/** A person someone created by hand in Twenty, not one of ours. */
async function foreignPerson(email: string, opts: { trashed?: boolean } = {}): Promise<string> {
  const id = randomUUID();
  await twentyApi().query(`mutation($data: PersonCreateInput!) { createPerson(data: $data) { id } }`, {
    data: { id, name: { firstName: 'Kézi', lastName: 'Kata' }, emails: { primaryEmail: email } },
  });
  if (opts.trashed) await twentyApi().query(`mutation { deletePerson(id: "${id}") { id } }`);
  return id;
}

describe('partnerSync', () => {
  it('turns a signed customer.created into a Twenty person and a Chatwoot contact (end to end)', async () => {
    const c = newCustomer({ name: 'Kovács János', email: 'Janos.Kovacs.E2E@Example.hu', phone: '+36301234567' });
    h.kgc.putCustomer({ ...c, tax_number: '12345678-1-42' } as typeof c);
    const res = await h.send('customer.created', c);
    expect(res.status).toBe(202);
    expect(await h.partnerSyncResult(c.customer_id)).toEqual({ customerId: c.customer_id, syncs: 1, outcome: 'synced' });

    expect(person(c.customer_id)).toMatchObject({
      name: { firstName: 'János', lastName: 'Kovács' },
      emails: { primaryEmail: 'janos.kovacs.e2e@example.hu' },
      phones: { primaryPhoneNumber: '301234567', primaryPhoneCountryCode: 'HU', primaryPhoneCallingCode: '+36' },
      kgcCustomerId: c.customer_id,
      isBusiness: false,
    });
    expect(JSON.stringify(person(c.customer_id))).not.toContain('12345678-1-42');
    expect(contactOf(c.customer_id)).toMatchObject({ email: 'janos.kovacs.e2e@example.hu', phone_number: '+36301234567', custom_attributes: { kgc_customer_id: c.customer_id } });

    const l = await link(c.customer_id);
    expect(l).toMatchObject({ syncStatus: 'synced', twentyPersonId: twentyRecordId('person', c.customer_id), chatwootContactId: String(contactOf(c.customer_id)!.id), lastError: null });
    const audit = await h.db.select().from(integrationLog).where(eq(integrationLog.customerId, c.customer_id));
    expect(audit.map((a) => `${a.system}:${a.action}:${a.status}`).sort()).toEqual(['chatwoot:upsert_contact:ok', 'twenty:upsert_person:ok']);

    await maybeRecordHistory(h, `partner-sync/${c.customer_id}`, 'partner-sync-created');
    const admin = await h.admin('GET', `/admin/partners/${c.customer_id}`);
    expect(admin.body).toMatchObject({ customerId: c.customer_id, syncStatus: 'synced', twentyPersonId: l!.twentyPersonId, workflowId: `partner-sync/${c.customer_id}` });
    expect(JSON.stringify(admin.body)).not.toMatch(/Kovács|example\.hu|\+3630/);
  });

  it('writes what KGC has now, not the stale payload of a late webhook', async () => {
    const c = newCustomer({ name: 'Régi Név' });
    h.kgc.putCustomer({ ...c, name: 'Új Név', email: 'uj.nev@example.hu' });
    await h.send('customer.updated', c);
    await h.partnerSyncResult(c.customer_id);
    expect(person(c.customer_id)).toMatchObject({ name: { lastName: 'Új', firstName: 'Név' }, emails: { primaryEmail: 'uj.nev@example.hu' } });
  });

  it('an older update delivered after a newer one cannot roll the person back', async () => {
    const c = newCustomer({ name: 'Első Változat' });
    h.kgc.putCustomer({ ...c, name: 'Második Változat' });
    await h.send('customer.updated', { ...c, name: 'Második Változat' });
    await h.partnerSyncResult(c.customer_id);
    await h.send('customer.updated', c);
    await h.partnerSyncResult(c.customer_id);
    expect(person(c.customer_id)?.name).toEqual({ lastName: 'Második', firstName: 'Változat' });
  });

  it('stops without writing when KGC answers 404 (customer deleted)', async () => {
    const c = newCustomer();
    const res = await h.send('customer.updated', c);
    expect(res.status).toBe(202);
    expect(await h.partnerSyncResult(c.customer_id)).toEqual({ customerId: c.customer_id, syncs: 1, outcome: 'deleted_in_kgc' });
    expect(person(c.customer_id)).toBeUndefined();
    expect(contactOf(c.customer_id)).toBeUndefined();
    expect((await link(c.customer_id))?.syncStatus).toBe('deleted_in_kgc');
    await maybeRecordHistory(h, `partner-sync/${c.customer_id}`, 'partner-sync-deleted-in-kgc');
  });

  it('retries through Twenty 5xx answers and then syncs', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    h.twenty.faults.set({ failNext: { count: 2, status: 503 } });
    try {
      await h.send('customer.created', c);
      expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    } finally {
      h.twenty.faults.clear();
    }
    expect(person(c.customer_id)?.kgcCustomerId).toBe(c.customer_id);
    await maybeRecordHistory(h, `partner-sync/${c.customer_id}`, 'partner-sync-twenty-retried');
  });

  it('keeps two KGC customers sharing an email as two Twenty people, the first keeping the email', async () => {
    const email = `csalad.${Date.now()}@example.hu`;
    const first = newCustomer({ email });
    const second = newCustomer({ email: email.toUpperCase() });
    h.kgc.putCustomer(first);
    h.kgc.putCustomer(second);
    await h.send('customer.created', first);
    await h.partnerSyncResult(first.customer_id);
    await h.send('customer.created', second);
    await h.partnerSyncResult(second.customer_id);

    expect(person(first.customer_id)?.emails).toMatchObject({ primaryEmail: email });
    expect(person(first.customer_id)?.name.firstName).toBe(first.name.split(' ')[1]);
    expect(person(second.customer_id)?.emails).toMatchObject({ primaryEmail: null, additionalEmails: [email] });
    expect(contactOf(first.customer_id)?.email).toBe(email);
    expect(contactOf(second.customer_id)?.email ?? null).toBeNull();
    expect((await link(second.customer_id))?.warnings).toEqual(['twenty_email_shared', 'chatwoot_email_shared']);

    await h.send('customer.updated', second);
    await h.partnerSyncResult(second.customer_id);
    expect(person(first.customer_id)?.emails).toMatchObject({ primaryEmail: email });
  });

  it('two customers with the same new email created at the same instant stay two people; exactly one holds the email', async () => {
    const email = `egyszerre.${Date.now()}@example.hu`;
    const pair = [newCustomer({ email }), newCustomer({ email: email.toUpperCase() })];
    pair.forEach((c) => h.kgc.putCustomer(c));
    // Slow Twenty answers put both email-owner lookups before either upsert, as a paced queue does.
    h.twenty.faults.set({ latencyMs: 400 });
    try {
      await Promise.all(pair.map((c) => h.send('customer.created', c)));
      for (const c of pair) expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    } finally {
      h.twenty.faults.clear();
    }
    for (const c of pair) expect(person(c.customer_id)?.kgcCustomerId, `${c.customer_id} has a person of its own`).toBe(c.customer_id);
    const holders = pair.filter((c) => person(c.customer_id)?.emails.primaryEmail === email);
    expect(holders, 'exactly one person holds the email').toHaveLength(1);
    const other = pair.find((c) => c !== holders[0])!;
    expect(person(other.customer_id)?.emails).toMatchObject({ primaryEmail: null, additionalEmails: [email] });
    expect((await link(other.customer_id))?.warnings).toContain('twenty_email_shared');
    for (const c of pair) expect((await link(c.customer_id))?.twentyPersonId).toBe(twentyRecordId('person', c.customer_id));
  });

  it('a customer that changes its email frees the old one for the next customer', async () => {
    const old = `regi.${Date.now()}@example.hu`;
    const a = newCustomer({ email: old });
    h.kgc.putCustomer(a);
    await h.send('customer.created', a);
    await h.partnerSyncResult(a.customer_id);
    const moved = { ...a, email: `uj.${Date.now()}@example.hu` };
    h.kgc.putCustomer(moved);
    await h.send('customer.updated', moved);
    await h.partnerSyncResult(a.customer_id);
    const b = newCustomer({ email: old });
    h.kgc.putCustomer(b);
    await h.send('customer.created', b);
    await h.partnerSyncResult(b.customer_id);
    expect(person(a.customer_id)?.emails).toMatchObject({ primaryEmail: moved.email });
    expect(person(b.customer_id)?.emails, 'the old email is no longer claimed by the first customer').toMatchObject({ primaryEmail: old });
    expect((await link(b.customer_id))?.warnings).not.toContain('twenty_email_shared');
  });

  it('never merges into a trashed person that holds the email: it stays in the trash, untouched', async () => {
    const email = `kukaban.${Date.now()}@example.hu`;
    const trashedId = await foreignPerson(email, { trashed: true });
    const c = newCustomer({ email });
    h.kgc.putCustomer(c);
    await h.send('customer.created', c);
    expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    expect(person(c.customer_id)?.emails).toMatchObject({ primaryEmail: null, additionalEmails: [email] });
    expect(h.twenty.getRecord('person', trashedId)).toMatchObject({ name: { firstName: 'Kézi', lastName: 'Kata' }, emails: { primaryEmail: email } });
    expect(h.twenty.getRecord('person', trashedId)?.deletedAt, 'the trashed person was not restored').not.toBeNull();
    expect((await link(c.customer_id))?.warnings).toContain('twenty_email_shared');
  });

  it('an upsert Twenty answers with another person\'s id is a non-retryable TwentyIdMismatch, never a stored id', async () => {
    // The email-owner lookup came first; the person was created by hand right after it, before the upsert.
    const email = `kezi.${Date.now()}@example.hu`;
    const c = newCustomer({ email });
    h.kgc.putCustomer(c);
    const foreignId = await foreignPerson(email);
    const deps = { db: h.db, kgc: new KgcClient({ apiUrl: h.kgc.url, apiKey: h.kgc.apiKey }), twenty: twentyApi() } as ActivityDeps;
    await expect(createTwentyActivities(deps).upsertTwentyPerson({ customerId: c.customer_id, emailOwnedByOther: false })).rejects.toMatchObject({
      type: 'TwentyIdMismatch',
      nonRetryable: true,
      message: expect.stringContaining(foreignId),
    });
    expect(person(c.customer_id)).toBeUndefined();
    expect(await link(c.customer_id)).toBeUndefined();
  });

  it('leaves off a phone Twenty would refuse, with a warning on the partner link, and still syncs the person', async () => {
    const c = newCustomer({ phone: '+80012345678' });
    h.kgc.putCustomer(c);
    await h.send('customer.created', c);
    expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    expect(person(c.customer_id)).toMatchObject({ kgcCustomerId: c.customer_id, emails: { primaryEmail: c.email } });
    expect(person(c.customer_id)?.phones.primaryPhoneNumber ?? '').toBe('');
    expect((await link(c.customer_id))?.warnings).toContain('twenty_phone_invalid');
  });

  it('coalesces a burst of updates for one customer into fewer syncs', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => h.send('customer.updated', c, { id: `evt-burst-${c.customer_id}-${i}` })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const result = await h.partnerSyncResult(c.customer_id);
    expect(result.outcome).toBe('synced');
    expect(result.syncs).toBeLessThan(6);
    await maybeRecordHistory(h, `partner-sync/${c.customer_id}`, 'partner-sync-burst');
  });

  it('writes only Chatwoot while the CRM module is off, and says so in the audit', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    await h.admin('PUT', '/admin/modules/crm', { enabled: false });
    try {
      await new Promise((r) => setTimeout(r, 1_100));
      await h.send('customer.created', c);
      await h.partnerSyncResult(c.customer_id);
    } finally {
      await h.admin('PUT', '/admin/modules/crm', { enabled: true });
    }
    expect(person(c.customer_id)).toBeUndefined();
    expect(contactOf(c.customer_id)).toBeDefined();
    const audit = await h.db.select().from(integrationLog).where(eq(integrationLog.customerId, c.customer_id));
    expect(audit.find((a) => a.system === 'twenty')).toMatchObject({ status: 'skipped', detail: 'crm module off' });
  });

  it('links an existing Chatwoot contact with the same identifier instead of failing, however many contain it', async () => {
    const c = newCustomer();
    h.kgc.putCustomer(c);
    const createContact = async (body: Record<string, unknown>) => {
      const res = await fetch(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/contacts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', api_access_token: h.chatwoot.userToken },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as any).payload.contact.id as number;
    };
    const existingId = await createContact({ name: 'Régi kontakt', identifier: c.customer_id });
    // A full first page of other identifiers containing this one: a substring search would not show ours.
    for (let i = 0; i < 15; i++) await createContact({ name: `Más ${i}`, identifier: `${c.customer_id}-${i}` });
    await h.send('customer.created', c);
    expect((await h.partnerSyncResult(c.customer_id)).outcome).toBe('synced');
    expect((await link(c.customer_id))?.chatwootContactId).toBe(String(existingId));
    expect(contactOf(c.customer_id)).toMatchObject({ id: existingId, name: c.name, email: c.email });
  });

  it('keeps personal data out of the workflow history and finds runs by KgcCustomerId', async () => {
    const c = newCustomer({ name: 'Titkos Teréz', email: 'titkos.terez@example.hu', phone: '+36209876543' });
    h.kgc.putCustomer(c);
    await h.send('customer.created', c);
    await h.partnerSyncResult(c.customer_id);
    const history = historyText(await h.client.workflow.getHandle(`partner-sync/${c.customer_id}`).fetchHistory());
    for (const secret of ['Titkos', 'Teréz', 'titkos.terez', '209876543']) expect(history).not.toContain(secret);
    expect(history, 'the scan reads the payloads').toContain(`customerId\\":\\"${c.customer_id}`);

    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of h.client.workflow.list({ query: `KgcCustomerId = "${c.customer_id}"` })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([`partner-sync/${c.customer_id}`]);
  });
});
